"""Running a program: each op asks the tools it needs (through the toolbox, so every call is cached,
traced and its items carry evidence ids), reasons over what they saw, and answers.

An answer is what a careful person would say: the first sentence answers the question (Yes/No or
"I can't tell", the number, the colour, the name), one or two sentences say why with citations, and
caveats come last. ``short_answer`` is what a VQA benchmark would score ("yes", "4", "blue", "CT").
No backend name, version, metric name or Python repr ever reaches the prose.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from argus.agent.core import program as p
from argus.agent.core.answer import Caller
from argus.agent.core.fact_words import fact_in_words, facts_in_words
from argus.agent.core.finding import Finding, verdict
from argus.agent.core.garment_colour import garment_colour
from argus.agent.core.lexicon import (
    ACHROMATIC,
    COLOUR_WORDS,
    OWN_NAME_SHADES,
    REGION_NOUNS,
    SHAPES,
    UNSEEABLE,
    WH_START,
    YES_NO_START,
    colours_match,
    shape_matches,
)
from argus.agent.core.main_object import everyday_word, stands_for
from argus.agent.core.part_colour import image_part_colour
from argus.agent.core.text_answer import answer_from_lines, rows
from argus.agent.core.text_colour import TEXT_GROUNDS, ground_colour, text_colour
from argus.agent.core.things import (
    Thing,
    as_things,
    by_rank,
    describe_place,
    filter_things,
    name_objects,
    relation_holds,
    same_thing,
    source_for,
)
from argus.agent.core.whole_object import GAP, asks_whole, lie_together, whole_answer
from argus.tools import box_geometry as geometry
from argus.tools.categories import category_of, labels_in
from argus.tools.coco import COCO_80
from argus.tools.garments import GARMENTS
from argus.tools.image_parts import PARTS as IMAGE_PARTS
from argus.tools.words import count_phrase, first_name, join_words, plural

if TYPE_CHECKING:
    from argus.agent.core.toolbox import Toolbox

LOW_CONFIDENCE = 0.5  # detections below this score are spoken of as "possibly"
# Categories of the classifier's classes that hold things up: a tripod, a bench, a table, a pedestal.
SUPPORTS = frozenset(["furniture", "device", "structure", "container"])
CONTENTS_FLOOR = 0.15  # a food or drink the classifier gives a container's box less than this is not said
GENDERED = re.compile(
    r"\b(?:men|women|man|woman|boys?|girls?|lad(?:y|ies)|gentlem[ae]n|guys?|females?|males?)\b"
)
# The security rules that judge one kind of incident, and what their firing means.
INCIDENT_RULES = {
    "unattended": ("SEC-UNATT",),
    "loitering": ("SEC-LOITER",),
    "weapon": ("SEC-WEAPON",),
    "crowd": ("SEC-CROWD",),
    "intrusion": ("SEC-INTRUSION", "SEC-ZONE"),
}
INCIDENT_WORDS = {
    "unattended": "unattended-object",
    "loitering": "loitering",
    "weapon": "weapon",
    "crowd": "crowd",
    "intrusion": "intrusion",
}
# The body part a kind of image always shows.
PART_OF_KIND = {"fundus photo": ("eye", "the eye, its retina")}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
LOOK_AGAIN_FLOOR = 0.25  # a thing asked for by name that the first look missed is looked for down to this
REGION_CITE_LIMIT = 500  # the segment tool's own maximum
CLASSIFIER_FLOOR = 0.08  # an ImageNet class below this probability is not offered as an answer
CLASSIFIER_UNSURE = 0.2  # an identification this probable or less is offered as "possibly"
COLOUR_SHARE = 0.05  # a colour covering less of the picture than this is not counted as one of its colours
CAPABILITIES = (
    "I can count and locate the 80 COCO object classes, read text, describe the scene, name colours and "
    "shapes, tell people's posture and which way they face, check image quality, tell the kind of scan, detect falls, segment regions, and apply the medical "
    "and security rule packs."
)
CANNOT_ANSWER = f"I can't answer that from an image: no tool here does. {CAPABILITIES}"
# Words of a question a notice, a label or a page may answer ("where should you sign up?", "is parking
# free?"): only then is the text read for a question no form reads, unless it was read already.
READING_CUE = re.compile(
    r"\b(?:sign|signs|say|says|said|written|write|read|reads|text|label|menu|ticket|notice|poster|page|"
    r"schedule|timetable|hours|opens?|closed?|closes|price|prices|cost|costs|fee|free|allowed|permitted|"
    r"forbidden|date|when|where|how often|how much|how long|number|code|name|called|address|phone|email|"
    r"website|brand|title|deadline|minutes|daily|every|leave|leaves|arrive|arrives|parking|must|has to|"
    r"have to|required|need to|worn|wear|time|starts?|begins?|ends?|finish(?:es)?|served|bring|should|first|"
    r"next|then|street|road|avenue|route|destination|platform|gate|exit|discount|sale|off|percent|speed|limit|"
    r"shop|store|restaurant|company|cafe|hotel|station|city|town)\b"
)
CANNOT_TELL = f"I can't tell: no tool here can answer that from an image. {CAPABILITIES}"
PRIVACY = {
    "face_identification": "identify people",
    "emotion": "infer emotions",
    "sensitive_attribute": "infer sensitive attributes such as age, gender, ethnicity, religion, health or orientation",
}
# The tools in plain words, for sentences about them.
TOOL_WORDS = {
    "detect_objects": "object detector", "detect_falls": "fall detector", "segment": "segmentation",
    "describe_image": "describer", "classify_image": "image classifier", "estimate_pose": "pose estimator", "read_text": "text reader",
    "assess_quality": "quality check", "analyze_colors_shapes": "colour and shape analysis",
    "classify_modality": "modality classifier", "classify_chest_xray": "chest X-ray classifier",
    "search_rules": "rule search", "evaluate_rules": "rule engine",
}  # fmt: skip
# DICOM Modality codes in plain words, and the short answer for each.
MODALITY_WORDS = {
    "CT": ("a CT scan", "CT"), "MR": ("an MRI scan", "MRI"), "CR": ("an X-ray (computed radiography)", "X-ray"),
    "DX": ("an X-ray (digital radiography)", "X-ray"), "MG": ("a mammogram", "mammogram"),
    "US": ("an ultrasound image", "ultrasound"), "NM": ("a nuclear medicine image", "nuclear medicine"),
    "PT": ("a PET scan", "PET"), "XA": ("an X-ray angiogram", "angiogram"), "RF": ("a fluoroscopy image", "fluoroscopy"),
    "OP": ("an ophthalmic (fundus) photograph", "fundus photograph"), "SM": ("a microscopy slide", "microscopy"),
    "OT": ("an image of an unspecified kind", "other"), "SC": ("a secondary capture", "other"),
}  # fmt: skip


class ProgramResult(BaseModel):
    """What ``run_program`` returns: the answer text, its short answer, and the program that made it."""

    short_answer: str | None = Field(
        description="What a VQA benchmark would score: 'yes', '4', 'blue', 'CT'."
    )
    text: str = Field(
        description="The answer: the first sentence answers, then why with citations, then caveats."
    )
    program: dict[str, Any]

    def summary(self) -> str:
        short = f"Short answer: {self.short_answer}\n" if self.short_answer is not None else ""
        return f"{short}{self.text}"


class Executor:
    """Runs one program for the question the toolbox is answering."""

    def __init__(self, toolbox: Toolbox, caller: Caller, by: str | None = None) -> None:
        self.toolbox = toolbox
        self.caller = caller
        self.by = by
        self.width = float(toolbox.image.width)
        self.height = float(toolbox.image.height)
        self.diagonal = math.hypot(self.width, self.height)
        self.failed: list[str] = []
        self._results: dict[str, Any] = {}

    # ------------------------------------------------------------------ run
    def run(self, program: p.Program) -> ProgramResult:
        root = program.root
        finding = self.evaluate(root)
        policy = self.toolbox.policy
        sentences = [finding.lead, *finding.why]
        own_flow = policy.flow_op == root.op
        if policy.name != "general" and root.op not in ("rules", "refuse", "unanswerable") and not own_flow:
            policy.ground(self.toolbox, refused=False)
            sentences += policy.rule_sentences(self.toolbox, self.toolbox.facts_context.stated)
        sentences += finding.caveats
        if policy.name != "general" and root.op not in ("refuse", "unanswerable", "rules"):
            sentences += [c for c in policy.caveats(self.toolbox) if c not in sentences]
        sentences += [
            f"The {TOOL_WORDS.get(name, 'tool')} failed, so this answer lacks its evidence."
            for name in dict.fromkeys(self.failed)
        ]
        text = " ".join(s.strip() for s in sentences if s and s.strip())
        return ProgramResult(short_answer=finding.short, text=text, program=program.dump())

    def evaluate(self, op: Any) -> Finding:
        handler: Callable[[Any], Finding] = getattr(self, f"_op_{op.op}")
        return handler(op)

    # ---------------------------------------------------------------- tools
    def call(self, tool: str, args: dict[str, Any] | None = None) -> Any:
        """A tool's result through the toolbox (cached per program), or None when it failed."""
        key = tool + repr(sorted((args or {}).items()))
        if key not in self._results:
            _, result, step = self.toolbox.run(tool, args or {}, self.caller, self.by)
            if step.error:
                self.failed.append(tool)
                result = None
            self._results[key] = result
        return self._results[key]

    def things(self, source: str, selection: p.Selection | None = None) -> list[Thing] | None:
        """Everything the source's tool saw, as things; None when the tool failed."""
        if source == "detections":
            result = self.call("detect_objects")
            return None if result is None else as_things(result.items(), coco_category)
        if source == "shapes":
            result = self.call("analyze_colors_shapes")
            return None if result is None else [t for t in as_things(result.shapes) if t.label != "other"]
        if source == "objects":
            found = self.call("find_objects")
            result = self.call("detect_objects")
            detected = [] if result is None else as_things(result.items(), coco_category)
            if found is not None and found.count is not None:
                return name_objects(as_things(found.objects), detected)  # on a plain background
            return None if result is None else detected
        if source == "regions":
            result = self.call("segment", {"mode": "regions", "max_masks": REGION_CITE_LIMIT})
            return None if result is None else as_things(result.items())
        if source == "falls":
            result = self.call("detect_falls")
            return (
                None
                if result is None
                else [t for t in as_things(result.items()) if t.label.lower() == "fall"]
            )
        return []

    def select(self, selection: p.Selection) -> tuple[str, list[Thing] | None]:
        """(source, the things that meet the selection); the things are None when the tool failed."""
        source = source_for(selection, COCO_80)
        if source in ("unseeable", "classifier", "text"):
            return source, []
        if source == "detections" and selection.shape:
            # "a ball": the detector's sports ball, else a sphere among the things on a plain background
            chosen = self._chosen(source, selection)
            if chosen:
                return source, chosen
            return self.select(selection.model_copy(update={"label": None}))
        return source, self._chosen(source, selection)

    def _chosen(self, source: str, selection: p.Selection) -> list[Thing] | None:
        found = self.things(source, selection)
        if found is None:
            return None
        if selection.colour and source in ("detections", "objects", "regions"):
            self.name_colours(found)
        related = None
        if selection.relation is not None:
            _, related = self.select(selection.relation.to)
            related = related or []
        members = self.zone_members(selection.zone) if selection.zone else None
        category = (
            tuple(labels_in(selection.category)) if selection.category and source == "detections" else None
        )
        return filter_things(
            found,
            selection,
            width=self.width,
            height=self.height,
            related=related,
            zone_members=members,
            category_labels=category,
        )

    def name_colours(self, things: list[Thing]) -> None:
        """Give each boxed thing the colour of its own pixels (the colour tool's region mode)."""
        todo = [t for t in things if t.box and t.colour is None]
        if not todo:
            return
        regions = [{"box": t.box, "source": t.id, "label": t.label} for t in todo]
        result = self.call("analyze_colors_shapes", {"regions": regions, "shapes": False})
        if result is None:
            return
        by_source = {k.source: k for k in result.object_colours}
        for thing in todo:
            colour = by_source.get(thing.id)
            if colour is not None:
                thing.colour, thing.shade, thing.colour_id = colour.label, colour.shade, colour.id
                thing.second_colour = colour.second_colour
                thing.cites = [thing.id, colour.id]

    def zone_members(self, zone: str) -> set[str]:
        """Ids of the things standing in the zone (named, or every zone with that attribute)."""
        self.toolbox.current_facts()  # makes the zone hits (Z items) for what was detected
        from argus.tools.evidence import ZoneHit

        hits = [i for i in self.toolbox.ledger.items() if isinstance(i, ZoneHit)]
        return {h.source for h in hits if h.zone == zone or zone in h.attributes}

    def zone_hits(self, zone: str, ids: list[str]) -> list[str]:
        from argus.tools.evidence import ZoneHit

        return [
            i.id
            for i in self.toolbox.ledger.items()
            if isinstance(i, ZoneHit) and (i.zone == zone or zone in i.attributes) and i.source in ids
        ]

    # ------------------------------------------------------------- presence
    def _op_exists(self, op: p.Exists) -> Finding:
        if op.any_of:
            return self._exists_any([op.target, *op.any_of], op.unchecked)
        if op.target.rank and op.target.colour and not op.unchecked:
            # "is the top-left square black?": the colour of the one ranked thing, not whether one is black
            plain = op.target.model_copy(update={"colour": None})
            return self._op_attribute(
                p.Attribute(target=plain, attribute="colour", expected=op.target.colour)
            )
        asked = re.fullmatch(r"(?:is|are) (\w+)", op.unchecked or "")
        colour = COLOUR_WORDS.get(asked.group(1)) if asked else None
        subject = op.target.label or ""
        if colour and source_for(op.target, COCO_80) == "classifier" and self._main_subject(subject):
            return self._subject_colour_check(subject, colour)  # "is the gift blue?" on a product shot
        found = self._exists(op.target)
        if op.unchecked and found.value is not None:
            found = self._unchecked(op, found)
        if op.unchecked and found.short is None and source_for(op.target, COCO_80) == "classifier":
            # "is the bakery open on Sundays?": a thing no tool sees, whose notice may say
            question = self.toolbox.question.strip().lower()
            return (READING_CUE.search(question) and self._answer_from_text(question)) or found
        return found

    def _exists_any(self, targets: list[p.Selection], unchecked: str | None) -> Finding:
        """'Is there a dog or a cat?': yes when one of them is there, saying which."""
        findings = [(target, self._exists(target)) for target in targets]
        present = [(target, f) for target, f in findings if f.value]
        absent = [_noun(target) for target, f in findings if f.value is False]
        if present:
            said = join_words(
                [
                    f.lead.split(", there ", 1)[-1].rstrip(".").replace("is ", "", 1).replace("are ", "", 1)
                    for _, f in present
                ]
            )
            none = f" (no {join_words([plural(a) for a in absent], 'or')})" if absent else ""
            return Finding("yes", f"Yes: {said}{none}.", value=True)
        if all(f.value is False for _, f in findings):
            return Finding(
                "no",
                f"No, I see neither {join_words([plural(_noun(t)) for t in targets], 'nor')}.",
                findings[0][1].why,
                findings[0][1].caveats,
                value=False,
            )
        return next(f for _, f in findings if f.value is None)

    def _unchecked(self, op: p.Exists, found: Finding) -> Finding:
        """The thing is there (or not), but the rest of the question no tool can check."""
        one = _noun(op.target)
        noun = plural(one) if _plural_statement(op.unchecked or "") else one
        if found.value is False and source_for(op.target, COCO_80) == "classifier":
            # the classifier names one thing in the picture: not naming a road says little about a wet one
            seen = found.lead.removeprefix("No, probably not: ")
            return Finding(
                None,
                f"I can't tell whether the {noun} {op.unchecked}: no tool here checks that.",
                [f"{seen[0].upper()}{seen[1:]}", f"The object detector has no class for {plural(one)}."],
                value=None,
            )
        if found.value is False:
            return found
        rest = re.sub(r"^Yes(?:, possibly)?[,:]?\s*(?:there (?:is|are) )?", "", found.lead).rstrip(".")
        seen = f"the {noun}: {rest}" if rest.startswith(("it ", "they ")) else rest
        from argus.agent.core.clothing import wears

        ridden = self._riding(op) or self._held(op) or wears(self, op)
        if ridden is not None:
            return ridden
        doing = op.unchecked or ""
        if re.match(r"^\w+ing\b", doing):  # "riding a bike" -> "is riding a bike"
            doing = f"is {doing}"
        seen = re.sub(r"^probably: ", "", seen)
        return Finding(
            None,
            f"I can't tell whether the {noun} {doing}: no tool here checks that.",
            [f"{_cap(seen)}." if seen.startswith("the image classifier") else f"I do see {seen}."],
            value=None,
        )

    def _riding(self, op: p.Exists) -> Finding | None:
        """'Is anyone riding a bike?': no when no such thing is seen, yes when a person's box stands on
        one's; None when the question asks something else (a bus's driver sits inside it, out of view)."""
        from argus.tools.coco import match_label

        asked = re.match(
            r"^(?:is |are )?(?:riding|driving|on|sitting on|mounted on) (?:a|an|the|any|some) (\w+)$",
            op.unchecked or "",
        )
        vehicle = match_label(asked.group(1), COCO_80) if asked else None
        if op.target.label != "person" or vehicle not in RIDDEN:
            return None
        _, people = self.select(op.target)
        _, vehicles = self.select(p.Selection(label=vehicle))
        if people is None or vehicles is None:
            return None
        if not vehicles:
            return verdict(
                False,
                f", I don't see {_any(vehicle, p.Selection(label=vehicle))} to ride.",
                caveats=self._absence_caveat("detections"),
            )
        on = [(person, ride) for person in people for ride in vehicles if _rides(person.box, ride.box)]
        if on:
            person, ride = on[0]
            return verdict(True, f", probably: a person [{person.id}] is on the {vehicle} [{ride.id}].")
        return verdict(
            False,
            f", probably not: no person is on the {vehicle} {_cite_things(vehicles)}.",
            caveats=["This rests on where the boxes are: no tool here recognises riding."],
        )

    def _held(self, op: p.Exists) -> Finding | None:
        """'Is anyone wearing a tie?', 'is the man holding an umbrella?': the thing is one the detector knows,
        so no when none is seen, and yes when one lies over a person's box; None for anything else."""
        from argus.tools.coco import match_label

        asked = re.match(
            r"^(?:is |are )?(wearing|holding|carrying|using|wielding|has|have|with) (?:(?:a|an|the|any|some|his|her|their) )?"
            r"(\w+(?: \w+)?)$",
            op.unchecked or "",
        )
        thing = match_label(asked.group(2), COCO_80) if asked else None
        if op.target.label != "person" or asked is None or thing is None or thing == "person":
            return None
        _, people = self.select(op.target)
        _, things = self.select(p.Selection(label=thing))
        if people is None or things is None:
            return None
        if not things:  # small things worn or held score low: look again for this one, less strictly
            things = self._look_again(p.Selection(label=thing))
        if not things:
            seen = (
                f"I see {len(people)} {plural('person', len(people))} {_cite_things(people)}."
                if people
                else ""
            )
            return verdict(
                False,
                f", I don't see {_any(thing, p.Selection(label=thing))}.",
                [seen] if seen else [],
                self._absence_caveat("detections"),
            )
        on = [
            (person, held)
            for person in people
            for held in things
            if person.box and held.box and geometry.covered(held.box, person.box) >= 0.5
        ]
        basis = "This rests on where the boxes are: no tool here recognises what people wear or hold."
        if on:
            person, held = on[0]
            sure = held.score is None or held.score >= LOW_CONFIDENCE
            said = (
                f"probably: {_article(thing)}" if sure else f"possibly: {_article(thing)} ({held.score:.2f})"
            )
            return verdict(True, f", {said} [{held.id}] is on a person [{person.id}].", caveats=[basis])
        whom = "the person" if len(people) == 1 else "any of the people"
        return verdict(
            False,
            f", probably not: the {plural(thing, len(things))} seen {_cite_things(things)} "
            f"{'does' if len(things) == 1 else 'do'} not lie on {whom} {_cite_things(people)}.",
            caveats=[basis],
        )

    def _exists(self, target: p.Selection) -> Finding:
        noun = _noun(target)
        source, things = self.select(target)
        if source == "unseeable":
            return Finding(
                None,
                f"I can't tell: no tool here can see {UNSEEABLE[target.label or '']}, so not seeing any does not "
                "mean there are none.",
            )
        subject = target.label or target.category
        if source == "classifier" and target.colour and subject and self._main_subject(subject):
            return self._subject_colour_check(subject, target.colour)
        if source == "classifier":
            return self._classifier_presence(target)
        if source == "text":
            return self._text_presence()
        if things is None:
            return Finding(None, f"I can't tell: the tool that looks for {plural(noun)} failed.")
        word = self._everyday_main(target) if target.colour and not things else None
        if word and target.colour:  # "is the box blue?" on a product shot of one box
            return self._subject_colour_check(word, target.colour)
        if things:
            sure = [t for t in things if t.score is None or t.score >= LOW_CONFIDENCE]
            phrase = self._phrase(things, target)
            if sure:
                verb = "is" if len(things) == 1 else "are"
                return Finding(
                    "yes", f"Yes, there {verb} {phrase}.", self._colour_why(things, target), value=True
                )
            best = max(things, key=lambda t: t.score or 0.0)
            return Finding(
                "yes",
                f"Yes, possibly: the detector sees {phrase}, with low confidence ({best.score:.2f}).",
                value=True,
            )
        if asks_whole(target, "exists", False) and self._in_pieces():  # "is the logo a circle?"
            answered = whole_answer(self.call("find_objects"), target, "exists", False)
            if answered:
                return Finding(answered[0], answered[1], answered[2], value=answered[0] == "yes")
        closer = self._look_again(target) if source == "detections" else []
        if closer:
            best = max(closer, key=lambda t: t.score or 0.0)
            return Finding(
                "yes",
                f"Yes, possibly: looking again, the detector sees {self._phrase(closer, target)}, with low "
                f"confidence ({best.score or 0:.2f}).",
                value=True,
            )
        return Finding(
            "no",
            f"No, I don't see {_any(noun, target)}.",
            self._instead(source, target),
            self._absence_caveat(source),
            value=False,
        )

    def _look_again(self, target: p.Selection) -> list[Thing]:
        """A thing asked for by name that the first look missed, looked for again less strictly: small
        things (a tie, a phone) often score just under the detector's threshold. Only a bare name: a colour,
        place or relation is checked on what the first look found."""
        bare = target.model_copy(update={"label": None, "category": None})
        if target.label not in COCO_80 or bare != p.Selection():
            return []
        result = self.call("detect_objects", {"labels": [target.label], "min_score": LOOK_AGAIN_FLOOR})
        return [] if result is None else as_things(result.items(), coco_category)

    def _classifier_presence(self, target: p.Selection) -> Finding:
        noun = target.label or target.category or "that"
        labels = self._classifier_labels()
        if labels is None:
            return Finding(
                None,
                f"I can't tell: the image classifier failed, and the detector has no class for {plural(noun)}.",
            )
        hit = next(
            (lab for lab in labels if _classifier_means(lab, noun) and (lab.score or 0) >= CLASSIFIER_FLOOR),
            None,
        )
        if hit is not None:
            return Finding(
                "yes",
                f"Yes, probably: the image classifier sees {_article(first_name(hit.label))} ({100 * (hit.score or 0):.0f}%) [{hit.id}].",
                [
                    f"The object detector has no class for {plural(noun)}, so this rests on the classifier alone."
                ],
                value=True,
            )
        top = labels[0] if labels else None
        if top is not None and (top.score or 0) >= 0.3:
            return Finding(
                "no",
                f"No, probably not: the image classifier sees {_article(first_name(top.label))} [{top.id}] and none of its "
                f"guesses is {_article(noun)}.",
                caveats=[
                    f"The object detector has no class for {plural(noun)}, so this rests on the classifier alone."
                ],
                value=False,
            )
        seen = f"; its best guess is {_article(first_name(top.label))} [{top.id}]" if top is not None else ""
        return Finding(
            None,
            f"I can't tell: the detector has no class for {plural(noun)} and the image classifier does not name one{seen}.",
        )

    def _text_presence(self) -> Finding:
        lines = self._text_lines()
        if lines is None:
            return Finding(None, "I can't tell: the text reader failed.")
        if lines:
            return Finding("yes", f"Yes: it reads {_quote_lines(lines, 3)}.", value=True)
        return Finding("no", "No, I found no text in the image.", value=False)

    def _count_lines(
        self, things: list[Thing], noun: str, arrangement: str, line: int | None, each: bool = False
    ) -> Finding:
        """Rows (or columns) the things stand in: their centres, sorted down (or across), split where
        the gap between neighbours is over half a thing's typical height (or width). With ``line``,
        the things in that row (or column) only; with ``each``, how many every one of them holds."""
        import statistics

        from argus.tools.box_geometry import centre, height, width

        placed = [t for t in things if t.box]
        if not placed:
            return Finding(None, f"I can't tell: no tool here placed the {plural(noun)}.")
        axis = 1 if arrangement == "rows" else 0

        def box(thing: Thing) -> list[float]:
            return thing.box or [0.0, 0.0, 0.0, 0.0]  # only placed things are measured

        size = statistics.median([(height if axis else width)(box(t)) for t in placed])
        ordered = sorted(placed, key=lambda t: centre(box(t))[axis])
        lines: list[list[Thing]] = [[ordered[0]]]
        for before, thing in zip(ordered, ordered[1:], strict=False):
            if centre(box(thing))[axis] - centre(box(before))[axis] > size / 2:
                lines.append([])
            lines[-1].append(thing)
        rule = f"A new {arrangement[:-1]} starts where the gap between centres is over half a {noun}'s size."
        if line is not None:
            if abs(line) > len(lines) or line == 0:
                return Finding(
                    None,
                    f"I can't tell: I see only {count_phrase(len(lines), arrangement[:-1])} of {plural(noun)}.",
                )
            chosen = sorted(lines[line - 1 if line > 0 else line], key=lambda t: centre(box(t))[1 - axis])
            ends = ("top", "bottom") if axis else ("left", "right")
            which = ends[0] if line == 1 else ends[1] if line == -1 else f"number {line}"
            return Finding(
                str(len(chosen)),
                f"{count_phrase(len(chosen), noun)} in the {which} {arrangement[:-1]} {_cite_things(chosen)}.",
                [f"The {plural(noun)} stand in {count_phrase(len(lines), arrangement[:-1])}."],
                [rule],
                value=len(chosen),
            )
        word = arrangement if len(lines) != 1 else arrangement[:-1]
        sizes = join_words([str(len(line)) for line in lines])
        held = {len(line) for line in lines}
        if each and len(held) == 1:  # "how many squares are in each row?"
            n = held.pop()
            lead = f"{count_phrase(n, noun)} in each of the {len(lines)} {word} {_cite_things(placed)}."
            return Finding(str(n), lead, [], [rule], value=n)
        if each:
            lead = f"The {len(lines)} {word} hold different numbers of {plural(noun)}: {sizes} {_cite_things(placed)}."
            return Finding(None, lead, [], [rule])
        return Finding(
            str(len(lines)),
            f"{len(lines)} {word} of {plural(noun)} {_cite_things(placed)}.",
            [f"From {'top to bottom' if axis else 'left to right'} they hold {sizes} {plural(noun)}."],
            [rule],
            value=len(lines),
        )

    def _op_count(self, op: p.Count) -> Finding:
        found = self._count(op)
        if (
            op.target.label == "person"
            and GENDERED.search(self.toolbox.question.lower())
            and found.value is not None
        ):
            # "how many women?": the count is of people; telling men from women is not done here
            found.caveats.append(
                "This counts people: no tool here tells men from women, and this assistant does not guess it."
            )
        return found

    def _count(self, op: p.Count) -> Finding:
        if op.also:
            return self._count_several([op.target, *op.also])
        target = op.target
        if target.label == "colour":
            return self._count_colours()
        noun = _noun(target)
        source, things = self.select(target)
        if source == "unseeable":
            return Finding(
                None,
                f"I can't tell how many {UNSEEABLE[target.label or '']} there are: no tool here can see them.",
            )
        if source == "classifier":
            return Finding(
                None, f"I can't tell how many {plural(noun)} there are: the detector has no class for them."
            )
        if source == "text":
            return self._count_text(target.label)
        if things is None:
            return Finding(
                None, f"I can't tell how many {plural(noun)} there are: the tool that finds them failed."
            )
        n = len(things)
        if op.arrangement and n:
            return self._count_lines(things, noun, op.arrangement, op.line, bool(op.each))
        if source == "regions":
            return self._count_regions(target, things)
        where = self._where(target)
        if n == 0:
            return Finding(
                "0",
                f"0 {plural(noun)}{where}: I don't see any.",
                self._instead(source, target),
                self._absence_caveat(source),
                value=0,
            )
        low = [t for t in things if t.score is not None and t.score < LOW_CONFIDENCE]
        cites = self._cites(things, target)
        why = []
        if low:
            why.append(
                f"{len(low)} of them {'is' if len(low) == 1 else 'are'} low-confidence ({', '.join(f'{t.score:.2f}' for t in low)})."
            )
        verb = "is" if n == 1 else "are"
        if where:
            lead = f"{count_phrase(n, noun)} {verb}{where} {cites}."
        else:
            lead = f"{count_phrase(n, noun)} {verb} in the image {cites}."
        return Finding(str(n), lead, why, value=n)

    def _count_colours(self) -> Finding:
        """The picture's colours that each cover at least ``COLOUR_SHARE`` of it."""
        result = self.call("analyze_colors_shapes")
        if result is None or not result.colours:
            return Finding(None, "I can't tell: the colour analysis failed.")
        main = [c for c in result.colours if c.fraction >= COLOUR_SHARE] or result.colours[:1]
        listed = join_words([f"{c.label} [{c.id}]" for c in main])
        return Finding(
            str(len(main)),
            f"{len(main)} {'colour' if len(main) == 1 else 'colours'}: {listed}.",
            caveats=[f"Colours covering less than {COLOUR_SHARE:.0%} of the picture are not counted."],
            value=len(main),
        )

    def _count_several(self, targets: list[p.Selection]) -> Finding:
        """'How many buses and people?': each count, with its citations."""
        parts = []
        for target in targets:
            _, things = self.select(target)
            if things is None:
                return Finding(
                    None,
                    f"I can't tell how many {plural(_noun(target))} there are: the tool that finds them failed.",
                )
            parts.append(f"{count_phrase(len(things), _noun(target))} {_cite_things(things)}".strip())
        return Finding(None, f"{_cap(join_words(parts))}.", value=None)

    def _count_regions(self, target: p.Selection, masks: list[Thing]) -> Finding:
        result = self.call("segment", {"mode": "regions", "max_masks": REGION_CITE_LIMIT})
        n = (
            getattr(result, "count", len(masks))
            if not (target.colour or target.size or target.position)
            else len(masks)
        )
        noun = target.label or "region"
        cited = _cite(masks) if n == len(masks) else f"(the largest {len(masks)}: {_cite(masks)})"
        return Finding(
            str(n),
            f"{count_phrase(n, noun)} {cited}.",
            [f"Each separate region on the background is counted; the detector has no '{noun}' class."],
            value=n,
        )

    # --------------------------------------------------------- what and how
    def _op_identify(self, op: p.Identify) -> Finding:
        if op.choices:
            return self._choose(op)
        if op.held_by is not None:
            return self._what_is_held(op.held_by)
        if op.worn_by is not None:
            from argus.agent.core.clothing import what_is_worn

            return what_is_worn(self, op.worn_by)
        target = op.target
        if source_for(target, COCO_80) == "classifier":
            return self._classifier_identify(target)
        source, things = self.select(target if target.label else target.model_copy(update={"label": None}))
        bare = not (
            target.colour or target.size or target.shape or target.rank or target.position or target.relation
        )
        if (
            source == "objects"
            and bare
            and things
            and sum(t.label == "object" for t in things) * 2 > len(things)
        ):
            # things on a plain background that no tool can name: what the picture shows is the question
            source, things = "detections", self.things("detections")
        if things is None:
            return Finding(None, "I can't tell: the detector failed.")
        if target.label == "shape":  # "what is the brown solid?": its geometric name, not what it looks like
            things = [replace(t, label=t.shape) if t.shape and t.label != t.shape else t for t in things]
        if target.relation is not None and target.relation.relation == "near" and len(things) > 1:
            things = self._nearest(things, target.relation.to)  # "what is next to X": the closest
        if target.rank in ("nearest", "farthest") and things:
            if not target.label:  # a table or a bed is what things stand on, not one of them
                _, every = self.select(target.model_copy(update={"rank": None}))
                standing = [t for t in every or [] if t.label not in ("dining table", "bed")]
                things = by_rank(standing, target.rank) or things
            thing = things[0]
            place = describe_place(thing, self.width, self.height)
            return Finding(
                thing.label,
                f"{_cap(_article(thing.label))} {place} [{thing.id}] is "
                f"{'nearest the camera' if target.rank == 'nearest' else 'farthest from the camera'}.",
                ["Judged by where things stand in the picture: the lower a thing's base, the nearer it is."],
                value=thing.label,
            )
        sure = [t for t in things if t.score is None or t.score >= LOW_CONFIDENCE]
        kind = target.category or "thing"
        if sure or things:
            chosen = sure or things
            names = _ranked_labels(chosen)
            first = names[0]
            groups = [[t for t in chosen if t.label == name] for name in names]
            # a drawn shape is named with its colour ("a brown square"); the colour is part of what it is
            groups = [
                [t for t in g if t.colour == colour]
                for g in groups
                for colour in dict.fromkeys(t.colour for t in g)
            ]
            listed = join_words(
                [f"{_noun_group(g, coloured=source == 'objects')} {_cite_things(g)}" for g in groups]
            )
            hedge = "" if sure else "Possibly "
            lead = f"{hedge}{listed}."
            lead = lead[0].upper() + lead[1:]
            why = []
            maybe = [t for t in things if t not in chosen]
            if maybe:
                why.append(
                    "Possibly also "
                    + join_words([f"{_article(t.label)} ({t.score:.2f}) [{t.id}]" for t in maybe[:3]])
                    + "."
                )
            return Finding(first, lead, why, value=first)
        if target.relation is not None and target.relation.relation == "under":
            rests = _noun(target.relation.to)
            seen = self.call("classify_image")
            top = seen.labels[0] if seen is not None and seen.labels else None
            unseen = f"nothing the detector knows lies under the {rests}"
            if (
                top is not None
                and (top.score or 0) >= 0.5
                and rests not in (top.label, top.group)
                and top.category in SUPPORTS
            ):  # "what is the camera mounted on?" with the picture's main thing a tripod
                return Finding(
                    top.label,
                    f"Probably {_article(top.label)} [{top.id}]: {unseen}, but the image classifier sees "
                    f"{_article(top.label)} in the picture ({top.score:.0%}).",
                    caveats=[f"The classifier looks at the whole picture, not at what is under the {rests}."],
                    value=top.label,
                )
            return Finding(None, f"I can't tell what the {rests} is on: {unseen}.")
        if target.relation is not None and target.relation.relation == "inside":
            contents = self._contents(target.relation.to)
            if contents is not None:
                return contents
        if target.relation is not None or (target.position and target.label):
            return Finding(
                None,
                f"Nothing I can name is {target.describe().split(' ', 1)[-1] if target.relation else 'there'}.",
                value=None,
            )
        # nothing the detector knows is there: what the whole picture shows, from the classifier
        found = self._classifier_identify(target, kind)
        if target.position and found.value is not None:
            found.caveats.append(f"The classifier judges the whole picture, not the {target.position} alone.")
        return found

    def _contents(self, container: p.Selection) -> Finding | None:
        """'What's in the cup?' with nothing the detector knows inside it: the food or drink the image
        classifier sees in the container's own box; None when it sees none or the container is not found."""
        _, holders = self.select(container)
        boxed = [t for t in holders or [] if t.box]
        if not boxed:
            return None
        holder = max(boxed, key=lambda t: t.area)
        result = self.call("classify_image", {"box": holder.box, "top_k": 10})
        food = [
            label
            for label in (result.labels if result is not None else [])
            if label.category == "food" and (label.score or 0) >= CONTENTS_FLOOR
        ]
        if not food:
            return None
        best = food[0]
        said = (
            _article(best.label)
            if (best.score or 0) >= LOW_CONFIDENCE
            else f"possibly {_article(best.label)}"
        )
        return Finding(
            best.label,
            f"{_cap(said)} [{best.id}], in the {_noun(container)} [{holder.id}].",
            [f"The image classifier, looking at the {_noun(container)}'s box, gives it {best.score:.0%}."],
            [
                "No tool here looks inside containers: this is what the whole box looks like to the classifier."
            ],
            value=best.label,
        )

    def _what_is_held(self, holder: p.Selection) -> Finding:
        """'What is the man holding?': the things the detector knows as held or carried that lie on the
        holder's box, looked for again less strictly when the first look found none there."""
        _, holders = self.select(holder)
        name = _noun(holder)
        if holders is None:
            return Finding(None, "I can't tell: the detector failed.")
        if not holders:
            return Finding(
                None,
                f"I can't tell: I don't see {_article(name)}.",
                caveats=self._absence_caveat("detections"),
            )
        holders = holders[:1] if holder.rank or holder.position else holders

        def on_holder(things: list[Thing]) -> list[Thing]:
            return [
                t
                for t in things
                if t.label in HELD
                and t.box
                and any(h.box and geometry.covered(t.box, h.box) >= 0.5 for h in holders)
            ]

        held = on_holder(self.things("detections") or [])
        if not held:
            closer = self.call("detect_objects", {"labels": sorted(HELD), "min_score": LOOK_AGAIN_FLOOR})
            held = on_holder([] if closer is None else as_things(closer.items(), coco_category))
        basis = "This rests on where the boxes are: no tool here recognises what people hold."
        who = (
            f"the {name} {_cite_things(holders)}"
            if len(holders) == 1
            else f"the {plural(name)} {_cite_things(holders)}"
        )
        if not held:
            return Finding(
                None,
                f"I can't tell: nothing the detector knows lies on {who}.",
                [
                    "No tool here recognises what people or animals hold; the detector knows 80 kinds of things."
                ],
            )
        best = max(held, key=lambda t: t.score or 0.0)
        sure = best.score is None or best.score >= LOW_CONFIDENCE
        said = _article(best.label) if sure else f"possibly {_article(best.label)} ({best.score:.2f})"
        lead = f"{said[0].upper()}{said[1:]} [{best.id}], on {who}."
        return Finding(best.label, lead, [], [basis], value=best.label)

    def _is_it(self, subject: p.Selection, asked: p.Selection) -> Finding:
        """'Is the animal a dog?': yes when the thing asked for is there, else no, with what it is instead."""
        found = self._exists(asked)
        if found.value is None:
            return found
        if found.value:
            return verdict(True, f", {_lower_first(found.lead.removeprefix('Yes, ').removeprefix('Yes: '))}")
        instead = self._op_identify(p.Identify(target=subject))
        if instead.value is None:
            return found
        said = f"the {_noun(subject)} looks like {_article(str(instead.value))}"
        return verdict(
            False, f", {said} {_refs(instead.lead)}.".replace(" .", "."), found.why[:0], instead.caveats
        )

    def _choose(self, op: p.Identify) -> Finding:
        """'Is this a dog or a cat?': the one offered that is there; when none is, what it is instead."""
        if len(op.choices) == 1:
            return self._is_it(op.target, op.choices[0])
        offered = [(choice, self._exists(choice)) for choice in op.choices]
        present = [(_noun(choice), found) for choice, found in offered if found.value]
        absent = join_words(
            [_article(_noun(choice)) for choice, found in offered if found.value is False], "or"
        )
        not_seen = [f"I don't see {absent}."] if absent else []
        if len(present) == 1:
            noun, found = present[0]
            hedge = "Possibly " if found.lead.startswith("Yes, possibly") else ""
            said = f"{hedge}{_article(noun)} {_refs(found.lead)}".strip()
            return Finding(
                noun, f"{said[0].upper()}{said[1:]}.", not_seen + found.why, found.caveats, value=noun
            )
        if present:
            both = "Both" if len(present) == 2 else "All of them"
            said = join_words([f"{_article(noun)} {_refs(found.lead)}".strip() for noun, found in present])
            return Finding(both.split()[0].lower(), f"{both}: {said}.", value=both.split()[0].lower())
        unsure = next((found for _, found in offered if found.value is None), None)
        if unsure is not None:
            return unsure
        target = op.target
        kinds = {coco_category(choice.label or "") for choice in op.choices}
        if target == p.Selection() and len(kinds) == 1 and None not in kinds:
            target = p.Selection(category=kinds.pop())  # 'is it a train or a plane?': which vehicle, then
        instead = self._op_identify(p.Identify(target=target))
        if instead.value is None:
            first = offered[0][1]
            return Finding("neither", f"Neither: {not_seen[0]}", first.why, first.caveats, value="neither")
        lead = f"Neither: {instead.lead[0].lower()}{instead.lead[1:]}"
        return Finding(instead.short, lead, not_seen + instead.why, instead.caveats, value=instead.value)

    def _nearest(self, things: list[Thing], anchor: p.Selection) -> list[Thing]:
        """The things closest to the anchor (the gap between boxes), ties within a few pixels kept."""
        _, anchors = self.select(anchor)
        boxes = [a.box for a in anchors or [] if a.box]
        placed = [t for t in things if t.box and not any(same_thing(t, a) for a in anchors or [])]
        if not boxes or not placed:
            return things
        gaps = {t.id: min(geometry.gap(t.box or [0, 0, 0, 0], b) for b in boxes) for t in placed}
        best = min(gaps.values())
        return [t for t in placed if gaps[t.id] <= best + 0.01 * self.diagonal]

    def _classifier_identify(self, target: p.Selection, kind: str | None = None) -> Finding:
        labels = self._classifier_labels()
        wanted = target.category or (
            target.label if target.label not in (None, "object", "thing", "item") else None
        )
        if not labels:
            return Finding(
                None,
                f"I can't tell: I don't see {_unseen(wanted or 'thing')} the detector knows, and the image classifier failed.",
            )
        if wanted:
            fitting = [
                lab
                for lab in labels
                if _classifier_means(lab, wanted) and (lab.score or 0) >= CLASSIFIER_FLOOR
            ]
            if not fitting:
                top = labels[0]
                guess = f"{_article(first_name(top.label))} [{top.id}]"
                if _classifier_means(top, wanted):  # a flower, but too unsure a guess at which one
                    return Finding(
                        None,
                        f"I can't tell which {wanted} this is: the image classifier's best guess, {guess}, is only "
                        f"{100 * (top.score or 0):.0f}% sure.",
                    )
                unknown = "" if labels_in(wanted) else f"the tools here do not recognise {plural(wanted)}; "
                return Finding(
                    None,
                    f"I can't tell: {unknown}the detector found no {wanted} it knows, and the image "
                    f"classifier's best guess is {guess}.",
                )
            top = fitting[0]
        else:
            top = labels[0]
        specific = first_name(top.label)
        group = getattr(top, "group", None)
        name = (
            group
            if group and group not in (wanted, "other") and len(group) < len(specific) + 12
            else specific
        )
        kin = [lab for lab in labels if group and getattr(lab, "group", None) == group]
        confidence = sum(lab.score or 0 for lab in kin) if name == group else (top.score or 0)
        classes = join_words([first_name(lab.label) for lab in kin[:3]], "or") if name == group else ""
        if name != group:
            classes = ""
        label_word = "classes" if name == group and len(kin) > 1 else "class"
        also = (
            f" (the classifier's {label_word}: {classes or specific})"
            if (classes or specific) != name
            else ""
        )
        cites = "".join(f"[{lab.id}]" for lab in (kin[:3] if name == group else [top]))
        nothing = f"no {wanted}" if wanted else "nothing"
        why = [
            f"The object detector found {nothing} it knows, so this is the image classifier's best guess "
            f"({100 * confidence:.0f}% confident)."
        ]
        if confidence < CLASSIFIER_UNSURE:
            return Finding(
                name, f"Possibly {_article(name)}{also} {cites}, but I am not sure.", why, value=name
            )
        return Finding(name, f"It looks like {_article(name)}{also} {cites}.", why, value=name)

    def _op_attribute(self, op: p.Attribute) -> Finding:
        if op.part in IMAGE_PARTS and op.expected in ("dark", "light"):  # "are the corners dark?"
            return image_part_colour(
                self.call, self.toolbox.image.rgb, op.part, op.target.position, lightness=op.expected
            )
        if op.attribute == "position" and (op.choices or op.expected):
            return self._position_check(op)
        found = self._attribute(op)
        asked = [*op.choices, *([op.expected] if op.expected else [])]
        if not asked or found.value is None or op.attribute not in ("colour", "shape", "size"):
            return found
        value = str(found.value)
        body = _lower_first(found.lead)
        matching = [a for a in asked if _attribute_matches(op.attribute, a, value)]
        if op.expected:
            yes = bool(matching)
            return verdict(yes, f": {body}", found.why, found.caveats)
        if not matching:
            return Finding(value, f"Neither: {body}", found.why, found.caveats, value=value)
        return Finding(matching[0], found.lead, found.why, found.caveats, value=matching[0])

    def _position_check(self, op: p.Attribute) -> Finding:
        """'Is the box near the bottom?', 'on the left or the right?': the half of the image its centre
        is in, with a middle band where it is neither."""
        target = op.target
        source, things = self.select(target)
        noun = _noun(target)
        if things is None:
            return Finding(None, f"I can't tell: the tool that finds {plural(noun)} failed.")
        placed = [t for t in things if t.box]
        if not placed:
            return Finding(None, f"I can't tell: I don't see {_unseen(noun)}.", self._instead(source, target))
        thing = placed[0]
        x, y = geometry.centre(thing.box or [0, 0, 0, 0])
        fx, fy = x / self.width, y / self.height
        sides = {
            "left": fx < 0.45, "right": fx > 0.55, "top": fy < 0.45, "bottom": fy > 0.55,
            "middle": 0.3 <= fx <= 0.7 and 0.3 <= fy <= 0.7,
        }  # fmt: skip
        place = describe_place(thing, self.width, self.height)
        why = f"{_the(target, thing)} is {place} of the image {_cite_things([thing])}."
        if op.expected:
            yes = sides.get(op.expected, False)
            return verdict(yes, f": {_lower_first(why)}")
        if "middle" not in op.choices:  # "on the left or the right?": the nearer side, whatever the margin
            sides |= {"left": fx < 0.5, "right": fx >= 0.5, "top": fy < 0.5, "bottom": fy >= 0.5}
        chosen = [c for c in op.choices if sides.get(c)]
        if not chosen:
            short = place.split()[-1]
            return Finding(short, f"Neither: {_lower_first(why)}", value=short)
        where = (
            "on the" if chosen[0] in ("left", "right") else "at the" if chosen[0] != "middle" else "in the"
        )
        return Finding(
            chosen[0],
            f"{_the(target, thing)} is {where} {chosen[0]} {_cite_things([thing])}.",
            value=chosen[0],
        )

    def _attribute(self, op: p.Attribute) -> Finding:
        target = op.target
        if op.attribute == "area":
            return self._area(target)
        if op.attribute == "colour" and target.label == "text" and not target.colour:
            lines = self._text_lines()
            if lines is None:
                return Finding(None, "I can't tell: the text reader failed.")
            chosen = [self._title_line(lines)] if lines and op.part == "title" else lines
            if op.part in TEXT_GROUNDS:
                return ground_colour(self.toolbox.image.rgb, chosen, op.part)
            return text_colour(self.toolbox.image.rgb, chosen, "title" if op.part == "title" else "text")
        if op.attribute == "colour" and target.label is None and target.category is None and not target.shape:
            if op.part in IMAGE_PARTS:
                return image_part_colour(self.call, self.toolbox.image.rgb, op.part, target.position)
            return self._part_colour(target.position) if target.position else self._image_colours()
        source, things = self.select(target)
        noun = _noun(target)
        if things is None:
            return Finding(None, f"I can't tell: the tool that finds {plural(noun)} failed.")
        seen = any(t.shape for t in things) if op.attribute == "shape" else bool(things)
        if not op.part and asks_whole(target, op.attribute, seen):
            answered = whole_answer(self.call("find_objects"), target, op.attribute, seen)
            if answered:
                return Finding(answered[0], answered[1], answered[2], value=answered[0])
        if not things:
            if source == "classifier" and op.attribute == "colour":
                return self._unlisted_colour(noun)
            if source == "classifier":
                return Finding(None, f"I can't tell: the detector has no class for {plural(noun)}.")
            word = self._everyday_main(target) if op.attribute == "colour" else None
            if word:  # "what colour is the box?" on a product shot of one box
                return self._main_object_colour(word)
            return Finding(None, f"I can't tell: I don't see {_unseen(noun)}.", self._instead(source, target))
        if op.attribute == "colour" and op.part in GARMENTS and things[0].label == "person" and things[0].box:
            return garment_colour(
                self.toolbox.image.rgb, things[0], op.part, _the(target, things[0]), _cite_things(things[:1])
            )
        covering = op.part in CLOTHING_WORDS or op.part in SURFACE_WORDS
        if op.attribute == "colour" and op.part and not covering:
            whole = self._colour_of(things[:1], target)
            said = (
                f" The {_noun(target)} as a whole looks {whole.value} {_cite_things(things[:1])}."
                if whole.value
                else ""
            )
            return Finding(
                None,
                f"I can't tell the colour of the {_noun(target)}'s {op.part}: no tool here outlines {_parts(op.part)}.{said}",
            )
        if op.attribute == "colour" and op.part:
            found = self._colour_of(things[:1], target)
            if found.value is None:
                return found
            thing = things[0]
            return Finding(
                found.short,
                f"{_the(target, thing)}'s {op.part} looks {found.value} {_cite_things([thing])}.",
                caveats=[
                    f"No tool here outlines {'clothing' if op.part in CLOTHING_WORDS else _parts(op.part)}: "
                    f"this is the colour of the {thing.label}'s own pixels, which the {op.part} fills most of."
                ],
                value=found.value,
            )
        if op.attribute == "colour":
            return self._colour_of(things, target)
        if op.attribute == "shape":
            shapes = [t for t in things if t.shape]
            if not shapes:
                return Finding(
                    None,
                    f"I can't tell the shape of the {noun}: the colour-and-shape tool did not outline it.",
                )
            first = shapes[0]
            return Finding(
                first.shape,
                f"{_the(target, first, as_asked=True)} is {_article(first.shape or '')} [{first.id}].",
                value=first.shape,
            )
        if op.attribute == "size":
            from argus.agent.core.things import by_size

            scene = self.things(source) or things
            thing = things[0]
            size = "large" if by_size([thing], "large", scene, self.width * self.height) else "small"
            share = 100 * thing.area / (self.width * self.height)
            return Finding(
                size,
                f"{_the(target, thing)} is {size} [{thing.id}]: it covers {share:.0f}% of the image.",
                value=size,
            )
        thing = things[0]
        place = describe_place(thing, self.width, self.height)
        short = place.replace("on the ", "").replace("at the ", "").replace("in the ", "")
        return Finding(short, f"{_the(target, thing)} is {place} of the image [{thing.id}].", value=short)

    def _colour_of(self, things: list[Thing], target: p.Selection) -> Finding:
        self.name_colours(things)
        named = [t for t in things if t.colour]
        noun = _noun(target)
        if not named:
            return Finding(
                None,
                f"I can't tell the colour of the {noun} [{things[0].id}]: its pixels could not be named.",
            )
        for thing in named:  # a red motorcycle with black parts and chrome is red, not gray
            if thing.paint != thing.colour:
                thing.colour, thing.shade = thing.paint, None
            if thing.shade in OWN_NAME_SHADES:
                thing.colour = thing.shade  # teal is teal: neither plainly blue nor green
        colours = list(dict.fromkeys(t.colour for t in named))
        first = named[0].colour
        if len(named) == 1:
            return Finding(first, f"{_the(target, named[0])} is {first} {_cite_things(named)}.", value=first)
        if len(colours) == 1:
            return Finding(
                first, f"The {len(named)} {plural(noun)} are {first} {_cite_things(named)}.", value=first
            )
        parts = [f"{c} {_cite_things([t for t in named if t.colour == c])}" for c in colours]
        return Finding(first, f"The {plural(noun)} are {join_words(parts)}.", value=first)

    def _region_colour(self, box: list[float], label: str) -> Any:
        result = self.call(
            "analyze_colors_shapes", {"regions": [{"box": box, "label": label}], "shapes": False}
        )
        return result.object_colours[0] if result is not None and result.object_colours else None

    def _part_colour(self, position: str) -> Finding:
        """'What colour is the centre?': the colour of that part of the image."""
        w, h = self.width, self.height
        boxes = {
            "left": [0, 0, w / 3, h], "right": [2 * w / 3, 0, w, h], "top": [0, 0, w, h / 3],
            "bottom": [0, 2 * h / 3, w, h], "middle": [w / 3, h / 3, 2 * w / 3, 2 * h / 3],
        }  # fmt: skip
        colour = self._region_colour(boxes[position], f"{position} of the image")
        if colour is None:
            return Finding(None, "I can't tell: the colour analysis failed.")
        where = (
            "in the middle"
            if position == "middle"
            else f"at the {position}"
            if position in ("top", "bottom")
            else f"on the {position}"
        )
        return Finding(
            colour.label, f"It is {colour.label} {where} of the image [{colour.id}].", value=colour.label
        )

    def _unlisted_colour(self, noun: str) -> Finding:
        """The colour of a thing no detector class covers: the sky's from the top of the picture, the
        picture's main subject's when the classifier names it (or it stands on a plain background), and
        for anything else a plain "I can't tell" rather than the colours of something else."""
        if noun in SKY_WORDS:
            return self._sky_colour()
        if self._main_subject(noun):
            return self._main_object_colour(noun)
        return Finding(None, f"I can't tell what colour it is: no tool here finds {plural(noun)}.")

    def _main_subject(self, noun: str) -> bool:
        """Whether a thing no detector class covers is the picture's main subject: the classifier's first
        guess is one (however unsure: the question already says there is one), or a later guess above
        ``CLASSIFIER_FLOOR`` is, or the picture is one clear object on a plain background and the noun
        names no part of a thing (its ribbon, its handle: see ``main_object``)."""
        labels = self._classifier_labels() or []
        return any(
            _classifier_means(lab, noun) and (i == 0 or (lab.score or 0) >= CLASSIFIER_FLOOR)
            for i, lab in enumerate(labels)
        ) or stands_for(self.call("find_objects"), noun)

    def _in_pieces(self) -> bool:
        """Whether the outlines the colour-and-shape tool found lie together, as the pieces of one thing."""
        result = self.call("analyze_colors_shapes")
        boxes = [s.box for s in result.shapes if s.box] if result is not None else []
        return lie_together(boxes, GAP * max(self.width, self.height))

    def _everyday_main(self, target: p.Selection) -> str | None:
        """The question's word for a solid that names an everyday object ("box"), when no such solid was
        seen and the picture's one clear object may be taken for it; else None."""
        word = everyday_word(self.toolbox.question, target.shape or target.label)
        return word if word and stands_for(self.call("find_objects"), word) else None

    def _subject_colour_check(self, noun: str, asked: str) -> Finding:
        """'Is the flower blue?' about the picture's main subject: its colour against the one asked."""
        seen = self._main_object_colour(noun)
        if seen.value is None:
            return seen
        lead = seen.lead.removeprefix(f"The {noun} ")
        return verdict(colours_match(asked, seen.value), f", the {noun} {lead}", caveats=seen.caveats)

    def _sky_colour(self) -> Finding:
        from argus.tools.sky import sky_band

        bottom = sky_band(self.toolbox.image.rgb)
        if bottom is None:
            return Finding(None, "I can't tell: I don't see open sky at the top of the picture.")
        colour = self._region_colour([0.0, 0.0, self.width, float(bottom)], "sky")
        if colour is None:
            return Finding(None, "I can't tell: the colour analysis failed.")
        name = colour.label
        if name in ACHROMATIC and colour.second_colour and colour.second_colour not in ACHROMATIC:
            name = colour.second_colour  # a pale hazy sky is white with blue in it: people call it blue
        return Finding(
            name,
            f"The sky is {name} [{colour.id}].",
            caveats=[
                "No tool here outlines the sky: this is the colour of the smooth band at the top of the picture."
            ],
            value=name,
        )

    def _main_object_colour(self, noun: str) -> Finding:
        """The colour of a thing no tool outlines ('the flower', 'the rocket'): the main object on a plain
        background where there is one, else the middle of the picture, and the answer says which."""
        objects = self.call("find_objects")
        if objects is not None and objects.count and objects.objects:
            main = max(objects.objects, key=lambda o: o.area_px)
            if main.colour:
                return Finding(
                    main.colour,
                    f"The {noun} looks {main.colour} [{main.id}].",
                    caveats=[
                        f"No tool here outlines {plural(noun)}: this is the colour of the main object on the background."
                    ],
                    value=main.colour,
                )
        w, h = self.width, self.height
        colour = self._region_colour([w * 0.25, h * 0.25, w * 0.75, h * 0.75], noun)
        if colour is None:
            return Finding(
                None, f"I can't tell: no tool here outlines {plural(noun)}, and the colour analysis failed."
            )
        return Finding(
            colour.label,
            f"The {noun} looks {colour.label} [{colour.id}].",
            caveats=[
                f"No tool here outlines {plural(noun)}: this is the colour of the middle of the picture."
            ],
            value=colour.label,
        )

    def _image_colours(self) -> Finding:
        result = self.call("analyze_colors_shapes")
        if result is None or not result.colours:
            return Finding(None, "I can't tell: the colour analysis failed.")
        main = [c for c in result.colours if c.fraction >= 0.02][:6] or result.colours[:1]
        listed = join_words([f"{c.label} [{c.id}]" for c in main])
        return Finding(
            main[0].label,
            f"The main colours are {listed}." if len(main) > 1 else f"The image is mostly {listed}.",
            value=main[0].label,
        )

    def _area(self, target: p.Selection) -> Finding:
        noun = _noun(target)
        args: dict[str, Any] = {"labels": [target.label]} if target.label in COCO_80 else {}
        result = self.call("segment", args)
        if result is None:
            return Finding(None, f"I can't tell: segmentation failed for the {noun}.")
        masks = [
            m
            for m in result.items()
            if not target.label or m.label == target.label or target.label not in COCO_80
        ]
        if not masks:
            return Finding(None, f"I can't tell: I don't see {_unseen(noun)} to outline.")
        share = 100 * sum(getattr(m, "area_fraction", 0.0) for m in masks)
        return Finding(
            f"{share:.0f}%",
            f"{_cap(_noun_group(as_things(masks)) if len(masks) > 1 else 'the ' + noun)} {'covers' if len(masks) == 1 else 'cover'} "
            f"{share:.1f}% of the image {_cite(masks)}.",
            value=share,
        )

    # ------------------------------------------------------------ relations
    def _op_relate(self, op: p.Relate) -> Finding:
        _, subjects = self.select(op.subject)
        _, objects = self.select(op.object)
        s_noun, o_noun = _noun(op.subject), _noun(op.object)
        if subjects is None or objects is None:
            return Finding(None, "I can't tell: the tool that finds them failed.")
        if not subjects or not objects:
            missing = s_noun if not subjects else o_noun
            return Finding(None, f"I can't tell: I don't see {_unseen(missing)}.")
        pairs = [(s, o) for s in subjects for o in objects if s.id != o.id and s.box and o.box]
        boxes = {t.id: t.box or [0.0, 0.0, 0.0, 0.0] for t in [*subjects, *objects]}
        if not pairs:
            return Finding(None, f"I can't tell: the {s_noun} and the {o_noun} are the same thing.")
        if op.relation is None:
            if op.choices and len({s.id for s, _ in pairs}) > 1:
                return self._relation_chosen(op, pairs)
            subject, obj = pairs[0]
            relation = geometry.describe_relation(boxes[subject.id], boxes[obj.id], self.diagonal)
            if op.choices:  # "left or right of the cup?", "above or below it?": the offered one that holds
                relation = next((c for c in op.choices if self._offered_holds(c, subject, obj)), relation)
            words = geometry.RELATIONS[relation]
            return Finding(
                SIDE_WORDS.get(relation, words),
                f"{_the(op.subject, subject)} is {words} the {o_noun} [{subject.id}][{obj.id}].",
                value=relation,
            )
        words = geometry.RELATIONS[op.relation]
        holding = [
            s
            for s in subjects
            if any(relation_holds(op.relation, s, o, self.diagonal) for o in objects if o.id != s.id)
        ]
        if holding:
            if len(subjects) > 1:
                lead = f"Yes: {count_phrase(len(holding), s_noun)} {_cite(holding)} {'is' if len(holding) == 1 else 'are'} {words} the {o_noun} {_cite(objects)}."
            else:
                lead = f"Yes, {_the(op.subject, holding[0]).lower() if not op.subject.rank else _the(op.subject, holding[0])} is {words} the {o_noun} [{holding[0].id}]{_cite(objects)}."
                lead = "Yes, " + lead[5:]
            return Finding("yes", lead, value=True)
        subject, obj = pairs[0]
        other = _the(op.object, obj)
        other = other[:1].lower() + other[1:]
        if op.relation in ("larger_than", "smaller_than", "taller_than", "wider_than"):
            return Finding(
                "no",
                f"No, {_the(op.subject, subject).lower()} [{subject.id}] is not {words} {other} [{obj.id}] in the image.",
                caveats=["Sizes are of the boxes in the picture: nearer things look bigger."],
                value=False,
            )
        opposite = {"in_front_of": "behind", "behind": "in_front_of"}.get(op.relation)
        if opposite and relation_holds(opposite, subject, obj, self.diagonal):
            actual = geometry.RELATIONS[opposite]  # "no, the cube is behind the cylinder"
        else:
            actual = geometry.RELATIONS[
                geometry.describe_relation(boxes[subject.id], boxes[obj.id], self.diagonal)
            ]
        return Finding(
            "no",
            f"No, {_the(op.subject, subject).lower()} is {actual} {other} [{subject.id}][{obj.id}], not {words} it.",
            value=False,
        )

    def _offered_holds(self, relation: str, subject: Thing, obj: Thing) -> bool:
        """An offered relation: a side by which side of the other's centre the centre is on (one of the
        two always holds), the others as the geometry judges them."""
        (sx, sy), (ox, oy) = geometry.centre(subject.box or []), geometry.centre(obj.box or [])
        across = {"left_of": sx < ox, "right_of": sx > ox, "above": sy < oy, "below": sy > oy}
        if relation in across:
            return across[relation]
        return relation_holds(relation, subject, obj, self.diagonal)

    def _relation_chosen(self, op: p.Relate, pairs: list[tuple[Thing, Thing]]) -> Finding:
        """'Are the people in front of the bus or behind it?': the offered relation most of them are in."""
        subjects = list({s.id: s for s, _ in pairs}.values())
        objects = list({o.id: o for _, o in pairs}.values())
        holding: dict[str, list[Thing]] = {
            choice: [
                s for s in subjects if any(self._offered_holds(choice, s, o) for o in objects if o.id != s.id)
            ]
            for choice in op.choices
        }
        best = max(op.choices, key=lambda c: len(holding[c]))
        s_noun, o_noun = _noun(op.subject), _noun(op.object)
        if not holding[best]:
            return Finding(
                None,
                f"Neither: no {s_noun} is {join_words([geometry.RELATIONS[c] for c in op.choices], 'or')} "
                f"the {o_noun} {_cite(objects)}.",
            )
        words = geometry.RELATIONS[best]
        chosen = holding[best]
        lead = f"{_cap(count_phrase(len(chosen), s_noun))} {_cite(chosen)} {'is' if len(chosen) == 1 else 'are'} {words} the {o_noun} {_cite(objects)}."
        others = [c for c in op.choices if c != best and holding[c]]
        caveats = [
            f"{_cap(count_phrase(len(holding[c]), s_noun))} {_cite(holding[c])} {'is' if len(holding[c]) == 1 else 'are'} {geometry.RELATIONS[c]} it."
            for c in others
        ]
        return Finding(SIDE_WORDS.get(best, words), lead, caveats=caveats, value=best)

    def _op_compare(self, op: p.Compare) -> Finding:
        if op.side is not None and op.right is not None:
            return self._further_side(op.left, op.right, op.side)
        if op.attribute is not None and op.right is not None:
            return self._compare_things(op, op.right)
        if op.attribute is not None:
            return self._compare_among(op)
        left_source, left = self.select(op.left)
        if op.right is None:
            return self._compare_number(op, left_source, left)
        right_source, right = self.select(op.right)
        if left is None or right is None or "unseeable" in (left_source, right_source):
            return Finding(None, "I can't tell: one of the two cannot be counted here.")
        a, b = len(left), len(right)
        counts = f"{count_phrase(a, _noun(op.left))} {_cite(left)} and {count_phrase(b, _noun(op.right))} {_cite(right)}".replace(
            "  ", " "
        )
        if op.which:
            if a == b:
                return Finding(None, f"Neither: there are as many of each. I count {counts}.", value=None)
            more_left = a > b if op.comparison == "more" else a < b
            winner = _noun(op.left) if more_left else _noun(op.right)
            # "gray objects or navy figures?": the word that tells them apart is the answer
            head, _, rest = winner.rpartition(" ")
            short = (
                head
                if head and rest in ("object", "shape", "figure", "thing", "item", "solid")
                else plural(winner)
            )
            return Finding(short, f"{_cap(plural(winner))}: I count {counts}.", value=winner)
        holds = _compared(a, b, op.comparison)
        return verdict(holds, f": I count {counts}.")

    def _compare_among(self, op: p.Compare) -> Finding:
        """'Are the circles all the same colour?': the selected things compared among themselves."""
        noun = _noun(op.left)
        _, things = self.select(op.left)
        if things is None:
            return Finding(None, f"I can't tell: the tool that finds {plural(noun)} failed.")
        if len(things) < 2:
            return Finding(
                None, f"I can't tell: I see {count_phrase(len(things), noun)}, not two to compare."
            )
        if op.attribute == "colour":
            self.name_colours(things)
            values = [t.colour for t in things]
            same = all(v and colours_match(values[0] or "", v) for v in values)
        elif op.attribute == "shape":
            values = [t.shape or t.label for t in things]
            same = all(v and shape_matches(values[0] or "", v) for v in values)
        else:
            areas = [t.area for t in things]
            same = max(areas) <= 1.25 * max(min(areas), 1e-9)
            values = ["about the same size" if same else "of different sizes"] * len(things)
        if same:
            word = values[0] if op.attribute != "size" else "about the same size"
            lead = f"Yes: {'both' if len(things) == 2 else f'all {len(things)}'} are {word} {_cite_things(things)}."
        else:
            groups = {
                v: [t for t, w in zip(things, values, strict=True) if w == v] for v in dict.fromkeys(values)
            }
            # "2 blue, 3 red": a colour counted stays a colour; a shape is counted as things ("2 circles")
            parts = [
                f"{len(g)} {v} {_cite_things(g)}"
                if op.attribute == "colour"
                else f"{count_phrase(len(g), str(v))} {_cite_things(g)}"
                for v, g in groups.items()
            ]
            lead = (
                f"No: {join_words(parts)}."
                if op.attribute != "size"
                else f"No: they are of different sizes {_cite_things(things)}."
            )
        return Finding("yes" if same else "no", lead, value=same)

    def _further_side(self, left: p.Selection, right: p.Selection, side: str) -> Finding:
        """Which of two things stands further left, right, up or down, by the centres of their boxes."""
        picked: list[Thing] = []
        for selection in (left, right):
            source, things = self.select(selection)
            if not things:
                return Finding(None, f"I can't tell: I don't see {_unseen(_noun(selection))}.")
            picked.append(things[0])
        a, b = picked
        if a.id == b.id or not a.box or not b.box:
            return Finding(None, f"I can't tell: both descriptions pick the same {a.label} [{a.id}].")
        (ax, ay), (bx, by) = geometry.centre(a.box), geometry.centre(b.box)
        further = {"left": ax < bx, "right": ax > bx, "top": ay < by, "bottom": ay > by}[side]
        (winner, selection), (other, other_selection) = ((a, left), (b, right))[:: 1 if further else -1]
        noun = _noun(selection)
        words = {"left": "further left", "right": "further right", "top": "higher up", "bottom": "lower down"}
        than = _lower_first(_the(other_selection, other, as_asked=True))
        return Finding(
            noun,
            f"{_the(selection, winner, as_asked=True)} is {words[side]} {_cite_things([winner])} than {than} "
            f"{_cite_things([other])}.",
            value=noun,
        )

    def _compare_things(self, op: p.Compare, right: p.Selection) -> Finding:
        """One thing's colour, shape or size against another's: 'same colour?', 'which is larger?'."""
        picked: list[Thing] = []
        for selection in (op.left, right):
            source, things = self.select(selection)
            if things is None:
                return Finding(None, f"I can't tell: the tool that finds {plural(_noun(selection))} failed.")
            if not things:
                return Finding(
                    None,
                    f"I can't tell: I don't see {_unseen(_noun(selection))}.",
                    self._instead(source, selection),
                )
            if op.attribute == "colour":
                self.name_colours(things[:1])
            picked.append(things[0])
        a, b = picked
        if a.id == b.id:
            return Finding(None, f"I can't tell: both descriptions pick the same {a.label} [{a.id}].")
        the_a, the_b = _the(op.left, a, as_asked=True), _lower_first(_the(right, b, as_asked=True))
        if op.attribute == "size":
            ratio = a.area / max(b.area, 1e-9)
            if op.which:
                bigger = ratio >= 1 if op.comparison == "more" else ratio < 1
                winner, selection = (a, op.left) if bigger else (b, right)
                word = "larger" if op.comparison == "more" else "smaller"
                noun = _noun(selection)
                return Finding(
                    noun,
                    f"{_the(selection, winner, as_asked=True)} is {word} {_cite_things([winner])}: "
                    + (
                        f"it covers {max(ratio, 1 / ratio):.1f} times the area of the other {_cite_things([b if winner is a else a])}."
                        if op.comparison == "more"
                        else f"the other {_cite_things([b if winner is a else a])} covers {max(ratio, 1 / ratio):.1f} times its area."
                    ),
                    value=noun,
                )
            same = 1 / 1.25 <= ratio <= 1.25
            detail = (
                "about the same size"
                if same
                else f"{'larger' if ratio > 1 else 'smaller'} ({ratio:.1f} times the area)"
            )
            return Finding(
                "yes" if same else "no",
                f"{'Yes' if same else 'No'}: {_lower_first(the_a)} {_cite_things([a])} is {detail} than {the_b} {_cite_things([b])}.".replace(
                    "about the same size than", "about the same size as"
                ),
                value=same,
            )
        if op.attribute == "colour":
            seen_a, seen_b = a.colour, b.colour
            same = bool(seen_a and seen_b and colours_match(seen_a, seen_b))
        else:
            seen_a, seen_b = a.shape or a.label, b.shape or b.label
            same = bool(seen_a and seen_b and shape_matches(seen_a, seen_b))
        if not seen_a or not seen_b:
            return Finding(None, f"I can't tell: no tool here gave the {op.attribute} of both.")
        if same:
            lead = f"Yes: both are {seen_a} {_cite_things([a])}{_cite_things([b])}."
        else:
            lead = f"No: {_lower_first(the_a)} is {seen_a} {_cite_things([a])} and {the_b} is {seen_b} {_cite_things([b])}."
        return Finding("yes" if same else "no", lead, value=same)

    def _compare_number(self, op: p.Compare, source: str, things: list[Thing] | None) -> Finding:
        noun = _noun(op.left)
        if things is None or source in ("unseeable", "classifier", "text"):
            return Finding(None, f"I can't tell: {plural(noun)} cannot be counted here.")
        if source == "regions":
            counted = self._count_regions(op.left, things)
            n = int(counted.short or 0)
        else:
            n = len(things)
        cites = (
            _cite_things(things)
            if len(things) == n
            else f"(the largest {len(things)}: {_cite_things(things)})"
        )
        if op.comparison in ("even", "odd"):  # "is the number of people even?"
            holds = n % 2 == (0 if op.comparison == "even" else 1)
            return verdict(
                holds,
                f": I count {count_phrase(n, noun)} {cites}, an {'even' if n % 2 == 0 else 'odd'} number.",
            )
        holds = _compared(n, op.than or 0, op.comparison)
        words = {
            "more": "more than",
            "fewer": "fewer than",
            "same": "exactly",
            "at_least": "at least",
            "at_most": "at most",
        }[op.comparison]
        return verdict(
            holds, f": I count {count_phrase(n, noun)} {cites}, {'' if holds else 'not '}{words} {op.than}."
        )

    def _op_arithmetic(self, op: p.Arithmetic) -> Finding:
        source, things = self.select(op.target)
        noun = _noun(op.target)
        if things is None or source in ("unseeable", "classifier"):
            return Finding(None, f"I can't tell: {plural(noun)} cannot be counted here.")
        if op.minus is not None:
            return self._difference(op, things, op.minus)
        parts: list[str] = []
        counted = list(things)
        for extra in op.plus:
            _, more = self.select(extra)
            if more is None:
                return Finding(None, f"I can't tell: {plural(_noun(extra))} cannot be counted here.")
            new = [t for t in more if not any(same_thing(t, c) for c in counted)]
            counted += new if extra != op.target else more
            parts.append(f"{count_phrase(len(more), _noun(extra))} {_cite_things(more)}".strip())
        if op.plus:
            total = len(counted)
            first = f"{count_phrase(len(things), noun)} {_cite_things(things)}".strip()
            return Finding(str(total), f"{total}: {first} and {join_words(parts)}.", value=total)
        removed: list[Thing] = []
        if op.remove is not None:
            _, gone = self.select(op.remove)
            removed = [t for t in things if any(same_thing(t, g) for g in gone or [])]
            if op.remove_count is not None:
                if len(removed) < op.remove_count:
                    have = count_phrase(len(removed), _noun(op.remove))
                    return Finding(
                        None,
                        f"I can't take away {op.remove_count}: I see only {have} {_cite_things(removed)}.".replace(
                            "  ", " "
                        ),
                    )
                removed = removed[: op.remove_count]
        left = [t for t in things if t not in removed]
        result = len(left) * op.times + op.add
        if removed:
            taken = count_phrase(len(removed), _noun(op.remove or op.target))
            parts.append(
                f"taking away {taken} {_cite_things(removed)} leaves {count_phrase(len(left), noun)} {_cite_things(left)}".rstrip()
            )
        else:
            verb = "is" if len(left) == 1 else "are"
            parts.append(f"there {verb} {count_phrase(len(left), noun)} here {_cite_things(left)}")
        if op.times != 1:
            parts.append({2: "doubled", 3: "tripled"}.get(op.times, f"times {op.times}"))
        if op.add:
            parts.append(f"plus {op.add} more" if op.add > 0 else f"minus {-op.add}")
        value = max(result, 0)
        return Finding(
            str(value), f"{value}: {', '.join(parts)}.".replace("  ", " ").replace(" ,", ","), value=value
        )

    def _difference(self, op: p.Arithmetic, things: list[Thing], other: p.Selection) -> Finding:
        """'How many more cats than dogs?', 'the difference between the number of A and of B'."""
        _, theirs = self.select(other)
        if theirs is None:
            return Finding(None, f"I can't tell: {plural(_noun(other))} cannot be counted here.")
        a, b = len(things), len(theirs)
        counts = (
            f"{count_phrase(a, _noun(op.target))} {_cite_things(things)} and "
            f"{count_phrase(b, _noun(other))} {_cite_things(theirs)}"
        ).replace("  ", " ")
        gap = abs(a - b)
        return Finding(str(gap), f"{gap}: I count {counts}.", value=gap)

    # ----------------------------------------------------------------- text
    def _text_lines(self) -> list[Any] | None:
        result = self.call("read_text")
        return None if result is None else list(result.items())

    def _op_read_text(self, op: p.ReadText) -> Finding:
        lines = self._text_lines()
        if lines is None:
            return Finding(None, "I can't tell: the text reader failed.")
        if not lines:
            return Finding(None, "I can't tell: I found no text in the image to read it from.")
        where = ""
        if op.part == "largest":
            tallest = max(geometry.height(t.box) for t in lines)
            lines = [t for t in lines if geometry.height(t.box) >= 0.75 * tallest]
            where = " in the largest letters"
        elif op.part == "body":  # the paragraph under the heading: the title left out
            title = self._title_line(lines)
            lines = [t for t in lines if t is not title] or lines
        elif op.part in ("top", "bottom"):
            middles = [geometry.centre(t.box)[1] for t in lines]
            edge = min(middles) if op.part == "top" else max(middles)
            lines = [t for t, y in zip(lines, middles, strict=True) if abs(y - edge) <= 0.12 * self.height]
            where = f" at the {op.part}"
        text = " ".join(getattr(t, "text", "") for t in lines)
        if op.word is not None:  # "what is the first word?"
            words = [(w.strip(".,;:!?\"'()"), t) for t in lines for w in getattr(t, "text", "").split()]
            words = [(w, t) for w, t in words if w]
            index = op.word - 1 if op.word > 0 else op.word
            if not -len(words) <= index < len(words):
                return Finding(None, f"I can't tell: the text has {count_phrase(len(words), 'word')}.")
            word, line = words[index]
            nth = ORDINALS.get(op.word, f"number {op.word}")
            return Finding(word, f"The {nth} word is \u201c{word}\u201d [{line.id}].", value=word)
        return Finding(text, f"It reads{where} {_quote_lines(lines, 12)}.", value=text)

    def _count_text(self, unit: str | None) -> Finding:
        """How many lines of text, or words or letters ('how many words are on the sign?')."""
        lines = self._text_lines() or []
        texts = [getattr(t, "text", "") for t in lines]
        if unit == "word":
            n, noun = sum(len(re.findall(r"[^\W_]+(?:'[^\W_]+)?", t)) for t in texts), "word"
        elif unit == "letter":
            n, noun = sum(ch.isalpha() for t in texts for ch in t), "letter"
        else:
            n, noun = len(lines), "line"
        phrase = count_phrase(n, noun).split(" ", 1)[1]
        if noun == "line":
            return Finding(str(n), f"{n} {phrase} of text {_cite(lines)}.".replace("  ", " "), value=n)
        quoted = f": the text reads {_quote_lines(lines, 6)}" if lines else ""
        return Finding(str(n), f"{n} {phrase}{quoted}.", value=n)

    def _op_text_contains(self, op: p.TextContains) -> Finding:
        lines = self._text_lines()
        if lines is None:
            return Finding(None, "I can't tell: the text reader failed.")
        if not lines:
            return Finding(
                "no",
                f"No: I found no text in the image, so nothing mentions \u201c{op.query}\u201d.",
                value=False,
            )
        hits = [t for t in lines if _mentions(getattr(t, "text", ""), op.query)]
        if not hits and _mentions(" ".join(getattr(t, "text", "") for t in lines), op.query):
            # the words read on separate lines ("LYMPH" on one, "NODE" on the next)
            words = re.findall(r"[a-z0-9]+", op.query.lower())
            hits = [t for t in lines if any(_mentions(getattr(t, "text", ""), w) for w in words)]
        if hits:
            return Finding(
                "yes", f"Yes, it mentions \u201c{op.query}\u201d: {_quote_lines(hits, 3)}.", value=True
            )
        return Finding(
            "no",
            f"No, the text does not mention \u201c{op.query}\u201d; it reads {_quote_lines(lines, 4)}.",
            value=False,
        )

    @staticmethod
    def _title_line(lines: list[Any]) -> Any:
        """The highest of the lines in the largest letters."""
        tallest = max(geometry.height(t.box) for t in lines)
        top = [t for t in lines if geometry.height(t.box) >= 0.8 * tallest] or lines
        return min(top, key=lambda t: t.box[1])

    def _op_title(self, op: p.Title) -> Finding:
        lines = self._text_lines()
        if lines is None:
            return Finding(None, "I can't tell: the text reader failed.")
        if not lines:
            return Finding(None, "I found no text in the image, so there is no title to read.")
        title = self._title_line(lines)
        text = getattr(title, "text", "")
        return Finding(text, f"The title is \u201c{text}\u201d [{title.id}].", value=text)

    # -------------------------------------------------------------- the image
    def _op_scene(self, op: p.Scene) -> Finding:
        """Indoors or outdoors (and the room or place), judged from the things in view."""
        from argus.agent.core.scene import judge

        result = self.call("detect_objects")
        labels = self._classifier_labels() or []
        if result is None:
            return Finding(None, "I can't tell: the detector failed.")
        sky = self._sky()
        found = judge(list(result.items()), labels, sky)
        asked = {*op.choices, *([op.expected] if op.expected else [])}
        if asked & {"city", "countryside"}:
            return self._city_or_country(op, list(result.items()), labels)
        if asked & {"day", "night"}:
            return self._daytime(op, sky, found.setting == "outdoors")
        if asked & {"sunny", "cloudy"}:
            return self._weather(op, sky)
        caveat = "This rests on the things in view and on open sky, not on the light: no tool here classifies scenes."

        def listed(items: list[Any]) -> str:
            return join_words(
                [f"{'open sky' if i is sky else _article(first_name(i.label))} [{i.id}]" for i in items[:4]]
            )

        if found.setting is None:
            why = []
            if found.indoor or found.outdoor:
                why.append(
                    f"The signs disagree: {listed(found.indoor)} suggest indoors, {listed(found.outdoor)} outdoors."
                )
            return Finding(
                None,
                "I can't tell where this was taken: nothing in view belongs only indoors or outdoors.",
                why,
                [caveat],
            )
        signs = found.indoor if found.setting == "indoors" else found.outdoor
        reason = f"{listed(signs)} {'is' if len(signs) == 1 else 'are'} seen {found.setting}"
        if op.room:
            if found.room is None:
                return Finding(
                    None,
                    f"I can't tell which room: it looks {found.setting}, but nothing in view names a room.",
                    [f"{_cap(reason)}."],
                    [caveat],
                )
            room, items = found.room
            return Finding(room, f"{_cap(_article(room))}: I see {listed(items)}.", [], [caveat], value=room)
        if op.expected is not None:
            return verdict(
                found.setting == op.expected, f", it looks {found.setting}: {reason}.", caveats=[caveat]
            )
        lead = f"{_cap(found.setting)}: {reason}."
        if found.room is not None:
            lead = f"{_cap(found.setting)}, probably in {_article(found.room[0])}: {reason}."
        elif found.place is not None:
            lead = f"{_cap(found.setting)}, probably {found.place[0]}: {reason}."
        return Finding(found.setting, lead, [], [caveat], value=found.setting)

    def _sky(self) -> Any:
        """The colour item of the open sky at the top of the picture, or None when there is none."""
        from argus.tools.sky import sky_band

        bottom = sky_band(self.toolbox.image.rgb)
        return None if bottom is None else self._region_colour([0.0, 0.0, self.width, float(bottom)], "sky")

    def _city_or_country(self, op: p.Scene, detections: list[Any], labels: list[Any]) -> Finding:
        """A city or the countryside, from traffic and street furniture against farm animals and fields."""
        from argus.agent.core.scene import judge_area

        found = judge_area(detections, labels)
        caveat = "This rests on the things in view: no tool here classifies scenes."
        if found.area is None:
            return Finding(
                None,
                "I can't tell: nothing in view belongs only to a city or to the countryside.",
                [],
                [caveat],
            )
        signs = found.city if found.area == "city" else found.country
        listed = join_words([f"{_article(first_name(i.label))} [{i.id}]" for i in signs[:4]])
        place = "a city" if found.area == "city" else "the countryside"
        reason = f"{listed} {'suggests' if len(signs) == 1 else 'suggest'} {place}"
        if op.expected is not None:
            return verdict(found.area == op.expected, f", it looks like {place}: {reason}.", caveats=[caveat])
        return Finding(found.area, f"{_cap(place)}, probably: {reason}.", [], [caveat], value=found.area)

    def _weather(self, op: p.Scene, sky: Any) -> Finding:
        """Sunny or cloudy, from the colour of the open sky: blue is a clear sky, white or gray an overcast
        one; no open sky, no judgement (hard shadows alone are too easily a lamp's)."""
        from argus.agent.core.scene import daylight

        if sky is None:
            return Finding(None, "I can't tell: I see no open sky to judge the weather by.")
        kind = self._colour_measurement()
        if kind is not None and kind.verdict == "grayscale":
            return Finding(
                None,
                f"I can't tell: the picture is black and white [{kind.id}], so the sky's colour says nothing.",
            )
        if daylight(self._sky_light(sky), 0.0, False) == "night":
            if op.expected is not None:
                return verdict(False, f", it is night: the sky is dark [{sky.id}].")
            return Finding(None, f"I can't tell: it is night, the sky is dark [{sky.id}].")
        colour = getattr(sky, "label", None)
        clear = colour in CLEAR_SKY
        if not clear and colour not in CLOUDED_SKY:
            return Finding(
                None, f"I can't tell: the sky is {colour} [{sky.id}], neither clear blue nor overcast."
            )
        weather = "sunny" if clear else "cloudy"
        reason = f"the sky is {colour} [{sky.id}], {'clear' if clear else 'overcast'}"
        caveat = (
            "This rests on the colour of the open sky at the top of the picture, not on any weather model."
        )
        if op.expected is not None:
            return verdict(weather == op.expected, f", it looks {weather}: {reason}.", caveats=[caveat])
        return Finding(weather, f"{_cap(weather)}, probably: {reason}.", [], [caveat], value=weather)

    def _luminance(self) -> Any:
        """Each pixel's brightness, 0-1 (the mean of its channels)."""
        rgb = self.toolbox.image.rgb.astype(float)
        return (rgb.mean(axis=2) if rgb.ndim == 3 else rgb) / 255.0

    def _sky_light(self, sky: Any) -> float:
        """The open sky's mean brightness, 0-1: the rows from the top down to the sky item's box."""
        bottom = int(min(self.height, sky.box[3])) if getattr(sky, "box", None) else 0
        return float(self._luminance()[: max(1, bottom)].mean())

    def _daytime(self, op: p.Scene, sky: Any, outdoors: bool) -> Finding:
        """Day or night, from the open sky's brightness or a bright outdoor picture."""
        from argus.agent.core.scene import daylight

        sky_light = self._sky_light(sky) if sky is not None else None
        time = daylight(sky_light, float(self._luminance().mean()), outdoors)
        if time is None:
            why = "the sky is neither bright nor dark" if sky is not None else "I see no open sky"
            return Finding(None, f"I can't tell whether it is day or night: {why}.")
        if sky is not None:
            reason = f"the sky is {'bright' if time == 'day' else 'dark'} [{sky.id}]"
        else:
            reason = "the picture is brightly lit and looks outdoors"
        said = "daytime" if time == "day" else "dusk or night"
        if op.expected is not None:
            return verdict(time == op.expected, f", it looks like {said}: {reason}.")
        return Finding(time, f"{_cap(said)}, probably: {reason}.", value=time)

    def _op_modality(self, op: p.Modality) -> Finding:
        if op.body_part:
            return self._body_part()
        finding = self._modality()
        if finding.value is None or (op.expected is None and not op.choices):
            return finding
        seen = str(finding.value)
        body = finding.lead[0].lower() + finding.lead[1:]
        if op.choices:
            picked = next((c for c in op.choices if _same_modality(c, seen)), None)
            if picked is None:
                return Finding(seen, f"Neither: {body}", finding.why, finding.caveats, value=seen)
            named = "medical scan" if picked == "medical" else picked
            return Finding(
                named, f"{_cap(_article(named))}: {body}", finding.why, finding.caveats, value=named
            )
        assert op.expected is not None
        yes = _same_modality(op.expected, seen)
        untrained = self._untrained_kinds()
        if (
            not yes
            and _modality_key(op.expected) in untrained
            and _modality_key(op.expected) in GRAYSCALE_KINDS
        ):
            colour = self._colour_measurement()
            if colour is not None and colour.verdict == "colour":
                return Finding(
                    "no",
                    f"No: it is a colour image [{colour.id}], and {_article(op.expected)} is grayscale. "
                    f"The pixel classifier's best guess is "
                    + re.sub(r"^(?:it may be|it looks like|it is) ", "", body),
                    finding.why,
                    finding.caveats,
                    value=False,
                )
        if not yes and _modality_key(op.expected) in untrained:
            return Finding(
                None,
                f"I can't tell whether it is {_article(op.expected)}: the pixel classifier was never shown "
                f"one, so it cannot recognise one. Its best guess is "
                + re.sub(r"^(?:it may be|it looks like|it is) ", "", body),
                finding.why,
                finding.caveats,
            )
        return verdict(yes, f", {body}", finding.why, finding.caveats)

    def _body_part(self) -> Finding:
        """'What organ is this?': the DICOM file's own word for it, the part a kind of image always shows
        (a fundus photo shows the retina), or I can't tell: no tool here recognises anatomy."""
        tagged = str(self.toolbox.image.metadata.get("BodyPartExamined") or "").strip()
        if tagged:
            part = tagged.replace("_", " ").lower()
            return Finding(
                part, f"The {part}: the DICOM file names it as the body part examined.", value=part
            )
        kind = self._modality()
        if kind.value in PART_OF_KIND:
            part, said = PART_OF_KIND[str(kind.value)]
            return Finding(
                part, f"{_cap(said)}: {_lower_first(kind.lead)}", kind.why, kind.caveats, value=part
            )
        seen = f" {kind.lead}" if kind.value is not None else ""
        return Finding(
            None,
            f"I can't tell which body part this shows: the file does not name it, and no tool here recognises "
            f"anatomy.{seen}",
            kind.why,
            kind.caveats,
        )

    def _modality(self) -> Finding:
        code = str(self.toolbox.image.metadata.get("Modality") or "").strip().upper()
        if code:
            words, short = MODALITY_WORDS.get(code, (f"a {code} image", code))
            return Finding(short, f"It is {words}: the DICOM file's Modality tag says {code}.", value=short)
        from argus.tools import TOOLS

        if "classify_modality" not in TOOLS:
            return Finding(
                None,
                "I can't tell: the image is not a DICOM file, and no tool here tells its kind from its pixels.",
            )
        result = self.call("classify_modality")
        labels = list(result.items()) if result is not None else []
        if not labels:
            return Finding(
                None, "I can't tell: the image is not a DICOM file and the modality classifier failed."
            )
        from argus.tools.classify_modality import PHRASES

        top = labels[0]
        name = top.label
        confidence = 100 * (top.score or 0)
        hedge = "It looks like" if result.confident else "It may be"
        return Finding(
            name,
            f"{hedge} {PHRASES.get(name, _article(name))} [{top.id}] ({confidence:.0f}% confident).",
            caveats=[
                "The image is not a DICOM file, so this comes from its pixels alone, not from a scanner's tag."
            ],
            value=name,
        )

    def _colour_measurement(self) -> Any:
        """The quality tool's colour check (grayscale or colour), or None."""
        result = self.call("assess_quality")
        return next((m for m in getattr(result, "measurements", []) if m.label == "colour"), None)

    def _untrained_kinds(self) -> set[str]:
        """The kinds the pixel classifier cannot give (it had no images of them); none for a tagged DICOM."""
        if self.toolbox.image.metadata.get("Modality"):
            return set()
        result = self.call("classify_modality")
        return {_modality_key(k) for k in getattr(result, "untrained", None) or []}

    def _op_pose(self, op: p.Pose) -> Finding:
        from argus.agent.core.people import answer

        return answer(self, op)

    def _op_quality(self, op: p.Quality) -> Finding:
        from argus.tools.assess_quality import FAILING, PLAIN_NAMES

        if op.region == "background":
            return self._background_focus(op)
        result = self.call("assess_quality")
        if result is None:
            return Finding(None, "I can't tell: the quality check failed.")
        if op.aspect in ("colour", "grayscale"):
            kind = next((m for m in result.measurements if m.verdict in ("colour", "grayscale")), None)
            if kind is None:
                return Finding(None, "I can't tell: the quality check did not measure colour.")
            yes = kind.verdict == op.aspect
            words = "a colour image" if kind.verdict == "colour" else "a grayscale (black and white) image"
            if op.choice:
                state = "colour" if kind.verdict == "colour" else "black and white"
                return Finding(state, f"{_cap(state)}: it is {words} [{kind.id}].", value=state)
            return verdict(yes, f", it is {words} [{kind.id}].")
        by_label = {m.label: m for m in result.measurements}
        exposure = ("exposure", "shadows_clipped", "highlights_clipped")
        aspect_metrics = {
            "sharp": ("sharpness", "edges"), "blurry": ("sharpness", "edges"),
            "dark": exposure if op.choice else ("exposure", "shadows_clipped"),
            "bright": ("exposure", "highlights_clipped"), "exposure": exposure,
            "noise": ("noise",), "contrast": ("contrast",),
        }.get(op.aspect)  # fmt: skip
        metrics = (
            [by_label[m] for m in aspect_metrics if m in by_label]
            if aspect_metrics
            else [m for m in result.measurements if m.verdict not in ("colour", "grayscale")]
        )
        bad = [m for m in metrics if m.verdict in FAILING]
        wrong_way = {"dark": ("overexposed",), "bright": ("underexposed",)}.get(op.aspect, ())
        bad_here = [m for m in bad if op.choice or m.verdict not in wrong_way]
        problem = bool(bad_here)
        # The question's polarity: "is it sharp?" is yes when nothing failed; "is it blurry?" when something did.
        asks_problem = op.aspect in ("blurry", "dark", "bright", "noise")
        yes = problem if asks_problem else not problem
        cites = "".join(f"[{m.id}]" for m in metrics)
        measured = [
            f"{_cap(PLAIN_NAMES.get(m.label, m.label))} {m.value:.3g}: {m.threshold} [{m.id}]."
            for m in bad_here
        ]
        if problem:
            listed = join_words(list(dict.fromkeys(f"{FAILING[m.verdict]} [{m.id}]" for m in bad_here)))
            if op.choice:
                state = {
                    "sharp": "blurry",
                    "dark": "bright" if bad_here[0].verdict == "overexposed" else "dark",
                }.get(op.aspect, op.aspect)
                return Finding(state, f"{_cap(state)}: it is {listed}.", measured, value=state)
            return verdict(yes, f", it is {listed}.", measured)
        good = {"sharp": "sharp", "blurry": "sharp, not blurred", "dark": "not too dark", "bright": "not too bright",
                "exposure": "well exposed", "noise": "not noisy", "contrast": "well contrasted",
                "overall": "sharp and well exposed, and passes every quality check",
                "triage": "good enough for triage: it passes every quality check"}[op.aspect]  # fmt: skip
        if op.choice:
            state, lead = {
                "sharp": ("sharp", f"Sharp: its edges are crisp {cites}."),
                "dark": ("well exposed", f"Neither: it is well exposed, not too dark or too bright {cites}."),
            }[op.aspect]
            return Finding(state, lead, value=state)
        return verdict(yes, f", it is {good} {cites}.")

    def _background_focus(self, op: p.Quality) -> Finding:
        """'Is the background blurred?': the background's edges against the subject's, the subject being
        what the detector found, else the middle of the picture."""
        things = self.things("objects") or []
        subject = [t for t in things if t.box and (t.score is None or t.score >= 0.5)]
        boxes = [t.box for t in subject if t.box]
        caveats = []
        if not boxes:
            w, h = self.width, self.height
            boxes = [[w / 4, h / 4, 3 * w / 4, 3 * h / 4]]
            caveats.append("No tool found the subject, so I took the middle of the picture to be it.")
        result = self.call("assess_quality", {"subject_boxes": boxes})
        measured = next(
            (m for m in getattr(result, "measurements", []) if m.label == "background_edges"), None
        )
        if measured is None:
            return Finding(None, "I can't tell: the quality check failed.")
        cite, of = f"[{measured.id}]", _cite(subject) if subject else ""
        if measured.verdict == "no background":
            return Finding(
                None,
                f"I can't tell: the subject {of} fills the picture, leaving no background to judge {cite}.".replace(
                    "  ", " "
                ),
            )
        blurred = measured.verdict == "soft"
        yes = blurred if op.aspect == "blurry" else not blurred
        if measured.verdict == "plain":
            plain = (
                f"the background is plain, with no detail in it to be blurred or sharp {of}{cite}.".replace(
                    "  ", " "
                )
            )
            if op.aspect == "blurry":
                return verdict(False, f", {plain}", caveats=caveats)
            return Finding(None, f"I can't tell: {plain}", caveats=caveats)
        if blurred:
            state = f"blurred: its sharpest edges are {measured.value:.0%} as steep as the subject's"
        else:
            state = f"about as sharp as the subject: its sharpest edges are {measured.value:.0%} as steep"
        lead = f", the background is {state} {of}{cite}.".replace("  ", " ")
        return verdict(yes, lead, caveats=caveats)

    def _op_describe(self, op: p.Describe) -> Finding:
        medical = self._medical_kind()
        if medical is not None:
            return medical
        result = self.call("describe_image", {"ocr": "always"})  # a sign's words are what it shows
        if result is None or not result.items():
            return Finding(None, "I can't describe it: the describer failed.")
        caption = result.items()[0]
        text = getattr(caption, "text", "").strip()
        if f"[{caption.id}]" not in text and not re.search(r"\[[A-Z]\d+\]", text):
            text = f"{text.rstrip('.')} [{caption.id}]."
        return Finding(None, text)

    def _medical_kind(self) -> Finding | None:
        """A medical image is described as what kind of scan it is, never by COCO objects the detector
        imagines in it; None for a photograph, a document or an unsure guess."""
        from argus.tools import TOOLS

        if "classify_modality" not in TOOLS:
            return None
        result = self.call("classify_modality")
        if result is None or not result.confident or result.modality in ("photo", "document or graphic"):
            return None
        from argus.tools.classify_modality import PHRASES

        top = result.items()[0]
        source = "its DICOM tag" if result.source == "DICOM tag" else "its pixels"
        return Finding(
            None,
            f"{_cap(PHRASES.get(result.modality, _article(result.modality)))} [{top.id}].",
            [
                f"Its kind comes from {source}; no tool here reads findings in {PHRASES.get(result.modality, 'it')}."
            ],
        )

    # ----------------------------------------------------------- knowledge
    def _op_rules(self, op: p.Rules) -> Finding:
        from argus.agent.core.findings import STATABLE_NAMESPACES
        from argus.agent.core.policy import framing

        hits = self.call("search_rules", {"query": op.query, "k": 3, "domain": op.domain})
        stated = {
            k: v
            for k, v in self.toolbox.facts_context.stated.items()
            if k.split(".")[0] in STATABLE_NAMESPACES
        }
        outcome = self.call("evaluate_rules", {"domain": op.domain, "findings": stated})
        relevant = [f for f in outcome.evaluation.fired if not framing(f.rule)] if outcome is not None else []
        if relevant:
            first = relevant[0].rule
            sentences = [
                f"For the facts given, [R:{f.rule.id}] {f.rule.title} applies: {f.rule.conclusion} "
                f"Recommended: {f.rule.action} Source: {_source(f.rule)}."
                for f in relevant
            ]
            short = first.urgency.level if first.urgency.level else None
            return Finding(short, sentences[0], sentences[1:], self._rule_caveats(outcome, relevant))
        if hits:
            top = hits[0].rule
            others = ", ".join(f"[R:{h.rule.id}] {h.rule.title}" for h in hits[1:3])
            return Finding(
                None,
                f"The closest rule is [R:{top.id}] {top.title}: {top.conclusion} Recommended: {top.action} "
                f"Source: {_source(top)}.",
                [f"Related: {others}."] if others else [],
                self._rule_caveats(outcome, relevant),
            )
        return Finding(None, "No rule in the packs matches that question.")

    def _rule_caveats(self, outcome: Any, relevant: list[Any]) -> list[str]:
        from argus.agent.core.policy import framing

        if outcome is None:
            return []
        out = [
            f"[R:{a.rule.id}] does not apply here: {a.reason}"
            for a in [a for a in outcome.evaluation.abstained if not framing(a.rule)][:1]
        ]
        missing: list[str] = []
        for und in outcome.evaluation.undetermined:
            missing.extend(n for n in und.missing if n not in missing)
        if missing and not relevant:
            said = join_words([fact_in_words(name) for name in missing[:4]])
            out.append(f"To apply the rules to a case, give {said}.")
            self.toolbox.notes.append(f"findings the rules need: {', '.join(missing)}")
        return out

    def _op_triage(self, op: p.Triage) -> Finding:
        found = self.toolbox.policy.flow(self, op)
        if op.asked is None or op.finding:
            return found
        # "Is this scan urgent?" / "Is it normal?": the verdict first. Argus never calls a study normal: with
        # no urgency decided it cannot tell; a decided urgency answers whether it is urgent (U2 or above)
        # and whether anything is abnormal (U1 or above)
        level = int(found.value[1]) if isinstance(found.value, str) and found.value[:1] == "U" else None
        said = _lower_first(found.lead)
        if level is None or (op.asked != "urgent" and level == 0):
            return Finding(None, f"I can't tell: {said}", found.why, found.caveats, value=None)
        yes = level >= 2 if op.asked == "urgent" else op.asked == "abnormal"
        return verdict(yes, f": {said}", found.why, found.caveats)

    def _op_assess(self, op: p.Assess) -> Finding:
        found = self.toolbox.policy.flow(self, op)
        if op.asked is None or not isinstance(found.value, int):
            return found
        # "Should I raise an alert?" / "Is it safe?": the verdict first, then the threat level; "are the
        # exits clear?" is answered by the exit rules alone
        if op.asked in ("exit_blocked", "exit_clear"):
            rules = self.toolbox.last_rules
            fired = rules.evaluation.fired if rules is not None else []
            exits = list(dict.fromkeys(f.rule.id for f in fired if f.rule.id.startswith("SEC-EXIT")))
            yes = bool(exits) == (op.asked == "exit_blocked")
            said = (
                f"an exit route is obstructed {''.join(f'[R:{r}]' for r in exits)}"
                if exits
                else "no exit rule fired"
            )
            return verdict(yes, f": {said}. {found.lead}", found.why, found.caveats)
        if op.asked in INCIDENT_RULES:
            return self._incident(op.asked, found)
        alert = found.value > 0
        yes = alert if op.asked == "alert" else not alert
        return verdict(yes, f": {_lower_first(found.lead)}", found.why, found.caveats)

    def _incident(self, kind: str, found: Finding) -> Finding:
        """'Any unattended bags?': yes when a rule of that kind fired, I can't tell when one could not be
        decided (loitering needs several frames), no otherwise; the scene's threat level follows."""
        rules = self.toolbox.last_rules
        prefixes = INCIDENT_RULES[kind]
        evaluation = rules.evaluation if rules is not None else None
        fired = [
            f.rule.id for f in (evaluation.fired if evaluation else []) if f.rule.id.startswith(prefixes)
        ]
        if fired:
            said = f"{_article(INCIDENT_WORDS[kind])} rule fired {''.join(f'[R:{r}]' for r in dict.fromkeys(fired))}"
            return verdict(True, f": {said}. {found.lead}", found.why, found.caveats)
        open_rules = [
            u for u in (evaluation.undetermined if evaluation else []) if u.rule.id.startswith(prefixes)
        ]
        if open_rules:
            missing = join_words(
                list(dict.fromkeys(fact_in_words(n) for u in open_rules for n in u.missing))[:3]
            )
            return Finding(
                None,
                f"I can't tell: [R:{open_rules[0].rule.id}] needs {missing}, which this image does not give.",
                [found.lead, *found.why],
                found.caveats,
            )
        abstained = [
            a for a in (evaluation.abstained if evaluation else []) if a.rule.id.startswith(prefixes)
        ]
        not_met = [n for n in (evaluation.not_met if evaluation else []) if n.rule.id.startswith(prefixes)]
        if abstained and not not_met:  # "is anyone loitering?" in one frame: no rule of the kind applies
            first = abstained[0]
            return Finding(
                None,
                f"I can't tell: [R:{first.rule.id}] does not apply here: {facts_in_words(first.reason)}",
                [found.lead, *found.why],
                found.caveats,
            )
        return verdict(
            False, f": no {INCIDENT_WORDS[kind]} rule fired. {found.lead}", found.why, found.caveats
        )

    def _op_refuse(self, op: p.Refuse) -> Finding:
        refused = " or ".join(PRIVACY[r] for r in op.requests)
        outcome = self.call(
            "evaluate_rules",
            {"domain": self.toolbox.policy.name if self.toolbox.policy.name != "general" else None},
        )
        rules = ""
        if outcome is not None and outcome.evaluation.fired:
            rules = " " + " ".join(f"[R:{f.rule.id}] {f.rule.title}." for f in outcome.evaluation.fired)
        return Finding(
            None,
            f"I can't {refused}.",
            [
                "Identifying people from images and inferring emotions or sensitive attributes are prohibited or "
                f"high-risk uses under the EU AI Act (Art. 5(1)(h), Annex III), and this assistant does neither.{rules}",
                "I can count people or describe what they are doing instead.",
            ],
        )

    def _op_unanswerable(self, op: p.Unanswerable) -> Finding:
        if op.reason == p.NAME_ON_SIGN:
            return self._answer_from_text(self.toolbox.question.strip().lower()) or Finding(
                None, "I can't tell: I found no name written in the picture."
            )
        if op.reason and op.reason != "no form of question matched":
            return Finding(None, f"I can't tell: {op.reason}.", [CAPABILITIES])
        # a question gets "I can't tell"; a request no image answers ("give me a recipe") is declined
        asked = self.toolbox.question.strip().lower()
        question = asked.endswith("?") or YES_NO_START.match(asked) or WH_START.match(asked)
        if not question:
            return Finding(None, CANNOT_ANSWER)
        read = any(r.tool == "read_text" for r in self.toolbox.ledger.results())
        if not (read or READING_CUE.search(asked)):  # "what is the meaning of life?": no page to read it from
            return Finding(None, CANNOT_TELL)
        return self._answer_from_text(asked) or Finding(None, CANNOT_TELL)

    def _answer_from_text(self, question: str) -> Finding | None:
        """The last resort for a question no form read: a line written in the image that answers it
        ('where should you sign up?' over 'Sign up at the front desk.')."""
        items = None if self.toolbox.image.metadata.get("Modality") else self._text_lines()
        if not items:
            return None
        lines = rows(items)  # "BLUE", "DOOR", "BAKERY" read apart are one line of the sign
        found = answer_from_lines(question, [line.text for line in lines])
        if found is None:
            return None
        line = lines[found.line]
        quoted = f"\u201c{line.text}\u201d " + "".join(f"[{t.id}]" for t in line.items)
        if found.yes is not None:
            return verdict(found.yes, f", the text reads {quoted}.")
        span = found.span or ""
        return Finding(span, f"{span[0].upper()}{span[1:]}: the text reads {quoted}.", value=span)

    def _op_not(self, op: p.Not) -> Finding:
        inner = self.evaluate(op.inner)
        if inner.value is None:
            return inner
        yes = not bool(inner.value)
        body = inner.lead.split(" ", 1)[1] if inner.lead.startswith(("Yes", "No")) else inner.lead
        body = body.lstrip(",:").strip()
        if isinstance(op.inner, p.Quality):  # "is it bright enough?": "Yes, it is not too dark"
            return verdict(yes, f", {_lower_first(body)}", inner.why, inner.caveats)
        return verdict(
            yes, f", that is {'true' if yes else 'not true'}: {_lower_first(body)}", inner.why, inner.caveats
        )

    # -------------------------------------------------------------- helpers
    def _classifier_labels(self) -> list[Any] | None:
        result = self.call("classify_image", {"top_k": 5})
        return None if result is None else list(result.items())

    def _phrase(self, things: list[Thing], target: p.Selection) -> str:
        return (
            f"{count_phrase(len(things), _noun(target))}{self._where(target)} {self._cites(things, target)}"
        )

    def _cites(self, things: list[Thing], target: p.Selection) -> str:
        out = _cite_things(things)
        if target.zone:
            out += "".join(f"[{z}]" for z in self.zone_hits(target.zone, [t.id for t in things]))
        return out

    def _where(self, target: p.Selection) -> str:
        parts = []
        if target.zone:
            parts.append(f" in zone {target.zone.replace('_', ' ')}")
        if target.relation is not None:
            parts.append(f" {geometry.RELATIONS[target.relation.relation]} the {_noun(target.relation.to)}")
        if target.position:
            parts.append(
                f" on the {target.position}"
                if target.position in ("left", "right")
                else f" at the {target.position}"
            )
        return "".join(parts)

    def _colour_why(self, things: list[Thing], target: p.Selection) -> list[str]:
        return []

    def _instead(self, source: str, target: p.Selection) -> list[str]:
        """What was seen instead, when the selection found nothing: the same kind of thing unfiltered."""
        if source not in ("detections", "shapes", "objects"):
            return []
        everything = self.things(source) or []
        if not everything:
            return [
                f"The {'detector' if source == 'detections' else 'shape finder'} found nothing it knows in the image."
            ]
        same = [t for t in everything if target.label and t.label == target.label]
        if same and (target.colour or target.size or target.position or target.relation or target.zone):
            if target.colour:
                self.name_colours(same)
                colours = (
                    join_words(list(dict.fromkeys(f"{t.paint}" for t in same if t.paint)))
                    or "of another colour"
                )
                return [
                    f"The {plural(target.label or '', len(same))} here {'is' if len(same) == 1 else 'are'} {colours} {_cite_things(same)}."
                ]
            return [
                f"There {'is' if len(same) == 1 else 'are'} {count_phrase(len(same), target.label or '')} {_cite(same)}, but not {self._where(target).strip() or 'as described'}."
            ]
        names = _ranked_labels(everything)[:4]
        listed = join_words(
            [
                f"{_noun_group([t for t in everything if t.label == n])} {_cite([t for t in everything if t.label == n])}"
                for n in names
            ]
        )
        return [f"I see {listed}."]

    def _absence_caveat(self, source: str) -> list[str]:
        if source == "detections":
            return [
                "Not detected does not prove absent: the detector can miss small, hidden or unusual objects."
            ]
        return []


