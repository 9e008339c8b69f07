"""``argus audit list|show|export``: read the append-only log of triage decisions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from argus.agent.commands.common import console, print_json, user_errors

if TYPE_CHECKING:
    from argus.agent.domains.medical.audit import AuditLog

app = typer.Typer(no_args_is_help=True)

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Audit database (default: $ARGUS_AUDIT_DB or ~/.local/share/argus/audit.sqlite)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only.")]

_URGENCY_STYLE = {"U4": "bold white on red", "U3": "bold red", "U2": "yellow", "U1": "cyan", "U0": "green"}


def register(app_: typer.Typer) -> None:
    """Add the ``audit`` command group to the root app."""
    app_.add_typer(app, name="audit", help="Read the append-only audit log of triage decisions.")


def _open(db: Path | None) -> AuditLog:
    from argus.agent.domains.medical.audit import AuditLog, default_audit_path

    return AuditLog(db or default_audit_path(), create=False)


@app.command("list")
def list_(
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many, newest first.")] = 50,
    urgency: Annotated[str | None, typer.Option("--urgency", help="Only this level, U0-U4.")] = None,
    run: Annotated[str | None, typer.Option("--run", help="Only decisions of this run id.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only decisions at or after this ISO time (UTC if no zone).")
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List recorded decisions, newest first (file names here; `show ID` gives the full path)."""
    with user_errors(), _open(db) as log:
        entries = log.list(limit=limit, since=since, urgency=urgency, run_id=run)
        if as_json:
            print_json([e.summary() for e in entries])
            return
        from rich.text import Text

        from argus.agent.commands.layout import Records

        rows = Records(
            f"audit log {log.path} ({len(entries)} shown of {log.count()})",
            head=("id", "recorded (UTC)", "urgency", "modality", "file"),
            body=("abstention", "run"),
        )
        for e in entries:
            level = e.urgency or "-"
            rows.add(
                (
                    str(e.id),
                    e.recorded_at[:19].replace("T", " "),
                    Text(level, style=_URGENCY_STYLE.get(level, "")),
                    Text(e.modality or "-"),
                    Text(Path(e.path).name or e.path),
                ),
                (Text(e.abstention or ""), Text(e.run_id)),
            )
        rows.print(console)


@app.command("show")
def show(
    row_id: Annotated[int, typer.Argument(metavar="ID", help="Row id from `argus audit list`.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one decision in full: versions, rules and the answer as recorded."""
    with user_errors(), _open(db) as log:
        entry = log.get(row_id)
        if as_json:
            print_json(entry.model_dump())
            return
        from rich.markup import escape

        console.print(
            f"[bold]decision {entry.id}[/] recorded {entry.recorded_at} in run {escape(entry.run_id)}"
        )
        for key in ("path", "sha256", "modality", "domain", "urgency", "abstention"):
            value = getattr(entry, key)
            console.print(f"  {key}: {escape(str(value)) if value is not None else '-'}", highlight=False)
        console.print("  versions: " + escape(", ".join(f"{k} {v}" for k, v in entry.versions.items())))
        _print_identity(entry.decision_key, entry.identity)
        for rule in entry.rules:
            console.print(
                f"  rule {escape(str(rule['id']))} v{escape(str(rule.get('version') or '?'))}: {rule['status']}"
            )
        console.print("  answer: " + escape(str(entry.answer.get("answer", ""))), highlight=False)


def _print_identity(key: str | None, identity: dict | None) -> None:
    """What the decision was made from: what ``argus triage --resume`` compares."""
    from rich.markup import escape

    if key is None or identity is None:
        console.print(
            "  identity: - (recorded before decisions carried one; --resume decides the image again)"
        )
        return
    console.print(f"  decision key: {key}", highlight=False)
    console.print(f"  findings sha256: {identity.get('findings_sha256')}", highlight=False)
    packs = ", ".join(
        f"{p.get('name')} {p.get('version')} ({str(p.get('sha256'))[:12]})"
        for p in identity.get("rule_packs", [])
    )
    console.print(f"  rule packs: {escape(packs)}", highlight=False)
    options = ", ".join(f"{k} {v}" for k, v in sorted((identity.get("options") or {}).items()))
    console.print(f"  options: {escape(options)}", highlight=False)


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write (replaced atomically).")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl (lossless) or csv.")] = "jsonl",
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Export every decision, oldest first."""
    with user_errors(), _open(db) as log:
        count = log.export(fmt, out)  # type: ignore[arg-type]
        if as_json:
            print_json({"path": str(out), "format": fmt, "rows": count})
            return
        console.print(f"wrote {count} decision(s) to {out} ({fmt})", highlight=False)
