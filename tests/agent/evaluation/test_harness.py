"""The evaluation harness: suite loading and its errors, the checks on answers, the report's aggregates,
``argus eval``, and the shipped suite run with the built-in planner against regression floors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from argus.agent.core.answer import Answer, Citation, RuleRef, UrgencyInfo
from argus.agent.errors import SuiteError
from argus.agent.evaluation import scenes
from argus.agent.evaluation.harness import Expect, check, load_suite, run_suite
from argus.agent.evaluation.report import CaseResult, summarise
from argus.cli import app
from tests.support import samples

SUITE = samples.SUITES / "suite.jsonl"
CATEGORIES = {
    "counting",
    "presence",
    "describe",
    "text",
    "colours_shapes",
    "falls",
    "quality",
    "segmentation",
    "medical_triage",
    "security_zones",
    "rule_lookup",
    "refusal",
    "unanswerable",
}
# Measured with the built-in planner on the shipped suite (78 cases): 75 right (96.2%), routing 100%;
# the three misses are the SSD detector's (a fourth person in bus.jpg, a spoon, a tie).
# The floors leave room for about two cases to change before they fail.
ACCURACY_FLOOR = 0.93
ROUTING_FLOOR = 0.97


def _line(**fields) -> str:
    case = {
        "id": "c1",
        "image": "sample:bus.jpg",
        "question": "How many people are there?",
        "category": "counting",
        "expect": {"number": 4},
        **fields,
    }
    return json.dumps(case)


def _suite(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "suite.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------- the suite


def test_the_shipped_suite_loads_and_covers_every_category():
    cases = load_suite(SUITE)
    assert len(cases) >= 60
    assert {c.case.category for c in cases} == CATEGORIES
    assert all(c.image_path.is_file() for c in cases)
    assert {c.image_path.suffix for c in cases} >= {".jpg", ".png", ".dcm"}
    assert sum(c.case.tools is not None for c in cases) >= 60


@pytest.mark.parametrize("name", sorted(scenes.SCENES))
def test_the_synthetic_scenes_are_what_their_generator_draws(name):
    committed = np.asarray(Image.open(SUITE.parent / name).convert("RGB"), dtype=np.int16)
    drawn = np.asarray(scenes.SCENES[name]().convert("RGB"), dtype=np.int16)
    assert committed.shape == drawn.shape
    assert np.abs(committed - drawn).mean() < 1.0  # room for another Pillow's rounding, not another picture


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "suite.jsonl:2: not valid JSON"),
        ("[1, 2]", "suite.jsonl:2: a case is a JSON object, got list"),
        (_line(expekt={"number": 1}), "suite.jsonl:2: unknown key 'expekt'"),
        (
            json.dumps({"id": "x", "image": "sample:bus.jpg", "question": "q", "expect": {"refused": True}}),
            "missing key 'category'",
        ),
        (_line(image="nowhere.png"), "image not found"),
        (_line(image="sample:../../etc/passwd"), "a sample is named by its file name alone"),
        (_line(image="sample:no_such_picture.png"), "no installed package ships a sample of that name"),
        (_line(image="dicom:no_such_file.dcm"), "pydicom ships no test file of that name"),
        (_line(zones="missing.yaml"), "zones file not found"),
        (_line(expect={}), "expect needs at least one of"),
        (_line(expect={"contains": ["x"], "tolerance": 1}), "tolerance and unit go with number"),
        (_line(expect={"urgency": "U9"}), "expect.urgency"),
        (_line(tools=["detect_everything"]), "unknown tool(s) ['detect_everything']"),
        (_line(domain="finance"), "domain"),
        (_line(id="first"), "id 'first' is already used on line 1"),
    ],
)
def test_a_bad_line_is_named_and_nothing_runs(tmp_path, line, message):
    path = _suite(tmp_path, _line(id="first"), line)
    with pytest.raises(SuiteError, match="nothing was run") as caught:
        load_suite(path)
    assert message in str(caught.value)


def test_every_bad_line_is_reported_at_once(tmp_path):
    path = _suite(tmp_path, _line(id="a"), "", "{", _line(id="b", image="gone.png"), _line(id="a"))
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    text = str(caught.value)
    assert text.startswith("3 bad line(s)")
    assert "suite.jsonl:3:" in text and "suite.jsonl:4:" in text and "suite.jsonl:5:" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such suite file"), ("\n\n", "the suite has no cases")],
)
def test_missing_or_empty_suites(tmp_path, content, message):
    path = tmp_path / "suite.jsonl"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SuiteError, match=message):
        load_suite(path)


def test_paths_resolve_against_the_suite_file(tmp_path):
    (tmp_path / "cases").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "cases" / "img.png")
    (tmp_path / "cases" / "zones.yaml").write_text("zones: []\n")
    path = tmp_path / "cases" / "suite.jsonl"
    path.write_text(_line(image="img.png", zones="zones.yaml", findings={"patient": {"age": 60}}) + "\n")
    (case,) = load_suite(path)
    assert (
        case.image_path == tmp_path / "cases" / "img.png"
        and case.zones_path == tmp_path / "cases" / "zones.yaml"
    )
    assert case.findings == {"patient": {"age": 60}} and case.line == 1


# ---------------------------------------------------------------------------------- the checks


def _answer(text: str, **fields) -> Answer:
    return Answer(question="q", answer=text, domain=fields.pop("domain", "general"), **fields)


def _rule(rule_id: str, fired: bool = True) -> RuleRef:
    return RuleRef(id=rule_id, title="t", source="s", fired=fired, why="w")


COUNTED = _answer(
    "I count 3 people [D1][D2][D3]. The bus covers 41.8% of the image.",
    evidence=[
        {"id": "D1", "label": "person"},
        {"id": "D2", "label": "person"},
        {"id": "D3", "label": "person"},
        {"id": "D4", "label": "bus"},
    ],
    citations=[Citation(ref=r, resolved=True) for r in ("D1", "D2", "D3")],
    rules=[_rule("SEC-ZONE-03"), _rule("SEC-EXIT-01", fired=False)],
    urgency=UrgencyInfo(level="U1", label="scheduled follow-up", native="alert", rule="SEC-ZONE-03"),
)


@pytest.mark.parametrize(
    ("expect", "failures"),
    [
        ({"number": 3}, []),
        ({"number": 4}, ["expected 4, the answer says 3"]),
        ({"number": 4, "tolerance": 1}, []),
        ({"number": 42, "tolerance": 0.5, "unit": "%"}, []),
        ({"number": 3, "unit": "buses"}, ["expected 3 buses; the answer states no such number"]),
        ({"exact": "i count 3 PEOPLE.  The bus covers 41.8% of the image."}, []),
        ({"exact": "I count 3 people."}, ["expected exactly 'I count 3 people.'"]),
        ({"labels": ["person"]}, []),
        ({"labels": ["person", "bus"]}, ["no cited evidence labelled bus (cited: person)"]),
        ({"rules": ["SEC-ZONE-03"], "urgency": "U1"}, []),
        ({"rules": ["SEC-EXIT-01"]}, ["rule(s) SEC-EXIT-01 did not fire (fired: SEC-ZONE-03)"]),
        ({"not_rules": ["SEC-EXIT-01"]}, []),
        ({"not_rules": ["SEC-ZONE-03"]}, ["rule(s) SEC-ZONE-03 fired and should not have"]),
        ({"urgency": None}, ["expected urgency none, got U1"]),
        ({"urgency": "U2"}, ["expected urgency U2, got U1"]),
        ({"contains": ["3 PEOPLE [d1]", "covers"]}, []),
        ({"contains": ["dog"]}, ["the answer does not contain 'dog'"]),
        ({"refused": True}, ["expected a refusal"]),
        ({"refused": False}, []),
    ],
)
def test_checks(expect, failures):
    assert check(Expect.model_validate(expect), COUNTED) == failures


def test_a_number_inside_a_citation_or_an_urgency_is_not_the_answer():
    answer = _answer("Highest urgency: U2 from [R:SEC-EXIT-01]; no person was detected [D12].")
    assert check(Expect(number=2), answer) == ["expected 2; the answer states no such number"]


def test_summary_rates():
    def result(i, **fields):
        return CaseResult(id=f"c{i}", category=fields.pop("category", "a"), line=i, **fields)

    results = [
        result(1, correct=True, routed=True, citations=4, resolved=4, latency_ms=10, backend="planner"),
        result(
            2,
            correct=False,
            routed=False,
            citations=2,
            resolved=1,
            unsupported=1,
            latency_ms=30,
            backend="planner",
        ),
        result(3, category="b", correct=True, citations=0, latency_ms=20, backend="openai"),
        result(4, category="b", correct=False, error="cannot read the image", backend="error"),
    ]
    report = summarise(results, "s.jsonl")
    assert report.cases == 4 and report.accuracy == 0.5 and report.errors == 1
    assert report.by_category["a"].accuracy == 0.5 and report.by_category["b"].correct == 1
    assert report.routing_cases == 2 and report.routing_accuracy == 0.5
    assert report.citations == 6 and report.citation_validity == round(5 / 6, 4)
    assert report.unsupported_claim_rate == round(1 / 3, 4)
    assert report.latency_p50_ms == 15.0
    assert set(report.by_backend) == {"planner", "openai", "error"}
    assert report.by_backend["planner"].routing_accuracy == 0.5
    assert report.by_backend["openai"].routing_accuracy is None


# ---------------------------------------------------------------------------------------- the CLI


def test_cli_bad_suite_is_one_line_and_exit_2(tmp_path):
    path = _suite(tmp_path, "{oops")
    result = CliRunner().invoke(app, ["eval", str(path)])
    assert result.exit_code == 2
    assert "suite.jsonl:1: not valid JSON" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_cli_tables_json_and_floor(tmp_path):
    path = _suite(
        tmp_path,
        _line(id="people", expect={"number": 4, "unit": "people"}, tools=["detect_objects"]),
        _line(id="bus", question="Is there a bus?", category="presence", expect={"contains": ["Yes"]}),
    )
    runner = CliRunner()
    table = runner.invoke(app, ["eval", str(path)])
    assert table.exit_code == 0, table.output
    for heading in ("Accuracy by category", "tool-routing accuracy", "citation validity", "Per backend"):
        assert heading in table.output
    raw = runner.invoke(app, ["eval", str(path), "--json"])
    report = json.loads(raw.stdout)
    assert report["cases"] == 2 and [r["id"] for r in report["results"]] == ["people", "bus"]
    assert report["by_backend"]["built-in planner"]["cases"] == 2
    floor = runner.invoke(app, ["eval", str(path), "--min-accuracy", "1.0"])
    assert floor.exit_code == (0 if report["accuracy"] == 1.0 else 1)


# ------------------------------------------------------------------------------- the shipped suite


@pytest.fixture(scope="module")
def report():
    from argus import Assistant

    return run_suite(load_suite(SUITE), Assistant(), suite=str(SUITE))


@pytest.mark.slow
def test_the_shipped_suite_holds_its_floors(report):
    wrong = {r.id: r.error or r.failures for r in report.results if not r.correct}
    assert report.errors == 0, wrong
    assert report.accuracy >= ACCURACY_FLOOR, wrong
    assert report.routing_accuracy is not None and report.routing_accuracy >= ROUTING_FLOOR
    assert report.citation_validity == 1.0
    assert report.unsupported_claim_rate == 0.0
    assert set(report.by_category) == CATEGORIES
    assert list(report.by_backend) == ["built-in planner"]


@pytest.mark.slow
def test_categories_the_planner_answers_fully_stay_full(report):
    """Each of these categories was answered without a miss when the floors were set."""
    for category in ("refusal", "unanswerable", "security_zones", "quality", "falls", "segmentation"):
        score = report.by_category[category]
        assert score.correct == score.cases, [
            (r.id, r.failures) for r in report.results if r.category == category and not r.correct
        ]


# ------------------------------------------------------------------------- question suites


class ProgramAnswer(Answer):
    """The answer contract with the two fields the question engine adds (today's Answer has neither)."""

    short_answer: str | None = None
    program: dict | None = None


def _asked(question: str, text: str, **fields) -> Answer:
    kind = ProgramAnswer if {"short_answer", "program"} & set(fields) else Answer
    return kind(question=question, answer=text, domain="general", **fields)


@pytest.mark.parametrize(
    ("expect", "answer", "failures"),
    [
        ({"short_answer": ["yes"]}, _asked("Is there a bus?", "Yes: 1 bus detected [D2]."), []),
        (
            {"short_answer": ["green"]},
            _asked("What colour is the triangle?", "Dominant colours: gray 49%, green 10% [K1]."),
            ["the first sentence does not answer green"],
        ),
        ({"short_answer": ["4"]}, _asked("How many?", "Whatever the prose says", short_answer="four"), []),
        (
            {"short_answer": ["4"]},
            _asked("How many?", "I count 4 people.", short_answer="3"),
            ["short answer '3', expected 4"],
        ),
        (
            {"short_answer": ["a", "b", "c", "d", "e"]},
            _asked("Which?", "f", short_answer="f"),
            ["short answer 'f', expected a / b / c / d / ..."],
        ),
        ({"mentions": [["cat", "kitty"], ["bus"]]}, _asked("Describe.", "A cat next to a bus [D1][D2]."), []),
        (
            {"mentions": [["cat", "kitty"], ["bus"]]},
            _asked("Describe.", "A cat [D1]."),
            ["the answer mentions none of bus"],
        ),
        ({"refused": True, "short_answer": ["no"]}, _asked("Who is he?", "No.", refused=True), []),
    ],
)
def test_short_answer_and_mention_checks(expect, answer, failures):
    assert check(Expect.model_validate(expect), answer) == failures


def _case_line(**fields) -> str:
    case = {
        "id": "q1",
        "image": "sample:bus.jpg",
        "question": "Is there a bus?",
        "category": "photo",
        "form": "exists",
        "op": "exists",
        "expect": {"short_answer": ["yes"]},
        **fields,
    }
    return json.dumps(case)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (_case_line(op="guess"), "op"),
        (_case_line(expect={"short_answer": []}), "expect.short_answer"),
        (_case_line(expect={"short_answer": [""]}), "expect.short_answer"),
        (_case_line(expect={"mentions": [[]]}), "expect.mentions"),
        (_case_line(form=""), "form"),
        (_case_line(tags="typo"), "tags"),
    ],
)
def test_bad_question_lines_are_named(tmp_path, line, message):
    with pytest.raises(SuiteError, match="nothing was run") as caught:
        load_suite(_suite(tmp_path, line))
    assert message in str(caught.value)


