"""The citation verifier: an answer is held to its evidence before anyone reads it.

It checks that every citation resolves to evidence or a rule in this answer's trace, that every
count stated about the image equals the number of items the sentence cites for it, and that
sentences asserting something is in the image cite something. What fails is listed as an
unsupported claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from argus.agent.core.answer import Citation
from argus.agent.core.lexicon import SHAPE_WORDS
from argus.tools.evidence import CITATION, EvidenceItem, FallState, ZoneHit, expand_groups
from argus.tools.words import NUMBER_WORDS, singular

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[\"\u201c])")
_NUMBER = "|".join(
    sorted(
        (
            w
            for w in NUMBER_WORDS
            if w not in ("a", "an", "no", "none", "single", "both", "couple", "pair", "dozen")
        ),
        key=len,
        reverse=True,
    )
)
COUNT_CLAIM = re.compile(rf"\b(\d+|{_NUMBER})\s+((?:[a-z]+[\s-]){{0,2}}?[a-z]+)\b", re.I)
NEGATION = re.compile(r"\b(no|not|none|never|cannot|can't|without|nothing|neither|nor)\b", re.I)
PRESENCE = re.compile(r"\b(there (is|are)|i (can )?see|shows?|contains?|visible)\b", re.I)
# Nouns after a number that are not about the image (units, percentages, time).
NOT_COUNTED = re.compile(
    r"^(mm|cm|m|px|pixels?|percent|%|ms|s|seconds?|minutes?|hours?|days?|months?|years?|year-old|of|"
    r"to|and|or|more|lines?|km|kg|ft|feet|times?|degrees?|mp|bits?|frames?|steps?|words?|classes?)\b",
    re.I,
)


@dataclass
class Verdict:
    citations: list[Citation] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unsupported and all(c.resolved for c in self.citations)


_RUN = re.compile(r"^\s*((?:\[[^\]]+\]\s*)+)")


def _cited_after(sentence: str, phrase: str, start: int) -> list[str]:
    """The citations right after a count claim ('2 circles [S1][S4]'), which back that claim alone."""
    at = sentence.find(phrase.strip(), max(0, start - 40))
    if at < 0:
        return []
    run = _RUN.match(sentence[at + len(phrase.strip()) :])
    return CITATION.findall(run.group(1)) if run else []


def _names(item: EvidenceItem) -> set[str]:
    """Every noun an item may be counted under: its label, and its shape (a proposal that is a circle)."""
    shape = getattr(item, "shape", None)
    return {_singular(item_noun(item)), *([_singular(shape)] if shape else [])}


def _object_of(item: EvidenceItem) -> str:
    """The id of the thing an item is about: a zone hit is its object's, so "1 person [D1][Z1]" is one."""
    return item.source if isinstance(item, ZoneHit) else item.id


def item_noun(item: EvidenceItem) -> str:
    """The noun a sentence would use for an item: fall states and zone hits are about their object."""
    if isinstance(item, FallState):
        return "person"
    if isinstance(item, ZoneHit):
        return item.label.split(" in ")[0]
    return item.label.lower()


def _singular(word: str) -> str:
    from argus.tools.coco import COCO_80, match_label

    word = word.lower().strip()
    if word in SHAPE_WORDS:
        return SHAPE_WORDS[word]
    label = match_label(word, COCO_80)
    return label if label is not None else singular(word)


def _number(token: str) -> int:
    return int(token) if token.isdigit() else NUMBER_WORDS[token.lower()]


def verify(
    text: str, evidence: dict[str, EvidenceItem], rule_ids: Iterable[str], labels: Iterable[str]
) -> Verdict:
    """Check ``text`` against the evidence and rules of this answer.

    Args:
        text: the answer text.
        evidence: every evidence item of this answer by id.
        rule_ids: rules this answer's trace retrieved or evaluated.
        labels: nouns that name things in the image (COCO labels, shape names, region): count and
            presence claims about them are checked.
    """
    rules = set(rule_ids)
    nouns = {_singular(label) for label in labels}
    verdict = Verdict()
    text = expand_groups(text)
    seen: set[str] = set()
    for ref in CITATION.findall(text):
        if ref in seen:
            continue
        seen.add(ref)
        if ref.startswith("R:"):
            ok = ref[2:] in rules
            verdict.citations.append(Citation(ref=ref, resolved=ok, kind="rule" if ok else None))
            if not ok:
                verdict.unsupported.append(f"cites rule {ref[2:]}, which this answer's trace never consulted")
        else:
            ok = ref in evidence
            verdict.citations.append(Citation(ref=ref, resolved=ok, kind="evidence" if ok else None))
            if not ok:
                verdict.unsupported.append(f"cites {ref}, which no tool produced for this answer")
    for sentence in _SENTENCE.split(text):
        verdict.unsupported.extend(_check_sentence(sentence, evidence, nouns))
    return verdict


def _check_sentence(sentence: str, evidence: dict[str, EvidenceItem], nouns: set[str]) -> list[str]:
    problems: list[str] = []
    cited = [evidence[r] for r in CITATION.findall(sentence) if r in evidence]
    bare = CITATION.sub("", sentence)
    claimed: set[str] = set()
    for match in COUNT_CLAIM.finditer(bare):
        number, phrase = match.group(1), match.group(2)
        words = re.split(r"[\s-]+", phrase.strip())
        if NOT_COUNTED.match(words[0]) or bare[match.end() : match.end() + 1] == "%":
            continue
        noun = next((_singular(w) for w in reversed(words) if _singular(w) in nouns), None)
        if noun is None:
            continue
        claimed.add(noun)
        n = _number(number)
        own = [evidence[r] for r in _cited_after(sentence, phrase, match.start()) if r in evidence]
        matching = [i for i in (own or cited) if noun in _names(i)]
        if n == 0:
            continue
        if not matching:
            problems.append(
                f"states {n} {phrase.strip()} without citing evidence for it: {sentence.strip()!r}"
            )
        elif len(things := {_object_of(i) for i in matching}) != n:
            problems.append(f"states {n} {phrase.strip()} but cites {len(things)}: {sentence.strip()!r}")
    if not cited and not NEGATION.search(bare) and PRESENCE.search(bare):
        mentioned = [n for n in sorted(nouns - claimed) if re.search(rf"\b{re.escape(n)}s?\b", bare, re.I)]
        if mentioned:
            problems.append(
                f"says {', '.join(mentioned)} is in the image without citing evidence: {sentence.strip()!r}"
            )
    return problems
