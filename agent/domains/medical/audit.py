"""The audit log: one append-only SQLite row per decision, so a batch killed at any point keeps every
decision it already made and ``--resume`` can skip the images already decided (by sha256).

Durability: the database runs in WAL mode with ``synchronous=FULL``. In WAL mode ``NORMAL`` already
survives a killed process, but it may lose the last commits on a power cut or an OS crash, because the
WAL is only synced at checkpoints. ``FULL`` syncs the WAL on every commit: one fsync per decision
(about 3 ms a record against 0.4 ms with ``NORMAL`` on the development machine), small beside a
per-image model run, and an audit log that "loses nothing" must survive a power cut too.

Append-only is enforced in the database itself: triggers refuse every UPDATE and DELETE on the
decisions, whoever the writer is. (Anyone with write access to the file can still drop the triggers;
they guard against mistakes and other programs, not against the file's owner.)

The file is marked as Argus's with SQLite's ``application_id`` header field; a file that is not an
Argus audit log is refused before anything is written to it.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, Self

from pydantic import BaseModel

from argus.agent.core.answer import Answer
from argus.agent.errors import AuditLogError
from argus.knowledge.schema import URGENCY_LEVELS
from argus.tools.file_io import atomic_output

APPLICATION_ID = 0x41524753  # "ARGS" in the SQLite header: marks the file as an Argus audit log
SCHEMA_VERSION = 1
DEFAULT_BUSY_TIMEOUT_S = 10.0
EXPORT_COLUMNS = (
    "id",
    "recorded_at",
    "run_id",
    "sha256",
    "path",
    "modality",
    "domain",
    "urgency",
    "abstention",
    "versions",
    "rules",
    "answer",
)
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_SCHEMA = (
    """CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at TEXT NOT NULL,
    run_id TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    path TEXT NOT NULL,
    modality TEXT,
    domain TEXT NOT NULL,
    versions TEXT NOT NULL,
    rules TEXT NOT NULL,
    urgency TEXT CHECK (urgency IS NULL OR urgency IN ('U0', 'U1', 'U2', 'U3', 'U4')),
    abstention TEXT,
    answer TEXT NOT NULL
)""",
    "CREATE INDEX decisions_sha256 ON decisions (sha256)",
    "CREATE INDEX decisions_run_id ON decisions (run_id)",
    "CREATE INDEX decisions_recorded_at ON decisions (recorded_at)",
    """CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'the Argus audit log is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'the Argus audit log is append-only: DELETE refused'); END""",
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)


class AuditEntry(BaseModel):
    """One recorded decision."""

    id: int
    recorded_at: str
    run_id: str
    sha256: str
    path: str
    modality: str | None
    domain: str
    versions: dict[str, str]
    rules: list[dict[str, Any]]
    urgency: str | None
    abstention: str | None
    answer: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """The row without its answer, versions and rules: what ``argus audit list --json`` prints."""
        return self.model_dump(exclude={"answer", "versions", "rules"})


def default_audit_path() -> Path:
    """``$ARGUS_AUDIT_DB``, else ``audit.sqlite`` in Argus's data folder (``argus.tools.paths``)."""
    from argus.tools.paths import audit_db_path

    return audit_db_path()


