"""What a question asks for: keyword cues first, then the bundled sentence embedding model
against a few example questions per intent. Below a similarity floor the answer is "unknown",
and the assistant says it cannot answer rather than guessing.
"""

from __future__ import annotations

import re
import threading
from enum import StrEnum
from typing import Any


class Intent(StrEnum):
    COUNT = "count"
    PRESENCE = "presence"
    DESCRIBE = "describe"
    READ_TEXT = "read_text"
    COLOURS_SHAPES = "colours_shapes"
    FALLS = "falls"
    QUALITY = "quality"
    SEGMENT = "segment"
    MEDICAL = "medical"
    SECURITY = "security"
    RULE_LOOKUP = "rule_lookup"
    PRIVACY = "privacy"
    UNKNOWN = "unknown"


EXAMPLES: dict[Intent, tuple[str, ...]] = {
    Intent.COUNT: (
        "how many people are there",
        "count the cars in the picture",
        "what is the number of dogs",
        "how many coins are on the table",
        "how many objects can you count",
    ),
    Intent.PRESENCE: (
        "is there a dog in the image",
        "are there any bicycles",
        "do you see a knife",
        "does the photo contain a laptop",
        "is anyone in the picture",
    ),
    Intent.DESCRIBE: (
        "what is in this image",
        "describe the picture",
        "what do you see",
        "caption this photo",
        "what is happening in this scene",
    ),
    Intent.READ_TEXT: (
        "what does the text say",
        "read the sign",
        "what is written on the page",
        "transcribe the words in the image",
        "what does the title say",
    ),
    Intent.COLOURS_SHAPES: (
        "what colours are in the image",
        "what colour is the bus",
        "how many circles are there",
        "what shapes do you see",
        "what is the dominant colour",
    ),
    Intent.FALLS: (
        "has anyone fallen",
        "is someone lying on the ground",
        "did a person fall down",
        "is anybody collapsed on the floor",
        "does anyone need a welfare check",
    ),
    Intent.QUALITY: (
        "is this image blurry",
        "is the photo good enough quality",
        "is it too dark to read",
        "check the image quality",
        "is the picture sharp and well exposed",
    ),
    Intent.SEGMENT: (
        "segment the person",
        "how much of the image does the bus cover",
        "what area does the dog take up",
        "outline the objects",
        "make a mask of the cat",
    ),
    Intent.MEDICAL: (
        "triage this chest x-ray",
        "is this scan urgent",
        "what is the urgency of this radiograph",
        "are there critical findings in this ct",
        "does this x-ray need review by a radiologist",
    ),
    Intent.SECURITY: (
        "is anyone in the restricted zone",
        "are there any security threats",
        "are the exit routes clear",
        "is there an unattended bag",
        "should I raise an alert",
    ),
    Intent.RULE_LOOKUP: (
        "what does fleischner say about a 7 mm solid nodule",
        "what is the rule for blocked exit routes",
        "what does osha require for hard hats",
        "which lung-rads category is a 9 mm nodule",
        "what follow-up is recommended for a 5 mm nodule",
    ),
}

