"""Medical triage of one image, through the same toolbox, ledger, rule engine and answer builder as
``argus ask``: the answer carries the same evidence ids, citations, graph paths, trace and disclaimer.

The steps run in a fixed order, never chosen by a chat model: route by modality and view (DICOM tags,
else a pixel guess), the quality gate, the chest X-ray classifier where the route and the gate allow
and the user has its weights, the findings given (a sidecar beside the image and the caller's), then
the rule engine and the decision (``argus.agent.domains.medical.decision``).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argus.agent.core.answer import MEDICAL_DISCLAIMER, Answer, Caller, ImageInfo
from argus.agent.core.composer import build_answer
from argus.agent.core.fact_words import fact_in_words, facts_in_words, value_in_words
from argus.agent.core.facts import FactContext
from argus.agent.core.findings import load_findings
from argus.agent.core.ledger import Ledger
from argus.agent.core.loop import LoopResult
from argus.agent.core.toolbox import Toolbox
from argus.agent.domains.medical.chest_findings import UNCERTAIN_FROM, describe_label
from argus.agent.domains.medical.decision import Decision, decide
from argus.agent.domains.medical.identity import TriageAssistant, findings_sha256, run_settings
from argus.agent.domains.medical.modality import Route, route_image
from argus.agent.domains.medical.policy import MedicalPolicy
from argus.agent.errors import FindingsError
from argus.tools.errors import ArgusError
from argus.tools.evidence import ImageLabel, StatedFinding
from argus.tools.image_io import LoadedImage, as_loaded

if TYPE_CHECKING:
    from argus.agent.assistant import Assistant
    from argus.agent.domains.medical.audit import AuditLog

TRIAGE_QUESTION = "Triage this medical image: urgency, rule and recommended action, or why none can be given."

DRIVER = "none: the triage pipeline runs its tools and the rule engine in a fixed order"
CLASSIFIER = "classify_chest_xray"
SIDECAR_SUFFIXES = (".findings.json", ".findings.yaml", ".findings.yml")

Findings = dict[str, str | int | float | bool]


def triage_image(
    assistant: Assistant,
    image: Any,
    *,
    findings: str | Path | dict[str, Any] | None = None,
    sidecar: bool = True,
    run_id: str | None = None,
    annotate_dir: str | Path | None = None,
    audit: AuditLog | None = None,
    findings_origin: str | None = None,
) -> Answer:
    """Triage one image (a path, bytes, a PIL image, an array or a ``LoadedImage``).

    Args:
        assistant: supplies the runtime (device, models, cache) and the knowledge base.
        findings: facts no tool can see (a mapping, or a YAML/JSON file), e.g. {"nodule": {"size_mm": 7}}.
        sidecar: also read ``<image>.findings.json|yaml`` beside an image given by path. The same fact
            with two different values in the sidecar and ``findings`` is an error, never a silent pick.
        run_id: the batch this decision belongs to in the audit log (a new id when omitted).
        annotate_dir: write the image with its drawable evidence to ``<dir>/<sha256[:16]>.png``.
        audit: record the decision there, as soon as it is made.
        findings_origin: where ``findings`` came from, for the evidence (default: its file name).

    Returns:
        The Answer: ``urgency`` with its rule, or ``urgency`` None and ``abstention`` with the reason.

    Raises:
        ArgusError: the image cannot be read, or the findings are invalid or contradict each other.
    """
    start = time.perf_counter()
    loaded = as_loaded(image, max_pixels=assistant.runtime.max_pixels)
    stated, origins = gather_findings(loaded.path, loaded.name, findings, sidecar, findings_origin)
    answer = decide_image(assistant, loaded, stated, origins, annotate_dir=annotate_dir, started=start)
    if audit is not None:
        audit.record(
            answer,
            path=loaded.path or loaded.name,
            run_id=run_id or new_run_id(),
            abstention=answer.abstention,
            identity=run_settings(assistant).identity(loaded.sha256, findings_sha256(stated)),
        )
    return answer


def decide_image(
    assistant: TriageAssistant,
    loaded: LoadedImage,
    stated: Findings,
    origins: dict[str, str],
    *,
    annotate_dir: str | Path | None = None,
    started: float | None = None,
) -> Answer:
    """The triage decision for a decoded image and the findings gathered for it (nothing recorded).

    Raises:
        ArgusError: the rule engine could not run (a broken rule pack).
    """
    start = time.perf_counter() if started is None else started
    route = route_image(loaded)
    toolbox = Toolbox(
        runtime=assistant.runtime,
        image=loaded,
        ledger=Ledger(loaded.sha256),
        facts_context=FactContext(
            domain="medical",
            stated=stated,
            stated_origin=origins,
            metadata={**loaded.metadata, "width": loaded.width, "height": loaded.height},
        ),
        knowledge=assistant.knowledge,
        timeout_s=assistant.tool_timeout_s,
        policy=MedicalPolicy(),
    )
    _, quality, step = toolbox.run("assess_quality", {}, Caller.TRIAGE)
    classifier = None
    if quality is not None and quality.ok and route.chest_xray_ready and CLASSIFIER in toolbox.names():
        _, classifier, _ = toolbox.run(CLASSIFIER, {}, Caller.TRIAGE)
    toolbox.run("evaluate_rules", {"domain": "medical"}, Caller.TRIAGE)
    outcome = toolbox.last_rules
    if outcome is None:  # the knowledge base failed to evaluate: a bug or a broken rule pack
        raise ArgusError(f"the rule engine did not run: {'; '.join(toolbox.notes) or 'no result'}")
    decision = decide(route, quality, outcome.evaluation, quality_error=step.error)
    text = compose(decision, route, quality, classifier, toolbox)
    answer = build_answer(
        question=TRIAGE_QUESTION,
        domain="medical",
        image=ImageInfo(**{k: v for k, v in loaded.describe().items() if k in ImageInfo.model_fields}),
        loop=LoopResult(text=text, messages=[], driver=Caller.TRIAGE.value),
        toolbox=toolbox,
        chat_model=None,
        llm_name=DRIVER,
        refused=False,
        disclaimer=MEDICAL_DISCLAIMER,
        started=start,
        decision=decision,
    )
    notes = [route.describe(), *answer.notes]
    if decision.withheld is not None:
        withheld = decision.withheld.rule
        notes.append(
            f"withheld by the failed quality gate: R:{withheld.id} would set {withheld.urgency.level} "
            f"({withheld.urgency.native}) from the findings given"
        )
    answer = answer.model_copy(update={"notes": notes})
    if annotate_dir is not None:
        answer.annotated_image = _annotate(loaded, toolbox, Path(annotate_dir), assistant)
    return answer


def new_run_id() -> str:
    """A run id that sorts by time: 'triage-20250301T080000-1a2b3c'."""
    return f"triage-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:6]}"


def gather_findings(
    path: str | Path | None,
    name: str,
    findings: str | Path | dict[str, Any] | None,
    sidecar: bool,
    origin: str | None = None,
) -> tuple[Findings, dict[str, str]]:
    """The findings for the image at ``path`` (called ``name`` in messages) and where each came from:
    its sidecar when ``sidecar``, then ``findings``; a fact given twice with different values is an error."""
    sources: list[tuple[str, Findings]] = []
    if sidecar and path:
        found = sidecar_path(Path(path))
        if found is not None:
            sources.append((f"sidecar {found.name}", load_findings(found)))
    if findings is not None:
        if origin is None:
            origin = (
                f"findings file {Path(findings).name}" if isinstance(findings, str | Path) else "findings"
            )
        sources.append((origin, load_findings(findings)))
    merged: Findings = {}
    origins: dict[str, str] = {}
    for where, values in sources:
        for fact, value in values.items():
            if fact in merged and merged[fact] != value:
                raise FindingsError(
                    f"{name}: {fact} is {merged[fact]!r} in the {origins[fact]} but {value!r} in the "
                    f"{where}; correct one of them"
                )
            merged[fact] = value
            origins.setdefault(fact, where)
    return merged, origins


def sidecar_path(image_path: Path) -> Path | None:
    """``scan.dcm.findings.json`` (full name) or ``scan.findings.json`` (stem) beside the image."""
    for base in (image_path.name, image_path.stem):
        for suffix in SIDECAR_SUFFIXES:
            candidate = image_path.with_name(base + suffix)
            if candidate.is_file():
                return candidate
    return None


def compose(decision: Decision, route: Route, quality: Any, classifier: Any, toolbox: Toolbox) -> str:
    """The answer text; every claim cites its rule or evidence, and the verifier checks each."""
    parts = []
    if decision.urgency is not None:
        rule = decision.rule
        basis = "".join(f"[{e}]" for e in decision.evidence)
        parts.append(
            f"Triage: {decision.urgency.level} ({decision.urgency.label}) suggested by [R:{rule.id}] {rule.title} "
            f"({rule.urgency.scale}: {rule.urgency.native}){', from ' + basis if basis else ''}."
        )
        parts.append(f"Recommended action: {rule.action}")
        if decision.also:
            also = "; ".join(
                f"[R:{f.rule.id}] {f.rule.title} ({f.rule.urgency.level})" for f in decision.also
            )
            parts.append(f"Also fired: {also}.")
    else:
        parts.append(
            "Triage: abstained, no urgency assigned; a person must read this image. "
            f"Reason: {facts_in_words(decision.abstention or 'none given')}."
        )
    parts.append(route.describe()[:1].upper() + route.describe()[1:] + ".")
    if quality is not None and quality.ok:
        checks = "".join(f"[{m.id}]" for m in quality.measurements if m.verdict == "ok")
        parts.append(f"The image passes the quality gate {checks}.")
    parts.extend(_classifier_sentences(route, quality, classifier, toolbox))
    stated = [i for i in toolbox.ledger.items() if isinstance(i, StatedFinding)]
    if stated:
        listed = "; ".join(f"{fact_in_words(i.fact)}: {value_in_words(i.value)} [{i.id}]" for i in stated)
        parts.append(f"Findings given: {listed}.")
    parts.append(
        "Flagged for review by a qualified clinician; any urgency here is a suggestion, not a notification."
    )
    return " ".join(parts)


def _classifier_sentences(route: Route, quality: Any, classifier: Any, toolbox: Toolbox) -> list[str]:
    if classifier is None:
        if route.chest_xray_ready and quality is not None and quality.ok:
            failed = next((s.error for s in toolbox.trace if s.tool == CLASSIFIER and s.error), None)
            if failed:
                return [
                    f"The chest X-ray classifier failed ({failed}), so only the findings given were used."
                ]
            return [
                "No chest X-ray classifier is configured here (torchxrayvision weights are the user's), so "
                "only the findings given were used."
            ]
        return []
    labels = [i for i in classifier.items() if isinstance(i, ImageLabel)]
    shown = [describe_label(i) for i in labels if (i.score or 0.0) >= UNCERTAIN_FROM]
    source = f"{classifier.backend} {classifier.backend_version}{'' if classifier.calibrated else ', uncalibrated'}"
    if shown:
        return [f"The chest X-ray classifier ({source}) reports: {'; '.join(shown)}."]
    cited = "".join(f"[{i.id}]" for i in labels[:3])
    return [
        f"The chest X-ray classifier ({source}) gives no label {UNCERTAIN_FROM:.2f} or more {cited}, which does "
        "not rule any finding out."
    ]


def _annotate(image: LoadedImage, toolbox: Toolbox, folder: Path, assistant: TriageAssistant) -> str:
    from argus.tools import get_tool

    drawable = [i.model_dump() for i in toolbox.ledger.items() if i.box is not None]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArgusError(f"cannot create the annotation folder {folder}: {exc.strerror}") from None
    out = folder / f"{image.sha256[:16]}.png"
    return get_tool("annotate", assistant.runtime)(image, items=drawable, out=str(out)).path
