"""The rule record and its declarative condition language.

A rule pack is YAML: ``{pack: {...}, concepts: [...], rules: [...]}``. Every key is checked;
unknown keys are errors. Conditions are data, never free text or code:

    condition:
      all:
        - {fact: nodule.type, eq: solid}
        - {fact: nodule.size_mm, gte: 6}
        - {fact: nodule.size_mm, lte: 8}
        - not: {fact: nodule.multiple, eq: true}

A leaf names one fact and one operator from ``OPERATORS``; ``all``, ``any`` and ``not``
combine them. Facts are a flat mapping of dotted names to scalars (see ``FACT_NAMESPACES``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_serializer,
    model_validator,
)

URGENCY_LEVELS: dict[str, str] = {
    "U0": "none",
    "U1": "scheduled follow-up",
    "U2": "urgent (hours)",
    "U3": "emergent",
    "U4": "critical / immediate",
}

# Comparison operators a condition leaf may use, with the number of operands each takes.
OPERATORS: dict[str, str] = {
    "eq": "fact equals the value",
    "ne": "fact differs from the value",
    "gt": "fact > value",
    "gte": "fact >= value",
    "lt": "fact < value",
    "lte": "fact <= value",
    "in": "fact is one of the listed values",
    "not_in": "fact is none of the listed values",
    "exists": "fact is present (true) or absent (false)",
    "contains": "fact (a list or text) contains the value",
}

# The first segment of every fact name; the agent produces facts under these names.
FACT_NAMESPACES: dict[str, str] = {
    "label": "detections per COCO label: label.<name>.count, label.<name>.max_score",
    "fall": "fall.count (persons the fall model sees fallen), fall.persons",
    "zone": "zone.<attribute>.<label>.count, zone.<attribute>.count, zone.exit_route.object.count",
    "unattended": "unattended.count: bags with no person within the configured radius",
    "track": "track.loitering.count, track.unattended_seconds (across frames)",
    "crowd": "crowd.count, crowd.density_per_m2 (only with a calibrated area)",
    "time": "time.hour (0-23), time.is_night",
    "image": "image.modality, image.view, image.body_part, image.is_chest_frontal, image.photometric",
    "quality": "quality.ok, quality.sharpness, quality.exposure, quality.contrast, quality.noise",
    "patient": "patient.age, patient.high_risk, patient.context (incidental|screening|known_cancer|immunosuppressed)",
    "nodule": "nodule.size_mm, nodule.type (solid|ground_glass|part_solid), nodule.multiple, "
    "nodule.solid_part_mm, nodule.new, nodule.baseline, nodule.growth_mm, nodule.perifissural",
    "finding": "finding.<name>.present (bool), finding.<name>.probability, finding.<name>.<measure>",
    "device": "device.ett_tip_to_carina_cm, device.ng_tube_position (stomach|airway|pleura|unknown)",
    "vitals": "vitals.hr, vitals.rr, vitals.spo2",
    "esi": "esi.resources, esi.life_saving_needed, esi.high_risk",
    "birads": "birads.category (0-6, 4A/4B/4C)",
    "lungrads": "lungrads.category",
    "request": "request.face_identification, request.emotion, request.sensitive_attribute (from the question)",
    "scene": "scene.ppe_visible, scene.edge_height_m, scene.calibrated_px_per_m",
}

# The order of urgency levels and indicators, lowest first: the engine ranks fired rules by them.
URGENCY_RANK: dict[str, int] = {level: rank for rank, level in enumerate(URGENCY_LEVELS)}
INDICATOR_RANK: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}

# Concept namespaces the knowledge graph uses for its own nodes; a concept may not take them.
RESERVED_NAMESPACES = ("action", "source", "exclusion", "fact", "evidence", "rule", "code")

_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
_FACT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_CONCEPT = re.compile(r"^[a-z_]+:[a-z0-9_]+$")

Scalar = str | int | float | bool


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Leaf(Strict):
    """One comparison: ``{fact: NAME, OP: VALUE}`` with exactly one operator."""

    model_config = ConfigDict(extra="allow", frozen=True)

    fact: str
    op: str = ""
    value: Scalar | list[Scalar] | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_operator(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"a condition leaf must be a mapping, got {type(data).__name__}")
        if "op" in data:
            return data
        ops = [k for k in data if k != "fact"]
        unknown = [k for k in ops if k not in OPERATORS]
        if unknown:
            raise ValueError(
                f"unknown operator {unknown[0]!r} in condition on {data.get('fact')!r}; "
                f"known operators: {', '.join(OPERATORS)}"
            )
        if len(ops) != 1:
            raise ValueError(f"a condition leaf takes exactly one operator, got {ops or 'none'}")
        op = ops[0]
        return {"fact": data.get("fact"), "op": op, "value": data[op]}

    @model_validator(mode="after")
    def _check(self) -> Leaf:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}; known operators: {', '.join(OPERATORS)}")
        if self.model_extra:
            raise ValueError(f"unexpected keys in condition leaf: {sorted(self.model_extra)}")
        if not _FACT.match(self.fact):
            raise ValueError(f"fact name must be dotted lower-case like 'nodule.size_mm', got {self.fact!r}")
        if self.fact.split(".")[0] not in FACT_NAMESPACES:
            raise ValueError(
                f"fact {self.fact!r} is outside the known namespaces: {', '.join(FACT_NAMESPACES)}"
            )
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"operator {self.op!r} needs a list, got {self.value!r}")
        if self.op in ("gt", "gte", "lt", "lte") and (
            isinstance(self.value, bool) or not isinstance(self.value, int | float)
        ):
            raise ValueError(f"operator {self.op!r} needs a number, got {self.value!r}")
        if self.op == "exists" and not isinstance(self.value, bool):
            raise ValueError(f"operator 'exists' needs true or false, got {self.value!r}")
        if self.op in ("eq", "ne") and (self.value is None or isinstance(self.value, list)):
            raise ValueError(f"operator {self.op!r} needs one value, got {self.value!r}; use 'in' for a list")
        if self.op == "contains" and not isinstance(self.value, str):
            raise ValueError(f"operator 'contains' needs text, got {self.value!r}")
        return self

    @model_serializer(mode="plain")
    def dump(self) -> dict[str, Any]:
        """The leaf as a pack writes it: ``{fact: NAME, OP: VALUE}``."""
        return {"fact": self.fact, self.op: self.value}


class All(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(Strict):
    any: list[Condition] = Field(min_length=1)


class Not(Strict):
    not_: Condition = Field(alias="not")


def _condition_kind(value: Any) -> str:
    """Pick the condition class by its key, so an error names the one shape the author meant."""
    if isinstance(value, dict):
        for key, tag in (("all", "All"), ("any", "AnyOf"), ("not", "Not")):
            if key in value:
                return tag
        return "Leaf"
    if isinstance(value, All | AnyOf | Not):
        return type(value).__name__
    return "Leaf"  # a Leaf, or something that is not a mapping: Leaf says what it expected


Condition = Annotated[
    Annotated[All, Tag("All")]
    | Annotated[AnyOf, Tag("AnyOf")]
    | Annotated[Not, Tag("Not")]
    | Annotated[Leaf, Tag("Leaf")],
    Discriminator(_condition_kind),
]
All.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


def condition_facts(cond: Condition) -> list[str]:
    """Every fact name a condition reads, in order of appearance."""
    if isinstance(cond, Leaf):
        return [cond.fact]
    if isinstance(cond, Not):
        return condition_facts(cond.not_)
    children = cond.all if isinstance(cond, All) else cond.any
    out: list[str] = []
    for child in children:
        out.extend(f for f in condition_facts(child) if f not in out)
    return out


class Guard(Strict):
    """A precondition; when it is false the rule abstains and says ``otherwise``."""

    when: Condition
    otherwise: str = Field(min_length=5, description="The abstention reason shown to the user.")


class Urgency(Strict):
    level: Literal["U0", "U1", "U2", "U3", "U4"]
    native: str = Field(description="The value on the source's own scale, e.g. 'ESI 2', 'Lung-RADS 4A'.")
    scale: str = Field(
        description="Name of the native scale, e.g. 'ESI', 'Fleischner 2017', 'Frigate threat'."
    )


class Source(Strict):
    org: str
    citation: str
    section: str | None = None
    url: str | None = None
    doi: str | None = None

    @model_validator(mode="after")
    def _locatable(self) -> Source:
        if not (self.url or self.doi or self.section):
            raise ValueError("a source needs at least one of url, doi or section so a reader can find it")
        return self


class EvidenceRequirements(Strict):
    min_score: float | None = Field(default=None, ge=0, le=1)
    needs_measurement: list[str] = Field(
        default_factory=list, description="Fact names that must be measured."
    )
    human_review: bool = False


_CODE_SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    "hpo": (re.compile(r"^HP:\d{7}$"), "HP:0002107"),
    "mesh": (re.compile(r"^[CD]\d{6,9}$"), "D011030"),
    "icd10": (re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$"), "J93 or J93.0"),
    "coco": (re.compile(r"^\d{1,2}$"), "1 (the COCO category id)"),
}


class Codes(Strict):
    """Codes in public vocabularies: HPO term ids, MeSH descriptor ids, ICD-10(-CM) codes, COCO category ids."""

    hpo: list[str] = Field(default_factory=list)
    mesh: list[str] = Field(default_factory=list)
    icd10: list[str] = Field(default_factory=list)
    coco: list[str] = Field(default_factory=list)

    @field_validator("hpo", "mesh", "icd10", "coco")
    @classmethod
    def _shape(cls, v: list[str], info: Any) -> list[str]:
        pattern, example = _CODE_SHAPES[info.field_name]
        for code in v:
            if not pattern.match(code):
                raise ValueError(f"{info.field_name} codes look like {example}, got {code!r}")
        return v


def _quoted_version(v: Any) -> Any:
    if not isinstance(v, str):
        raise ValueError(
            f'version must be quoted text like "1.0" (YAML reads 1.10 as the number 1.1), got {v!r}'
        )
    return v


class Rule(Strict):
    id: str
    version: str = Field(pattern=r"^\d+(\.\d+){0,2}$")
    status: Literal["active", "draft", "retired"]
    domain: Literal["medical", "security", "general"]
    title: str = Field(min_length=5)
    applies_to: list[Guard] = Field(default_factory=list)
    trigger: list[str] = Field(min_length=1, description="Concept ids that wake the rule, e.g. 'coco:knife'.")
    condition: Condition
    conclusion: str = Field(min_length=5)
    action: str = Field(min_length=3)
    urgency: Urgency
    indicator: Literal["info", "warning", "critical"]
    evidence: EvidenceRequirements = Field(default_factory=EvidenceRequirements)
    source: Source
    codes: Codes = Field(default_factory=Codes)
    retrieval_text: str = Field(min_length=20)
    verification: Literal["V", "S", "I"]
    supersedes: list[str] = Field(default_factory=list)

    _version = field_validator("version", mode="before")(_quoted_version)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(
                f"rule id must look like 'MED-FLEISCHNER-01' (upper case, dash-separated), got {v!r}"
            )
        return v

    @field_validator("trigger")
    @classmethod
    def _concept_ids(cls, v: list[str]) -> list[str]:
        for c in v:
            if not _CONCEPT.match(c):
                raise ValueError(
                    f"trigger concept ids look like 'coco:knife' or 'finding:pneumothorax', got {c!r}"
                )
        return v

    @model_validator(mode="after")
    def _unverified_stays_draft(self) -> Rule:
        if self.verification == "I" and self.status == "active":
            raise ValueError(f"rule {self.id}: a fact graded [I] is unverified, so the rule must stay draft")
        return self


class Concept(Strict):
    """A thing rules talk about: a COCO label, a finding, a context, a zone type, a modality."""

    id: str
    name: str
    kind: Literal["coco_label", "finding", "context", "zone_type", "modality", "view", "event", "request"]
    is_a: list[str] = Field(default_factory=list, description="Parent concept ids.")
    codes: Codes = Field(default_factory=Codes)
    synonyms: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _concept_id(cls, v: str) -> str:
        if not _CONCEPT.match(v):
            raise ValueError(f"concept ids look like 'coco:knife' or 'finding:pneumothorax', got {v!r}")
        if v.split(":")[0] in RESERVED_NAMESPACES:
            raise ValueError(
                f"concept namespace {v.split(':')[0]!r} is reserved for graph nodes ({', '.join(RESERVED_NAMESPACES)})"
            )
        return v

    @field_validator("is_a")
    @classmethod
    def _parent_ids(cls, v: list[str]) -> list[str]:
        for parent in v:
            if not _CONCEPT.match(parent):
                raise ValueError(f"is_a parents are concept ids like 'finding:pneumothorax', got {parent!r}")
        return v


class PackInfo(Strict):
    name: str = Field(min_length=1)
    version: str
    domain: Literal["medical", "security", "general"]
    description: str = ""

    _version = field_validator("version", mode="before")(_quoted_version)


class RulePack(Strict):
    pack: PackInfo
    concepts: list[Concept] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