# Strong cues: when one matches, its intent wins unless a stronger cue matches too.
CUES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (Intent.RULE_LOOKUP, re.compile(r"\b(what does|according to|what do(es)? the|which|rule|rules|guideline|guidelines|"
                                    r"recommend\w*|say about|require|requirement)\b.*\b(fleischner|lung-?rads|bi-?rads|"
                                    r"osha|esi|manchester|acr|nodules?|exit routes?|ppe|rules?|guidelines?|cfr|iec)\b", re.I)),
    (Intent.READ_TEXT, re.compile(r"\b(text|read|written|writing|says?|transcribe|ocr|words?|title|sign|letters?|"
                                  r"caption says)\b", re.I)),
    (Intent.FALLS, re.compile(r"\b(fall|fallen|fell|falling|lying|collapsed?|on the (ground|floor)|welfare)\b", re.I)),
    (Intent.QUALITY, re.compile(r"\b(blurr?y|blur|sharp|focus|dark|bright|exposure|exposed|quality|noisy|noise|"
                                r"contrast|resolution)\b", re.I)),
    (Intent.SEGMENT, re.compile(r"\b(segment\w*|mask|outline|area|cover|covers|coverage|how much of|fraction|"
                                r"percent|proportion|region of)\b", re.I)),
    (Intent.COLOURS_SHAPES, re.compile(r"\b(colou?rs?|shapes?|circles?|triangles?|squares?|rectangles?|hexagons?|"
                                       r"pentagons?|ovals?|ellipses?)\b", re.I)),
    (Intent.COUNT, re.compile(r"\b(how many|count|number of|tally)\b", re.I)),
    (Intent.PRESENCE, re.compile(r"\b(is there|are there|do you see|can you see|any|contain|contains|present|"
                                 r"visible|spot)\b", re.I)),
    (Intent.DESCRIBE, re.compile(r"\b(describe|what('s| is) (in|happening|going on|shown)|what do you see|caption|"
                                 r"summari[sz]e|tell me about)\b", re.I)),
    (Intent.MEDICAL, re.compile(r"\b(triage|urgent|urgency|critical finding|x-?ray|radiograph|ct|mri|scan|dicom|"
                                r"clinician|radiologist|patient)\b", re.I)),
    (Intent.SECURITY, re.compile(r"\b(zone|restricted|intru(?:d|s)\w*|threat|alert|exit|unattended|abandoned|loiter\w*|"
                                 r"security|trespass\w*|suspicious|ppe)\b", re.I)),
)  # fmt: skip

SIMILARITY_FLOOR = 0.42
CUE_BONUS = 0.25


class IntentModel:
    """Scores a question against the intents' examples with the bundled MiniLM embeddings."""

    def __init__(self, encode: Any) -> None:
        import numpy as np

        self._encode = encode
        self._intents: list[Intent] = []
        texts: list[str] = []
        for intent, examples in EXAMPLES.items():
            for text in examples:
                self._intents.append(intent)
                texts.append(text)
        self._matrix = np.asarray(encode(texts), dtype=np.float32)

    def scores(self, question: str) -> dict[Intent, float]:
        import numpy as np

        vector = np.asarray(self._encode([question]), dtype=np.float32)[0]
        sims = self._matrix @ vector
        best: dict[Intent, float] = {}
        for intent, sim in zip(self._intents, sims, strict=True):
            best[intent] = max(best.get(intent, -1.0), float(sim))
        return best


# When two cues match, the first of each pair yields to the second: "how many coins are there" is a
# count, "is there any text" a reading, "what does Fleischner say" a rule look-up.
YIELDS_TO: tuple[tuple[Intent, Intent], ...] = (
    (Intent.READ_TEXT, Intent.RULE_LOOKUP),
    (Intent.COUNT, Intent.COLOURS_SHAPES),
)


def cue_intents(question: str) -> list[Intent]:
    cues = [intent for intent, pattern in CUES if pattern.search(question)]
    if len(cues) > 1 and Intent.PRESENCE in cues:
        cues.remove(Intent.PRESENCE)  # "is there", "any" also open questions that other cues name better
    for weaker, stronger in YIELDS_TO:
        if weaker in cues and stronger in cues:
            cues.remove(weaker)
    return cues


def classify(question: str, model: IntentModel | None = None) -> tuple[Intent, dict[str, float]]:
    """The best intent and the scores behind it (for the trace).

    One keyword cue decides alone, without loading the embedding model (a cold ``argus ask`` pays
    for no model it does not need). Several cues, or none, are settled by similarity to the example
    questions, with a bonus for the cued intents; below the floor the answer is UNKNOWN.
    """
    cues = cue_intents(question)
    if len(cues) == 1:
        return cues[0], {cues[0].value: 1.0}
    scores = (model or default_model()).scores(question)
    combined = {i: s + (CUE_BONUS if i in cues else 0.0) for i, s in scores.items()}
    best = max(combined, key=lambda i: combined[i])
    if combined[best] < SIMILARITY_FLOOR:
        return Intent.UNKNOWN, {k.value: round(v, 3) for k, v in combined.items()}
    return best, {k.value: round(v, 3) for k, v in combined.items()}


_model: IntentModel | None = None
_lock = threading.Lock()


def default_model() -> IntentModel:
    """The process's intent model, built once on the shared sentence embedder."""
    global _model
    with _lock:
        if _model is None:
            from argus.knowledge.embedder import default_embedder

            _model = IntentModel(default_embedder().encode)
        return _model
