"""The triage worklist as one self-contained HTML file.

One compact card per image in a section per urgency group, most urgent first (U4 to U1, then
abstentions, which need a person's read, then U0 and images without an urgency), oldest first within
a level. The header repeats the disclaimer above a count per group, each linking to its section. A
card shows a small thumbnail, the urgency badge, the answer and the disclaimer; its findings, fired
rules with their sources, the rules that did not decide (one line per reason, however many rules
share it), the explanation paths and the notes are folded into a ``<details>`` element, so a
worklist of hundreds of images stays a page a person can scroll.

The file makes no request of its own: thumbnails are embedded as ``data:`` URIs, the CSS is inline,
there is no script and no web font, and a Content-Security-Policy forbids anything else. Every string
from the data (file names, OCR text, DICOM tags, rule text) is HTML-escaped, and only ``http(s)`` URLs
become links.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argus.agent.core.answer import MEDICAL_DISCLAIMER, Answer
from argus.agent.errors import ReportError
from argus.knowledge.schema import URGENCY_LEVELS
from argus.tools.errors import ImageLoadError
from argus.tools.file_io import atomic_output

if TYPE_CHECKING:
    import numpy as np

THUMBNAIL_MAX_SIDE = 128
THUMBNAIL_QUALITY = 80
_ORDER = ("U4", "U3", "U2", "U1", "abstained", "U0")
_HIDDEN_EVIDENCE_KEYS = {"id", "tool", "label", "score", "box", "rle", "polygons", "polygon"}
_MAX_DETAIL_CHARS = 300
_IDS_SHOWN = 6  # rule ids listed on one reason line before "and N more"
_MEANING = {"abstained": "no urgency assigned: needs a person's read"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class ReportEntry:
    """One image of the worklist.

    Args:
        answer: the image's Answer.
        image: thumbnail bytes (PNG or JPEG; a JPEG from ``thumbnail_jpeg`` is shown as it is), or the path
            of the image to show (annotated, if there is one); None when there is nothing to show.
        decided_at: when the decision was made; orders cards within an urgency level.
        abstention: why no urgency was assigned (wrong modality, failed quality, ...), if so.
    """

    answer: Answer
    image: bytes | str | Path | None
    decided_at: datetime | None = None
    abstention: str | None = None


def worklist_order(entries: Iterable[ReportEntry]) -> list[ReportEntry]:
    """Most urgent first; within a level, oldest decision first, then input order."""
    indexed = list(enumerate(entries))
    return [e for _, e in sorted(indexed, key=lambda ie: (_ORDER.index(_group(ie[1])), _when(ie[1]), ie[0]))]


def write_report(
    entries: Iterable[ReportEntry | tuple[Answer, bytes | str | Path]],
    out: str | Path,
    *,
    title: str = "Argus triage worklist",
    disclaimer: str = MEDICAL_DISCLAIMER,
    generated_at: datetime | None = None,
) -> Path:
    """Render the worklist and write it atomically (a temporary file moved into place); returns the path.

    The file is readable by its owner only, as the temporary file was: it holds medical images."""
    target = Path(out)
    page = render_report(entries, title=title, disclaimer=disclaimer, generated_at=generated_at)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(target) as fh:
            fh.write(page)
    except OSError as exc:
        raise ReportError(f"cannot write the report {target}: {exc.strerror}") from None
    return target


def render_report(
    entries: Iterable[ReportEntry | tuple[Answer, bytes | str | Path]],
    *,
    title: str = "Argus triage worklist",
    disclaimer: str = MEDICAL_DISCLAIMER,
    generated_at: datetime | None = None,
) -> str:
    """The report's HTML as a string."""
    ordered = worklist_order(_entry(e) for e in entries)
    when = (generated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    sections = []
    number = 0
    for key in _ORDER:
        members = [e for e in ordered if _group(e) == key]
        if not members:
            continue
        cards = []
        for entry in members:
            number += 1
            cards.append(_card(number, entry, disclaimer))
        sections.append(
            f'<section class="group" id="group-{key}"><h2 class="group-title"><span class="badge b-{key}">'
            f"{key}</span> {_e(_meaning(key))}: {len(members)} image(s) "
            f'<a class="top" href="#top">back to the summary</a></h2>'
            f'<div class="cards">{"".join(cards)}</div></section>'
        )
    return _PAGE.format(
        title=_e(title),
        generated=_e(when),
        count=len(ordered),
        disclaimer=_e(disclaimer),
        summary=_summary(ordered),
        cards="\n".join(sections) or '<p class="empty">No images in this worklist.</p>',
        css=_CSS,
    )


def _entry(item: ReportEntry | tuple[Answer, bytes | str | Path]) -> ReportEntry:
    if isinstance(item, ReportEntry):
        return item
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Answer):
        return ReportEntry(answer=item[0], image=item[1])
    raise ReportError(
        f"report entries are ReportEntry or (Answer, image bytes or path) pairs, got {type(item).__name__}"
    )


