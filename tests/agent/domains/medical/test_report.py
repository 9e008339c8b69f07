"""The worklist report: one self-contained HTML file, hostile strings escaped, every image shown."""

from __future__ import annotations

import base64
import binascii
import io
import subprocess
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from argus.agent.core.answer import MEDICAL_DISCLAIMER, Answer, ImageInfo, RuleRef, UrgencyInfo
from argus.agent.domains.medical.report import (
    THUMBNAIL_MAX_SIDE,
    ReportEntry,
    render_report,
    thumbnail_jpeg,
    worklist_order,
    write_report,
)
from argus.agent.errors import ReportError
from tests.support.samples import BUS, CAMERA, COINS, ZIDANE, dicom

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_NAME = "<script>alert(1)</script>.png"
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def answer(name: str, level: str | None, **extra) -> Answer:
    return Answer(
        question="triage",
        answer=extra.pop("text", f"{name}: {level or 'no urgency'}"),
        domain="medical",
        image=ImageInfo(
            path=f"/data/{name}", name=name, sha256="ab" * 32, width=640, height=480, modality="CR"
        ),
        urgency=UrgencyInfo(level=level, label="label", native="native", rule="MED-X-01") if level else None,
        disclaimer=MEDICAL_DISCLAIMER,
        **extra,
    )


def png_bytes(path: Path) -> bytes:
    buffer = io.BytesIO()
    Image.open(path).convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def worklist() -> list[ReportEntry]:
    """Five images in no particular order, with hostile strings where a user's data would put them."""
    hostile_evidence = [
        {
            "id": "T1",
            "tool": "read_text",
            "label": "text",
            "score": 0.91,
            "box": [1, 2, 30, 40],
            "text": "<b>ward 3</b><script>alert('ocr')</script>",
        },
        {
            "id": "X1",
            "tool": "findings",
            "label": "stated finding",
            "fact": "dicom.StudyDescription",
            "value": '"><img src=x onerror=alert(2)>',
            "origin": "DICOM tag",
        },
    ]
    rules = [
        RuleRef(
            id="MED-FLEISCH-01",
            title="Solid nodule 6-8 mm, high risk",
            version="2017",
            source="Fleischner Society 2017, Table 1",
            url="https://doi.org/10.1148/radiol.2017161659",
            fired=True,
            why="nodule.size_mm = 7 and risk = high",
            urgency="U1",
            action="CT at 6-12 months, then 18-24 months",
        ),
        RuleRef(
            id="MED-EVIL-01",
            title="<i>bad</i>",
            source="javascript source",
            url="javascript:alert(3)",
            fired=False,
            why="lateral view <b>refused</b>",
            status="abstained",
        ),
        RuleRef(
            id="MED-RETR-01", title="retrieved only", source="x", fired=False, why="sim", status="retrieved"
        ),
    ]
    return [
        ReportEntry(
            answer(
                "coins.png",
                "U1",
                rules=rules[:1],
                graph_paths=[["X1", "finding:nodule", "rule:MED-FLEISCH-01", "U1", "source:Fleischner"]],
            ),
            png_bytes(COINS),
            decided_at=T0,
        ),
        ReportEntry(
            answer(
                HOSTILE_NAME,
                None,
                evidence=hostile_evidence,
                rules=rules[1:],
                text="Abstained. <img src=x onerror=alert(4)>",
            ),
            png_bytes(CAMERA),
            decided_at=T0 + timedelta(minutes=1),
            abstention="lateral view <b>",
        ),
        ReportEntry(
            answer(
                "bus.jpg",
                "U4",
                evidence=[
                    {
                        "id": "D1",
                        "tool": "detect_objects",
                        "label": "person",
                        "score": 0.99,
                        "box": [50, 400, 240, 900],
                    }
                ],
            ),
            BUS,
            decided_at=T0 + timedelta(minutes=2),
        ),
        ReportEntry(
            answer("CT_small.dcm", "U3"), dicom("CT_small.dcm"), decided_at=T0 + timedelta(minutes=3)
        ),
        ReportEntry(answer("zidane.jpg", "U3"), ZIDANE.read_bytes(), decided_at=T0 - timedelta(minutes=5)),
    ]


class Page(HTMLParser):
    """Every tag, attribute and text run of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


class Rows(HTMLParser):
    """The text of each cell, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")

    def handle_data(self, data: str) -> None:
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def table_rows(fragment: str) -> list[list[str]]:
    parser = Rows()
    parser.feed(fragment)
    return parser.rows


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    return parser


