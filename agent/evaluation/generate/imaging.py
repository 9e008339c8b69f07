"""Pictures whose truth is how they were made: medical scans and photographs of known modality, and
real photos made blurred or dark on purpose.

Modality: pydicom's test files by reference (the modality is in their tags), the same pixels saved
as PNG (no tags left, so only the pixels tell), a brain MRI slice that ships with matplotlib,
scikit-image's fundus photograph and microscopy samples, and ordinary photos. No package here ships
an X-ray, so X-ray appears only as a wrong option ("Is this an X-ray?" -> no).

Quality: the sample photos as they ship (sharp, well exposed) by reference, and small copies under a
strong Gaussian blur or at a tenth of their brightness.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from argus.agent.evaluation.generate.scene import Scene

MODALITY_ANSWERS: dict[str, list[str]] = {
    "CT": ["ct", "ct scan", "computed tomography", "cat scan", "ct image", "computed tomography scan"],
    "MRI": ["mri", "mr", "mri scan", "mr scan", "mr image", "mri image", "magnetic resonance", "magnetic resonance imaging"],
    "ultrasound": ["ultrasound", "sonogram", "sonography", "ultrasonography", "us", "ultrasound image", "ultrasound scan", "doppler ultrasound", "echocardiogram"],
    "fundus": ["fundus photograph", "fundus", "fundus photo", "fundus image", "retinal photograph", "retinal image", "retinal photo", "retina", "fundoscopy", "fundus photography"],
    "microscopy": ["microscopy", "micrograph", "microscope image", "microscopic image", "light microscopy", "histology", "histopathology", "histology slide", "microscope slide"],
    "photo": ["photo", "photograph", "picture", "ordinary photo", "regular photo", "camera photo", "color photograph"],
    "X-ray": ["x ray", "xray", "radiograph", "x ray image", "plain radiograph"],
}  # fmt: skip
MEDICAL = ("CT", "MRI", "ultrasound", "fundus", "microscopy")
SCANNERS = ("CT", "MRI", "ultrasound")

BY_REFERENCE = (
    ("dicom:CT_small.dcm", "CT"),
    ("dicom:J2K_pixelrep_mismatch.dcm", "CT"),
    ("dicom:693_J2KI.dcm", "CT"),
    ("dicom:MR_small.dcm", "MRI"),
    ("dicom:examples_overlay.dcm", "MRI"),
    ("dicom:examples_rgb_color.dcm", "ultrasound"),
    ("dicom:examples_palette.dcm", "ultrasound"),
    ("dicom:examples_jpeg2k.dcm", "ultrasound"),
    ("sample:retina.jpg", "fundus"),
    ("sample:cell.png", "microscopy"),
    ("sample:ihc.png", "microscopy"),
    ("sample:chelsea.png", "photo"),
    ("sample:coffee.png", "photo"),
    ("sample:china.jpg", "photo"),
    ("sample:motorcycle_left.png", "photo"),
    ("sample:astronaut.png", "photo"),
)
AS_PNG = (
    ("ct-chest", "dicom", "CT_small.dcm", "CT"),
    ("ct-head", "dicom", "J2K_pixelrep_mismatch.dcm", "CT"),
    ("mr-small", "dicom", "MR_small.dcm", "MRI"),
    ("mr-abdomen", "dicom", "examples_overlay.dcm", "MRI"),
    ("us-doppler", "dicom", "examples_rgb_color.dcm", "ultrasound"),
    ("mr-brain", "matplotlib", "mpl-data/sample_data/s1045.ima.gz", "MRI"),
    ("fundus", "skimage", "data/retina.jpg", "fundus"),
    ("histology", "skimage", "data/ihc.png", "microscopy"),
    ("cell", "skimage", "data/cell.png", "microscopy"),
)
QUALITY_PHOTOS = (
    "astronaut.png", "coffee.png", "chelsea.png", "bus.jpg", "camera.png", "china.jpg",
    "motorcycle_left.png", "grace_hopper.jpg", "zidane.jpg", "flower.jpg",
)  # fmt: skip
QUALITY_SIDE = 224  # px: the longer side of the blurred and dark copies


def _stretch(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.float64)
    low, high = np.percentile(values, (0.5, 99.5))
    scaled = (values - low) / max(high - low, 1e-6)
    return (np.clip(scaled, 0.0, 1.0) * 255).round().astype(np.uint8)


def _pixels(source: str, name: str) -> Image.Image:
    """The picture as a person would see it: DICOM pixels windowed to their 0.5-99.5 percentiles."""
    from argus.tools.base import package_sample

    if source == "dicom":
        import pydicom
        from pydicom.data import get_testdata_file

        found = get_testdata_file(name, download=False)
        assert isinstance(found, str)  # read=False gives a path; pydicom ships this sample
        ds = pydicom.dcmread(found)
        array = ds.pixel_array
        if array.ndim == 3 and array.shape[-1] == 3:
            return Image.fromarray(array.astype(np.uint8), "RGB")
        return Image.fromarray(_stretch(array), "L")
    path = package_sample(source, name)
    if name.endswith(".ima.gz"):  # matplotlib's MRI slice: 256 x 256 little-endian uint16
        raw = np.frombuffer(gzip.decompress(path.read_bytes()), "<u2").reshape(256, 256)
        return Image.fromarray(_stretch(raw), "L")
    with Image.open(path) as im:
        return im.convert("RGB")


def _fit(image: Image.Image, side: int) -> Image.Image:
    scale = side / max(image.size)
    if scale >= 1:
        return image.copy()
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)


def modality_scenes() -> list[tuple[Image.Image | None, Scene]]:
    """Every modality picture: (pixels to save or None for a reference, its scene)."""
    scenes: list[tuple[Image.Image | None, Scene]] = []
    for ref, modality in BY_REFERENCE:
        name = ref.split(":", 1)[1].rsplit(".", 1)[0].lower().replace("_", "-")
        scene = Scene(
            id=f"modality-{name}", family="medical", image=ref, width=0, height=0, modality=modality
        )
        scenes.append((None, scene))
    for key, source, name, modality in AS_PNG:
        picture = _pixels(source, name)
        if key == "histology":
            picture = picture.crop((0, 0, 256, 256))
        elif key == "mr-small":
            picture = picture.resize((128, 128), Image.Resampling.BICUBIC)
        picture = _fit(picture, 256)
        scene = Scene(
            id=f"modality-png-{key}",
            family="medical",
            image=f"img/modality-png-{key}.png",
            width=picture.width,
            height=picture.height,
            modality=modality,
        )
        scenes.append((picture, scene))
    return scenes


def quality_scenes(rng: random.Random) -> list[tuple[Image.Image | None, Scene]]:
    """Each photo as it ships, blurred, and darkened."""
    from argus.agent.evaluation.harness import resolve_image

    scenes: list[tuple[Image.Image | None, Scene]] = []
    for name in QUALITY_PHOTOS:
        stem = name.rsplit(".", 1)[0].replace("_", "-")
        original = Scene(
            id=f"quality-{stem}",
            family="quality",
            image=f"sample:{name}",
            width=0,
            height=0,
            sharp=True,
            exposure="ok",
        )
        scenes.append((None, original))
        with Image.open(resolve_image(original.image, Path("."))) as im:
            small = _fit(im.convert("RGB"), QUALITY_SIDE)
        blurred = small.filter(ImageFilter.GaussianBlur(rng.uniform(3.5, 5.0)))
        dark = ImageEnhance.Brightness(small).enhance(rng.uniform(0.06, 0.12))
        for suffix, picture, sharp, exposure in (
            ("blurred", blurred, False, "ok"),
            ("dark", dark, None, "dark"),
        ):
            scene_id = f"quality-{stem}-{suffix}"
            scene = Scene(
                id=scene_id,
                family="quality",
                image=f"img/{scene_id}.png",
                width=picture.width,
                height=picture.height,
                sharp=sharp,
                exposure=exposure,  # type: ignore[arg-type]
            )
            scenes.append((picture, scene))
    return scenes
