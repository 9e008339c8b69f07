"""The unit of a triage batch's work, the same whichever engine runs it (this process, a local process
pool, a Ray cluster).

The driver lists the inputs, reads their findings (sidecars and the ``--findings`` file) and sends
each image as a ``TriageTask``. A ``TriageWorker`` reads and decodes the file, decides it and returns
a ``TriageOutcome``: the Answer, the decision's identity and a small thumbnail for the report, or the
error that kept it from a decision. Workers record nothing: the driver is the one writer of the audit
log, the worklist and the report.

A task for a file whose newest recorded decision may still hold (``--resume``) carries that
decision's identity key; the worker hashes the file and, when the key still matches, returns it as
resumed instead of deciding it again.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from argus.agent.core.answer import Answer
from argus.agent.domains.medical.identity import DecisionIdentity, RunSettings, run_settings
from argus.agent.domains.medical.modality import route_image
from argus.agent.domains.medical.pipeline import CLASSIFIER, Findings, decide_image
from argus.agent.domains.medical.report import THUMBNAIL_MAX_SIDE, thumbnail_jpeg
from argus.agent.errors import FindingsError
from argus.knowledge.packs import RULES_DIR_ENV
from argus.tools.errors import ArgusError, ImageLoadError
from argus.tools.file_io import file_sha256
from argus.tools.image_io import LoadedImage, load_image

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.knowledge import KnowledgeBase
    from argus.tools.runtime import Runtime

ErrorKind = Literal["input", "setup"]


class WorkerSettings(BaseModel):
    """What a worker in another process needs to decide exactly as the driver would."""

    device: str
    weights: dict[str, str]
    max_pixels: int
    tool_timeout_s: float
    rules_dirs: list[str]
    rules_env: str | None = Field(description="The driver's ARGUS_RULES_DIR, set the same in the worker.")
    run: RunSettings = Field(description="The rule packs and options the driver decides with.")

    @classmethod
    def of(cls, assistant: Assistant, run: RunSettings) -> WorkerSettings:
        return cls(
            device=assistant.runtime.device,
            weights=dict(assistant.runtime.weights),
            max_pixels=assistant.runtime.max_pixels,
            tool_timeout_s=assistant.tool_timeout_s,
            rules_dirs=[str(p) for p in assistant.rules_dirs],
            rules_env=os.environ.get(RULES_DIR_ENV),
            run=run,
        )

    def assistant(self) -> WorkerAssistant:
        """What a worker process decides with: these settings' runtime, rule packs and time limit."""
        from argus.tools.runtime import Runtime

        if self.rules_env is None:
            os.environ.pop(RULES_DIR_ENV, None)
        else:
            os.environ[RULES_DIR_ENV] = self.rules_env
        runtime = Runtime(device=self.device, weights=dict(self.weights), max_pixels=self.max_pixels)
        return WorkerAssistant(runtime, [Path(p) for p in self.rules_dirs], self.tool_timeout_s)


class WorkerAssistant:
    """The part of an ``Assistant`` the triage pipeline uses (its runtime, its knowledge base and the
    tools' time limit), built in a worker process, where no chat model is ever needed."""

    def __init__(self, runtime: Runtime, rules_dirs: list[Path], tool_timeout_s: float) -> None:
        self.runtime = runtime
        self.rules_dirs = rules_dirs
        self.tool_timeout_s = tool_timeout_s
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()

    def knowledge(self) -> KnowledgeBase:
        """The rule packs, loaded once: the shipped ones, ``ARGUS_RULES_DIR`` and ``rules_dirs``."""
        from argus.knowledge import KnowledgeBase

        with self._lock:
            if self._kb is None:
                self._kb = KnowledgeBase.load(extra_dirs=self.rules_dirs or None)
            return self._kb


class TriageTask(BaseModel):
    """One input image, with its findings, as the driver sends it to a worker."""

    index: int = Field(description="Position among the batch's inputs: outcomes come back in this order.")
    path: str = Field(description="The file as the batch found it (as the answer shows it).")
    source: str = Field(description="The same file's absolute path: what a worker reads, wherever it runs.")
    findings: Findings = Field(default_factory=dict)
    origins: dict[str, str] = Field(default_factory=dict)
    findings_sha256: str
    resume_key: str | None = Field(
        default=None, description="Identity key of this file's newest recorded decision, when resuming."
    )
    resume_row: int | None = Field(default=None, description="That decision's row in the audit log.")


