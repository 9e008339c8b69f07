"""Medical triage: ``triage_image`` for one image (``argus.agent.domains.medical.pipeline``), ``TriageBatch``
and ``run_triage`` for many.

The batch lists the inputs and their findings here, has them decided by an engine (this process, or
a pool of worker processes sized to the machine: ``argus.agent.domains.medical.engines``) and records
every decision in the audit log the moment it comes back, in input order, from this one process. A
batch killed at any point keeps every decision it recorded.

Every input gets its own decision, keyed by its identity (image bytes, findings, rule packs, options:
``argus.agent.domains.medical.identity``). Two inputs with the same bytes and findings are both
decided, and the second says which file it repeats. ``resume`` reuses a file's newest recorded
decision only when that file's identity is unchanged; a different file, changed findings or other
rule packs are decided again.

The worklist (``worklist.jsonl``, one Answer per image, most urgent first, then oldest decision
first) and the report (``report.html``) are built from the audit log at the end and replace the
previous ones together; a run that produced no worklist entry leaves the previous files as they were.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from argus.agent.core.answer import Answer
from argus.agent.domains.medical.audit import Decided
from argus.agent.domains.medical.engines import Engine, PoolEngine, SerialEngine, cpus_available
from argus.agent.domains.medical.identity import findings_sha256, run_settings
from argus.agent.domains.medical.inputs import BatchFindings, collect_inputs
from argus.agent.domains.medical.pipeline import gather_findings, new_run_id, triage_image
from argus.agent.domains.medical.report import ReportEntry, render_report, worklist_order
from argus.agent.domains.medical.work import TriageOutcome, TriageTask, TriageWorker, WorkerSettings
from argus.agent.errors import FindingsError, TriageSetupError
from argus.tools.errors import ArgusError, FileWriteError
from argus.tools.file_io import atomic_output

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.domains.medical.audit import AuditLog

__all__ = ["TriageBatch", "TriageProgress", "TriageSummary", "run_triage", "triage_image"]

WORKLIST_NAME = "worklist.jsonl"
REPORT_NAME = "report.html"
GROUPS = ("U4", "U3", "U2", "U1", "abstained", "U0")
POOL_MIN_TASKS = 32  # below this, starting worker processes costs more than it saves
SAME_FAILURE_STOP = 3  # this many images failing the same way, before any decision, stop the batch


class TriageProgress(BaseModel):
    """One step of a batch, for progress bars: ``done`` of ``total`` inputs handled so far."""

    done: int
    total: int
    path: str | None = None
    outcome: str = Field(description="U0-U4, abstained, resumed, failed, or started.")
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
    resumed: int = Field(description="Inputs whose recorded decision still held (same file and identity).")
    duplicates: int = Field(
        description="Inputs with the same image bytes and findings as an earlier input of this run; each "
        "is decided and its answer names the file it repeats."
    )
    failed: list[FailedInput] = Field(default_factory=list)
    counts: dict[str, int] = Field(description="Worklist images per group: U4..U1, abstained, U0.")
    worklist_entries: int
    written: bool = Field(
        default=True,
        description="Whether the worklist and report were written; a run with no entry keeps the old ones.",
    )
    workers: int = Field(default=1, description="Processes that decided the images.")
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
        resume: reuse a file's newest recorded decision when its identity still matches.
        run_id: this run's id in the audit log (a new time-ordered id when omitted).
        progress: called after every input with a ``TriageProgress``.
        workers: processes deciding images: 1 (the default) decides here; None picks the CPUs this
            process may use (1 for a small batch, or when the classifier runs on a GPU). Worker processes
            start as Python's multiprocessing starts them, so a script that runs a pooled batch must
            guard its entry point with ``if __name__ == "__main__":``.
        engine: decides the tasks instead of an engine made for this run (a pool kept warm across runs, a
            Ray cluster); its owner closes it. Its workers must use this assistant's settings.
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
        workers: int | None = 1,
        engine: Engine | None = None,
    ) -> None:
        if workers is not None and workers < 1:
            raise ArgusError(f"workers must be at least 1, got {workers}")
        self.assistant = assistant
        self.out_dir = Path(out_dir).expanduser()
        self.audit = audit
        self.findings_file = findings_file
        self.resume = resume
        self.run_id = run_id or new_run_id()
        self.progress = progress
        self.workers = workers
        self.engine = engine
        self._stop = threading.Event()

    def stop(self) -> None:
        """Finish the image in hand, then stop and write the worklist (safe from a signal handler)."""
        self._stop.set()

    def run(self, paths: Sequence[str | Path]) -> TriageSummary:
        """Triage every image under ``paths``; returns the summary once the worklist and report are written.

        Raises:
            ArgusError: no image under the paths, an unusable findings file, an output folder that cannot
                be written, rule packs or classifier weights that do not load, an audit log that cannot be
                written, or (``TriageSetupError``) every image failing the same way.
        """
        start = time.perf_counter()
        inputs = collect_inputs(paths)
        findings = BatchFindings.load(self.findings_file, inputs) if self.findings_file else None
        self._prepare_out_dir()
        settings = run_settings(self.assistant)  # loads the rule packs: a broken pack stops the batch here
        worker = TriageWorker(WorkerSettings.of(self.assistant, settings), assistant=self.assistant)
        planned = self._plan(inputs, findings)
        tasks = [p for p in planned if isinstance(p, TriageTask)]
        engine = self.engine or self._engine(worker, len(tasks))
        state = _State(total=len(inputs), tasks=len(tasks), workers=engine.workers)
        self._emit(state, None, "started")
        try:
            self._consume(planned, tasks, engine, state)
        except KeyboardInterrupt:  # a second Ctrl-C abandons the images in hand; nothing recorded is lost
            state.interrupted = True
        finally:
            if engine is not self.engine and isinstance(engine, PoolEngine):
                engine.close()
        return self._finish(inputs, state, findings, time.perf_counter() - start)

    # ------------------------------------------------------------------ steps

    def _prepare_out_dir(self) -> None:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArgusError(f"cannot create the output folder {self.out_dir}: {exc.strerror}") from None
        if not os.access(self.out_dir, os.W_OK):
            raise ArgusError(f"the output folder {self.out_dir} is not writable")

    def _plan(self, inputs: list[Path], findings: BatchFindings | None) -> list[TriageTask | FailedInput]:
        """A task per input with its findings (or why it has none), and, when resuming, the identity key of
        the file's newest recorded decision."""
        where = {path: str(path.resolve()) for path in inputs}
        previous = self.audit.latest_for_paths(where.values()) if self.resume else {}
        origin = f"findings file {findings.source}" if findings is not None else None
        planned: list[TriageTask | FailedInput] = []
        for index, path in enumerate(inputs):
            try:
                stated, origins = gather_findings(
                    str(path), path.name, findings.for_image(path) if findings else None, True, origin
                )
            except FindingsError as exc:
                planned.append(FailedInput(path=str(path), error=str(exc)))
                continue
            earlier = previous.get(where[path])
            planned.append(
                TriageTask(
                    index=index,
                    path=str(path),
                    source=str(path.absolute()),
                    findings=stated,
                    origins=origins,
                    findings_sha256=findings_sha256(stated),
                    resume_key=earlier.decision_key if earlier is not None else None,
                    resume_row=earlier.id if earlier is not None else None,
                )
            )
        return planned

    def _engine(self, worker: TriageWorker, tasks: int) -> Engine:
        workers = self.workers
        if workers is None:
            on_gpu = worker.classifier is not None and self.assistant.runtime.resolved_device != "cpu"
            workers = 1 if tasks < POOL_MIN_TASKS or on_gpu else cpus_available()
        workers = max(1, min(workers, tasks))
        if workers == 1:
            return SerialEngine(worker)
        return PoolEngine(worker.settings, workers, classifier=worker.classifier is not None)

    def _consume(
        self, planned: list[TriageTask | FailedInput], tasks: list[TriageTask], engine: Engine, state: _State
    ) -> None:
        """Record the engine's outcomes as they come, a worker's batch in one transaction; inputs whose
        findings could not be read are reported in their place in the input order."""
        unreadable = deque((i, item) for i, item in enumerate(planned) if isinstance(item, FailedInput))
        expected = iter(tasks)
        stream = engine.batches(tasks)
        try:
            while not self._stop.is_set():
                outcomes = next(stream, None)
                if outcomes is None:
                    break
                self._record(outcomes, expected, unreadable, state)
            else:
                state.interrupted = True
            if not state.interrupted:
                self._report_unreadable(unreadable, len(planned), state)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()

    def _record(
        self,
        outcomes: list[TriageOutcome],
        expected: Iterator[TriageTask],
        unreadable: deque[tuple[int, FailedInput]],
        state: _State,
    ) -> None:
        decided: list[tuple[TriageTask, TriageOutcome, Decided]] = []
        for outcome in outcomes:
            task = next(expected)
            if outcome.index != task.index:  # an engine that lost the order would mislabel decisions
                raise RuntimeError(f"outcome for input {outcome.index} came for input {task.index}")
            self._report_unreadable(unreadable, task.index, state)
            path = Path(task.path)
            if outcome.status == "failed":
                self._failed(path, outcome.error or "failed", state)
                if outcome.error_kind == "setup" and not (state.decided or decided):
                    self._stop_if_setup_failure(task, outcome.error or "", state)
                continue
            assert outcome.identity is not None
            same = state.keys.setdefault(outcome.identity.key, task.path)
            if outcome.status == "resumed":
                assert task.resume_row is not None
                state.rows[task.index] = (task.resume_row, outcome.thumbnail)
                state.resumed += 1
                self._emit(state, path, "resumed", handled=True)
                continue
            answer = outcome.answer
            assert answer is not None
            if same != task.path:
                state.duplicates += 1
                note = (
                    f"same image and findings as {same} (also in this worklist): decided again for this file"
                )
                answer = answer.model_copy(update={"notes": [*answer.notes, note]})
            record = Decided(
                answer=answer,
                path=str(path.resolve()),
                abstention=answer.abstention,
                identity=outcome.identity,
            )
            decided.append((task, outcome, record))
        rows = self.audit.record_many([record for _, _, record in decided], run_id=self.run_id)
        for (task, outcome, record), row in zip(decided, rows, strict=True):
            state.rows[task.index] = (row, outcome.thumbnail)
            state.decided += 1
            answer = record.answer
            outcome_group = group(answer.urgency.level if answer.urgency else None, answer.abstention)
            state.counts[outcome_group] += 1
            self._emit(state, Path(task.path), outcome_group, handled=True)
        if decided:
            state.setup_failures.clear()

    def _report_unreadable(
        self, unreadable: deque[tuple[int, FailedInput]], before: int, state: _State
    ) -> None:
        while unreadable and unreadable[0][0] < before:
            _, item = unreadable.popleft()
            self._failed(Path(item.path), item.error, state)

    def _stop_if_setup_failure(self, task: TriageTask, error: str, state: _State) -> None:
        """Stop the batch when every image so far, and at least ``SAME_FAILURE_STOP`` of them (or all there
        are), failed for the same reason that is not the image's own: the configuration is wrong."""
        name = Path(task.path).name
        state.setup_failures.append(error.replace(task.path, "<image>").replace(name, "<image>"))
        enough = len(state.setup_failures) >= min(SAME_FAILURE_STOP, state.tasks)
        if enough and len(set(state.setup_failures)) == 1:
            raise TriageSetupError(
                f"the first {len(state.setup_failures)} image(s) all failed the same way, so the batch stopped "
                f"and the previous worklist and report are kept: {error}"
            )

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
                    counts={**dict(state.counts), "resumed": state.resumed, "failed": len(state.failed)},
                )
            )

    def _finish(
        self, inputs: list[Path], state: _State, findings: BatchFindings | None, seconds: float
    ) -> TriageSummary:
        entries = self._worklist(state)
        worklist, report = self.out_dir / WORKLIST_NAME, self.out_dir / REPORT_NAME
        if entries:
            try:
                write_outputs(entries, worklist, report)
            except FileWriteError as exc:
                raise FileWriteError(
                    f"{exc}; the worklist and report were left as they were, and this run's "
                    f"{state.decided} decision(s) are in the audit log {self.audit.path}: rerun with --resume "
                    "once the folder can be written"
                ) from None
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
            resumed=state.resumed,
            duplicates=state.duplicates,
            failed=state.failed,
            counts={g: counts.get(g, 0) for g in GROUPS},
            worklist_entries=len(entries),
            written=bool(entries),
            workers=state.workers,
            unmatched_findings=findings.unmatched if findings is not None else [],
            interrupted=state.interrupted,
            seconds=round(seconds, 3),
        )

    def _worklist(self, state: _State) -> list[ReportEntry]:
        """One entry per input with a decision: recorded by this run, or reused by ``resume``."""
        recorded = self.audit.get_many(row for row, _ in state.rows.values())
        entries = []
        for index in sorted(state.rows):
            row, thumbnail = state.rows[index]
            entry = recorded[row]
            entries.append(
                ReportEntry(
                    answer=Answer.model_validate(entry.answer),
                    image=thumbnail,
                    decided_at=datetime.fromisoformat(entry.recorded_at),
                    abstention=entry.abstention,
                )
            )
        return worklist_order(entries)


