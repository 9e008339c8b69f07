"""``argus ask`` and ``argus chat``: questions about an image, answers with their evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from argus.agent.commands.common import DeviceOpt, console, print_json, user_errors
from argus.agent.commands.layout import Records, is_wide, print_hanging
from argus.agent.commands.progress import progress

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.core.answer import Answer

DomainOpt = Annotated[
    str | None,
    typer.Option(
        "--domain",
        metavar="DOMAIN",
        help="general, medical or security (default: from the image and question).",
    ),
]
ZonesOpt = Annotated[
    Path | None,
    typer.Option("--zones", metavar="FILE", help="Zones file (YAML or JSON) for security questions."),
]
FindingsOpt = Annotated[
    Path | None,
    typer.Option(
        "--findings", metavar="FILE", help="Structured findings (YAML or JSON): see argus kb findings."
    ),
]
TimeOpt = Annotated[
    str | None, typer.Option("--time", metavar="HH:MM", help="Time of day the image was taken, HH:MM.")
]
LlmOpt = Annotated[
    str | None,
    typer.Option(
        "--llm",
        metavar="KIND",
        help="planner (default), openai (any OpenAI-compatible server) or transformers.",
    ),
]
LlmUrlOpt = Annotated[
    str | None, typer.Option("--llm-url", metavar="URL", help="Base URL of an OpenAI-compatible server.")
]
LlmModelOpt = Annotated[
    str | None,
    typer.Option("--llm-model", metavar="NAME", help="Model name on the server, or a local model."),
]
LlmKeyOpt = Annotated[
    str | None, typer.Option("--llm-key", metavar="KEY", help="API key for the server, if it needs one.")
]
WeightsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--weights",
        metavar="BACKEND=PATH",
        help="Your own model for a backend, BACKEND=PATH (repeatable): yolo, yolo-seg, transformers-captioner, "
        "torchxrayvision.",
    ),
]
RulesOpt = Annotated[
    list[Path] | None, typer.Option("--rules-dir", metavar="DIR", help="Extra rule packs (repeatable).")
]


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
        Path | None,
        typer.Option("--annotate", metavar="OUT.png", help="Write the cited evidence drawn on the image."),
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
    with user_errors(), progress("loading models") as on_event:
        assistant = _assistant(llm, llm_url, llm_model, llm_key, device, rules_dir, weights)
        conversation = assistant.conversation(
            image, domain=domain, zones=zones, findings=findings, time_of_day=time
        )
        answer = conversation.ask(question, annotate=annotate, on_event=on_event)
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
    with user_errors(), progress("loading models"):
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
            console.print()  # the prompt's line ends here, not at the shell's next prompt
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
            with user_errors(), progress("thinking") as on_event:
                last = conversation.ask(line, on_event=on_event)
        except typer.Exit:
            continue
        if json_mode:
            print_json(last.model_dump(mode="json"))
        else:
            show_answer(last, compact=True)


# ------------------------------------------------------------------ rendering


def show_answer(answer: Answer, compact: bool = False) -> None:
    """Answer, evidence, rules with sources, explanation paths, timings and backends, for people.

    Wide terminals get tables; narrow ones (and output that is not a terminal) get one record per
    rule or step, so nothing is squeezed to a word per line and nothing is cut."""
    from rich.panel import Panel

    title = "Answer" + (
        f": {answer.short_answer}" if answer.short_answer and len(answer.short_answer) <= 40 else ""
    )
    if answer.urgency is not None:
        title += f"  urgency {answer.urgency.level} ({answer.urgency.label}) from {answer.urgency.rule}"
    style = "red" if answer.refused or not answer.verified else "green"
    console.print(Panel(Text(answer.answer), title=Text(title), title_align="left", border_style=style))
    if answer.disclaimer:
        console.print(Text(answer.disclaimer, style="bold yellow"))
    for note in answer.notes:
        console.print(Text(f"note: {note}", style="dim"))
    for claim in answer.unsupported_claims:
        console.print(Text(f"unsupported: {claim}", style="red"))
    if answer.evidence and not compact:
        _evidence_table(answer)
    if answer.rules:
        rules = Records("Rules", head=("rule", "status", "urgency"), body=("title", "source"))
        for rule in answer.rules[:15]:
            source = rule.source + (f" {rule.url}" if rule.url else "")
            rules.add((rule.id, rule.status, rule.urgency or ""), (rule.title, source))
        if len(answer.rules) > 15:
            rules.caption = f"{len(answer.rules) - 15} more rules in --json"
        rules.print(console)
    if answer.graph_paths and not compact:
        console.print(Text("Why (evidence -> concept -> rule -> urgency/action/source):", style="bold"))
        for path in answer.graph_paths[:8]:
            print_hanging(console, " -> ".join(path), indent=4, first=Text("  "))
    if not compact:
        _trace_table(answer)
    t = answer.timings_ms
    backends = ", ".join(f"{k}: {v}" for k, v in answer.backend.items())
    print_hanging(
        console,
        Text(
            f"{t.total:.0f} ms total (tools {t.tools:.0f}, llm {t.llm:.0f}, knowledge {t.knowledge:.0f}); "
            f"{backends}",
            style="dim",
        ),
    )
    if answer.annotated_image:
        console.print(Text(f"annotated image: {answer.annotated_image}"))


def _evidence_table(answer: Answer) -> None:
    """One row per item; a narrow terminal drops the tool column and names each id letter's tool below."""
    from rich.table import Table

    wide = is_wide(console)
    table = Table(title="Evidence", title_justify="left", caption_justify="left")
    for col in (
        ("id", "tool", "label", "score", "box / detail") if wide else ("id", "label", "score", "detail")
    ):
        table.add_column(col, overflow="fold")
    tools: dict[str, str] = {}
    for item in answer.evidence[:40]:
        detail = item.get("text") or item.get("zone") or item.get("value") or ""
        box = item.get("box")
        shown = "[" + ", ".join(f"{v:.0f}" for v in box) + "]" if box else str(detail)
        score = item.get("score")
        cells = [item["id"], str(item["label"]), f"{score:.2f}" if score is not None else "", shown]
        if wide:
            cells.insert(1, item["tool"])
        tools.setdefault(item["id"].rstrip("0123456789"), item["tool"])
        table.add_row(*(Text(c) for c in cells))
    notes = []
    if not wide:
        notes.append("; ".join(f"{prefix}: {tool}" for prefix, tool in tools.items()))
    if len(answer.evidence) > 40:
        notes.append(f"{len(answer.evidence) - 40} more items in --json")
    table.caption = "\n".join(notes) or None
    console.print(table)


def _trace_table(answer: Answer) -> None:
    if answer.program:
        from argus.agent.core.program import render

        console.print(Text.assemble(("Program ", "bold"), render(answer.program)))
    trace = Records("Trace", head=("step", "tool", "by", "ms", "cached"), body=("args", "evidence", "error"))
    for step in answer.trace:
        ids = ", ".join(step.evidence[:8]) + (" ..." if len(step.evidence) > 8 else "")
        trace.add(
            (str(step.step), step.tool, step.by, f"{step.ms:.0f} ms", "cached" if step.cached else ""),
            (
                json.dumps(step.args, ensure_ascii=False, default=str) if step.args else "",
                ids,
                Text(step.error or "", style="red"),
            ),
        )
    trace.print(console)