class TriageOutcome(BaseModel):
    """What a worker sends back for one task."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    index: int
    status: Literal["decided", "resumed", "failed"]
    answer: Answer | None = None
    identity: DecisionIdentity | None = None
    thumbnail: bytes | None = Field(default=None, description="JPEG for the report, from the decoded pixels.")
    error: str | None = None
    error_kind: ErrorKind | None = Field(
        default=None,
        description="input: this file or its findings; setup: anything else (the same for every image "
        "when the configuration is wrong).",
    )


class TriageWorker:
    """Decides tasks; one per process, holding the models and the knowledge base between tasks.

    Raises:
        ArgusError: the worker's rule packs or options differ from the driver's (a cluster node with
            other packs), or its classifier weights do not load.
    """

    def __init__(
        self, settings: WorkerSettings, assistant: Assistant | WorkerAssistant | None = None
    ) -> None:
        self.settings = settings
        self.assistant = assistant or settings.assistant()
        if assistant is None:
            mine = run_settings(self.assistant)
            if mine != settings.run:
                raise ArgusError(
                    "a triage worker loaded other rule packs or options than the driver "
                    f"(driver: {_describe(settings.run)}; worker: {_describe(mine)}); "
                    "give every machine the same packs and weights"
                )
        self.classifier = self._classifier()

    def _classifier(self) -> Any:
        """The chest X-ray classifier when its weights are configured, loaded now (broken weights stop the
        batch before its first image); else None."""
        from argus.tools import get_tool

        tool = get_tool(CLASSIFIER, self.assistant.runtime)
        backend = tool.backends()[0]
        if backend.configured() is None:  # type: ignore[attr-defined]
            return None
        backend.model()  # raises BackendUnavailableError with the reason
        return tool

    def warm(self) -> None:
        """Decide one small generated image, so that the tools' libraries and the knowledge graph are
        loaded before the first real image arrives."""
        import numpy as np

        from argus.tools.image_io import as_loaded

        ramp = np.tile(np.linspace(0, 255, 96, dtype=np.uint8), (96, 1))
        decide_image(self.assistant, as_loaded(ramp), {}, {})

    def run(self, tasks: Sequence[TriageTask]) -> list[TriageOutcome]:
        """Decide each task, in order; a task that cannot be decided becomes a failed outcome."""
        results: dict[int, TriageOutcome] = {}
        ready: list[tuple[TriageTask, LoadedImage]] = []
        for task in tasks:
            done = self._resumed(task)
            if done is not None:
                results[task.index] = done
                continue
            try:
                ready.append(
                    (task, _as_given(task, load_image(task.source, max_pixels=self.settings.max_pixels)))
                )
            except ImageLoadError as exc:
                results[task.index] = _failed(task, str(exc), "input")
            except OSError as exc:
                results[task.index] = _failed(task, f"cannot read {task.path}: {exc.strerror}", "input")
        if self.classifier is not None:
            eligible = [image for _, image in ready if route_image(image).chest_xray_ready]
            if eligible:
                self.classifier.run_batch(eligible)
        for task, image in ready:
            results[task.index] = self._decide(task, image)
        return [results[task.index] for task in tasks]

    def _resumed(self, task: TriageTask) -> TriageOutcome | None:
        if task.resume_key is None:
            return None
        try:
            sha = file_sha256(Path(task.source))
        except OSError:
            return None  # deciding it reports the error
        identity = self.settings.run.identity(sha, task.findings_sha256)
        if identity.key != task.resume_key:
            return None
        try:  # pixels for the report's thumbnail only: a JPEG decodes at a fraction of its size
            image = load_image(
                task.source, max_pixels=self.settings.max_pixels, preview_side=THUMBNAIL_MAX_SIDE
            )
        except ImageLoadError:
            return TriageOutcome(index=task.index, status="resumed", identity=identity)
        return TriageOutcome(
            index=task.index, status="resumed", identity=identity, thumbnail=thumbnail_jpeg(image.rgb)
        )

    def _decide(self, task: TriageTask, image: LoadedImage) -> TriageOutcome:
        try:
            answer = decide_image(self.assistant, image, dict(task.findings), dict(task.origins))
        except (ImageLoadError, FindingsError) as exc:
            return _failed(task, str(exc), "input")
        except ArgusError as exc:
            return _failed(task, str(exc), "setup")
        return TriageOutcome(
            index=task.index,
            status="decided",
            answer=answer,
            identity=self.settings.run.identity(image.sha256, task.findings_sha256),
            thumbnail=thumbnail_jpeg(image.rgb),
        )


def _as_given(task: TriageTask, image: LoadedImage) -> LoadedImage:
    """The image with the path the user gave (a worker reads the absolute one; the answer shows theirs)."""
    return dataclasses.replace(image, path=task.path)


def _failed(task: TriageTask, error: str, kind: ErrorKind) -> TriageOutcome:
    return TriageOutcome(index=task.index, status="failed", error=error, error_kind=kind)


def _describe(run: RunSettings) -> str:
    packs = ", ".join(f"{p.name} {p.version} ({p.sha256[:8]})" for p in run.rule_packs)
    options = ", ".join(f"{k} {v}" for k, v in sorted(run.options.items()))
    return f"{packs}; {options}"