class _State:
    def __init__(self, total: int, tasks: int, workers: int) -> None:
        self.total = total
        self.tasks = tasks
        self.workers = workers
        self.done = 0
        self.decided = 0
        self.resumed = 0
        self.duplicates = 0
        self.interrupted = False
        self.rows: dict[int, tuple[int, bytes | None]] = {}  # input index -> (audit row id, thumbnail)
        self.keys: dict[str, str] = {}  # decision identity key -> the first input path with it
        self.setup_failures: list[str] = []
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
    workers: int | None = 1,
    new_audit_log: bool = False,
) -> TriageSummary:
    """Triage every image under ``paths`` into ``out_dir`` with ``assistant``'s models and rules; decisions
    go to ``audit_db`` (default: ``$ARGUS_AUDIT_DB`` or ``~/.local/share/argus/audit.sqlite``). ``workers``
    as for ``TriageBatch``."""
    from argus.agent.domains.medical.audit import AuditLog, default_audit_path

    with AuditLog(audit_db or default_audit_path(), new_log=new_audit_log) as audit:
        batch = TriageBatch(
            assistant,
            out_dir,
            audit=audit,
            findings_file=findings_file,
            resume=resume,
            run_id=run_id,
            progress=progress,
            workers=workers,
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
        for line in _worklist_lines(entries):
            fh.write(line)
    return out


def write_outputs(entries: Sequence[ReportEntry], worklist: Path, report: Path) -> None:
    """The worklist and the report, each complete and synced under a temporary name before either
    replaces the previous file: a failure (a full disk) leaves both previous files as they were."""
    page = render_report(entries)
    with atomic_output(worklist) as out:
        for line in _worklist_lines(entries):
            out.write(line)
        out.flush()
        os.fsync(out.fileno())
        with atomic_output(report) as html:
            html.write(page)


def _worklist_lines(entries: Sequence[ReportEntry]) -> Iterator[str]:
    for entry in entries:
        yield entry.answer.model_dump_json() + "\n"
