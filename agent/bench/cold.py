"""``argus bench cold``: the commands a user types, each run as a fresh process, against the start-up
targets: wall seconds (median), CPU seconds (median, user + system) and peak resident memory.

Every case runs once untimed first, so what is measured is a cold process on warm disk caches: Python's
bytecode, the operating system's file cache, the rule index and the exported embedding model are on
disk, as they are for anyone past their first command. The peak memory of each process comes from the
kernel (``os.wait4``), so it counts everything the process loaded, libraries included; each command is
started by a small launcher process, because Linux counts a forked process's peak from its parent's
memory at the fork.

The children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed from their environment):
an installed package has its bytecode compiled, and compiling every module on every start is not what a
user sees. On a machine other work is loading, wall time grows much more than CPU time: the report
carries the load average and the fastest run beside the median so they can be read together.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from argus.tools.base import package_sample
from argus.tools.errors import ArgusError

Progress = Callable[[str], None]

PLANNED_QUESTION = "How many people are in this image?"
ROCKET_QUESTION = "What brand is the rocket and when was it launched?"
DECLINED_QUESTION = "What is the meaning of life?"  # no grammar form reads it: the embedding fallback runs
RULE_QUESTION = "What does Fleischner say about a 7 mm solid nodule in a 60-year-old?"
KB_QUERY = "solid lung nodule follow-up in a smoker"
ZONES_YAML = """\
zones:
  - name: dock
    polygon: [[0.0, 0.5], [1.0, 0.5], [1.0, 1.0], [0.0, 1.0]]
    normalized: true
    attributes: [restricted]
"""
KB_SEARCH_P50_TARGET_MS = 5.0
ERROR_CHARS = 600


@dataclass(frozen=True)
class ColdCase:
    """One command line after ``argus``, with the targets it is held to."""

    name: str
    argv: tuple[str, ...]
    wall_target_s: float
    strict: bool = False  # the target is "<" rather than "<="
    rss_target_mb: float | None = None


class ColdResult(BaseModel):
    name: str
    command: str
    runs: int
    wall_s: float = Field(description="Median wall-clock seconds from fork to exit.")
    wall_min_s: float
    cpu_s: float = Field(description="Median user + system CPU seconds of the process.")
    peak_rss_mb: float | None = Field(
        description="Largest peak resident memory over the runs (None: unknown)."
    )
    wall_target_s: float
    strict: bool
    rss_target_mb: float | None
    met: bool
    error: str | None = Field(None, description="What the command printed when it failed.")


class KbSearchResult(BaseModel):
    p50_ms: float
    p95_ms: float
    backend: str
    target_ms: float = KB_SEARCH_P50_TARGET_MS
    met: bool


class ColdBenchReport(BaseModel):
    runs: int
    cpu_count: int
    load_average: tuple[float, float, float] | None = Field(description="1, 5, 15 minutes, at the start.")
    python: str
    command: str = Field(description="How each case's process was started.")
    cases: list[ColdResult]
    kb_search: KbSearchResult | None = Field(
        None, description="kb.search end to end, in process, from `argus bench kb --sizes ''`."
    )
    kb_search_error: str | None = None


def argus_command() -> list[str]:
    """How a user starts argus here: the console script beside this Python, else ``python -c``."""
    script = Path(sys.executable).parent / ("argus.exe" if os.name == "nt" else "argus")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from argus.cli import app; sys.argv[0] = 'argus'; app()"]


def default_cases(workdir: Path) -> list[ColdCase]:
    """The commands the start-up targets are set on; ``workdir`` receives the zones file and outputs."""
    bus = str(package_sample("ultralytics", "assets/bus.jpg"))
    rocket = str(package_sample("skimage", "data/rocket.jpg"))
    zones = workdir / "zones.yaml"
    zones.write_text(ZONES_YAML, encoding="utf-8")
    annotated = str(workdir / "bus.assessed.png")
    return [
        ColdCase("argus --help", ("--help",), 0.3, strict=True),
        ColdCase("argus tools", ("tools",), 0.4),
        ColdCase("ask, a question the planner handles", ("ask", bus, PLANNED_QUESTION), 1.5),
        ColdCase("ask, the rocket's brand and launch date", ("ask", rocket, ROCKET_QUESTION), 1.0),
        ColdCase("ask, a declined question", ("ask", bus, DECLINED_QUESTION), 1.0),
        ColdCase("ask, a rule look-up", ("ask", bus, RULE_QUESTION), 1.0),
        ColdCase("kb search", ("kb", "search", KB_QUERY), 1.0, rss_target_mb=300.0),
        ColdCase("assess with zones", ("assess", bus, "--zones", str(zones), "--annotate", annotated), 3.0),
    ]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("COLUMNS", "100")
    return env


@dataclass
class _Run:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float | None
    returncode: int
    stderr: str


# Starts the command from a fresh, small process and reports its wall time, CPU time, peak RSS and exit
# code as JSON on the file descriptor given first. Linux counts a process's peak RSS from the moment it was
# forked, so a command forked straight from this (larger) process would inherit this one's peak.
LAUNCHER = """
import json, os, sys, time
report, argv = int(sys.argv[1]), sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
os.write(report, json.dumps([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
                             os.waitstatus_to_exitcode(status)]).encode())
