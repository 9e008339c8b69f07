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
Argus audit log is refused before anything is written to it, and so is an empty file (an empty file
where a log should be is more often a log that was lost than a place for a new one): a new log starts
in an empty file only when the caller asks (``new_log``, ``argus triage --new-audit-log``).

Each row records the decision's identity (``argus.agent.domains.medical.identity``): the image's
sha256, the findings' hash, the rule packs and the options, and their ``decision_key``. Schema 2 added
those columns; a writer opening a schema-1 log adds them in place (its earlier rows keep no identity,
so ``--resume`` decides their images again), and a reader reads either.
"""

from __future__ import annotations

import builtins
import csv
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, Self

from pydantic import BaseModel

from argus.agent.core.answer import Answer
from argus.agent.domains.medical.identity import DecisionIdentity
from argus.agent.domains.medical.identity import _argus_version as argus_version
from argus.agent.errors import AuditLogError
from argus.knowledge.schema import URGENCY_LEVELS
from argus.tools.file_io import atomic_output

APPLICATION_ID = 0x41524753  # "ARGS" in the SQLite header: marks the file as an Argus audit log
SCHEMA_VERSION = 2
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
    "decision_key",
    "identity",
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
    answer TEXT NOT NULL,
    decision_key TEXT CHECK (decision_key IS NULL OR length(decision_key) = 64),
    identity TEXT
)""",
    "CREATE INDEX decisions_sha256 ON decisions (sha256)",
    "CREATE INDEX decisions_path ON decisions (path)",
    "CREATE INDEX decisions_run_id ON decisions (run_id)",
    "CREATE INDEX decisions_recorded_at ON decisions (recorded_at)",
    """CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'the Argus audit log is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'the Argus audit log is append-only: DELETE refused'); END""",
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)
# From each schema version to the next; run by a writer inside one transaction.
_MIGRATIONS = {
    1: (
        "ALTER TABLE decisions ADD COLUMN decision_key TEXT "
        "CHECK (decision_key IS NULL OR length(decision_key) = 64)",
        "ALTER TABLE decisions ADD COLUMN identity TEXT",
        "CREATE INDEX decisions_path ON decisions (path)",
        "PRAGMA user_version = 2",
    ),
}


