"""A triage batch keeps its decisions apart and its files intact: a decision is one image with its
findings, rule packs and options, never the bytes alone; a bad rule pack, an empty audit file or a
full disk stop the batch with one clear error and leave the earlier worklist, report and log as they
were."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from argus.agent.assistant import Assistant
from argus.agent.core.answer import Answer
from argus.agent.domains.medical.audit import SCHEMA_VERSION, AuditLog
from argus.agent.domains.medical.batch import TriageBatch, run_triage
from argus.agent.domains.medical.identity import findings_sha256
from argus.agent.domains.medical.work import TriageOutcome, TriageTask
from argus.agent.errors import AuditLogError, TriageSetupError
from argus.cli import app
from argus.tools.runtime import Runtime
from tests.support.samples import dicom
from tests.support.triage_helpers import copy_sample, distinct_grays, write_sidecar

runner = CliRunner()


def nodule(mm: int) -> dict:
    return {
        "nodule": {"size_mm": mm, "type": "solid", "multiple": False},
        "patient": {"age": 60, "high_risk": True, "context": "incidental"},
    }


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(llm="planner", check_llm=False, runtime=Runtime(device="cpu"))


def lines(path: Path) -> list[Answer]:
    return [Answer.model_validate_json(line) for line in path.read_text().splitlines()]


def stated_size(answer: Answer) -> float:
    (size,) = [e["value"] for e in answer.evidence if e.get("fact") == "nodule.size_mm"]
    return size


def patient(folder: Path, name: str, mm: int) -> Path:
    """pydicom's CT (the same bytes every time) with its own nodule sidecar."""
    scan = copy_sample(folder, dicom("CT_small.dcm"), name)
    write_sidecar(scan, nodule(mm))
    return scan


def triage(assistant: Assistant, paths: list[Path], out: Path, db: Path, **options) -> object:
    with AuditLog(db) as log:
        return TriageBatch(assistant, out, audit=log, **options).run(paths)


# ----------------------------------------------------------------------------- identity


def test_same_image_with_other_findings_is_its_own_decision(assistant, tmp_path: Path) -> None:
    ward = tmp_path / "ward"
    patient(ward, "a_patient.dcm", 4)
    patient(ward, "b_patient.dcm", 12)
    summary = triage(assistant, [ward], tmp_path / "out", tmp_path / "audit.sqlite")
    assert summary.decided == 2 and summary.duplicates == 0 and summary.worklist_entries == 2
    by_name = {a.image.name: a for a in lines(Path(summary.worklist))}
    assert stated_size(by_name["a_patient.dcm"]) == 4 and stated_size(by_name["b_patient.dcm"]) == 12
    assert by_name["a_patient.dcm"].urgency.rule == "MED-FLEISCHNER-02"
    assert by_name["b_patient.dcm"].urgency.rule == "MED-FLEISCHNER-04"
    with AuditLog(tmp_path / "audit.sqlite", create=False) as log:
        rows = sorted(log.list(limit=None), key=lambda e: e.id)
    assert [Path(r.path).name for r in rows] == ["a_patient.dcm", "b_patient.dcm"]
    assert rows[0].sha256 == rows[1].sha256 and rows[0].decision_key != rows[1].decision_key
    # the identity is what the row says it is
    for row, mm in zip(rows, (4, 12), strict=True):
        identity = row.identity
        assert identity["image_sha256"] == row.sha256
        assert identity["findings_sha256"] == findings_sha256(
            {
                "nodule.size_mm": mm,
                "nodule.type": "solid",
                "nodule.multiple": False,
                "patient.age": 60,
                "patient.high_risk": True,
                "patient.context": "incidental",
            }
        )
        assert {p["name"] for p in identity["rule_packs"]} >= {"medical"} and identity["options"]["argus"]


