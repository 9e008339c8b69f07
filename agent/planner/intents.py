"""The parser's last resort: a question no grammar form read is compared by meaning (the bundled
sentence-embedding model) with example questions of each op, and takes the nearest op above a
similarity floor, applied to what the question mentions. Below the floor the answer is
"unanswerable", and the assistant says what it can do rather than guessing.

Only questions the grammar cannot place load the embedding model, so the common forms cost no model.
"""

from __future__ import annotations

import threading
from typing import Any

from argus.agent.core import program as p

EXAMPLES: dict[str, tuple[str, ...]] = {
    "count": (
        "how many people are there",
        "count the cars in the picture",
        "what is the number of dogs",
        "tell me the number of objects",
    ),
    "exists": (
        "is there a dog in the image",
        "do you see a knife",
        "does the photo contain a laptop",
        "is anyone in the picture",
    ),
    "describe": (
        "what is in this image",
        "describe the picture",
        "what do you see",
        "what is happening in this scene",
    ),
    "read_text": (
        "what does the text say",
        "read the sign",
        "what is written on the page",
        "transcribe the words in the image",
    ),
    "colour": (
        "what colours are in the image",
        "what is the dominant colour",
        "which colours dominate the picture",
    ),
    "quality": (
        "is this image blurry",
        "is the photo good enough quality",
        "check the image quality",
        "is the picture sharp and well exposed",
    ),
    "triage": (
        "triage this chest x-ray",
        "is this scan urgent",
        "what is the urgency of this radiograph",
        "does this x-ray need review by a radiologist",
    ),
    "assess": (
        "are there any security threats",
        "are the exit routes clear",
        "should I raise an alert",
        "is the scene safe",
    ),
    "modality": (
        "what kind of scan is this",
        "which imaging modality was used",
        "what type of medical image is this",
    ),
}

SIMILARITY_FLOOR = 0.5


class ExampleModel:
    """Scores a question against the ops' example questions with the bundled MiniLM embeddings."""

    def __init__(self, encode: Any) -> None:
        import numpy as np

        self._encode = encode
        self._ops: list[str] = []
        texts: list[str] = []
        for op, examples in EXAMPLES.items():
            for text in examples:
                self._ops.append(op)
                texts.append(text)
        self._matrix = np.asarray(encode(texts), dtype=np.float32)

    def best(self, question: str) -> tuple[str, float]:
        import numpy as np

        vector = np.asarray(self._encode([question]), dtype=np.float32)[0]
        sims = self._matrix @ vector
        index = int(np.argmax(sims))
        return self._ops[index], float(sims[index])


def nearest_op(question: str, mentions: list[Any]) -> Any | None:
    """The op the question most resembles, on its first mention; None below the floor."""
    op, score = default_model().best(question)
    if score < SIMILARITY_FLOOR:
        return None
    target = mentions[0].selection if mentions else p.Selection(label="object")
    return {
        "count": lambda: p.Count(target=target),
        "exists": lambda: p.Exists(target=target),
        "describe": p.Describe,
        "read_text": p.ReadText,
        "colour": lambda: p.Attribute(target=p.Selection() if not mentions else target, attribute="colour"),
        "quality": p.Quality,
        "triage": p.Triage,
        "assess": p.Assess,
        "modality": p.Modality,
    }[op]()


_model: ExampleModel | None = None
_lock = threading.Lock()


def default_model() -> ExampleModel:
    """The process's example model, built once on the shared sentence embedder."""
    global _model
    with _lock:
        if _model is None:
            from argus.knowledge.embedder import default_embedder

            _model = ExampleModel(default_embedder().encode)
        return _model