class Decided(BaseModel):
    """One decision to record: the answer, the file, the abstention's reason and the identity."""

    answer: Answer
    path: str
    abstention: str | None = None
    identity: DecisionIdentity | None = None


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
    decision_key: str | None = None
    identity: dict[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        """The row without its answer, versions, rules and identity: what ``argus audit list --json`` prints."""
        return self.model_dump(exclude={"answer", "versions", "rules", "identity"})


def default_audit_path() -> Path:
    """``$ARGUS_AUDIT_DB``, else ``audit.sqlite`` in Argus's data folder (``argus.tools.paths``)."""
    from argus.tools.paths import audit_db_path

    return audit_db_path()


class AuditLog:
    """An append-only log of decisions in one SQLite file.

    Args:
        path: the database file; created (with its folder) when missing unless ``create`` is false.
        busy_timeout_s: how long a write waits for another writer's lock before giving up.
        create: create a new log when the file does not exist, and bring an older log's schema up to
            date; false for readers, which change nothing.
        new_log: start a new log in an existing empty file (without it an empty file is refused).

    Raises:
        AuditLogError: the file is missing (``create=False``), empty (unless ``new_log``), not SQLite,
            another program's database, written by a newer Argus, or cannot be created.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
        create: bool = True,
        new_log: bool = False,
    ) -> None:
        self.path = Path(path).expanduser()
        self.busy_timeout_s = busy_timeout_s
        self._lock = threading.Lock()
        self._writer = create
        self._new_log = new_log
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
            if not head and not (create and self._new_log):
                raise AuditLogError(
                    f"the audit log {p} is an empty file (0 bytes), not an Argus audit log: if decisions "
                    "were recorded there, they are lost; to start a new log in it, pass --new-audit-log"
                )
            if head and head != _SQLITE_MAGIC:
                raise AuditLogError(
                    f"{p} is not an Argus audit log: it is not a SQLite database (the file is left as it is)"
                )
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
            pass  # another process created it between the check and here: it is writing the schema now
        except OSError as exc:
            raise AuditLogError(f"cannot create the audit log {p}: {exc.strerror}") from None

    def _open_schema(self) -> None:
        try:
            app_id, tables = self._identity()
            if app_id == 0 and not tables and self._writer:
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
        if self._new_log and self.count() > 0:
            raise AuditLogError(
                f"--new-audit-log: {self.path} already holds an audit log with {self.count()} decision(s); "
                "it is append-only: leave the option out to add to it, or name another file"
            )
        if version < SCHEMA_VERSION and self._writer:
            version = self._migrate(version)
        self._version = version

    def _migrate(self, version: int) -> int:
        """Bring a log written by an older Argus up to this schema, in one transaction."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                version = self._db.execute("PRAGMA user_version").fetchone()[0]  # another writer may have
                while version < SCHEMA_VERSION:
                    for statement in _MIGRATIONS[version]:
                        self._db.execute(statement)
                    version += 1
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise AuditLogError(
                f"cannot bring the audit log {self.path} up to schema {SCHEMA_VERSION}: {exc}"
            ) from None
        return version

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

    def record(
        self,
        answer: Answer,
        *,
        path: str | Path,
        run_id: str,
        abstention: str | None = None,
        identity: DecisionIdentity | None = None,
    ) -> int:
        """Append one decision in its own committed transaction; returns its row id.

        Args:
            answer: the Answer for the image.
            path: the input file (``argus triage`` records its absolute path).
            run_id: the batch this decision belongs to.
            abstention: why no urgency was assigned (wrong modality, failed quality, ...), if so.
            identity: what the decision was made from; ``--resume`` reuses only a decision with one.

        Raises:
            AuditLogError: the answer has no image, an identity of another image, a log opened for
                reading only, or a log that stayed locked past the busy timeout.
        """
        (row,) = self.record_many(
            [Decided(answer=answer, path=str(path), abstention=abstention, identity=identity)], run_id=run_id
        )
        return row

    def record_many(self, decisions: Sequence[Decided], *, run_id: str) -> list[int]:
        """Append decisions made together (a worker's batch) in one committed transaction, so one sync
        to disk records them all: all are recorded or none. Returns their row ids, in order.

        Raises:
            AuditLogError: as ``record``.
        """
        if self._version < SCHEMA_VERSION:
            raise AuditLogError(
                f"the audit log {self.path} has schema {self._version} and was opened for reading only"
            )
        if not run_id:
            raise AuditLogError("an audit record needs a run id, got an empty string")
        rows = [self._row(d, run_id) for d in decisions]
        if not rows:
            return []
        ids = []
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for row in rows:
                        cursor = self._db.execute(
                            "INSERT INTO decisions (recorded_at, run_id, sha256, path, modality, domain, "
                            "versions, rules, urgency, abstention, answer, decision_key, identity) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            row,
                        )
                        assert cursor.lastrowid is not None
                        ids.append(cursor.lastrowid)
                    self._db.execute("COMMIT")
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
            except sqlite3.DatabaseError as exc:
                raise self._error(exc, "write to") from None
        return ids

    def _row(self, decided: Decided, run_id: str) -> tuple[Any, ...]:
        answer, identity = decided.answer, decided.identity
        if answer.image is None:
            raise AuditLogError("an audit record needs an answer about an image; this answer has no image")
        if identity is not None and identity.image_sha256 != answer.image.sha256:
            raise AuditLogError(
                f"the decision's identity is for image {identity.image_sha256[:12]}, the answer for "
                f"{answer.image.sha256[:12]}"
            )
        rules = [
            {"id": r.id, "version": r.version, "status": r.status}
            for r in answer.rules
            if r.status != "retrieved"
        ]
        return (
            _utc_now(),
            run_id,
            answer.image.sha256,
            decided.path,
            answer.image.modality,
            answer.domain,
            json.dumps({"argus": argus_version(), **answer.backend}, sort_keys=True),
            json.dumps(rules),
            answer.urgency.level if answer.urgency else None,
            decided.abstention,
            answer.model_dump_json(),
            identity.key if identity is not None else None,
            identity.model_dump_json() if identity is not None else None,
        )

    # ------------------------------------------------------------------ reading

    def decided(self, sha256: str) -> bool:
        """Whether an image with this sha256 already has a decision in the log."""
        return self._query("SELECT 1 FROM decisions WHERE sha256 = ? LIMIT 1", (sha256,)) != []

    def decided_shas(self) -> set[str]:
        """Every image sha256 that has a decision: what ``--resume`` skips."""
        return {r[0] for r in self._query("SELECT DISTINCT sha256 FROM decisions")}

    def latest(self, sha256s: Iterable[str]) -> dict[str, AuditEntry]:
        """The newest decision for each of these image sha256s that has one."""
        return {e.sha256: e for e in self._newest_by("sha256", sha256s)}

    def latest_for_paths(self, paths: Iterable[str]) -> dict[str, AuditEntry]:
        """The newest decision recorded for each of these files: what ``--resume`` may reuse when its
        identity still matches."""
        return {e.path: e for e in self._newest_by("path", paths)}

    def get_many(self, row_ids: Iterable[int]) -> dict[int, AuditEntry]:
        """Decisions by row id (those that exist)."""
        wanted = sorted(set(row_ids))
        found: dict[int, AuditEntry] = {}
        for start in range(0, len(wanted), 500):
            chunk = tuple(wanted[start : start + 500])
            rows = self._query(f"SELECT * FROM decisions WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
            found.update((row["id"], _entry(row)) for row in rows)
        return found

    def _newest_by(self, column: Literal["sha256", "path"], values: Iterable[str]) -> list[AuditEntry]:
        wanted = sorted(set(values))
        found: list[AuditEntry] = []
        for start in range(0, len(wanted), 500):
            chunk = tuple(wanted[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            rows = self._query(
                "SELECT * FROM decisions WHERE id IN "
                f"(SELECT max(id) FROM decisions WHERE {column} IN ({marks}) GROUP BY {column})",
                chunk,
            )
            found.extend(_entry(row) for row in rows)
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
                        _csv_cell(
                            json.dumps(data[c])
                            if c in ("versions", "rules", "identity", "answer")
                            else data[c]
                        )
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

    # builtins.list: inside this class, `list` is the method above
    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> builtins.list[sqlite3.Row]:
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
    for key in ("versions", "rules", "answer", "identity"):
        if data.get(key) is not None:
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