def test_audit_show_says_what_a_decision_was_made_from(assistant, tmp_path: Path) -> None:
    scan = patient(tmp_path / "in", "patient.dcm", 7)
    triage(assistant, [scan], tmp_path / "out", tmp_path / "audit.sqlite")
    with AuditLog(tmp_path / "audit.sqlite", create=False) as log:
        (row,) = log.list()
    shown = runner.invoke(app, ["audit", "show", str(row.id), "--db", str(tmp_path / "audit.sqlite")])
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.stdout.split())  # the console wraps long lines
    assert f"decision key: {row.decision_key}" in text
    assert f"findings sha256: {row.identity['findings_sha256']}" in text
    assert "rule packs: concepts" in text and ", medical " in text and "options: argus" in text


def test_resume_in_another_folder_never_borrows_another_patients_decision(assistant, tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite"
    first = patient(tmp_path / "monday", "patient.dcm", 4)
    triage(assistant, [first.parent], tmp_path / "out1", db)
    other = patient(tmp_path / "tuesday", "otherpatient.dcm", 12)
    twin = patient(tmp_path / "tuesday", "twin.dcm", 4)  # same bytes and findings as monday's patient
    summary = triage(assistant, [other.parent], tmp_path / "out2", db, resume=True)
    assert summary.resumed == 0 and summary.decided == 2
    by_name = {a.image.name: a for a in lines(Path(summary.worklist))}
    assert stated_size(by_name["otherpatient.dcm"]) == 12
    assert by_name["otherpatient.dcm"].urgency.rule == "MED-FLEISCHNER-04"
    assert by_name["twin.dcm"].image.path == str(twin)
    report = (tmp_path / "out2" / "report.html").read_text()
    assert "otherpatient.dcm.findings.json" in report and "patient.dcm.findings.json" not in report.replace(
        "otherpatient.dcm.findings.json", ""
    )
    with AuditLog(db, create=False) as log:
        assert {Path(e.path).name for e in log.list(limit=None)} == {
            "patient.dcm",
            "otherpatient.dcm",
            "twin.dcm",
        }


def test_resume_decides_again_after_the_findings_or_the_rule_packs_change(assistant, tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite"
    scan = patient(tmp_path / "in", "patient.dcm", 12)
    distinct_grays(tmp_path / "in", 2)
    first = triage(assistant, [scan.parent], tmp_path / "out", db)
    assert first.decided == 3
    unchanged = triage(assistant, [scan.parent], tmp_path / "out", db, resume=True)
    assert unchanged.resumed == 3 and unchanged.decided == 0

    write_sidecar(scan, nodule(3))  # the radiologist corrects the size
    corrected = triage(assistant, [scan.parent], tmp_path / "out", db, resume=True)
    assert corrected.resumed == 2 and corrected.decided == 1
    (answer,) = [a for a in lines(tmp_path / "out" / "worklist.jsonl") if a.image.name == "patient.dcm"]
    assert stated_size(answer) == 3 and answer.urgency.rule == "MED-FLEISCHNER-02"

    pack = tmp_path / "packs" / "local.yaml"
    pack.parent.mkdir()
    pack.write_text(
        "pack: {name: local-notes, version: '1', domain: medical}\n"
        "concepts:\n  - {id: 'finding:local_marker', name: local marker, kind: finding}\n"
    )
    other_packs = Assistant(
        llm="planner", check_llm=False, runtime=Runtime(device="cpu"), rules_dirs=[pack.parent]
    )
    repacked = triage(other_packs, [scan.parent], tmp_path / "out", db, resume=True)
    assert repacked.resumed == 0 and repacked.decided == 3
    with AuditLog(db, create=False) as log:
        assert log.count() == 3 + 1 + 3


def test_a_schema_1_log_is_upgraded_by_a_writer_and_its_rows_are_decided_again(
    assistant, tmp_path: Path
) -> None:
    db = tmp_path / "old.sqlite"
    scan = patient(tmp_path / "in", "patient.dcm", 7)
    _schema_1_log(db, scan)
    with AuditLog(db, create=False) as reader:  # a reader reads it as it is
        (old,) = reader.list()
        assert old.decision_key is None and old.identity is None and old.urgency == "U1"
    assert _user_version(db) == 1
    summary = triage(assistant, [scan.parent], tmp_path / "out", db, resume=True)
    assert _user_version(db) == SCHEMA_VERSION
    assert summary.resumed == 0 and summary.decided == 1  # an old row proves no identity
    with AuditLog(db, create=False) as log:
        rows = sorted(log.list(limit=None), key=lambda e: e.id)
    assert rows[0].answer == old.answer and rows[1].decision_key is not None


def _schema_1_log(db: Path, scan: Path) -> None:
    """The audit log as Argus wrote it before identities: its exact schema, one decision."""
    con = sqlite3.connect(db)
    con.executescript(
        """
        CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at TEXT NOT NULL,
          run_id TEXT NOT NULL, sha256 TEXT NOT NULL CHECK (length(sha256) = 64), path TEXT NOT NULL,
          modality TEXT, domain TEXT NOT NULL, versions TEXT NOT NULL, rules TEXT NOT NULL,
          urgency TEXT CHECK (urgency IS NULL OR urgency IN ('U0', 'U1', 'U2', 'U3', 'U4')),
          abstention TEXT, answer TEXT NOT NULL);
        CREATE INDEX decisions_sha256 ON decisions (sha256);
        CREATE INDEX decisions_run_id ON decisions (run_id);
        CREATE INDEX decisions_recorded_at ON decisions (recorded_at);
        CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
          BEGIN SELECT RAISE(ABORT, 'the Argus audit log is append-only: UPDATE refused'); END;
        CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
          BEGIN SELECT RAISE(ABORT, 'the Argus audit log is append-only: DELETE refused'); END;
        PRAGMA application_id = 1095911251;
        PRAGMA user_version = 1;
        """
    )
    import hashlib

    sha = hashlib.sha256(scan.read_bytes()).hexdigest()
    answer = {"question": "triage", "answer": "old", "domain": "medical",
              "image": {"path": str(scan), "name": scan.name, "sha256": sha, "width": 128, "height": 128}}  # fmt: skip
    con.execute(
        "INSERT INTO decisions (recorded_at, run_id, sha256, path, modality, domain, versions, rules, "
        "urgency, answer) VALUES ('2025-01-01T00:00:00+00:00', 'old-run', ?, ?, 'CT', 'medical', '{}', '[]', "
        "'U1', ?)",
        (sha, str(scan.resolve()), json.dumps(answer)),
    )
    con.commit()
    con.close()


def _user_version(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


# ----------------------------------------------------------------------------- a bad configuration


@pytest.fixture
def good_run(assistant, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A folder of 60 images triaged once into out/: (folder, out, audit db)."""
    folder = tmp_path / "in"
    folder.mkdir()
    distinct_grays(folder, 60, side=96)
    out, db = tmp_path / "out", tmp_path / "audit.sqlite"
    summary = run_triage([folder], out, assistant=assistant, audit_db=db, workers=1)
    assert summary.worklist_entries == 60
    return folder, out, db


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_a_broken_rule_pack_stops_before_the_first_image_and_keeps_the_worklist(good_run, tmp_path) -> None:
    folder, out, db = good_run
    before = _files(out)
    broken = tmp_path / "packs"
    broken.mkdir()
    (broken / "mine.yaml").write_text("pack: {name: mine, version: '1', domain: medical\nrules: [\n")
    result = runner.invoke(
        app, ["triage", str(folder), "--out", str(out), "--audit-db", str(db), "--rules-dir", str(broken)]
    )
    assert result.exit_code == 2, result.output
    assert "mine.yaml" in result.output and "Traceback" not in result.output
    assert _files(out) == before
    with AuditLog(db, create=False) as log:
        assert log.count() == 60


class _FailingEngine:
    """An engine whose every image fails the same way, as a device that vanished would make it."""

    workers = 1

    def __init__(self, seen: list[int]) -> None:
        self.seen = seen

    def batches(self, tasks: Iterable[TriageTask]) -> Iterator[list[TriageOutcome]]:
        for task in tasks:
            self.seen.append(task.index)
            yield [
                TriageOutcome(
                    index=task.index, status="failed", error="the device is gone", error_kind="setup"
                )
            ]


def test_every_image_failing_the_same_way_stops_early_and_keeps_the_worklist(assistant, good_run) -> None:
    folder, out, db = good_run
    before = _files(out)
    seen: list[int] = []
    with AuditLog(db) as log:
        batch = TriageBatch(assistant, out, audit=log, engine=_FailingEngine(seen))
        with pytest.raises(
            TriageSetupError, match="the first 3 image.s. all failed the same way.*the device is gone"
        ):
            batch.run([folder])
    assert len(seen) == 3 and _files(out) == before


def test_a_run_where_nothing_was_triaged_keeps_the_previous_worklist(assistant, good_run, tmp_path) -> None:
    _, out, db = good_run
    before = _files(out)
    broken = tmp_path / "broken"
    broken.mkdir()
    for i in range(2):
        (broken / f"bad{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    summary = run_triage([broken], out, assistant=assistant, audit_db=db)
    assert len(summary.failed) == 2 and not summary.written and summary.worklist_entries == 0
    assert _files(out) == before


# ----------------------------------------------------------------------------- the audit file


def test_an_empty_audit_file_is_refused_unless_a_new_log_is_asked_for(tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite"
    db.touch()
    with pytest.raises(AuditLogError, match=r"is an empty file \(0 bytes\).*--new-audit-log"):
        AuditLog(db)
    with pytest.raises(AuditLogError, match="empty file"):
        AuditLog(db, create=False, new_log=True)  # a reader never starts a log
    listed = runner.invoke(app, ["audit", "list", "--db", str(db)])
    assert listed.exit_code == 2 and "empty file" in listed.output and "Traceback" not in listed.output
    assert db.stat().st_size == 0
    with AuditLog(db, new_log=True) as log:
        assert log.count() == 0
        log.record(_answer(), path="scan.dcm", run_id="r")
    with pytest.raises(AuditLogError, match="already holds an audit log with 1 decision"):
        AuditLog(db, new_log=True).close()  # asking for a new log never appends to an old one silently


def _answer() -> Answer:
    return Answer(
        question="q", answer="a", domain="medical", image={"sha256": "0" * 64, "width": 1, "height": 1}
    )


def test_triage_on_an_empty_audit_file(tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite"
    db.touch()
    scan = copy_sample(tmp_path / "in", dicom("MR_small.dcm"))
    args = ["triage", str(scan), "--out", str(tmp_path / "out"), "--audit-db", str(db)]
    refused = runner.invoke(app, args)
    assert (
        refused.exit_code == 2 and "--new-audit-log" in refused.output and "Traceback" not in refused.output
    )
    assert db.stat().st_size == 0 and not (tmp_path / "out" / "worklist.jsonl").exists()
    resumed = runner.invoke(app, [*args, "--resume"])
    assert resumed.exit_code == 2  # resuming against a lost log must not quietly decide everything again
    started = runner.invoke(app, [*args, "--new-audit-log"])
    assert started.exit_code == 0, started.output
    with AuditLog(db, create=False) as log:
        assert log.count() == 1


# ----------------------------------------------------------------------------- a full disk


def _full_disk_under(folder: Path, monkeypatch: pytest.MonkeyPatch, only: str = "") -> None:
    """Make every fsync of a file in ``folder`` (whose name contains ``only``) fail as a full disk does."""
    real = os.fsync

    def fsync(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        if target.startswith(str(folder)) and only in Path(target).name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to tell which file is synced")
@pytest.mark.parametrize("failing", ["worklist", "report"])
def test_a_full_disk_is_one_clear_error_and_leaves_both_files_as_they_were(
    good_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    folder, out, db = good_run
    extra = tmp_path / "more"
    extra.mkdir()
    distinct_grays(extra, 2, side=80)
    before = _files(out)
    _full_disk_under(out, monkeypatch, only=failing)
    result = runner.invoke(app, ["triage", str(extra), "--out", str(out), "--audit-db", str(db)])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"cannot write {out / ('worklist.jsonl' if failing == 'worklist' else 'report.html')}" in message
    assert "No space left on device" in message and "--resume" in message and "Traceback" not in message
    assert _files(out) == before  # neither file replaced, no temporary file left
    with AuditLog(db, create=False) as log:
        assert log.count() == 62  # the decisions themselves are kept
