"""Answering a question from the words written in the image, the way a reader of a notice does.

"Where should you sign up?" over a page that reads "Sign up at the front desk." is answered by the line
that shares the question's words, with those words taken away: "at the front desk". A yes/no question
("Is parking free here?") is a yes when every word it asks about is written there, on a line without a
negation; otherwise nothing is concluded (a word not read is no proof of a "no").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that carry the question's form, not its content.
_FORM_TEXT = (
    "a an the this that these those here there it its is are was were be been being do does did done "
    "should would could can will shall may might must to of in on at for by with from as and or "
    "what which who whom whose where when why how time often many much long say says said read reads "
    "text sign signs page notice note label written printed according you your i me my we us our they "
    "them their he she his her one any some tell please image picture photo"
)
_FORM_WORDS = frozenset(_FORM_TEXT.split())
_NEGATIONS = frozenset(
    {"no", "not", "never", "without", "nobody", "none", "don't", "dont", "cannot", "can't"}
)
_YES_NO = re.compile(r"^(?:is|are|was|were|do|does|did|can|could|may|will|should|must|has|have)\b")
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class TextAnswer:
    """The answer read from one line: ``span`` for a wh-question, ``yes`` for a yes/no question."""

    line: int  # index of the line the answer comes from
    span: str | None = None
    yes: bool | None = None


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _same(a: str, b: str) -> bool:
    """Stems of one word: equal, or one the start of the other ('leav' and 'leave')."""
    return a == b or min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a))


def content_words(question: str) -> list[str]:
    """The question's words that a line of text must share to answer it, stemmed."""
    return [_stem(w) for w in _WORD.findall(question.lower()) if w not in _FORM_WORDS and len(w) > 1]


# A question after an amount of one kind, and how that amount is written: "how big is the discount?"
# is answered by a percentage, "how much does it cost?" by a price.
_AMOUNTS = (
    (
        re.compile(r"\b(?:discount|off|sale|reduction|reduced|saving|savings|percent|percentage)\b"),
        re.compile(r"\d+(?:[.,]\d+)?\s?%"),
    ),
    (
        re.compile(r"\b(?:price|prices|cost|costs|pay|charge|fee|fare|how much is|how much are)\b"),
        re.compile(
            r"[$£€¥]\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?(?:€|£|\$|eur|euros?|usd|dollars?|pounds?)\b"
        ),
    ),
)
_AMOUNT_ASKED = re.compile(
    r"^(?:how (?:much|big|large|high|many percent)|what (?:is the )?(?:percentage|percent|price|discount|cost|fee|fare))\b"
)


def _amount(question: str, lines: list[str]) -> TextAnswer | None:
    """An amount asked for, read where it is written in the form its kind is written in."""
    if not _AMOUNT_ASKED.match(question):
        return None
    for asked, written in _AMOUNTS:
        if asked.search(question):
            for index, line in enumerate(lines):
                found = written.search(line)
                if found:
                    return TextAnswer(line=index, span=found.group(0).strip())
    return None


def answer_from_lines(question: str, lines: list[str]) -> TextAnswer | None:
    """The answer the lines give to ``question``, or None when no line answers it."""
    amount = _amount(question.strip().lower(), lines)
    if amount is not None:
        return amount
    wanted = content_words(question)
    if not wanted or not lines:
        return None
    read = [[(_stem(w.strip("'")), w) for w in _WORD.findall(line.lower())] for line in lines]
    scores = [sum(any(_same(s, w) for s, _ in words) for w in set(wanted)) for words in read]
    best = max(range(len(lines)), key=lambda i: scores[i])
    if scores[best] == 0:
        return None
    if _YES_NO.match(question.strip().lower()):
        everywhere = {s for words in read for s, _ in words}
        missing = [w for w in wanted if not any(_same(w, s) for s in everywhere)]
        if missing or any(w in _NEGATIONS for _, w in read[best]):
            return None
        return TextAnswer(line=best, yes=True)
    return _span(lines[best], set(wanted), best, naming=bool(_NAMING.match(question.strip().lower())))


# "What street is this?", "which station is it?": the name asked for holds the kind ("Main Street").
_NAMING = re.compile(r"^(?:what|which) [a-z]+ (?:is|are) (?:this|that|it|these|those|here|there)\b")


def _span(line: str, wanted: set[str], index: int, naming: bool = False) -> TextAnswer | None:
    """The line with the question's words taken away: what follows them, else what precedes them; for a
    name asked of its kind, the whole line when it ends with the kind ('MAIN STREET')."""
    tokens = line.split()
    bare = [t.lower().strip(".,;:!?\"'()") for t in tokens]
    hits = [i for i, t in enumerate(bare) if any(_same(_stem(t), w) for w in wanted)]
    if naming and hits == [len(tokens) - 1] and len(tokens) > 1:
        return TextAnswer(line=index, span=line.strip(" .,;:!?\"'"))
    after = " ".join(tokens[hits[-1] + 1 :]).strip(" .,;:!?\"'")
    end = hits[0]
    while end and bare[end - 1] in _FORM_WORDS:  # "Goggles must be worn." -> "Goggles"
        end -= 1
    before = " ".join(tokens[:end]).strip(" .,;:!?\"'")
    span = after or before
    return TextAnswer(line=index, span=span) if span else None


__all__ = ["TextAnswer", "answer_from_lines", "content_words"]
