"""Questions about what people are doing and how they hold themselves: 'what is the man doing?', 'is
she sitting?', 'how many people are standing?', 'are his arms raised?', 'which way is he facing?'.
Each becomes a ``pose`` program; questions about animals or things are left to the other forms.
"""

from __future__ import annotations

import re
from typing import Any

from argus.agent.core import program as p
from argus.agent.planner.mentions import Mention

PEOPLE_WORDS = (
    r"(?:he|she|they|him|her|them|someone|somebody|anyone|anybody|everyone|everybody|no one|nobody|"
    r"any ?one|people|persons?|men|women|man|woman|boys?|girls?|guys?|lady|ladies|kids?|children|child|"
    r"adults?|players?|pedestrians?|photographers?|astronauts?|tourists?|gentlem[ae]n)"
)
EVERYONE = re.compile(r"^(?:everyone|everybody|all(?: of)? (?:the |them|these|those)?.*|both.*|they|them)$")
ANYONE = re.compile(r"\b(?:any|anyone|anybody|some|someone|somebody|one)\b")
POSTURE = {
    "standing": "standing", "stand": "standing", "standing up": "standing", "upright": "standing",
    "on (?:his|her|their) feet": "standing",
    "sitting": "sitting", "sit": "sitting", "sitting down": "sitting", "seated": "sitting", "sat": "sitting",
    "sat down": "sitting",
    "lying": "lying", "lying down": "lying", "laying": "lying", "laying down": "lying", "lie down": "lying",
    "reclining": "lying",
}  # fmt: skip
_POSTURE = "|".join(sorted(POSTURE, key=len, reverse=True))
TAIL = r"(?: (?:right )?now| still| here| in (?:the|this) (?:image|picture|photo|photograph))?"
FACING = {
    "camera": "camera", "the camera": "camera", "us": "camera", "me": "camera", "the viewer": "camera",
    "the photographer": "camera", "the lens": "camera", "forward": "camera", "the front": "camera",
    "away": "away", "away from (?:the camera|us|me|the viewer)": "away", "the other way": "away",
    "left": "left", "the left": "left", "right": "right", "the right": "right",
}  # fmt: skip
_FACING = "|".join(sorted(FACING, key=len, reverse=True))
ARMS_UP = (
    r"(?:(?:(?:his|her|their|both|one|an?|the) )?(?:arms?|hands?) (?:raised|up|in the air|above (?:his|her|their) "
    r"heads?|lifted)|"
    r"(?:raising|raise|raised|lifting|lift|lifted|holding up|hold up|put up|putting up|waving|wave) "
    r"(?:up )?(?:his|her|their|a|an|one|both|the)? ?(?:arms?|hands?)|hands? up|arms? up)"
)


