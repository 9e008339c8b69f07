"""The words the generated questions are made of: colours, shapes and object classes with their
synonyms and plurals, number words, and a seeded typo injector.

Everything here is plain data and pure functions of a ``random.Random``, so the same seed writes the
same suite on every machine.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

# name -> RGB as drawn. Names are what a person would answer; the accepted answers for a colour are
# its name and the looser words people use for it.
PALETTE: dict[str, tuple[int, int, int]] = {
    "red": (215, 35, 35),
    "orange": (245, 140, 25),
    "yellow": (245, 215, 35),
    "green": (45, 165, 60),
    "blue": (35, 85, 215),
    "purple": (125, 55, 165),
    "pink": (245, 135, 185),
    "brown": (125, 80, 40),
    "black": (20, 20, 20),
    "white": (250, 250, 250),
    "gray": (128, 128, 128),
    "teal": (0, 128, 128),
    "navy": (20, 30, 105),
    "maroon": (120, 20, 35),
}
COLOUR_ANSWERS: dict[str, list[str]] = {
    "gray": ["gray", "grey"],
    "navy": ["navy", "navy blue", "dark blue", "blue"],
    "maroon": ["maroon", "dark red", "burgundy", "red"],
    "teal": ["teal", "turquoise", "dark cyan", "blue green"],
    "purple": ["purple", "violet"],
    "pink": ["pink"],
}
# Pairs a person could call by one name: a scene holds at most one of each pair, and a question
# about one colour is asked only of scenes without the other.
CONFUSABLE = {
    frozenset(p)
    for p in (
        ("navy", "blue"),
        ("navy", "purple"),
        ("navy", "black"),
        ("maroon", "red"),
        ("maroon", "brown"),
        ("teal", "green"),
        ("teal", "blue"),
        ("orange", "brown"),
        ("pink", "red"),
        ("purple", "blue"),
    )
}
BACKGROUNDS: dict[str, tuple[int, int, int]] = {
    "white": (255, 255, 255),
    "light gray": (215, 215, 215),
    "beige": (236, 226, 200),
    "pale blue": (205, 225, 245),
    "pale yellow": (250, 245, 205),
    "dark gray": (60, 60, 60),
    "black": (0, 0, 0),
    "mint": (210, 240, 220),
}

SHAPES = ("circle", "square", "triangle", "rectangle", "star", "hexagon")
SHAPE_WORDS: dict[str, list[str]] = {
    "circle": ["circle", "disc", "round shape"],
    "square": ["square"],
    "triangle": ["triangle"],
    "rectangle": ["rectangle", "oblong"],
    "star": ["star"],
    "hexagon": ["hexagon", "six-sided shape"],
}
SOLIDS = ("sphere", "cube", "cylinder")
SOLID_WORDS: dict[str, list[str]] = {
    "sphere": ["sphere", "ball"],
    "cube": ["cube", "block", "box"],
    "cylinder": ["cylinder"],
}
# COCO classes no pasted photo holds, with the other words people use for them: the absent things
# that presence questions ask about.
ABSENT_CLASSES: dict[str, tuple[str, ...]] = {
    "dog": ("dog",),
    "car": ("car", "automobile"),
    "bicycle": ("bicycle",),
    "bird": ("bird",),
    "elephant": ("elephant",),
    "giraffe": ("giraffe",),
    "zebra": ("zebra",),
    "truck": ("truck", "lorry"),
    "boat": ("boat",),
    "train": ("train",),
    "umbrella": ("umbrella",),
    "laptop": ("laptop",),
    "banana": ("banana",),
    "sheep": ("sheep",),
    "person": ("person", "kid", "child"),
}
THING_WORDS = ("shape", "object", "thing", "item", "figure")
SOLID_THING_WORDS = ("object", "thing", "solid", "item")

IRREGULAR_PLURALS = {
    "person": "people",
    "man": "men",
    "woman": "women",
    "child": "children",
    "kid": "kids",
    "bus": "buses",
    "box": "boxes",
    "mouse": "mice",
    "sheep": "sheep",
    "knife": "knives",
    "glass": "glasses",
    "six-sided shape": "six-sided shapes",
    "round shape": "round shapes",
}
NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def plural(noun: str) -> str:
    """The plural of a noun or of a phrase whose last word is the noun ("red circle" -> "red circles")."""
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    head, _, last = noun.rpartition(" ")
    if last in IRREGULAR_PLURALS:
        word = IRREGULAR_PLURALS[last]
    elif re.search(r"(s|x|ch|sh)$", last):
        word = last + "es"
    elif re.search(r"[^aeiou]y$", last):
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def article(phrase: str) -> str:
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


def number_word(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def colour_spelling(rng: random.Random) -> str:
    return rng.choice(("colour", "color"))


def colour_name(name: str, rng: random.Random) -> str:
    """How a question names a colour: gray is sometimes grey."""
    return rng.choice(("gray", "grey")) if name == "gray" else name


def colour_answers(name: str) -> list[str]:
    return COLOUR_ANSWERS.get(name, [name])


def confusable(a: str, b: str) -> bool:
    return frozenset((a, b)) in CONFUSABLE


# ------------------------------------------------------------------------------------------- typos

_WORD = re.compile(r"[A-Za-z]{4,}")


@dataclass(frozen=True)
class Typo:
    kind: str  # swap, drop, double
    word: str
    became: str


def add_typo(text: str, rng: random.Random, protect: tuple[str, ...] = ()) -> tuple[str, Typo | None]:
    """One typo in one word of ``text`` (a swap of two neighbouring letters, a dropped letter or a
    doubled one), never in the first letter of a word and never inside a protected phrase (quoted
    text a question asks about). Returns the text unchanged and None when no word is long enough."""
    spans = [m for m in _WORD.finditer(text) if not any(_inside(m, text, p) for p in protect)]
    if not spans:
        return text, None
    match = rng.choice(spans)
    word = match.group(0)
    kind = rng.choice(("swap", "drop", "double"))
    i = rng.randrange(1, len(word) - 1)
    if kind == "swap":
        became = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if became == word:  # two equal letters: a swap changes nothing, double one instead
            kind, became = "double", word[:i] + word[i] + word[i:]
    elif kind == "drop":
        became = word[:i] + word[i + 1 :]
    else:
        became = word[:i] + word[i] + word[i:]
    return text[: match.start()] + became + text[match.end() :], Typo(kind, word, became)


def _inside(match: re.Match[str], text: str, phrase: str) -> bool:
    start = text.find(phrase)
    return start >= 0 and start <= match.start() and match.end() <= start + len(phrase)
