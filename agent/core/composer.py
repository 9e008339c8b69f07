"""Assembling the Answer contract from a finished loop: evidence, rules, urgency, graph paths,
citations checked by the verifier (with one repair attempt for a chat model's answer), trace,
timings and which backends ran."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from argus.agent.core.answer import Answer, ImageInfo, RuleRef, Timings, UrgencyInfo
from argus.agent.core.consistency import contradictions, privacy_violations
from argus.agent.core.loop import LoopResult
from argus.agent.core.toolbox import RulesOutcome, Toolbox
from argus.agent.core.verifier import Verdict, item_noun, verify
from argus.tools.evidence import CITATION, expand_groups

if TYPE_CHECKING:
    from argus.agent.core.executor import ProgramResult

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
    decision: Any = None,
    rewrite: Callable[[], str] | None = None,
) -> Answer:
    """The Answer for a finished loop. ``decision``: an urgency or abstention already decided (triage
    decides before it composes its text); otherwise the domain's policy decides here. ``rewrite``: the
    built-in engine's answer, for a chat model's text that contradicts the decision or infers what no
    answer may about a person."""
    notes = list(loop.notes) + list(toolbox.notes)
    outcome = toolbox.policy.ground(toolbox, refused)
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
    if decision is not None:
        urgency, abstention = decision.urgency, decision.abstention
    else:
        urgency, abstention = toolbox.policy.decide(toolbox, outcome, refused)
    problems = _disagreements(text, domain, urgency, toolbox, chat_model is not None)
    if problems and chat_model is not None and rewrite is not None:
        text = rewrite().strip()
        # the rewrite may have looked again (new evidence, rules evaluated on it)
        outcome = toolbox.policy.ground(toolbox, refused)
        rule_refs, rule_ids = _rules(toolbox, outcome)
        evidence = {i.id: i for i in toolbox.ledger.items()}
        verdict = verify(text, evidence, rule_ids, _nouns(toolbox))
        notes.append("the chat model's answer was rewritten from the decision: " + "; ".join(problems))
        problems = _disagreements(text, domain, urgency, toolbox, False)
    if problems:
        verdict.unsupported.extend(problems)
    if not verdict.ok:
        notes.append("this answer failed the citation check: see unsupported_claims")
    used = _evidence_ids(toolbox, text)
    result = toolbox.program_result
    program = result.program if result is not None else None
    short_answer = _short_answer(text, result)
    paths: list[list[str]] = []
    if outcome is not None and outcome.case_graph is not None:
        for fired in outcome.evaluation.fired:
            for path in outcome.case_graph.explain(fired.rule.id):
                if path not in paths:
                    paths.append(path)
    backends = {"llm": llm_name}
    for tool_result in toolbox.ledger.results():
        backends[tool_result.tool] = f"{tool_result.backend} {tool_result.backend_version}".strip()
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
        short_answer=short_answer,
        program=program,
    )


def _disagreements(
    text: str, domain: str, urgency: UrgencyInfo | None, toolbox: Toolbox, chat_model: bool
) -> list[str]:
    """Where the text contradicts the decision, and (for a chat model's text) what it infers about a person."""
    verdict = toolbox.policy.verdict(toolbox)
    problems = contradictions(
        text,
        domain=domain,
        urgency=urgency.level if urgency is not None else None,
        threat_level=verdict[0] if verdict else None,
        alerts=verdict[1] if verdict else 0,
    )
    if chat_model:
        problems += privacy_violations(text)
    return problems


def _short_answer(text: str, result: ProgramResult | None) -> str | None:
    """The program's short answer, where the text still gives it: the executor's own text, or a chat
    model's that states it in its first sentence."""
    if result is None or result.short_answer is None:
        return None
    if text == result.text.strip():
        return result.short_answer
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].lower()
    return result.short_answer if re.search(rf"\b{re.escape(result.short_answer.lower())}\b", first) else None


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
    from argus.agent.core.lexicon import SHAPES
    from argus.tools.coco import COCO_80

    nouns = set(COCO_80) | set(SHAPES) | {"region"}
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