def pose(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    """The pose program for ``text``, or None when it asks nothing about people's pose or activity."""
    for form in (_doing, _which, _count, _posture, _arms, _facing):
        op = form(text, mentions)
        if op is not None:
            return op
    return None


def _people(match: re.Match[str], group: int, mentions: list[Mention]) -> p.Selection | None:
    """The people the match's ``group`` names: a person mention in it (with its place or rank), or a
    pronoun or 'anyone'; None when it names an animal or a thing."""
    who = match.group(group)
    start = len(match.string[: match.start(group)].split())
    inside = [m for m in mentions if start <= m.start < start + len(who.split())]
    if inside and inside[0].selection.label == "person":
        return inside[0].selection
    if re.fullmatch(
        rf"(?:the |this |that |these |those |all (?:the )?|any |both (?:the )?)?{PEOPLE_WORDS}", who
    ):
        return p.Selection(label="person")
    return None


def _value(table: dict[str, str], said: str) -> str:
    """The value a phrase of the question names: ``table``'s keys are patterns ('on (?:his|her) feet')."""
    return next(value for key, value in table.items() if re.fullmatch(key, said))


def _every(who: str, verb: str) -> bool:
    """A yes/no about all of them ('are the people standing?', 'is everyone seated?')."""
    if ANYONE.search(who) or not re.match(r"(?:the|these|those|all|both|they|them)\b", who):
        return bool(EVERYONE.match(who))  # "are people sitting?", "are there men standing?": any of them
    return verb in ("are", "were") or bool(EVERYONE.match(who))


def _doing(text: str, mentions: list[Mention]) -> p.Pose | None:
    match = re.match(
        r"^what (?:is|are|was|were) (.+?) (?:doing|up to|busy with|engaged in|busy doing)"
        r"(?: (?:right )?now| here| there| in (?:the|this) (?:image|picture|photo|photograph|scene))?$",
        text,
    ) or re.match(
        r"^what (?:activity|action|sport) (?:is|are) (.+?) (?:doing|performing|playing|engaged in)$", text
    )
    if match is None:
        return None
    who = _people(match, 1, mentions)
    return None if who is None else p.Pose(target=who, asked="doing")


def _which(text: str, mentions: list[Mention]) -> p.Pose | None:
    """'Which person is standing?', 'which of the men has his hands up?' ('who is ...' reads as these)."""
    match = re.match(
        rf"^(?:which|what) (?:one|ones|{PEOPLE_WORDS}|of (?:the |them|these|those)(?: ?{PEOPLE_WORDS})?) "
        rf"(?:is|are|has|have) (?:currently )?(.+?){TAIL}$",
        text,
    )
    if match is None:
        return None
    found = _count(f"how many people are {match.group(1)}", mentions)
    return None if found is None else found.model_copy(update={"count": False, "which": True})


def _count(text: str, mentions: list[Mention]) -> p.Pose | None:
    """'How many people are sitting?', 'how many are facing the camera?', 'how many have their hands up?'."""
    match = re.match(
        rf"^how many(?: of (?:the|them|these|those))?(?: (?:of the )?{PEOPLE_WORDS})?(?: (?:are|is|were|have|has))?"
        rf"(?: there)? (?:currently )?(.+?){TAIL}$",
        text,
    )
    if match is None:
        return None
    asked = match.group(1)
    target = p.Selection(label="person")
    if re.fullmatch(_POSTURE, asked):
        return p.Pose(target=target, asked="posture", expected=_value(POSTURE, asked), count=True)
    facing = re.fullmatch(
        rf"(?:facing|looking|turned)(?: at| to| toward| towards| into)? (?:the )?({_FACING})(?: side)?", asked
    )
    if facing:
        return p.Pose(target=target, asked="facing", expected=_value(FACING, facing.group(1)), count=True)
    if re.fullmatch(rf"(?:(?:got|with) )?{ARMS_UP}", asked):
        return p.Pose(target=target, asked="arms", expected="raised", count=True)
    return None


def _posture(text: str, mentions: list[Mention]) -> p.Pose | None:
    choice = re.match(
        rf"^(is|are|was|were) (.+?) ({_POSTURE}) or ({_POSTURE}){TAIL}$", text
    )  # "is he sitting or standing?": which one
    if choice:
        who = _people(choice, 2, mentions)
        return None if who is None else p.Pose(target=who, asked="posture")
    asked = re.match(
        r"^(?:how|in what (?:position|posture)) (?:is|are) (.+?) (?:positioned|posed|placed)$", text
    )
    if asked or (
        asked := re.match(r"^what (?:is the )?(?:posture|position|pose) (?:is|are|of) (.+?)(?: in)?$", text)
    ):
        who = _people(asked, 1, mentions)
        return None if who is None else p.Pose(target=who, asked="posture")
    match = re.match(rf"^(is|are|was|were|does|do) (.+?) (?:currently )?({_POSTURE}){TAIL}$", text)
    if match is None:
        return None
    who = _people(match, 2, mentions)
    if who is None:
        return None
    expected = _value(POSTURE, match.group(3))
    return p.Pose(
        target=who, asked="posture", expected=expected, every=_every(match.group(2), match.group(1))
    )


def _arms(text: str, mentions: list[Mention]) -> p.Pose | None:
    own = re.match(rf"^(?:is|are|was|were|does|do|has|have|did) (his|her|their) {ARMS_UP}{TAIL}$", text)
    if own:  # "are her arms raised?"
        return p.Pose(asked="arms", expected="raised", every=own.group(1) == "their")
    match = re.match(
        rf"^(is|are|was|were|does|do|has|have|did) (.+?) (?:(?:with|got|have|has|had|got) )?{ARMS_UP}{TAIL}$",
        text,
    )
    if match is None:
        return None
    who = _people(match, 2, mentions)
    if who is None:
        return None
    return p.Pose(target=who, asked="arms", expected="raised", every=_every(match.group(2), match.group(1)))


def _facing(text: str, mentions: list[Mention]) -> p.Pose | None:
    which = re.match(
        r"^(?:in |to |toward |towards )?(?:which|what) (?:way|direction|side)(?: of the (?:image|picture|photo))? (?:is|are) (.+?) "
        r"(?:facing|looking|turned|pointed|pointing|heading|oriented)(?: in| to| toward| towards)?$",
        text,
    ) or re.match(r"^where (?:is|are) (.+?) (?:facing|looking)$", text)
    if which:
        who = _people(which, 1, mentions)
        return None if who is None else p.Pose(target=who, asked="facing")
    match = re.match(
        rf"^(is|are|was|were|does|do) (.+?) (?:facing|face|looking|look|turned|turning|pointed|pointing)"
        rf"(?: at| to| toward| towards| into| in the direction of)? (?:the )?({_FACING})(?: side)?{TAIL}$",
        text,
    ) or re.match(rf"^(is|are|was|were|does|do) (.+?) (?:turned|turning) ({_FACING}){TAIL}$", text)
    if match is None:
        back = re.match(
            r"^(is|are|was|were|does|do|has|have) (.+?) (?:got |with |have |has )?(?:(?:his|her|their) )?backs? "
            r"(?:turned )?to (?:the camera|us|me|the viewer)$",
            text,
        )
        if back is None:
            return None
        who = _people(back, 2, mentions)
        return None if who is None else p.Pose(target=who, asked="facing", expected="away")
    who = _people(match, 2, mentions)
    if who is None:
        return None
    value = _value(FACING, match.group(3))
    return p.Pose(target=who, asked="facing", expected=value, every=_every(match.group(2), match.group(1)))
