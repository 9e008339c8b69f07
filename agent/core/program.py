"""The typed program a question becomes: what to look at, and what to do with it.

A program is one operation (``op``) over selections of things in the image. The built-in parser writes
it from English; a chat model may write the same JSON through the ``run_program`` tool. Whoever writes
it, ``argus.agent.core.executor`` runs it on the tools' cached results, so the answer is reproducible
and the program is its rationale: it travels in the answer contract (``Answer.program``).

    {"op": "attribute", "attribute": "colour", "target": {"label": "bus"}}
    {"op": "not", "inner": {"op": "exists", "target": {"label": "rectangle"}}}
    {"op": "compare", "left": {"label": "person"}, "right": {"label": "car"}, "comparison": "more"}
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

RelationKind = Literal[
    "left_of",
    "right_of",
    "above",
    "below",
    "near",
    "inside",
    "on",
    "under",
    "in_front_of",
    "behind",
    "overlapping",
    "larger_than",
    "smaller_than",
    "taller_than",
    "wider_than",
]
Position = Literal["left", "right", "top", "bottom", "middle"]
# nearest / farthest: from the camera, judged by where a thing stands (the lower its base, the nearer)
Rank = Literal[
    "leftmost", "rightmost", "topmost", "bottommost", "largest", "smallest", "first", "nearest", "farthest",
    "top_left", "top_right", "bottom_left", "bottom_right",  # nearest that corner
]  # fmt: skip
AttributeName = Literal["colour", "shape", "size", "position", "area"]
QualityAspect = Literal[
    "sharp",
    "blurry",
    "dark",
    "bright",
    "exposure",
    "noise",
    "contrast",
    "colour",
    "grayscale",
    "overall",
    "triage",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RelationFilter(_Model):
    """Keep the things that stand in ``relation`` to at least one of ``to``."""

    relation: RelationKind
    to: Selection


class Selection(_Model):
    """Which things a question is about. Every field given must hold; none given means everything seen.

    ``label`` is a thing's name as the tools know it: a COCO class ("person", "bus"), a shape ("circle",
    "cube"), a generic "object", "text", or another noun the image classifier may know ("rocket")."""

    label: str | None = Field(
        default=None, description="What the thing is: 'person', 'bus', 'circle', 'object'."
    )
    category: str | None = Field(
        default=None, description="A kind of thing: 'animal', 'vehicle', 'food', ..."
    )
    colour: str | None = Field(default=None, description="A colour name: 'red', 'navy', ...")
    shape: str | None = Field(default=None, description="A shape: 'circle', 'square', 'sphere', ...")
    size: Literal["small", "large"] | None = None
    position: Position | None = Field(default=None, description="Where in the image: left, right, top, ...")
    rank: Rank | None = Field(
        default=None,
        description="The one thing that is leftmost, largest, ..., or nearest a corner (top_left, ...).",
    )
    state: Literal["fallen"] | None = None
    zone: str | None = Field(default=None, description="A zone's name, when zones are given.")
    relation: RelationFilter | None = None

    def describe(self) -> str:
        """The selection in the question's terms, for notes: 'red circle left of the bus'."""
        words = [w for w in (self.size, self.colour, self.shape if self.shape != self.label else None) if w]
        words.append(self.label or self.category or "object")
        if self.state:
            words.insert(0, self.state)
        text = " ".join(words)
        if self.position:
            text += f" {'in' if self.position == 'middle' else 'on'} the {self.position}"
        if self.zone:
            text += f" in zone {self.zone.replace('_', ' ')}"
        if self.relation is not None:
            text += f" {self.relation.relation.replace('_', ' ')} the {self.relation.to.describe()}"
        return text


class Exists(_Model):
    """Is there a ``target`` (or one of ``any_of``: 'a dog or a cat')? ``unchecked`` keeps what the
    question also asks that no tool can check ('is the cat *sleeping*'): the answer says it cannot tell."""

    op: Literal["exists"] = "exists"
    target: Selection
    any_of: list[Selection] = Field(default_factory=list, max_length=8)
    unchecked: str | None = Field(default=None, max_length=200)


class Count(_Model):
    """How many: of ``target``, and of each of ``also`` ('how many buses and people?')."""

    op: Literal["count"] = "count"
    target: Selection
    also: list[Selection] = Field(default_factory=list, max_length=8)
    arrangement: Literal["rows", "columns"] | None = Field(
        default=None, description="Count the rows or columns the things stand in, not the things."
    )
    line: int | None = Field(
        default=None,
        ge=-20,
        le=20,
        description="With arrangement: count the things in this row or column only (1 the top or left, -1 the last).",
    )
    each: bool | None = Field(
        default=None,
        description="With arrangement: how many things each row or column holds ('in each row').",
    )


