"""``argus ask`` and ``argus chat``: questions about an image, answers with their evidence."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from argus.agent.commands.common import DeviceOpt, console, print_json, user_errors

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.core.answer import Answer

DomainOpt = Annotated[
    str | None,
    typer.Option("--domain", help="general, medical or security (default: from the image and question)."),
]
ZonesOpt = Annotated[
    Path | None, typer.Option("--zones", help="Zones file (YAML or JSON) for security questions.")
]
FindingsOpt = Annotated[
    Path | None,
    typer.Option("--findings", help="Structured findings (YAML or JSON), e.g. nodule size, patient age."),
]
TimeOpt = Annotated[str | None, typer.Option("--time", help="Time of day the image was taken, HH:MM.")]
LlmOpt = Annotated[
    str | None,
    typer.Option("--llm", help="planner (default), openai (any OpenAI-compatible server) or transformers."),
]
LlmUrlOpt = Annotated[str | None, typer.Option("--llm-url", help="Base URL of an OpenAI-compatible server.")]
LlmModelOpt = Annotated[
    str | None, typer.Option("--llm-model", help="Model name on the server, or a local model.")
]
LlmKeyOpt = Annotated[str | None, typer.Option("--llm-key", help="API key for the server, if it needs one.")]
WeightsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--weights",
        help="Your own model for a backend, BACKEND=PATH (repeatable): yolo, yolo-seg, transformers-captioner, "
        "torchxrayvision.",
    ),
]
RulesOpt = Annotated[list[Path] | None, typer.Option("--rules-dir", help="Extra rule packs (repeatable).")]


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
    app.command("chat")(chat)


def _assistant(llm, llm_url, llm_model, llm_key, device, rules_dir, weights) -> Assistant:
    from argus.agent.assistant import Assistant
    from argus.tools.runtime import parse_weights

    return Assistant(
        llm=llm,
        llm_url=llm_url,
        llm_model=llm_model,
        llm_api_key=llm_key,
        device=device,
        weights=parse_weights(weights),
        rules_dirs=rules_dir,
    )


def ask(
    image: Annotated[Path, typer.Argument(help="Image file: JPEG, PNG, WebP, BMP, TIFF, GIF or DICOM.")],
    question: Annotated[str, typer.Argument(help="The question, in plain words.")],
    domain: DomainOpt = None,
    zones: ZonesOpt = None,
    findings: FindingsOpt = None,
    time: TimeOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer contract as JSON only.")] = False,
    annotate: Annotated[
        Path | None, typer.Option("--annotate", help="Write the cited evidence drawn on the image.")
    ] = None,
    llm: LlmOpt = None,
    llm_url: LlmUrlOpt = None,
    llm_model: LlmModelOpt = None,
    llm_key: LlmKeyOpt = None,
    device: DeviceOpt = "auto",
    rules_dir: RulesOpt = None,
    weights: WeightsOpt = None,
) -> None:
    """Ask a question about an image; the answer cites its evidence, rules and sources."""
    with user_errors():
        assistant = _assistant(llm, llm_url, llm_model, llm_key, device, rules_dir, weights)
        answer = assistant.ask(
            image,
            question,
            domain=domain,
            zones=zones,
            findings=findings,
            time_of_day=time,
            annotate=annotate,
        )
    if as_json:
        print_json(answer.model_dump(mode="json"))
    else:
        show_answer(answer)


def chat(
    image: Annotated[Path, typer.Argument(help="Image to talk about.")],
    domain: DomainOpt = None,
    zones: ZonesOpt = None,
    findings: FindingsOpt = None,
    time: TimeOpt = None,
    llm: LlmOpt = None,
    llm_url: LlmUrlOpt = None,
    llm_model: LlmModelOpt = None,
    llm_key: LlmKeyOpt = None,
    device: DeviceOpt = "auto",
    rules_dir: RulesOpt = None,
    weights: WeightsOpt = None,
) -> None:
    """Talk about an image over several turns; follow-ups reuse what earlier turns found.

    Commands: /image PATH switches image, /json toggles JSON output, /trace shows the last trace, /quit ends.
    """
    with user_errors():
        assistant = _assistant(llm, llm_url, llm_model, llm_key, device, rules_dir, weights)
        conversation = assistant.conversation(
            image, domain=domain, zones=zones, findings=findings, time_of_day=time
        )
    console.print(f"[bold]Argus[/] on {conversation.image.name} ({assistant.llm_name()}). /quit to end.")
    json_mode = False
    last: Answer | None = None
    while True:
        try:
            line = console.input("[bold cyan]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not line:
            continue
        if line in ("/quit", "/exit", "/q"):
            break
        if line == "/json":
            json_mode = not json_mode
            console.print(f"JSON output {'on' if json_mode else 'off'}")
            continue
        if line == "/trace":
            if last is None:
                console.print("no answer yet")
            else:
                _trace_table(last)
            continue
        if line.startswith("/image"):
            path = line[len("/image") :].strip()
            with user_errors():
                conversation.switch_image(Path(path))
            console.print(f"now looking at {conversation.image.name}")
            continue
        if line.startswith("/"):
            console.print("commands: /image PATH, /json, /trace, /quit")
            continue
        try:
            with user_errors():
                last = conversation.ask(line)
        except typer.Exit:
            continue
        if json_mode:
            print_json(last.model_dump(mode="json"))
        else:
            show_answer(last, compact=True)


# ------------------------------------------------------------------ rendering


def show_answer(answer: Answer, compact: bool = False) -> None:
    """Answer, evidence, rules with sources, explanation paths, timings and backends, for people."""
    from rich.panel import Panel
    from rich.table import Table

    title = "Answer" + (
        f": {answer.short_answer}" if answer.short_answer and len(answer.short_answer) <= 40 else ""
    )
    if answer.urgency is not None:
        title += f"  urgency {answer.urgency.level} ({answer.urgency.label}) from {answer.urgency.rule}"
    style = "red" if answer.refused or not answer.verified else "green"
    console.print(Panel(answer.answer, title=title, border_style=style))
    if answer.disclaimer:
        console.print(f"[yellow]{answer.disclaimer}[/]")
    for note in answer.notes:
        console.print(f"[dim]note: {note}[/]")
    for claim in answer.unsupported_claims:
        console.print(f"[red]unsupported: {claim}[/]")
    if answer.evidence and not compact:
        table = Table(title="Evidence", show_lines=False)
        for col in ("id", "tool", "label", "score", "box / detail"):
            table.add_column(col)
        for item in answer.evidence[:40]:
            detail = item.get("text") or item.get("zone") or item.get("value") or ""
            box = item.get("box")
            shown = "[" + ", ".join(f"{v:.0f}" for v in box) + "]" if box else str(detail)
            score = item.get("score")
            table.add_row(
                item["id"],
                item["tool"],
                str(item["label"]),
                f"{score:.2f}" if score is not None else "",
                shown,
            )
        if len(answer.evidence) > 40:
            table.caption = f"{len(answer.evidence) - 40} more items in --json"
        console.print(table)
    if answer.rules:
        table = Table(title="Rules")
        for col in ("rule", "status", "urgency", "title", "source"):
            table.add_column(col)
        for rule in answer.rules[:15]:
            table.add_row(
                rule.id,
                rule.status,
                rule.urgency or "",
                rule.title,
                rule.source + (f" {rule.url}" if rule.url else ""),
            )
        console.print(table)
    if answer.graph_paths and not compact:
        console.print("[bold]Why[/] (evidence -> concept -> rule -> urgency/action/source):")
        for path in answer.graph_paths[:8]:
            console.print("  " + " -> ".join(path), highlight=False)
    if not compact:
        _trace_table(answer)
    t = answer.timings_ms
    backends = ", ".join(f"{k}: {v}" for k, v in answer.backend.items())
    console.print(
        f"[dim]{t.total:.0f} ms total (tools {t.tools:.0f}, llm {t.llm:.0f}, knowledge {t.knowledge:.0f}); {backends}[/]"
    )
    if answer.annotated_image:
        console.print(f"annotated image: {answer.annotated_image}")


def _trace_table(answer: Answer) -> None:
    from rich.table import Table

    if answer.program:
        from argus.agent.core.program import render

        console.print(f"[bold]Program[/] {render(answer.program)}", highlight=False)
    table = Table(title="Trace")
    for col in ("step", "by", "tool", "args", "ms", "cached", "evidence / error"):
        table.add_column(col)
    for step in answer.trace:
        ids = ", ".join(step.evidence[:8]) + (" ..." if len(step.evidence) > 8 else "")
        table.add_row(
            str(step.step),
            step.by,
            step.tool,
            str(step.args) if step.args else "",
            f"{step.ms:.0f}",
            "yes" if step.cached else "",
            f"[red]{step.error}[/]" if step.error else ids,
        )
    console.print(table)
