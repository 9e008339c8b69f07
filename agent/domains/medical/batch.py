"""Medical triage: ``triage_image`` for one image (``argus.agent.domains.medical.pipeline``), ``TriageBatch`` and
``run_triage`` for many.

A batch records every decision in the audit log the moment it is made, so a batch killed at any
point keeps every decision it made; ``resume`` skips the images already decided (by sha256). The
worklist (``worklist.jsonl``, one Answer per image, most urgent first, then oldest decision first) and
the report (``report.html``) are built from the audit log at the end, each written atomically: what
the files show is exactly what was recorded, whether the batch finished, was stopped or was resumed.

Where the chest X-ray classifier is available, images are loaded a few at a time and the classifier
runs on them in one batched forward pass before they are decided one by one.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from argus.agent.core.answer import Answer
from argus.agent.domains.medical.audit import AuditEntry
from argus.agent.domains.medical.inputs import BatchFindings, collect_inputs
from argus.agent.domains.medical.modality import route_image
from argus.agent.domains.medical.pipeline import CLASSIFIER, new_run_id, triage_image
from argus.agent.domains.medical.report import ReportEntry, worklist_order, write_report
from argus.agent.errors import AuditLogError
from argus.tools.errors import ArgusError
from argus.tools.file_io import atomic_output, file_sha256
from argus.tools.image_io import LoadedImage, load_image

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.domains.medical.audit import AuditLog

__all__ = ["TriageBatch", "TriageProgress", "TriageSummary", "run_triage", "triage_image"]

WORKLIST_NAME = "worklist.jsonl"
REPORT_NAME = "report.html"
CLASSIFIER_CHUNK = 8  # images loaded ahead for one batched classifier pass
GROUPS = ("U4", "U3", "U2", "U1", "abstained", "U0")


class TriageProgress(BaseModel):
    """One step of a batch, for progress bars: ``done`` of ``total`` inputs handled so far."""

    done: int
    total: int
    path: str | None = None
    outcome: str = Field(description="U0-U4, abstained, resumed, duplicate, failed, or started.")
    counts: dict[str, int] = Field(default_factory=dict)


class FailedInput(BaseModel):
    path: str
    error: str


class TriageSummary(BaseModel):
    run_id: str
    out_dir: str
    worklist: str
    report: str
    audit_db: str
    inputs: int = Field(description="Image files found under the paths given.")
    decided: int = Field(description="Decisions recorded by this run.")
    resumed: int = Field(description="Inputs skipped because the audit log already had their decision.")
    duplicates: int = Field(description="Inputs whose bytes another input of this run already had.")
    failed: list[FailedInput] = Field(default_factory=list)
    counts: dict[str, int] = Field(description="Worklist images per group: U4..U1, abstained, U0.")
    worklist_entries: int
    unmatched_findings: list[str] = Field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0


class TriageBatch:
    """Triage many images into one worklist.

    Args:
        assistant: runtime, models and knowledge base shared by every image.
        out_dir: where ``worklist.jsonl`` and ``report.html`` go (created if missing).
        audit: the audit log every decision is recorded in.
        findings_file: ``--findings``: one mapping for all images, or image file name -> findings.
        resume: skip images whose sha256 the audit log already has a decision for.
        run_id: this run's id in the audit log (a new time-ordered id when omitted).
        progress: called after every input with a ``TriageProgress``.
    """

    def __init__(
        self,
        assistant: Assistant,
        out_dir: str | Path,
        *,
        audit: AuditLog,
        findings_file: str | Path | None = None,
        resume: bool = False,
        run_id: str | None = None,
        progress: Callable[[TriageProgress], None] | None = None,
    ) -> None:
        self.assistant = assistant
        self.out_dir = Path(out_dir).expanduser()
        self.audit = audit
        self.findings_file = findings_file
        self.resume = resume
        self.run_id = run_id or new_run_id()
        self.progress = progress
        self._stop = threading.Event()

    def stop(self) -> None:
        """Finish the image in hand, then stop and write the worklist (safe from a signal handler)."""
        self._stop.set()

    def run(self, paths: Sequence[str | Path]) -> TriageSummary:
        """Triage every image under ``paths``; returns the summary once the worklist and report are written.

        Raises:
            ArgusError: no image under the paths, an unusable findings file, an output folder that cannot
                be written, classifier weights that do not load, or an audit log that cannot be written.
        """
        start = time.perf_counter()
        inputs = collect_inputs(paths)
        findings = BatchFindings.load(self.findings_file, inputs) if self.findings_file else None
        self._prepare_out_dir()
        classifier = self._classifier()
        decided_before = self.audit.decided_shas() if self.resume else set()
        state = _State(total=len(inputs))
        self._emit(state, None, "started")
        try:
            for chunk in _chunks(inputs, CLASSIFIER_CHUNK if classifier is not None else 1):
                if self._stop.is_set():
                    state.interrupted = True
                    break
                ready = self._load_chunk(chunk, state, decided_before)
                if classifier is not None:
                    eligible = [image for _, image in ready if route_image(image).chest_xray_ready]
                    if eligible:
                        classifier.run_batch(eligible)
                for index, (path, image) in enumerate(ready):
                    if index and self._stop.is_set():
                        state.interrupted = True
                        break
                    self._decide(path, image, findings, state)
        except KeyboardInterrupt:  # a second Ctrl-C: the image in hand is abandoned, nothing recorded is lost
            state.interrupted = True
        return self._finish(inputs, state, findings, time.perf_counter() - start)

    # ------------------------------------------------------------------ steps

    def _prepare_out_dir(self) -> None:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArgusError(f"cannot create the output folder {self.out_dir}: {exc.strerror}") from None
        if not os.access(self.out_dir, os.W_OK):
            raise ArgusError(f"the output folder {self.out_dir} is not writable")

    def _classifier(self) -> Any:
        """The chest X-ray classifier when the user configured its weights, loaded now so that broken
        weights stop the batch before the first image rather than fail every image."""
        from argus.tools import get_tool

        tool = get_tool(CLASSIFIER, self.assistant.runtime)
        backend = tool.backends()[0]
        if backend.configured() is None:  # type: ignore[attr-defined]
            return None
        backend.model()  # raises BackendUnavailableError with the reason
        return tool

    def _load_chunk(
        self, chunk: list[Path], state: _State, decided_before: set[str]
    ) -> list[tuple[Path, LoadedImage]]:
        ready = []
        for path in chunk:
            try:
                sha = file_sha256(path)
            except OSError as exc:
                self._failed(path, f"cannot read {path}: {exc.strerror}", state)
                continue
            if sha in state.seen:
                state.duplicates += 1
                self._emit(state, path, "duplicate", handled=True)
                continue
            state.seen[sha] = path
            if sha in decided_before:
                state.resumed[sha] = path
                self._emit(state, path, "resumed", handled=True)
                continue
            try:
                ready.append((path, load_image(path, max_pixels=self.assistant.runtime.max_pixels)))
            except ArgusError as exc:
                self._failed(path, str(exc), state)
        return ready

    def _decide(self, path: Path, image: LoadedImage, findings: BatchFindings | None, state: _State) -> None:
        given = findings.for_image(path) if findings is not None else None
        try:
            answer = triage_image(
                self.assistant,
                image,
                findings=given,
                findings_origin=f"findings file {findings.source}" if findings is not None else None,
                run_id=self.run_id,
                audit=self.audit,
            )
        except AuditLogError:
            raise  # a decision that cannot be recorded must stop the batch
        except ArgusError as exc:
            self._failed(path, str(exc), state)
            return
        state.decided += 1
        outcome = group(answer.urgency.level if answer.urgency else None, answer.abstention)
        state.counts[outcome] += 1
        self._emit(state, path, outcome, handled=True)

    def _failed(self, path: Path, error: str, state: _State) -> None:
        state.failed.append(FailedInput(path=str(path), error=error))
        self._emit(state, path, "failed", handled=True)

    def _emit(self, state: _State, path: Path | None, outcome: str, handled: bool = False) -> None:
        if handled:
            state.done += 1
        if self.progress is not None:
            self.progress(
                TriageProgress(
                    done=state.done,
                    total=state.total,
                    path=str(path) if path else None,
                    outcome=outcome,
                    counts={**dict(state.counts), "resumed": len(state.resumed), "failed": len(state.failed)},
                )
            )

    def _finish(
        self, inputs: list[Path], state: _State, findings: BatchFindings | None, seconds: float
    ) -> TriageSummary:
        entries = self._worklist(state)
        worklist = write_worklist(entries, self.out_dir / WORKLIST_NAME)
        report = write_report(entries, self.out_dir / REPORT_NAME)
        counts = Counter(
            group(e.answer.urgency.level if e.answer.urgency else None, e.abstention) for e in entries
        )
        return TriageSummary(
            run_id=self.run_id,
            out_dir=str(self.out_dir),
            worklist=str(worklist),
            report=str(report),
            audit_db=str(self.audit.path),
            inputs=len(inputs),
            decided=state.decided,
            resumed=len(state.resumed),
            duplicates=state.duplicates,
            failed=state.failed,
            counts={g: counts.get(g, 0) for g in GROUPS},
            worklist_entries=len(entries),
            unmatched_findings=findings.unmatched if findings is not None else [],
            interrupted=state.interrupted,
            seconds=round(seconds, 3),
        )

    def _worklist(self, state: _State) -> list[ReportEntry]:
        """This run's decisions and, for the images it resumed past, their latest earlier decision."""
        recorded: dict[str, AuditEntry] = {}
        for entry in self.audit.list(run_id=self.run_id, limit=None):
            recorded.setdefault(entry.sha256, entry)  # newest first
        earlier = self.audit.latest(sha for sha in state.resumed if sha not in recorded)
        entries = []
        for sha, entry in [*recorded.items(), *earlier.items()]:
            image = state.seen.get(sha) or Path(entry.path)
            entries.append(
                ReportEntry(
                    answer=Answer.model_validate(entry.answer),
                    image=image,
                    decided_at=datetime.fromisoformat(entry.recorded_at),
                    abstention=entry.abstention,
                )
            )
        return worklist_order(entries)


