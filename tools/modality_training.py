"""Rebuild the modality classifier that ``classify_modality`` ships, from labelled images on this machine.

    python -m argus.tools.modality_training [--out FILE] [--augment 40] [--seed 0] [--extra LABEL=DIR ...]

The images are the real ones that installed packages carry, labelled by what they are: pydicom's test
files by their DICOM Modality tag (decoded by ``argus.tools.image_io``, so the windowing is the one a user
sees), scikit-image's sample images (retina -> fundus photo, cell and ihc -> microscopy, astronaut,
camera, chelsea ... -> photo, page and text -> document), Ultralytics', scikit-learn's and matplotlib's
sample photos, matplotlib's sample MRI slice, networkx's test drawings. ``--extra LABEL=DIR`` adds a
folder of your own (for example real radiographs, which no installed package carries).

Each source image gives ``--augment`` variants (crops, flips, resizing, JPEG re-encoding, gamma and
contrast, noise, blur, grayscale, a black frame) besides itself. The evaluation holds out whole sources:
every variant of one source is predicted by a model fitted without that source (leave one source out),
so no source is ever on both sides. The regularisation is chosen by that evaluation; the shipped model
is then fitted on everything. The same seed on the same files rebuilds the same model.
"""

from __future__ import annotations

import argparse
import gzip
import io
import math
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageFilter

from argus.tools.base import package_dir, package_version
from argus.tools.classify_modality import CLASSES, CONFIDENT, MODEL_PATH, dicom_label
from argus.tools.modality_features import feature_names, features

if TYPE_CHECKING:
    from argus.tools.image_io import LoadedImage

MIN_SOURCE_SIDE = 48  # smaller test images (pydicom's 16 x 16 and 32 x 32 crops) show no anatomy
DUPLICATE_CORRELATION = 0.95  # two sources this alike are one image in two encodings: one is kept
REGULARISATION = (0.03, 0.1, 0.3, 1.0)  # inverse strengths C tried for the logistic regression
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".dcm")

# scikit-image's sample images: file -> (label, group). phantom.png is left out: a drawing made to
# look like a CT slice fits no label.
SKIMAGE = {
    "retina.jpg": ("fundus photo", "retina"),
    "microaneurysms.png": ("fundus photo", "microaneurysms"),
    "cell.png": ("microscopy", "cell"),
    "ihc.png": ("microscopy", "ihc"),
    "astronaut.png": ("photo", "astronaut"),
    "camera.png": ("photo", "camera"),
    "chelsea.png": ("photo", "chelsea"),
    "coffee.png": ("photo", "coffee"),
    "rocket.jpg": ("photo", "rocket"),
    "motorcycle_left.png": ("photo", "motorcycle"),
    "motorcycle_right.png": ("photo", "motorcycle"),
    "brick.png": ("photo", "brick"),
    "grass.png": ("photo", "grass"),
    "gravel.png": ("photo", "gravel"),
    "coins.png": ("photo", "coins"),
    "moon.png": ("photo", "moon"),
    "hubble_deep_field.jpg": ("photo", "hubble"),
    "clock_motion.png": ("photo", "clock"),
    "page.png": ("document or graphic", "page"),
    "text.png": ("document or graphic", "text"),
    "logo.png": ("document or graphic", "skimage-logo"),
    "horse.png": ("document or graphic", "horse"),
    "color.png": ("document or graphic", "colour-wheel"),
    "chessboard_GRAY.png": ("document or graphic", "chessboard"),
    "chessboard_RGB.png": ("document or graphic", "chessboard"),
}
# Other packages' sample images: (package, path inside it, label, group).
PACKAGE_IMAGES = (
    ("ultralytics", "assets/bus.jpg", "photo", "bus"),
    ("ultralytics", "assets/zidane.jpg", "photo", "zidane"),
    ("sklearn", "datasets/images/china.jpg", "photo", "china"),
    ("sklearn", "datasets/images/flower.jpg", "photo", "flower"),
    ("matplotlib", "mpl-data/sample_data/grace_hopper.jpg", "photo", "grace-hopper"),
    ("matplotlib", "mpl-data/sample_data/logo2.png", "document or graphic", "matplotlib-logo"),
    ("matplotlib", "mpl-data/sample_data/Minduka_Present_Blue_Pack.png", "document or graphic", "present"),
)
# pydicom test files whose pixels are not what their Modality tag says.
PYDICOM_ARTEFACTS = {"ExplVR_BigEnd": "US by its tag, but its pixels are a flat yellow test fill"}
NETWORKX_DRAWINGS = "drawing/tests/baseline"  # graph drawings: one group, they share one style
MATPLOTLIB_MRI = "mpl-data/sample_data/s1045.ima.gz"  # a 256 x 256 16-bit sagittal MRI slice of a head