def decode_data_uri(src: str) -> Image.Image:
    head, _, data = src.partition(",")
    assert head in ("data:image/png;base64", "data:image/jpeg;base64"), head
    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error as exc:
        pytest.fail(f"img src is not valid base64: {exc}")
    image = Image.open(io.BytesIO(raw))
    image.load()
    assert image.format in ("PNG", "JPEG")
    return image


def test_report_is_self_contained_with_one_card_per_image(tmp_path: Path) -> None:
    entries = worklist()
    out = write_report(entries, tmp_path / "out" / "report.html", generated_at=T0)
    page = out.read_text(encoding="utf-8")
    parsed = parse(page)
    assert out.stat().st_mode & 0o777 == 0o600  # it holds medical images

    cards = [a for t, a in parsed.tags if t == "article" and "card" in (a.get("class") or "")]
    assert len(cards) == len(entries)
    images = [a for t, a in parsed.tags if t == "img"]
    assert len(images) == len(entries)
    for attrs in images:
        picture = decode_data_uri(attrs["src"] or "")
        assert max(picture.size) <= 480 and picture.size == (int(attrs["width"]), int(attrs["height"]))

    # nothing to fetch: no scripts, no stylesheets, no frames, no fonts; links only to http(s) sources
    assert {t for t, _ in parsed.tags} <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "h2",
        "h3",
        "p",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "span",
        "main",
        "article",
        "div",
        "img",
        "section",
        "ul",
        "ol",
        "li",
        "b",
        "br",
        "a",
        "details",
        "summary",
        "h4",
    }
    assert not any(k.startswith("on") for _, a in parsed.tags for k in a)
    links = [a["href"] for t, a in parsed.tags if t == "a"]
    assert [h for h in links if not h.startswith("#")] == ["https://doi.org/10.1148/radiol.2017161659"]
    assert "url(" not in page and "@import" not in page and "@font-face" not in page
    assert "img-src data:" in page and "default-src 'none'" in page

    # hostile strings are shown as text, never as markup
    text = "".join(parsed.text)
    for shown in (
        HOSTILE_NAME,
        "<script>alert('ocr')</script>",
        '"><img src=x onerror=alert(2)>',
        "<img src=x onerror=alert(4)>",
        "lateral view <b>",
        "javascript:alert(3)",
        "<i>bad</i>",
    ):
        assert shown in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.png" in page

    # disclaimer in the header and on every card
    assert text.count(MEDICAL_DISCLAIMER) == len(entries) + 1


def test_cards_sorted_by_urgency_then_time_and_counted(tmp_path: Path) -> None:
    ordered = worklist_order(worklist())
    names = [e.answer.image.name for e in ordered]
    # U4, then the two U3 oldest first, U1, then the abstention
    assert names == ["bus.jpg", "zidane.jpg", "CT_small.dcm", "coins.png", HOSTILE_NAME]
    page = render_report(worklist(), generated_at=T0)
    positions = [page.index(f'id="card-{i}"') for i in range(1, 6)]
    assert positions == sorted(positions)
    assert page.index("bus.jpg") < page.index("zidane.jpg") < page.index("CT_small.dcm")

    summary = page[page.index('<table class="summary">') : page.index("</table>")]
    assert table_rows(summary) == [
        ["Urgency", "Meaning", "Images"],
        ["U4", "critical / immediate", "1"],
        ["U3", "emergent", "2"],
        ["U2", "urgent (hours)", "0"],
        ["U1", "scheduled follow-up", "1"],
        ["abstained", "no urgency assigned: needs a person's read", "1"],
        ["U0", "none (and images without an urgency)", "0"],
        ["total", "", "5"],
    ]


def test_card_shows_rules_sources_paths_and_abstentions() -> None:
    page = render_report(worklist())
    assert "R:MED-FLEISCH-01" in page and "Fleischner Society 2017, Table 1" in page
    assert "CT at 6-12 months, then 18-24 months" in page
    assert "X1 → finding:nodule → rule:MED-FLEISCH-01 → U1 → source:Fleischner" in page
    assert "<h4>Abstentions</h4>" in page and "lateral view &lt;b&gt;refused&lt;/b&gt;" in page
    assert "MED-RETR-01" not in page  # retrieved, never evaluated: not a reason for the decision
    assert "Abstained:</b> lateral view &lt;b&gt;" in page


