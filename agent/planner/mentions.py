"""The things a question mentions, as selections: "the two red circles on the left" is
Selection(label="circle", colour="red", position="left").

A mention is a noun the engine knows (a COCO class or its synonym, a category, a shape or solid, a
generic "object", a region noun, text, a thing no tool can see) with the words around it that narrow it:
size and colour before it, "on the left"/"at the top" after it, and "anything red" style colours after
a pronoun. A noun nobody listed, after an article ("is there a rocket"), is kept as a label for the
image classifier to try.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from argus.agent.core.lexicon import (
    COLOUR_WORDS,
    GENERIC_NOUNS,
    REGION_NOUNS,
    SHAPE_WORDS,
    SIZE_WORDS,
    TEXT_NOUNS,
    UNSEEABLE,
)
from argus.agent.core.program import Selection
from argus.agent.planner.normalize import FUNCTION_WORDS
from argus.tools.words import singular

RANK_WORDS = {
    "biggest": "largest", "largest": "largest", "smallest": "smallest", "tiniest": "smallest",
    "leftmost": "leftmost", "rightmost": "rightmost", "topmost": "topmost", "bottommost": "bottommost",
    "highest": "topmost", "lowest": "bottommost", "uppermost": "topmost",
}  # fmt: skip
PERSON_WORDS = {
    "anyone": "person", "anybody": "person", "someone": "person", "somebody": "person", "everyone": "person",
    "everybody": "person", "nobody": "person", "people": "person", "persons": "person", "humans": "person",
    "human": "person", "guy": "person", "guys": "person", "lady": "person", "ladies": "person", "boy": "person",
    "boys": "person", "girl": "person", "girls": "person", "kids": "person", "player": "person",
    "players": "person", "worker": "person", "workers": "person", "adult": "person", "adults": "person",
    "individual": "person", "individuals": "person", "passenger": "person", "passengers": "person",
    "astronaut": "person", "footballer": "person", "soldier": "person", "officer": "person",
    "baby": "person", "babies": "person", "toddler": "person", "teenager": "person",
}  # fmt: skip
ANYTHING = {"anything", "something", "everything", "nothing"}
# Generic nouns that name a thing by its form, so "what is the brown solid?" asks for its geometric name.
SHAPE_NOUNS = {"shape", "shapes", "solid", "solids", "figure", "figures"}
# Trailing place phrases: "the person on the left", "the circle at the top".
PLACE = re.compile(
    r"^(?:(?:that|which|who) (?:is|are) )?(?:on|at|in|to) the (far |very )?(left|right|top|bottom|middle|center|centre)"
    r"(?:-hand)?(?: side| end| corner| part| half)?(?: of (?:the )?(?:image|picture|photo|frame|scene))?(?![\w-])(?! of\b)"
)
# Corners: "the top-left square", "the square in the upper right corner": the thing nearest that corner.
CORNER_WORDS = {
    f"{v}{sep}{h}": f"{'top' if v in ('top', 'upper') else 'bottom'}_{h}"
    for v in ("top", "upper", "bottom", "lower")
    for h in ("left", "right")
    for sep in (" ", "-")
}
CORNER_PLACE = re.compile(
    r"^(?:(?:that|which|who) (?:is|are) )?(?:on|at|in) the (top|upper|bottom|lower)[- ](left|right)(?:-hand)?"
    r"(?: corner| side| part)?(?: of (?:the )?(?:image|picture|photo|frame|scene|board|grid))?(?![\w-])"
)
STOP = FUNCTION_WORDS | {"image", "picture", "photo", "photograph", "scene", "frame", "scan"}


@dataclass
class Mention:
    start: int  # token index of the first word
    end: int  # token index after the last word
    selection: Selection
    known: bool = True  # False for a noun no list knows (left to the image classifier)
    plural: bool = False


@lru_cache(maxsize=1)
def _coco() -> tuple[tuple[str, ...], dict[str, str]]:
    from argus.tools.coco import COCO_80, SYNONYMS

    return COCO_80, SYNONYMS


def noun_at(tokens: list[str], i: int) -> tuple[int, dict[str, str], bool] | None:
    """The longest known noun starting at token ``i``: (its length, selection fields, plural?)."""
    from argus.tools.coco import match_label

    coco, _ = _coco()
    for n in (3, 2, 1):
        if i + n > len(tokens):
            continue
        phrase = " ".join(tokens[i : i + n])
        if n == 1 and len(phrase) < 3 and phrase not in ("tv", "ox"):
            continue
        plural = phrase.endswith("s") and singular(phrase) != phrase
        if phrase in PERSON_WORDS:
            return n, {"label": "person"}, phrase not in ("anyone", "anybody", "someone", "somebody", "human", "guy", "lady", "boy", "girl", "adult", "individual", "passenger", "astronaut", "footballer", "soldier", "officer", "baby", "toddler", "teenager", "player", "worker")  # fmt: skip
        if phrase in UNSEEABLE:
            return n, {"label": phrase if " " not in phrase else phrase}, plural
        if phrase in SHAPE_WORDS and phrase not in ("round", "triangular", "rectangular", "cylindrical"):
            if phrase in ("ball", "balls", "box", "boxes"):  # the detector's sports ball, or a drawn sphere
                return (
                    n,
                    {
                        "label": "sports ball" if phrase.startswith("ball") else "cube",
                        "shape": SHAPE_WORDS[phrase],
                    },
                    plural,
                )
            return n, {"label": SHAPE_WORDS[phrase]}, plural
        if phrase in REGION_NOUNS:
            if phrase == "spot" and i > 0 and tokens[i - 1] in ("you", "to", "can", "i", "we", "please"):
                continue  # "can you spot a dog": the verb
            return n, {"label": REGION_NOUNS[phrase]}, plural
        if phrase in GENERIC_NOUNS:
            return n, {"label": "shape" if phrase in SHAPE_NOUNS else "object"}, plural
        if phrase in ANYTHING:
            return n, {"label": "object"}, False
        if phrase in TEXT_NOUNS and phrase not in ("title", "label", "caption"):
            if i + n < len(tokens) and tokens[i + n] == "of":  # "a sign of pneumonia" is not writing
                continue
            unit = {"word": "word", "words": "word", "letter": "letter", "letters": "letter"}.get(
                phrase, "text"
            )
            return n, {"label": unit}, False  # "how many words" counts words, not lines
        if phrase in STOP:
            continue
        label = match_label(phrase, coco)
        if label is not None:
            return n, {"label": label}, plural
        kind = kind_word(phrase)
        if kind is not None:
            return n, {"category": kind}, plural
    return None


@lru_cache(maxsize=2048)
def kind_word(phrase: str) -> str | None:
    """A word for a kind of thing ('animals', 'vehicle', 'mammal', 'musical instrument'), singular; else None."""
    from argus.tools.categories import labels_in

    if phrase in STOP or phrase in ("thing", "things", "stuff", "kind", "type", "sort", "part", "side"):
        return None
    if labels_in(phrase, "coco") or labels_in(phrase, "imagenet"):
        return singular(phrase)
    return None


def find_mentions(tokens: list[str], zone_names: list[str] | None = None) -> list[Mention]:
    """Every mention in order. Modifiers before a noun attach to it; 'on the left' after it too."""
    mentions: list[Mention] = []
    i = 0
    pending: dict[str, str] = {}
    pending_start: int | None = None
    while i < len(tokens):
        word = tokens[i]
        two = " ".join(tokens[i : i + 2])
        if two in COLOUR_WORDS and " " in two:
            pending["colour"] = COLOUR_WORDS[two]
            pending_start = i if pending_start is None else pending_start
            i += 2
            continue
        found = noun_at(tokens, i)
        if found is not None and word in COLOUR_WORDS and i + 1 < len(tokens) and noun_at(tokens, i + 1):
            found = None  # "the orange rectangle": the colour of what follows, not the fruit
        if found is None and word in COLOUR_WORDS and not _colour_is_noun(tokens, i):
            pending["colour"] = COLOUR_WORDS[word]
            pending_start = i if pending_start is None else pending_start
            i += 1
            continue
        if found is None and word in SIZE_WORDS:
            pending["size"] = SIZE_WORDS[word]
            pending_start = i if pending_start is None else pending_start
            i += 1
            continue
        if found is None and word in RANK_WORDS:
            pending["rank"] = RANK_WORDS[word]
            pending_start = i if pending_start is None else pending_start
            i += 1
            continue
        if found is None and word in (
            "round",
            "triangular",
            "rectangular",
            "cylindrical",
            "square",
            "oblong",
        ):
            pending["shape"] = SHAPE_WORDS.get(word, "square")
            pending_start = i if pending_start is None else pending_start
            i += 1
            continue
        corner = next(
            (n for n in (2, 1) if " ".join(tokens[i : i + n]) in CORNER_WORDS and noun_at(tokens, i + n)), 0
        )
        if found is None and corner:  # "the top left square", "the bottom-right tile"
            pending["rank"] = CORNER_WORDS[" ".join(tokens[i : i + corner])]
            pending_start = i if pending_start is None else pending_start
            i += corner
            continue
        if (
            found is None
            and word in ("left", "right", "top", "bottom")
            and i + 1 < len(tokens)
            and noun_at(tokens, i + 1)
        ):
            pending["rank"] = {
                "left": "leftmost",
                "right": "rightmost",
                "top": "topmost",
                "bottom": "bottommost",
            }[word]
            pending_start = i if pending_start is None else pending_start
            i += 1
            continue
        if found is None and word in ("one", "ones") and pending:
            # "the big one", "white squares and black ones": the kind named before, else any object
            earlier = next((m.selection.label for m in reversed(mentions) if m.selection.label), "object")
            found = (1, {"label": earlier}, word == "ones")
        if found is None:
            pending, pending_start = {}, None
            i += 1
            continue
        length, fields, plural = found
        fields = {**fields, **pending}
        if "shape" in fields and fields.get("label") == fields["shape"]:
            fields.pop("shape")
        end = i + length
        # "anything red", "something blue and round"
        if fields.get("label") == "object" and end < len(tokens) and tokens[end] in COLOUR_WORDS:
            fields["colour"] = COLOUR_WORDS[tokens[end]]
            end += 1
        rest = " ".join(tokens[end:])
        place = PLACE.match(rest)
        at_corner = CORNER_PLACE.match(rest)
        if at_corner and not plural:  # "the square in the top-left corner"
            vertical = "top" if at_corner.group(1) in ("top", "upper") else "bottom"
            fields.setdefault("rank", f"{vertical}_{at_corner.group(2)}")
            end += len(at_corner.group(0).split())
        elif place:
            side = {"center": "middle", "centre": "middle"}.get(place.group(2), place.group(2))
            if side in ("left", "right", "top", "bottom") and not plural:
                fields.setdefault(
                    "rank",
                    {"left": "leftmost", "right": "rightmost", "top": "topmost", "bottom": "bottommost"}[
                        side
                    ],
                )
            else:
                fields["position"] = side
            end += len(place.group(0).split())
        zone, used = _zone_after(tokens, end, zone_names or [])
        if zone:
            fields["zone"] = zone
            end += used
        start = pending_start if pending_start is not None else i
        mentions.append(Mention(start, end, Selection.model_validate(fields), plural=plural))
        pending, pending_start = {}, None
        i = end
    return mentions


# Words that say how many, not what: "a hundred galaxies", "a couple of trees".
QUANTITY_NOUNS = {
    "hundred", "hundreds", "thousand", "thousands", "dozen", "dozens", "couple", "lot", "lots", "few",
    "bunch", "pair", "number", "handful", "group", "pile", "set", "row", "rows",
}  # fmt: skip
# Parts of the picture, not things in it, after a preposition: "near the ground", "in the background".
PLACE_NOUNS = {
    "ground", "foreground", "background", "distance", "sky", "corner", "corners", "side", "sides", "edge",
    "edges", "top", "bottom", "middle", "centre", "center", "front", "back", "left", "right", "horizon",
}  # fmt: skip
PREPOSITIONS = {"in", "on", "at", "near", "by", "under", "over", "above", "below", "from", "to", "towards"}


def unknown_noun(tokens: list[str], start: int) -> Mention | None:
    """A noun nobody listed after an article, 'any', 'is there' or a number: 'is there a rocket' ->
    rocket, 'are there lights near the ground' -> light, 'more than a hundred galaxies' -> galaxy."""
    for i in range(start, len(tokens) - 1):
        opens = tokens[i] in ("a", "an", "any", "the", "some", "many") or (
            tokens[i] == "there" and i > 0 and tokens[i - 1] in ("is", "are", "was", "were")
        )
        if not (opens or tokens[i].isdigit() or tokens[i] in QUANTITY_NOUNS):
            continue
        at = i + 1
        if tokens[at] == "of" and tokens[i] in QUANTITY_NOUNS:
            at += 1
        if at >= len(tokens):
            break
        word = tokens[at]
        if word in STOP or not word.isalpha() or word in COLOUR_WORDS or word in SIZE_WORDS:
            continue
        if word in QUANTITY_NOUNS:
            continue  # the counted noun follows it
        if word in PLACE_NOUNS and tokens[i] == "the" and i > 0 and tokens[i - 1] in PREPOSITIONS:
            continue
        one = singular(word)
        return Mention(at, at + 1, Selection(label=one), known=False, plural=one != word)
    return None


def _colour_is_noun(tokens: list[str], i: int) -> bool:
    """'orange' the fruit: a colour word followed by no noun and preceded by an article or number."""
    word = tokens[i]
    if word != "orange":
        return False
    nxt = noun_at(tokens, i + 1) if i + 1 < len(tokens) else None
    return nxt is None


ZONE_GENERIC_WORDS = frozenset(
    ["zone", "area", "the", "of", "and", "route", "side", "region", "north", "south", "east", "west"]
)


def _zone_after(tokens: list[str], i: int, zone_names: list[str]) -> tuple[str | None, int]:
    """'in the dock', 'in zone dock', 'in the restricted zone' after a noun: (the zone, words it took)."""
    rest = " ".join(tokens[i : i + 8])
    for name in zone_names:
        low = name.lower().replace("_", " ")
        match = re.match(
            rf"^(?:that (?:is|are) |who (?:is|are) |standing |are |is )?(?:in|inside|within|at) (?:the )?(?:zone )?{re.escape(low)}(?: zone| area)?\b",
            rest,
        )
        if match:
            return name, len(match.group(0).split())
    # "in the dock area" for a zone named loading_dock: a word of one zone's name that no other zone shares
    words = {name: set(name.lower().replace("_", " ").split()) - ZONE_GENERIC_WORDS for name in zone_names}
    for name, own in words.items():
        for word in sorted(own - set().union(*(w for n, w in words.items() if n != name))):
            match = re.match(
                rf"^(?:that (?:is|are) |who (?:is|are) |standing |are |is )?(?:in|inside|within|at|on) (?:the )?{re.escape(word)}(?: zone| area| side)?\b",
                rest,
            )
            if match and len(word) >= 3:
                return name, len(match.group(0).split())
    match = re.match(
        r"^(?:that (?:is|are) |who (?:is|are) )?(?:in|inside|within) (?:the |a |any )?(restricted|private|exit|walkway|roadway|public|ppe) (?:zone|area|route)s?\b",
        rest,
    )
    if match:
        zone = {"exit": "exit_route", "ppe": "ppe_required"}.get(match.group(1), match.group(1))
        return zone, len(match.group(0).split())
    return None, 0