@dataclass
class Source:
    """One labelled image; sources that share a group are held out together."""

    label: str
    group: str
    origin: str
    image: LoadedImage


@dataclass
class Dataset:
    features: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    original: np.ndarray = field(repr=False)  # True for the unaugmented image of each source
    skipped: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ sources


def collect_sources(extra: dict[str, Path] | None = None) -> tuple[list[Source], list[str]]:
    """Every labelled image found here, and why each candidate that was left out was left out."""
    sources: list[Source] = []
    skipped: list[str] = []
    for finder in (_pydicom_sources, _skimage_sources, _package_sources, _mri_source, _networkx_sources):
        found, missed = finder()
        sources.extend(found)
        skipped.extend(missed)
    for label, folder in (extra or {}).items():
        found, missed = _folder_sources(label, folder)
        sources.extend(found)
        skipped.extend(missed)
    kept, duplicates = _drop_duplicates(sources)
    return kept, skipped + duplicates


def _load(path: Path) -> LoadedImage:
    from argus.tools.image_io import load_image

    name = path.name if path.suffix else f"{path.name}.dcm"  # pydicom's DICOMDIR series have no suffix
    return load_image(path.read_bytes(), name=name)


def _pydicom_sources() -> tuple[list[Source], list[str]]:
    from argus.tools.errors import ArgusError

    root = package_dir("pydicom")
    if root is None:
        return [], ["pydicom is not installed"]
    found, skipped = [], []
    for path in sorted((root / "data").rglob("*")):
        if (
            not path.is_file()
            or path.suffix not in ("", ".dcm")
            or path.name.startswith(("DICOMDIR", "README"))
        ):
            continue
        origin = f"pydicom {path.relative_to(root / 'data')}"
        try:
            with warnings.catch_warnings():  # pydicom's test files are malformed on purpose, and say so
                warnings.simplefilter("ignore", UserWarning)
                image = _load(path)
        except ArgusError as exc:
            skipped.append(f"{origin}: {type(exc).__name__}")
            continue
        code = str(image.metadata.get("Modality") or "").upper()
        label = dicom_label(code) or ("document or graphic" if code in ("OT", "SEG") else None)
        if path.stem in PYDICOM_ARTEFACTS:
            skipped.append(f"{origin}: {PYDICOM_ARTEFACTS[path.stem]}")
        elif label is None:
            skipped.append(f"{origin}: DICOM modality {code or 'missing'} has no label")
        elif min(image.width, image.height) < MIN_SOURCE_SIDE:
            skipped.append(f"{origin}: {code} {image.width}x{image.height} is too small to show anatomy")
        else:
            # pydicom's OT files are colour-bar and square test patterns, its SEG files label masks
            found.append(Source(label, path.stem, origin, image))
    return found, skipped


def _skimage_sources() -> tuple[list[Source], list[str]]:
    root = package_dir("skimage")
    if root is None:
        return [], ["scikit-image is not installed"]
    found, skipped = [], []
    for name, (label, group) in SKIMAGE.items():
        path = root / "data" / name
        if path.is_file():
            found.append(Source(label, group, f"scikit-image data/{name}", _load(path)))
        else:
            skipped.append(f"scikit-image data/{name}: not on disk")
    return found, skipped


def _package_sources() -> tuple[list[Source], list[str]]:
    found, skipped = [], []
    for package, relative, label, group in PACKAGE_IMAGES:
        root = package_dir(package)
        path = root / relative if root else None
        if path is not None and path.is_file():
            found.append(Source(label, group, f"{package} {relative}", _load(path)))
        else:
            skipped.append(f"{package} {relative}: not on disk")
    return found, skipped


def _mri_source() -> tuple[list[Source], list[str]]:
    from argus.tools.image_io import load_image

    root = package_dir("matplotlib")
    path = root / MATPLOTLIB_MRI if root else None
    if path is None or not path.is_file():
        return [], [f"matplotlib {MATPLOTLIB_MRI}: not on disk"]
    pixels = np.frombuffer(gzip.decompress(path.read_bytes()), ">u2").reshape(256, 256)
    buffer = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint16)).save(buffer, format="PNG")  # as a user would save it: 16-bit
    image = load_image(buffer.getvalue(), name="s1045.png")
    return [Source("MRI", "s1045", f"matplotlib {MATPLOTLIB_MRI}", image)], []