class AuditLog:
    """An append-only log of decisions in one SQLite file.

    Args:
        path: the database file; created (with its folder) when missing unless ``create`` is false.
        busy_timeout_s: how long a write waits for another writer's lock before giving up.
        create: create a new log when the file does not exist; false for readers.

    Raises:
        AuditLogError: the file is missing (``create=False``), not SQLite, another program's database,
            written by a newer Argus, or cannot be created.
    """

    def __init__(
        self, path: str | Path, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S, create: bool = True
    ) -> None:
        self.path = Path(path).expanduser()
        self.busy_timeout_s = busy_timeout_s
        self._lock = threading.Lock()
        self._check_file(create)
        try:
            self._db = sqlite3.connect(
                self.path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise AuditLogError(f"cannot open the audit log {self.path}: {exc}") from None
        self._db.row_factory = sqlite3.Row
        try:
            self._open_schema()
            self._set_durability()
        except BaseException:
            self._db.close()
            raise

    # ------------------------------------------------------------------ opening

    def _check_file(self, create: bool) -> None:
        p = self.path
        if p.exists():
            if not p.is_file():
                raise AuditLogError(f"the audit log {p} is not a regular file")
            with p.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
            if head and head != _SQLITE_MAGIC:
                raise AuditLogError(f"{p} is not an Argus audit log: it is not a SQLite database")
            return
        if not create:
            raise AuditLogError(
                f"no audit log at {p} (decisions are recorded by `argus triage`; set ARGUS_AUDIT_DB to read another file)"
            )
        try:
            p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # The log holds file paths and findings: readable by its owner only.
            os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError as exc:
            raise AuditLogError(f"cannot create the audit log {p}: {exc.strerror}") from None

    def _open_schema(self) -> None:
        try:
            app_id, tables = self._identity()
            if app_id == 0 and not tables:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    app_id, tables = self._identity()  # another process may have created it meanwhile
                    if app_id == 0 and not tables:
                        for statement in _SCHEMA:
                            self._db.execute(statement)
                        app_id, tables = APPLICATION_ID, {"decisions"}
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise self._error(exc, "open") from None
        if app_id != APPLICATION_ID or "decisions" not in tables:
            raise AuditLogError(
                f"{self.path} is a SQLite database but not an Argus audit log "
                f"(application_id {app_id:#x}, tables: {', '.join(sorted(tables)) or 'none'})"
            )
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise AuditLogError(
                f"{self.path} was written by a newer Argus (audit schema {version}; this version reads up to {SCHEMA_VERSION})"
            )

    def _set_durability(self) -> None:
        try:
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            self._db.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as exc:
            raise self._error(exc, "open") from None
        if str(mode).lower() != "wal":
            raise AuditLogError(
                f"the audit log {self.path} cannot use SQLite's WAL mode here (got journal mode {mode!r}); "
                "put it on a local file system"
            )

    def _identity(self) -> tuple[int, set[str]]:
        app_id = self._db.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables.discard("sqlite_sequence")
        return int(app_id), tables

    # ------------------------------------------------------------------ writing

    def record(self, answer: Answer, *, path: str | Path, run_id: str, abstention: str | None = None) -> int:
        """Append one decision in its own committed transaction; returns its row id.

        Args:
            answer: the Answer for the image; its ``image.sha256`` is the image's identity.
            path: the input file as the user named it.
            run_id: the batch this decision belongs to.
            abstention: why no urgency was assigned (wrong modality, failed quality, ...), if so.

        Raises:
            AuditLogError: the answer has no image, or the log stayed locked past the busy timeout.
        """
        if answer.image is None:
            raise AuditLogError("an audit record needs an answer about an image; this answer has no image")
        if not run_id:
            raise AuditLogError("an audit record needs a run id, got an empty string")
        rules = [
            {"id": r.id, "version": r.version, "status": r.status}
            for r in answer.rules
            if r.status != "retrieved"
        ]
        row = (
            _utc_now(),
            run_id,
            answer.image.sha256,
            str(path),
            answer.image.modality,
            answer.domain,
            json.dumps({"argus": _argus_version(), **answer.backend}, sort_keys=True),
            json.dumps(rules),
            answer.urgency.level if answer.urgency else None,
            abstention,
            answer.model_dump_json(),
        )
        with self._lock:
            try:
                cursor = self._db.execute(
                    "INSERT INTO decisions (recorded_at, run_id, sha256, path, modality, domain, versions, "
                    "rules, urgency, abstention, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
            except sqlite3.DatabaseError as exc:
                raise self._error(exc, "write to") from None
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    # ------------------------------------------------------------------ reading

    def decided(self, sha256: str) -> bool:
        """Whether an image with this sha256 already has a decision in the log."""
        return self._query("SELECT 1 FROM decisions WHERE sha256 = ? LIMIT 1", (sha256,)) != []

    def decided_shas(self) -> set[str]:
        """Every image sha256 that has a decision: what ``--resume`` skips."""
        return {r[0] for r in self._query("SELECT DISTINCT sha256 FROM decisions")}

    def latest(self, sha256s: Iterable[str]) -> dict[str, AuditEntry]:
        """The newest decision for each of these image sha256s that has one: what ``--resume`` puts back
        into the worklist for the images it skips."""
        wanted = sorted(set(sha256s))
        found: dict[str, AuditEntry] = {}
        for start in range(0, len(wanted), 500):
            chunk = tuple(wanted[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            rows = self._query(
                "SELECT * FROM decisions WHERE id IN "
                f"(SELECT max(id) FROM decisions WHERE sha256 IN ({marks}) GROUP BY sha256)",
                chunk,
            )
            for row in rows:
                entry = _entry(row)
                found[entry.sha256] = entry
        return found

    def count(self) -> int:
        return int(self._query("SELECT count(*) FROM decisions")[0][0])

    def list(
        self,
        limit: int | None = 50,
        since: datetime | str | None = None,
        urgency: str | None = None,
        run_id: str | None = None,
    ) -> list[AuditEntry]:
        """Decisions, newest first, optionally only those at or after ``since`` (UTC when naive),
        of one urgency level (U0-U4) or of one run."""
        where: list[str] = []
        params: list[Any] = []
        if since is not None:
            where.append("recorded_at >= ?")
            params.append(_as_utc_iso(since))
        if urgency is not None:
            level = urgency.strip().upper()
            if level not in URGENCY_LEVELS:
                raise AuditLogError(f"urgency must be one of {', '.join(URGENCY_LEVELS)}, got {urgency!r}")
            where.append("urgency = ?")
            params.append(level)
        if run_id is not None:
            where.append("run_id = ?")
            params.append(run_id)
        if limit is not None and limit < 1:
            raise AuditLogError(f"limit must be at least 1, got {limit}")
        sql = "SELECT * FROM decisions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_entry(r) for r in self._query(sql, tuple(params))]

    def get(self, row_id: int) -> AuditEntry:
        """One decision by its row id."""
        rows = self._query("SELECT * FROM decisions WHERE id = ?", (row_id,))
        if not rows:
            raise AuditLogError(f"no decision with id {row_id} in the audit log {self.path}")
        return _entry(rows[0])

    def export(self, fmt: Literal["jsonl", "csv"] = "jsonl", out: str | Path = "audit.jsonl") -> int:
        """Write every decision, oldest first, to ``out``; returns how many.

        JSON Lines keeps each row as recorded. CSV holds versions, rules and the answer as JSON text, and
        prefixes a cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) with ``'``.
        The file is written to a temporary name and moved into place, so a failed export leaves no
        half-written file.
        """
        if fmt not in ("jsonl", "csv"):
            raise AuditLogError(f"export format must be jsonl or csv, got {fmt!r}")
        target = Path(out).expanduser()
        if target.is_dir():
            raise AuditLogError(f"export target {target} is a folder; name a file")
        if not target.parent.is_dir():
            raise AuditLogError(f"cannot export to {target}: folder {target.parent} does not exist")
        with atomic_output(target, newline="") as fh:
            return self._write_export(fmt, fh)

    def _write_export(self, fmt: str, fh: IO[str]) -> int:
        count = 0
        writer = csv.writer(fh) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(EXPORT_COLUMNS)
        for row in self._rows_oldest_first():
            entry = _entry(row)
            if writer is None:
                fh.write(entry.model_dump_json() + "\n")
            else:
                data = entry.model_dump()
                writer.writerow(
                    [
                        _csv_cell(json.dumps(data[c]) if c in ("versions", "rules", "answer") else data[c])
                        for c in EXPORT_COLUMNS
                    ]
                )
            count += 1
        return count

    def _rows_oldest_first(self) -> Iterator[sqlite3.Row]:
        """Rows in pages, so an export of a large log never holds it all in memory."""
        last = 0
        while True:
            page = self._query("SELECT * FROM decisions WHERE id > ? ORDER BY id LIMIT 500", (last,))
            if not page:
                return
            yield from page
            last = page[-1]["id"]

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise self._error(exc, "read") from None

    # ------------------------------------------------------------------ plumbing

    def _error(self, exc: sqlite3.DatabaseError, action: str) -> AuditLogError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return AuditLogError(
                f"the audit log {self.path} is locked by another writer; gave up after {self.busy_timeout_s:g} s"
            )
        if "not a database" in text or "malformed" in text:
            return AuditLogError(f"{self.path} is not an Argus audit log: {text}")
        return AuditLogError(f"cannot {action} the audit log {self.path}: {text}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _entry(row: sqlite3.Row) -> AuditEntry:
    data = dict(row)
    for key in ("versions", "rules", "answer"):
        data[key] = json.loads(data[key])
    return AuditEntry.model_validate(data)


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _as_utc_iso(value: datetime | str) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise AuditLogError(
                f"since must be an ISO 8601 time such as 2025-01-31 or 2025-01-31T12:00:00+00:00, got {value!r}"
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@cache
def _argus_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("argus")
    except PackageNotFoundError:
        return "unknown"
