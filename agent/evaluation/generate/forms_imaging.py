"""How a picture was made and whether it is good enough: "What kind of scan is this?", "Is this an
MRI?", "Is the photo too dark?", "Is this image sharp enough?"."""

from __future__ import annotations

import random

from argus.agent.evaluation.generate.imaging import MEDICAL, MODALITY_ANSWERS, SCANNERS
from argus.agent.evaluation.generate.scene import Scene
from argus.agent.evaluation.generate.templates import Question, Template, fill, templates, yes_no

MODALITY = templates(
    "modality",
    [
        ("what_scan", "modality", "what kind of scan is this?"),
        ("what", "modality", "what type of image is this?"),
        ("what", "modality", "which imaging modality produced this image?"),
        ("what", "modality", "what modality is this?"),
        ("what_medical", "modality", "what kind of medical image is this?"),
        ("what_scan", "modality", "is this a CT, an MRI or something else?"),
        ("what", "modality", "how was this image acquired?"),
        ("what", "modality", "what sort of picture is this?"),
        ("what", "modality", "what imaging technique was used here?"),
        ("verify:MRI", "modality", "is this an MRI?"),
        ("verify:CT", "modality", "is this a CT scan?"),
        ("verify:ultrasound", "modality", "is this an ultrasound image?"),
        ("verify:X-ray", "modality", "is this an X-ray?"),
        ("verify:photo", "modality", "is this a photograph?"),
        ("verify:fundus", "modality", "is this a fundus photo?"),
        ("verify:microscopy", "modality", "was this taken with a microscope?"),
        ("medical", "modality", "is this a medical scan at all?"),
        ("what_scanner", "modality", "which kind of scanner made this?"),
        ("what", "modality", "tell me the modality of this image."),
        ("what_medical", "modality", "what exam is this from?"),
        ("choice_ct_mr", "modality", "CT or MRI?"),
        ("choice", "modality", "is this {m1} or {m2}?"),
        ("what", "modality", "what kind of imaging is shown?"),
        ("what", "modality", "name the imaging modality."),
        ("scan_or_photo", "modality", "is this picture a scan or a regular photo?"),
        ("what_scan", "modality", "what type of scan am I looking at?"),
        ("what_scan", "modality", "which modality is this: CT, MRI, ultrasound or X-ray?"),
        ("what", "modality", "identify the imaging modality."),
        ("what_medical", "modality", "what kind of medical imaging is this?"),
        ("verify:ultrasound", "modality", "is this a sonogram?"),
        ("verify:MRI", "modality", "is this a magnetic resonance image?"),
        ("verify:CT", "modality", "is this a computed tomography image?"),
        ("verify:fundus", "modality", "is this a picture of the retina?"),
        ("verify:microscopy", "modality", "is this a slide under a microscope?"),
        ("verify:X-ray", "modality", "is this a radiograph?"),
        ("verify:photo", "modality", "is this an ordinary photo?"),
        ("verify:ultrasound", "modality", "was this image taken with an ultrasound probe?"),
        ("choice_ct_mr", "modality", "is this an MR scan or a CT scan?"),
        ("what", "modality", "what imaging method made this picture?"),
        ("what", "modality", "what's the modality here?"),
        ("what_scanner", "modality", "which scanner type was used?"),
        ("verify:fundus", "modality", "is this an eye fundus image?"),
        ("verify:microscopy", "modality", "is this a micrograph?"),
    ],
)