# ------------------------------------------------------------------ wording
def coco_category(label: str) -> str | None:
    found = category_of(label, vocabulary="coco")
    return found.name if found is not None else None


def _noun(selection: p.Selection) -> str:
    if (
        selection.label
        and selection.label in REGION_NOUNS.values()
        or selection.label
        and selection.label not in ("thing", "item")
    ):
        base = selection.label
    elif selection.shape:
        base = selection.shape
    elif selection.category:
        base = selection.category
    else:
        base = "object"
    words = [w for w in (selection.size, selection.colour) if w]
    if base == "sports ball" and selection.shape == "sphere":
        base = "ball"  # what the question said: a ball, drawn or played with
    elif selection.shape and selection.shape != base:
        words.append(selection.shape)
    if selection.state == "fallen":
        return "fallen person" if not words else " ".join([*words, "fallen person"])
    return " ".join([*words, base])


def _any(noun: str, selection: p.Selection) -> str:
    where = ""
    if selection.zone:
        where = f" in zone {selection.zone.replace('_', ' ')}"
    return f"any {plural(noun)}{where}"


def _the(selection: p.Selection, thing: Thing, as_asked: bool = False) -> str:
    """'The bus', 'The person on the left'; ``as_asked`` names it as the question did ('the blue object')."""
    own = thing.label not in ("other", "object", "thing") and not as_asked
    noun = thing.label if own else _noun(selection)
    if selection.rank or selection.position:
        side = {"leftmost": "on the left", "rightmost": "on the right", "topmost": "at the top", "bottommost": "at the bottom",
                "largest": "", "smallest": "", "nearest": "nearest the camera", "farthest": "farthest from the camera",
                "top_left": "at the top left", "top_right": "at the top right", "bottom_left": "at the bottom left", "bottom_right": "at the bottom right"}.get(selection.rank or "", f"on the {selection.position}" if selection.position else "")  # fmt: skip
        size = selection.rank if selection.rank in ("largest", "smallest") else ""
        return " ".join(w for w in ("The", size, noun, side) if w)
    return f"The {noun}"


