"""English for the things Argus names: plurals, singulars and numbers, in one place.

Answers, descriptions, the parser and the verifier all use these, so "people" and "babies" are
spelled one way everywhere and a count the answer writes is a count the verifier reads.
"""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "no": 0, "zero": 0, "none": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "couple": 2, "pair": 2,
    "dozen": 12, "both": 2, "hundred": 100, "thousand": 1000,
}  # fmt: skip

# Words whose plural is not the word plus -s/-es/-ies (the COCO labels, shapes and common nouns).
IRREGULAR_PLURALS = {
    "person": "people", "man": "men", "woman": "women", "child": "children", "mouse": "mice",
    "knife": "knives", "sheep": "sheep", "skis": "skis", "scissors": "scissors", "fish": "fish",
    "deer": "deer", "foot": "feet", "tooth": "teeth", "goose": "geese", "leaf": "leaves", "shelf": "shelves",
    "wolf": "wolves", "calf": "calves", "half": "halves", "loaf": "loaves", "series": "series",
    "species": "species", "cactus": "cacti", "ox": "oxen", "bus": "buses",
    "gas": "gases", "lens": "lenses", "canvas": "canvases",
}  # fmt: skip
IRREGULAR_SINGULARS = {plural: single for single, plural in IRREGULAR_PLURALS.items()}
VOWELS = "aeiou"


def plural(noun: str, count: int = 2) -> str:
    """``noun`` for ``count`` things: 'person' -> 'people', 'bus' -> 'buses', 'baby' -> 'babies'.
    Only the last word of a phrase changes: 'wine glass' -> 'wine glasses'."""
    if count == 1:
        return noun
    head, _, last = noun.rpartition(" ")
    if last in IRREGULAR_PLURALS:
        word = IRREGULAR_PLURALS[last]
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    elif last.endswith("y") and len(last) > 1 and last[-2] not in VOWELS:
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def singular(word: str) -> str:
    """The singular of a plural noun ('buses' -> 'bus', 'people' -> 'person'); other words unchanged."""
    word = word.lower().strip()
    head, _, last = word.rpartition(" ")
    if last in IRREGULAR_SINGULARS:
        single = IRREGULAR_SINGULARS[last]
    elif last in IRREGULAR_PLURALS or len(last) < 4 or last.endswith(("ss", "us", "is")):
        single = last
    else:
        single = last
        for suffix, repl in (
            ("ies", "y"),
            ("ches", "ch"),
            ("shes", "sh"),
            ("xes", "x"),
            ("sses", "ss"),
            ("zzes", "zz"),
        ):
            if last.endswith(suffix) and len(last) > len(suffix) + 1:
                single = last[: -len(suffix)] + repl
                break
        else:
            if last.endswith("s"):
                single = last[:-1]
    return f"{head} {single}" if head else single


def number_value(token: str) -> int | None:
    """'4' -> 4, 'four' -> 4; None for anything else."""
    token = token.lower().strip()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def count_phrase(n: int, noun: str) -> str:
    """'1 bus', '3 people', '0 dogs'."""
    return f"{n} {plural(noun, n)}"


def join_words(words: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def first_name(label: str) -> str:
    """A classifier label's first name, cleaned: 'projectile, missile' -> 'projectile'."""
    return label.split(",")[0].strip().replace("_", " ")


def article(noun: str) -> str:
    """'a bus', 'an apple', 'an umbrella'; an initialism by how its letter sounds: 'an MRI', 'an X-ray', 'a CT'."""
    spelled = len(noun) > 1 and noun[0].isupper() and (noun[1].isupper() or noun[1] in "-")
    vowel_sound = noun[:1] in "AEFHILMNORSX" if spelled else noun[:1].lower() in VOWELS
    if not spelled and re.match(r"(?i)u(?:ni|til|se|su|ten|ro|ku)|eu|one\b", noun):
        vowel_sound = False  # 'a utensil', 'a unicorn', 'a uniform', 'a European', 'a one-way sign'
    if not spelled and re.match(r"(?i)hour|honest|honou?r|heir", noun):
        vowel_sound = True
    return f"{'an' if vowel_sound else 'a'} {noun}"
