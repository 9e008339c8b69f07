"""Draw every scene, ask each its questions, and write the suite: ``suite.jsonl`` and ``img/*.png``.

The same seed writes the same files (a test regenerates the committed suite and compares). Each
question is dealt from its family's deck, so every template is used before any is used twice; one
question in eight gets a typo.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from argus.agent.evaluation.generate import draw_pasted, draw_shapes, draw_solids, draw_text, imaging
from argus.agent.evaluation.generate.forms_attributes import (
    ATTRIBUTE,
    IDENTIFY,
    build_attribute,
    build_identify,
)
from argus.agent.evaluation.generate.forms_compare import COMPARE, build_compare
from argus.agent.evaluation.generate.forms_imaging import MODALITY, QUALITY, build_modality, build_quality
from argus.agent.evaluation.generate.forms_negation import NEGATION, build_negation
from argus.agent.evaluation.generate.forms_open import DESCRIBE, REFUSE, build_describe, build_refuse
from argus.agent.evaluation.generate.forms_presence import COUNT, EXISTS, build_count, build_exists
from argus.agent.evaluation.generate.forms_relations import RELATE, build_relate
from argus.agent.evaluation.generate.forms_text import TEXT, build_text
from argus.agent.evaluation.generate.language import add_typo
from argus.agent.evaluation.generate.scene import Scene
from argus.agent.evaluation.generate.templates import Builder, Deck, Question, Template

FAMILIES: dict[str, tuple[list[Template], Builder]] = {
    "exists": (EXISTS, build_exists),
    "count": (COUNT, build_count),
    "identify": (IDENTIFY, build_identify),
    "attribute": (ATTRIBUTE, build_attribute),
    "relate": (RELATE, build_relate),
    "compare": (COMPARE, build_compare),
    "text": (TEXT, build_text),
    "modality": (MODALITY, build_modality),
    "quality": (QUALITY, build_quality),
    "describe": (DESCRIBE, build_describe),
    "refuse": (REFUSE, build_refuse),
    "not": (NEGATION, build_negation),
}
# Per scene family: how many questions to ask of each scene, how often each form is chosen, and the
# forms asked first wherever the scene allows them (refusals need a person in the picture).
PLANS: dict[str, tuple[int, dict[str, float], dict[str, int]]] = {
    "shapes": (5, {"exists": 1.0, "count": 1.2, "not": 0.9, "identify": 0.5, "attribute": 1.1, "relate": 1.3, "compare": 1.3, "describe": 0.25}, {}),
    "tiny": (3, {"exists": 1.0, "count": 0.7, "not": 0.7, "identify": 1.2, "attribute": 1.0, "describe": 0.4}, {}),
    "solids": (5, {"exists": 1.0, "count": 1.2, "not": 0.8, "identify": 0.6, "attribute": 1.1, "relate": 1.4, "compare": 1.2, "describe": 0.3}, {}),
    "pasted": (6, {"exists": 1.0, "count": 1.0, "not": 0.8, "identify": 1.6, "attribute": 0.6, "relate": 0.8, "compare": 0.6, "describe": 0.4}, {"refuse": 3}),
    "signs": (3, {"text": 3.0, "describe": 0.4}, {}),
    "medical": (3, {"modality": 2.5, "not": 0.6}, {}),
    "quality": (3, {"quality": 2.5, "not": 0.6}, {}),
}  # fmt: skip
TYPO_RATE = 0.125
FIXED_TOOLS = {"text": ["read_text"], "quality": ["assess_quality"]}


@dataclass
class GeneratedSuite:
    cases: list[dict[str, Any]]
    images: dict[str, Image.Image]  # path relative to the suite -> pixels
    template_use: dict[str, int] = field(default_factory=dict)  # template key -> times used

    @staticmethod
    def template_counts() -> dict[str, int]:
        """How many templates each form family has."""
        return {form: len(items) for form, (items, _) in FAMILIES.items()}

    def counts(self) -> dict[str, Counter]:
        return {
            "form": Counter(c["form"] for c in self.cases),
            "op": Counter(c["op"] for c in self.cases),
            "category": Counter(c["category"] for c in self.cases),
        }


def scenes(seed: int) -> list[tuple[Image.Image | None, Scene]]:
    """Every scene of the suite, in a fixed order."""
    rng = random.Random(f"argus-eval-scenes-{seed}")
    out: list[tuple[Image.Image | None, Scene]] = []
    for k in range(84):
        out.append(draw_shapes.free_scene(f"shapes-{k:03d}", rng, n=k % 8 + 1))
    out += [draw_shapes.nested_scene(f"nested-{k:02d}", rng) for k in range(14)]
    out += [draw_shapes.pair_scene(f"pair-{k:02d}", rng) for k in range(14)]
    out += [draw_shapes.tiny_scene(f"tiny-{k:02d}", rng) for k in range(16)]
    out += [draw_solids.solids_scene(f"solids-{k:02d}", rng, n=k % 6 + 1) for k in range(32)]
    out += [
        draw_solids.solids_scene(f"stacked-{k:02d}", rng, n=rng.randint(1, 3), stack=True) for k in range(8)
    ]
    crops = list(draw_pasted.CROPS)
    for k in range(36):
        chosen = [crops[k % len(crops)]] if k < 14 else rng.sample(crops, 2)
        out.append(draw_pasted.pasted_scene(f"pasted-{k:02d}", rng, chosen))
    for k, text in enumerate(rng.sample(draw_text.SIGNS, 18)):
        out.append(draw_text.sign_scene(f"sign-{k:02d}", rng, text))
    for k, text in enumerate(rng.sample(draw_text.LABELS, 8)):
        out.append(draw_text.label_scene(f"label-{k:02d}", rng, text))
    for k, title in enumerate(rng.sample(draw_text.TITLES, 12)):
        body = rng.sample(draw_text.SENTENCES, rng.randint(2, 4))
        out.append(draw_text.page_scene(f"page-{k:02d}", rng, title, body))
    out += imaging.modality_scenes()
    out += imaging.quality_scenes(rng)
    return out


def build(seed: int = 0) -> GeneratedSuite:
    """The suite for ``seed``: its cases and the pictures they need."""
    rng = random.Random(f"argus-eval-questions-{seed}")
    decks = {name: Deck(items, rng) for name, (items, _) in FAMILIES.items()}
    cases: list[dict[str, Any]] = []
    images: dict[str, Image.Image] = {}
    every = scenes(seed)
    asked_of: dict[str, int] = {}
    for picture, scene in every:
        if picture is not None:
            images[scene.image] = picture
        count, weights, musts = PLANS[scene.family]
        first = [form for form, n in musts.items() for _ in range(n)]
        forms = first + rng.choices(list(weights), weights=list(weights.values()), k=count * 3)
        asked: set[str] = set()
        limit = count
        for position, form in enumerate(forms):
            if len(asked) >= limit:
                break
            dealt = decks[form].deal(scene, rng, FAMILIES[form][1])
            if dealt is None:
                continue
            template, question = dealt
            text = _with_typo(question, rng)
            if text.lower() in asked:
                continue
            asked.add(text.lower())
            limit += position < len(first)  # a question asked first comes on top of the scene's count
            cases.append(_case(scene, len(asked), form, template, question, text))
        asked_of[scene.id] = len(asked)
    for form, deck in decks.items():  # a template no scene was dealt yet: the first scene it fits
        for key in [k for k, n in deck.used.items() if n == 0]:
            template = next(t for t in FAMILIES[form][0] if t.key == key)
            for _, scene in every:
                fitted = FAMILIES[form][1](template, scene, rng)
                if fitted is not None:
                    deck.used[key] += 1
                    asked_of[scene.id] += 1
                    cases.append(_case(scene, asked_of[scene.id], form, template, fitted, fitted.text))
                    break
    use = {key: n for deck in decks.values() for key, n in deck.used.items()}
    return GeneratedSuite(cases=cases, images=images, template_use=use)


def _with_typo(question: Question, rng: random.Random) -> str:
    if rng.random() >= TYPO_RATE:
        return question.text
    text, typo = add_typo(question.text, rng, protect=question.protect)
    if typo is not None:
        question.tags.add("typo")
    return text


def _case(
    scene: Scene, k: int, form: str, template: Template, question: Question, text: str
) -> dict[str, Any]:
    expect: dict[str, Any] = {}
    if question.short_answer is not None:
        expect["short_answer"] = question.short_answer
    if question.mentions is not None:
        expect["mentions"] = question.mentions
    if question.refused is not None:
        expect["refused"] = question.refused
    case: dict[str, Any] = {
        "id": f"{scene.id}-q{k}",
        "image": scene.image,
        "question": text,
        "category": scene.family,
        "form": form,
        "op": question.op,
        "expect": expect,
    }
    if form in FIXED_TOOLS:
        case["tools"] = FIXED_TOOLS[form]
    case["template"] = template.key
    if question.tags:
        case["tags"] = sorted(question.tags)
    return case


def write(out: str | Path, seed: int = 0) -> GeneratedSuite:
    """Write the suite for ``seed`` into ``out`` (``suite.jsonl`` and ``img/``) and return it."""
    folder = Path(out)
    (folder / "img").mkdir(parents=True, exist_ok=True)
    suite = build(seed)
    for name, picture in suite.images.items():
        picture.save(folder / name)
    lines = [json.dumps(case, ensure_ascii=False) for case in suite.cases]
    (folder / "suite.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return suite
