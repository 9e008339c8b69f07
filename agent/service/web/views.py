"""What the web app shows of an answer, a worklist or an assessment, as plain Python values the
Gradio components take (Markdown text, table rows, image annotations). No Gradio import here, so
these are tested without a browser."""

from __future__ import annotations

import base64
import io
import json
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from argus.agent.core.answer import Answer
    from argus.tools.image_io import LoadedImage

RULE_COLUMNS = ["rule", "status", "urgency", "title", "source", "why"]
TRACE_COLUMNS = ["step", "tool", "by", "ms", "cached", "args", "evidence / error"]
WORKLIST_COLUMNS = ["#", "image", "urgency", "set by", "modality", "abstention (why no urgency)"]
ALERT_COLUMNS = ["urgency", "rule", "title", "action", "source"]
MAX_ANNOTATIONS = 60


def answer_markdown(answer: Answer) -> str:
    """The short answer as a heading, then the explanation; a medical disclaimer as large as the answer."""
    parts = []
    if answer.disclaimer:
        parts.append(f"### ⚠ {answer.disclaimer}")
    heading = answer.short_answer if answer.short_answer and len(answer.short_answer) <= 60 else None
    parts.append(f"### Answer: {_md(heading)}" if heading else "### Answer")
    parts.append(_md(answer.answer))
    if answer.urgency is not None:
        u = answer.urgency
        parts.append(f"**Urgency {u.level}** ({_md(u.label)}; {_md(u.native)}) set by `{u.rule}`")
    if answer.abstention:
        parts.append(f"**No urgency assigned:** {_md(answer.abstention)}")
    parts += [f"*Note:* {_md(note)}" for note in answer.notes]
    parts += [f"**Unsupported claim:** {_md(claim)}" for claim in answer.unsupported_claims]
    return "\n\n".join(parts)


def chat_reply(answer: Answer) -> str:
    """The chat bubble: the disclaimer first when there is one, then the answer."""
    return (f"**{answer.disclaimer}**\n\n" if answer.disclaimer else "") + answer.answer


def image_annotations(answer: Answer) -> list[tuple[Any, str]]:
    """(box or mask, label) for each item the answer cites, in the form gr.AnnotatedImage takes; the
    cited items first, so choosing a citation in the legend highlights what it points at."""
    from argus.tools.masks import decode_rle

    cited = [c.ref for c in answer.citations if c.resolved and not c.ref.startswith("R:")]
    by_id = {item["id"]: item for item in answer.evidence}
    out: list[tuple[Any, str]] = []
    for ref in cited:
        item = by_id.get(ref)
        if item is None:
            continue
        label = " ".join(
            x for x in (item["id"], str(item.get("label") or ""), _score(item.get("score"))) if x
        )
        if item.get("rle"):
            out.append((decode_rle(item["rle"]).astype(np.float32), label))
        elif item.get("box"):
            x1, y1, x2, y2 = (int(round(v)) for v in item["box"])
            out.append(((x1, y1, x2, y2), label))
        if len(out) >= MAX_ANNOTATIONS:
            break
    return out


def rule_rows(answer: Answer) -> list[list[str]]:
    return [
        [
            r.id,
            r.status,
            r.urgency or "",
            r.title,
            r.source + (f" {r.url}" if r.url else ""),
            r.why,
        ]
        for r in answer.rules
    ]


def trace_rows(answer: Answer) -> list[list[str]]:
    return [
        [
            str(step.step),
            step.tool,
            step.by,
            f"{step.ms:.0f}",
            "yes" if step.cached else "",
            json.dumps(step.args, ensure_ascii=False, default=str) if step.args else "",
            step.error or ", ".join(step.evidence),
        ]
        for step in answer.trace
    ]


def program_text(answer: Answer) -> str:
    if not answer.program:
        return "(no typed program ran for this answer)"
    from argus.agent.core.program import render

    return render(answer.program)


def timings_markdown(answer: Answer) -> str:
    t = answer.timings_ms
    backends = "; ".join(f"{k}: {v}" for k, v in answer.backend.items())
    return (
        f"**{t.total:.0f} ms** in all: tools {t.tools:.0f} ms, language model {t.llm:.0f} ms, "
        f"knowledge {t.knowledge:.0f} ms. {_md(backends)}"
    )


def worklist_rows(answers: list[Answer]) -> list[list[str]]:
    rows = []
    for rank, a in enumerate(answers, 1):
        urgency = f"{a.urgency.level} ({a.urgency.label})" if a.urgency else "none"
        rows.append(
            [
                str(rank),
                a.image.name if a.image and a.image.name else "image",
                urgency,
                a.urgency.rule if a.urgency else "",
                (a.image.modality or "") if a.image else "",
                a.abstention or "",
            ]
        )
    return rows


def worklist_markdown(answers: list[Answer]) -> str:
    counts: dict[str, int] = {}
    for a in answers:
        key = (
            a.urgency.level
            if a.urgency and a.urgency.level != "U0"
            else ("abstained" if a.abstention else "U0")
        )
        counts[key] = counts.get(key, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    disclaimer = next((a.disclaimer for a in answers if a.disclaimer), None)
    head = f"### ⚠ {disclaimer}\n\n" if disclaimer else ""
    return f"{head}**{len(answers)} image(s)**, most urgent first: {summary}."


def security_markdown(answer: Answer) -> str:
    report = answer.security or {}
    level = report.get("threat_level", 0)
    names = {0: "normal activity", 1: "suspicious", 2: "threat"}
    lines = [f"### Threat level {level}: {names.get(level, '')}"]
    if report.get("threat_rule"):
        lines[0] += f" (set by `{report['threat_rule']}`)"
    lines.append(_md(answer.answer))
    counts = report.get("zone_counts") or {}
    if counts:
        zones = "; ".join(
            f"{_md(z)}: " + ", ".join(f"{n} {lab}" for lab, n in c.items()) for z, c in counts.items()
        )
        lines.append(f"**In the zones:** {zones}")
    if report.get("cannot_see"):
        lines.append(
            "**Cannot be seen here** (not detected is not absent): " + "; ".join(report["cannot_see"])
        )
    return "\n\n".join(lines)


def alert_rows(answer: Answer) -> list[list[str]]:
    report = answer.security or {}
    return [
        [a.get("urgency") or "", a["rule"], a["title"], a.get("action") or "", a["source"]]
        for a in report.get("alerts", [])
    ]


def png_bytes(image: LoadedImage) -> bytes:
    """The image as the app shows it (a DICOM's windowed display image), PNG-encoded."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image.rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def data_uri_bytes(uri: str | None) -> bytes | None:
    if not uri or not uri.startswith("data:image/png;base64,"):
        return None
    return base64.b64decode(uri.partition(",")[2])


def _score(score: Any) -> str:
    return f"{score:.2f}" if isinstance(score, int | float) else ""


def _md(text: str) -> str:
    """Text shown as Markdown without being read as markup (citations stay as written)."""
    out = str(text)
    for ch in "\\`*_{}[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out