def test_the_summary_links_to_a_section_per_group() -> None:
    page = render_report(worklist(), generated_at=T0)
    parsed = parse(page)
    links = [a["href"] for t, a in parsed.tags if t == "a" and (a.get("href") or "").startswith("#group-")]
    assert links == ["#group-U4", "#group-U3", "#group-U1", "#group-abstained"]  # no link to an empty group
    sections = [a["id"] for t, a in parsed.tags if t == "section" and "group" in (a.get("class") or "")]
    assert sections == ["group-U4", "group-U3", "group-U1", "group-abstained"]
    # each card sits in its group's section, and every section links back to the summary
    for key, name in (("U3", "zidane.jpg"), ("abstained", HOSTILE_NAME)):
        start = page.index(f'id="group-{key}"')
        end = page.find('<section class="group"', start + 1)
        assert html_escape(name) in page[start : end if end > 0 else len(page)]
    assert page.count('href="#top"') == 4 and 'id="top"' in page


def html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_reasons_shared_by_many_rules_are_said_once() -> None:
    lung_rads = [
        RuleRef(id=f"MED-LUNGRADS-{i:02d}", title=f"Lung-RADS {i}", source="ACR Lung-RADS v2022", fired=False,
                why="missing facts: nodule.multiple", status="undetermined")
        for i in range(14)
    ]  # fmt: skip
    guard = RuleRef(id="MED-CXR-VIEW-01", title="Frontal view only", source="ACR", fired=False,
                    why="This view check is for radiographs", status="abstained")  # fmt: skip
    entry = ReportEntry(
        answer("ct.dcm", None, rules=[*lung_rads, guard]), None, abstention="insufficient evidence"
    )
    page = render_report([entry])
    assert page.count("missing facts: nodule.multiple") == 1
    assert "14 rules could not be evaluated" in page and "and 8 more" in page
    assert "R:MED-LUNGRADS-13" not in page  # listed as "and 8 more", not one line each
    assert "R:MED-CXR-VIEW-01</b> Frontal view only abstained: This view check is for radiographs" in page


def test_cards_are_compact_and_their_details_folded() -> None:
    small = thumbnail_jpeg(np.asarray(Image.open(CAMERA).convert("RGB")))
    entries = [ReportEntry(e.answer, small, e.decided_at, e.abstention) for e in worklist()] * 100
    page = render_report(entries, generated_at=T0)
    parsed = parse(page)
    assert len([a for t, a in parsed.tags if t == "article"]) == 500
    # three of the five answers have findings, rules or paths to fold away; none is unfolded
    details = [a for t, a in parsed.tags if t == "details"]
    assert len(details) == 300 and not any("open" in a for a in details)
    sizes = {decode_data_uri(a["src"] or "").size for t, a in parsed.tags if t == "img"}
    assert max(max(size) for size in sizes) <= THUMBNAIL_MAX_SIDE <= 160


def test_a_thumbnail_made_by_a_worker_is_embedded_as_it_is() -> None:
    pixels = np.asarray(Image.open(ZIDANE).convert("RGB"))
    made = thumbnail_jpeg(pixels)
    assert max(Image.open(io.BytesIO(made)).size) == THUMBNAIL_MAX_SIDE
    page = render_report([ReportEntry(answer("zidane.jpg", "U1"), made)])
    assert base64.b64encode(made).decode() in page  # not decoded and encoded again


def test_unreadable_image_is_a_note_on_its_card(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    page = render_report(
        [
            (answer("broken.png", "U2"), broken),
            (answer("gone.png", "U1"), tmp_path / "gone.png"),
            (answer("bus.jpg", "U1"), b""),
        ]
    )
    parsed = parse(page)
    assert len([a for t, a in parsed.tags if t == "article"]) == 3
    assert [t for t, _ in parsed.tags].count("img") == 0
    assert page.count('class="nothumb"') == 3 and "no such file" in page and "empty" in page


def test_bad_entries_and_targets(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"\(Answer, image bytes or path\) pairs, got str"):
        render_report(["bus.jpg"])  # type: ignore[list-item]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReportError, match="cannot write the report"):
        write_report([], blocker / "report.html")
    empty = write_report([], tmp_path / "empty.html")
    assert "No images in this worklist." in empty.read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_report_opens_in_headless_chromium_and_shows_every_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium); .ci/run installs it")
    entries = worklist()
    report = write_report(entries, tmp_path / "report.html")
    shot = tmp_path / "report.png"
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            "--window-size=1200,2000",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert shot.is_file(), f"chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-2000:]}"
    with capsys.disabled():
        print(f"\nreport screenshot: {shot}")
    screenshot = Image.open(shot).convert("RGB")
    assert screenshot.size == (1200, 2000)
    colours = screenshot.getcolors(maxcolors=1_000_000)
    assert colours is not None
    # the same page without its images draws about 2,000 colours (text anti-aliasing); with its five
    # small thumbnails, over 15,000
    assert len(colours) > 8_000, f"screenshot looks blank or shows no image: {len(colours)} colours"