class Identify(_Model):
    """What is it: the name of the selected thing(s), e.g. 'what animal is this' (target.category=animal);
    with ``choices``, which of the things offered it is ('is this a dog or a cat?')."""

    op: Literal["identify"] = "identify"
    target: Selection = Field(default_factory=Selection)
    choices: list[Selection] = Field(
        default_factory=list, max_length=6, description="The things offered ('a dog or a cat?')."
    )
    held_by: Selection | None = Field(
        default=None, description="Name what this holds or carries instead ('what is the man holding?')."
    )
    worn_by: Selection | None = Field(
        default=None, description="Name what this wears instead ('what is the woman wearing?')."
    )


class Attribute(_Model):
    """The colour, shape, size, position or area of the target; ``choices`` when the question offers
    them ('on the left or the right?')."""

    op: Literal["attribute"] = "attribute"
    target: Selection
    attribute: AttributeName
    choices: list[str] = Field(default_factory=list, max_length=6)
    expected: str | None = Field(
        default=None,
        max_length=40,
        description="For a yes/no question, the value asked about: 'is the box near the bottom?' -> 'bottom'.",
    )
    part: str | None = Field(
        default=None, max_length=40, description="What of the target is asked about: 'suit'."
    )


class Relate(_Model):
    """Is the subject <relation> the object? With ``relation`` None: where is the subject relative to it."""

    op: Literal["relate"] = "relate"
    subject: Selection
    relation: RelationKind | None = None
    object: Selection
    choices: list[RelationKind] = Field(
        default_factory=list, max_length=4, description="The sides offered ('left or right of the cup?')."
    )


class Compare(_Model):
    """Counts compared: are there more/fewer/as many ``left`` as ``right``, or as the number ``than``
    ('are there more than 20 coins?', 'are there exactly 3 people?')?"""

    op: Literal["compare"] = "compare"
    left: Selection
    right: Selection | None = None
    than: int | None = Field(default=None, ge=0, le=100_000)
    comparison: Literal["more", "fewer", "same", "at_least", "at_most", "even", "odd"] = Field(
        description="more/fewer/same/at_least/at_most than the other or ``than``; even/odd: the count's parity."
    )
    which: bool = Field(
        default=False, description="Ask which of the two there are more (fewer) of, not yes/no."
    )
    attribute: Literal["colour", "shape", "size"] | None = Field(
        default=None,
        description="Compare one thing's attribute with the other's instead of counts: 'same colour?', "
        "'which is larger?' (size with more/fewer).",
    )
    side: Literal["left", "right", "top", "bottom"] | None = Field(
        default=None,
        description="Which of the two stands further to this side of the picture: 'which is further left, "
        "the cup or the dog?', 'which is higher up?'.",
    )


class Arithmetic(_Model):
    """A count worked on: how many ``target`` there would be after taking away ``remove`` (all of them,
    or ``remove_count``), adding ``add``, multiplying by ``times``; with ``plus`` the total of the target
    and those ('how many cats and dogs altogether?'); with ``minus`` the difference between the two counts."""

    op: Literal["arithmetic"] = "arithmetic"
    target: Selection
    add: int = Field(default=0, ge=-1000, le=1000)
    remove: Selection | None = None
    remove_count: int | None = Field(default=None, ge=1, le=1000, description="Take away only this many.")
    times: int = Field(default=1, ge=0, le=100)
    plus: list[Selection] = Field(default_factory=list, max_length=8)
    minus: Selection | None = None


class ReadText(_Model):
    """The text in the image; ``part`` narrows it: the largest letters, the lines at the top or bottom."""

    op: Literal["read_text"] = "read_text"
    part: Literal["all", "largest", "top", "bottom", "body"] = Field(
        default="all", description="body: the text under the title, the title left out."
    )
    word: int | None = Field(
        default=None, ge=-20, le=20, description="Only this word, in reading order: 1 the first, -1 the last."
    )


class TextContains(_Model):
    op: Literal["text_contains"] = "text_contains"
    query: str = Field(min_length=1, max_length=200)


class Title(_Model):
    op: Literal["title"] = "title"


class Modality(_Model):
    """What kind of image or scan it is; with ``expected``, whether it is that kind ('is this a CT?')."""

    op: Literal["modality"] = "modality"
    expected: str | None = None
    choices: list[str] = Field(
        default_factory=list, description="The kinds offered ('CT or MRI?', 'a scan or a photo?')."
    )
    body_part: bool = Field(
        default=False, description="Which body part or organ the scan shows ('what organ is this?')."
    )


