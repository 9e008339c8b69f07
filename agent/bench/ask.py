"""``argus bench ask``: what answering costs, beyond the tools themselves.

Measures, over a fixed set of questions on the bundled sample images: the cold ``argus ask`` wall time
(a fresh process each time), the warm per-question latency in one process with the result cache
cleared before each question (so the tools really run), the ratio of that time to the tools' own
time (the orchestration's overhead), the built-in planner's decision time, and the peak resident
memory of a warm process with every default tool loaded.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from argus.agent.bench.tools import percentile

TARGETS = {"cold_s": 8.0, "overhead_ratio": 1.3, "planner_ms": 20.0, "peak_rss_gb": 2.5}


def sample_pairs() -> list[tuple[str, str]]:
    """(image, question) pairs over the images that ship inside installed packages."""
    from pydicom.data import get_testdata_file

    from argus.tools.base import package_sample

    assets = package_sample("ultralytics", "assets")
    data = package_sample("skimage", "data")
    bus, zidane = str(assets / "bus.jpg"), str(assets / "zidane.jpg")
    return [
        (bus, "How many people are in this image?"),
        (bus, "Is there a bus?"),
        (zidane, "How many people are there?"),
        (str(data / "page.png"), "What does the text say?"),
        (str(data / "coins.png"), "How many coins are there?"),
        (bus, "What is in this image?"),
        (bus, "Is the image sharp enough?"),
        (bus, "What colours are in the image?"),
        (zidane, "Has anyone fallen?"),
        (bus, "How much of the image does the bus cover?"),
        (str(get_testdata_file("CT_small.dcm")), "Triage this scan: is it urgent?"),
        (bus, "What does Fleischner say about a 7 mm solid nodule in a 60-year-old?"),
    ]


@dataclass
class QuestionRow:
    image: str
    question: str
    warm_p50_ms: float
    warm_p95_ms: float
    tools_ms: float
    overhead_ratio: float
    planner_ms: float


@dataclass
class AskBench:
    cold_s: list[float]
    rows: list[QuestionRow]
    warm_p50_ms: float
    warm_p95_ms: float
    overhead_ratio: float
    planner_p50_ms: float
    planner_max_ms: float
    peak_rss_gb: float
    targets: dict[str, float] = field(default_factory=lambda: dict(TARGETS))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def cold_runs(pairs: list[tuple[str, str]], runs: int) -> list[float]:
    """Wall time of ``argus ask IMAGE QUESTION --json`` in a fresh process, for the first ``runs`` pairs."""
    times = []
    for image, question in pairs[:runs]:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", "from argus.cli import app; app()", "ask", image, question, "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"argus ask failed on {Path(image).name}: {done.stderr.strip()[-400:]}")
        json.loads(done.stdout)  # the contract, and nothing else, on stdout
    return times


def planner_decision_ms(pairs: list[tuple[str, str]], repeats: int = 20) -> list[float]:
    """Time to turn a question into a program (the parse, not memoised), with the parser's word lists
    and the embedding fallback loaded once beforehand."""
    from argus.agent.planner.intents import default_model
    from argus.agent.planner.parser import parse

    default_model()  # loaded once per process, for the questions no grammar form reads
    for _, question in pairs:
        parse(question, image={"format": "JPEG"})
    times = []
    for _ in range(repeats):
        for _, question in pairs:
            start = time.perf_counter()
            parse(question, image={"format": "JPEG"})
            times.append((time.perf_counter() - start) * 1000)
    return times


def run_ask_bench(runs: int = 3, cold: int = 2, progress: Any = None) -> AskBench:
    from argus.agent.assistant import Assistant

    pairs = sample_pairs()
    say = progress or (lambda _m: None)
    say(f"cold: {cold} fresh argus ask process(es)")
    cold_s = cold_runs(pairs, cold) if cold else []
    assistant = Assistant()
    say("warming every tool once")
    for image, question in pairs:
        assistant.ask(image, question)
    rows: list[QuestionRow] = []
    all_total: list[float] = []
    total_sum = tools_sum = 0.0
    for image, question in pairs:
        totals, tools = [], []
        for _ in range(runs):
            assistant.runtime.cache.clear()
            start = time.perf_counter()
            answer = assistant.ask(image, question)
            totals.append((time.perf_counter() - start) * 1000)
            # run_program's step encloses the tool calls it makes, which have steps of their own
            tools.append(sum(step.ms for step in answer.trace if step.tool != "run_program"))
        say(f"{Path(image).name}: {question}")
        all_total.extend(totals)
        total_sum += sum(totals)
        tools_sum += sum(tools)
        planner = planner_decision_ms([(image, question)], repeats=5)
        rows.append(
            QuestionRow(
                image=Path(image).name,
                question=question,
                warm_p50_ms=round(statistics.median(totals), 1),
                warm_p95_ms=round(percentile(totals, 95), 1),
                tools_ms=round(statistics.median(tools), 1),
                overhead_ratio=round(sum(totals) / sum(tools), 3) if sum(tools) > 0 else float("nan"),
                planner_ms=round(statistics.median(planner), 2),
            )
        )
    decisions = planner_decision_ms(pairs, repeats=5)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    return AskBench(
        cold_s=[round(c, 2) for c in cold_s],
        rows=rows,
        warm_p50_ms=round(statistics.median(all_total), 1),
        warm_p95_ms=round(percentile(all_total, 95), 1),
        overhead_ratio=round(total_sum / tools_sum, 3) if tools_sum > 0 else float("nan"),
        planner_p50_ms=round(statistics.median(decisions), 2),
        planner_max_ms=round(max(decisions), 2),
        peak_rss_gb=round(peak / 2**30, 2),
    )