def _rides(person: list[float] | None, ride: list[float] | None) -> bool:
    """Whether a person's box stands on a vehicle's or an animal's: their feet within its box's width and
    in its lower part, the person's middle above its top half."""
    if not person or not ride:
        return False
    centre = (person[0] + person[2]) / 2
    feet, middle = person[3], (person[1] + person[3]) / 2
    return (
        ride[0] <= centre <= ride[2]
        and ride[1] <= feet <= ride[3] + 0.1 * (ride[3] - ride[1])
        and middle < (ride[1] + ride[3]) / 2
    )


def _attribute_matches(attribute: str, asked: str, value: str) -> bool:
    """Whether the value seen is the one asked about ('navy' is blue; 'big' is large; an oblong is a rectangle)."""
    from argus.agent.core.lexicon import SHAPE_WORDS, SIZE_WORDS, colours_match, shape_matches

    if attribute == "colour":
        return colours_match(asked, value)
    if attribute == "shape":
        return shape_matches(SHAPE_WORDS.get(asked, asked), value)
    return SIZE_WORDS.get(asked, asked) == value


def _compared(a: int, b: int, comparison: str) -> bool:
    return {"more": a > b, "fewer": a < b, "same": a == b, "at_least": a >= b, "at_most": a <= b}[comparison]


