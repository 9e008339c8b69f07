"""Faults: a tool that raises, a tool that hangs past its timeout, an LLM server that errs, sends garbage,
hangs up, stalls or is gone, a corrupt FAISS index on disk, a locked audit log. Each gives a degraded
but honest answer or one clear error, never a traceback, and the next question is answered as usual,
in process and through the HTTP service."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from argus import Assistant
from argus.agent.core.answer import Answer
from argus.cli import app
from argus.tools.ssd import SsdMobileNetBackend
from tests.support import samples
from tests.support.fake_openai_server import call, garbage, hang_up, http_error, text, tool_calls
from tests.support.server_helpers import app_client, assert_no_leak, unique_png

pytestmark = pytest.mark.slow

PEOPLE = "How many people are in this image?"
LOOKUP = "What does Fleischner say about a 7 mm solid nodule in a 60-year-old patient?"


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


def _broken_detector(monkeypatch, error: Exception) -> None:
    def detect(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(SsdMobileNetBackend, "detect", detect)


def _stalled_detector(monkeypatch, seconds: float) -> None:
    real = SsdMobileNetBackend.detect

    def detect(self, *args, **kwargs):
        time.sleep(seconds)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SsdMobileNetBackend, "detect", detect)


def _detector_step(answer: Answer) -> Any:
    return next(s for s in answer.trace if s.tool == "detect_objects")


def _assert_honest(answer: Answer) -> None:
    assert all(c.resolved for c in answer.citations) and answer.unsupported_claims == []
    shown = json.dumps([answer.answer, answer.notes, [s.error for s in answer.trace]])
    assert "Traceback" not in shown and 'File "' not in shown


# ------------------------------------------------------------------------------------------- tools


def test_a_tool_that_raises_is_a_note_and_the_next_question_is_answered(assistant, monkeypatch):
    image = unique_png(samples.BUS, seed=101)
    _broken_detector(monkeypatch, RuntimeError("device lost"))
    broken = assistant.ask(image, PEOPLE)
    step = _detector_step(broken)
    assert [s.tool for s in broken.trace] == ["run_program", "detect_objects"]
    assert step.tool == "detect_objects" and step.error == "detect_objects raised RuntimeError: device lost"
    assert any(n.startswith("detect_objects failed") for n in broken.notes)
    assert "The object detector failed, so this answer lacks its evidence." in broken.answer
    assert broken.short_answer is None and "3 people" not in broken.answer  # no count is made up
    _assert_honest(broken)
    monkeypatch.undo()
    fixed = assistant.ask(image, PEOPLE)  # the failure was not cached
    assert fixed.answer.startswith("3 people") and not _detector_step(fixed).error


def test_a_failing_tool_in_a_security_answer_says_what_is_missing(assistant, monkeypatch):
    _broken_detector(monkeypatch, RuntimeError("device lost"))
    zones = samples.SUITES / "bus_zones.yaml"
    answer = assistant.ask(
        unique_png(samples.BUS, seed=102), "Is anyone in the restricted zone?", zones=zones
    )
    assert "The object detector failed" in answer.answer
    assert not any(r.fired and r.id == "SEC-ZONE-03" for r in answer.rules)  # nothing is claimed in the zone
    _assert_honest(answer)


def test_a_hanging_tool_times_out_and_the_next_question_is_answered(assistant, monkeypatch):
    impatient = Assistant(runtime=assistant.runtime, tool_timeout_s=0.5)
    image = unique_png(samples.BUS, seed=103)
    _stalled_detector(monkeypatch, 3.0)
    late = impatient.ask(image, PEOPLE)
    assert _detector_step(late).error == "detect_objects did not finish within 0.5 s"
    assert "The object detector failed, so this answer lacks its evidence." in late.answer
    _assert_honest(late)
    monkeypatch.undo()
    other = impatient.ask(unique_png(samples.BUS, seed=104), PEOPLE)
    assert other.answer.startswith("3 people") and not _detector_step(other).error


# --------------------------------------------------------------------------------------- the LLM


def _chat(fake_openai, timeout_s: float | None = None) -> Assistant:
    chat = Assistant(llm="openai", llm_url=fake_openai.url, llm_model=fake_openai.model)
    if timeout_s is not None:
        chat.llm_spec = chat.llm_spec.model_copy(update={"timeout_s": timeout_s})
    return chat


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (http_error(500, "model crashed"), "500"),
        (http_error(429, "rate limited"), "429"),
        (garbage(b"<html>bad gateway</html>", "text/html"), "openai could not finish"),
        (garbage(b'{"choices": "nope"}'), "openai could not finish"),
        (hang_up(), "openai could not finish"),
        (text("late", delay_s=3.0), "did not answer within 1 s"),
    ],
    ids=["500", "429", "html", "bad-json-shape", "hang-up", "too-slow"],
)
def test_a_failing_llm_server_hands_over_to_the_planner(fake_openai, reply, said):
    chat = _chat(fake_openai, timeout_s=1.0)
    fake_openai.script([reply])
    answer = chat.ask(samples.BUS, PEOPLE)
    assert answer.backend["llm"] == "built-in planner"
    assert said in answer.notes[0] and "the built-in planner answered instead" in answer.notes[0]
    assert answer.answer.startswith("3 people")
    _assert_honest(answer)
    # The server is back: the next question is the model's again.
    fake_openai.script(
        [tool_calls(call("detect_objects", {"labels": ["person"]})), text("I count 3 people [D1][D2][D3].")]
    )
    again = chat.ask(samples.BUS, PEOPLE)
    assert again.backend["llm"] != "built-in planner" and again.answer == "I count 3 people [D1][D2][D3]."


def test_an_llm_server_that_went_away_hands_over_to_the_planner(fake_openai):
    chat = _chat(fake_openai)
    fake_openai.close()
    answer = chat.ask(samples.BUS, PEOPLE)
    assert answer.backend["llm"] == "built-in planner" and "planner answered instead" in answer.notes[0]
    assert answer.answer.startswith("3 people")


# ------------------------------------------------------------------------------------ FAISS index


def _index_file(cache: Path) -> Path:
    (folder,) = [p for p in (cache / "index").iterdir() if p.is_dir() and not p.name.startswith(".")]
    return folder / "index.faiss"


def _flip_vectors(path: Path) -> None:
    """Corrupt the stored vectors but not the header: FAISS reads such a file without complaint."""
    data = bytearray(path.read_bytes())
    for at in range(64, len(data), 97):
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory):
    """A cache folder holding the shipped packs' rule index, and the look-up's answer read from it."""
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGUS_CACHE_DIR", str(cache))
        answer = Assistant().ask(samples.BUS, LOOKUP)
    return cache, answer


def _cache_copy(built_cache, tmp_path: Path, monkeypatch) -> Path:
    cache = tmp_path / "cache"
    shutil.copytree(built_cache[0], cache)
    monkeypatch.setenv("ARGUS_CACHE_DIR", str(cache))
    return cache


@pytest.mark.parametrize(
    ("corrupt", "warning"),
    [
        (_flip_vectors, "does not match its manifest's checksum"),
        (lambda p: p.write_bytes(p.read_bytes()[:1000]), "does not match its manifest's checksum"),
        (lambda p: p.write_bytes(b""), "does not match its manifest's checksum"),
        (lambda p: p.unlink(), "unreadable"),
    ],
    ids=["flipped-vectors", "truncated", "emptied", "deleted"],
)
def test_a_corrupt_rule_index_is_rebuilt_and_the_answer_unchanged(
    built_cache, tmp_path, monkeypatch, caplog, corrupt, warning
):
    from argus.knowledge import KnowledgeBase

    cache = _cache_copy(built_cache, tmp_path, monkeypatch)
    before = built_cache[1]
    corrupt(_index_file(cache))
    with caplog.at_level(logging.WARNING, logger="argus.knowledge"):
        after = Assistant().ask(samples.BUS, LOOKUP)
    assert any(warning in r.getMessage() and "rebuilding it" in r.getMessage() for r in caplog.records)
    assert after.answer == before.answer and after.urgency == before.urgency
    assert [r.id for r in after.rules] == [r.id for r in before.rules]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="argus.knowledge"):
        again = KnowledgeBase.load(index_dir=cache / "index")
        again.retriever.index()
    assert not caplog.records and again.retriever.build_ms is None, "the rebuilt index is read back as it is"


# -------------------------------------------------------------------------------------- audit log


def _locked(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_a_locked_audit_log_is_one_clear_error_and_the_next_decision_is_recorded(assistant, tmp_path):
    from argus.agent.domains.medical.audit import AuditLog
    from argus.agent.domains.medical.pipeline import triage_image
    from argus.agent.errors import AuditLogError

    path = tmp_path / "audit.sqlite"
    ct = samples.dicom("CT_small.dcm")
    with AuditLog(path, busy_timeout_s=0.3) as audit:
        holder = _locked(path)
        with pytest.raises(AuditLogError, match=r"is locked by another writer; gave up after 0\.3 s"):
            triage_image(assistant, ct, audit=audit)
        holder.execute("ROLLBACK")
        holder.close()
        assert audit.count() == 0
        answer = triage_image(assistant, ct, audit=audit)
        assert audit.count() == 1 and audit.list()[0].sha256 == answer.image.sha256


def test_argus_triage_on_a_locked_audit_log_says_so_in_one_line(assistant, tmp_path):
    from argus.agent.domains.medical.audit import AuditLog

    path = tmp_path / "audit.sqlite"
    AuditLog(path).close()
    holder = _locked(path)
    try:
        result = CliRunner().invoke(
            app,
            [
                "triage",
                str(samples.dicom("CT_small.dcm")),
                "--out",
                str(tmp_path / "out"),
                "--audit-db",
                str(path),
            ],
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2, result.output
    assert "locked by another writer" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------------------- through the service


def _post(client, question: str, image: bytes, **fields):
    return client.post("/v1/ask", files={"image": ("img.png", image)}, data={"question": question, **fields})


def test_the_service_answers_through_a_raising_and_a_hanging_tool(assistant, monkeypatch):
    impatient = Assistant(runtime=assistant.runtime, tool_timeout_s=0.5)
    with app_client(impatient) as client:
        _broken_detector(monkeypatch, RuntimeError("device lost"))
        raised = _post(client, PEOPLE, unique_png(samples.BUS, seed=201))
        assert raised.status_code == 200, raised.text
        assert "The object detector failed" in raised.json()["answer"]
        monkeypatch.undo()
        _stalled_detector(monkeypatch, 3.0)
        hung = _post(client, PEOPLE, unique_png(samples.BUS, seed=202))
        assert hung.status_code == 200, hung.text
        assert hung.json()["trace"][1]["error"] == "detect_objects did not finish within 0.5 s"
        monkeypatch.undo()
        for response in (raised, hung):
            assert_no_leak(response.text)
        assert client.get("/healthz").status_code == 200
        fine = _post(client, PEOPLE, unique_png(samples.BUS, seed=203))
        assert fine.status_code == 200 and fine.json()["answer"].startswith("3 people")


def test_the_service_answers_through_llm_failures(fake_openai):
    chat = _chat(fake_openai, timeout_s=1.0)
    with app_client(chat) as client:
        fake_openai.script([http_error(503, "overloaded"), garbage(), hang_up()])
        for seed in (301, 302, 303):
            response = _post(client, PEOPLE, unique_png(samples.BUS, seed=seed))
            assert response.status_code == 200, response.text
            body = response.json()
            assert (
                body["backend"]["llm"] == "built-in planner"
                and "planner answered instead" in body["notes"][0]
            )
            assert body["answer"].startswith("3 people")
            assert_no_leak(response.text)
        fake_openai.script([text("There are people here, but I did not look closely.")])
        response = _post(client, PEOPLE, unique_png(samples.BUS, seed=304))
        assert response.status_code == 200 and response.json()["backend"]["llm"] != "built-in planner"


def test_the_service_starts_on_a_corrupt_rule_index_and_answers(built_cache, tmp_path, monkeypatch):
    _flip_vectors(_index_file(_cache_copy(built_cache, tmp_path, monkeypatch)))
    with app_client(Assistant()) as client:
        hits = client.get("/v1/kb/search", params={"q": "person in a restricted zone", "k": 1})
        assert hits.status_code == 200, hits.text
        assert json.dumps(hits.json()).count("SEC-ZONE") >= 1
        response = _post(client, LOOKUP, unique_png(samples.BUS, seed=401))
        assert response.status_code == 200 and "MED-FLEISCHNER-03" in response.json()["answer"]
