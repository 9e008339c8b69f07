"""Questions about how a part of the picture looks that name no object: 'what colour is the background?',
'are the corners of the image black?', 'what colour is the top-left corner?', 'is the bottom edge white?'.

Each becomes an ``Attribute`` of colour with ``part`` naming the part of the picture (and the target's
position the side of it, 'the background on the right'), with ``expected`` for a yes/no question."""

from __future__ import annotations

import re
from typing import Any

from argus.agent.core import program as p
from argus.agent.core.lexicon import COLOUR_WORDS
from argus.tools.garments import GARMENTS

_SIDE = r"(top|bottom|upper|lower|left|right)"
_PICTURE = r"image|picture|photo|photograph|frame|scene|scan|shot|screenshot|slide|page"
_PART = re.compile(
    rf"\b(?:(?:the |its |all )?(?:four |4 )?(corners?|edges?|borders?|margins?|background|backdrop)"
    rf"|(?:the )?{_SIDE}[- ]?{_SIDE}?(?:[- ]hand)? (corner|edge|border|margin)s?)\b"
)
_AFTER = re.compile(
    rf"^(?: of (?:the |this )?(?:{_PICTURE}))?(?: (?:on|at|in|to) the {_SIDE}(?: side)?(?: of (?:her|him|them|it|the \w+))?)?"
)
_ASKED = re.compile(r"\b(?:what|which) colou?rs?\b|\bcolou?rs? of\b|\bwhat is the colou?r\b|\bwhat shade\b")
_YES_NO = re.compile(r"^(?:is|are|does|do|was|were)\b")
_OBJECT_WORDS = re.compile(rf"\b(?:of|on|behind|around) (?:the|a|an) (?!{_PICTURE})\w+")
_SIDES = {"upper": "top", "lower": "bottom"}
_LIGHTNESS = {"dark": "dark", "darker": "dark", "light": "light", "bright": "light", "pale": "light"}
# the only words before the part in a question about the part itself
_LEAD_WORDS = frozenset(
    [
        "what",
        "which",
        "colour",
        "color",
        "colours",
        "colors",
        "shade",
        "is",
        "are",
        "was",
        "were",
        "the",
        "of",
        "at",
        "in",
        "on",
        "its",
        "all",
        "tell",
        "me",
        "please",
        "can",
        "you",
        "could",
        "say",
    ]
)


def part_colour(text: str, tokens: list[str], mentions: list[Any], slots: Any, image: dict[str, Any]) -> Any:
    """The colour of a part of the picture, or None when the question is about something else."""
    found = _PART.search(text)
    if found is None:
        return None
    if set(text[: found.start()].split()) - _LEAD_WORDS:
        return None  # "what colour is the square in the top-left corner?": a thing, not the corner
    asked = _ASKED.search(text)
    expected = None
    if not asked:
        if not _YES_NO.match(text):
            return None
        word = next((t for t in tokens[::-1] if t in COLOUR_WORDS or t in _LIGHTNESS), None)
        if word is None or text.rfind(word) < found.end():
            return None
        colour = _LIGHTNESS.get(word) or COLOUR_WORDS[word]
        expected = colour
    rest = text[found.end() :]
    if _OBJECT_WORDS.match(rest.lstrip()) and not rest.lstrip().startswith(
        ("on the", "at the", "in the", "to the")
    ):
        return None  # "the corner of the table", "the edge of the road": a part of a thing
    kind = (found.group(1) or found.group(4) or "").rstrip("s")
    side = None
    after = _AFTER.match(rest)
    if after and after.group(1):
        side = _SIDES.get(after.group(1), after.group(1))
    if kind in ("background", "backdrop"):
        part = "background"
    elif kind == "corner":
        first, second = found.group(2), found.group(3)
        if first and second:
            part = f"{_SIDES.get(first, first)}-{_SIDES.get(second, second)} corner"
        else:
            part = "corners"
    else:  # an edge, border or margin
        part = (
            f"{_SIDES.get(found.group(2), found.group(2))} edge"
            if found.group(2) and not found.group(3)
            else "edges"
        )
    if part.endswith(" corner") and part.split("-")[0] not in ("top", "bottom"):
        part = "corners"  # 'left-right corner' names no corner
    return p.Attribute(target=p.Selection(position=side), attribute="colour", part=part, expected=expected)  # type: ignore[arg-type]


_TEXT = re.compile(
    r"\b(text|texts|writing|letters|lettering|letter|words|word|font|title|heading|headline|print|ink|"
    r"caption|characters|script|numbers|digits)\b"
)
_TITLE_WORDS = frozenset(["title", "heading", "headline"])


def text_colour(text: str, tokens: list[str], mentions: list[Any], slots: Any, image: dict[str, Any]) -> Any:
    """'What colour are the letters?', 'what colour is the writing on the bus?', 'is the text red?': the
    colour of the written text (the title's for 'the title'), or None for another question."""
    found = _TEXT.search(text)
    if found is None or set(text[: found.start()].split()) - _LEAD_WORDS - {
        "this",
        "that",
        "written",
        "printed",
    }:
        return None
    expected = None
    if not _ASKED.search(text):
        if not _YES_NO.match(text):
            return None
        colour = next((COLOUR_WORDS[t] for t in tokens[::-1] if t in COLOUR_WORDS), None)
        named = found.group(1) == "word" and re.match(r"\s+[\"'“]?(\w+)", text[found.end() :])
        if colour is None or text.rfind(colour) < found.end() or (named and named.group(1) in COLOUR_WORDS):
            return None  # "is the word red written there?" asks what is written
        expected = colour
    part = "title" if found.group(1) in _TITLE_WORDS else None
    return p.Attribute(target=p.Selection(label="text"), attribute="colour", part=part, expected=expected)


_GARMENT = re.compile(r"\b(" + "|".join(sorted(map(re.escape, GARMENTS), key=len, reverse=True)) + r")\b")
_AMBIGUOUS = frozenset(["coat", "top", "suit", "cap", "hood", "robe", "vest", "print"])  # also not clothes
_PERSON_WORDS = re.compile(r"\b(?:he|she|his|her|him|they|their|them)\b")
# anyone of several: the garment of one person does not answer it
_ANY_PERSON = re.compile(
    r"^(?:is|are) there\b|\b(?:someone|somebody|anyone|anybody|any(?: of the)? (?:people|persons|men|women))\b"
)


def garment_colour(
    text: str, tokens: list[str], mentions: list[Any], slots: Any, image: dict[str, Any]
) -> Any:
    """'Is her uniform blue?', 'is the man on the left wearing a black jacket?', 'what colour is the
    jacket worn by the man on the right?': the colour of a garment a person wears, or None."""
    worn = _GARMENT.search(text)
    if worn is None:
        return None
    people = [m.selection for m in mentions if m.selection.label == "person"]
    others = [
        m
        for m in mentions
        if m.selection.label not in ("person", None) and not _GARMENT.fullmatch(m.selection.label)
    ]
    if others or _ANY_PERSON.search(text):
        return None  # "the dog's coat", "is there a man in a red shirt?" (any of them, not one)
    if not (people or _PERSON_WORDS.search(text)) and worn.group(1) in _AMBIGUOUS:
        return None  # "what colour is the top?": a garment only when someone wears it
    expected = None
    if not _ASKED.search(text):
        if not _YES_NO.match(text):
            return None
        colour = next((COLOUR_WORDS[t] for t in tokens if t in COLOUR_WORDS), None)
        if colour is None:
            return None
        expected = colour
    person = people[0] if people else p.Selection(label="person")
    return p.Attribute(target=person, attribute="colour", part=worn.group(1), expected=expected)