class _State:
    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.decided = 0
        self.duplicates = 0
        self.interrupted = False
        self.seen: dict[str, Path] = {}
        self.resumed: dict[str, Path] = {}
        self.failed: list[FailedInput] = []
        self.counts: Counter[str] = Counter()


def run_triage(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    findings_file: str | Path | None = None,
    resume: bool = False,
    progress: Callable[[TriageProgress], None] | None = None,
    *,
    assistant: Assistant,
    audit_db: str | Path | None = None,
    run_id: str | None = None,
) -> TriageSummary:
    """Triage every image under ``paths`` into ``out_dir`` with ``assistant``'s models and rules; decisions
    go to ``audit_db`` (default: ``$ARGUS_AUDIT_DB`` or ``~/.local/share/argus/audit.sqlite``)."""
    from argus.agent.domains.medical.audit import AuditLog, default_audit_path

    with AuditLog(audit_db or default_audit_path()) as audit:
        batch = TriageBatch(
            assistant,
            out_dir,
            audit=audit,
            findings_file=findings_file,
            resume=resume,
            run_id=run_id,
            progress=progress,
        )
        return batch.run(paths)


def group(level: str | None, abstention: str | None) -> str:
    """The worklist group of a decision, as the report orders them."""
    if level is not None and level != "U0":
        return level
    return "abstained" if abstention else "U0"


def write_worklist(entries: Sequence[ReportEntry], out: Path) -> Path:
    """One Answer per line, in worklist order, written to a temporary file and moved into place."""
    with atomic_output(out) as fh:
        for entry in entries:
            fh.write(entry.answer.model_dump_json() + "\n")
    return out


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