def _lower_first(text: str) -> str:
    """'I don't see' stays, 'There are 2' -> 'there are 2'."""
    if text.startswith(("I ", "I'")):
        return text
    return text[:1].lower() + text[1:]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cite(items: list[Any]) -> str:
    return "".join(f"[{i.id}]" for i in items)


def _plural_statement(statement: str) -> bool:
    """Whether what is asked of a thing is said of several: 'are wet', 'wear hats' (not 'wears hats',
    'is wet', 'sleeping')."""
    verb = statement.partition(" ")[0]
    if verb in ("are", "were", "have", "do"):
        return True
    return (
        bool(verb)
        and verb not in ("is", "was", "can", "could", "will", "would")
        and not verb.endswith(("s", "ing", "ed"))
    )


def _refs(text: str) -> str:
    """The citations in a sentence, in order: '[D1][D2]'."""
    return "".join(re.findall(r"\[[^\]]+\]", text))


def _cite_things(things: list[Thing]) -> str:
    return "".join(f"[{c}]" for t in things for c in t.cites)


def _noun_group(things: list[Thing], coloured: bool = False) -> str:
    label = things[0].label
    if coloured and things[0].colour and things[0].label in SHAPES:
        label = f"{things[0].shade or things[0].colour} {label}"
    return f"{len(things)} {plural(label, len(things))}" if len(things) > 1 else _article(label)


