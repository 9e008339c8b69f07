"""``argus triage`` over folders: inputs, findings files, the worklist and report, stopping, resuming,
and a batch killed mid-way that loses nothing."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import psutil
import pytest
from PIL import Image
from typer.testing import CliRunner

from argus.agent.assistant import Assistant
from argus.agent.core.answer import Answer
from argus.agent.domains.medical.audit import AuditLog
from argus.agent.domains.medical.batch import TriageBatch, TriageProgress, run_triage
from argus.agent.domains.medical.inputs import BatchFindings, collect_inputs
from argus.agent.errors import FindingsError, TriageInputError
from argus.cli import app
from argus.tools.runtime import Runtime
from tests.support import samples
from tests.support.samples import BUS, dicom
from tests.support.triage_helpers import (
    FLEISCHNER_7MM,
    copy_sample,
    dark_png,
    distinct_grays,
    tagged_dicom,
    write_sidecar,
)

ROOT = samples.ROOT
CHROMIUM = Path("/usr/bin/chromium")
runner = CliRunner()


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(llm="planner", check_llm=False, runtime=Runtime(device="cpu"))


@pytest.fixture
def ward(tmp_path: Path) -> Path:
    """A folder as a user would bring it: a CT with a Fleischner sidecar, an MR, a lateral film in a
    subfolder, a dark PNG, a photo, a duplicate copy, a broken file, and things that are not images."""
    folder = tmp_path / "ward"
    ct = copy_sample(folder, dicom("CT_small.dcm"), "nodule_ct.dcm")
    write_sidecar(ct, FLEISCHNER_7MM)
    copy_sample(folder, dicom("MR_small.dcm"), "brain_mr.dcm")
    (folder / "night").mkdir()
    tagged_dicom(
        folder / "night", "lateral.dcm", Modality="CR", ViewPosition="LATERAL", BodyPartExamined="CHEST"
    )
    dark_png(folder)
    copy_sample(folder, BUS, "photo.jpg")
    copy_sample(folder / "night", dicom("MR_small.dcm"), "brain_mr_copy.dcm")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    (folder / "notes.txt").write_text("not an image")
    (folder / ".hidden.png").write_bytes(BUS.read_bytes())
    return folder


def lines(path: Path) -> list[Answer]:
    return [Answer.model_validate_json(line) for line in path.read_text().splitlines()]


# ---------------------------------------------------------------------------- inputs


def test_collect_inputs_walks_folders_and_skips_what_is_not_an_image(ward: Path, tmp_path: Path) -> None:
    scanner = tmp_path / "IM0001"  # a scanner's extensionless DICOM file
    scanner.write_bytes(dicom("CT_small.dcm").read_bytes())
    found = collect_inputs([ward, scanner, ward / "photo.jpg"])
    names = [p.name for p in found]
    assert names == [
        "brain_mr.dcm", "broken.png", "dark.png", "nodule_ct.dcm", "photo.jpg", "brain_mr_copy.dcm",
        "lateral.dcm", "IM0001",
    ]  # fmt: skip
    assert (tmp_path / "IM0001") in found and "notes.txt" not in names and ".hidden.png" not in names


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: [t / "missing"], "no such file or folder"),
        (lambda t: [], "give at least one image file or folder"),
        (lambda t: [t], "no images found in"),
    ],
)
def test_collect_inputs_errors(tmp_path: Path, make, message: str) -> None:
    (tmp_path / "readme.txt").write_text("x")
    with pytest.raises(TriageInputError, match=message):
        collect_inputs(make(tmp_path))


def test_batch_findings_per_image_or_for_all(ward: Path, tmp_path: Path) -> None:
    inputs = collect_inputs([ward])
    per_image = tmp_path / "per_image.yaml"
    per_image.write_text(
        "night/lateral.dcm: {patient: {age: 70}}\ndark.png: {patient: {age: 50}}\ngone.png: {}\n"
    )
    batch = BatchFindings.load(per_image, inputs)
    assert batch.for_image(ward / "night" / "lateral.dcm") == {"patient.age": 70}
    assert batch.for_image(ward / "dark.png") == {"patient.age": 50}
    assert batch.for_image(ward / "photo.jpg") is None and batch.unmatched == ["gone.png"]
    for_all = tmp_path / "all.json"
    for_all.write_text(json.dumps({"patient": {"age": 61}}))
    assert BatchFindings.load(for_all, inputs).for_image(ward / "photo.jpg") == {"patient.age": 61}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "dark.png: {patient: {age: 50}}\npatient: {age: 3}\n",
            "mixes image names \\('dark.png'\\) with findings",
        ),
        ("brain_mr.dcm: {patient: {age: 50}}\n", "matches 2 input images"),
        ("dark.png: 7\n", "the findings for 'dark.png' must be a mapping, got int"),
        ("dark.png: {label: {person: {count: 1}}}\n", "'label.person.count' cannot be stated"),
        ("- a\n- b\n", "expected a mapping of findings, got list"),
    ],
)
def test_batch_findings_errors(ward: Path, tmp_path: Path, text: str, message: str) -> None:
    copy_sample(ward / "night", dicom("CT_small.dcm"), "brain_mr.dcm")  # a second file of the same name
    path = tmp_path / "findings.yaml"
    path.write_text(text)
    with pytest.raises(FindingsError, match=message):
        BatchFindings.load(path, collect_inputs([ward]))


# ---------------------------------------------------------------------------- a batch


def test_a_batch_writes_the_worklist_most_urgent_first(assistant, ward: Path, tmp_path: Path) -> None:
    events: list[TriageProgress] = []
    with AuditLog(tmp_path / "audit.sqlite") as log:
        summary = TriageBatch(assistant, tmp_path / "out", audit=log, progress=events.append).run([ward])
        recorded = log.list(run_id=summary.run_id, limit=None)
    assert summary.inputs == 7 and summary.decided == 6 and summary.duplicates == 1
    assert [Path(f.path).name for f in summary.failed] == ["broken.png"]
    assert "broken.png" in summary.failed[0].error
    assert summary.counts == {"U4": 0, "U3": 0, "U2": 0, "U1": 1, "abstained": 5, "U0": 0}
    worklist = lines(Path(summary.worklist))
    assert len(worklist) == summary.worklist_entries == 6 == len(recorded)
    assert worklist[0].urgency.level == "U1" and worklist[0].image.name == "nodule_ct.dcm"
    assert all(a.urgency is None and a.abstention for a in worklist[1:])
    # the copy of the MR is decided for its own file, and says which file it repeats
    (copy,) = [a for a in worklist if a.image.name == "brain_mr_copy.dcm"]
    assert any(f"same image and findings as {ward / 'brain_mr.dcm'}" in n for n in copy.notes)
    assert len({a.image.path for a in worklist}) == 6 and len({a.image.sha256 for a in worklist}) == 5
    assert {e.path for e in recorded} == {str(Path(a.image.path).resolve()) for a in worklist}
    assert len({e.decision_key for e in recorded}) == 5 and all(e.identity for e in recorded)
    # abstentions in the order they were decided
    decided_order = [e.path for e in sorted(recorded, key=lambda e: e.id) if e.abstention]
    assert [str(Path(a.image.path).resolve()) for a in worklist[1:]] == decided_order
    assert events[0].outcome == "started" and events[-1].done == events[-1].total == 7
    assert {e.outcome for e in events} >= {"U1", "abstained", "failed"}
    report = Path(summary.report).read_text()
    assert report.count('<article class="card') == 6 and "nodule_ct.dcm" in report
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_stop_then_resume_finishes_the_rest_once(assistant, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    distinct_grays(folder, 6)
    log_path = tmp_path / "audit.sqlite"
    with AuditLog(log_path) as log:
        batch = TriageBatch(assistant, tmp_path / "out", audit=log)
        batch.progress = lambda e: batch.stop() if e.done == 2 else None
        first = batch.run([folder])
        assert first.interrupted and first.decided == 2 and first.worklist_entries == 2
        second = TriageBatch(assistant, tmp_path / "out", audit=log, resume=True).run([folder])
        assert not second.interrupted and second.resumed == 2 and second.decided == 4
        assert log.count() == 6
    worklist = lines(tmp_path / "out" / "worklist.jsonl")
    assert len(worklist) == 6 and len({a.image.sha256 for a in worklist}) == 6


def test_run_triage_with_a_findings_file(assistant, ward: Path, tmp_path: Path) -> None:
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps({"dark.png": FLEISCHNER_7MM}))
    summary = run_triage(
        [ward / "dark.png"], tmp_path / "out", findings, assistant=assistant, audit_db=tmp_path / "a.db"
    )
    (answer,) = lines(Path(summary.worklist))
    origins = {e["origin"] for e in answer.evidence if e["id"].startswith("X")}
    assert origins == {"findings file findings.json"}
    assert any("withheld by the failed quality gate: R:MED-FLEISCHNER-03" in n for n in answer.notes)


# ---------------------------------------------------------------------------- the command


def test_cli_json_summary_and_exit_status(ward: Path, tmp_path: Path) -> None:
    args = [
        "triage",
        str(ward),
        "--out",
        str(tmp_path / "out"),
        "--audit-db",
        str(tmp_path / "a.db"),
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # broken.png could not be triaged
    summary = json.loads(result.stdout)
    assert summary["decided"] == 6 and summary["failed"][0]["path"].endswith("broken.png")
    again = runner.invoke(app, [*args, "--resume"])
    assert json.loads(again.stdout)["resumed"] == 6
    table = runner.invoke(app, ["triage", str(ward / "nodule_ct.dcm"), "--out", str(tmp_path / "o2"),
                                "--audit-db", str(tmp_path / "a.db")])  # fmt: skip
    assert table.exit_code == 0
    assert "scheduled follow-up" in table.stdout and "1 decided now" in table.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["/nonexistent/folder"], "no such file or folder"),
        (["--cxr-weights", "/nonexistent/w.pt"], "weights file not found"),
        (["--findings", "/nonexistent/f.yaml"], "findings file not found"),
        (["--device", "tpu"], "device must be auto, cpu, cuda"),
    ],
)
def test_cli_user_errors_are_one_line(ward: Path, tmp_path: Path, extra: list[str], message: str) -> None:
    paths = [] if extra[0].startswith("/") else [str(ward / "dark.png")]
    result = runner.invoke(
        app, ["triage", *paths, *extra, "--out", str(tmp_path / "o"), "--audit-db", str(tmp_path / "a.db")]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------------------- killed mid-way


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_killed_batch_loses_nothing_and_resume_decides_each_image_once(
    tmp_path: Path, workers: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    distinct_grays(folder, 10, side=1400)  # large enough that each decision takes a while
    copy_sample(folder, dicom("MR_small.dcm"))
    tagged_dicom(folder, "lateral.dcm", Modality="CR", ViewPosition="LATERAL")
    db = tmp_path / "audit.sqlite"
    command = [
        sys.executable,
        "-m",
        "argus.cli",
        "triage",
        str(folder),
        "--out",
        str(tmp_path / "out"),
        "--audit-db",
        str(db),
        "--workers",
        workers,
    ]
    log_file = (tmp_path / "first_run.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        recorded = 0
        while recorded < 3 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
            recorded = _rows(db)
        output = (tmp_path / "first_run.log").read_text()[-500:]
        assert process.poll() is None, f"the batch ended before it could be killed: {output}"
        helpers = psutil.Process(process.pid).children(recursive=True)  # the worker processes, if any
        assert len(helpers) >= (int(workers) if workers != "1" else 0)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        _, alive = psutil.wait_procs(helpers, timeout=60)
        assert not alive, f"worker processes outlived the killed batch: {alive}"
    finally:
        if process.poll() is None:
            process.kill()
        log_file.close()
    with AuditLog(db, create=False) as log:
        first = log.list(limit=None)
    assert 3 <= len(first) < 12, len(first)
    (first_run,) = {e.run_id for e in first}
    resumed = subprocess.run(
        [*command, "--resume", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    summary = json.loads(resumed.stdout)
    assert summary["resumed"] == len(first) and summary["decided"] == 12 - len(first)
    worklist = lines(tmp_path / "out" / "worklist.jsonl")
    shas = [a.image.sha256 for a in worklist]
    assert len(shas) == len(set(shas)) == 12
    with AuditLog(db, create=False) as log:
        everything = log.list(limit=None)
    assert len(everything) == 12 and len({e.sha256 for e in everything}) == 12
    kept = [e for e in everything if e.run_id == first_run]
    assert [(e.id, e.sha256, e.answer) for e in kept] == [(e.id, e.sha256, e.answer) for e in first]


@pytest.mark.slow
def test_ctrl_c_finishes_the_image_in_hand_and_writes_the_worklist(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    distinct_grays(folder, 12, side=1400)
    db = tmp_path / "audit.sqlite"
    command = [
        sys.executable,
        "-m",
        "argus.cli",
        "triage",
        str(folder),
        "--out",
        str(tmp_path / "out"),
        "--audit-db",
        str(db),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while _rows(db) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the batch ended before Ctrl-C"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr[-2000:]
    assert "stopping after the image in hand" in stderr and "stopped before the end" in stdout
    with AuditLog(db, create=False) as log:
        recorded = log.list(limit=None)
    assert 2 <= len(recorded) < 12
    worklist = lines(tmp_path / "out" / "worklist.jsonl")  # everything recorded, nothing half-written
    assert {a.image.sha256 for a in worklist} == {e.sha256 for e in recorded}
    assert (tmp_path / "out" / "report.html").is_file()


def _rows(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT count(*) FROM decisions").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


# ---------------------------------------------------------------------------- the report in a browser


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cards = 0
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article":
            self.cards += 1
        if tag == "img" and (values.get("src") or "").startswith("data:image/jpeg;base64,"):
            self.images.append(values.get("alt") or "")


@pytest.mark.slow
def test_the_report_opens_in_headless_chromium_and_shows_every_image(
    assistant, ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")
    summary = run_triage([ward], tmp_path / "out", assistant=assistant, audit_db=tmp_path / "a.db")
    report = Path(summary.report)
    base = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'p'}"]  # fmt: skip
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    dom = subprocess.run(
        [*base, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=180, env=env
    )
    parsed = _Dom()
    parsed.feed(dom.stdout)
    names = {a.image.name for a in lines(Path(summary.worklist))}
    assert parsed.cards == 6 and sorted(parsed.images) == sorted(names), dom.stderr[-1000:]
    # the same page with every thumbnail swapped for a white pixel (same layout) must look different
    white = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(white, format="PNG")
    blank_uri = "data:image/png;base64," + base64.b64encode(white.getvalue()).decode()
    blank = tmp_path / "blank.html"
    blank.write_text(re.sub(r'src="data:image/jpeg;base64,[^"]+"', f'src="{blank_uri}"', report.read_text()))
    shots = []
    for page in (report, blank):
        shot = tmp_path / f"{page.stem}.png"
        subprocess.run([*base, f"--screenshot={shot}", "--window-size=1200,2000", page.as_uri()],
                       capture_output=True, timeout=180, env=env)  # fmt: skip
        assert shot.is_file(), f"chromium wrote no screenshot of {page.name}"
        shots.append(np.asarray(Image.open(shot).convert("L"), dtype=np.int16))
    with capsys.disabled():
        print(f"\ntriage report screenshot: {tmp_path / 'report.png'}")
    drawn = int((np.abs(shots[0] - shots[1]) > 16).sum())
    assert drawn > 5_000, f"the thumbnails draw only {drawn} pixels"
