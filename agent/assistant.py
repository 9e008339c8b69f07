"""``Assistant``: a question and an image in, an explained answer out.

    from argus import Assistant
    answer = Assistant().ask("bus.jpg", "How many people are there?")
    print(answer.answer)          # "I count 4 people [D1][D2][D3][D4]."

A ``Conversation`` keeps one image's evidence and earlier turns, so follow-ups reuse cached
tool results and resolve "them" to what the last question was about.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argus.agent.core.answer import Answer, Caller, ImageInfo
from argus.agent.core.composer import build_answer
from argus.agent.core.executor import Executor
from argus.agent.core.facts import FactContext
from argus.agent.core.findings import load_findings
from argus.agent.core.ledger import Ledger
from argus.agent.core.loop import Limits, context_block, orchestrate
from argus.agent.core.policy import DomainPolicy
from argus.agent.core.toolbox import Toolbox
from argus.agent.domains.medical.policy import MedicalPolicy
from argus.agent.domains.security.policy import SecurityPolicy
from argus.agent.planner.parser import parse
from argus.agent.planner.turn import planner_turn
from argus.tools.errors import ArgusError
from argus.tools.image_io import LoadedImage, as_loaded
from argus.tools.runtime import Runtime, parse_weights
from argus.tools.zones import Zone, ZoneSet, bind_zones, load_zones

MAX_QUESTION_CHARS = 2000
# One policy per domain: what the domain adds to the engine (disclaimer, grounding, urgency, wording).
POLICIES: dict[str, DomainPolicy] = {
    policy.name: policy for policy in (DomainPolicy(), MedicalPolicy(), SecurityPolicy())
}


class Assistant:
    """Answers questions about images with cited evidence. Models load lazily, once per process.

    ``weights`` maps a backend to the user's own model (``{"yolo": "yolo11n.pt",
    "transformers-captioner": "Salesforce/blip-image-captioning-base"}``); ``ARGUS_WEIGHTS`` gives the
    same as ``yolo=a.pt,yolo-seg=b.pt``.
    """

    def __init__(
        self,
        *,
        llm: str | None = None,
        llm_url: str | None = None,
        llm_model: str | None = None,
        llm_api_key: str | None = None,
        device: str = "auto",
        weights: dict[str, str] | None = None,
        rules_dirs: Sequence[str | Path] | None = None,
        runtime: Runtime | None = None,
        limits: Limits | None = None,
        tool_timeout_s: float = 60.0,
        check_llm: bool = True,
    ) -> None:
        from argus.agent.llm import check_reachable, llm_spec_from

        self.runtime = (
            runtime
            or Runtime(
                device=device, weights={**parse_weights(os.environ.get("ARGUS_WEIGHTS")), **(weights or {})}
            )
        ).check()  # a device or weights that cannot be had is an error now, not a run on something else
        self.limits = limits or Limits()
        self.tool_timeout_s = tool_timeout_s
        self.rules_dirs = [Path(p) for p in rules_dirs or []]
        self.llm_spec = llm_spec_from(
            kind=llm, url=llm_url, model=llm_model, api_key=llm_api_key, device=device
        )
        if check_llm:
            check_reachable(self.llm_spec)
        self._kb: Any = None
        self._kb_lock = threading.Lock()
        self._chat_model: Any = None

    # ------------------------------------------------------------- resources
    def knowledge(self) -> Any:
        with self._kb_lock:
            if self._kb is None:
                from argus.knowledge import KnowledgeBase

                self._kb = KnowledgeBase.load(extra_dirs=self.rules_dirs or None)
            return self._kb

    def chat_model(self) -> Any:
        if self._chat_model is None:
            from argus.agent.llm import make_chat_model

            self._chat_model = make_chat_model(self.llm_spec, planner_factory=planner)
        return self._chat_model

    def llm_name(self) -> str:
        from argus.agent.llm import describe_backend

        return describe_backend(self.llm_spec)

    # ------------------------------------------------------------------- API
    def conversation(
        self,
        image: Any,
        *,
        domain: str | None = None,
        zones: str | Path | list[Zone] | ZoneSet | None = None,
        findings: str | Path | dict[str, Any] | None = None,
        time_of_day: str | None = None,
    ) -> Conversation:
        return Conversation(
            self, image, domain=domain, zones=zones, findings=findings, time_of_day=time_of_day
        )

    def ask(self, image: Any, question: str, *, annotate: str | Path | None = None, **options: Any) -> Answer:
        """Answer one question about one image. Options: domain, zones, findings, time_of_day."""
        return self.conversation(image, **options).ask(question, annotate=annotate)

    async def aask(self, image: Any, question: str, **options: Any) -> Answer:
        import asyncio

        return await asyncio.to_thread(self.ask, image, question, **options)

    def stream(self, image: Any, question: str, **options: Any) -> Iterator[dict[str, Any]]:
        """Yield step events (tool_started, tool_finished) as they happen, then {"type": "answer"}."""
        annotate = options.pop("annotate", None)
        conversation = self.conversation(image, **options)
        yield from conversation.stream(question, annotate=annotate)


@dataclass(frozen=True)
class Turn:
    """One question asked in a conversation: the user message a chat model saw, and the answer."""

    question: str
    user_text: str
    answer: str


def _messages(domain: str, toolbox: Toolbox, history: list[Turn], user_text: str) -> list[Any]:
    """A chat model's messages for this turn: the system prompt, the earlier turns, this question."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    from argus import prompts

    system = prompts.render(
        "system",
        tools=toolbox.card_text(),
        answer_format=prompts.load("answer_format"),
        domain_guidance=prompts.load(domain),
    )
    earlier: list[Any] = []
    for turn in history:
        earlier += [HumanMessage(content=turn.user_text), AIMessage(content=turn.answer)]
    return [SystemMessage(content=system), *earlier, HumanMessage(content=user_text)]


