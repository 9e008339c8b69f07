"""The web app's pages, built with Gradio Blocks: Ask, Triage and Security.

Every handler hands its work to the service's worker pool (the same queue, limits and deadline as
``/v1``) and turns a user error into a message on the page, never a traceback. One browser session
keeps one ``Conversation``, so follow-up questions reuse what earlier turns found; choosing another
image or other options starts a new one.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import numpy as np

from argus.agent.service.jobs import ImageSource, public_answer
from argus.agent.service.web import views
from argus.agent.service.web.samples import SAMPLES, TRIAGE_SAMPLES, available
from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    from argus.agent.core.answer import Answer
    from argus.agent.service.deps import Service
    from argus.tools.image_io import LoadedImage

IMAGE_TYPES = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".dcm"]
VIDEO_TYPES = [".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v"]
DATA_TYPES = [".yaml", ".yml", ".json"]
ZONE_ATTRIBUTES = ["restricted", "exit_route", "ppe_required", "private", "public", "walkway", "roadway"]
CSS = """
.argus-answer h3 { margin-top: 0.2em; }
footer { display: none !important; }
"""


class WebApp:
    """The handlers, bound to one service."""

    def __init__(self, service: Service) -> None:
        self.service = service

    # ------------------------------------------------------------------ shared
    def run(self, fn: Any, *args: Any) -> Any:
        """Run ``fn`` in the service's worker pool; a user error becomes a message on the page."""
        import concurrent.futures

        try:
            future = self.service.workers.submit(fn, *args)
            return future.result(timeout=self.service.settings.deadline_s)
        except concurrent.futures.TimeoutError:
            raise gr.Error(
                f"no answer within {self.service.settings.deadline_s:g} s (the server's deadline)"
            ) from None
        except ArgusError as exc:
            raise gr.Error(str(exc)) from None

    def load(self, path: str | None) -> LoadedImage:
        if not path:
            raise gr.Error("choose an image first: drop a file or pick one of the examples")
        data = Path(path).read_bytes()
        try:
            return self.service.store.load(data, Path(path).name)
        except ArgusError as exc:
            raise gr.Error(str(exc)) from None

    # --------------------------------------------------------------------- ask
    def preview(self, path: str | None) -> tuple[Any, list[Any], dict[str, Any]]:
        """A new image: show it, clear the chat and forget the conversation."""
        if not path:
            return None, [], {}
        image = self.load(path)
        return (image.rgb, []), [], {}

    def ask(
        self,
        path: str | None,
        question: str,
        domain: str,
        zones_file: str | None,
        findings_file: str | None,
        time: str,
        history: list[dict[str, Any]],
        session: dict[str, Any],
    ) -> tuple[Any, ...]:
        if not question or not question.strip():
            raise gr.Error("type a question about the image")
        image = self.load(path)
        domain, time = domain or "auto", (time or "").strip()  # fields in a closed accordion may be unset
        options = (image.sha256, domain, zones_file, findings_file, time)
        if session.get("options") != options:
            try:
                conversation = self.service.assistant.conversation(
                    image,
                    domain=None if domain == "auto" else domain,
                    zones=zones_file or None,
                    findings=findings_file or None,
                    time_of_day=time or None,
                )
            except ArgusError as exc:
                raise gr.Error(str(exc)) from None
            session = {"options": options, "conversation": conversation}
            history = []
        answer: Answer = self.run(session["conversation"].ask, question)
        history = [
            *history,
            {"role": "user", "content": question},
            {"role": "assistant", "content": views.chat_reply(answer)},
        ]
        annotated = (
            image.rgb,
            views.image_annotations(answer) + self.zone_masks(session["conversation"], image),
        )
        return (
            history,
            session,
            "",
            views.answer_markdown(answer),
            annotated,
            gr.update(value=views.rule_rows(answer), visible=bool(answer.rules)),
            views.program_text(answer),
            views.trace_rows(answer),
            views.timings_markdown(answer),
            public_answer(answer),
        )

    @staticmethod
    def zone_masks(conversation: Any, image: LoadedImage) -> list[tuple[Any, str]]:
        from PIL import Image, ImageDraw

        if conversation.zones is None:
            return []
        out = []
        for zone in conversation.zones.zones:
            canvas = Image.new("L", (image.width, image.height), 0)
            ImageDraw.Draw(canvas).polygon(conversation.zones.pixel_polygon(zone), fill=255)
            out.append((np.asarray(canvas, dtype=np.float32) / 255.0, f"zone {zone.name}"))
        return out

    # ------------------------------------------------------------------ triage
    def triage(self, paths: list[str] | None, findings_file: str | None) -> tuple[Any, ...]:
        from argus.agent.core.findings import read_mapping
        from argus.agent.domains.medical.pipeline import new_run_id
        from argus.agent.service.triage import parse_triage_findings, triage_job

        paths = paths or []
        limit = self.service.settings.max_triage_images
        if not paths:
            raise gr.Error("add one or more medical images (DICOM, PNG, JPEG) to triage")
        if len(paths) > limit:
            raise gr.Error(f"{len(paths)} images; this server triages at most {limit} at once")
        sources = [ImageSource(data=Path(p).read_bytes(), filename=Path(p).name) for p in paths]
        try:
            findings = json.dumps(read_mapping(Path(findings_file))) if findings_file else None
            plan = parse_triage_findings(findings, [Path(p).name for p in paths], [])
        except ArgusError as exc:
            raise gr.Error(str(exc)) from None
        run_id = new_run_id()
        answers: list[Answer] = self.run(
            triage_job, self.service.assistant, self.service.store, sources, plan, True, run_id
        )
        worklist, report = self.triage_files(answers, run_id)
        return views.worklist_markdown(answers), views.worklist_rows(answers), [str(worklist), str(report)]

    def triage_files(self, answers: list[Answer], run_id: str) -> tuple[Path, Path]:
        """worklist.jsonl (the answers, without server paths) and report.html, for download."""
        from argus.agent.domains.medical.report import ReportEntry, write_report

        folder = Path(tempfile.mkdtemp(prefix=f"argus-triage-{run_id}-"))
        entries = []
        lines = []
        for answer in answers:
            png = views.data_uri_bytes(answer.annotated_image)
            answer.annotated_image = None
            if png is None and answer.image is not None:
                png = views.png_bytes(self.service.store.get(answer.image.sha256))
            entries.append(ReportEntry(answer=answer, image=png or b"", abstention=answer.abstention))
            lines.append(json.dumps(public_answer(answer), ensure_ascii=False))
        worklist = folder / "worklist.jsonl"
        worklist.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return worklist, write_report(entries, folder / "report.html")

    # ---------------------------------------------------------------- security
    def assess(self, path: str | None, zones_text: str, time: str) -> tuple[Any, ...]:
        from argus.agent.domains.security.assessment import VIDEO_SUFFIXES
        from argus.agent.service.security import assess_image, assess_video

        if not path:
            raise gr.Error("choose an image or a short video first")
        zones = self.parse_zones(zones_text)
        when = (time or "").strip() or None
        if Path(path).suffix.lower() in VIDEO_SUFFIXES:
            answer, png = self.run(assess_video, self.service.assistant, Path(path), zones, when)
        else:
            answer, png = self.run(assess_image, self.service.assistant, self.load(path), zones, when)
        from io import BytesIO

        from PIL import Image

        return views.security_markdown(answer), views.alert_rows(answer), Image.open(BytesIO(png))

    @staticmethod
    def parse_zones(text: str) -> list[Any]:
        import yaml

        from argus.tools.zones import parse_zones

        if not text or not text.strip():
            raise gr.Error("give zones: upload a zones file, paste them, or draw one on the image")
        try:
            data = yaml.safe_load(text)  # JSON is YAML too
            return parse_zones(data, "zones")
        except yaml.YAMLError as exc:
            raise gr.Error(f"zones: not valid JSON or YAML: {getattr(exc, 'problem', None) or exc}") from None
        except ArgusError as exc:
            raise gr.Error(str(exc)) from None

    def zones_from_file(self, path: str | None) -> str:
        from argus.tools.zones import load_zones

        if not path:
            return ""
        try:
            zones = load_zones(path)
        except ArgusError as exc:
            raise gr.Error(str(exc)) from None
        return zones_json([z.model_dump(mode="json", exclude_none=True) for z in zones])

    def frame(self, path: str | None) -> tuple[Any, list[Any]]:
        """The image to draw zones on (a video's first frame), and no points yet."""
        if not path:
            return None, []
        from argus.agent.domains.security.assessment import VIDEO_SUFFIXES

        if Path(path).suffix.lower() in VIDEO_SUFFIXES:
            import cv2

            capture = cv2.VideoCapture(path)
            ok, bgr = capture.read()
            capture.release()
            if not ok:
                raise gr.Error(f"{Path(path).name}: no frame can be read from this video")
            return bgr[:, :, ::-1].copy(), []
        return self.load(path).rgb, []

    @staticmethod
    def add_point(base: Any, points: list[list[int]], evt: gr.SelectData) -> tuple[Any, list[list[int]]]:
        points = [*points, [int(evt.index[0]), int(evt.index[1])]]
        return draw_points(base, points), points

    @staticmethod
    def add_zone(
        zones_text: str, name: str, attributes: list[str], points: list[list[int]], base: Any
    ) -> tuple[str, Any, list[Any]]:
        if len(points) < 3:
            raise gr.Error("click at least three corners on the image to outline a zone")
        data: dict[str, Any] = {"zones": []}
        if zones_text and zones_text.strip():
            data = WebApp.loaded(zones_text)
        name = name.strip() or f"zone {len(data['zones']) + 1}"
        data["zones"].append({"name": name, "polygon": points, "normalized": False, "attributes": attributes})
        outlines = [
            z["polygon"]
            for z in data["zones"]
            if not z.get("normalized") and isinstance(z.get("polygon"), list)
        ]
        return zones_json(data["zones"]), draw_points(base, [], outlines), []

    @staticmethod
    def loaded(text: str) -> dict[str, Any]:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            raise gr.Error("the zones text is not valid JSON or YAML; fix it or clear it first") from None
        if isinstance(data, list):
            data = {"zones": data}
        if not isinstance(data, dict) or not isinstance(data.get("zones"), list):
            raise gr.Error('the zones text must be {"zones": [...]}')
        return data