def _group(entry: ReportEntry) -> str:
    if entry.answer.urgency is not None and entry.answer.urgency.level != "U0":
        return entry.answer.urgency.level
    return "abstained" if entry.abstention else "U0"


def _when(entry: ReportEntry) -> float:
    if entry.decided_at is None:
        return float("inf")
    moment = entry.decided_at if entry.decided_at.tzinfo else entry.decided_at.replace(tzinfo=UTC)
    return moment.timestamp()


# ----------------------------------------------------------------------------- pieces


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _meaning(key: str) -> str:
    return _MEANING.get(key) or URGENCY_LEVELS[key] + (
        " (and images without an urgency)" if key == "U0" else ""
    )


def _summary(entries: list[ReportEntry]) -> str:
    """A count per group; each group with images links to its section."""
    counts = {key: 0 for key in _ORDER}
    for entry in entries:
        counts[_group(entry)] += 1
    rows = []
    for key in _ORDER:
        badge = f'<span class="badge b-{key}">{key}</span>'
        if counts[key]:
            badge = f'<a href="#group-{key}">{badge}</a>'
        rows.append(
            f'<tr><td>{badge}</td><td>{_e(_meaning(key))}</td><td class="num">{counts[key]}</td></tr>'
        )
    rows.append(f'<tr class="total"><td>total</td><td></td><td class="num">{len(entries)}</td></tr>')
    return (
        '<table class="summary"><thead><tr><th>Urgency</th><th>Meaning</th><th>Images</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _card(number: int, entry: ReportEntry, disclaimer: str) -> str:
    answer = entry.answer
    group = _group(entry)
    image = answer.image
    name = (image.name or (Path(image.path).name if image.path else None)) if image else None
    name = name or f"image {number}"
    sub = []
    if image is not None:
        sub.append(f"{image.width}x{image.height}")
        sub.append(f"modality {image.modality or 'unknown'}")
        sub.append(f"sha256 {image.sha256[:10]}")
    if entry.decided_at is not None:
        moment = entry.decided_at if entry.decided_at.tzinfo else entry.decided_at.replace(tzinfo=UTC)
        sub.append(f"decided {moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC")
    urgency = answer.urgency
    if urgency is not None:
        badge = f'<span class="badge b-{group}" title="{_e(urgency.label)}">{_e(urgency.level)}</span>'
        level_line = (
            f'<p class="level">{_e(urgency.level)} {_e(urgency.label)} (native: {_e(urgency.native)}; '
            f"rule R:{_e(urgency.rule)})</p>"
        )
    else:
        badge = f'<span class="badge b-{group}">{"abstained" if entry.abstention else "none"}</span>'
        level_line = ""
    first, rest = _first_sentence(answer.answer)
    sections = [
        f'<p class="rest">{_e(rest)}</p>' if rest else "",
        _evidence(answer.evidence),
        _rules(answer),
        _reasons(answer),
        _paths(answer.graph_paths),
        _notes(answer),
    ]
    shown = [s for s in sections if s]
    details = (
        f"<details><summary>{_e(_details_label(answer))}</summary>{''.join(shown)}</details>" if shown else ""
    )
    return (
        f'<article class="card g-{group}" id="card-{number}">'
        f'<div class="thumb">{_thumbnail(entry.image, name)}</div>'
        f'<div class="body"><h3 class="title">{badge} <span class="name">{_e(name)}</span></h3>'
        f'<p class="sub">{_e(" · ".join(sub))}</p>{level_line}{_abstention(entry)}'
        f'<p class="answer">{_e(first)}</p>{details}'
        f'<p class="disclaimer card-disclaimer">{_e(answer.disclaimer or disclaimer)}</p></div></article>'
    )


def _first_sentence(text: str) -> tuple[str, str]:
    """The answer's first sentence (which answers the question) and the rest (the why and the caveats)."""
    parts = _SENTENCE_END.split(text.strip(), maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def _details_label(answer: Answer) -> str:
    counted = [
        (len(answer.evidence), "finding", "findings"),
        (sum(r.status == "fired" for r in answer.rules), "rule fired", "rules fired"),
        (
            sum(r.status in ("abstained", "undetermined") for r in answer.rules),
            "did not decide",
            "did not decide",
        ),
        (len(answer.graph_paths), "path", "paths"),
    ]
    parts = [f"{n} {one if n == 1 else many}" for n, one, many in counted if n]
    return "Details: " + (" · ".join(parts) or "notes")


def thumbnail_jpeg(rgb: np.ndarray) -> bytes:
    """An (H, W, 3) uint8 image shrunk to fit THUMBNAIL_MAX_SIDE, as JPEG bytes: what a triage worker
    makes from the pixels it already decoded, so the report never decodes an image a second time."""
    from PIL import Image

    picture = Image.fromarray(rgb)
    picture.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE), reducing_gap=2.0)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY)
    return buffer.getvalue()


