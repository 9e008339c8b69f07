"""``argus kb ...``: browse, search, validate and export the rule knowledge base.

Every command takes ``--json`` (JSON on stdout and nothing else). Rule objects carry id,
domain, status, title, urgency and source, the same shape the HTTP API returns. The
knowledge package is imported inside the commands, so ``argus kb --help`` loads nothing heavy.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from argus.agent.commands.common import EXIT_USER_ERROR, console, print_json, user_errors
from argus.agent.commands.layout import Records

if TYPE_CHECKING:
    from argus.knowledge import KnowledgeBase

app = typer.Typer(no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout and nothing else.")]
DomainOpt = Annotated[str | None, typer.Option("--domain", "-d", help="medical, security or general.")]


@app.callback()
def main(
    ctx: typer.Context,
    rules_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--rules-dir", help="A folder (or file) of user rule packs; repeatable. Also ARGUS_RULES_DIR."
        ),
    ] = None,
    index_dir: Annotated[
        Path | None,
        typer.Option("--index-dir", help="Where the rule index is kept (default: ~/.cache/argus/index)."),
    ] = None,
) -> None:
    """Browse, search, validate and export the rule knowledge base."""
    ctx.obj = {"rules_dir": list(rules_dir or []), "index_dir": index_dir}


def _kb(ctx: typer.Context) -> KnowledgeBase:
    from argus.knowledge import KnowledgeBase

    opts = ctx.obj or {}
    return KnowledgeBase.load(extra_dirs=opts.get("rules_dir"), index_dir=opts.get("index_dir"))


def _urgency(rule: Any) -> str:
    return f"{rule.urgency.level} ({rule.urgency.native})"


@app.command("list")
def list_rules(
    ctx: typer.Context,
    domain: DomainOpt = None,
    status: Annotated[
        str | None, typer.Option("--status", "-s", help="active, draft or retired (default: all).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the rules, optionally of one domain or status."""
    from argus.knowledge.retriever import DOMAINS, STATUSES
    from argus.knowledge.views import rule_summary

    with user_errors():
        from argus.knowledge import QueryError

        if domain is not None and domain not in DOMAINS:
            raise QueryError(f"--domain must be one of {', '.join(DOMAINS)}, got {domain!r}")
        if status is not None and status not in STATUSES:
            raise QueryError(f"--status must be one of {', '.join(STATUSES)}, got {status!r}")
        kb = _kb(ctx)
        rules = [
            r
            for r in kb.rules.values()
            if (domain is None or r.domain == domain) and (status is None or r.status == status)
        ]
    if as_json:
        print_json({"count": len(rules), "rules": [rule_summary(r, kb.origins[r.id]) for r in rules]})
        return
    listing = Records(
        f"{len(rules)} rules", head=("id", "domain", "status", "urgency"), body=("title", "source")
    )
    for r in rules:
        listing.add((r.id, r.domain, r.status, _urgency(r)), (r.title, r.source.org))
    listing.print(console)