def _networkx_sources() -> tuple[list[Source], list[str]]:
    root = package_dir("networkx")
    folder = root / NETWORKX_DRAWINGS if root else None
    if folder is None or not folder.is_dir():
        return [], [f"networkx {NETWORKX_DRAWINGS}: not on disk"]
    return [
        Source("document or graphic", "networkx-drawings", f"networkx {path.name}", _load(path))
        for path in sorted(folder.glob("*.png"))
    ], []


def _folder_sources(label: str, folder: Path) -> tuple[list[Source], list[str]]:
    from argus.tools.errors import ArgusError

    found, skipped = [], []
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES):
        try:
            found.append(Source(label, f"{label}:{path}", str(path), _load(path)))
        except ArgusError as exc:
            skipped.append(f"{path}: {exc}")
    return found, skipped


def _drop_duplicates(sources: list[Source]) -> tuple[list[Source], list[str]]:
    """Sources without the repeats: one image stored in several encodings (pydicom keeps MR_small in
    seven) is one source, so that it neither outweighs the others nor sits on both sides of a held-out
    evaluation. Two images of one label whose 32 x 32 thumbnails correlate this well are one image."""
    kept: list[Source] = []
    signatures: list[np.ndarray] = []
    dropped = []
    for source in sources:
        small = Image.fromarray(source.image.gray).resize((32, 32), Image.Resampling.BOX)
        values = np.asarray(small, np.float64).ravel()
        values -= values.mean()
        norm = np.linalg.norm(values)
        signature = values / norm if norm > 0 else values
        twin = next(
            (
                other
                for other, seen in zip(kept, signatures, strict=True)
                if other.label == source.label and float(signature @ seen) >= DUPLICATE_CORRELATION
            ),
            None,
        )
        if twin is None:
            kept.append(source)
            signatures.append(signature)
        else:
            dropped.append(f"{source.origin}: the same image as {twin.origin}")
    return kept, dropped


# -------------------------------------------------------------------------------------- augmenting


