"""English questions into typed programs: the built-in planner's understanding of a question.

Forms are tried from the most specific to the most general: refusals first (what must never be
answered), then rule look-ups, triage and assessment, then the forms about the image itself (the kind
of scan, quality, text, description, arithmetic, comparison, relations, attributes, identification,
counting, presence, negation). Each form reads the question's mentions (``mentions.find_mentions``),
so "the two red circles on the left" means the same thing in every form. What no form reads falls to
the sentence-embedding model's nearest example, and below its floor to "unanswerable".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from argus.agent.core import program as p
from argus.agent.core.answer import Domain
from argus.agent.core.lexicon import AUX_WORDS, COLOUR_WORDS, SHAPES, SIZE_WORDS, SOLIDS, YES_NO_START
from argus.agent.planner import slots as slot_parser
from argus.agent.planner.looks import garment_colour, part_colour, text_colour
from argus.agent.planner.mentions import Mention, find_mentions, unknown_noun
from argus.agent.planner.normalize import normalize
from argus.agent.planner.phrasing import plain
from argus.agent.planner.poses import pose
from argus.tools.words import number_value, singular

RELATION_WORDS: tuple[tuple[str, p.RelationKind], ...] = (
    ("to the left of", "left_of"), ("on the left of", "left_of"), ("left of", "left_of"),
    ("to the right of", "right_of"), ("on the right of", "right_of"), ("right of", "right_of"),
    ("in front of", "in_front_of"), ("behind", "behind"), ("in back of", "behind"),
    ("on top of", "on"), ("on", "on"), ("atop", "on"), ("resting on", "on"), ("sitting on", "on"),
    ("standing on", "on"), ("lying on", "on"),
    ("above", "above"), ("over", "above"), ("higher than", "above"),
    ("below", "below"), ("under", "below"), ("underneath", "below"), ("beneath", "below"), ("lower than", "below"),
    ("next to", "near"), ("near", "near"), ("close to", "near"), ("closest to", "near"), ("nearest to", "near"),
    ("nearest", "near"), ("closest", "near"), ("beside", "near"), ("by", "near"),
    ("alongside", "near"), ("adjacent to", "near"), ("nearby", "near"), ("around", "near"),
    ("inside", "inside"), ("in", "inside"), ("within", "inside"), ("overlapping", "overlapping"),
    ("bigger than", "larger_than"), ("larger than", "larger_than"), ("smaller than", "smaller_than"),
    ("taller than", "taller_than"), ("wider than", "wider_than"),
    ("lower down than", "below"), ("further down than", "below"), ("higher up than", "above"),
    ("further up than", "above"), ("further left than", "left_of"), ("farther left than", "left_of"),
    ("more to the left than", "left_of"), ("further right than", "right_of"), ("farther right than", "right_of"),
    ("more to the right than", "right_of"), ("closer to the camera than", "in_front_of"),
    ("nearer to the camera than", "in_front_of"), ("nearer the camera than", "in_front_of"),
    ("further from the camera than", "behind"), ("farther from the camera than", "behind"),
    ("further back than", "behind"), ("farther back than", "behind"), ("directly beside", "near"),
    ("right next to", "near"), ("directly next to", "near"), ("to the side of", "near"),
    ("directly above", "above"), ("directly below", "below"), ("directly under", "below"),
    ("in the middle of", "inside"), ("enclosed by", "inside"), ("surrounded by", "inside"),
    ("to the left of", "left_of"), ("to the right of", "right_of"), ("left from", "left_of"), ("right from", "right_of"),
)  # fmt: skip
_RELATION = "|".join(re.escape(w) for w, _ in sorted(RELATION_WORDS, key=lambda x: -len(x[0])))
RELATIONS = dict(RELATION_WORDS)

IMAGE = r"(?:image|picture|photo|photograph|pic|scene|frame|shot|scan)"

# The kinds of image a question may name, longest phrase first, and the kind each one means.
MODALITY_NAMES = {
    "computed tomography": "CT", "cat scan": "CT", "ct scan": "CT", "ct slice": "CT", "ct": "CT",
    "magnetic resonance": "MRI", "mri scan": "MRI", "mr scan": "MRI", "mri": "MRI", "mr": "MRI",
    "x ray": "X-ray", "xray": "X-ray", "x-ray": "X-ray", "radiograph": "X-ray", "plain film": "X-ray",
    "ultrasound": "ultrasound", "sonogram": "ultrasound", "sonography": "ultrasound", "echo": "ultrasound",
    "eye fundus": "fundus photograph", "fundus": "fundus photograph", "retinal": "fundus photograph",
    "retina": "fundus photograph", "eye": "fundus photograph",
    "microscopy": "microscopy", "microscope": "microscopy", "micrograph": "microscopy",
    "histology": "microscopy", "slide": "microscopy", "microscopic": "microscopy",
    "mammogram": "mammogram", "pet": "PET",
    "medical scan": "medical", "medical image": "medical", "scan": "medical", "medical": "medical",
    "photograph": "photo", "photo": "photo", "snapshot": "photo",
    "drawing": "drawing", "illustration": "illustration", "cartoon": "cartoon", "sketch": "sketch",
    "painting": "painting", "clip art": "clip art", "clipart": "clip art", "silhouette": "silhouette",
    "graphic": "graphic", "diagram": "diagram", "chart": "chart", "document": "document",
}  # fmt: skip
_MODALITY = "|".join(re.escape(w) for w in sorted(MODALITY_NAMES, key=len, reverse=True))


@dataclass
class Parse:
    """What the parser read: the program, its domain, and the question's particulars."""

    program: p.Program
    domain: Domain
    slots: slot_parser.Slots
    text: str  # the normalised question
    by: str = "grammar"  # which form matched, or "embedding" / "none"
    notes: list[str] = field(default_factory=list)

    @property
    def op(self) -> str:
        return self.program.root.op


def parse(
    question: str,
    *,
    zone_names: list[str] | None = None,
    image: dict[str, Any] | None = None,
    explicit_domain: str | None = None,
    previous: p.Program | None = None,
) -> Parse:
    """The program for ``question``; ``previous`` resolves 'them'/'it' in a follow-up."""
    slots = slot_parser.parse(question, zone_names)
    text = plain(normalize(question))
    tokens = text.split()
    op, by = _read(question, text, tokens, slots, zone_names or [], image or {}, previous)
    program = p.Program(root=op)
    domain = domain_for(explicit_domain, slots, program.root, image or {})
    return Parse(program=program, domain=domain, slots=slots, text=text, by=by)


def _read(
    question: str,
    text: str,
    tokens: list[str],
    slots: slot_parser.Slots,
    zone_names: list[str],
    image: dict[str, Any],
    previous: p.Program | None,
) -> tuple[Any, str]:
    asked = [k for k, v in slots.requests.items() if v]
    if asked:
        return p.Refuse.model_validate({"requests": asked}), "refusal"
    positive = _rhetorical(text)
    if positive is not None:  # "isn't the horse black?" asks whether it is
        text, tokens = positive, positive.split()
    mentions = find_mentions(tokens, zone_names)
    mentions = _resolve_pronouns(text, mentions, previous)
    for name, form in FORMS:
        op = form(text, tokens, mentions, slots, image)
        if op is not None:
            return op, name
    return _fallback(question, text, tokens, mentions, slots, image)


# --------------------------------------------------------------------------- forms
# Guidelines asked about by name: "Fleischner guidance for a 7 mm nodule?", "Lung-RADS category for ...?".
GUIDELINES = r"(?:fleischner|lung[- ]?rads|bi[- ]?rads|li[- ]?rads|ti[- ]?rads|osha|acr|esi|manchester)"


