"""What an answer's text says against what the answer decided, and what it must never say.

The citation verifier checks that claims rest on evidence; this checks that the prose agrees with the
structured answer: every urgency level and threat level it states equals the decision, a medical answer
never calls a study normal or says no follow-up is needed while an urgency stands, an alert is not
talked away ("no threat", "safe") while one fired, and nothing is said about a depicted person's
identity, emotions, age, gender, ethnicity or health. A chat model's text that fails is rewritten from
the decision (the built-in engine's answer); the note says why.
"""

from __future__ import annotations

import re

URGENCY = re.compile(r"\b(?:urgency|priority|level|category)?\s*\b(U[0-4])\b")
THREAT = re.compile(r"\bthreat level (?:is |of )?(\d)\b", re.I)
NORMAL = re.compile(
    r"\b(?:is|looks|appears|seems|was|are)\s+(?:entirely |completely |essentially |totally )?(?:normal|unremarkable|healthy|clear|fine)\b"
    r"|\bnormal (?:scan|study|x-?ray|radiograph|ct|mri|exam|examination|result|findings?|chest)\b"
    r"|\bno (?:abnormalit(?:y|ies)|pathology|disease|findings? of concern)\b|\bnothing (?:abnormal|of concern|wrong)\b",
    re.I,
)
NO_FOLLOW_UP = re.compile(
    r"\bno (?:follow[- ]?up|further (?:action|imaging|work-?up)|action)\s*(?:is\s+)?(?:needed|required|necessary)?\b",
    re.I,
)
ALL_CLEAR = re.compile(
    r"\b(?:no (?:threats?|alerts?|risk|danger|security (?:issue|concern)s?)|(?:is|looks|appears) (?:safe|secure))\b",
    re.I,
)
# What no answer may infer about a depicted person.
EMOTION = re.compile(
    r"\b(?:happy|sad|angry|upset|smiling|smile|frowning|crying|laughing|scared|afraid|anxious|nervous|"
    r"excited|calm|relaxed|worried|annoyed|furious|cheerful|grumpy|bored|depressed|stressed|joyful|mood)\b",
    re.I,
)
AGE = re.compile(
    r"\b(?:\d{1,3}\s*(?:years?|yrs?)[- ]old|aged? (?:about |around |roughly )?\d{1,3}|(?:about|around|roughly|approximately) \d{1,2}(?: years)?|"
    r"in (?:his|her|their) (?:early |mid |late )?\d0s|elderly|teenage[rd]?|middle-aged|young (?:man|woman|girl|boy))\b",
    re.I,
)
GENDER = re.compile(
    r"\b(?:is|are|looks like|appears to be|seems to be) (?:a |an )?(?:man|woman|male|female|boy|girl|lady|gentleman)\b",
    re.I,
)
SENSITIVE = re.compile(
    r"\b(?:caucasian|asian|african|hispanic|latino|latina|black|white) (?:man|woman|person|people|male|female)\b"
    r"|\b(?:ethnicity|race|religion|muslim|christian|jewish|hindu|gay|lesbian|pregnant|disabled|obese)\b",
    re.I,
)
TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame|Admiral|Rear Admiral|General|President|Captain|Senator|King|Queen|Prince|Princess)\.? [A-Z][a-z]+"
    r"|\b(?:this is|that is|it is|named|called|identified as|looks like) [A-Z][a-z]+ [A-Z][a-z]+\b"
)


def contradictions(
    text: str,
    *,
    domain: str,
    urgency: str | None,
    threat_level: int | None = None,
    alerts: int = 0,
) -> list[str]:
    """What ``text`` states against the decision, one line each (empty when it agrees)."""
    problems = []
    stated = set(URGENCY.findall(text))
    if stated and (urgency is None or stated != {urgency}):
        decided = urgency or "no urgency (an abstention)"
        problems.append(f"states urgency {', '.join(sorted(stated))} but the decision is {decided}")
    if domain == "medical":
        if NORMAL.search(text):
            problems.append(
                "calls the study normal: a medical answer says 'insufficient evidence', never 'normal'"
            )
        if urgency not in (None, "U0") and NO_FOLLOW_UP.search(text):
            problems.append(f"says no follow-up is needed while the decision is {urgency}")
    if threat_level is not None:
        for level in THREAT.findall(text):
            if int(level) != threat_level:
                problems.append(f"states threat level {level} but the rules give {threat_level}")
        if alerts and ALL_CLEAR.search(text):
            problems.append(f"says the scene is safe or without threat while {alerts} alert(s) fired")
    return problems


def privacy_violations(text: str) -> list[str]:
    """What ``text`` infers about a depicted person that no answer may: identity, emotion, age, gender,
    ethnicity or other sensitive attributes, health."""
    found = []
    for name, pattern in (
        ("an identity", TITLE_NAME),
        ("an emotion", EMOTION),
        ("an age", AGE),
        ("a gender", GENDER),
        ("a sensitive attribute", SENSITIVE),
    ):
        match = pattern.search(text)
        if match:
            found.append(f"infers {name} of a depicted person ({match.group(0)!r})")
    return found