def test_question_keys_load(tmp_path):
    (case,) = load_suite(_suite(tmp_path, _case_line(limit="detector", template="exists/01", tags=["typo"])))
    assert (case.case.form, case.case.op, case.case.limit, case.case.tags) == (
        "exists",
        "exists",
        "detector",
        ["typo"],
    )


class _Scripted:
    """Stands in for the Assistant: answers each question from a table."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers

    def ask(self, image, question, **kwargs) -> Answer:
        return self.answers[question]


def test_question_measures_over_canned_answers(tmp_path):
    lines = [
        _case_line(id="yes-ok"),
        _case_line(
            id="count-ok",
            question="How many people?",
            form="count",
            op="count",
            expect={"short_answer": ["3"]},
        ),
        _case_line(
            id="count-limited",
            question="How many people really?",
            form="count",
            op="count",
            expect={"short_answer": ["4"]},
            limit="detector",
        ),
        _case_line(
            id="colour-wrong",
            question="What colour is the bus?",
            form="attribute",
            op="attribute",
            expect={"short_answer": ["blue"]},
        ),
        _case_line(
            id="no-op", question="Describe.", form="describe", op=None, expect={"mentions": [["bus"]]}
        ),
    ]
    answers = {
        "Is there a bus?": _asked(
            "Is there a bus?", "Yes: a bus [D1].", short_answer="yes", program={"op": "exists"}
        ),
        "How many people?": _asked(
            "How many people?", "3 people [D1][D2][D3].", short_answer="3", program={"op": "exists"}
        ),
        "How many people really?": _asked(
            "How many people really?", "I count 3 people.", program={"op": "count"}
        ),
        "What colour is the bus?": _asked(
            "What colour is the bus?", "Dominant colours: gray 49% (backend: composed)."
        ),
        "Describe.": _asked("Describe.", "A bus, detect_objects v0.4.4."),
    }
    report = run_suite(load_suite(_suite(tmp_path, *lines)), _Scripted(answers))  # type: ignore[arg-type]
    by_id = {r.id: r for r in report.results}
    assert [r.id for r in report.results if r.correct] == ["yes-ok", "count-ok", "no-op"]
    assert report.by_form["count"].correct == 1 and report.by_op["count"].cases == 2
    assert report.short_answer_cases == 4 and report.short_answers_given == 2
    assert report.short_answer_exact == 0.5
    assert report.program_cases == 3 and report.program_routing == round(2 / 3, 4)
    assert by_id["count-ok"].op_routed is False and by_id["count-ok"].program_op == "exists"
    assert by_id["colour-wrong"].judged_by == "prose" and by_id["yes-ok"].judged_by == "short_answer"
    assert report.yes_no_cases == 1 and report.yes_no_format == 1.0
    assert report.number_cases == 2 and report.number_first == 0.5
    assert report.prose_issues == 2
    assert report.prose_issue_kinds == {"backend tag": 1, "internal field name": 1, "library version": 1}
    assert report.limited_misses == {"detector": 1}
    assert report.accuracy_unlimited == 0.75


def test_answers_without_the_new_fields_are_scored_from_their_prose(tmp_path):
    answers = {"Is there a bus?": _asked("Is there a bus?", "Yes: 1 bus detected [D2].")}
    report = run_suite(load_suite(_suite(tmp_path, _case_line())), _Scripted(answers))  # type: ignore[arg-type]
    (result,) = report.results
    assert result.correct and result.short_answer is None and result.short_answer_match is False
    assert result.program_op is None and result.op_routed is None and report.program_routing is None


def test_cli_prints_question_measures_at_80_columns(tmp_path, monkeypatch):
    from argus.agent.commands import eval as eval_command

    results = [
        CaseResult(id="a", category="photo", line=1, correct=True, form="exists", op="exists", short_answer_match=False,
                   yes_no_format=True, answer="Yes.", question="Is there a bus?"),
        CaseResult(id="b", category="photo", line=2, correct=False, form="count", op="count", short_answer_match=False,
                   number_first=False, answer="I count 3 people.", question="How many?", limit="detector",
                   failures=["the first sentence does not answer 4"], lint=["library version: 0.4.4"]),
    ]  # fmt: skip
    report = summarise(results, "/some/where/suite.jsonl")
    from rich.console import Console

    monkeypatch.setattr(eval_command, "console", Console(width=80, record=True))
    eval_command._print(report, misses=5)
    text = eval_command.console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    for heading in ("Accuracy by form", "Accuracy by expected op", "short-answer exact match",
                    "yes/no answers led by Yes/No", "misses a tool cannot avoid", "Prose issues", "Wrong answers"):  # fmt: skip
        assert heading in text, heading
    assert "the first sentence does not answer 4" in text and "library version: 0.4.4" in text


def test_cli_sample_and_bad_option(tmp_path):
    path = _suite(tmp_path, _line(id="a"), _line(id="b"))
    result = CliRunner().invoke(app, ["eval", str(path), "--sample", "0"])
    assert result.exit_code == 2 and "Traceback" not in result.output