def draw_points(base: Any, points: list[list[int]], zones: list[list[Any]] | None = None) -> Any:
    """The frame with the zones added so far, the corners clicked and the outline joining them."""
    from PIL import Image, ImageDraw

    if base is None:
        return None
    canvas = Image.fromarray(np.asarray(base)).convert("RGB")
    pen = ImageDraw.Draw(canvas)
    radius = max(3, min(canvas.size) // 150)
    for polygon in zones or []:
        pen.line([tuple(p) for p in [*polygon, polygon[0]]], fill=(0, 200, 255), width=radius)
    if len(points) > 1:
        pen.line([tuple(p) for p in [*points, points[0]]], fill=(255, 200, 0), width=radius)
    for x, y in points:
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(255, 80, 0))
    return canvas


def zones_json(zones: list[dict[str, Any]]) -> str:
    """A zones file as JSON, one zone per line so a polygon reads as one list."""
    body = ",\n".join("    " + json.dumps(zone, ensure_ascii=False) for zone in zones)
    return '{\n  "zones": [\n' + body + "\n  ]\n}"


def build_blocks(service: Service) -> gr.Blocks:
    """The three pages; their handlers run on ``service``."""
    web = WebApp(service)
    with gr.Blocks(title="Argus", analytics_enabled=False) as blocks:
        gr.Markdown(
            "# Argus\nAsk questions about images; every answer cites its evidence ([D1] a detection, "
            "[M1] a mask, [T1] a text line) and the rules it applied, with their sources."
        )
        with gr.Tab("Ask", id="ask"):
            ask_tab(web)
        with gr.Tab("Triage", id="triage"):
            triage_tab(web)
        with gr.Tab("Security", id="security"):
            security_tab(web)
    return blocks


