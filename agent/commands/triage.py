"""``argus triage``: a worklist of medical images, most urgent first, every decision in the audit log."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from argus.agent.commands.common import (
    RayAddressOpt,
    console,
    engine_choice,
    err_console,
    print_json,
    user_errors,
)

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.domains.medical.batch import TriageBatch, TriageProgress, TriageSummary
    from argus.agent.domains.medical.ray_engine import RayEngine

EXIT_INTERRUPTED = 130
EXIT_SOME_FAILED = 1
_STYLE = {"U4": "bold white on red", "U3": "bold red", "U2": "yellow", "U1": "cyan", "U0": "green"}


def register(app: typer.Typer) -> None:
    app.command("triage")(triage)


def triage(
    paths: Annotated[
        list[Path],
        typer.Argument(help="DICOM, PNG, JPEG or TIFF files, and folders searched recursively."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for worklist.jsonl and report.html.")] = Path(
        "triage"
    ),
    findings: Annotated[
        Path | None,
        typer.Option(
            "--findings",
            help="YAML or JSON: one mapping of findings for every image, or image file name -> findings. "
            "A sidecar <image>.findings.json|yaml beside an image is read too.",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Reuse a file's recorded decision when its image, findings, rule packs and options are "
            "unchanged; decide the rest.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON only.")] = False,
    device: Annotated[str, typer.Option("--device", help="auto, cpu, cuda, cuda:N or mps.")] = "auto",
    audit_db: Annotated[
        Path | None,
        typer.Option(
            "--audit-db",
            help="Audit database (default: $ARGUS_AUDIT_DB or ~/.local/share/argus/audit.sqlite).",
        ),
    ] = None,
    cxr_weights: Annotated[
        Path | None,
        typer.Option(
            "--cxr-weights",
            help="torchxrayvision DenseNet-121 state dict for the chest X-ray classifier (none ship with Argus; "
            "pip install 'argus\\[cxr]').",
        ),
    ] = None,
    rules_dir: Annotated[
        list[Path] | None, typer.Option("--rules-dir", help="Extra rule packs (repeatable).")
    ] = None,
    new_audit_log: Annotated[
        bool,
        typer.Option(
            "--new-audit-log",
            help="Start a new audit log in an existing empty file (an empty file is refused without it).",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes (or Ray actors) deciding images (default: the CPUs available; locally, 1 for a "
            "small batch).",
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local (this machine) or ray (a Ray cluster: pip install 'argus\\[ray]'). The audit log, "
            "worklist and report are written here either way.",
        ),
    ] = "local",
    ray_address: RayAddressOpt = None,
    gpus_per_worker: Annotated[
        float | None,
        typer.Option("--gpus-per-worker", min=0.0, help="With --engine ray: GPUs each worker reserves."),
    ] = None,
) -> None:
    """Triage medical images: urgency U0-U4 with its rule and action, or an abstention with its reason.

    Writes worklist.jsonl (one answer per image, most urgent first) and report.html; every decision goes to
    the audit log as it is made. Ctrl-C stops after the image in hand (twice: abandons it); --resume
    finishes the rest. Exit status: 0, 1 when some inputs could not be triaged, 130 when stopped.
    With --engine ray the images are read and decided on the cluster's workers (every node must see the
    files at the same path); this process still writes the audit log, the worklist and the report.
    """
    from argus.agent.assistant import Assistant
    from argus.agent.domains.medical.audit import AuditLog, default_audit_path
    from argus.agent.domains.medical.batch import TriageBatch
    from argus.tools.errors import ArgusError
    from argus.tools.runtime import Runtime, resolve_device

    with user_errors():
        engine = engine_choice(engine)
        if engine == "local" and (ray_address is not None or gpus_per_worker is not None):
            raise ArgusError("--ray-address and --gpus-per-worker go with --engine ray")
        if device != "auto":
            resolve_device(device)  # a bad or missing device is an error now, not at the first model
        weights = {"torchxrayvision": str(cxr_weights)} if cxr_weights is not None else {}
        assistant = Assistant(
            llm="planner",
            check_llm=False,
            runtime=Runtime(device=device, weights=weights),
            rules_dirs=rules_dir,
        )
        with (
            AuditLog(audit_db or default_audit_path(), new_log=new_audit_log) as audit,
            _ray_engine(assistant, engine, ray_address, workers, gpus_per_worker) as cluster,
            _ProgressBar(quiet=as_json) as bar,
        ):
            batch = TriageBatch(
                assistant,
                out,
                audit=audit,
                findings_file=findings,
                resume=resume,
                progress=bar.update,
                workers=workers,
                engine=cluster,
            )
            with _stop_on_ctrl_c(batch):
                summary = batch.run(paths)
    if as_json:
        print_json(summary.model_dump())
    else:
        _print_summary(summary)
    if summary.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)
    if summary.failed:
        raise typer.Exit(EXIT_SOME_FAILED)


@contextmanager
def _ray_engine(
    assistant: Assistant, engine: str, address: str | None, workers: int | None, gpus: float | None
) -> Iterator[RayEngine | None]:
    """The Ray engine for ``--engine ray`` (connected now, so that an unreachable cluster or a missing
    Ray is one clear error before any image), closed when the batch is done; None for the local one."""
    if engine != "ray":
        yield None
        return
    from argus.agent.domains.medical.identity import run_settings
    from argus.agent.domains.medical.ray_engine import RayEngine
    from argus.agent.domains.medical.work import WorkerSettings

    settings = WorkerSettings.of(assistant, run_settings(assistant))
    classifier = bool(assistant.runtime.weights.get("torchxrayvision"))
    with RayEngine(
        settings, address=address, workers=workers, gpus_per_worker=gpus or 0.0, classifier=classifier
    ) as cluster:
        yield cluster


@contextmanager
def _stop_on_ctrl_c(batch: TriageBatch) -> Iterator[None]:
    """First Ctrl-C: finish the image in hand, then stop. Second: abandon it (KeyboardInterrupt)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    presses = 0

    def handler(signum: int, frame: object) -> None:
        nonlocal presses
        presses += 1
        if presses > 1:
            raise KeyboardInterrupt
        batch.stop()
        err_console.print("stopping after the image in hand; Ctrl-C again to abandon it")

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _ProgressBar:
    """A rich progress bar on stderr with counts and ETA; silent for --json."""

    def __init__(self, quiet: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("triage"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err_console,
            disable=quiet,
            transient=False,
        )
        self._task = self._progress.add_task("", total=None)

    def __enter__(self) -> _ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, event: TriageProgress) -> None:
        c = event.counts
        levels = " ".join(f"{g} {c[g]}" for g in ("U4", "U3", "U2", "U1", "U0") if c.get(g))
        parts = [levels, f"abstained {c.get('abstained', 0)}"]
        if c.get("resumed"):
            parts.append(f"resumed {c['resumed']}")
        if c.get("failed"):
            parts.append(f"[red]failed {c['failed']}[/]")
        self._progress.update(
            self._task, total=event.total, completed=event.done, description=" · ".join(p for p in parts if p)
        )


