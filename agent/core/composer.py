"""Assembling the Answer contract from a finished loop: evidence, rules, urgency, graph paths,
citations checked by the verifier (with one repair attempt for a chat model's answer), trace,
timings and which backends ran."""

from __future__ import annotations

import time
from typing import Any

from argus.agent.core.answer import Answer, Caller, ImageInfo, RuleRef, Timings, UrgencyInfo
from argus.agent.core.loop import LoopResult
from argus.agent.core.toolbox import RulesOutcome, Toolbox
from argus.agent.core.verifier import CITATION, Verdict, expand_groups, item_noun, verify
from argus.agent.domains.medical.decision import Decision, decide, decide_ungated, urgency_of
from argus.agent.domains.medical.modality import route_image

REPAIR_PROMPT = (
    "Your answer failed the citation check:\n{problems}\nRewrite the answer. Cite only evidence ids and rule ids "
    "that appear in the tool results above, make every stated count equal the number of items you cite for it, "
    "and do not call any tool."
)


def build_answer(
    *,
    question: str,
    domain: str,
    image: ImageInfo,
    loop: LoopResult,
    toolbox: Toolbox,
    chat_model: Any,
    llm_name: str,
    refused: bool,
    disclaimer: str | None,
    started: float,
    decision: Decision | None = None,
) -> Answer:
    """The Answer for a finished loop. ``decision``: a medical urgency or abstention already decided
    (triage decides before it composes its text); otherwise a medical one is decided here."""
    notes = list(loop.notes) + list(toolbox.notes)
    outcome = _grounding(toolbox, domain, refused)
    rule_refs, rule_ids = _rules(toolbox, outcome)
    labels = _nouns(toolbox)
    evidence = {i.id: i for i in toolbox.ledger.items()}
    text = loop.text.strip() or "The assistant produced no answer."
    verdict = verify(text, evidence, rule_ids, labels)
    llm_ms = loop.llm_ms
    if not verdict.ok and chat_model is not None:
        text, verdict, repair_ms = _repair(chat_model, loop, text, verdict, evidence, rule_ids, labels)
        llm_ms += repair_ms
        notes.append("the chat model's first answer failed the citation check and was rewritten")
    if not verdict.ok:
        notes.append("this answer failed the citation check: see unsupported_claims")
    used = _evidence_ids(toolbox, text)
    if decision is not None:
        urgency, abstention = decision.urgency, decision.abstention
    else:
        urgency, abstention = _urgency(toolbox, domain, outcome, refused)
    paths: list[list[str]] = []
    if outcome is not None and outcome.case_graph is not None:
        for fired in outcome.evaluation.fired:
            for path in outcome.case_graph.explain(fired.rule.id):
                if path not in paths:
                    paths.append(path)
    backends = {"llm": llm_name}
    for result in toolbox.ledger.results():
        backends[result.tool] = f"{result.backend} {result.backend_version}".strip()
    return Answer(
        question=question,
        answer=text,
        domain=domain,  # type: ignore[arg-type]
        image=image,
        urgency=urgency,
        abstention=abstention,
        evidence=[evidence[i].model_dump(exclude_none=True) for i in used],
        rules=rule_refs,
        graph_paths=paths,
        citations=verdict.citations,
        unsupported_claims=verdict.unsupported,
        verified=verdict.ok,
        notes=notes,
        trace=toolbox.trace,
        timings_ms=Timings(
            total=round((time.perf_counter() - started) * 1000, 2),
            tools=round(toolbox.timers.tools, 2),
            llm=round(llm_ms, 2),
            knowledge=round(toolbox.timers.knowledge, 2),
        ),
        backend=backends,
        disclaimer=disclaimer,
        refused=refused,
    )


def _grounding(toolbox: Toolbox, domain: str, refused: bool) -> RulesOutcome | None:
    """Medical and security answers always rest on the rule engine's verdict on every fact found;
    when the model did not ask for it after its last tool call, the agent asks itself. A security
    verdict also rests on the detector's full view of the scene, as the planner's always does: a
    model that skipped it, or asked for some labels only (obeying text in the image, say), would
    otherwise leave people in a zone unseen and the urgency unset. A refused request looks at nothing."""
    if domain not in ("medical", "security"):
        return toolbox.last_rules
    looked = any(s.tool == "detect_objects" and not s.args for s in toolbox.trace)
    if domain == "security" and not refused and not looked:
        toolbox.run("detect_objects", {}, Caller.AGENT)
    if toolbox.last_rules is None or len(toolbox.ledger.items()) > toolbox.evaluated_items:
        toolbox.run("evaluate_rules", {"domain": domain}, Caller.AGENT)
    return toolbox.last_rules