def _ranked_labels(things: list[Thing]) -> list[str]:
    """Labels by how many things carry them, then by best score."""
    best: dict[str, tuple[int, float]] = {}
    for t in things:
        n, score = best.get(t.label, (0, 0.0))
        best[t.label] = (n + 1, max(score, t.score or 0.0))
    return sorted(best, key=lambda label: (-best[label][0], -best[label][1]))


def _unseen(noun: str) -> str:
    """What a sentence says it does not see: 'a cup', but 'any text'."""
    return f"any {noun}" if noun in ("text", "writing") else _article(noun)


def _article(noun: str) -> str:
    from argus.tools.words import article

    return article(noun)


def _classifier_means(label: Any, noun: str) -> bool:
    """Whether an ImageNet class answers for ``noun``: one of the classes its kind covers ('rocket': missile,
    projectile, space shuttle), its category or group, or the noun in the class's own name."""
    if label.label in labels_in(noun, "imagenet"):
        return True
    if noun in (getattr(label, "category", None), getattr(label, "group", None)):
        return True
    return _word_in(noun, label.label)


def _word_in(word: str, label: str) -> bool:
    return re.search(rf"\b{re.escape(word)}s?\b", label.lower().replace("_", " ")) is not None


def _quote_lines(lines: list[Any], limit: int) -> str:
    quoted = "; ".join(f"\u201c{getattr(t, 'text', '')}\u201d [{t.id}]" for t in lines[:limit])
    more = f" and {len(lines) - limit} more lines" if len(lines) > limit else ""
    return quoted + more