"""


def run_once(argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> _Run:
    """Run ``argv`` as a fresh process and read its wall time, CPU time and peak RSS (from the kernel)."""
    import json

    with tempfile.TemporaryFile() as err:
        if not hasattr(os, "fork"):  # no fork (Windows): wall time only
            start = time.perf_counter()
            code = subprocess.run(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                  env=env, cwd=cwd).returncode  # fmt: skip
            return _Run(time.perf_counter() - start, float("nan"), None, code, _read(err))
        read_end, write_end = os.pipe()
        try:
            launcher = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", LAUNCHER, str(write_end), *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
                cwd=cwd,
                pass_fds=(write_end,),
            )
            os.close(write_end)
            write_end = -1
            with os.fdopen(read_end, "rb") as report:
                read_end = -1
                data = report.read()
            launcher.wait()
        finally:
            for fd in (read_end, write_end):
                if fd >= 0:
                    os.close(fd)
        if launcher.returncode != 0 or not data:
            return _Run(
                0.0, float("nan"), None, launcher.returncode or 1, _read(err) or "the launcher failed"
            )
        wall, cpu, maxrss, code = json.loads(data)
        # ru_maxrss is in kilobytes on Linux, in bytes on macOS
        peak = maxrss / (2**20 if sys.platform == "darwin" else 2**10)
        return _Run(wall, cpu, peak, code, _read(err))


def _read(err: Any) -> str:
    err.seek(0)
    return err.read().decode("utf-8", "replace")


def measure(case: ColdCase, runs: int, base: Sequence[str], env: dict[str, str], cwd: Path) -> ColdResult:
    argv = [*base, *case.argv]
    first = run_once(argv, env, cwd)  # untimed: fills the caches a second start finds on disk
    samples = [first] if first.returncode != 0 else [run_once(argv, env, cwd) for _ in range(runs)]
    failed = next((s for s in samples if s.returncode != 0), None)
    walls = [s.wall_s for s in samples]
    peaks = [s.peak_rss_mb for s in samples if s.peak_rss_mb is not None]
    wall = statistics.median(walls)
    peak = max(peaks) if peaks else None
    met = failed is None and (wall < case.wall_target_s if case.strict else wall <= case.wall_target_s)
    if case.rss_target_mb is not None:
        met = met and peak is not None and peak <= case.rss_target_mb
    return ColdResult(
        name=case.name,
        command="argus " + " ".join(_short(a) for a in case.argv),
        runs=len(samples),
        wall_s=round(wall, 3),
        wall_min_s=round(min(walls), 3),
        cpu_s=round(statistics.median(s.cpu_s for s in samples), 3),
        peak_rss_mb=round(peak, 1) if peak is not None else None,
        wall_target_s=case.wall_target_s,
        strict=case.strict,
        rss_target_mb=case.rss_target_mb,
        met=met,
        error=_tail(failed.stderr) if failed else None,
    )


def kb_search_latency(base: Sequence[str], env: dict[str, str], cwd: Path) -> KbSearchResult:
    """kb.search end to end on the shipped packs, from ``argus bench kb --sizes '' --json`` in its own process."""
    import json

    proc = subprocess.run(
        [*base, "bench", "kb", "--sizes", "", "--json"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise ArgusError(
            "argus bench kb failed: " + _tail(proc.stderr.decode("utf-8", "replace") or "no message")
        )
    report = json.loads(proc.stdout)
    p50 = float(report["kb_search"]["p50_ms"])
    return KbSearchResult(
        p50_ms=p50,
        p95_ms=float(report["kb_search"]["p95_ms"]),
        backend=str(report.get("backend") or report.get("device") or "unknown"),
        met=p50 <= KB_SEARCH_P50_TARGET_MS,
    )


def run_cold_bench(
    runs: int = 3,
    only: Sequence[str] | None = None,
    kb_search: bool = True,
    progress: Progress | None = None,
) -> ColdBenchReport:
    """Run every case (or those whose names contain one of ``only``) ``runs`` times after one untimed run."""
    say = progress or (lambda _msg: None)
    base = argus_command()
    env = child_env()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="argus-bench-cold-") as tmp:
        workdir = Path(tmp)
        cases = [c for c in default_cases(workdir) if not only or any(o in c.name for o in only)]
        if not cases:
            names = ", ".join(c.name for c in default_cases(workdir))
            raise ArgusError(f"no case matches {list(only or [])!r}; the cases are: {names}")
        results = []
        for case in cases:
            say(f"{case.name}: 1 untimed run, then {runs}")
            results.append(measure(case, runs, base, env, workdir))
        search, search_error = None, None
        if kb_search:
            say("kb.search end to end: argus bench kb --sizes ''")
            try:
                search = kb_search_latency(base, env, workdir)
            except (ArgusError, subprocess.TimeoutExpired, ValueError, KeyError) as exc:
                search_error = str(exc)
    return ColdBenchReport(
        runs=runs,
        cpu_count=os.cpu_count() or 1,
        load_average=(round(load[0], 2), round(load[1], 2), round(load[2], 2)) if load else None,
        python=sys.version.split()[0],
        command=" ".join(_short(a) for a in base),
        cases=results,
        kb_search=search,
        kb_search_error=search_error,
    )


def _short(arg: str) -> str:
    """Sample files by their name, so the table stays readable."""
    path = Path(arg)
    shown = path.name if path.is_absolute() else arg
    return f'"{shown}"' if " " in shown else shown


def _tail(text: str) -> str:
    text = text.strip()
    return text if len(text) <= ERROR_CHARS else "..." + text[-ERROR_CHARS:]