def _thumbnail(source: bytes | str | Path | None, name: str) -> str:
    """The image as a JPEG data URI no larger than THUMBNAIL_MAX_SIDE: a thumbnail made by
    ``thumbnail_jpeg`` is embedded as it is, anything else is decoded and shrunk first. An image that
    cannot be read becomes a visible note on its card rather than a missing card."""
    from PIL import Image

    from argus.tools.image_io import load_image

    if source is None:
        return '<p class="nothumb">No thumbnail</p>'
    data = bytes(source) if isinstance(source, bytes | bytearray) else None
    size = _jpeg_size(data) if data is not None else None
    if data is None or size is None or max(size) > THUMBNAIL_MAX_SIDE:
        try:
            loaded = load_image(data if data is not None else Path(source))  # type: ignore[arg-type]
        except ImageLoadError as exc:
            return f'<p class="nothumb">No thumbnail: {_e(exc)}</p>'
        data = thumbnail_jpeg(loaded.rgb)
        with Image.open(io.BytesIO(data)) as small:
            size = small.size
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<img src="data:image/jpeg;base64,{encoded}" alt="{_e(name)}" width="{size[0]}" height="{size[1]}">'
    )


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of JPEG bytes from the header alone; None for anything else."""
    from PIL import Image, UnidentifiedImageError

    if not data.startswith(b"\xff\xd8\xff"):
        return None
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


def _abstention(entry: ReportEntry) -> str:
    if not entry.abstention:
        return ""
    return f'<p class="abstain"><b>Abstained:</b> {_e(entry.abstention)}</p>'


def _evidence(evidence: list[dict[str, Any]]) -> str:
    if not evidence:
        return ""
    rows = []
    for item in evidence:
        score = item.get("score")
        details = "; ".join(
            f"{_e(k)}: {_e(_short(v))}"
            for k, v in item.items()
            if k not in _HIDDEN_EVIDENCE_KEYS and v not in (None, "")
        )
        box = item.get("box")
        if box:
            details = (
                (details + "; " if details else "")
                + "box ["
                + ", ".join(f"{float(v):.0f}" for v in box)
                + "]"
            )
        rows.append(
            f"<tr><td>{_e(item.get('id', ''))}</td><td>{_e(item.get('label', ''))}</td>"
            f'<td class="num">{"" if score is None else f"{float(score):.2f}"}</td>'
            f"<td>{details}</td><td>{_e(item.get('tool', ''))}</td></tr>"
        )
    return (
        "<section><h4>Findings</h4><table><thead><tr><th>id</th><th>finding</th><th>score</th>"
        f"<th>details</th><th>tool</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _MAX_DETAIL_CHARS else text[: _MAX_DETAIL_CHARS - 1] + "…"


def _rules(answer: Answer) -> str:
    """The rules that fired, each with its reason, action and source."""
    items = []
    for rule in (r for r in answer.rules if r.status == "fired"):
        version = f" v{_e(rule.version)}" if rule.version else ""
        level = (
            f' <span class="badge b-{_e(rule.urgency)}">{_e(rule.urgency)}</span>'
            if rule.urgency in URGENCY_LEVELS
            else ""
        )
        action = f'<br><span class="action">Action: {_e(rule.action)}</span>' if rule.action else ""
        items.append(
            f"<li><b>R:{_e(rule.id)}</b>{version}{level} {_e(rule.title)}"
            f"<br>Why: {_e(rule.why)}{action}<br>Source: {_source(rule.source, rule.url)}</li>"
        )
    return f"<section><h4>Fired rules</h4><ul>{''.join(items)}</ul></section>" if items else ""


def _reasons(answer: Answer) -> str:
    """The rules that abstained or lacked a fact, one line per reason however many rules share it."""
    grouped: dict[tuple[str, str], list[Any]] = {}
    for rule in answer.rules:
        if rule.status in ("abstained", "undetermined"):
            grouped.setdefault((rule.status, rule.why), []).append(rule)
    if not grouped:
        return ""
    items = []
    for (status, why), rules in grouped.items():
        ids = ", ".join(f"R:{_e(r.id)}" for r in rules[:_IDS_SHOWN])
        if len(rules) > _IDS_SHOWN:
            ids += f" and {len(rules) - _IDS_SHOWN} more"
        what = "abstained" if status == "abstained" else "could not be evaluated"
        if len(rules) > 1:
            items.append(f"<li><b>{len(rules)} rules {what}</b> ({ids}): {_e(why)}</li>")
            continue
        (rule,) = rules
        items.append(
            f"<li><b>{ids}</b> {_e(rule.title)} {what}: {_e(why)}"
            f'<br><span class="source">Source: {_source(rule.source, rule.url)}</span></li>'
        )
    return f"<section><h4>Abstentions</h4><ul>{''.join(items)}</ul></section>"


def _source(text: str, url: str | None) -> str:
    if url and url.lower().startswith(("https://", "http://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text)}</a>'
    return _e(text) + (f" ({_e(url)})" if url else "")


def _paths(paths: list[list[str]]) -> str:
    if not paths:
        return ""
    items = "".join(f"<li>{' → '.join(_e(node) for node in path)}</li>" for path in paths)
    return f'<section><h4>Explanation paths</h4><ol class="paths">{items}</ol></section>'


def _notes(answer: Answer) -> str:
    notes = list(answer.notes)
    if answer.refused:
        notes.insert(0, "the request was declined")
    if not notes:
        return ""
    return f"<section><h4>Notes</h4><ul>{''.join(f'<li>{_e(n)}</li>' for n in notes)}</ul></section>"


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header id="top">
<h1>{title}</h1>
<p class="meta">Generated {generated} · {count} image(s), most urgent first</p>
<p class="disclaimer">{disclaimer}</p>
{summary}
</header>
<main>
{cards}
</main>
</body>
</html>
"""

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f3f4f6;color:#111827;
 font-size:13px}