def ask_tab(web: WebApp) -> None:
    session = gr.State({}, time_to_live=3600)
    with gr.Row():
        with gr.Column(scale=2):
            image = gr.File(
                label="Image (JPEG, PNG, WebP, TIFF, GIF or DICOM)",
                file_types=IMAGE_TYPES,
                elem_id="ask-image",
            )
            with gr.Accordion("Options", open=False):
                domain = gr.Dropdown(["auto", "general", "medical", "security"], value="auto", label="Domain")
                zones = gr.File(label="Zones file (security)", file_types=DATA_TYPES)
                findings = gr.File(label="Findings file (medical)", file_types=DATA_TYPES)
                time = gr.Textbox(label="Time of day (HH:MM)", max_lines=1)
        with gr.Column(scale=3):
            chat = gr.Chatbot(label="Conversation", height=300, elem_id="ask-chat")
            with gr.Row():
                question = gr.Textbox(
                    label="Question",
                    placeholder="How many people are in this image?",
                    scale=4,
                    elem_id="ask-question",
                )
                send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask-send")
    samples = available(SAMPLES)
    gr.Examples(
        examples=[[str(path), q] for path, q in samples],
        inputs=[image, question],
        example_labels=[path.name for path, _ in samples],
        label="Sample images (a click fills in the image and a question)",
    )
    with gr.Row():
        with gr.Column(scale=2):
            answer = gr.Markdown(elem_classes="argus-answer", elem_id="ask-answer")
            timings = gr.Markdown(elem_id="ask-timings")
        with gr.Column(scale=3):
            annotated = gr.AnnotatedImage(
                label="Cited evidence (choose a label to highlight it)", height=520, elem_id="ask-annotated"
            )
    rules = gr.Dataframe(
        headers=views.RULE_COLUMNS,
        column_widths=["14%", "9%", "7%", "22%", "24%", "24%"],
        label="Rules and their sources",
        wrap=True,
        interactive=False,
        visible=False,
        elem_id="ask-rules",
    )
    with gr.Accordion("Program and trace", open=False):
        program = gr.Textbox(label="Program", interactive=False)
        trace = gr.Dataframe(headers=views.TRACE_COLUMNS, label="Trace", wrap=True, interactive=False)
    with gr.Accordion("Answer contract (JSON)", open=False):
        contract = gr.JSON()
    image.change(web.preview, inputs=image, outputs=[annotated, chat, session])
    outputs = [chat, session, question, answer, annotated, rules, program, trace, timings, contract]
    inputs = [image, question, domain, zones, findings, time, chat, session]
    send.click(web.ask, inputs=inputs, outputs=outputs)
    question.submit(web.ask, inputs=inputs, outputs=outputs)