def _rules(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    if re.search(
        rf"\b({GUIDELINES}|guideline|guidelines|rule|rules|policy|regulation|recommend\w*|protocol|standard)\b",
        text,
    ) and re.search(
        r"\b(what|which|how|should|does|do|according|say|says|recommend\w*|require\w*|follow)\b", text
    ):
        domain: Literal["medical", "security"] | None = (
            "medical" if slots.medical_words >= slots.security_words and slots.medical_words else None
        )
        if domain is None and slots.security_words:
            domain = "security"
        return p.Rules(query=text[:500], domain=domain)
    if re.search(
        rf"^(?:the |what )?{GUIDELINES}(?: \w+){{0,2}} (?:for|on|about|regarding|of|in)\b"
        r"|^(?:the |any )?(?:\w+ )?(?:rules?|guidelines?|regulations?|requirements?|policy|policies|protocols?|"
        r"recommendations?|standards?) (?:for|on|about|regarding|covering|concerning|around)\b",
        text,
    ):  # "rules for blocked exit routes?", "osha rules on hard hats?"
        domain = (
            "medical"
            if slots.medical_words > slots.security_words
            else "security"
            if slots.security_words
            else None
        )
        return p.Rules(query=text[:500], domain=domain)
    if (
        slots.stated
        and not image.get("format")
        and re.search(r"\b(what|how|should|which)\b.*\b(follow|next|do|management|recommend\w*)", text)
    ):
        return p.Rules(query=text[:500], domain="medical")
    return None


ORGANS = r"(?:lung|pulmonary|brain|liver|kidney|renal|breast|bone|retinal|cardiac|heart|chest|skin|thyroid)"
MEDICAL_FINDINGS = (
    r"(diabetic retinopathy|retinopathy|macular degeneration|glaucoma|cataract|microaneurysms?|exudates?|"
    r"haemorrhages?|hemorrhages?|bleed(?:ing)?|pneumonia|pneumothorax|pleural effusion|effusion|nodules?|masses|mass|"
    r"tumou?rs?|cancer|malignancy|fractures?|broken bone|cardiomegaly|enlarged heart|o?edema|consolidation|"
    r"atelectasis|lesions?|infection|disease|stroke|aneurysm|opacit(?:y|ies)|calcifications?|"
    r"emphysema|fibrosis|covid|tuberculosis|cyst|cysts|polyp|polyps|metastas[ie]s)"
)


def _finding(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    """'Is there any sign of diabetic retinopathy?', 'Does the patient have pneumonia?'."""
    match = re.search(
        rf"\b(?:signs?|evidence|indications?|presence|suggestion|features?|findings?) (?:of|for|suggesting|consistent with) "
        rf"(?:a |an |any )?{MEDICAL_FINDINGS}\b"
        rf"|^(?:is|are) there (?:a |an |any )?(?:{ORGANS} )?{MEDICAL_FINDINGS}\b"
        rf"|\b(?:have|has|show|shows|showing|with|detect|see) (?:a |an |any )?{MEDICAL_FINDINGS}\b"
        rf"|^(?:any) {MEDICAL_FINDINGS}\b",
        text,
    )
    if match:
        finding = next(g for g in match.groups() if g)
        return p.Triage(finding=finding)
    return None


SCAN_WORDS = r"(?:scan|study|x[- ]?ray|radiograph|film|mri|ct|ultrasound|mammogram|slice)"


def _triage(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    if re.search(
        r"\b(triage|urgent|urgently|urgency|critical finding|critical findings|emergency|priority|prioriti[sz]e|"
        r"need(?:s)? (?:to be )?(?:review|reviewed|read)|radiologist|clinician|follow up|follow-up|"
        r"abnormal\w*|normal study|is (?:the|this) (?:scan|study|x[- ]?ray|radiograph|film|image|mri|ct) normal|any findings?|"
        rf"(?:the|this) {SCAN_WORDS} (?:\w+ ){{0,2}}?(?:look|looks|seem|seems|appear|appears) (?:normal|healthy|fine|ok|okay)|"
        rf"(?:everything|all) (?:normal|ok|okay|fine|alright|all right) (?:on|in|with) (?:the|this) {SCAN_WORDS}|"
        r"(?:anything|something) wrong|"
        r"pathology|diagnos\w*|nodule|pneumothorax|effusion|fracture)\b",
        text,
    ):
        return p.Triage(asked=_triage_asked(text))
    if str(image.get("format", "")).upper() == "DICOM" and re.search(
        r"\b(?:normal|healthy|fine|ok|okay|unremarkable)\b", text
    ):
        return p.Triage(asked=_triage_asked(text))  # "is this normal?" of a scan
    return None


def _triage_asked(text: str) -> Literal["urgent", "normal", "abnormal"] | None:
    """What a yes/no triage question asks: 'is this scan urgent?', 'is it normal?', 'anything abnormal?'."""
    if not (YES_NO_START.match(text) or re.match(r"^any\b", text)):
        return None
    if re.search(r"\b(?:urgent\w*|emergency|critical|priority|prioriti[sz]ed?|immediate\w*|asap)\b", text):
        return "urgent"
    if re.search(r"\b(?:abnormal\w*|wrong|pathology|findings?|problems?|concerning|worrying)\b", text):
        return "abnormal"
    if re.search(r"\b(?:normal|healthy|fine|ok|okay|clear|unremarkable)\b", text):
        return "normal"
    return None


# A yes/no security question about one kind of incident, and the words for it.
INCIDENT_KINDS: tuple[tuple[str, str], ...] = (
    (r"\b(?:unattended|abandoned|left behind|left alone|ownerless)\b", "unattended"),
    (r"\bloiter\w*|\bhanging around\b|\blurking\b", "loitering"),
    (r"\b(?:weapons?|guns?|firearms?|knife|knives|armed)\b", "weapon"),
    (r"\b(?:crowd\w*|overcrowd\w*|too many people|crush)\b", "crowd"),
    (r"\b(?:intrusion|intruders?|trespass\w*|break ?in|broken in)\b", "intrusion"),
)


def _assess(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    if re.search(
        r"\b(threat|threats|threatening|security|secure|safe|safety|danger|dangerous|hazard|hazards|alert|alerts|"
        r"alarm|intrusion|intruder|intruders|trespass\w*|break ?in|suspicious|loiter\w*|unattended|abandoned|"
        r"left behind|exit (?:route|routes|path|door)s? (?:clear|blocked|obstructed)|blocked|obstructed|"
        r"exits? (?:\w+ ){0,2}?(?:clear|free|open|accessible|passable)|"
        r"assess|evaluate the scene|incident|emergency exit)\b",
        text,
    ) and not re.search(r"\bhow many\b", text):
        if not (YES_NO_START.match(text) or re.match(r"^any\b", text)):
            return p.Assess()
        # a yes/no question answers "Yes" when the scene calls for an alert, or when it is safe; an exit
        # asked about is judged by the exit rules alone
        safe = bool(re.search(r"\b(?:safe|secure|clear|free|normal|ok|okay|fine|all right|alright)\b", text))
        safe = safe and not re.search(r"\bunsafe\b", text)
        if re.search(r"\bexits?\b|\bexit (?:route|path|door)s?\b|\bescape route", text):
            return p.Assess(asked="exit_clear" if safe else "exit_blocked")
        for pattern, kind in INCIDENT_KINDS:
            if re.search(pattern, text):  # "any unattended bags?": that kind's rules alone
                return p.Assess(asked=kind)  # type: ignore[arg-type]
        return p.Assess(asked="safe" if safe else "alert")
    return None


# What may follow the kind in "is this a CT ...?" while it still asks the kind: "is this a CT scan", "is
# this an X-ray taken in a hospital"; "is this scan urgent?" asks something else of the scan.
KIND_TAIL = (
    r"(?:scan|image|picture|photo|photograph|film|study|exam|examination|radiograph|shot|slice|slide|section|view|series|"
    r"(?:taken|made|captured|acquired|done) (?:with|by|using|through|under|on|at|in|from) (?:an?|the|this)|"
    r"from|with|or|and|rather|instead|too|really|then|though)"
)


BODY_PART_ASKED = re.compile(
    r"\b(?:what|which)(?: kind of| type of)? (?:organs?|body parts?|body regions?|body areas?|anatomy|anatomical "
    r"(?:region|site|structure|area|part)s?|(?:part|region|area|portion|section) of the (?:body|anatomy))\b"
    r"|\bwhat (?:is|was|are|were) (?:being )?(?:imaged?|scanned|x-?rayed)\b"
)


def _body_part(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'Which organ is shown?', 'what part of the body was scanned?': the body part, not the kind of scan."""
    return p.Modality(body_part=True) if BODY_PART_ASKED.search(text) else None


def _modality(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    if re.search(
        rf"\b(what|which) (?:kind|type|sort|form) of (?:scan|{IMAGE}|imaging|medical image|study|exam|examination)\b"
        rf"|\b(?:what|which) (?:imaging )?(?:modality|modalities|exam|examination|study|imaging)\b|\bmodality\b"
        rf"|\bhow was (?:this|it|the {IMAGE}) (?:taken|acquired|made|captured|imaged)\b"
        rf"|\bwhat (?:is|was) (?:this|the) (?:scan|study)\b|\bwhat scan\b|\bwhat imaging\b",
        text,
    ):
        return p.Modality()
    this = rf"(?:(?:this|the|that) (?:{IMAGE}|image|study|exam|examination|slide)|this|it|that)"
    kinds = rf"(?:an? |the )?(?:plain |regular |normal |ordinary |everyday |ordinary |real |medical |eye )?({_MODALITY})"
    negated = re.search(
        rf"^(?:is|was) {this} not {kinds}\b"
        rf"|^(?:is it (?:true|correct|the case) that )?{this} (?:is )?not {kinds}\b"
        rf"|^is it (?:true|correct|the case) that {this} is not {kinds}\b",
        text,
    )
    if negated:
        word = next(g for g in negated.groups() if g)
        return p.Not(inner=p.Modality(expected=MODALITY_NAMES[word]))
    one = kinds.replace(f"({_MODALITY})", f"(?:{_MODALITY})") + r"(?: \w+)?"
    offered = re.search(
        rf"^(?:(?:is|was) {this} )?((?:{one},? )*{one}),? or ({one}|(?:something|anything) (?:else|other)|other)$",
        text,
    )
    if offered:  # "CT or MRI?", "is this a scan or a regular photo?", "a CT, an MRI or something else?"
        names = list(
            dict.fromkeys(MODALITY_NAMES[w] for w in re.findall(rf"\b({_MODALITY})\b", offered.group(0)))
        )
        if len(names) > 2 and "medical" in names:
            names.remove("medical")  # "an MR scan or a CT scan": "scan" names no kind of its own
        open_ended = re.search(r"\b(?:else|other)$", offered.group(2))
        return p.Modality() if open_ended or len(names) < 2 else p.Modality(choices=names[:6])
    asked = re.search(
        rf"^(?:is|was) {this} {kinds}(?:$| (?={KIND_TAIL}\b))"
        rf"|^(?:is|was) {this} (?:an? )?(?:picture|photo|image|view|scan) of (?:the |an? )?({_MODALITY})\b"
        rf"|^(?:is|was|did) {this} (?:come )?from (?:an? |the )?({_MODALITY})\b"
        rf"|^(?:is|was) {this} (?:taken|made|captured|acquired|imaged|done|seen|viewed|recorded) "
        rf"(?:with|by|using|through|under|on|from) (?:an? |the )?({_MODALITY})\b",
        text,
    )
    if asked:
        word = next(g for g in asked.groups() if g)
        expected = MODALITY_NAMES[word]
        if expected == "photo" and re.search(r"\b(?:picture|photo|image) of\b", text):
            return None  # "is this a picture of a cat?" asks about what it shows
        return p.Modality(expected=expected)
    return None


INDOORS = r"(?:indoors|indoor|inside|in a building|in a room|in a house|in someone's home|at home)"
OUTDOORS = r"(?:outdoors|outdoor|outside|out of doors|in the open(?: air)?|open air)"
_PICTURE = rf"(?:this|it|that|the {IMAGE}|this {IMAGE}|that {IMAGE}|the image|this image|we|you)"


SUNNY = r"(?:sunny|sunshine|sun shining|clear|bright and sunny|fine|nice|good)"
CLOUDY = r"(?:cloudy|overcast|grey|gray|dull|gloomy)"


def _weather(text: str) -> Any:
    """'Is it sunny?', 'does it look like a sunny day?', 'is the sky overcast?', 'what's the weather
    like?': sunny or cloudy, from the open sky."""
    if re.search(
        r"^(?:what|how) (?:is|was) the weather(?: like)?(?: (?:in|on) (?:the|this) (?:picture|photo|image|scene))?$"
        r"|^what (?:kind|sort) of weather (?:is it|is there|is shown|does it show|is this)\b",
        text,
    ):
        return p.Scene(choices=["sunny", "cloudy"])
    day = r"(?: (?:a |an )?(?:day|weather|morning|afternoon|sky))?"
    pattern = (
        r"^(?:is|was|does|did) (?:it|the weather|the day|the sky)(?: (?:look|seem)s?)?"
        rf"(?: (?:like|to be))?(?: (?:a|an))? ({SUNNY}|{CLOUDY})(?: or ({SUNNY}|{CLOUDY}))?{day}"
        r"(?: (?:in|on) (?:the|this) (?:picture|photo|image))?$"
    )
    asked = re.search(pattern, text)
    if asked is None:
        return None
    first = "sunny" if re.fullmatch(SUNNY, asked.group(1)) else "cloudy"
    vague = {asked.group(1), asked.group(2)} & {"clear", "nice", "good", "fine", "grey", "gray", "dull"}
    if vague and not re.search(r"\b(?:weather|day|sky|morning|afternoon)\b", text):
        return None  # "is it clear?", "is it nice?" ask something else than the weather
    if asked.group(2):
        second = "sunny" if re.fullmatch(SUNNY, asked.group(2)) else "cloudy"
        if second != first:
            return p.Scene(choices=[first, second])  # type: ignore[list-item]
    return p.Scene(expected=first)  # type: ignore[arg-type]


def _scene(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    """'Is this indoors or outdoors?', 'Was the photo taken outside?', 'What room is this?', 'Where was
    this taken?': the setting of the picture, not of a thing in it."""
    weather = _weather(text)
    if weather is not None:
        return weather
    taken = r"(?:(?:taken|shot|photographed|filmed|made|captured) )?"
    where = rf"(?:(?:is|was|are|were) {_PICTURE} {taken}|{_PICTURE} (?:is|was) {taken})"
    both = re.search(rf"^{where}?({INDOORS}|{OUTDOORS}) or ({INDOORS}|{OUTDOORS})$", text)
    if both:
        first, second = (
            "indoors" if re.fullmatch(INDOORS, g) else "outdoors" for g in (both.group(1), both.group(2))
        )
        if first != second:
            return p.Scene(choices=[first, second])  # type: ignore[list-item]
    # "are these men indoors?": where the things in it are is where the picture was taken
    subject = rf"(?:{_PICTURE}|he|she|they|(?:the|these|those|this|that) \w+(?: \w+)?)"
    asked = re.search(rf"^(?:(?:is|was|are|were) {subject} {taken})({INDOORS}|{OUTDOORS})$", text)
    if asked:
        return p.Scene(expected="indoors" if re.fullmatch(INDOORS, asked.group(1)) else "outdoors")
    area = _area_asked(text)
    if area is not None:
        return area
    time = _time_asked(text)
    if time is not None:
        return time
    if re.search(
        r"^(?:what|which) (?:kind of |type of |sort of )?room\b|\bwhich room of the (?:house|home)\b"
        r"|\bwhat room (?:is|was|are)\b|\bin what room\b",
        text,
    ):
        return p.Scene(room=True)
    if re.search(
        rf"^where (?:was|is|were|are) {_PICTURE} (?:taken|shot|photographed|filmed)\b"
        rf"|^where (?:is|was) this$|^where are (?:we|they)$"
        rf"|^what (?:kind of |type of |sort of )?(?:place|location|setting|environment) (?:is|was) (?:this|it|shown|pictured)\b"
        rf"|^what is the (?:setting|location|place|environment)\b|^where (?:is|was) (?:this|the) (?:scene|{IMAGE})\b",
        text,
    ):
        return p.Scene()
    return None


CITY = r"(?:(?:a |the |in a |in the )?(?:city|town|urban(?: area| setting)?|downtown))"
COUNTRY = r"(?:(?:a |the |in a |in the )?(?:countryside|country|rural(?: area| setting)?|village|farm|wilderness|nature))"
DAY = r"(?:(?:the )?day ?time|day|(?:during |in )?the day|daylight|morning|afternoon|midday|noon)"
NIGHT = r"(?:(?:the )?night ?time|night|the night|at night|evening|dusk|late at night|dark outside|dark out)"


def _area_asked(text: str) -> p.Scene | None:
    """'Is this a city or the countryside?', 'Is this in a town?', 'Was it taken in a rural area?'."""
    lead = (
        rf"^(?:is|was|are|were) (?:{_PICTURE}|he|she|they|(?:the|this|that) \w+) (?:(?:taken|shot|located) )?"
    )
    both = re.search(rf"{lead}(?:in )?({CITY}|{COUNTRY}) or ({CITY}|{COUNTRY})$", text)
    if both:
        first, second = ("city" if re.fullmatch(CITY, g) else "countryside" for g in both.groups())
        if first != second:
            return p.Scene(choices=[first, second])  # type: ignore[list-item]
    one = re.search(rf"{lead}(?:in )?({CITY}|{COUNTRY})$", text)
    if one:
        return p.Scene(expected="city" if re.fullmatch(CITY, one.group(1)) else "countryside")
    if re.search(
        r"^(?:what|which) (?:kind of |type of )?(?:area|environment) is (?:this|it)\b.*\b(?:city|urban|rural)",
        text,
    ):
        return p.Scene(choices=["city", "countryside"])
    return None


def _time_asked(text: str) -> p.Scene | None:
    """'Is it daytime?', 'Is it day or night?', 'Was this taken at night?', 'Is it dark outside?',
    'What time of day is it?' (not 'what time is it?': that reads a clock)."""
    lead = rf"^(?:is|was) (?:it|this|{_PICTURE}) (?:(?:taken|shot|photographed) )?(?:during |at |in )?"
    both = re.search(rf"(?:{lead}|^)({DAY}|{NIGHT}) or ({DAY}|{NIGHT})(?: in (?:the|this) {IMAGE})?$", text)
    if both:
        first, second = ("day" if re.fullmatch(DAY, g) else "night" for g in both.groups())
        if first != second:
            return p.Scene(choices=[first, second])  # type: ignore[list-item]
    one = re.search(
        rf"{lead}(?:an? )?({DAY}|{NIGHT})(?: (?:shot|photo|photograph|picture|image|scene))?(?: in (?:the|this) {IMAGE})?$",
        text,
    )
    if one:
        return p.Scene(expected="day" if re.fullmatch(DAY, one.group(1)) else "night")
    if re.search(r"^what time of (?:the )?day\b|^(?:is|was) it (?:light|bright) (?:outside|out)$", text):
        return p.Scene(choices=["day", "night"]) if text.startswith("what") else p.Scene(expected="day")
    return None


def _quality(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    aspects: tuple[tuple[str, p.QualityAspect], ...] = (
        (r"\b(blurr?y|blurred|blur|out of focus|unfocused|fuzzy|not sharp|smudged)\b", "blurry"),
        (
            rf"\b(sharp|in focus|focused|focus|crisp|clear enough|sharpness)\b|\b(?:{IMAGE}|image|it|this) (?:looks? )?clear$",
            "sharp",
        ),
        (
            r"\b(too dark|dark|underexposed|under exposed|dim|too low|not enough light|poorly lit|badly lit|too little light)\b",
            "dark",
        ),
        (r"\b(too bright|bright|overexposed|over exposed|washed out|blown out|too much light)\b", "bright"),
        (r"\b(exposure|exposed|brightness|lighting|enough light|well lit|lit)\b", "exposure"),
        (r"\b(noisy|noise|grainy|grain)\b", "noise"),
        (r"\b(contrast)\b", "contrast"),
        (
            r"\b(good enough (?:for|to) (?:triage|diagnos\w*|read|reading)|usable for triage|diagnostic quality)\b",
            "triage",
        ),
        (r"\b(quality|good enough|usable|acceptable|decent|good image|readable)\b", "overall"),
    )
    if any(m.selection.label not in (None, "object") for m in mentions if m.known) and not re.search(
        rf"\b(the|this) {IMAGE}\b|\bquality\b", text
    ):
        return None
    if re.search(
        r"\b(?:retake|re-take|reshoot|redo|take (?:it|this|that|the)(?: \w+)? again|new (?:photo|picture|image|scan))\b",
        text,
    ):
        return p.Not(inner=p.Quality(aspect="overall"))  # "should I retake this picture?"
    if re.search(
        r"\btoo (?:poor|bad|low|blurry|dark|bright) (?:to|for)\b|\b(?:unusable|unreadable|useless|poor quality|bad quality|low quality)\b",
        text,
    ):
        return p.Not(inner=p.Quality(aspect="overall"))  # "is the photo too poor to use?"
    if re.search(r"\b(?:bright|light|lit) enough\b", text):
        return p.Not(inner=p.Quality(aspect="dark"))  # "is the photo bright enough?": not too dark
    sharp, blurry = (
        r"(?:sharp|in focus|focused|crisp|clear)",
        r"(?:blurr?y|blurred|out of focus|unfocused|fuzzy)",
    )
    if re.search(r"\bbackground\b", text) and re.search(rf"\b(?:{sharp}|{blurry}|blur|bokeh|focus)\b", text):
        # "is the background blurred?", "does the photo have a blurry background?"
        asks_sharp = re.search(rf"\b{sharp}\b", text) and not re.search(
            rf"\b{blurry}\b|\bnot (?:in focus|sharp)", text
        )
        return p.Quality(aspect="sharp" if asks_sharp else "blurry", region="background")
    if YES_NO_START.match(text) and re.search(rf"\b{sharp} or {blurry}\b|\b{blurry} or {sharp}\b", text):
        return p.Quality(aspect="sharp", choice=True)  # "is the photo sharp or blurry?"
    if YES_NO_START.match(text) and re.search(
        r"\b(?:dark or (?:bright|light)|(?:bright|light) or dark)\b", text
    ):
        return p.Quality(aspect="dark", choice=True)  # "is the picture dark or bright?"
    medical = bool(slots.medical_words or slots.stated or str(image.get("format", "")).upper() == "DICOM")
    if (
        YES_NO_START.match(text)
        and re.search(
            r"\b(?:problems?|issues?|defects?|flaws?|artefacts?|artifacts?)\b|\b(?:anything|something) wrong\b",
            text,
        )
        # "is anything wrong with this scan?" asks about the patient, unless it names the picture's faults
        and not (medical and not re.search(r"\b(?:quality|artefacts?|artifacts?|defects?|blur\w*)\b", text))
    ):
        return p.Not(inner=p.Quality(aspect="overall"))  # "does this photo have any quality problems?"
    # "is it clear rather than blurry?" asks the first aspect; what follows is the alternative
    text = re.sub(r"\s+(?:rather than|instead of|and not|but not|as opposed to)\b.*$", "", text)
    for pattern, aspect in aspects:
        match = re.search(pattern, text)
        if match:
            if aspect == "dark" and re.search(
                r"\bdark (?:colou?r|red|blue|green|brown|grey|gray|hair)\b", text
            ):
                continue
            # "is it true that the photo is not well exposed?": whether it is not
            if not match.group(0).startswith("not ") and re.search(
                r"\b(?:not|never)(?: (?:well|properly|too|very|quite|enough|adequately|correctly))?\s*$",
                text[: match.start()],
            ):
                return p.Not(inner=p.Quality(aspect=aspect))
            return p.Quality(aspect=aspect)
    return None


BODY_TEXT = (
    r"\b(?:paragraph|body(?: text)?|main text|(?:under|below|beneath|after) the (?:heading|title|headline))\b"
)


def _text(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    nth = re.search(
        r"\b(?:what|which|read)\b.*\bthe (first|second|third|fourth|fifth|last|final) (?:word|words)\b", text
    )
    if nth and not nth.group(0).endswith("words"):
        position = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1, "final": -1}
        body = re.search(BODY_TEXT, text)
        return p.ReadText(word=position[nth.group(1)], part="body" if body else "all")  # "the first word?"
    if (
        re.search(r"\b(title|titled|heading|headline|header)\b", text)
        and re.search(r"\b(what|which|read|tell|give)\b", text)
        or re.search(
            rf"^what (?:is|was) (?:the |this )?{TEXTUAL} (?:called|named|titled)\b"
            rf"|^what(?: is|'s) the name of (?:the |this )?(?:document|page|paper|book|article|report|poster|form|sheet)\b"
            r"|\b(?:first|top|opening) line\b|\bwritten (?:at|across) the top\b|\bat the top of the (?:page|document|sheet)\b",
            text,
        )
    ):
        return p.Title()
    if CODE_ASKED.search(text):  # "what is the code on the label?": the code is what is written there
        return p.ReadText()
    query = _mention_query(text)
    if query:
        return p.TextContains(query=query)
    if re.search(
        r"\b(what (?:does|do) (?:it|the \w+|this|that|they) (?:say|read|state)|what is written|what (?:is|are) the words?"
        r"|read (?:the |out )?(?:text|sign|words|label|page|writing|caption|it|this|me)|transcribe|what text|"
        r"what (?:label|text|word|words|name|number|letters?) (?:is|are) (?:printed|written|shown|visible|on)|"
        r"what does (?:the )?(?:text|sign|label|writing|page|caption|note|card|poster) (?:say|read)|words (?:on|in)|"
        r"what (?:is|are) (?:written|printed)|any text|is there (?:any )?(?:text|writing)|can you read|ocr|"
        r"(?:what|which) (?:words?|text|letters|message|numbers?|digits) (?:can|do|could) you (?:make out|see|read|spot)|"
        r"(?:what|which) (?:destination|route|brand(?: name)?|name|slogan|label|caption|headline|word|words|title) "
        r"(?:is|are) (?:shown|written|printed|displayed|painted|visible)|"
        r"what (?:do|does) the (?:\w+ )?(?:letters|words|characters|text|writing|sign|label) (?:spell|say|read)|"
        rf"what (?:message|words?|text|writing|numbers?) (?:is|are) (?:on|in|written|printed|shown|displayed)|"
        rf"read (?:out |aloud )?(?:the |this |that |what the )?(?:\w+ )?{TEXTUAL}|what (?:is|does) (?:the |this )?{TEXTUAL} (?:say|read)s?|"
        rf"what (?:does|do) (?:the )?(?:\w+ )?{TEXTUAL} (?:on|in|at|along|across|under|above) .+ (?:say|read|spell)$|"
        r"^(?:what|which) (?:is|are) the (?:brand|brand name|make|slogan|wording|lettering|inscription)s?\b|^what brand\b)\b",
        text,
    ):
        if re.search(r"^(?:is|are) there (?:any )?(?:text|writing|words)\b", text):
            return p.Exists(target=p.Selection(label="text"))
        if re.search(
            r"\b(?:big|large|largest|biggest|huge|giant|bold|capital) (?:letters|text|print|type|writing|words)\b",
            text,
        ):
            return p.ReadText(part="largest")
        place = re.search(
            r"\b(?:at|along|across|near) the (top|bottom)\b|\b(under|below|beneath|above|over) the (?:image|picture|photo|scan)\b",
            text,
        )
        if place:
            word = place.group(1) or place.group(2)
            return p.ReadText(part="top" if word in ("top", "above", "over") else "bottom")
        return p.ReadText(part="body" if re.search(BODY_TEXT, text) else "all")
    return None


CODE_ASKED = re.compile(
    r"^what(?: is| are) the (?:code|serial number|serial|model number|number|id|reference|price|date|phone number)s? "
    r"(?:on|printed on|written on|shown on) (?:the |this |that )?\w+"
)
TEXTUAL = (
    r"(?:text|page|sign|label|writing|note|notice|document|poster|card|caption|heading|title|letters?|paper|words?|"
    r"panel|board|banner|plate|screen|display|message|placard|plaque|menu|form|sheet|it)"
)


def _mention_query(text: str) -> str | None:
    """'does the page mention coins', 'is the word exit written on the sign' -> the words asked about."""
    quoted = re.search(r'"([^"]{1,100})"', text) or re.search(r"'([^']{1,100})'", text)
    patterns = (
        rf"\b(?:does|do|did) (?:the |this |that |any )?{TEXTUAL}(?: (?:in|on) the \w+)? (?:mention|say|contain|include|read|state|spell)s?(?: the words?)? (.+)$",
        r"\b(?:does|do|did) (?:it|this|that) (?:mention|say|read|spell)(?: the words?)? (.+)$",
        r"\b(?:is there|are there) (?:anything|something) about (.+?) (?:written|printed|mentioned)(?: \w+)?$",
        r"^(?:is|are) there (?:a|the|any) (?:word|words|phrase|name|term) (.+?)(?: (?:on|in) the \w+)?$",
        r"\b(?:can you |do you )?(?:find|see|spot) the (?:word|words|phrase|name|term) (.+?)(?: (?:in|on) the \w+)?$",
        r"\b(?:is|are) (?:the )?(?:words?|text|phrase|name) (.+?) (?:written|mentioned|printed|shown|visible|on|in)\b",
        r"\b(?:is|are) (.+?) (?:written|mentioned|printed|shown) (?:on|in|anywhere|somewhere|here|there)\b",
        r"^(?:is|are) (.+?) (?:written|mentioned|printed)$",
        r"\b(?:is|are) there (?:any )?(?:mention|mentions) of (.+)$",
        r"^(?:does|do) (?:the )?(?:word|words|phrase|name|term) (.+?) (?:appear|occur|show up|feature)s?\b",
        r"\bmention(?:s|ed)? (?:of )?(.+)$",
        r"\b(?:does|do) (?:it|the \w+) (?:talk|speak) about (.+)$",
    )
    for pattern in patterns:
        match = re.search(pattern, text)
        if match and not quoted and re.search(r"\bor$", match.group(1)):
            continue  # "is the writing handwritten or printed?" offers two ways of writing, not words
        if match:
            if quoted:
                return quoted.group(1).strip()
            words = re.sub(
                r"\b(?:anywhere|somewhere|at all|on (?:it|the \w+)|in (?:it|the \w+)|please|here|there)\b",
                " ",
                match.group(1),
            )
            words = re.sub(
                r"^(?:the words?|the phrase|the name|the term|anything about|something about|about) ",
                "",
                words.strip(),
            )
            words = re.sub(r"^(?:a|an|the|any) ", "", words.strip())
            words = " ".join(words.split())
            return words or None
    return None


def _describe(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    if re.search(
        r"\bdescribe (?:the |its |their )?(?:colou?rs?|shapes?|sizes?|position|location)\b", text
    ) or re.search(
        rf"\bwhat (?:do|can) you see(?: directly| immediately| just)? (?:{_RELATION}) (?!(?:the |this |that )?{IMAGE}$)",
        text,
    ):
        return None  # an attribute, or what is next to something
    if re.search(
        rf"\b(describe|description|caption|summari[sz]e|what is happening|what is going on|what happens|"
        rf"what do you see|what can you see|what you (?:can )?see|into words|in (?:a few|your own) words|what (?:is|are) (?:in|on|shown in|depicted in|visible in) (?:the |this )?{IMAGE}|"
        rf"what (?:is|does) (?:the |this )?{IMAGE} (?:show|depict|contain)|tell me about (?:the |this )?{IMAGE}|"
        rf"what (?:is|are) (?:they|the people|people) doing|explain (?:the |this )?{IMAGE}|give (?:me )?an overview|"
        rf"(?:a|short|brief|quick) (?:summary|overview|rundown|description) of (?:the |this )?{IMAGE})\b",
        text,
    ) and not any(m.known and m.selection.category for m in mentions):
        return p.Describe()
    return None


REMOVAL = (
    r"\b(?:remove|removed|removing|take away|taken away|taking away|took away|takes away|subtract|subtracted|"
    r"subtracting|delete|deleted|eliminate|eliminated|without|minus|ignore|ignoring|ignored|excluding|exclude|"
    r"except|discount|discounting|leave out|leaving out|left out|not counting|disregard|disregarding|apart from|"
    r"aside from|besides|other than|save for|setting aside|leaving aside|not including|omitting|omit)\b"
)
ADDING = (
    r"\b(?:add|added|adding|plus|another|more|extra|additional|joined|join|arrive|arrived|came|come|bring|"
    r"brought|put|placed)\b"
)


def _count_except(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'How many objects are not red?', 'how many shapes aren't circles?', 'how many non-red objects?':
    the things counted, less those with the colour, size or name the question rules out."""
    doing = re.match(r"^how many .+? (?:are|is|were) not (\w+)", text)
    if doing and ACTIVITY.match(
        doing.group(1)
    ):  # "... not wearing hats?" asks what they wear, like its positive
        return p.Unanswerable(reason=f"no tool here recognises what people or animals are {doing.group(1)}")
    placed = re.match(rf"^how many .+? (?:are|is|were) not ({_RELATION}) (?:the |a |an )?", text)
    if placed and mentions and len(mentions) >= 2:  # "how many people are not on the bus?"
        counted = mentions[0].selection
        relation = p.RelationFilter(relation=RELATIONS[placed.group(1)], to=mentions[-1].selection)
        return p.Arithmetic(target=counted, remove=counted.model_copy(update={"relation": relation}))
    match = re.match(
        r"^how many (?:(.+?) (?:are|is|were) not (?:an? )?(\S+)|non-?\s?(\S+) (.+?))(?: (?:are )?there)?(?: in .*)?$",
        text,
    )
    if not match or not mentions:
        return None
    word = match.group(2) or match.group(3)
    counted = mentions[0].selection
    if word in COLOUR_WORDS:
        ruled_out = counted.model_copy(update={"colour": COLOUR_WORDS[word]})
    elif word in SIZE_WORDS:
        ruled_out = counted.model_copy(update={"size": SIZE_WORDS[word]})
    elif len(mentions) >= 2 and match.group(2):
        ruled_out = mentions[1].selection  # "how many shapes are not circles?"
    else:
        return None
    return p.Arithmetic(target=counted, remove=ruled_out)


def _arithmetic(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """Counts worked on: what would be left, added, doubled, the total of two kinds, their difference."""
    if not mentions or not re.search(
        r"\b(?:how many|what is the (?:total|number|count|sum|difference)|count|number of|total|twice|double|"
        r"doubled|triple|tripled|difference|what do you get|left|remain|remaining|add up|adds up|multiply|times)\b",
        text,
    ):
        return None
    counted = _counted_after(text, mentions)
    pair = len(mentions) >= 2
    if pair and (
        re.search(r"\bdifference between\b", text)
        or re.search(r"\bhow many (?:more|fewer|less)\b.*\bthan\b", text)
    ):
        return p.Arithmetic(target=mentions[0].selection, minus=mentions[1].selection)
    if pair and re.search(
        r"\b(?:total|altogether|in all|combined|together|sum|all together|in total|plus|adds? up)\b", text
    ):
        joined = [
            after.selection
            for before, after in zip(mentions, mentions[1:], strict=False)
            if " ".join(tokens[before.end : after.start])
            in ("and", "and the", "plus", "and also", "as well as")
        ]
        if joined:
            return p.Arithmetic(target=mentions[0].selection, plus=joined)
    times = re.search(
        r"\b(twice|double|triple|thrice|(?:two|three|2|3) times) (?:the )?(?:\w+ )?(?:number|count|amount|total)\b"
        r"|\bmultipl\w* (?:the )?(?:number|count|amount|total)\b.*\bby (two|three|2|3)$",
        text,
    )
    if times:
        after = [m for m in mentions if _token_offset(text, m.start) > times.start()]
        target = after[0].selection if after else mentions[0].selection
        factor = 3 if re.match(r"triple|thrice|three|3", times.group(1) or times.group(2)) else 2
        return p.Arithmetic(target=target, times=factor)
    grown = re.search(r"\b(?:were|was|are|is|got|get|gets) (doubled|tripled)\b", text)
    if grown:
        before = [m for m in mentions if _token_offset(text, m.start) < grown.start()]
        copied = before[-1] if before else mentions[0]
        factor = 3 if grown.group(1) == "tripled" else 2
        if counted is None or _same_kind(counted.selection, copied.selection):
            return p.Arithmetic(target=copied.selection, times=factor)
        return p.Arithmetic(target=counted.selection, plus=[copied.selection] * (factor - 1))
    removal = re.search(REMOVAL, text)
    if removal:
        removed = _nearest(text, mentions, removal.start(), removal.end(), exclude=counted)
        if removed is not None:
            amount = _amount_before(tokens, removed.start)
            if counted is not None and counted is not removed:
                target = counted.selection
            elif amount is not None:
                target = removed.selection  # "one of the cats were removed: how many would be left?"
            else:
                target = p.Selection(label="object")
            return p.Arithmetic(target=target, remove=removed.selection, remove_count=amount)
    leaving = re.search(
        r"\b(?:if|when|suppose|after|once) (\w+) (?:of (?:the|them|those) )?.*?\b(?:leave|leaves|left|go away|went away|"
        r"walk away|walked away|walks away|depart|departs|departed)\b",
        text,
    )
    if leaving and number_value(leaving.group(1)):
        target = (counted or mentions[0]).selection
        return p.Arithmetic(target=target, add=-(number_value(leaving.group(1)) or 0))
    adding = re.search(ADDING, text)
    if adding:
        amount = _amount(text, adding.start())
        added = [m for m in mentions if _token_offset(text, m.start) < adding.start()]
        if not amount and added and re.search(r"^(?:if|suppose|when|after)\b", text):
            amount = _amount_before(tokens, added[-1].start)  # "if three coins were added"
        if amount:
            target = (counted or mentions[0]).selection
            sign = (
                -1
                if re.search(r"\b(left|leave|leaves|go away|went away|gone)\b", text[adding.start() :])
                and not re.search(r"\bmore\b", text)
                else 1
            )
            return p.Arithmetic(target=target, add=sign * amount)
    return None


def _same_kind(a: p.Selection, b: p.Selection) -> bool:
    """'pink shapes' and 'pink items' select the same things; 'men' and 'people' do not."""
    generic = (None, "object", "shape")
    same_label = a.label == b.label or (a.label in generic and b.label in generic)
    return same_label and a.model_copy(update={"label": None}) == b.model_copy(update={"label": None})


def _counted_after(text: str, mentions: list[Mention]) -> Mention | None:
    """The mention right after 'how many' / 'the number of': what is being counted."""
    match = re.search(r"\bhow many\b|\b(?:number|count|total) of\b", text)
    if match is None:
        return None
    after = [m for m in mentions if _token_offset(text, m.start) > match.start()]
    return after[0] if after else None


def _nearest(
    text: str, mentions: list[Mention], start: int, end: int, exclude: Mention | None
) -> Mention | None:
    """The mention a verb at [start, end) acts on: the first after it, else the last before it."""
    after = [m for m in mentions if _token_offset(text, m.start) >= end and m is not exclude]
    before = [m for m in mentions if _token_offset(text, m.start) < start and m is not exclude]
    if after and (not before or _token_offset(text, after[0].start) - end < 30):
        return after[0]
    return before[-1] if before else None


def _amount_before(tokens: list[str], start: int) -> int | None:
    """'one of the cats', 'two cats', 'a single cat' just before a mention: that many; 'all', 'every' -> None."""
    words = tokens[max(0, start - 4) : start]
    text = " ".join(words)
    match = re.search(r"(\w+)(?: of (?:the|those|these|them))?(?: (?:single|lone))?$", text)
    if match is None or match.group(1) in ("all", "every", "each", "the", "any"):
        return None
    value = number_value(match.group(1))
    if value is None and match.group(1) in ("a", "an") and not re.search(r"\bof\b", text):
        return 1
    return value if value else None


def _token_offset(text: str, index: int) -> int:
    """Character offset of token ``index`` in the normalised text."""
    offset = 0
    for i, token in enumerate(text.split()):
        if i == index:
            return offset
        offset += len(token) + 1
    return offset


def _amount(text: str, start: int) -> int | None:
    for token in text[max(0, start - 12) :].split():
        value = number_value(token)
        if value is not None and token not in ("a", "an", "no", "none"):
            return value
    if re.search(r"\b(another|one more|an extra|an additional|a further)\b", text):
        return 1
    return None


def _counted(text: str, mentions: list[Mention]) -> p.Selection | None:
    """The selection after 'how many' (what is being counted), else the first mention."""
    match = re.search(r"\bhow many\b", text)
    if match:
        after = [m for m in mentions if _token_offset(text, m.start) > match.start()]
        if after:
            return after[0].selection
    return mentions[0].selection if mentions else None


COUNT_WORDS = (
    r"\b(?:count|number|amount|quantity|tally|how many|there|of them|often|outnumbers?|outnumbered)\b"
)
MORE = r"\b(?:more|greater|higher|larger|bigger|outnumbers?|exceeds?)\b"
FEWER = r"\b(?:fewer|less|lower|smaller|outnumbered)\b"
AS_MANY = (
    r"\b(?:as many|same number|equal number|the same amount|equal (?:in )?number|same count|as much|as numerous|"
    r"equally (?:often|many|numerous|common|frequent)|equal to the (?:number|count)|the same as the (?:number|count))\b"
)


def _compare(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    """Two counts compared ('are there more cats than dogs?', 'which are there fewer of: A or B?'), or
    two things' colour, shape or size ('are the star and the square the same colour?', 'which is larger,
    the cube or the sphere?')."""
    same = re.search(r"\bsame (colou?r|shape|size)\b|\b(?:equally|as) (big|large|small|tall)\b", text)
    if same and same.group(1) == "shape":  # "the same shape": the word names what is compared, not a thing
        mentions = [m for m in mentions if _token_offset(text, m.start) < same.start(1)]
    if len(mentions) == 1 and same and (mentions[0].plural or re.search(r"\b(?:both|two|all)\b", text)):
        word = same.group(1) or "size"  # "are the two circles the same colour?": the things among themselves
        attribute = "colour" if word.startswith("colo") else "shape" if word == "shape" else "size"
        return p.Compare(left=mentions[0].selection, comparison="same", attribute=attribute)  # type: ignore[arg-type]
    if len(mentions) < 2:
        return None
    left, right = mentions[0].selection, mentions[1].selection
    if same:
        word = same.group(1) or "size"
        attribute = "colour" if word.startswith("colo") else "shape" if word == "shape" else "size"
        return p.Compare(left=left, right=right, comparison="same", attribute=attribute)  # type: ignore[arg-type]
    side = _further_side(text)
    offered_two = "or" in tokens[mentions[0].end : mentions[1].start]
    if side is not None and offered_two:  # "which is further right, the square or the hexagon?"
        return p.Compare(left=left, right=right, comparison="more", which=True, side=side)  # type: ignore[arg-type]
    sized = re.search(
        r"^(?:which|what)(?: one| thing| object| item| shape)?(?: of (?:the|these|them)(?: \w+)?)? (?:is|looks|appears) "
        r"(?:the )?(bigger|larger|smaller|taller|shorter|tinier|biggest|largest|smallest)\b",
        text,
    )
    if sized:
        larger = sized.group(1) in ("bigger", "larger", "taller", "biggest", "largest")
        return p.Compare(
            left=left, right=right, comparison="more" if larger else "fewer", attribute="size", which=True
        )
    between = " ".join(tokens[mentions[0].end : mentions[1].start])
    if (
        re.match(r"^(?:is|are|was|were) (?:the|this|that|these|those)\b", text)
        and re.search(r"\b(?:bigger|larger|smaller|taller|shorter|tinier) than\b", text)
        and not re.search(COUNT_WORDS, text)
    ):
        return None  # "is the bus bigger than the people?": their sizes, not how many of each
    if not (re.search(COUNT_WORDS, text) or mentions[0].plural or mentions[1].plural):
        return None
    if re.search(AS_MANY, text):
        return p.Compare(left=left, right=right, comparison="same")
    offered = re.search(r"\bor\b", between) and not re.search(r"\bthan\b", text)
    which = bool(re.match(r"^(?:which|what)\b", text)) or bool(offered)
    outnumbered = re.search(r"\boutnumbered by\b", text)
    fewer = re.search(FEWER, text) and not re.search(r"\bno (?:fewer|less)\b", text) or outnumbered
    if fewer and (which or re.search(r"\bthan\b|\boutnumbered\b", text)):
        return p.Compare(left=left, right=right, comparison="fewer", which=which)
    if re.search(MORE, text) and (which or re.search(r"\bthan\b|\boutnumber|\bexceed", text)):
        return p.Compare(left=left, right=right, comparison="more", which=which)
    return None


SIDE_ASKED = re.compile(
    r"^(?:which|what)(?: one| thing| object| item| shape| of (?:the|these|them)(?: two)?)? (?:is|sits|stands|lies|appears|comes) "
    r"(?:(?:further|farther|more|most|nearer|closer)(?: to)?(?: the)? (left|right|top|bottom|up|down)|"
    r"(?:on|at|to|towards) the (left|right|top|bottom)(?:[- ]hand)?(?: side)?|(higher|lower)(?: up| down)?|(above|below))\b"
)


def _further_side(text: str) -> str | None:
    """'which is further left / on the right / higher up / closer to the top': the side asked about."""
    found = SIDE_ASKED.search(text)
    if found is None:
        return None
    word = next(g for g in found.groups() if g)
    return {
        "up": "top",
        "higher": "top",
        "above": "top",
        "down": "bottom",
        "lower": "bottom",
        "below": "bottom",
    }.get(word, word)


def _relation_in(text: str, mentions: list[Mention] | None = None) -> tuple[p.RelationKind, int, int] | None:
    """The first relation word outside the mentions ('on' in 'the man on the left' belongs to him)."""
    spans = [
        (_token_offset(text, m.start), _token_offset(text, m.end)) for m in mentions or [] if m.end > m.start
    ]
    for match in re.finditer(rf"\b({_RELATION})\b", text):
        if match.group(1) == "in" and _dressed_in(text[match.end() :]):
            continue  # "the man in the black coat", "the woman in red": what they wear, not where they are
        if not any(a <= match.start() < b for a, b in spans):
            return RELATIONS[match.group(1)], match.start(), match.end()
    return None


def _dressed_in(after: str) -> bool:
    """Whether the words after an 'in' name clothes or a colour worn: 'in the black coat', 'in red', but
    not 'in the blue hexagon'."""
    words = after.split()[:4]
    determined = bool(words) and words[0] in ("the", "a", "an", "his", "her", "their")
    if determined:
        words = words[1:]
    if not words:
        return False
    if re.fullmatch(CLOTHING, words[0]):
        return True
    if words[0] in COLOUR_WORDS:
        # "in red next to the car": a colour worn; "in the blue hexagon": a coloured thing to be inside
        return not determined or (len(words) > 1 and bool(re.fullmatch(CLOTHING, words[1])))
    return False


def _relate(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    order = re.search(
        r"\b(?:from|going|reading|read|counting|looking) (left to right|right to left|top to bottom|bottom to top)\b.*"
        r"\b(?:come|comes|appear|appears|is|sit|sits) (before|after|first|earlier|later)\b",
        text,
    )
    if order and len(mentions) >= 2:  # "reading from left to right, does the cat come before the dog?"
        forward = order.group(2) in ("before", "first", "earlier")
        kinds = {
            "left to right": ("left_of", "right_of"), "right to left": ("right_of", "left_of"),
            "top to bottom": ("above", "below"), "bottom to top": ("below", "above"),
        }[order.group(1)]  # fmt: skip
        kind = kinds[0] if forward else kinds[1]
        return p.Relate(subject=mentions[0].selection, relation=kind, object=mentions[1].selection)  # type: ignore[arg-type]
    where = re.search(r"\bwhere (?:is|are|was|were)\b", text)
    relative = re.search(
        r"\b(relative to|in relation to|compared to|with respect to|relative to the position of)\b", text
    )
    if where and relative and len(mentions) >= 2:
        return p.Relate(subject=mentions[0].selection, relation=None, object=mentions[1].selection)
    found = _relation_in(text, mentions)
    if found is None or len(mentions) < 2:
        return None
    kind, start, end = found
    before = [m for m in mentions if _token_offset(text, m.start) < start]
    after = [m for m in mentions if _token_offset(text, m.start) >= end]
    if not before or not after:
        return None
    subject, obj = before[-1].selection, after[0].selection
    if (
        kind == "inside"
        and not re.search(r"\b(inside|within)\b", text)
        and obj.label
        not in (
            "car",
            "bus",
            "truck",
            "train",
            "boat",
            "bowl",
            "cup",
            "box",
            "suitcase",
            "refrigerator",
            "oven",
            "sink",
            *(s for s in SHAPES if s not in SOLIDS),  # "the star in the hexagon": one shape drawn in another
        )
    ):
        return None  # "in" as in "in the image" or "in the zone", not containment
    if YES_NO_START.match(text) and not re.search(r"^(?:how many|what|which|where)\b", text):
        subject = before[-1].selection
        return p.Relate(subject=subject, relation=kind, object=obj)
    if re.search(r"^(?:how many|count|number of)\b|\bhow many\b", text):
        return p.Count(
            target=subject.model_copy(update={"relation": p.RelationFilter(relation=kind, to=obj)})
        )
    asked = re.search(r"\b(?:what|which)(?: (?:kind|sort|type) of)? (colou?r|shape|size)\b", text)
    if asked:
        attribute = "colour" if asked.group(1).startswith("colo") else asked.group(1)
        return p.Attribute(
            target=subject.model_copy(update={"relation": p.RelationFilter(relation=kind, to=obj)}),
            attribute=attribute,  # type: ignore[arg-type]
        )
    if re.search(r"^(?:what|which|who|name)\b", text):
        keep = before[-1].selection.label not in (None, "object") or before[-1].selection.category
        target = subject if keep else p.Selection()
        return p.Identify(
            target=target.model_copy(update={"relation": p.RelationFilter(relation=kind, to=obj)})
        )
    return None


def _support(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    """'What is the cup sitting on?', 'what is the cat lying on?': the thing it rests on."""
    rests = re.search(
        r"^(?:what|which (?:object|thing|item|piece of furniture)) (is|are|'s) (?:the |this |that )?\w+(?: \w+)? "
        r"(?:(?:sitting|standing|lying|laying|resting|placed|put|set|perched|located|parked|kept|sat|stood) )?"
        r"on(?: top of)?$",
        text,
    )
    resting = [m for m in mentions if rests and _token_offset(text, m.start) > rests.start(1)]
    if resting and resting[0].known:
        return p.Identify(
            target=p.Selection(relation=p.RelationFilter(relation="under", to=resting[0].selection))
        )
    return None


def _what_relation(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'What is left of the bus?' / 'What is on the table?': one mention, after a relation word."""
    match = re.search(
        rf"^(?:what|which (?:object|thing|item|shape|figure|solid)s?|who) (?:(?:is|are) {POSTURES}|is|are|sits|stands|lies|rests|can you see|do you see|"
        rf"(?:can|do) you see|is there|lies|sit|stand|lie)(?: directly| immediately| just)? (?:there )?({_RELATION}) ",
        text,
    ) or re.search(
        rf"^what (?:do|can) (?:you|i|we) (?:see|find|spot)(?: directly| immediately| just)? ({_RELATION}) ",
        text,
    )
    if match and mentions:
        kind = RELATIONS[match.group(1)]
        if kind == "inside" and match.group(1) == "in" and not mentions[-1].known:
            return (
                None  # "what is in the picture" asks what it shows; "what is in the box" what the box holds
            )
        return p.Identify(
            target=p.Selection(relation=p.RelationFilter(relation=kind, to=mentions[-1].selection))
        )
    return None


def _attribute(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    asked = re.search(r"\b(?:what|which)(?: (?:kind|sort|type) of)? (shape|size|colou?r)\b", text)
    if asked and asked.group(1) == "shape" and re.search(NAMING, text) and tokens[-1] in COLOUR_WORDS:
        return None  # "which shape is green?" names the green one
    if asked:  # "what shape is the red object": the word after "what" names the attribute, not a thing
        mentions = [m for m in mentions if _token_offset(text, m.start) != asked.start(1)]
    attribute_words = [m.start() for m in re.finditer(r"\b(?:shape|size|colou?r) of\b", text)]
    if attribute_words:  # "what is the shape of the yellow shape": the first 'shape' names the attribute
        mentions = [m for m in mentions if _token_offset(text, m.start) not in attribute_words]
        asked = asked or re.search(r"\b(shape|size|colou?r) of\b", text)
    target = mentions[0].selection if mentions else None
    clothing = re.search(CLOTHING, text)
    if clothing and re.search(r"\bcolou?r", text):
        # "what colour is her suit?": the person's own pixels, which their clothes fill
        person = next((m.selection for m in mentions if m.selection.label == "person"), None)
        return p.Attribute(
            target=person or p.Selection(label="person"), attribute="colour", part=clothing.group(0)
        )
    piece = _part_of(text, tokens, mentions)
    if piece is not None and re.search(r"\bcolou?r", text):  # "what colour are the cat's eyes?"
        return p.Attribute(target=piece[0], attribute="colour", part=piece[1])
    owned = re.search(rf"\bcolou?r(?:s| of)? (?:(?:is|are) )?(?:his|her|their) ({BODY_PARTS})s?$", text)
    if owned and not [m for m in mentions if m.selection.label not in (None, "person")]:
        return p.Attribute(target=p.Selection(label="person"), attribute="colour", part=owned.group(1))
    part = re.search(
        r"\bcolou?r (?:is|are) (?:at |in |on )?the (top|bottom|left|right|centre|center|middle)(?: of the \w+)?$"
        r"|\bcolou?r (?:is|are) (?:at |in |on )?the (top|bottom|left|right) (?:side|part|half|edge|corner)",
        text,
    )
    if part and not [m for m in mentions if m.selection.label not in (None, "object")]:
        where = next(g for g in part.groups() if g)
        position = {"centre": "middle", "center": "middle"}.get(where, where)
        return p.Attribute(target=p.Selection(position=position), attribute="colour")  # type: ignore[arg-type]
    placed = re.search(
        r"^what (?:shape|colou?r) (?:is|are) (?:there )?(?:in|at|on) the (top|upper|bottom|lower)?[- ]?(left|right)?"
        r"(?:[- ]hand)?(?: corner| side| part| half| edge)?(?: of (?:the )?(?:image|picture|photo|frame|scene))?$",
        text,
    )
    if asked and placed and (placed.group(1) or placed.group(2)) and target is None:
        # "what shape is in the top right corner?": the thing there, not the picture's main object
        vertical = {"upper": "top", "lower": "bottom"}.get(placed.group(1) or "", placed.group(1))
        horizontal = placed.group(2)
        attribute = "shape" if asked.group(1) == "shape" else "colour"
        if vertical and horizontal:
            there = p.Selection(label="object", rank=f"{vertical}_{horizontal}")  # type: ignore[arg-type]
        else:
            there = p.Selection(label="object", position=vertical or horizontal)  # type: ignore[arg-type]
        return p.Attribute(target=there, attribute=attribute)  # type: ignore[arg-type]
    if asked and asked.group(1) == "shape":
        # "what shape is the colour wheel": a thing no list names is the main object in view
        known = target if target is not None and target.label not in (None,) else None
        return p.Attribute(target=known or p.Selection(label="object", rank="largest"), attribute="shape")
    if re.search(
        r"\b(what|which) colou?rs?\b|\bcolou?r of\b|\bwhat is the colou?r\b|\bwhat colou?red?\b|\bcolou?rs? (?:is|are|does|do)\b|\bin what colou?r\b|\bwhat shade\b",
        text,
    ):
        named = _coloured_noun(text) if target is None else None
        if named is not None:  # "what colour is the sky?", "what colour are the trees?"
            return p.Attribute(target=p.Selection(label=named), attribute="colour")
        if target is None or (
            len(mentions) == 1
            and target.label == "object"
            and not target.colour
            and re.search(rf"\b(the |this )?{IMAGE}\b", text)
        ):
            return p.Attribute(target=p.Selection(), attribute="colour")
        if re.search(r"\bcolou?rs\b.*\b(in|of) (?:the |this )?" + IMAGE, text) and target.label in (
            None,
            "object",
        ):
            return p.Attribute(target=p.Selection(), attribute="colour")
        ground = re.search(
            r"\bcolou?r(?:ed)? (?:is|are|of) (?:the |this |that |these |those )?(?:\w+ )?"
            r"(sign|label|plate|board|banner|poster|plaque)s?$",
            text,
        )
        if target.label == "text" and ground:
            # "what colour is the sign?": what the letters are written on, not the letters
            return p.Attribute(target=target, attribute="colour", part=ground.group(1))
        return p.Attribute(target=target, attribute="colour")
    if target is None:
        return None
    if re.search(r"\b(what|which) shape\b|\bshape of\b|\bwhat (?:form|geometric)\b", text):
        return p.Attribute(target=target, attribute="shape")
    if re.search(r"\bhow (?:big|large|small|tall|wide)\b|\bwhat size\b|\bsize of\b", text):
        return p.Attribute(target=target, attribute="size")
    if re.search(
        r"\b(how much of|what (?:fraction|percentage|percent|proportion|share|part) of|what area|"
        r"cover|covers|covered|take up|takes up|occupy|occupies|segment\w*|outline|mask)\b",
        text,
    ):
        return p.Attribute(target=target, attribute="area")
    if re.search(
        r"^where (?:is|are|was|were)\b|\bwhere in the\b|\bin which part\b|\bwhich side\b|\bwhat side\b|\blocated\b|\bposition of\b",
        text,
    ):
        return p.Attribute(target=target, attribute="position")
    return None


# Parts of a person asked about by a pronoun: "what colour is her hair?"
BODY_PARTS = r"hair|head|face|skin|eyes?|beard|moustache|mustache|lips|hands?|shoes|boots|socks|gloves"
# Nouns whose colour is the whole picture's: "what colour is the background?"
WHOLE_PICTURE = frozenset(["background", "image", "picture", "photo", "photograph", "scene", "frame", "shot"])


def _coloured_noun(text: str) -> str | None:
    """The noun no list knows whose colour is asked: 'what colour is the sky' -> sky, 'the colour of the
    seat' -> seat; None for the picture itself or when the question names no such noun."""
    from argus.tools.words import singular

    match = re.search(
        rf"\bcolou?rs? (?:is|are|was|were) (?:the |this |that |these |those )(\w+)(?: in (?:the|this) {IMAGE})?$"
        rf"|\bcolou?rs? of (?:the |this |that |these |those )(\w+)(?: in (?:the|this) {IMAGE})?$",
        text,
    )
    if match is None:
        return None
    noun = next(g for g in match.groups() if g)
    if noun in WHOLE_PICTURE or noun in COLOUR_WORDS or noun in SIZE_WORDS:
        return None
    return singular(noun)


# Ways of asking what something is, whatever the thing: "what would you call the red item?", "the red
# item is a what?", "tell me what the small thing is", "identify the grey figure".
NAMING = (
    r"^(?:what|how) (?:would|do|should|could|might|can) (?:you|we|i|one|people) (?:call|name|describe)\b"
    r"|\b(?:is|are) (?:a|an) what$"
    r"|^what(?: is|'s) the name (?:of|for) (?:the|this|that|these|those)\b"
    r"|^what (?:is|are) (?:the|this|that|these|those) (?:\w+ )?(?:called|named)$"
    r"|^(?:please )?(?:identify|name|recognise|recognize|classify|label)\b"
    r"|^(?:tell me|say|can you tell me|could you tell me|do you know|guess) what\b"
    r"|^(?:what|which) (?:object|thing|item|figure|shape|solid)s? (?:is|are) (?:\w+ )?(?:colou?red )?"
    + "(?:"
    + "|".join(sorted({re.escape(w) for w in COLOUR_WORDS if " " not in w}, key=len, reverse=True))
    + ")$"
)
GENERAL_WHAT = (
    r"^(?:what|which) (?:thing|object|item|figure)s? (?:is|are) (?:in|on|there|shown|visible|here)\b"
    r"|^what(?: is|'s) the (?:object|thing|item|figure|shape|subject) (?:in|on|here|shown)\b"
    r"|^(?:can|could) you (?:tell|say|see|guess) what (?:this|that|it) is\b"
    r"|^what (?:is|are) (?:drawn|painted|sketched|rendered|displayed|featured|pictured|depicted)\b"
    r"|^what am i (?:looking at|seeing|viewing)\b"
    r"|^what is (?:this|that|it)$"
)


# Words that name a property of the whole thing, not a part of it: "the dominant colour of the circles".
ATTRIBUTE_NOUNS = frozenset(
    [
        "colour", "color", "colours", "colors", "shade", "hue", "tone", "tint", "shape", "form", "size",
        "position", "location", "place", "number", "count",
    ]
)  # fmt: skip


def _part_of(text: str, tokens: list[str], mentions: list[Mention]) -> tuple[p.Selection, str] | None:
    """A part of a thing no tool outlines: 'the cat's eyes' (read as 'the cat eyes'), 'the roof of the bus'."""
    from argus.agent.planner.mentions import STOP, noun_at

    for mention in mentions:
        if not mention.known or mention.selection.label in (None, "object", "text"):
            continue
        after = tokens[mention.end] if mention.end < len(tokens) else ""
        if (
            after.isalpha()
            and after not in STOP
            and after not in COLOUR_WORDS
            and noun_at(tokens, mention.end) is None
        ) and (
            after not in IDLE_WORDS
            and not ACTIVITY.match(after)
            and after not in ("look", "looks", "seem", "have", "has")
        ):
            return mention.selection, after
        start = _token_offset(text, mention.start)
        before = re.search(r"\bthe ((?:\w+ )?\w+) of (?:the|this|that|its|his|her) $", text[: start + 0])
        if (
            before
            and noun_at(before.group(1).split(), 0) is None
            and not set(before.group(1).split()) & ATTRIBUTE_NOUNS
        ):
            return mention.selection, before.group(1)
    return None


def _identify(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    if re.search(r"\b(?:total|number|count|amount|quantity|sum) of\b", text):
        return None  # "what's the total of green figures?" counts them
    if re.search(NAMING, text):
        trailing = COLOUR_WORDS.get(tokens[-1]) if tokens else None
        named = next(
            (m.selection for m in mentions if m.selection.label != "shape" or m.selection.colour or trailing),
            None,
        )
        if named is not None and trailing and not named.colour:  # "which object is pink?"
            named = named.model_copy(update={"colour": trailing})
        if named is not None and named.category and not named.label:
            return p.Identify(target=named)
        return p.Identify(target=named or p.Selection())
    if re.search(GENERAL_WHAT, text) and not any(
        m.known and m.selection.label not in (None, "object") for m in mentions
    ):
        return p.Identify(target=p.Selection())
    if re.search(
        r"^(?:what|which) (?:shapes?|figures?|solids?|objects?)\b.*\b(?:see|there|shown|visible|in|are)\b",
        text,
    ) and not re.search(r"\bhow many\b", text):
        return p.Identify(
            target=p.Selection(label="shape") if re.search(r"shape|figure|solid", text) else p.Selection()
        )
    category = next((m.selection for m in mentions if m.selection.category and not m.selection.label), None)
    if category is not None and re.search(
        r"^(?:what|which|name|identify|tell me (?:what|which)|can you (?:tell|name|identify))\b|\bwhat (?:kind|type|sort|species|breed)\b",
        text,
    ):
        return p.Identify(target=category)
    if re.search(
        rf"^(?:what|which) (?:kind|type|sort) of (?:object|thing|item)\b|^what (?:is|are) (?:this|that|it|these|those)(?: (?:object|thing|item)s?)?$|^what is this (?:a )?{IMAGE} of$|^what (?:object|thing|item) is (?:this|that|it|shown|there)",
        text,
    ):
        return p.Identify(target=p.Selection())
    if re.search(
        rf"^what is (?:the )?(?:main|central|biggest|largest) (?:object|thing|subject)\b|^what (?:is|are) (?:shown|pictured|depicted)\b|^what is (?:in|on) (?:the |this )?{IMAGE}$",
        text,
    ):
        return p.Identify(
            target=p.Selection(rank="largest")
            if re.search(r"main|biggest|largest|central", text)
            else p.Selection()
        )
    if mentions and re.search(r"^(?:what|which) (?:is|are) (?:the )?", text):
        first = mentions[0].selection
        if first.label in ("object", "shape") and (
            first.colour or first.size or first.rank or first.position or first.shape
        ):
            return p.Identify(target=first)
    return None


def _colour_count(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'How many different colours are there?', 'What is the number of colours in this picture?': the
    picture's colours counted, not things."""
    if re.search(
        r"\b(?:how many|number of|count the) (?:different |distinct |separate |main |unique )?colou?rs\b",
        text,
    ) and not [m for m in mentions if m.known and m.selection.label not in (None, "object")]:
        return p.Count(target=p.Selection(label="colour"))
    return None


def _count(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    if not re.search(
        r"\b(how many|count|number of|tally|total number|amount of|quantity of|total of)\b", text
    ):
        return None
    doing = re.search(
        r"^how many \w+(?: \w+)? (?:are|is) (wearing|holding|carrying|eating|drinking|using|playing|reading|watching)\b",
        text,
    )
    if doing:  # "how many people are wearing hats?": not how many people there are
        return p.Unanswerable(reason=f"no tool here recognises what people or animals are {doing.group(1)}")
    within = re.search(rf"\b(?:in|on|along|does|do) the ({'|'.join(LINE_INDEX)}) (row|column)\b", text)
    parts = re.search(
        r"^how many (\w+) (?:does|do|did) (?:the|this|that|each|a|an|its|his|her|their) [\w ]+ have\b", text
    )
    if parts and parts.group(1) in ("words", "letters", "lines"):  # "how many words does the sign have?"
        return p.Count(
            target=p.Selection(label={"words": "word", "letters": "letter"}.get(parts.group(1), "text"))
        )
    rows = re.search(r"^how many (rows|columns)\b(?! (?:of|and)\b)", text)
    if rows:  # "how many rows does the board have?", "how many columns are there?": the lines things stand in
        return p.Count(target=p.Selection(label="shape"), arrangement=rows.group(1))  # type: ignore[arg-type]
    drawn = parts and singular(parts.group(1)) in SHAPES  # "how many squares does the board have?": things
    if parts and not within and not drawn:  # "how many wheels does the bus have?": the parts of a thing
        return p.Unanswerable(reason=f"no tool here counts the {parts.group(1)} a thing has")
    target = _counted(text, mentions)
    trailing = re.search(r"\bhow many (?:\w+ ){1,3}(?:are|is) (\w+)(?: ones?)?$", text)
    if target is not None and trailing:  # "how many things are little?", "how many shapes are red?"
        word = trailing.group(1)
        if word in SIZE_WORDS and not target.size:
            target = target.model_copy(update={"size": SIZE_WORDS[word]})
        elif word in COLOUR_WORDS and not target.colour:
            target = target.model_copy(update={"colour": COLOUR_WORDS[word]})
    if target is None:
        unknown = unknown_noun(tokens, 0)
        match = re.search(r"\bhow many (\w+)", text)
        if match and match.group(1) not in ("are", "is", "do", "can", "of", "there"):
            return p.Count(target=p.Selection(label=match.group(1).rstrip("s")))
        target = unknown.selection if unknown else p.Selection(label="object")
    lined = re.search(r"\bhow many (rows|columns) of\b", text)
    if lined:  # "how many rows of coins are there?"
        return p.Count(target=target, arrangement=lined.group(1))  # type: ignore[arg-type]
    each = re.search(r"\b(?:(?:in|on|for|does|do) (?:each|every)|per) (row|column)\b", text)
    if each:  # "how many squares are in each row?", "... does every column have?", "... per row?"
        target = target.model_copy(update={"position": None})
        return p.Count(target=target, arrangement=f"{each.group(1)}s", each=True)  # type: ignore[arg-type]
    if within:  # "how many coins are in the top row?": the row's place is the row's, not the coins'
        target = target.model_copy(update={"position": None})
        return p.Count(target=target, arrangement=f"{within.group(2)}s", line=LINE_INDEX[within.group(1)])  # type: ignore[arg-type]
    if re.search(r"\b(fallen|fell|fall|lying|collapsed|down on the)\b", text) and target.label == "person":
        target = target.model_copy(update={"state": "fallen"})
    # "how many buses and people": each thing joined to the counted one by "and" is counted too
    also: list[p.Selection] = []
    for before, after in zip(mentions, mentions[1:], strict=False):
        joined = " ".join(tokens[before.end : after.start]) in (
            "and",
            "or",
            "and the",
            "and also",
            "as well as",
        )
        if before.selection == target or also:
            if not joined:
                break
            also.append(after.selection)
    return p.Count(target=target, also=also)


def _falls(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    if re.search(
        r"\b(fallen|fell|falling|has fallen|collapsed|lying (?:on|down)|on the (?:ground|floor)|need\w* help|welfare check|"
        r"hurt|injured|fall (?:down|over)|fell (?:down|over)|(?:did|does|has|will) (?:a |any|some|the )?\w* ?fall)\b",
        text,
    ):
        if any(m.known and m.selection.label not in (None, "person", "object") for m in mentions):
            return None  # "what is the cat lying on?": the cat's place, not a person down
        target = p.Selection(label="person", state="fallen")
        if re.search(r"\bhow many\b", text):
            return p.Count(target=target)
        return p.Exists(target=target)
    return None


CONFIRM = (
    r"^(?:is it (?:true|correct|the case)(?: that)?|is it (?:right|so) that|would you say(?: that)?|"
    r"am i right (?:that|in thinking that)|"
    r"(?:can|could) you confirm(?: that)?|please confirm(?: that)?|confirm(?: that)?|do you (?:agree|think|reckon)(?: that)?|"
    r"would it be (?:true|right|fair|correct) to say(?: that)?|so|i (?:think|believe|guess) that)\s+"
)
# A statement put up to be denied: "is it false that there is a cat?" asks whether there is none.
DENY = (
    r"^(?:is it (?:false|untrue|wrong|incorrect|not true|not the case)(?: that)?|"
    r"would it be (?:wrong|false|incorrect|a mistake|untrue) to say(?: that)?|am i wrong (?:that|to say that|in thinking that))\s+"
)
CONFIRM_AFTER = (
    r"[,\s]+(?:right|correct|true|yes|is not it|isn't it|are not they|am i right|agreed|no|or not)$"
)
NEGATION = r"\b(?:not|no|none|never|nothing|zero|n't)\b"


def _negated(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    """A negative statement put up for confirmation ('Is it true that there is no rectangle?', 'The cat is not
    black, right?', 'Is the picture free of circles?'): the positive question's program, negated."""
    denied = re.match(DENY, text)
    positive = _as_question(text[denied.end() :]) if denied else _positive(text)
    if positive is None:
        return None
    inner_tokens = positive.split()
    inner_mentions = find_mentions(inner_tokens, slots.zone_names)
    if not inner_mentions and not re.search(r"\b(?:this|it|the (?:image|scan|picture|photo))\b", positive):
        return None
    for name, form in FORMS:
        if name in ("negated", "rules", "finding", "text", "describe", "arithmetic", "activity"):
            continue
        op = form(positive, inner_tokens, inner_mentions, slots, image)
        if op is not None:
            return p.Not(inner=op) if p.is_yes_no(op) and not isinstance(op, p.Not) else None
    return None


def _as_question(statement: str) -> str | None:
    """'there is a cat' -> 'is there a cat'; 'the cup is right of the car' -> 'is the cup right of the car'."""
    statement = statement.strip()
    there = re.match(r"^there (is|are) (.+)$", statement)
    if there:
        return f"{there.group(1)} there {there.group(2)}"
    having = re.match(
        rf"^(?:the |this )?(?:{IMAGE}|it) (?:has|have|contains?|shows?|includes?|depicts?) (.+)$", statement
    )
    if having:
        return f"is there {having.group(1)}"
    copula = re.match(r"^(.+?) (is|are) (.+)$", statement)
    if copula:
        return f"{copula.group(2)} {copula.group(1)} {copula.group(3)}"
    return None


def _rhetorical(text: str) -> str | None:
    """The question a rhetorically negative one asks: "isn't there a cat?", "don't you see a dog?",
    "the star isn't orange, is it?" and "there's no cat, is there?" are answered as whether it is so."""
    leading = re.match(rf"^({AUX_WORDS}) not (.+)$", text)
    if leading and not re.match(r"^(?:is|are) not there (?:a single|any|one)\b", leading.group(2)):
        return f"{leading.group(1)} {leading.group(2)}"
    tagged = re.match(rf"^(.+?) {AUX_WORDS} (?:it|there|they|he|she|this|that)$", text)
    if tagged and re.search(NEGATION, tagged.group(1)):
        statement = re.sub(r"\b(?:is|are) (?:not|no)\b", lambda m: m.group(0).split()[0], tagged.group(1))
        statement = re.sub(r"\bthere (is|are) (?:not )?(?:any )?", r"there \1 ", statement)
        statement = re.sub(r"\b(?:do|does) not (\w+)", r"\1", statement)
        if re.search(NEGATION, statement):
            return None
        return _as_question(statement)
    return None


def _positive(text: str) -> str | None:
    """The positive question a negative statement or question stands for, or None when there is none."""
    lacking = re.match(
        rf"^(?:is|are) (?:the |this )?(?:{IMAGE}|scene|it) (?:without|free of|lacking|devoid of|empty of|missing) (?:any |a |an )?(.+)$",
        text,
    )
    if lacking:
        return f"is there {lacking.group(1)}"
    missing = re.match(
        r"^(?:is|are) (?:an? |the |any )?(.+?) (?:missing|absent|lacking)(?: from (?:the |this )?\w+)?$", text
    )
    if missing:
        return f"is there {missing.group(1)}"
    single = re.match(
        r"^(?:is|are) there not (?:a single |a |any |even one )?(.+)$|^(?:is|are) there no (.+)$", text
    )
    if single:
        return f"is there {single.group(1) or single.group(2)}"
    lack = re.match(
        rf"^(?:does|do) (?:the |this )?(?:{IMAGE}|it) (?:lack|miss|not (?:have|contain|show|include)) (.+)$",
        text,
    )
    if lack:
        return f"is there {lack.group(1)}"
    unseen = re.match(
        r"^(?:is|are) (?:there )?no (.+?)(?: to be (?:seen|found)| (?:visible|present|shown|here|there))+$",
        text,
    )
    if unseen:
        return f"is there {unseen.group(1)}"
    zero = re.match(
        r"^(?:is|are) the (?:number|count|amount) of (.+?) (?:zero|0|nil|none)$|^(?:are|is) there zero (.+)$",
        text,
    )
    if zero:
        return f"is there {zero.group(1) or zero.group(2)}"
    other = re.match(r"^(?:is|are) (the .+?) (?:any|some) (?:colou?r|shade) other than (\w+)$", text)
    if other:
        return f"is {other.group(1)} {other.group(2)}"
    not_so = re.match(r"^(is|are) ((?:the|this|that|these|those) .+?) not (.+)$", text)
    if not_so:
        return f"{not_so.group(1)} {not_so.group(2)} {not_so.group(3)}"
    none_of = re.match(r"^none of the (?:\w+) (?:is|are) (?:an? )?(.+?)(?:" + CONFIRM_AFTER + ")?$", text)
    if none_of:
        return f"is there {none_of.group(1)}"
    doubt = re.match(
        r"^i (?:do not|don't) think (?:there is|there are|there's) (?:an? |any )?(.+?)(?: am i right| right| correct)?$",
        text,
    )
    if doubt:
        return f"is there {doubt.group(1)}"
    statement = re.sub(CONFIRM, "", text)
    confirming = statement != text
    trimmed = re.sub(CONFIRM_AFTER, "", statement)
    confirming = confirming or trimmed != statement
    if not confirming or not re.search(NEGATION, trimmed):
        return None
    trimmed = trimmed.strip()
    there = re.match(r"^there (is|are) (?:no|not any|not an?|not|zero) (.+)$", trimmed)
    if there:
        return f"{there.group(1)} there {there.group(2)}"
    subject = re.match(r"^(.+?) (is|are) not (.+)$", trimmed)
    if subject:
        return f"{subject.group(2)} {subject.group(1)} {subject.group(3)}"
    none = re.match(r"^no (.+?) (is|are) (.+)$", trimmed)
    if none:
        return (
            f"is there {none.group(3)} {none.group(1)}"
            if none.group(3).split()[0] in COLOUR_WORDS
            else f"is there {none.group(1)} {none.group(3)}"
        )
    noun = re.match(
        r"^(?:there is |there are )?(?:no|not any|zero) (.+?)(?: appears?| exists?| (?:is|are) (?:there|present|visible|shown))?$",
        trimmed,
    )
    if noun:
        return f"is there {noun.group(1)}"
    nothing = re.match(r"^(?:nothing|none)(?: here| in (?:the |this )?\w+)? (?:is|are) (.+)$", trimmed)
    if nothing:
        return f"is there {nothing.group(1)}"
    having = re.match(
        rf"^(?:the |this )?(?:{IMAGE}|it) (?:has|have|contains?|shows?|includes?) (?:no|not any|zero) (.+)$",
        trimmed,
    )
    if having:
        return f"is there {having.group(1)}"
    return None


def _who_is_there(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'Who is in the restricted zone?': the people there, counted and cited, never named."""
    if re.match(r"^who(?: is| are)? (?:in|inside|at|near|on|standing in|standing at|within|present)\b", text):
        person = next((m.selection for m in mentions if m.selection.label == "person"), None)
        place = next((m.selection for m in mentions if m.selection.label != "person"), None)
        target = person or p.Selection(label="person")
        zone = _zone_word(text)
        if zone:
            target = target.model_copy(update={"zone": zone})
        elif place is not None:
            target = target.model_copy(update={"relation": p.RelationFilter(relation="near", to=place)})
        return p.Count(target=target)
    return None


def _zone_word(text: str) -> str | None:
    match = re.search(r"\b(restricted|private|exit|walkway|roadway|public|ppe) (?:zone|area|route)", text)
    return (
        {"exit": "exit_route", "ppe": "ppe_required"}.get(match.group(1), match.group(1)) if match else None
    )


def _exists(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    looking = re.match(
        r"^i am (?:looking for|searching for|trying to find) (.+?) (?:is|are) there (?:one|any|some)$", text
    )
    asked = f"is there {looking.group(1)}" if looking else re.sub(ASK_PREFIX, "", text).strip()
    # "would I find a star if I looked?": the condition asks nothing of the image
    asked = re.sub(r" if (?:i|you|we|one) (?:looked|look|searched|search|checked|check)(?: \w+)?$", "", asked)
    asked = re.sub(r"^(?:would|will|could|can) (?:i|you|we|one) (?:find|see|spot) ", "is there ", asked)
    if asked != text:  # "tell me if there is a cat": the question inside
        text, tokens = asked, asked.split()
        mentions = find_mentions(tokens, slots.zone_names)
    yes_no = YES_NO_START.match(text) or re.search(
        r"^(?:any|anything|anyone|anybody|someone|something|see|spot|notice|there (?:is|are))\b"
        r"|\b(?:present|visible|there|yes or no|anywhere)$",
        text,
    )
    if not yes_no and not re.search(
        r"^(?:find|spot|look for|detect|check for|search for|show me|(?:do|can) (?:we|i) (?:have|see|find))\b",
        text,
    ):
        return None
    if mentions:
        first = mentions[0]
        selection = first.selection
        definite = re.match(r"^(?:is|are|was|were) (?:the|this|that|these|those|its|his|her|their)\b", text)
        rest = tokens[first.end :]
        # "is the bus red?", "is the cat big?": the thing, in that colour or size
        if definite and rest and rest[-1] in COLOUR_WORDS and not selection.colour:
            selection = selection.model_copy(update={"colour": COLOUR_WORDS[rest[-1]]})
            rest = rest[:-1]
        if definite and rest and rest[-1] in SIZE_WORDS and not selection.size:
            selection = selection.model_copy(update={"size": SIZE_WORDS[rest[-1]]})
            rest = rest[:-1]
        # "is there a dog or a cat?"
        any_of = []
        for before, after in zip(mentions, mentions[1:], strict=False):
            if " ".join(tokens[before.end : after.start]) in ("or", "or a", "or an", "or any", "or the"):
                any_of.append(after.selection)
                rest = tokens[after.end :]
            else:
                break
        unchecked = _statement(text, _unchecked(rest, mentions[1 + len(any_of) :]), first.plural)
        return p.Exists(target=selection, any_of=any_of, unchecked=unchecked)
    unknown = unknown_noun(tokens, 0)
    if unknown is not None:
        unchecked = _statement(text, _unchecked(tokens[unknown.end :], []), unknown.plural)
        return p.Exists(target=unknown.selection, unchecked=unchecked)
    return None


PLACE_PREPOSITIONS = frozenset(
    [
        "in",
        "on",
        "at",
        "near",
        "under",
        "behind",
        "beside",
        "above",
        "below",
        "inside",
        "outside",
        "by",
        "next",
    ]
)


def _statement(text: str, unchecked: str | None, plural: bool) -> str | None:
    """What the question asks of the thing, as the rest of a statement about it: 'is the road wet?' ->
    'is wet', 'does the bus have a door?' -> 'has a door', 'do the people wear hats?' -> 'wear hats'."""
    if not unchecked:
        return unchecked
    if re.match(r"^(?:is|are|was|were) (?:the|this|that|these|those|its|his|her|their)\b", text):
        return f"{'are' if plural else 'is'} {unchecked}"
    if re.match(r"^(?:does|do|did) ", text) and not plural:
        return _third_person(unchecked)
    first = unchecked.partition(" ")[0]
    if re.match(r"^(?:is|are|was|were) there\b", text) and (
        first.endswith("ing") or first in PLACE_PREPOSITIONS
    ):
        # 'is there a person sleeping?', 'are there buildings in the background?'
        return f"{'are' if plural else 'is'} {unchecked}"
    return unchecked


def _third_person(phrase: str) -> str:
    """'look wet' -> 'looks wet', 'have a lid' -> 'has a lid': what follows 'does the X' as a statement."""
    verb, _, rest = phrase.partition(" ")
    if verb == "have":
        verb = "has"
    elif re.search(r"(?:s|sh|ch|x|z|o)$", verb):
        verb += "es"
    elif re.search(r"[^aeiou]y$", verb):
        verb = verb[:-1] + "ies"
    else:
        verb += "s"
    return f"{verb} {rest}".strip()


def _alternatives(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> p.Identify | None:
    """'Is this a dog or a cat?', 'is the animal a cat or a dog?': which of the things offered it is, not
    whether either is there."""
    if len(mentions) < 2:
        return None
    subject: p.Selection | None = None
    offered = mentions
    lead = " ".join(tokens[: mentions[0].start])
    pronoun = re.fullmatch(r"(?:is|are|was|were) (?:this|that|it|these|those|they)(?: an?| the)?", lead)
    if not pronoun:
        definite = re.fullmatch(r"(?:is|are|was|were) (?:the|this|that|these|those)", lead)
        if not definite:
            return None
        between = " ".join(tokens[mentions[0].end : mentions[1].start])
        between = re.sub(
            rf"^(?:in|on) (?:the|this) (?:{IMAGE}|image|picture|photo) ", "", f"{between} "
        ).strip()
        if between not in ("a", "an"):  # "is the animal (in the picture) a dog?": what the subject is
            return None
        subject, offered = mentions[0].selection, mentions[1:]
        if len(offered) == 1 and " ".join(tokens[offered[0].end :]):
            return None
    if subject is not None and len(offered) == 1:
        return p.Identify(target=subject, choices=[offered[0].selection])  # "is the animal a dog?"
    choices, joins = [offered[0].selection], []
    for before, after in zip(offered, offered[1:], strict=False):
        join = " ".join(tokens[before.end : after.start])
        if join not in ("", "a", "an", "or", "or a", "or an", "or the"):
            break
        choices.append(after.selection)
        joins.append(join)
    if not joins or not joins[-1].startswith("or") or " ".join(tokens[offered[len(choices) - 1].end :]):
        return None
    return p.Identify(target=subject or p.Selection(), choices=choices)


CLOTHING = (
    r"\b(?:suit|spacesuit|shirt|t-shirt|tshirt|jersey|jacket|coat|dress|blouse|sweater|jumper|hoodie|uniform|trousers|"
    r"pants|jeans|shorts|skirt|clothes|clothing|outfit|costume|hat|cap|helmet|scarf|vest|overalls)\b"
)
ACTIVITY = re.compile(
    r"\b(wearing|wear|holding|hold|carrying|carry|doing|eating|drinking|playing|reading|writing|looking at|"
    r"watching|thinking|saying|talking|using|riding|driving|throwing|kicking|catching|sleeping|running|walking|"
    r"sitting|standing|waiting|working|cooking|dressed|wears|holds|carries)\b"
)


POSITION_WORDS = {
    "left": "left", "right": "right", "top": "top", "bottom": "bottom", "upper": "top", "lower": "bottom",
    "middle": "middle", "centre": "middle", "center": "middle", "higher": "top",
}  # fmt: skip
# Words around a choice that name no value: "a little one or a big one", "the upper or the lower half".
CHOICE_FILLER = {
    "a", "an", "the", "one", "ones", "of", "on", "in", "at", "to", "towards", "side", "half", "part", "hand",
    "left-hand", "right-hand", "items", "item", "things", "thing", "shapes", "objects", "solids", "figures",
}  # fmt: skip
DEFINITE = r"^(?:is|are|was|were|does|do) (?:the|this|that|these|those|its|his|her|their|it)\b"


def _attribute_family(word: str) -> tuple[str, str] | None:
    """('size', 'large') for 'big', ('colour', 'navy'), ('shape', 'rectangle') for 'oblong', ..."""
    from argus.agent.core.lexicon import SHAPE_WORDS

    for family, table in (
        ("position", POSITION_WORDS),
        ("size", SIZE_WORDS),
        ("colour", COLOUR_WORDS),
        ("shape", SHAPE_WORDS),
    ):
        if word in table:
            return family, table[word]
    return None


def _offered(tokens: list[str], at: int) -> tuple[str, str] | None:
    """The two words a question offers around the 'or' at token ``at`` (fillers skipped)."""
    before = [t for t in tokens[:at] if t not in CHOICE_FILLER]
    after = [t for t in tokens[at + 1 :] if t not in CHOICE_FILLER]
    if not before or not after:
        return None
    left = " ".join(before[-2:]) if _attribute_family(" ".join(before[-2:])) else before[-1]
    right = " ".join(after[:2]) if _attribute_family(" ".join(after[:2])) else after[0]
    return left, right


def _choice(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    """'Is the dog on the left or the right?', 'Is the oblong big or small?', 'Is the figure a rectangle
    or a star?', 'Is the horse orange or black?': the value of that attribute, between those offered."""
    if "or" not in tokens:
        return None
    offered = _offered(tokens, tokens.index("or"))
    if offered is None:
        return None
    first, second = (_attribute_family(w) for w in offered)
    if first is None or second is None or first[0] != second[0]:
        return None
    family = first[0]
    if family != "position" and not re.match(DEFINITE, text):
        return None  # "are there red or blue cars?" asks whether there are any
    offered_at = {i for i, t in enumerate(tokens) if t in offered or " ".join(tokens[i : i + 2]) in offered}
    target = next(
        (
            m.selection
            for m in mentions
            if m.start not in offered_at and (m.selection.label is not None or m.selection.category)
        ),
        None,
    )
    if target is not None and family == "position":
        target = target.model_copy(update={"rank": None, "position": None})
        after = max(offered_at) + 1
        anchor = next((m for m in mentions if m.start > after and m.selection != target), None)
        if anchor is not None and "of" in tokens[after : anchor.start]:
            # "is the spoon to the left or the right of the cup?": which side of the cup it is on
            sides = {"left": "left_of", "right": "right_of", "top": "above", "bottom": "below"}
            offered_sides = [sides[c] for c in (first[1], second[1]) if c in sides]
            return p.Relate(subject=target, object=anchor.selection, choices=offered_sides)  # type: ignore[arg-type]
    target = target or p.Selection(label="object", rank="largest")
    return p.Attribute(target=target, attribute=family, choices=[first[1], second[1]])  # type: ignore[arg-type]


def _relation_choice(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'Is the triangle above or below the rectangle?', 'are the people in front of the bus or behind
    it?', 'is the cat on or under the table?': which of the two offered relations holds."""
    if " or " not in text or not YES_NO_START.match(text):
        return None
    spans = [(_token_offset(text, m.start), _token_offset(text, m.end)) for m in mentions if m.end > m.start]
    offered = re.search(
        rf"\b({_RELATION}) (?:((?:the |a |an |this |that )?[a-z]+(?: [a-z]+){{0,2}}) )?or ({_RELATION})\b(?! than)",
        text,
    )
    sizes = re.search(r"\b(bigger|larger|smaller) or (bigger|larger|smaller) than\b", text)
    if sizes:  # "is the dog bigger or smaller than the cat?"
        offered = sizes
        first, second = (RELATIONS[f"{w} than"] for w in sizes.groups())
    elif offered is None or any(a <= offered.start() < b for a, b in spans):
        return None
    else:
        first, second = RELATIONS[offered.group(1)], RELATIONS[offered.group(3)]
    if first == second:
        return None
    before = [m for m in mentions if _token_offset(text, m.start) < offered.start()]
    after = [m for m in mentions if _token_offset(text, m.start) > offered.start(1)]
    if not before or not after:
        return None
    return p.Relate(subject=before[-1].selection, object=after[0].selection, choices=[first, second])


PLACE_ASKED = re.compile(
    r"^(?:(?:sit|sits|lie|lies|stand|stands|appear|appears|rest|rests|located|placed|found|positioned) )?"
    r"(?:on|at|in|near|towards|toward|to) (?:the )?(?:far |very )?(left|right|top|bottom|upper|lower|middle|centre|center)"
    r"(?:[- ]hand)?(?: side| half| part| edge| corner| end| area)?(?: of (?:the )?(?:image|picture|photo|frame|scene))?$"
)


def _attribute_check(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'Is the yellow shape big?', 'Is the navy figure an oblong?', 'Is the box near the bottom of the
    picture?', 'Does the cup sit on the right-hand side?': whether the thing has that size, shape or place."""
    if not mentions or not re.match(DEFINITE, text):
        return None
    first = mentions[0]
    rest = (
        [t for t in tokens[first.end :] if t not in ("one", "in", "size")] if first.end < len(tokens) else []
    )
    words = " ".join(tokens[first.end :])
    selection = first.selection
    placed = PLACE_ASKED.match(words)
    own_place = re.search(
        r" (?:on|at|in) the (?:far |very )?(left|right|top|bottom|middle|centre|center)(?:-hand)?(?: side| half| part)?(?: of (?:the )?\w+)?$",
        " ".join(tokens[first.start : first.end]),
    )
    if placed or (own_place and not words):
        side = (placed or own_place).group(1)  # type: ignore[union-attr]
        target = selection.model_copy(update={"rank": None, "position": None}) if own_place else selection
        return p.Attribute(target=target, attribute="position", expected=POSITION_WORDS[side])
    asked = " ".join(t for t in rest if t not in ("a", "an"))
    family = _attribute_family(asked) if asked else None
    if family is None and len(mentions) > 1 and mentions[1].known:
        return None
    if family is not None and family[0] in ("size", "shape"):
        return p.Attribute(target=selection, attribute=family[0], expected=family[1])  # type: ignore[arg-type]
    return None


# Which row or column: 1 is the top (or left) one, -1 the last.
LINE_INDEX = {
    "top": 1, "upper": 1, "first": 1, "left": 1, "leftmost": 1, "second": 2, "third": 3, "fourth": 4,
    "fifth": 5, "bottom": -1, "lower": -1, "last": -1, "right": -1, "rightmost": -1,
}  # fmt: skip
POSTURES = r"(?:standing|sitting|lying|resting|parked|placed|perched|hanging|mounted|shown|visible|located)"


def _what_place(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'What is in the middle?', 'What is standing on the launch pad in the middle?': the thing at a
    place in the picture, whatever it stands on."""
    match = re.search(
        rf"^(?:what|which (?:object|thing|item)s?)(?:'s| is| are)(?: {POSTURES})?\b.*?"
        r"(?:on|at|in) the (?:far |very )?(left|right|top|bottom|middle|centre|center)(?:-hand)?"
        rf"(?: side| half| part| edge)?(?: of (?:the )?{IMAGE})?$",
        text,
    )
    if match is None or any(m.known and m.selection.label not in (None, "object") for m in mentions):
        return None
    return p.Identify(target=p.Selection(position=POSITION_WORDS[match.group(1)]))  # type: ignore[arg-type]


def _name_of(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    """'What is the name of the dog?': a pet's own name, which no picture shows unless it is written (a
    person's name is refused before this; 'the name of this shape' asks what it is)."""
    if re.search(
        r"^what(?: is|'s| was) (?:the )?names? of (?:the|this|that|these|those) "
        r"(?:dog|dogs|cat|cats|horse|horses|puppy|kitten|pony|pet|pets)$",
        text,
    ):
        return p.Unanswerable(reason="no tool here can know a pet's name unless it is written in the picture")
    if re.search(rf"^what(?: is|'s| was) (?:the )?names? of (?:the|this|that) (?:{WRITTEN_NAMES})$", text):
        return p.Unanswerable(reason=p.NAME_ON_SIGN)  # "what's the name of the bakery?": its sign says
    return None


# Places and things whose name is written on them: a sign, a label, a cover.
WRITTEN_NAMES = (
    r"bakery|shop|store|restaurant|cafe|café|hotel|bar|pub|business|company|firm|street|road|avenue|station|"
    r"school|church|museum|bank|pharmacy|brand|magazine|newspaper|book|film|movie|band|team|building|market|"
    r"supermarket|gym|salon|clinic|hospital|theatre|theater|cinema|product|app|website"
)


def _activity(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'What is the astronaut holding?': what people wear, hold or do, which no tool here recognises."""
    match = re.search(r"^(?:what|which|how|why)\b", text)
    activity = ACTIVITY.search(text)
    if re.match(r"^what am i (?:looking at|seeing|watching)\b", text):
        return None  # asks what the picture shows
    if re.match(rf"^(?:what|which \w+) (?:is|are) {POSTURES}\b", text):
        return None  # "what is sitting on the table?" asks what is there, not what someone does
    in_hand = re.search(
        r"\b(?:have|has|got) in (?:his|her|its|their|the) (?:hands?|mouth|arms?|paws?|lap|teeth)\b", text
    )
    held = (
        activity
        if activity and activity.group(1) in ("holding", "hold", "holds", "carrying", "carry", "carries")
        else None
    )
    worn = re.search(r"\b(?:wearing|wears|dressed in|(?:have|has|got) on)\b", text)
    asks_worn = re.match(r"^what(?: clothes| clothing| kind of clothes)? (?:is|are|does|do)\b", text)
    if asks_worn and worn:
        after = [m for m in mentions if _token_offset(text, m.start) >= asks_worn.end()]
        wearer = _holder(text, tokens, after, worn.start())
        if wearer is not None:  # "what is the woman wearing?": her clothes, from her box
            return p.Identify(worn_by=wearer)
    holding = in_hand or held
    if match and holding:
        holder = _holder(text, tokens, mentions, holding.start())
        if holder is not None:  # "what is the man holding?": what lies on the holder's box
            return p.Identify(held_by=holder)
    if match and activity and not re.search(r"^how many\b", text):
        return p.Unanswerable(
            reason=f"no tool here recognises what people or animals are {activity.group(1)}"
        )
    return None


def _holder(text: str, tokens: list[str], mentions: list[Mention], at: int) -> p.Selection | None:
    """Who holds something in 'what is the man in red holding?': the thing named before the verb at
    character ``at``, or a person for 'he', 'she', 'they', 'someone'."""
    before = [m for m in mentions if _token_offset(text, m.start) < at]
    if before:
        return before[0].selection
    if re.search(r"\b(?:he|she|they|someone|somebody|anyone|anybody|everyone)\b", text[:at]):
        return p.Selection(label="person")
    return None


# Words after "what"/"which" that name no kind: "what is in the background?", "which object stands ..."
GENERIC_THINGS = frozenset(
    [
        "object",
        "objects",
        "thing",
        "things",
        "item",
        "items",
        "one",
        "ones",
        "shape",
        "shapes",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "do",
        "does",
        "did",
        "would",
        "stands",
        "stand",
        "sits",
        "sit",
        "lies",
        "lie",
        "appears",
        "appear",
        "seems",
        "looks",
        "look",
    ]
)


def _material(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'What is the table made of?': a material, which no tool here recognises (not what the thing is)."""
    if re.search(
        r"\b(?:made (?:of|from|out of)|built (?:of|from|out of)|what (?:material|materials|fabric))\b", text
    ):
        return p.Unanswerable(reason="no tool here recognises what things are made of")
    return None


def _depth(text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]) -> Any:
    """'Which object is closest to the camera?', 'what is in the foreground?': the thing nearest (or
    farthest), judged by where things stand in the picture."""
    match = re.search(
        r"^(?:what|which)\b.*?\b(?:(closest|nearest)|(farthest|furthest)) (?:to|from) (?:the )?"
        r"(?:camera|viewer|photographer|lens|front|us|me|you)\b"
        r"|^(?:what|which)\b.*?\bin the (?:(foreground|front)|(background|back|distance))\b",
        text,
    )
    if not match:
        return None
    named = re.match(r"^(?:what|which) (?:kind of |type of |sort of )?(\w+)\b", text)
    if named and named.group(1) not in GENERIC_THINGS and not any(m.start <= 1 < m.end for m in mentions):
        return None  # "what flag is in the background?": a kind no tool knows, not whatever stands farthest
    rank = "nearest" if match.group(1) or match.group(3) else "farthest"
    phrase = match.start(match.lastindex or 0)
    subject = next((m.selection for m in mentions if _token_offset(text, m.start) < phrase), None)
    target = (subject or p.Selection()).model_copy(update={"rank": rank})
    return p.Identify(target=target)


def _colour_image(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'Is this a colour photo?', 'Is the image black and white?'."""
    if not YES_NO_START.match(text):
        return None
    gray = r"(?:black and white|b&w|grayscale|greyscale|monochrome|gray ?scale)"
    if re.search(
        rf"\bcolou?r(?:ed)?(?: {IMAGE})? or (?:in )?{gray}\b|\b{gray}(?: {IMAGE})? or (?:in )?colou?r", text
    ):
        return p.Quality(aspect="colour", choice=True)  # "is this picture in colour or black and white?"
    if re.search(rf"\b{gray}\b", text) and re.search(rf"\b(?:this|it|the {IMAGE}|{IMAGE})\b", text):
        return p.Quality(aspect="grayscale")
    if re.search(
        rf"\b(?:a |in )?colou?r(?:ed)? (?:{IMAGE}|image)\b|\b(?:{IMAGE}|it) (?:in|a) colou?r\b|\bin colou?r$",
        text,
    ):
        return p.Quality(aspect="colour")
    return None


NUMBER = r"(\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|(?:a )?dozen|(?:a )?hundred|(?:a )?thousand)"


def _count_check(
    text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> Any:
    """'Are there more than 20 coins?', 'Are there exactly two cats?', 'Are there 3 people?', 'is the
    number of people even?'."""
    if not YES_NO_START.match(text):
        return None
    parity = re.search(
        r"\b(?:an? )?(even|odd) (?:number|count|amount)\b|\b(?:number|count) of .+ (even|odd)$", text
    )
    if parity and (mentions or unknown_noun(tokens, 0)):
        counted = mentions[0] if mentions else unknown_noun(tokens, 0)
        assert counted is not None
        return p.Compare(left=counted.selection, comparison=parity.group(1) or parity.group(2))  # type: ignore[arg-type]
    patterns: tuple[tuple[str, str], ...] = (
        (rf"\b(?:more than|over|greater than|above) {NUMBER}\b", "more"),
        (rf"\b(?:fewer than|less than|under|below) {NUMBER}\b", "fewer"),
        (rf"\bat least {NUMBER}\b", "at_least"),
        (rf"\bat most {NUMBER}\b|\bno more than {NUMBER}\b", "at_most"),
        (rf"\b(?:exactly|precisely|only|just) {NUMBER}\b", "same"),
        (
            rf"^(?:are|is|were) there {NUMBER}\b|\bdo you (?:see|count) {NUMBER}\b|\b(?:contain|contains|show|shows|have|has) {NUMBER}\b",
            "same",
        ),
    )
    for pattern, comparison in patterns:
        match = re.search(pattern, text)
        if match:
            word = next(g for g in match.groups() if g)
            value = number_value(word.removeprefix("a "))
            if value is None or (comparison == "same" and word in ("one",) and "exactly" not in text):
                continue
            counted = mentions[0] if mentions else unknown_noun(tokens, 0)
            if counted is None:
                return None
            return p.Compare(left=counted.selection, comparison=comparison, than=value)  # type: ignore[arg-type]
    return None


# Words a yes/no question may end with that ask nothing of the image.
IDLE_WORDS = {
    "here", "there", "now", "visible", "present", "shown", "seen", "pictured", "depicted", "anywhere", "at",
    "all", "in", "on", "of", "the", "this", "image", "picture", "photo", "photograph", "scene", "frame", "shot",
    "please", "too", "also", "somewhere", "around", "inside", "within", "a", "an", "any", "some", "you", "can",
    "see", "spot", "find", "notice", "detect", "is", "are", "it", "that", "exist", "exists", "part", "be", "one",
    "include", "included", "includes", "contain", "contains", "appear", "appears", "we", "have", "yes", "or", "no",
    "view", "sight", "to", "found", "for", "me", "its", "there's",
}  # fmt: skip
# Phrases around a yes/no question that ask nothing themselves.
ASK_PREFIX = (
    r"^(?:yes or no:?|quick check:?|tell me (?:if|whether)|i want to know (?:if|whether)|can you tell me (?:if|whether)|"
    r"could you check (?:if|whether)|please check (?:if|whether)|check (?:if|whether)|"
    r"do you know (?:if|whether))\s*"
)


def _unchecked(rest: list[str], later: list[Mention]) -> str | None:
    """What a yes/no question asks after its subject that no op checks: 'sleeping', 'parked on a street'."""
    words = [w for w in rest if w not in IDLE_WORDS]
    # "does anyone have a backpack?": what someone has is asked too, not a second thing to look for
    if not words or (later and not (ACTIVITY.search(" ".join(rest)) or rest[0] in ("have", "has", "having"))):
        return None
    phrase = " ".join(rest).strip()
    # "is the writing on this paper handwritten?": where the subject is only places it
    phrase = re.sub(
        r"^((?:is|are|was|were) )?(?:on|in) (?:this|the|that) (?:paper|page|sheet|picture|image|photo|photograph|sign|card)"
        r"(?: of paper)? (?=\w)",
        lambda m: m.group(1) or "",
        phrase,
    )
    return phrase[:200] or None


FORMS: tuple[tuple[str, Any], ...] = (
    ("rules", _rules),
    ("finding", _finding),
    ("part_colour", part_colour),
    ("text_colour", text_colour),
    ("garment_colour", garment_colour),
    ("text", _text),
    ("pose", pose),
    ("falls", _falls),
    ("relation_choice", _relation_choice),
    ("choice", _choice),
    ("attribute_check", _attribute_check),
    ("colour_image", _colour_image),
    ("scene", _scene),
    ("quality", _quality),
    ("body_part", _body_part),
    ("modality", _modality),
    ("describe", _describe),
    ("count_except", _count_except),
    ("arithmetic", _arithmetic),
    ("count_check", _count_check),
    ("colour_count", _colour_count),
    ("compare", _compare),
    ("negated", _negated),
    ("material", _material),
    ("depth", _depth),
    ("name_of", _name_of),
    ("what_place", _what_place),
    ("support", _support),
    ("activity", _activity),
    ("what_relation", _what_relation),
    ("relate", _relate),
    ("attribute", _attribute),
    ("identify", _identify),
    ("count", _count),
    ("who_is_there", _who_is_there),
    ("assess", _assess),
    ("triage", _triage),
    ("alternatives", _alternatives),
    ("exists", _exists),
)


# -------------------------------------------------------------------------- helpers
def _resolve_pronouns(text: str, mentions: list[Mention], previous: p.Program | None) -> list[Mention]:
    """'and how many of them are near the bus?': 'them' is what the previous question was about."""
    if previous is None or not re.search(r"\b(them|they|those|these|it|its|their|ones)\b", text):
        return mentions
    before = _main_selection(previous.root)
    if before is None:
        return mentions
    pronoun = re.search(r"\b(them|they|those|these|it|its|their|ones)\b", text)
    assert pronoun is not None
    offset = pronoun.start()
    if mentions and _token_offset(text, mentions[0].start) < offset:
        return mentions
    return [Mention(0, 0, before), *mentions]


def _main_selection(op: Any) -> p.Selection | None:
    for name in ("target", "subject", "left"):
        value = getattr(op, name, None)
        if isinstance(value, p.Selection) and (value.label or value.category):
            return value.model_copy(update={"relation": None})
    inner = getattr(op, "inner", None)
    return _main_selection(inner) if inner is not None else None


def _fallback(
    question: str, text: str, tokens: list[str], mentions: list[Mention], slots: Any, image: dict[str, Any]
) -> tuple[Any, str]:
    """What no form read: the nearest example question by meaning decides, above a similarity floor."""
    from argus.agent.planner.intents import nearest_op

    op = nearest_op(question, mentions)
    if op is not None:
        return op, "embedding"
    return p.Unanswerable(reason="no form of question matched"), "none"


def domain_for(explicit: str | None, slots: slot_parser.Slots, op: Any, image: dict[str, Any]) -> Domain:
    """The domain: as given, else from the program and the image (DICOM is medical) and the question's words."""
    if explicit in ("general", "medical", "security"):
        return explicit  # type: ignore[return-value]
    if isinstance(op, p.Triage) or image.get("format") == "DICOM":
        return "medical"
    if isinstance(op, p.Assess) or image.get("zones"):
        return "security"
    target = getattr(op, "target", None)
    if isinstance(target, p.Selection) and target.state == "fallen":
        return "security"
    if isinstance(op, p.Rules) and op.domain:
        return op.domain
    if isinstance(
        op,
        p.ReadText
        | p.TextContains
        | p.Title
        | p.Describe
        | p.Modality
        | p.Quality
        | p.Identify
        | p.Attribute,
    ):
        return "general"  # about the image itself, whatever words it quotes
    if (
        slots.medical_words > slots.security_words
        and slots.medical_words > 0
        and not isinstance(op, p.Modality)
    ):
        return "medical"
    if slots.security_words > 0 or slots.requests.get("face_identification") or slots.requests.get("emotion"):
        return "security"
    return "general"
