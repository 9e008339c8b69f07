"""Answering a question from the words written in the image, the way a reader of a notice does.

"Where should you sign up?" over a page that reads "Sign up at the front desk." is answered by the line
that shares the question's words, with those words taken away: "at the front desk". A yes/no question
("Is parking free here?") is a yes when every word it asks about is written there, on a line without a
negation; otherwise nothing is concluded (a word not read is no proof of a "no").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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


_DAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|days|nesday|rsday|urday|sday)?s?\b"
_DAYS = re.compile(rf"\b{_DAY}(?:\s*(?:-|–|to|and|&)\s*{_DAY})?", re.I)
_TIME = r"\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}"
_TIMES = re.compile(rf"({_TIME})(?:\s*(?:-|–|to|until)\s*({_TIME}))?", re.I)


def _days_or_times(question: str, lines: list[str]) -> TextAnswer | None:
    """'Which days does the restriction apply?' read from a line of weekdays ('MON - FRI'); 'what time
    does it open?' from a line of times, the first of a range for opening, the last for closing."""
    if re.match(r"^(?:on )?(?:which|what) days?\b", question):
        for index, line in enumerate(lines):
            found = _DAYS.search(line)
            if found:
                return TextAnswer(line=index, span=found.group(0).strip())
    if re.match(r"^(?:at )?what time\b|^when\b", question):
        for index, line in sorted(enumerate(lines), key=lambda il: -_shares(question, il[1])):
            found = _TIMES.search(line)
            if found:
                first, last = found.group(1), found.group(2)
                if last and re.search(r"\b(?:close|closes|closing|shut|end|ends|finish|until)\b", question):
                    return TextAnswer(line=index, span=last.strip())
                if last and re.search(r"\b(?:open|opens|opening|start|starts|begin|begins)\b", question):
                    return TextAnswer(line=index, span=first.strip())
                return TextAnswer(line=index, span=found.group(0).strip())
    return None


def _shares(question: str, line: str) -> int:
    words = {_stem(w) for w in _WORD.findall(line.lower())}
    return sum(any(_same(w, s) for s in words) for w in content_words(question))


def _amount(question: str, lines: list[str]) -> TextAnswer | None:
    """An amount asked for, read where it is written in the form its kind is written in."""
    if not _AMOUNT_ASKED.match(question):
        return _days_or_times(question, lines)
    for asked, written in _AMOUNTS:
        if asked.search(question):
            for index, line in enumerate(lines):
                found = written.search(line)
                if found:
                    return TextAnswer(line=index, span=found.group(0).strip())
    return None


@dataclass(frozen=True)
class Row:
    """Words the text reader gave as separate items that stand on one line of the picture."""

    text: str
    items: tuple[Any, ...]  # the reader's items, left to right


def rows(items: list[Any]) -> list[Row]:
    """The reader's items (with ``text`` and ``box``) joined into the lines they stand on: items whose
    middles are level within half a letter height, and whose gap is under two letter heights."""
    joined: list[list[Any]] = []
    for item in sorted((t for t in items if getattr(t, "box", None)), key=lambda t: t.box[0]):
        height = item.box[3] - item.box[1]
        middle = (item.box[1] + item.box[3]) / 2
        for row in joined:
            last = row[-1]
            level = abs((last.box[1] + last.box[3]) / 2 - middle) <= 0.5 * max(
                height, last.box[3] - last.box[1]
            )
            tall = max(height, last.box[3] - last.box[1])
            if level and -0.5 * tall <= item.box[0] - last.box[2] <= 2 * tall:
                row.append(item)
                break
        else:
            joined.append([item])
    joined.sort(key=lambda row: (row[0].box[1], row[0].box[0]))
    return [Row(" ".join(str(t.text) for t in row), tuple(row)) for row in joined]


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
        return _yes_or_no(wanted, read)
    return _span(lines[best], set(wanted), best, naming=bool(_NAMING.match(question.strip().lower())))


# "What street is this?", "which station is it?": the name asked for holds the kind ("Main Street").
_NAMING = re.compile(
    r"^(?:what|which) [a-z]+ (?:is|are) (?:this|that|it|these|those|here|there)\b"
    r"|^what(?: is|'s| was) (?:the )?names? of (?:the|this|that) [a-z]+\??$"
)


# Words a notice uses for the opposite of a word asked about: "Closed Sundays" answers "open on Sundays?".
_OPPOSITES = {
    "open": ("closed", "close", "shut"), "allow": ("forbidden", "prohibited", "banned", "not"),
    "permitt": ("forbidden", "prohibited", "banned"), "free": ("paid", "charge", "fee"),
    "enter": ("exit",), "entr": ("exit",), "in": ("out",),
}  # fmt: skip


def _yes_or_no(wanted: list[str], read: list[list[tuple[str, str]]]) -> TextAnswer | None:
    """No when a line holding some of the words asked about says the opposite of another ('Closed
    Sundays' for 'open on Sundays?') or negates them ('No diving' for 'is diving allowed?'); yes when
    every word asked about is written and the line holding most of them has no negation; else nothing
    (a word not read proves nothing)."""
    for index, words in enumerate(read):
        stems = [stem for stem, _ in words]
        held = [w for w in wanted if any(_same(w, s) for s in stems)]
        others = [w for w in wanted if w not in held]
        opposed = any(any(_same(o, s) for s in stems for o in _OPPOSITES.get(w, ())) for w in others)
        negated = any(w in _NEGATIONS for _, w in words)
        if held and (opposed or (negated and others)):
            return TextAnswer(line=index, yes=False)
    everywhere = {s for words in read for s, _ in words}
    if any(not any(_same(w, s) for s in everywhere) for w in wanted):
        return None
    best = max(range(len(read)), key=lambda i: sum(any(_same(w, s) for s, _ in read[i]) for w in wanted))
    if any(w in _NEGATIONS for _, w in read[best]):
        return None
    return TextAnswer(line=best, yes=True)


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


__all__ = ["Row", "TextAnswer", "answer_from_lines", "content_words", "rows"]
