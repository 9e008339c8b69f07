"""``classify_chest_xray``: pathology probabilities for a frontal chest radiograph from a torchxrayvision
DenseNet-121 with the user's own weights (evidence prefix L).

No chest X-ray weights ship with Argus or in any package, and Argus never downloads them: the tool is
available only where torchxrayvision is installed (``pip install 'argus[cxr]'``) and a weights file is
configured as ``Runtime.weights["torchxrayvision"]`` (``argus triage --cxr-weights FILE``).

The weights file is a state dict, read with ``torch.load(weights_only=True)`` so that opening it can
run no code. torchxrayvision's release files are whole pickled models; convert one once, on a machine
you trust, with ``torch.save(torch.load(F, weights_only=False).state_dict(), F + ".state_dict")``. When
the file's name starts with a release file's name, that release's label order and operating points
come from torchxrayvision's own table, and the outputs are rescaled (its ``op_norm``) so that 0.5 is the
published operating point; otherwise the outputs are the plain sigmoid of an 18-output head in
torchxrayvision's default label order.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from argus.tools.backend_facts import XrayFacts
from argus.tools.base import Backend, ImageLike, ImageTool
from argus.tools.errors import BackendUnavailableError
from argus.tools.evidence import ImageLabel, ToolResult, numbered

if TYPE_CHECKING:
    import numpy as np

    from argus.tools.image_io import LoadedImage

INPUT_SIZE = 224  # the resolution every torchxrayvision DenseNet-121 was trained at
BATCH_SIZE = 8  # images per forward pass in run_batch
CONVERT_HINT = (
    "convert a torchxrayvision release file (a pickled model) once, on a machine you trust: "
    "python -c \"import torch, torchxrayvision; torch.save(torch.load('F.pt', weights_only=False)"
    ".state_dict(), 'F.pt.state_dict')\""
)


class ClassifyChestXrayInput(BaseModel):
    """The tool takes no options: the weights decide the labels."""

    model_config = ConfigDict(extra="forbid")


class ChestXrayResult(ToolResult):
    labels: list[ImageLabel] = Field(
        description="L1, L2, ...: one per pathology the weights were trained on, most probable first; "
        "score is the probability in [0, 1]."
    )
    calibrated: bool = Field(
        description="True when the outputs were rescaled so that 0.5 is the published operating point."
    )


@dataclass
class LoadedClassifier:
    """The network, the label of each output it reports (outputs without a label are skipped), and
    the lock that keeps two threads from running it at once."""

    model: Any
    labels: list[tuple[int, str]]
    calibrated: bool
    lock: Lock = field(default_factory=Lock)


class TorchXrayVisionBackend(XrayFacts, Backend):
    summary = (
        "torchxrayvision DenseNet-121 with your weights file (a state dict), 224x224 single-channel input "
        "scaled to [-1024, 1024]; up to 18 chest pathologies. CUDA when a GPU is present."
    )
    install_hint = (
        "pip install 'argus[cxr]', then give a DenseNet-121 state dict file: argus triage --cxr-weights FILE "
        "or Runtime(weights={'torchxrayvision': FILE})"
    )

    def device(self) -> str:
        return self.runtime.resolved_device

    def load(self) -> LoadedClassifier:
        import torch
        import torchxrayvision as xrv

        path = Path(self.weights() or "")
        state = _read_state_dict(path)
        head = state.get("classifier.weight")
        if head is None or head.ndim != 2:
            raise BackendUnavailableError(
                f"{path.name} is not a torchxrayvision DenseNet-121 state dict: it has no 2-D 'classifier.weight'"
            )
        outputs = int(head.shape[0])
        labels, thresholds = _release_labels(path.name, outputs, xrv)
        model = xrv.models.DenseNet(weights=None, num_classes=outputs, apply_sigmoid=True)
        try:
            model.load_state_dict(state)
        except RuntimeError as exc:
            first = str(exc).strip().splitlines()[0]
            raise BackendUnavailableError(
                f"{path.name} does not fit torchxrayvision's DenseNet-121 ({first})"
            ) from None
        if thresholds is not None:
            model.op_threshs = torch.tensor(thresholds, dtype=torch.float32)
        model.eval().to(self.device())
        named = [(i, label) for i, label in enumerate(labels) if label]
        return LoadedClassifier(model=model, labels=named, calibrated=thresholds is not None)

    def preprocess(self, image: LoadedImage) -> np.ndarray:
        """torchxrayvision's own steps: 8-bit gray scaled to [-1024, 1024], centre crop, 224x224."""
        import torchxrayvision as xrv

        scaled = xrv.datasets.normalize(image.gray, 255)[None, :, :]
        cropped = xrv.datasets.XRayCenterCrop()(scaled)
        return xrv.datasets.XRayResizer(INPUT_SIZE, engine="cv2")(cropped)

    def probabilities(self, arrays: Sequence[np.ndarray]) -> np.ndarray:
        """(N, outputs) probabilities for preprocessed (1, 224, 224) arrays, one forward per BATCH_SIZE."""
        import numpy as np
        import torch

        loaded: LoadedClassifier = self.model()
        chunks = []
        for start in range(0, len(arrays), BATCH_SIZE):
            batch = torch.from_numpy(np.stack(arrays[start : start + BATCH_SIZE])).to(self.device())
            with loaded.lock, torch.inference_mode():
                chunks.append(loaded.model(batch).float().cpu().numpy())
        return np.clip(np.concatenate(chunks), 0.0, 1.0)

    def raw_call(self, image: LoadedImage) -> Any:
        import torch

        model = self.model().model
        with torch.inference_mode():
            return model(torch.from_numpy(self.preprocess(image)[None]).to(self.device()))