def planner() -> Any:
    from argus.agent.planner.model import PlannerChatModel

    return PlannerChatModel()


class Conversation:
    """One image and the turns asked about it."""

    def __init__(
        self,
        assistant: Assistant,
        image: Any,
        *,
        domain: str | None,
        zones: Any,
        findings: Any,
        time_of_day: str | None,
    ) -> None:
        self.assistant = assistant
        if domain not in (None, "general", "medical", "security"):
            raise ArgusError(f"domain must be general, medical or security, got {domain!r}")
        self.domain = domain
        self.time_hm = parse_time(time_of_day) if time_of_day else None
        self._zones_spec = zones
        self._findings = load_findings(findings) if findings is not None else {}
        self.history: list[Turn] = []
        self.sequence: dict[str, Any] | None = None
        self.unattended_radius = 0.15  # fraction of the image diagonal
        self.switch_image(image)

    def switch_image(self, image: Any) -> None:
        """Start over on another image: new evidence, no earlier turns; zones are re-checked against it."""
        self.image: LoadedImage = as_loaded(image, max_pixels=self.assistant.runtime.max_pixels)
        self.ledger = Ledger(self.image.sha256)
        self.history = []
        self.sequence = None
        self.zones = _bind(self._zones_spec, self.image)

    def add_sequence(
        self,
        frames: int,
        seconds: float,
        events: list[Any],
        facts: dict[str, tuple[Any, list[str]]],
        concepts: dict[str, list[str]],
    ) -> list[Any]:
        """Attach what tracking over ``frames`` frames found (the image is the last frame): event
        evidence enters the ledger with fresh V ids, and ``facts`` / ``concepts`` may name the given
        events' ids in order as ``@0``, ``@1`` ... which are replaced by those V ids."""
        made = self.ledger.add_items(f"sequence|{frames}|{seconds}", events)
        ids = [item.id for item in made]

        def resolve(refs: list[str]) -> list[str]:
            return [ids[int(r[1:])] if r.startswith("@") else r for r in refs]

        self.sequence = {
            "frames": frames,
            "seconds": round(seconds, 2),
            "events": [
                {"id": i.id, "label": i.label, "duration_s": getattr(i, "duration_s", None)} for i in made
            ],
            "facts": {k: (v, resolve(refs)) for k, (v, refs) in facts.items()},
            "concepts": {k: resolve(refs) for k, refs in concepts.items()},
        }
        return made

    # ------------------------------------------------------------------- ask
    def ask(self, question: str, *, annotate: str | Path | None = None, on_event: Any = None) -> Answer:
        from argus import prompts

        start = time.perf_counter()
        question = _check_question(question)
        zone_names = [z.name for z in self.zones.zones] if self.zones else None
        image_ctx = {**self.image.describe(), "zones": bool(self.zones)}
        parsed = parse(question, zone_names=zone_names, image=image_ctx, explicit_domain=self.domain)
        slots = parsed.slots
        domain = parsed.domain
        stated = {**self._findings, **{k: v for k, v in slots.stated.items() if k not in self._findings}}
        facts_ctx = FactContext(
            domain=domain,
            zones=self.zones,
            time_hm=self.time_hm or slots.time_hm,
            stated=stated,
            stated_origin={k: ("findings file" if k in self._findings else "question") for k in stated},
            requests={k: v for k, v in slots.requests.items() if v},
            asked_label=slots.asked_label,
            contexts=slots.contexts,
            metadata={**self.image.metadata, "width": self.image.width, "height": self.image.height},
            unattended_radius=self.unattended_radius,
            frames=self.sequence["frames"] if self.sequence else 1,
            sequence_facts=self.sequence["facts"] if self.sequence else {},
            sequence_concepts=self.sequence["concepts"] if self.sequence else {},
        )
        policy = POLICIES[domain]
        toolbox = Toolbox(
            runtime=self.assistant.runtime,
            image=self.image,
            ledger=self.ledger,
            facts_context=facts_ctx,
            knowledge=self.assistant.knowledge,
            timeout_s=self.assistant.tool_timeout_s,
            on_event=on_event,
            question=question,
            policy=policy,
            chat_model_name=self.assistant.llm_spec.kind,
        )
        context = {
            "domain": domain,
            "image": {k: v for k, v in image_ctx.items() if k != "zones"},
            "dicom_tags": {k: v for k, v in self.image.metadata.items() if k[:1].isupper()},
            "zones": [{"name": z.name, "attributes": z.attributes} for z in self.zones.zones]
            if self.zones
            else [],
            "findings": stated,
            "time": f"{facts_ctx.time_hm[0]:02d}:{facts_ctx.time_hm[1]:02d}" if facts_ctx.time_hm else None,
        }
        if self.sequence:
            context["sequence"] = {k: self.sequence[k] for k in ("frames", "seconds", "events")}
        user_text = prompts.render("user", question=question, context=context_block(context))
        refuse = bool(facts_ctx.requests)
        if refuse or self.assistant.llm_spec.kind == "planner":
            previous = self.history[-1].question if self.history else None
            loop = planner_turn(question, context, previous, toolbox)
            model = None
        else:
            model = self.assistant.chat_model()
            messages = _messages(domain, toolbox, self.history, user_text)
            loop = orchestrate(
                model, planner, messages, toolbox, self.assistant.limits, self.assistant.llm_spec.kind
            )

        def rewrite() -> str:
            """The built-in engine's answer to the same program, from the evidence already gathered."""
            result = Executor(toolbox, Caller.AGENT).run(parsed.program)
            toolbox.program_result = result
            return result.text

        answer = build_answer(
            rewrite=rewrite,
            question=question,
            domain=domain,
            image=ImageInfo(
                **{k: v for k, v in self.image.describe().items() if k in ImageInfo.model_fields}
            ),
            loop=loop,
            toolbox=toolbox,
            chat_model=None if loop.driver == "planner" else model,
            llm_name="built-in planner" if loop.driver == "planner" else self.assistant.llm_name(),
            refused=refuse,
            disclaimer=policy.disclaimer,
            started=start,
        )
        if annotate is not None:
            answer.annotated_image = _annotate(self, answer, annotate)
        self.history.append(Turn(question, user_text, answer.answer))
        if on_event is not None:
            on_event({"type": "answer", "answer": answer})
        return answer

    def stream(self, question: str, *, annotate: str | Path | None = None) -> Iterator[dict[str, Any]]:
        events: queue.Queue[dict[str, Any] | BaseException | None] = queue.Queue()

        def work() -> None:
            try:
                self.ask(question, annotate=annotate, on_event=events.put)
            except BaseException as exc:  # handed to the consumer, raised there
                events.put(exc)
            finally:
                events.put(None)

        threading.Thread(target=work, daemon=True, name="argus-stream").start()
        while (event := events.get()) is not None:
            if isinstance(event, BaseException):
                raise event
            yield event