def _mentions(text: str, query: str) -> bool:
    """Whether OCR text mentions the query: as a phrase, or word by word allowing OCR slips and plurals."""
    low = text.lower()
    q = query.lower().strip()
    if q in low:
        return True
    words = re.findall(r"[a-z0-9]+", low)
    wanted = re.findall(r"[a-z0-9]+", q)
    if not wanted:
        return False

    def close(a: str, b: str) -> bool:
        return (
            a == b
            or a.rstrip("s") == b.rstrip("s")
            or (len(b) >= 5 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.8)  # one OCR slip in five
        )

    return all(any(close(w, x) for x in words) for w in wanted)


# The short answer to "where is X relative to Y?": the side, as one would say it.
SIDE_WORDS = {
    "left_of": "left", "right_of": "right", "in_front_of": "in front", "near": "next to",
    "larger_than": "larger", "smaller_than": "smaller", "taller_than": "taller", "wider_than": "wider",
}  # fmt: skip


def _parts(part: str) -> str:
    """'eyes' -> 'eyes', 'roof' -> 'roofs', 'fur' -> 'fur': a part named as a kind."""
    return part if part.endswith("s") or part in MASS_PARTS else plural(part)


SKY_WORDS = frozenset(["sky", "skies"])
CLEAR_SKY = frozenset(
    ["blue", "light blue", "sky blue", "cyan", "teal", "turquoise"]
)  # a sky's colour names ...
CLOUDED_SKY = frozenset(["white", "gray", "silver", "beige"])  # ... clear, or overcast
# COCO classes a person or an animal holds or carries.
HELD = frozenset(
    [
        "backpack", "umbrella", "handbag", "suitcase", "frisbee", "skis", "snowboard", "sports ball",
        "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
        "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
        "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "laptop", "mouse", "remote", "keyboard",
        "cell phone", "book", "scissors", "teddy bear", "hair drier", "toothbrush", "clock", "vase",
    ]
)  # fmt: skip
# What people ride on top of, in view: COCO classes.
RIDDEN = frozenset(
    ["bicycle", "motorcycle", "horse", "elephant", "skateboard", "surfboard", "snowboard", "skis"]
)
MASS_PARTS = frozenset(["fur", "hair", "skin", "paint", "paintwork", "clothing", "glass", "water"])
# Parts that are most of what one sees of a thing: its colour is the thing's own.
SURFACE_WORDS = frozenset(
    ["outside", "exterior", "surface", "body", "shell", "fur", "coat", "paint", "paintwork"]
)
# What people wear over most of the body: a person's own pixels are mostly these clothes, so their colour
# can be answered (a hat, a scarf or shoes cover too little of a person for that).
CLOTHING_WORDS = frozenset(
    [
        "suit",
        "spacesuit",
        "shirt",
        "t-shirt",
        "tshirt",
        "jersey",
        "jacket",
        "coat",
        "dress",
        "blouse",
        "sweater",
        "jumper",
        "hoodie",
        "uniform",
        "trousers",
        "pants",
        "jeans",
        "costume",
        "skirt",
        "clothes",
        "clothing",
        "outfit",
        "vest",
        "overalls",
    ]
)
GRAYSCALE_KINDS = frozenset({"x-ray", "ct", "mri", "mammogram"})  # never in colour as acquired
MEDICAL_KINDS = frozenset(
    {
        "x-ray",
        "ct",
        "mri",
        "ultrasound",
        "fundus",
        "microscopy",
        "mammogram",
        "pet",
        "nuclear medicine",
        "angiogram",
        "fluoroscopy",
    }
)