def _read_state_dict(path: Path) -> dict[str, Any]:
    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BackendUnavailableError(
            f"cannot read {path.name} as a weights-only state dict ({first[:200]}); {CONVERT_HINT}"
        ) from None
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if (
        not isinstance(state, dict)
        or not state
        or not all(isinstance(v, torch.Tensor) for v in state.values())
    ):
        raise BackendUnavailableError(
            f"{path.name}: expected a state dict (parameter names to tensors), got {type(state).__name__}; "
            f"{CONVERT_HINT}"
        )
    return {k.removeprefix("module."): v for k, v in state.items()}


def _release_labels(file_name: str, outputs: int, xrv: Any) -> tuple[list[str], list[float] | None]:
    """Label order and operating points of the torchxrayvision release the file is named after, else
    the default 18 labels without operating points."""
    for entry in xrv.models.model_urls.values():
        release = Path(str(entry.get("weights_url", ""))).stem
        if release and file_name.startswith(release) and len(entry.get("labels", [])) == outputs:
            thresholds = entry.get("op_threshs")
            return list(entry["labels"]), None if thresholds is None else [float(t) for t in thresholds]
    default = list(xrv.datasets.default_pathologies)
    if outputs != len(default):
        raise BackendUnavailableError(
            f"{file_name} has {outputs} outputs; without a torchxrayvision release name the labels are the "
            f"default {len(default)} ({', '.join(default[:3])}, ...), so the head must have {len(default)}"
        )
    return default, None


class ClassifyChestXray(ImageTool):
    name = "classify_chest_xray"
    needs_user_weights = True  # no weights ship: offered to a chat model only where the user gave them
    description = (
        "Chest X-ray pathology classifier (torchxrayvision DenseNet-121 with the user's weights): for a frontal "
        "(PA or AP) chest radiograph, the probability of each pathology the weights know (up to 18: "
        "Atelectasis, Consolidation, Infiltration, Pneumothorax, Edema, Emphysema, Fibrosis, Effusion, "
        "Pneumonia, Pleural_Thickening, Cardiomegaly, Nodule, Mass, Hernia, Lung Lesion, Fracture, Lung "
        "Opacity, Enlarged Cardiomediastinum), as labels L1, L2, ... most probable first. Available only when "
        "torchxrayvision is installed (pip install 'argus[cxr]') and a weights file is configured "
        "(argus triage --cxr-weights FILE); no chest X-ray weights ship with Argus."
    )
    Input = ClassifyChestXrayInput
    Output = ChestXrayResult
    evidence_prefixes = ("L",)
    limitations = (
        "Trained on frontal chest radiographs only: on a lateral view, another body part, CT, MR, ultrasound "
        "or a photograph its output means nothing; route by modality and view first.",
        "Probabilities are uncalibrated sigmoid outputs unless the weights file is named after a "
        "torchxrayvision release, whose operating points then map to 0.5.",
        "A research model, not a medical device: a high probability is a finding flagged for a clinician's "
        "review, a low one does not rule the pathology out.",
    )
    examples = ("argus triage chest_pa.dcm --cxr-weights densenet121-all.pt.state_dict",)
    backend_types = (TorchXrayVisionBackend,)

    def select_backend(self, args: BaseModel, image: LoadedImage) -> Backend:
        return self._backends[TorchXrayVisionBackend.name]

    def run(self, image: LoadedImage, args: BaseModel, backend: Backend) -> ChestXrayResult:
        assert isinstance(backend, TorchXrayVisionBackend)
        probabilities = backend.probabilities([backend.preprocess(image)])[0]
        return self._result(image, backend, probabilities)

    def run_batch(
        self, images: Sequence[ImageLike], args: BaseModel | dict[str, Any] | None = None, **kwargs: Any
    ) -> list[ToolResult]:
        """Many images with one forward pass per ``BATCH_SIZE``; cached results are reused, new ones cached."""
        from argus.tools.image_io import as_loaded

        parsed = self.parse_args(args, **kwargs)
        loaded = [as_loaded(image, max_pixels=self.runtime.max_pixels) for image in images]
        results: list[ToolResult | None] = []
        todo: list[int] = []
        for index, image in enumerate(loaded):
            backend = self.select_backend(parsed, image)
            hit = self.runtime.cache.get(self.cache_key(image, backend, parsed), self.Output)
            results.append(hit)
            if hit is None:
                todo.append(index)
        if todo:
            backend = self.select_backend(parsed, loaded[todo[0]])
            assert isinstance(backend, TorchXrayVisionBackend)
            rows = backend.probabilities([backend.preprocess(loaded[i]) for i in todo])
            for index, row in zip(todo, rows, strict=True):
                result = self._result(loaded[index], backend, row)
                self.runtime.cache.put(self.cache_key(loaded[index], backend, parsed), result)
                results[index] = result
        return [r for r in results if r is not None]

    def _result(
        self, image: LoadedImage, backend: TorchXrayVisionBackend, probabilities: np.ndarray
    ) -> ChestXrayResult:
        loaded: LoadedClassifier = backend.model()
        ranked = sorted(loaded.labels, key=lambda il: -float(probabilities[il[0]]))
        labels = [
            ImageLabel(
                id=numbered("L", rank),
                tool=self.name,
                label=label,
                score=round(float(probabilities[index]), 4),
                rank=rank + 1,
            )
            for rank, (index, label) in enumerate(ranked)
        ]
        notes = (
            [] if loaded.calibrated else ["uncalibrated: plain sigmoid outputs, no operating points known"]
        )
        return ChestXrayResult(
            **self.result_fields(image, backend),
            notes=notes,
            labels=labels,
            calibrated=loaded.calibrated,
        )