def variants(rgb: np.ndarray, count: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """The image itself, then ``count`` random variants of it."""
    yield rgb
    for _ in range(count):
        yield augment(rgb, rng)


def augment(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random variant: what saving, cropping, resizing and re-encoding an image does to it."""
    image = Image.fromarray(rgb, "RGB")
    width, height = image.size
    area = rng.uniform(0.55, 1.0)
    stretch = math.exp(rng.uniform(-0.25, 0.25))
    crop_w = max(1, min(width, round(width * math.sqrt(area) * stretch)))
    crop_h = max(1, min(height, round(height * math.sqrt(area) / stretch)))
    left, top = int(rng.integers(0, width - crop_w + 1)), int(rng.integers(0, height - crop_h + 1))
    image = image.crop((left, top, left + crop_w, top + crop_h))
    if rng.random() < 0.5:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if rng.random() < 0.25:
        image = image.convert("L").convert("RGB")
    longest = math.exp(rng.uniform(math.log(64), math.log(1024)))
    scale = longest / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    image = image.resize(size, Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.BICUBIC)
    if rng.random() < 0.2:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.5)))
    pixels = np.asarray(image, np.float32) / 255.0
    pixels = pixels ** rng.uniform(0.75, 1.35)
    mean = pixels.mean()
    pixels = (pixels - mean) * rng.uniform(0.8, 1.2) + mean + rng.uniform(-0.06, 0.06)
    if rng.random() < 0.4:
        pixels = pixels + rng.normal(0.0, rng.uniform(1.0, 8.0) / 255.0, pixels.shape[:2])[..., None]
    out = (pixels.clip(0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if rng.random() < 0.1:
        border = max(1, round(max(out.shape[:2]) * rng.uniform(0.02, 0.1)))
        out = np.pad(out, ((border, border), (border, border), (0, 0)))
    if rng.random() < 0.5:
        buffer = io.BytesIO()
        Image.fromarray(out, "RGB").save(buffer, format="JPEG", quality=int(rng.integers(35, 96)))
        out = np.asarray(Image.open(buffer).convert("RGB"))
    return out


def build_dataset(
    sources: list[Source],
    augment_count: int,
    seed: int,
    featurize: Callable[[np.ndarray], np.ndarray] = features,
) -> Dataset:
    """Features of every source and its variants; each source's variants come from its own seed."""
    rows, labels, groups, original = [], [], [], []
    for index, source in enumerate(sources):
        rng = np.random.default_rng([seed, index])
        for number, rgb in enumerate(variants(source.image.rgb, augment_count, rng)):
            rows.append(featurize(rgb))
            labels.append(source.label)
            groups.append(source.group)
            original.append(number == 0)
    return Dataset(np.array(rows), np.array(labels), np.array(groups), np.array(original))


# ------------------------------------------------------------------------------ fitting, evaluating


def fit(data: Dataset, c: float) -> Any:
    """Standardised features, multinomial logistic regression with balanced class weights."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=5000))
    return model.fit(data.features, data.labels)


def leave_one_source_out(data: Dataset, c: float, classes: list[str]) -> np.ndarray:
    """Class probabilities (columns in ``classes`` order) for every image, each from a model fitted
    without the image's group."""
    probabilities = np.zeros((len(data.labels), len(classes)))
    for group in np.unique(data.groups):
        held = data.groups == group
        train = Dataset(data.features[~held], data.labels[~held], data.groups[~held], data.original[~held])
        model = fit(train, c)
        columns = [classes.index(label) for label in model.classes_]
        probabilities[np.ix_(held, columns)] = model.predict_proba(data.features[held])
    return probabilities


def temperature(probabilities: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that makes held-out probabilities honest: logits divided by it give the lowest
    log loss on images whose source the model never saw (above 1 when the model is overconfident)."""
    logits = np.log(np.clip(probabilities, 1e-9, 1.0))
    rows = np.arange(len(truth))
    best, best_loss = 1.0, math.inf
    for t in np.exp(np.linspace(math.log(0.5), math.log(20.0), 81)):
        scaled = logits / t
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        loss = float(-log_p[rows, truth].mean())
        if loss < best_loss:
            best, best_loss = float(t), loss
    return round(best, 4)


def tempered(probabilities: np.ndarray, t: float) -> np.ndarray:
    scaled = np.log(np.clip(probabilities, 1e-9, 1.0)) / t
    scaled = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    return scaled / scaled.sum(axis=1, keepdims=True)


def evaluation(data: Dataset, probabilities: np.ndarray, classes: list[str]) -> dict[str, Any]:
    """Per-class accuracy (all variants, and the unaugmented originals), balanced accuracy, confusion,
    and how confident the right and the wrong answers were."""
    predicted = np.array(classes, dtype=object)[probabilities.argmax(axis=1)]
    confidence = probabilities.max(axis=1)
    right = predicted == data.labels
    per_class = {}
    for label in classes:
        mine = data.labels == label
        first = mine & data.original
        per_class[label] = {
            "sources": int(len(np.unique(data.groups[mine]))),
            "images": int(mine.sum()),
            "accuracy": round(float(right[mine].mean()), 4),
            "originals_right": f"{int(right[first].sum())}/{int(first.sum())}",
        }
    confusion = {
        truth: {guess: int(((data.labels == truth) & (predicted == guess)).sum()) for guess in classes}
        for truth in classes
    }
    confident = confidence >= CONFIDENT
    return {
        "accuracy": round(float(right.mean()), 4),
        "balanced_accuracy": round(float(np.mean([v["accuracy"] for v in per_class.values()])), 4),
        "mean_confidence": round(float(confidence.mean()), 4),
        "confident_share": round(float(confident.mean()), 4),
        "accuracy_when_confident": round(float(right[confident].mean()), 4) if confident.any() else None,
        "per_class": per_class,
        "confusion": confusion,
    }


def export(model: Any, classes: list[str], heat: float, summary: dict[str, Any]) -> dict[str, Any]:
    """The fitted pipeline as plain arrays that ``classify_modality`` evaluates with NumPy; the
    temperature is folded into the weights, so the probabilities come out tempered."""
    scaler, regression = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    order = [list(regression.classes_).index(label) for label in classes]
    return {
        "format": 1,
        "classes": classes,
        "features": feature_names(),
        "mean": _rounded(scaler.mean_),
        "scale": _rounded(scaler.scale_),
        "coef": _rounded(regression.coef_[order] / heat),
        "intercept": _rounded(regression.intercept_[order] / heat),
        "training": summary,
    }


def _rounded(values: np.ndarray) -> Any:
    return np.vectorize(lambda v: float(f"{v:.6g}"))(np.asarray(values, np.float64)).tolist()


def train(
    out: Path, augment_count: int = 40, seed: int = 0, extra: dict[str, Path] | None = None, log=print
) -> dict[str, Any]:
    """Collect, augment, evaluate by leaving each source out, fit on everything, write ``out``."""
    import json

    from threadpoolctl import threadpool_limits

    from argus.tools.file_io import atomic_output

    sources, skipped = collect_sources(extra)
    classes = [label for label in CLASSES if any(s.label == label for s in sources)]
    log(f"{len(sources)} source images in {len({s.group for s in sources})} groups; {len(skipped)} left out")
    data = build_dataset(sources, augment_count, seed)
    log(f"{len(data.labels)} images after augmentation, {data.features.shape[1]} features each")
    held_out, scores = {}, {}
    # one BLAS thread: these fits are small, and threads fighting over a busy machine make them 50x slower
    with threadpool_limits(1):
        for c in REGULARISATION:
            held_out[c] = leave_one_source_out(data, c, classes)
            scores[c] = evaluation(data, held_out[c], classes)
            log(f"C={c:g}: leave-one-source-out balanced accuracy {scores[c]['balanced_accuracy']:.3f}")
        best = max(REGULARISATION, key=lambda c: (scores[c]["balanced_accuracy"], -c))
        fitted = fit(data, best)
    truth = np.array([classes.index(label) for label in data.labels])
    heat = temperature(held_out[best], truth)
    log(f"C={best:g} chosen; temperature {heat:g} makes its held-out probabilities honest")
    summary = {
        "seed": seed,
        "augment": augment_count,
        "C": best,
        "temperature": heat,
        "sources": dict(sorted(Counter(s.label for s in sources).items())),
        "groups": {label: len({s.group for s in sources if s.label == label}) for label in classes},
        "images": dict(sorted(Counter(data.labels.tolist()).items())),
        "untrained": {
            label: "no labelled image of this kind on the machine that built the model"
            for label in CLASSES
            if label not in classes
        },
        "origins": sorted(s.origin for s in sources),
        "left_out": skipped,
        "packages": {
            p: package_version(p) for p in ("pydicom", "scikit-image", "scikit-learn", "numpy", "pillow")
        },
        "leave_one_source_out": evaluation(data, tempered(held_out[best], heat), classes),
    }
    model = export(fitted, classes, heat, summary)
    with atomic_output(out, mode_bits=0o644) as fh:
        fh.write(json.dumps(model, indent=1) + "\n")
    log(f"wrote {out}")
    return model


def format_report(model: dict[str, Any]) -> str:
    """Counts, held-out accuracy per class and the confusion matrix, as plain text tables."""
    training = model["training"]
    score = training["leave_one_source_out"]
    classes = model["classes"]
    lines = [
        f"held out by source (C={training['C']:g}, temperature {training['temperature']:g}): accuracy "
        f"{score['accuracy']:.3f}, balanced {score['balanced_accuracy']:.3f}; mean confidence "
        f"{score['mean_confidence']:.2f}; {score['confident_share']:.1%} of answers at >= {CONFIDENT}, "
        f"right {score['accuracy_when_confident'] or 0:.1%} of those",
        f"{'class':<22}{'sources':>8}{'groups':>8}{'images':>8}{'accuracy':>10}{'originals':>11}",
    ]
    for label in classes:
        row = score["per_class"][label]
        lines.append(
            f"{label:<22}{training['sources'][label]:>8}{row['sources']:>8}{row['images']:>8}"
            f"{row['accuracy']:>10.3f}{row['originals_right']:>11}"
        )
    for label, why in training["untrained"].items():
        lines.append(f"{label:<22}{0:>8}{0:>8}{0:>8}{'-':>10}{'-':>11}  ({why})")
    short = [c[:9] for c in classes]
    lines.append("confusion (rows: truth, columns: predicted)")
    lines.append(" " * 22 + "".join(f"{s:>10}" for s in short))
    for truth in classes:
        lines.append(f"{truth:<22}" + "".join(f"{score['confusion'][truth][g]:>10}" for g in classes))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m argus.tools.modality_training", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model JSON")
    parser.add_argument("--augment", type=int, default=40, help="random variants per source image")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help=f"more images; LABEL one of {CLASSES}",
    )
    args = parser.parse_args(argv)
    extra = {}
    for item in args.extra:
        label, _, folder = item.partition("=")
        if label not in CLASSES or not Path(folder).is_dir():
            parser.error(
                f"--extra wants LABEL=DIR with LABEL one of {', '.join(CLASSES)} and DIR a folder, got {item!r}"
            )
        extra[label] = Path(folder)
    if args.augment < 0:
        parser.error("--augment must be 0 or more")
    model = train(args.out, args.augment, args.seed, extra, log=lambda m: print(m, file=sys.stderr))
    print(format_report(model))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