def parse_time(text: str) -> tuple[int, int]:
    parts = text.strip().split(":")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        hour, minute = int(parts[0]), int(parts[1])
        if 0 <= hour < 24 and 0 <= minute < 60:
            return hour, minute
    raise ArgusError(f"time must be HH:MM (24-hour), got {text!r}")


def _check_question(question: Any) -> str:
    if not isinstance(question, str) or not question.strip():
        raise ArgusError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise ArgusError(f"the question is {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}")
    return " ".join(question.split())


def _bind(spec: Any, image: LoadedImage) -> ZoneSet | None:
    if spec is None:
        return None
    if isinstance(spec, ZoneSet):
        return bind_zones(spec.zones, image.width, image.height, spec.source)
    if isinstance(spec, str | Path):
        return bind_zones(load_zones(spec), image.width, image.height, Path(spec).name)
    return bind_zones(list(spec), image.width, image.height)


def _annotate(conversation: Conversation, answer: Answer, out: str | Path) -> str:
    from argus.tools import get_tool

    cited = [c.ref for c in answer.citations if c.resolved and not c.ref.startswith("R:")]
    items = [conversation.ledger.get(ref) for ref in cited]
    drawn = [i.model_dump() for i in items if i is not None and i.box is not None]
    zones = None
    if conversation.zones is not None:
        zones = [
            {"name": z.name, "polygon": conversation.zones.pixel_polygon(z), "attributes": z.attributes}
            for z in conversation.zones.zones
        ]
    result = get_tool("annotate", conversation.assistant.runtime)(
        conversation.image, items=drawn, out=str(out), zones=zones
    )
    return result.path