@app.command()
def show(
    ctx: typer.Context,
    rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. SEC-EXIT-01.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one rule in full: guards, condition, conclusion, action, urgency, source."""
    from argus.knowledge.engine import describe
    from argus.knowledge.views import rule_detail

    with user_errors():
        kb = _kb(ctx)
        rule = kb.rule(rule_id)
    origin = kb.origins[rule.id]
    if as_json:
        print_json(rule_detail(rule, origin))
        return
    src = rule.source
    rows = [
        ("title", rule.title),
        ("status", f"{rule.status} (version {rule.version}, graded {rule.verification})"),
        ("domain", rule.domain),
        ("defined at", f"{origin.path}:{origin.line} ({origin.layer})"),
        ("triggered by", ", ".join(rule.trigger)),
        *[("applies when", f"{describe(g.when)}  (otherwise: {g.otherwise})") for g in rule.applies_to],
        ("condition", describe(rule.condition)),
        ("conclusion", rule.conclusion),
        ("action", rule.action),
        (
            "urgency",
            f"{rule.urgency.level} = {rule.urgency.native} on {rule.urgency.scale}; indicator {rule.indicator}",
        ),
        ("source", "; ".join(x for x in (src.org, src.citation, src.section, src.url or src.doi) if x)),
    ]
    if rule.supersedes:
        rows.append(("supersedes", ", ".join(rule.supersedes)))
    table = Table(title=rule.id, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.")],
    k: Annotated[int, typer.Option("--k", "-k", help="How many rules to return.")] = 5,
    domain: DomainOpt = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", "-s", help="Statuses to include (default: active); repeatable."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Find the rules nearest a question (sentence embeddings, cosine, FAISS)."""
    from argus.knowledge.views import hit_summary

    with user_errors():
        kb = _kb(ctx)
        hits = kb.search(query, k=k, domain=domain, status=tuple(status or ("active",)))
    if as_json:
        print_json(
            {
                "query": query,
                "k": k,
                "domain": domain,
                "hits": [hit_summary(h, kb.origins[h.rule.id]) for h in hits],
            }
        )
        return
    if not hits:
        console.print("no rule matches these filters")
        return
    found = Records(
        f"rules nearest {query!r}", head=("rank", "score", "id", "urgency"), body=("title", "source")
    )
    for h in hits:
        found.add(
            (str(h.rank), f"{h.score:.3f}", h.rule.id, _urgency(h.rule)), (h.rule.title, h.rule.source.org)
        )
    found.print(console)


@app.command()
def findings(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The keys a findings file may carry that the rules read: kind, unit, values and the rules.

    Derived from the loaded packs (your own included). A findings file is YAML or JSON, nested or
    flat: {nodule: {size_mm: 7}} and {"nodule.size_mm": 7} are the same finding."""
    from argus.agent.core.findings_catalogue import catalogue

    with user_errors():
        keys = catalogue(_kb(ctx).rules)
    if as_json:
        print_json({"count": len(keys), "findings": [k.model_dump() for k in keys]})
        return
    listing = Records(
        f"{len(keys)} findings the rules read", head=("name", "kind", "unit"), body=("values", "rules")
    )
    for key in keys:
        listing.add(
            (key.name, key.kind, key.unit or ""),
            (
                ", ".join(key.values),
                ", ".join(key.rules[:6]) + (f" and {len(key.rules) - 6} more" if len(key.rules) > 6 else ""),
            ),
        )
    listing.print(console)


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None, typer.Argument(help="User pack files or folders to check with the shipped packs.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the shipped packs and the given ones; list every problem with file and line (exit 2)."""
    from argus.knowledge import KnowledgeBase, RulePackError

    opts = ctx.obj or {}
    try:
        kb = KnowledgeBase.load(
            extra_dirs=[*opts.get("rules_dir", []), *(paths or [])], index_dir=opts.get("index_dir")
        )
    except RulePackError as exc:
        if as_json:
            print_json({"ok": False, "problems": [p.as_dict() for p in exc.problems]})
        else:
            for problem in exc.problems:
                console.print(f"[red]{problem}[/]", highlight=False, soft_wrap=True)
            console.print(f"[bold red]{len(exc.problems)} problem(s)[/]")
        raise typer.Exit(EXIT_USER_ERROR) from None
    report = {
        "ok": True,
        "rules": len(kb.rules),
        "concepts": len(kb.concepts),
        "packs": [s.model_dump() for s in kb.sources],
        "overrides": [o.model_dump() for o in kb.overrides],
    }
    if as_json:
        print_json(report)
        return
    for s in kb.sources:
        console.print(f"ok  {s.path}  ({s.layer}: {s.rules} rules, {s.concepts} concepts)", highlight=False)
    for o in kb.overrides:
        console.print(
            f"override  {o.kind} {o.id}: {o.user.path}:{o.user.line} replaces {o.shipped.path}:{o.shipped.line}",
            highlight=False,
        )
    console.print(
        f"[green]valid[/]: {len(kb.rules)} rules, {len(kb.concepts)} concepts, {len(kb.overrides)} override(s)"
    )


@app.command()
def graph(
    ctx: typer.Context,
    export: Annotated[Path, typer.Option("--export", "-o", help="Write .graphml or node-link .json.")],
    as_json: JsonOpt = False,
) -> None:
    """Export the knowledge graph for your own tools (GraphML or node-link JSON)."""
    with user_errors():
        kb = _kb(ctx)
        path = kb.export_graph(export)
    g = kb.graph
    info = {
        "path": str(path),
        "format": path.suffix.lstrip("."),
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
    }
    if as_json:
        print_json(info)
        return
    console.print(f"wrote {info['nodes']} nodes and {info['edges']} edges to {path}", highlight=False)
    for note in kb.notes:
        console.print(f"note: {note}", highlight=False)


@app.command()
def stats(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Counts of rules, concepts and graph nodes; packs, overrides, HPO version and the index state."""
    with user_errors():
        kb = _kb(ctx)
        data = kb.stats()
    if as_json:
        print_json(data)
        return
    table = Table(title=f"{data['rules']['total']} rules", title_justify="left")
    for column in ("domain", "active", "draft", "retired"):
        table.add_column(column)
    for domain, counts in data["rules"]["by_domain"].items():
        table.add_row(domain, *(str(counts.get(s, 0)) for s in ("active", "draft", "retired")))
    console.print(table)
    packs = Records("packs", head=("pack", "layer", "rules", "concepts", "sha256"), body=("file",))
    for p in data["packs"]:
        packs.add(
            (
                f"{p['name']} {p['version']}",
                p["layer"],
                f"{p['rules']} rules",
                f"{p['concepts']} concepts",
                p["sha256"][:12],
            ),
            (p["path"],),
        )
    packs.print(console)
    for o in data["overrides"]:
        console.print(
            f"override: {o['kind']} {o['id']} from {o['user']['path']}:{o['user']['line']}", highlight=False
        )
    kinds = ", ".join(f"{k} {v}" for k, v in data["concepts"]["by_kind"].items())
    console.print(f"concepts: {data['concepts']['total']} ({kinds})", highlight=False)
    g = data["graph"]
    console.print(
        f"graph: {g['nodes']} nodes ({', '.join(f'{k} {v}' for k, v in g['node_types'].items())}); "
        f"{g['edges']} edges ({', '.join(f'{k} {v}' for k, v in g['edge_types'].items())})",
        highlight=False,
    )
    hpo = data["hpo"]
    if hpo.get("version"):
        console.print(f"HPO: {hpo['version']}, {hpo['terms']} terms in the hierarchy used", highlight=False)
        console.print(hpo["acknowledgement"], highlight=False)
        if hpo["codes_not_found"]:
            console.print(
                f"[yellow]HPO codes not in hp.obo:[/] {', '.join(hpo['codes_not_found'])}", highlight=False
            )
    else:
        console.print(f"HPO: {hpo['note']}", highlight=False)
    idx = data["index"]
    state = "built" if idx["built"] else "not built yet (the first search builds it)"
    console.print(
        f"index: {state}; {idx['index_type']} over {idx['count']} rules, {idx['model']} ({idx['dimension']}-d), {idx['path']}",
        highlight=False,
    )