def _modality_key(name: str) -> str:
    """One name per kind of image, whichever way it was written ("CT", "a CT slice", "radiograph")."""
    low = name.lower()
    for word, canonical in (("x-ray", "x-ray"), ("radiograph", "x-ray"), ("mri", "mri"), ("ct", "ct"),
                            ("ultrasound", "ultrasound"), ("fundus", "fundus"), ("microscop", "microscopy"),
                            ("mammo", "mammogram"), ("pet", "pet"), ("document", "document"),
                            ("graphic", "document"), ("drawing", "document"), ("illustration", "document"),
                            ("cartoon", "document"), ("sketch", "document"), ("painting", "document"),
                            ("clip art", "document"), ("silhouette", "document"), ("diagram", "document"),
                            ("chart", "document"),
                            ("photo", "photo"), ("scan", "medical"), ("medical", "medical")):  # fmt: skip
        if re.search(rf"\b{word}", low):
            return canonical
    return low


def _same_modality(expected: str, seen: str) -> bool:
    """Whether the kind seen is the kind asked about; "a scan" or "medical" is any medical kind."""
    want, got = _modality_key(expected), _modality_key(seen)
    if want == "medical":
        return got in MEDICAL_KINDS
    return want == got


def _source(rule: Any) -> str:
    s = rule.source
    return ", ".join(x for x in (s.org, s.citation, s.section) if x)


__all__ = ["CANNOT_ANSWER", "CANNOT_TELL", "SHAPES", "Executor", "Finding", "ProgramResult"]