# What a scene question may ask: the setting, the kind of area, or the time of day.
SceneValue = Literal["indoors", "outdoors", "city", "countryside", "day", "night", "sunny", "cloudy"]
SCENE_PAIRS: tuple[tuple[str, str], ...] = (
    ("indoors", "outdoors"),
    ("city", "countryside"),
    ("day", "night"),
    ("sunny", "cloudy"),
)


class Scene(_Model):
    """Where and when the picture was taken: indoors or outdoors (and the room or place its things
    suggest), in a city or the countryside, by day or at night. ``expected`` asks whether it is that ('is
    this indoors?', 'is it daytime?'); ``choices`` offers two ('a city or the countryside?'); with neither,
    the setting is asked; ``room`` asks which room ('what room is this?')."""

    op: Literal["scene"] = "scene"
    expected: SceneValue | None = None
    choices: list[SceneValue] = Field(default_factory=list, max_length=2)
    room: bool = False


PoseAsked = Literal["doing", "posture", "arms", "facing"]
# What each asked aspect may be expected to be, for a yes/no question or a count.
POSE_VALUES: dict[str, tuple[str, ...]] = {
    "posture": ("standing", "sitting", "lying"),
    "arms": ("raised", "down"),
    "facing": ("camera", "away", "left", "right"),
}


class Pose(_Model):
    """What people are doing and how they hold themselves, from each person's body pose and what they
    hold or ride: ``asked`` doing ('what is the man doing?'), posture ('is he standing?'), arms ('are
    her arms raised?') or facing ('which way is he facing?'). ``expected`` makes it a yes/no question
    about that value (posture: standing/sitting/lying; arms: raised/down; facing: camera/away/left/right,
    the image's sides); with ``count``, how many of the target have it ('how many people are sitting?').
    ``every``: a yes/no about all of them ('are the people standing?') rather than any one."""

    op: Literal["pose"] = "pose"
    target: Selection = Field(default_factory=lambda: Selection(label="person"))
    asked: PoseAsked = "doing"
    expected: str | None = Field(default=None, max_length=20)
    count: bool = False
    every: bool = False
    which: bool = Field(
        default=False, description="Name which of them has the ``expected`` value ('who is standing?')."
    )


class Quality(_Model):
    op: Literal["quality"] = "quality"
    aspect: QualityAspect = "overall"
    region: Literal["background"] | None = Field(
        default=None, description="Judge the background against the subject: 'is the background blurred?'."
    )
    choice: bool = Field(
        default=False,
        description="The question offers the aspect and its opposite ('sharp or blurry?', 'in colour or black "
        "and white?'): answer with the one that holds, not yes or no.",
    )


class Describe(_Model):
    op: Literal["describe"] = "describe"


class Rules(_Model):
    """Look a rule up (no image needed): what the packs say about the question's words and stated facts."""

    op: Literal["rules"] = "rules"
    query: str = Field(min_length=2, max_length=500)
    domain: Literal["medical", "security"] | None = None


class Triage(_Model):
    """The medical triage flow: quality gate, findings, rules, urgency or abstention; with ``finding``,
    whether that finding is there ('is there a pneumothorax?')."""

    op: Literal["triage"] = "triage"
    finding: str | None = Field(default=None, max_length=100)
    asked: Literal["urgent", "normal", "abnormal"] | None = Field(
        default=None,
        description="A yes/no question: whether the study is urgent ('is this scan urgent?'), normal ('is "
        "this normal?') or shows anything abnormal ('is anything wrong?'). A study is never called normal.",
    )


class Assess(_Model):
    """The security flow: objects, falls, zones and the security rules; the threat level."""

    op: Literal["assess"] = "assess"
    asked: (
        Literal[
            "alert",
            "safe",
            "exit_blocked",
            "exit_clear",
            "unattended",
            "loitering",
            "weapon",
            "crowd",
            "intrusion",
        ]
        | None
    ) = Field(
        default=None,
        description="A yes/no question: whether anything calls for an alert ('any threats?'), whether the "
        "scene is safe ('is it safe?'), whether an exit route is blocked or clear (the exit rules alone), or "
        "whether one kind of incident is there ('any unattended bags?', 'is anyone loitering?', 'any "
        "weapons?', 'is it overcrowded?', 'any intruders?'), judged by that kind's rules alone.",
    )


class Refuse(_Model):
    op: Literal["refuse"] = "refuse"
    requests: list[Literal["face_identification", "emotion", "sensitive_attribute"]] = Field(min_length=1)


