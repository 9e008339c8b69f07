"""The audit log: append-only in the database, durable across a SIGKILL, clear about files it refuses."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from argus.agent.commands import audit as audit_commands
from argus.agent.core.answer import Answer, ImageInfo, RuleRef, UrgencyInfo
from argus.agent.domains.medical.audit import APPLICATION_ID, AuditLog, default_audit_path
from argus.agent.errors import AuditLogError
from tests.support import samples
from tests.support.samples import BUS, CAMERA, COINS, dicom


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_answer(path: Path, level: str | None, modality: str | None = None) -> Answer:
    rules = [
        RuleRef(id="MED-TEST-01", title="t", version="2", source="org", fired=True, why="fact"),
        RuleRef(
            id="MED-TEST-02", title="t", version="1", source="org", fired=False, why="x", status="abstained"
        ),
        RuleRef(id="MED-TEST-03", title="t", source="org", fired=False, why="sim", status="retrieved"),
    ]
    return Answer(
        question="triage",
        answer=f"{path.name}: {level or 'no urgency'}",
        domain="medical",
        image=ImageInfo(
            path=str(path), name=path.name, sha256=sha_of(path), width=10, height=10, modality=modality
        ),
        urgency=UrgencyInfo(level=level, label="l", native="n", rule="MED-TEST-01") if level else None,
        rules=rules,
        backend={"detector": "opencv-dnn ssd-mobilenet-v2"},
    )


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    with AuditLog(tmp_path / "audit.sqlite") as opened:
        yield opened


def test_record_list_get_round_trip(log: AuditLog) -> None:
    first = log.record(make_answer(BUS, "U3"), path=BUS, run_id="run-a")
    second = log.record(
        make_answer(COINS, None, "OT"), path=COINS, run_id="run-a", abstention="wrong modality"
    )
    third = log.record(make_answer(CAMERA, "U1"), path=CAMERA, run_id="run-b")
    assert [first, second, third] == [1, 2, 3]

    assert [e.id for e in log.list()] == [3, 2, 1]
    assert [e.id for e in log.list(limit=2)] == [3, 2]
    assert [e.id for e in log.list(urgency="u3")] == [1]
    assert [e.id for e in log.list(run_id="run-a")] == [2, 1]
    assert log.list(since=datetime.now(UTC) + timedelta(minutes=1)) == []
    assert len(log.list(since="2000-01-01")) == 3

    entry = log.get(second)
    assert entry.path == str(COINS) and entry.sha256 == sha_of(COINS)
    assert entry.abstention == "wrong modality" and entry.urgency is None and entry.modality == "OT"
    assert entry.answer == make_answer(COINS, None, "OT").model_dump(mode="json")
    assert entry.versions["detector"] == "opencv-dnn ssd-mobilenet-v2" and entry.versions["argus"]
    assert entry.rules == [
        {"id": "MED-TEST-01", "version": "2", "status": "fired"},
        {"id": "MED-TEST-02", "version": "1", "status": "abstained"},
    ]
    recorded = datetime.fromisoformat(entry.recorded_at)
    assert recorded.tzinfo is not None and recorded.utcoffset() == timedelta(0)

    assert log.decided(sha_of(BUS)) and not log.decided("0" * 64)
    assert log.decided_shas() == {sha_of(BUS), sha_of(COINS), sha_of(CAMERA)}


def test_new_log_is_wal_private_and_marked(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "audit.sqlite"
    with AuditLog(path) as opened:
        opened.record(make_answer(BUS, "U2"), path=BUS, run_id="r")
    assert path.stat().st_mode & 0o777 == 0o600
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decisions SET urgency = 'U0'",
        "UPDATE decisions SET answer = '{}' WHERE id = 1",
        "DELETE FROM decisions",
        "DELETE FROM decisions WHERE id = 1",
    ],
)
def test_triggers_refuse_update_and_delete(log: AuditLog, statement: str) -> None:
    log.record(make_answer(BUS, "U4"), path=BUS, run_id="r")
    db = sqlite3.connect(log.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(statement)
    db.rollback()
    assert log.get(1).urgency == "U4" and log.count() == 1


CHILD = textwrap.dedent(
    """
    import hashlib, sys
    from argus.agent.core.answer import Answer, ImageInfo
    from argus.agent.domains.medical.audit import AuditLog

    log = AuditLog(sys.argv[1])
    for i in range(100_000):
        sha = hashlib.sha256(str(i).encode()).hexdigest()
        answer = Answer(question="q", answer=f"image {i}", domain="medical",
                        image=ImageInfo(sha256=sha, width=1, height=1))
        row = log.record(answer, path=f"img{i}.png", run_id="killed-run")
        print(row, sha, flush=True)
    """
)


@pytest.mark.parametrize("acks_before_kill", [1, 17, 60])
def test_sigkill_mid_batch_loses_no_committed_decision(tmp_path: Path, acks_before_kill: int) -> None:
    db = tmp_path / "audit.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=samples.ROOT,
    )
    acked: dict[int, str] = {}
    assert child.stdout is not None
    for line in child.stdout:
        row, sha = line.split()
        acked[int(row)] = sha
        if len(acked) == acks_before_kill:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=30)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert len(acked) == acks_before_kill

    with AuditLog(db, create=False) as reopened:
        assert reopened._query("PRAGMA integrity_check")[0][0] == "ok"
        assert reopened.count() >= len(acked)
        for row, sha in acked.items():
            assert reopened.get(row).sha256 == sha
        assert set(acked.values()) <= reopened.decided_shas()


def test_locked_database_gives_a_clear_error_after_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite"
    with AuditLog(path) as first:
        first.record(make_answer(BUS, "U1"), path=BUS, run_id="r")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute(
        "INSERT INTO decisions (recorded_at, run_id, sha256, path, domain, versions, rules, answer) "
        "VALUES ('t', 'other', ?, 'p', 'medical', '{}', '[]', '{}')",
        ("1" * 64,),
    )
    try:
        with AuditLog(path, busy_timeout_s=0.3) as blocked:
            with pytest.raises(AuditLogError, match=r"locked by another writer; gave up after 0.3 s"):
                blocked.record(make_answer(COINS, "U2"), path=COINS, run_id="r")
            assert [e.id for e in blocked.list()] == [1]  # WAL: readers are not blocked by the writer
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with AuditLog(path, busy_timeout_s=0.3) as after:
        assert after.record(make_answer(COINS, "U2"), path=COINS, run_id="r") == 2


def _other_sqlite(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (body TEXT)")
    db.commit()
    db.close()


def _newer_argus(path: Path) -> None:
    with AuditLog(path):
        pass
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_text("patient list, not a database"),
            "is not an Argus audit log: it is not a SQLite",
        ),
        (lambda p: p.write_bytes(os.urandom(4096)), "is not an Argus audit log: it is not a SQLite"),
        (lambda p: p.write_bytes(b"SQLite format 3\x00" + os.urandom(8192)), "is not an Argus audit log"),
        (lambda p: p.write_bytes(b"SQL"), "is not an Argus audit log: it is not a SQLite"),
        (
            _other_sqlite,
            r"is a SQLite database but not an Argus audit log \(application_id 0x0, tables: notes\)",
        ),
        (_newer_argus, r"written by a newer Argus \(audit schema 99"),
        (lambda p: p.mkdir(), "is not a regular file"),
    ],
    ids=["text", "random", "corrupt-sqlite", "short", "other-app", "newer-schema", "folder"],
)
def test_files_that_are_not_an_audit_log_are_refused_untouched(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "audit.sqlite"
    make(path)
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(AuditLogError, match=message):
        AuditLog(path)
    if before is not None:
        assert path.read_bytes() == before


def test_missing_log_is_not_created_by_readers(tmp_path: Path) -> None:
    with pytest.raises(AuditLogError, match="no audit log at"):
        AuditLog(tmp_path / "none.sqlite", create=False)
    assert not (tmp_path / "none.sqlite").exists()


def test_bad_arguments(log: AuditLog) -> None:
    with pytest.raises(AuditLogError, match="has no image"):
        log.record(Answer(question="q", answer="a", domain="medical"), path="x", run_id="r")
    with pytest.raises(AuditLogError, match="run id"):
        log.record(make_answer(BUS, "U1"), path=BUS, run_id="")
    with pytest.raises(AuditLogError, match="urgency must be one of U0, U1, U2, U3, U4, got 'U9'"):
        log.list(urgency="U9")
    with pytest.raises(AuditLogError, match="since must be an ISO 8601 time"):
        log.list(since="yesterday")
    with pytest.raises(AuditLogError, match="limit must be at least 1, got 0"):
        log.list(limit=0)
    with pytest.raises(AuditLogError, match="no decision with id 42"):
        log.get(42)
    assert log.count() == 0


def test_export_jsonl_and_csv(log: AuditLog, tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://evil.example","x").png'
    log.record(make_answer(BUS, "U3"), path=BUS, run_id="r")
    log.record(make_answer(COINS, None), path=hostile, run_id="r", abstention="no evidence")

    assert log.export("jsonl", tmp_path / "out.jsonl") == 2
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[1]["path"] == hostile and rows[0]["answer"]["urgency"]["level"] == "U3"

    assert log.export("csv", tmp_path / "out.csv") == 2
    with (tmp_path / "out.csv").open(newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [r["id"] for r in table] == ["1", "2"]
    assert table[1]["path"] == "'" + hostile  # a spreadsheet shows it as text, never runs it
    assert json.loads(table[0]["answer"])["image"]["sha256"] == sha_of(BUS)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_export_errors(log: AuditLog, tmp_path: Path) -> None:
    with pytest.raises(AuditLogError, match="export format must be jsonl or csv, got 'xml'"):
        log.export("xml", tmp_path / "x.xml")  # type: ignore[arg-type]
    with pytest.raises(AuditLogError, match="is a folder"):
        log.export("jsonl", tmp_path)
    with pytest.raises(AuditLogError, match="does not exist"):
        log.export("jsonl", tmp_path / "missing" / "x.jsonl")


def test_default_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ARGUS_AUDIT_DB", str(tmp_path / "chosen.sqlite"))
    assert default_audit_path() == tmp_path / "chosen.sqlite"
    monkeypatch.delenv("ARGUS_AUDIT_DB")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert default_audit_path() == tmp_path / ".local" / "share" / "argus" / "audit.sqlite"


# ----------------------------------------------------------------------------- CLI


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "audit.sqlite"
    with AuditLog(db) as opened:
        opened.record(make_answer(BUS, "U3", "OT"), path=BUS, run_id="run-1")
        opened.record(
            make_answer(dicom("CT_small.dcm"), None, "CT"),
            path="ct.dcm",
            run_id="run-2",
            abstention="wrong modality: CT is not a chest X-ray",
        )
    monkeypatch.setenv("ARGUS_AUDIT_DB", str(db))
    root = typer.Typer()
    root.command("noop")(lambda: None)
    audit_commands.register(root)
    runner = CliRunner()
    return lambda *args: runner.invoke(root, ["audit", *args])


def test_cli_list_json(cli) -> None:
    result = cli("list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [2, 1]
    assert set(rows[0]) == {
        "id",
        "recorded_at",
        "run_id",
        "sha256",
        "path",
        "modality",
        "domain",
        "urgency",
        "abstention",
        "decision_key",
    }
    assert rows[0]["abstention"].startswith("wrong modality") and rows[1]["urgency"] == "U3"
    assert [r["id"] for r in json.loads(cli("list", "--urgency", "U3", "--json").stdout)] == [1]
    assert [r["id"] for r in json.loads(cli("list", "--run", "run-2", "--json").stdout)] == [2]
    assert [r["id"] for r in json.loads(cli("list", "--limit", "1", "--json").stdout)] == [2]


def test_cli_list_table(cli) -> None:
    result = cli("list")
    assert result.exit_code == 0, result.output
    assert "bus.jpg" in result.stdout and "U3" in result.stdout and "run-2" in result.stdout


def test_cli_show_json(cli) -> None:
    result = cli("show", "1", "--json")
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)
    assert entry["id"] == 1 and entry["urgency"] == "U3" and entry["path"] == str(BUS)
    assert entry["answer"]["image"]["sha256"] == sha_of(BUS)
    assert {"argus", "detector"} <= set(entry["versions"])
    text = cli("show", "2")
    assert text.exit_code == 0 and "wrong modality" in text.stdout and "CT" in text.stdout
    assert "identity: - (recorded before decisions carried one" in text.stdout


def test_cli_export_json(cli, tmp_path: Path) -> None:
    out = tmp_path / "log.csv"
    result = cli("export", "--format", "csv", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"path": str(out), "format": "csv", "rows": 2}
    assert out.read_text().startswith("id,recorded_at,run_id,sha256")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "99"), "no decision with id 99"),
        (("list", "--urgency", "high"), "urgency must be one of"),
        (("export", "--format", "xml", "--out", "x.xml"), "export format must be jsonl or csv"),
        (("list", "--db", "/nonexistent/audit.sqlite"), "no audit log at /nonexistent/audit.sqlite"),
    ],
)
def test_cli_user_errors_are_one_line(cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_audit_group_is_on_the_root_cli() -> None:
    from argus.cli import app

    result = CliRunner().invoke(app, ["audit", "--help"])
    assert result.exit_code == 0 and "list" in result.stdout and "export" in result.stdout