def _print_summary(summary: TriageSummary) -> None:
    from rich.markup import escape
    from rich.table import Table

    from argus.knowledge.schema import URGENCY_LEVELS

    table = Table(title=f"argus triage: run {summary.run_id}", title_justify="left")
    for column in ("group", "meaning", "images"):
        table.add_column(column, justify="right" if column == "images" else "left")
    for key, count in summary.counts.items():
        meaning = "no urgency: a person must read it" if key == "abstained" else URGENCY_LEVELS[key]
        table.add_row(f"[{_STYLE.get(key, 'dim')}]{key}[/]", meaning, str(count))
    table.add_row(
        "[bold]worklist[/]", "images in worklist.jsonl and report.html", str(summary.worklist_entries)
    )
    console.print(table)
    state = "stopped before the end; rerun with --resume to finish" if summary.interrupted else "done"
    console.print(
        f"{summary.inputs} input(s): {summary.decided} decided now, {summary.resumed} decided earlier (resumed), "
        f"{summary.duplicates} repeat(s) of another input, {len(summary.failed)} failed; {state} in "
        f"{summary.seconds:.1f} s on {summary.workers} worker(s)",
        highlight=False,
    )
    for failed in summary.failed:
        console.print(f"[red]failed[/] {escape(failed.path)}: {escape(failed.error)}", highlight=False)
    for name in summary.unmatched_findings:
        console.print(f"[yellow]findings for {escape(name)} match no input image[/]", highlight=False)
    if not summary.written:
        console.print(
            "[yellow]no image was triaged, so the worklist and report were not written (any earlier ones "
            "are unchanged)[/]",
            highlight=False,
        )
    console.print(
        f"worklist: {escape(summary.worklist)}\nreport: {escape(summary.report)}\naudit log: "
        f"{escape(summary.audit_db)}",
        highlight=False,
    )