def triage_tab(web: WebApp) -> None:
    gr.Markdown(
        "Triage medical images: each gets an urgency U0-U4 with the rule and source that set it, or an "
        "abstention with its reason. **For review by a qualified clinician; not a medical device.** "
        "Nothing is written to the audit log from here (use `argus triage` for audited batches)."
    )
    with gr.Row():
        files = gr.File(
            label="Images (DICOM, PNG, JPEG)",
            file_count="multiple",
            file_types=IMAGE_TYPES,
            elem_id="triage-files",
        )
        findings = gr.File(
            label="Findings file (optional): one for every image, or by file name",
            file_types=DATA_TYPES,
            elem_id="triage-findings",
        )
    samples = available(TRIAGE_SAMPLES)
    if samples:
        gr.Examples(
            examples=[[[str(p) for p, _ in samples]]], inputs=[files], example_labels=["pydicom's test scans"]
        )
    run = gr.Button("Triage", variant="primary", elem_id="triage-run")
    summary = gr.Markdown(elem_id="triage-summary")
    worklist = gr.Dataframe(
        headers=views.WORKLIST_COLUMNS,
        column_widths=["5%", "16%", "17%", "17%", "9%", "36%"],
        label="Worklist, most urgent first",
        wrap=True,
        interactive=False,
        elem_id="triage-worklist",
    )
    downloads = gr.File(
        label="worklist.jsonl and report.html",
        file_count="multiple",
        interactive=False,
        elem_id="triage-downloads",
    )
    run.click(web.triage, inputs=[files, findings], outputs=[summary, worklist, downloads])


def security_tab(web: WebApp) -> None:
    points = gr.State([])
    base = gr.State(None)
    with gr.Row():
        with gr.Column():
            source = gr.File(
                label="Image or short video", file_types=IMAGE_TYPES + VIDEO_TYPES, elem_id="security-source"
            )
            canvas = gr.Image(
                label="Click corners to outline a zone", interactive=False, elem_id="security-canvas"
            )
            with gr.Row():
                name = gr.Textbox(label="Zone name", max_lines=1, scale=2, elem_id="security-zone-name")
                attributes = gr.CheckboxGroup(
                    ZONE_ATTRIBUTES, value=["restricted"], label="Attributes", scale=3
                )
            with gr.Row():
                add = gr.Button("Add zone", elem_id="security-add")
                clear = gr.Button("Clear corners")
        with gr.Column():
            zones_file = gr.File(label="Zones file (YAML or JSON)", file_types=DATA_TYPES)
            zones = gr.Code(label="Zones", language="json", elem_id="security-zones")
            time = gr.Textbox(label="Time of day (HH:MM)", max_lines=1)
            run = gr.Button("Assess", variant="primary", elem_id="security-run")
    summary = gr.Markdown(elem_id="security-summary")
    alerts = gr.Dataframe(
        headers=views.ALERT_COLUMNS,
        column_widths=["8%", "14%", "26%", "26%", "26%"],
        label="Alerts",
        wrap=True,
        interactive=False,
    )
    frame = gr.Image(label="Annotated frame", interactive=False, height=560, elem_id="security-frame")
    source.change(web.frame, inputs=source, outputs=[base, points]).then(
        lambda b: b, inputs=base, outputs=canvas
    )
    canvas.select(web.add_point, inputs=[base, points], outputs=[canvas, points])
    clear.click(lambda b: (b, []), inputs=base, outputs=[canvas, points])
    add.click(web.add_zone, inputs=[zones, name, attributes, points, base], outputs=[zones, canvas, points])
    zones_file.change(web.zones_from_file, inputs=zones_file, outputs=zones)
    run.click(web.assess, inputs=[source, zones, time], outputs=[summary, alerts, frame])
