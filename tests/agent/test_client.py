"""``ArgusClient`` against a real ``argus serve`` process with a token, on a loopback port."""

from __future__ import annotations

import inspect
import json
import socket

import numpy as np
import pytest
from PIL import Image

from argus import Assistant
from argus.agent.client import ArgusClient
from argus.agent.core.answer import Answer
from argus.agent.errors import ArgusConnectionError, ArgusServerError
from argus.tools.errors import ImageLoadError
from argus.tools.zones import ZoneFileError
from tests.support import samples
from tests.support.server_helpers import TOKEN, server_process

pytestmark = pytest.mark.slow

FLEISCHNER_7MM = {
    "nodule": {"size_mm": 7, "type": "solid", "multiple": False},
    "patient": {"age": 60, "high_risk": True, "context": "incidental"},
}


@pytest.fixture(scope="module")
def server():
    with server_process(env={"ARGUS_API_TOKEN": TOKEN}) as running:
        yield running


@pytest.fixture(scope="module")
def argus(server):
    with ArgusClient(server.url, token=TOKEN, timeout=300) as client:
        yield client


def test_ask_has_the_assistants_signature():
    names = list(inspect.signature(ArgusClient.ask).parameters)
    assert names == ["self", "image", "question", "domain", "zones", "findings", "time_of_day", "annotate"]
    assert (
        inspect.signature(ArgusClient.stream).parameters.keys()
        == inspect.signature(ArgusClient.ask).parameters.keys()
    )


def test_ask_by_path_answers_as_the_assistant_does(argus):
    remote = argus.ask(samples.BUS, "How many people are there?")
    local = Assistant().ask(samples.BUS, "How many people are there?")
    assert isinstance(remote, Answer)
    assert remote.answer == local.answer
    assert [c.ref for c in remote.citations] == [c.ref for c in local.citations]
    assert remote.image.sha256 == local.image.sha256 and remote.image.path is None


def test_bytes_arrays_pil_and_an_earlier_sha256(argus):
    by_bytes = argus.ask(samples.BUS.read_bytes(), "Is there a bus?")
    assert by_bytes.answer.startswith("Yes, there is 1 bus")
    by_sha = argus.ask(by_bytes.image.sha256, "How many people are there?")
    assert by_sha.image.sha256 == by_bytes.image.sha256 and by_sha.answer.startswith("3 people")
    with Image.open(samples.BUS) as im:
        picture = im.convert("RGB")
    by_pil = argus.ask(picture, "Is there a bus?")
    by_array = argus.ask(np.asarray(picture), "Is there a bus?")
    assert by_pil.answer.startswith("Yes, there is 1 bus") and by_array.answer == by_pil.answer


def test_local_zones_file_findings_and_time(argus, tmp_path):
    zones = tmp_path / "zones.yaml"
    zones.write_text(
        "zones:\n  - name: dock\n    polygon: [[0, 0.6], [0.4, 0.6], [0.4, 1], [0, 1]]\n"
        "    normalized: true\n    attributes: [restricted]\n    labels: [person]\n"
    )
    answer = argus.ask(
        samples.BUS, "Is anyone in the restricted zone?", domain="security", zones=zones, time_of_day="23:30"
    )
    assert answer.domain == "security"
    assert any(e["id"].startswith("Z") for e in answer.evidence)
    medical = argus.ask(
        samples.dicom("CT_small.dcm"),
        "What does Fleischner say about this nodule?",
        domain="medical",
        findings=FLEISCHNER_7MM,
    )
    assert any(r.id.startswith("MED-FLEISCHNER") for r in medical.rules)


def test_annotate_writes_the_png_where_asked(argus, tmp_path):
    out = tmp_path / "out" / "bus.png"
    answer = argus.ask(samples.BUS, "How many people are there?", annotate=out)
    assert answer.annotated_image == str(out)
    with Image.open(out) as png:
        assert png.format == "PNG" and png.size == (810, 1080)


def test_stream_yields_steps_then_an_answer(argus):
    events = list(argus.stream(samples.ZIDANE, "How many people are there?"))
    kinds = [e["type"] for e in events]
    assert kinds[0] == "tool_started" and kinds[-1] == "answer"
    assert kinds.count("tool_started") == kinds.count("tool_finished")
    assert isinstance(events[-1]["answer"], Answer)
    assert events[-1]["answer"].short_answer == "2"


def test_triage_a_worklist(argus, tmp_path):
    ct = samples.dicom("CT_small.dcm")
    worklist = argus.triage(
        [samples.CAMERA, ct], findings={ct.name: FLEISCHNER_7MM}, annotate_dir=tmp_path / "png"
    )
    assert [a.image.name for a in worklist] == [ct.name, samples.CAMERA.name]
    assert worklist[0].urgency.rule == "MED-FLEISCHNER-03"
    assert worklist[1].urgency is None  # a photograph: the pixels say so, and no rule decides
    assert worklist[1].abstention.startswith("wrong modality (guessed from pixels)")
    for answer in worklist:
        assert answer.annotated_image == str(tmp_path / "png" / f"{answer.image.sha256}.png")
        with Image.open(answer.annotated_image) as png:
            assert png.format == "PNG"


def test_catalogue(argus):
    assert "detect_objects" in {card["name"] for card in argus.tools()}
    hits = argus.kb_search("person in a restricted zone at night", k=2, domain="security")
    assert len(hits) == 2 and hits[0]["id"].startswith("SEC-")
    assert argus.rule(hits[0]["id"])["id"] == hits[0]["id"]
    assert argus.ready()["status"] == "ready"


def test_server_errors_carry_the_servers_message(argus, server, tmp_path):
    with pytest.raises(ArgusServerError, match="no rule 'NOPE-01'") as info:
        argus.rule("NOPE-01")
    assert info.value.status == 404 and info.value.kind == "unknown_rule"
    mislabelled = tmp_path / "bus.png"
    mislabelled.write_bytes(samples.BUS.read_bytes())
    with pytest.raises(ArgusServerError, match="the extension says PNG but the bytes are JPEG"):
        argus.ask(mislabelled, "hi")
    wrong = ArgusClient(server.url, token="wrong-token-0123456789", timeout=30)
    with wrong, pytest.raises(ArgusServerError, match="bearer token is not valid") as info:
        wrong.tools()
    assert info.value.status == 401 and info.value.kind == "auth"
    with (
        ArgusClient(server.url, token=None, timeout=30) as anonymous,
        pytest.raises(ArgusServerError) as info,
    ):
        anonymous.stream(samples.BUS, "hi").__next__()
    assert info.value.status == 401


def test_the_token_comes_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("ARGUS_API_TOKEN", TOKEN)
    with ArgusClient(server.url) as client:
        assert client.kb_search("exit route blocked", k=1)


def test_local_problems_are_caught_before_sending(argus, tmp_path):
    with pytest.raises(ImageLoadError, match="no such image file"):
        argus.ask(tmp_path / "missing.jpg", "hi")
    bad = tmp_path / "zones.json"
    bad.write_text(json.dumps({"zones": [{"name": "z", "polygon": [[0, 0], [1, 1]]}]}))
    with pytest.raises(ZoneFileError, match="polygon needs >= 3 points, got 2"):
        argus.ask(samples.BUS, "hi", zones=bad)


def test_a_server_that_is_not_there(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        ArgusClient(f"http://127.0.0.1:{port}", timeout=5) as client,
        pytest.raises(
            ArgusConnectionError, match=f"cannot reach the Argus server at http://127.0.0.1:{port}"
        ),
    ):
        client.ask(samples.BUS, "hi")