# The reason for a name that only the picture's own text can give ("what's the name of the bakery?"):
# the executor reads the text for it.
NAME_ON_SIGN = "a name is given only by what is written in the picture"


class Unanswerable(_Model):
    """No tool can answer it; the answer says why, and what Argus can do instead."""

    op: Literal["unanswerable"] = "unanswerable"
    reason: str = Field(default="", max_length=300)


class Not(_Model):
    """The negation of a yes/no question: 'Is it true that there is no rectangle?'"""

    op: Literal["not"] = "not"
    inner: YesNo


YesNo = Annotated[
    Union[Exists, Relate, Compare, Quality, TextContains, Modality, Scene, "Not"], Field(discriminator="op")
]  # noqa: UP007 - a forward reference
Op = Annotated[
    Union[  # noqa: UP007 - a forward reference
        Exists,
        Count,
        Identify,
        Attribute,
        Relate,
        Compare,
        Arithmetic,
        ReadText,
        TextContains,
        Title,
        Modality,
        Scene,
        Pose,
        Quality,
        Describe,
        Rules,
        Triage,
        Assess,
        Refuse,
        Unanswerable,
        Not,
    ],
    Field(discriminator="op"),
]
YES_NO_OPS = ("exists", "relate", "compare", "quality", "text_contains", "not")


class Program(_Model):
    """What the ``run_program`` tool takes: one operation (its ``op`` says which)."""

    root: Op = Field(description="The operation, e.g. {'op': 'count', 'target': {'label': 'person'}}.")

    def dump(self) -> dict[str, Any]:
        """The JSON the answer contract carries: the root operation, unset and empty fields left out."""
        pruned: dict[str, Any] = _pruned(self.root.model_dump(mode="json", exclude_none=True))
        return pruned


RelationFilter.model_rebuild()
Selection.model_rebuild()
Not.model_rebuild()
Program.model_rebuild()


def is_yes_no(op: Any) -> bool:
    """Whether the op answers yes or no (a relate with no relation asks 'where', not yes/no)."""
    if isinstance(op, Relate):
        return op.relation is not None
    if isinstance(op, Compare):
        return not op.which
    if isinstance(op, Modality | Attribute | Scene):
        return op.expected is not None
    if isinstance(op, Assess):
        return op.asked is not None
    if isinstance(op, Pose):
        return op.expected is not None and not op.count and not op.which
    if isinstance(op, Quality):
        return not op.choice  # "sharp or blurry?" names one
    return getattr(op, "op", None) in YES_NO_OPS


def render(op: dict[str, Any]) -> str:
    """A program as one readable line: ``count(person near bus)``, ``not(exists(rectangle))``."""
    name = op.get("op", "?")
    if name == "not":
        return f"not({render(op.get('inner') or {})})"
    parts = []
    for key in ("target", "subject", "left"):
        if isinstance(op.get(key), dict):
            parts.append(Selection.model_validate(op[key]).describe())
    for key in (
        "attribute",
        "region",
        "relation",
        "comparison",
        "than",
        "aspect",
        "query",
        "finding",
        "expected",
        "unchecked",
        "choices",
        "which",
        "part",
        "arrangement",
        "line",
        "word",
        "room",
        "asked",
        "body_part",
        "count",
        "every",
    ):
        value = op.get(key)
        if value not in (None, "", [], False):
            if isinstance(value, list) and all(isinstance(v, dict) for v in value):
                value = " or ".join(Selection.model_validate(v).describe() for v in value)
            parts.append(f"{key}={value}")
    for key in ("object", "right", "remove", "minus", "held_by", "worn_by"):
        if isinstance(op.get(key), dict):
            parts.append(f"{key}: {Selection.model_validate(op[key]).describe()}")
    if op.get("add"):
        parts.append(f"add={op['add']}")
    for key in ("remove_count",):
        if op.get(key):
            parts.append(f"{key}={op[key]}")
    if op.get("times", 1) != 1:
        parts.append(f"times={op['times']}")
    for extra in op.get("plus") or []:
        parts.append(f"plus: {Selection.model_validate(extra).describe()}")
    if op.get("requests"):
        parts.append(", ".join(op["requests"]))
    return f"{name}({'; '.join(parts)})"


def _pruned(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: _pruned(v)
            for k, v in data.items()
            if v != []
            and not (k == "add" and v == 0)
            and not (k == "times" and v == 1)
            and not (k == "part" and v == "all")
            and not (k == "room" and v is False)
            and not (k == "body_part" and v is False)
            and not (k in ("count", "every", "choice", "which") and v is False)
        }
    if isinstance(data, list):
        return [_pruned(v) for v in data]
    return data