def _urgency(
    toolbox: Toolbox, domain: str, outcome: RulesOutcome | None, refused: bool
) -> tuple[UrgencyInfo | None, str | None]:
    """The answer's urgency. A medical one is decided as a triage is: only a rule on a real scale sets
    it, a failed quality gate withholds it, and no decision is an abstention with its reason; a
    question about the rules alone (no quality check ran) is not gated on the image."""
    if outcome is None or refused:
        return None, None
    if domain == "medical":
        route = route_image(toolbox.image)
        quality = toolbox.ledger.latest("assess_quality")
        if quality is not None:
            decision = decide(route, quality, outcome.evaluation)
        else:
            decision = decide_ungated(route, outcome.evaluation)
        return decision.urgency, decision.abstention
    top = outcome.evaluation.top
    return (urgency_of(top.rule) if top is not None else None), None


def _made(toolbox: Toolbox) -> set[str]:
    return {i.id for i in toolbox.ledger.items() if i.id[:1] in ("Z", "X", "V")}


def _rules(toolbox: Toolbox, outcome: RulesOutcome | None) -> tuple[list[RuleRef], set[str]]:
    refs: dict[str, RuleRef] = {}
    if outcome is not None:
        ev = outcome.evaluation
        for fired in ev.fired:
            refs[fired.rule.id] = _ref(fired.rule, True, fired.why, "fired")
        for abst in ev.abstained:
            refs.setdefault(abst.rule.id, _ref(abst.rule, False, abst.reason, "abstained"))
        for und in ev.undetermined:
            rule, missing = und.rule, und.missing
            refs.setdefault(
                rule.id, _ref(rule, False, f"missing facts: {', '.join(missing)}", "undetermined")
            )
    for hit in toolbox.search_hits:
        refs.setdefault(
            hit.rule.id, _ref(hit.rule, False, f"retrieved (similarity {hit.score:.2f})", "retrieved")
        )
    return list(refs.values()), set(refs)


def _ref(rule: Any, fired: bool, why: str, status: str) -> RuleRef:
    s = rule.source
    return RuleRef(
        id=rule.id,
        title=rule.title,
        version=rule.version,
        source=", ".join(x for x in (s.org, s.citation, s.section) if x),
        url=s.url or (f"https://doi.org/{s.doi}" if s.doi else None),
        fired=fired,
        why=why,
        status=status,  # type: ignore[arg-type]
        urgency=rule.urgency.level,
        action=rule.action,
    )


def _nouns(toolbox: Toolbox) -> set[str]:
    from argus.agent.planner.slots import SHAPES
    from argus.tools.coco import COCO_80

    nouns = set(COCO_80) | set(SHAPES.values()) | {"region"}
    nouns.update(item_noun(i) for i in toolbox.ledger.items() if i.id[:1] in ("D", "F", "M", "S", "Z"))
    return nouns


def _evidence_ids(toolbox: Toolbox, text: str) -> list[str]:
    ids: list[str] = []
    for step in toolbox.trace:
        ids.extend(i for i in step.evidence if i not in ids)
    ids.extend(i for i in sorted(_made(toolbox)) if i not in ids)
    for ref in CITATION.findall(expand_groups(text)):
        if not ref.startswith("R:") and ref not in ids and toolbox.ledger.get(ref) is not None:
            ids.append(ref)
    return ids


def _repair(
    chat_model: Any,
    loop: LoopResult,
    text: str,
    verdict: Verdict,
    evidence: dict[str, Any],
    rule_ids: set[str],
    labels: set[str],
) -> tuple[str, Verdict, float]:
    from langchain_core.messages import HumanMessage

    from argus.agent.errors import LLMUnavailableError

    problems = "\n".join(f"- {p}" for p in verdict.unsupported) or "- a citation does not resolve"
    start = time.perf_counter()
    try:
        reply = chat_model.invoke(
            [*loop.messages, HumanMessage(content=REPAIR_PROMPT.format(problems=problems))]
        )
    except LLMUnavailableError:
        return text, verdict, (time.perf_counter() - start) * 1000
    elapsed = (time.perf_counter() - start) * 1000
    rewritten = str(getattr(reply, "content", "") or "").strip()
    if not rewritten:
        return text, verdict, elapsed
    second = verify(rewritten, evidence, rule_ids, labels)
    return (
        (rewritten, second, elapsed)
        if second.ok or len(second.unsupported) < len(verdict.unsupported)
        else (
            text,
            verdict,
            elapsed,
        )
    )