QUALITY = templates(
    "quality",
    [
        ("sharp", "quality", "is this image sharp enough?"),
        ("sharp", "quality", "is the photo in focus?"),
        ("sharp", "quality", "is this picture sharp?"),
        ("sharp", "quality", "is the image crisp?"),
        ("sharp", "quality", "is the focus good?"),
        ("sharp", "quality", "are the details sharp?"),
        ("sharp", "quality", "is the picture clear rather than blurry?"),
        ("sharp", "quality", "would you call this image sharp?"),
        ("blurry", "quality", "is this image blurry?"),
        ("blurry", "quality", "is the photo out of focus?"),
        ("blurry", "quality", "is the picture blurred?"),
        ("blurry", "quality", "does this image look fuzzy?"),
        ("blurry", "quality", "is there blur in this image?"),
        ("blurry", "quality", "is the image too blurry to use?"),
        ("blurry", "quality", "is it blurry?"),
        ("blurry", "quality", "does the photo look soft and unfocused?"),
        ("dark", "quality", "is the image too dark?"),
        ("dark", "quality", "is this photo underexposed?"),
        ("dark", "quality", "is the picture too dim to see well?"),
        ("dark", "quality", "is it too dark?"),
        ("dark", "quality", "is the lighting too low in this image?"),
        ("dark", "quality", "does this image look underexposed?"),
        ("dark", "quality", "is this shot too dark to make out details?"),
        ("dark", "quality", "is the photo very dark?"),
        ("exposure_ok", "quality", "is the exposure OK?"),
        ("exposure_ok", "quality", "is the image well exposed?"),
        ("exposure_ok", "quality", "is the lighting good enough?"),
        ("exposure_ok", "quality", "is the brightness fine?"),
        ("exposure_ok", "quality", "is the photo bright enough?"),
        ("exposure_ok", "quality", "is this image properly exposed?"),
        ("exposure_ok", "quality", "does the exposure look right?"),
        ("exposure_ok", "quality", "is there enough light in this picture?"),
        ("usable", "quality", "is this image good enough quality to use?"),
        ("usable", "quality", "would this photo pass a quality check?"),
        ("usable", "quality", "is the image quality acceptable?"),
        ("usable", "quality", "is this picture usable?"),
        ("usable", "quality", "is the quality good?"),
        ("usable", "quality", "is the image quality OK?"),
        ("unusable", "quality", "does this photo have any quality problems?"),
        ("unusable", "quality", "is there something wrong with the image quality?"),
        ("usable", "quality", "is this a good quality photo?"),
        ("unusable", "quality", "should I retake this picture?"),
        ("unusable", "quality", "is the photo too poor to use?"),
        ("sharp", "quality", "is this image of acceptable sharpness?"),
    ],
)

ARTICLE_NAMES = {
    "CT": "a CT scan",
    "MRI": "an MRI",
    "ultrasound": "an ultrasound",
    "fundus": "a fundus photo",
    "microscopy": "a microscope image",
    "photo": "a photo",
    "X-ray": "an X-ray",
}


def modality_truth(scene: Scene, kind: str, rng: random.Random, values: dict[str, str]) -> list[str] | None:
    """The answers to a modality template of ``kind`` for ``scene`` (None: the template does not fit)."""
    m = scene.modality
    if m is None:
        return None
    if kind == "what":
        return MODALITY_ANSWERS[m]
    if kind in ("what_scan", "what_scanner", "choice_ct_mr"):
        allowed = ("CT", "MRI") if kind == "choice_ct_mr" else SCANNERS
        return MODALITY_ANSWERS[m] if m in allowed else None
    if kind == "what_medical":
        return MODALITY_ANSWERS[m] if m in MEDICAL else None
    if kind.startswith("verify:"):
        return yes_no(m == kind.split(":", 1)[1])
    if kind == "medical":
        return yes_no(m in MEDICAL)
    if kind == "choice":
        other = rng.choice([o for o in ARTICLE_NAMES if o != m])
        pair = [ARTICLE_NAMES[m], ARTICLE_NAMES[other]]
        rng.shuffle(pair)
        values["m1"], values["m2"] = pair
        return MODALITY_ANSWERS[m]
    if kind == "scan_or_photo":
        if m in SCANNERS:
            return ["scan", "medical scan", *MODALITY_ANSWERS[m]]
        return MODALITY_ANSWERS["photo"] if m == "photo" else None
    raise ValueError(f"unknown modality template kind {kind!r}")


def quality_truth(scene: Scene, kind: str) -> list[str] | None:
    """The yes/no answer to a quality template of ``kind`` for ``scene`` (None: not knowable)."""
    sharp, exposure = scene.sharp, scene.exposure
    usable = False if sharp is False or exposure == "dark" else True if sharp and exposure == "ok" else None
    truth = {
        "sharp": sharp,
        "blurry": None if sharp is None else not sharp,
        "dark": None if exposure is None else exposure == "dark",
        "exposure_ok": None if exposure is None else exposure == "ok",
        "usable": usable,
        "unusable": None if usable is None else not usable,
    }[kind]
    return None if truth is None else yes_no(truth)


def build_modality(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    if scene.family != "medical":
        return None
    tags: set[str] = set()
    values: dict[str, str] = {}
    answer = modality_truth(scene, template.kind, rng, values)
    if answer is None:
        return None
    return Question(fill(template, rng, tags, **values), "modality", answer, tags=tags)


def build_quality(template: Template, scene: Scene, rng: random.Random) -> Question | None:
    if scene.family != "quality":
        return None
    answer = quality_truth(scene, template.kind)
    if answer is None:
        return None
    tags: set[str] = set()
    return Question(fill(template, rng, tags), "quality", answer, tags=tags)
