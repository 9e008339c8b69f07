"""Reading an answer the way a benchmark scores it: normalised short answers, the first sentence of the
prose, and whether that sentence answers in the expected form.

``normalise`` is what VQA-style scoring does before an exact match: lowercase, punctuation and articles
gone, number words as digits, grey as gray, plurals as singulars ("The two red Circles." -> "2 red
circle"). ``prose_answers`` judges an answer that carries no short answer (or an engine that has
none) by its first sentence: it must state an accepted answer and no rival one ("Dominant colours:
gray 49%, green 10%" names three colours where one was asked, so it does not answer "green").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from argus.tools.coco import COCO_80

_CITATION = re.compile(r"\[(?:R:[A-Za-z0-9-]+|[A-Z]\d+(?:\s*,\s*[A-Z]\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_NON_WORD = re.compile(r"[^a-z0-9.\s]")
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
ARTICLES = frozenset({"a", "an", "the"})
_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
NUMBER_WORDS = {word: str(n) for n, word in enumerate(_UNITS)} | {
    "none": "0",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
}
SPELLING = {"grey": "gray", "colour": "color", "colours": "colors", "centre": "center"}
IRREGULAR = {
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "mice": "mouse",
    "feet": "foot",
    "teeth": "tooth",
    "geese": "goose",
    "knives": "knife",
    "leaves": "leaf",
    "buses": "bus",
    "gases": "gas",
    "lenses": "lens",
}
KEEP = frozenset(
    {"bus", "glass", "yes", "this", "its", "has", "was", "gas", "lens", "less", "plus", "us", "mrs"}
)
YES_NO = frozenset({"yes", "no"})
ABSTAIN = "i cant tell"  # "I can't tell" normalised: a case may accept it where the tools cannot know

_COLOURS = "red orange yellow green blue purple pink brown black white gray teal navy maroon violet cyan magenta beige gold silver turquoise"
_SHAPES = "circle square triangle rectangle star hexagon pentagon octagon oval ellipse diamond disc sphere cube cylinder ball block box cone pyramid oblong"
_SIZES = "small large big little tiny huge"
_PLACES = "left right top bottom upper lower middle center"
_MODALITIES = "ct mri mr ultrasound sonogram sonography xray radiograph fundus retina retinal microscopy micrograph microscope histology photo photograph"
_ANIMALS = "bird cat dog horse sheep cow elephant bear zebra giraffe kitty"
_VEHICLES = "bicycle car motorcycle motorbike airplane bus train truck boat lorry automobile"


def strip_citations(text: str) -> str:
    """The text without [D1] / [R:RULE] citations, its spaces collapsed (line breaks kept)."""
    lines = (" ".join(_CITATION.sub(" ", line).split()) for line in text.splitlines())
    return "\n".join(re.sub(r"\s+([.,;:!?])", r"\1", line) for line in lines).strip()


def first_sentence(text: str) -> str:
    plain = strip_citations(text)
    return _SENTENCE_END.split(plain, maxsplit=1)[0] if plain else ""


def singular(word: str) -> str:
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word in KEEP or len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(sses|xes|ches|shes|zzes)$", word) and len(word) > 4:
        return word[:-2]  # glasses, boxes, benches, dishes: "-es" was added
    # other "-ses" and "-zes" (horses, vases, sizes) only took an "s"
    if word.endswith("s") and not re.search(r"(ss|us|is)$", word):
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """The comparable form of a short answer (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = _NON_WORD.sub(" ", text.replace("'", ""))
    text = _STRAY_DOT.sub(" ", text)
    words = []
    for word in text.split():
        if word in ARTICLES:
            continue
        word = SPELLING.get(word, word)
        word = NUMBER_WORDS.get(word, word)
        if re.fullmatch(r"\d+\.\d+", word):
            word = word.rstrip("0").rstrip(".")
        words.append(singular(word))
    return " ".join(words)


def matches(given: str, accepted: list[str]) -> bool:
    """True when ``given`` equals one of ``accepted`` once both are normalised."""
    target = normalise(given)
    return any(target == normalise(a) for a in accepted)


def _contains(tokens: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


def mentions(text: str, alternatives: list[str]) -> bool:
    """True when the answer names one of ``alternatives`` (as whole words, after normalising)."""
    tokens = normalise(strip_citations(text)).split()
    return any(_contains(tokens, normalise(a).split()) for a in alternatives)


@lru_cache(maxsize=1)
def _classes() -> tuple[frozenset[str], ...]:
    objects = (
        {singular(w) for name in COCO_80 for w in name.split()}
        - set(_ANIMALS.split())
        - set(_VEHICLES.split())
    )
    return tuple(
        frozenset(normalise(group).split())
        for group in (
            _COLOURS,
            _SHAPES,
            _SIZES,
            _PLACES,
            _MODALITIES,
            _ANIMALS,
            _VEHICLES,
            " ".join(sorted(objects)),
        )
    )


def first_number(tokens: list[str]) -> float | None:
    """The first number a sentence states; "no ..." / "none" at its start is zero."""
    if tokens and tokens[0] in ("no", "0"):
        return 0.0
    for token in tokens:
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            return float(token)
    return None


def answer_kind(accepted: list[str]) -> str:
    """yes/no, number or phrase: what kind of answer the accepted answers are."""
    normal = [normalise(a) for a in accepted]
    if all(a in YES_NO for a in normal):
        return "yes/no"
    if all(re.fullmatch(r"\d+(?:\.\d+)?", a) for a in normal):
        return "number"
    return "phrase"


def prose_answers(accepted: list[str], text: str, question: str = "") -> bool:
    """Whether the first sentence of ``text`` gives one of the ``accepted`` answers and no rival of
    the same kind (another colour, shape, side, modality, animal ... that the question does not name).
    Where "I can't tell" is accepted, a first sentence that starts with it answers."""
    tokens = normalise(first_sentence(text)).split()
    normal = [normalise(a) for a in accepted]
    if ABSTAIN in normal and tokens[:3] == ABSTAIN.split():
        return True  # declining is what the case accepts: the reason that follows is no rival answer
    kind = answer_kind([a for a, n in zip(accepted, normal, strict=True) if n != ABSTAIN] or accepted)
    if kind == "yes/no":
        return bool(tokens) and tokens[0] in YES_NO and tokens[0] in normal
    if kind == "number":
        found = first_number(tokens)
        return found is not None and any(float(a) == found for a in normal)
    if not any(_contains(tokens, a.split()) for a in normal):
        return False
    own = {t for a in normal for t in a.split()}
    allowed = own | set(normalise(question).split())
    relevant = [group for group in _classes() if own & group]
    return not any(t in group and t not in allowed for t in tokens for group in relevant)


def starts_yes_no(text: str) -> bool:
    """The answer's first words are Yes, No or I can't tell."""
    return (
        re.match(r"\s*(yes|no|i can'?t tell|i cannot tell)\b", strip_citations(text).replace("’", "'"), re.I)
        is not None
    )


def starts_with_number(text: str) -> bool:
    """The answer's first word is a number (digits or a number word; "No ..." counts as zero), or it
    says first that it cannot tell, as a yes/no answer may."""
    if re.match(r"\s*i can'?t tell\b", strip_citations(text).replace("’", "'"), re.I):
        return True
    tokens = normalise(first_sentence(text)).split()
    return bool(tokens) and (tokens[0].replace(".", "", 1).isdigit() or tokens[0] == "no")