header{background:#fff;padding:12px 20px;border-bottom:1px solid #d1d5db}
h1{margin:0 0 4px;font-size:20px}.meta{margin:0 0 6px;color:#4b5563}
.disclaimer{background:#fff7ed;border-left:3px solid #c2410c;padding:3px 8px;margin:6px 0;font-size:11px}
table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #d1d5db;padding:2px 6px;text-align:left;
 vertical-align:top}
th{background:#f9fafb;white-space:nowrap}.num{text-align:right;white-space:nowrap}
.body td:first-child{white-space:nowrap}.body td{overflow-wrap:anywhere}.summary .total td{font-weight:bold}
.summary a{text-decoration:none}
main{padding:8px 20px}.group-title{font-size:16px;margin:14px 0 6px}.top{font-size:11px;font-weight:400}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:8px}
.card{display:flex;gap:10px;background:#fff;border:1px solid #d1d5db;border-left:6px solid #9ca3af;
 border-radius:4px;padding:8px;break-inside:avoid;min-width:0}
.thumb{flex:0 0 96px}.thumb img{width:96px;height:auto;border:1px solid #e5e7eb;display:block}
.body{flex:1 1 auto;min-width:0;overflow-wrap:anywhere}
.title{margin:0 0 2px;font-size:14px}.sub{margin:0 0 3px;color:#6b7280;font-size:11px}
.level{margin:0 0 3px;font-weight:600}.rest{margin:2px 0 4px}
.answer{margin:0 0 3px;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.card-disclaimer{margin:3px 0 0;padding:1px 6px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
details summary{cursor:pointer;color:#1d4ed8;font-size:12px}details[open]{background:#f9fafb;padding:4px}
h4{font-size:12px;margin:6px 0 2px}ul,ol{margin:0;padding-left:18px;font-size:12px}li{margin:1px 0}
.action{color:#1f2937;font-style:italic}.source{color:#4b5563}
.abstain{background:#f3f4f6;border-left:3px solid #6b7280;padding:2px 6px;margin:0 0 4px;display:-webkit-box;
 -webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.nothumb{width:96px;color:#991b1b;font-size:11px}.paths li{font-family:ui-monospace,monospace;font-size:11px}
.badge{display:inline-block;min-width:24px;padding:0 5px;border-radius:3px;color:#fff;font-weight:700;
 font-size:11px;text-align:center;background:#6b7280}
.b-U4{background:#b91c1c}.b-U3{background:#ea580c}.b-U2{background:#facc15;color:#111827}
.b-U1{background:#2563eb}.b-U0{background:#15803d}.b-abstained{background:#6b7280}
.g-U4{border-left-color:#b91c1c}.g-U3{border-left-color:#ea580c}.g-U2{border-left-color:#facc15}
.g-U1{border-left-color:#2563eb}.g-U0{border-left-color:#15803d}.g-abstained{border-left-color:#6b7280}
@media print{body{background:#fff}.card{border-color:#9ca3af}.answer,.abstain{display:block}
 .card-disclaimer{white-space:normal}}
"""
