"""The HTTP API's contract, through FastAPI's TestClient on the real Assistant, models and images."""

from __future__ import annotations

import base64
import io
import json

import pytest

from argus import Assistant
from argus.agent.core.answer import Answer
from tests.support import samples
from tests.support.server_helpers import app_client, assert_no_leak

pytestmark = pytest.mark.slow

DOCK = {
    "zones": [
        {
            "name": "dock",
            "polygon": [[0.0, 0.6], [0.4, 0.6], [0.4, 1.0], [0.0, 1.0]],
            "normalized": True,
            "attributes": ["restricted"],
            "labels": ["person"],
        }
    ]
}


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


@pytest.fixture(scope="module")
def client(assistant):
    with app_client(assistant) as c:
        yield c


def _ask(client, question: str, image=samples.BUS, **fields):
    files = {"image": (image.name, image.read_bytes())} if image is not None else None
    return client.post("/v1/ask", files=files, data={"question": question, **fields})


def test_probes_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert any(m.startswith("ssd-mobilenet-v2-coco") for m in ready["models"])
    assert any(m.startswith("sentence-embedder") for m in ready["models"])
    assert ready["pool"]["workers"] == 2
    assert "Argus" in client.get("/docs").text
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/ask",
        "/v1/ask/stream",
        "/v1/triage",
        "/v1/tools",
        "/v1/kb/search",
        "/v1/kb/rules/{rule_id}",
    ):
        assert path in paths, path
    assert_no_leak(json.dumps(ready))


def test_ask_returns_the_answer_contract(client):
    response = _ask(client, "How many people are there?")
    assert response.status_code == 200, response.text
    answer = Answer.model_validate(response.json())
    assert answer.answer.startswith("3 people")
    cited = [c.ref for c in answer.citations]
    people = {e["id"] for e in answer.evidence if e["label"] == "person"}
    assert cited and set(cited) <= people and all(c.resolved for c in answer.citations)
    assert answer.image.name == "bus.jpg" and answer.image.path is None
    assert (answer.image.width, answer.image.height) == (810, 1080)
    assert answer.annotated_image is None
    assert_no_leak(response.text)


def test_an_earlier_upload_is_asked_again_by_sha256(client):
    first = _ask(client, "How many people are there?").json()
    again = client.post(
        "/v1/ask", data={"question": "Is there a bus?", "image_sha256": first["image"]["sha256"]}
    )
    assert again.status_code == 200, again.text
    answer = again.json()
    assert answer["answer"].startswith("Yes, there is 1 bus")
    assert answer["image"]["sha256"] == first["image"]["sha256"]


def test_annotate_returns_the_png_inside_the_json(client):
    from PIL import Image

    answer = _ask(client, "How many people are there?", annotate="true").json()
    uri = answer["annotated_image"]
    assert uri.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as png:
        assert png.format == "PNG" and png.size == (810, 1080)


def test_zones_and_time_as_json_fields(client):
    answer = _ask(
        client, "Is anyone in the restricted zone?", domain="security", zones=json.dumps(DOCK), time="23:30"
    ).json()
    assert answer["domain"] == "security", answer
    zone_hits = [e for e in answer["evidence"] if e["id"].startswith("Z")]
    assert zone_hits and all("dock" in json.dumps(e) for e in zone_hits)
    assert any(r["fired"] and r["id"].startswith("SEC-") for r in answer["rules"]), answer["rules"]


def test_findings_as_a_json_field(client):
    findings = {"nodule": {"size_mm": 7, "type": "solid"}, "patient": {"age": 60}}
    answer = _ask(
        client,
        "What does Fleischner say about this nodule?",
        image=samples.dicom("CT_small.dcm"),
        domain="medical",
        findings=json.dumps(findings),
    ).json()
    assert answer["domain"] == "medical"
    assert answer["disclaimer"]
    stated = [e for e in answer["evidence"] if e["id"].startswith("X")]
    assert any("size_mm" in json.dumps(e) for e in stated), answer["evidence"]
    assert any(r["id"].startswith("MED-FLEISCHNER") for r in answer["rules"]), answer["rules"]


def test_stream_sends_steps_then_the_answer(client):
    data = {"question": "How many people are there?"}
    files = {"image": ("zidane.jpg", samples.ZIDANE.read_bytes())}
    with client.stream("POST", "/v1/ask/stream", data=data, files=files) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = []
        name = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[len("data: ") :])))
    names = [n for n, _ in events]
    assert names[0] == "tool_started" and names[-1] == "answer"
    assert names.count("tool_started") == names.count("tool_finished") >= 1
    started = [d for n, d in events if n == "tool_started"]
    assert [s["tool"] for s in started] == ["run_program", "detect_objects"]
    answer = Answer.model_validate(events[-1][1]["answer"])
    assert answer.short_answer == "2"
    assert [s.tool for s in answer.trace] == [d["tool"] for d in started]


def test_stream_errors_before_any_step_are_plain_http_errors(client):
    response = client.post("/v1/ask/stream", data={"question": "  "}, files={"image": ("bus.jpg", b"")})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "empty_file"


def test_tools_lists_every_vision_tool_card(client):
    cards = client.get("/v1/tools").json()
    names = {c["name"] for c in cards}
    assert {"detect_objects", "read_text", "segment"} <= names
    detect = next(c for c in cards if c["name"] == "detect_objects")
    assert detect["evidence_prefixes"] == ["D"]
    ssd = next(b for b in detect["backends"] if b["name"] == "ssd-mobilenet-v2-coco")
    assert ssd["available"] and ssd["weights"] == "frozen_inference_graph.pb"
    assert_no_leak(json.dumps(cards))


def test_kb_search_and_rule(client):
    hits = client.get(
        "/v1/kb/search", params={"q": "pneumothorax on chest radiograph", "k": 3, "domain": "medical"}
    )
    assert hits.status_code == 200, hits.text
    found = hits.json()
    assert len(found) == 3 and all(h["domain"] == "medical" for h in found)
    assert found[0]["rank"] == 1 and found[0]["score"] >= found[-1]["score"]
    assert found[0]["id"].startswith("MED-CXR-PTX")
    rule = client.get(f"/v1/kb/rules/{found[0]['id']}").json()
    assert rule["id"] == found[0]["id"] and rule["source"] and rule["condition_text"]
    assert "defined_at" not in rule
    assert_no_leak(json.dumps(rule))


@pytest.mark.parametrize(
    ("path", "params", "status", "kind"),
    [
        ("/v1/kb/rules/NOPE-01", None, 404, "unknown_rule"),
        ("/v1/kb/search", {"q": "x"}, 422, "invalid_request"),
        ("/v1/kb/search", {"q": "nodule", "k": 0}, 422, "invalid_request"),
        ("/v1/kb/search", {"q": "nodule", "domain": "finance"}, 422, "query"),
        ("/v1/nothing-here", None, 404, "not_found"),
    ],
)
def test_catalogue_errors(client, path, params, status, kind):
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.json()["error"]["type"] == kind
    assert response.json()["error"]["message"]


FLEISCHNER_7MM = {
    "nodule": {"size_mm": 7, "type": "solid", "multiple": False},
    "patient": {"age": 60, "high_risk": True, "context": "incidental"},
}


def test_triage_returns_a_worklist_most_urgent_first(client):
    from PIL import Image

    ct = samples.dicom("CT_small.dcm").read_bytes()
    files = [("images", ("camera.png", samples.CAMERA.read_bytes())), ("images", ("ct.dcm", ct))]
    data = {"findings": json.dumps({"ct.dcm": FLEISCHNER_7MM}), "annotate": "true"}
    response = client.post("/v1/triage", files=files, data=data)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 2 and body["run_id"]
    first, second = (Answer.model_validate(item) for item in body["items"])
    assert first.image.name == "ct.dcm" and first.urgency.level == "U1"
    assert first.urgency.rule == "MED-FLEISCHNER-03"
    assert second.image.name == "camera.png" and second.urgency is None
    assert second.abstention.startswith("wrong modality (guessed from pixels)")  # a photograph
    for answer in (first, second):
        assert answer.disclaimer and answer.image.path is None
        png = base64.b64decode(answer.annotated_image.split(",", 1)[1])
        with Image.open(io.BytesIO(png)) as im:
            assert im.format == "PNG"
    assert_no_leak(response.text)


def test_triage_by_sha256_with_one_findings_object_for_all(client):
    ct = client.post(
        "/v1/ask",
        files={"image": ("ct.dcm", samples.dicom("CT_small.dcm").read_bytes())},
        data={"question": "What modality is this?"},
    ).json()["image"]["sha256"]
    response = client.post("/v1/triage", data={"image_sha256": [ct], "findings": json.dumps(FLEISCHNER_7MM)})
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert item["urgency"]["rule"] == "MED-FLEISCHNER-03" and item["annotated_image"] is None


@pytest.mark.parametrize(
    ("data", "status", "says"),
    [
        ({}, 422, "give at least one image"),
        ({"image_sha256": ["f" * 64] * 17}, 422, "this server takes at most 16"),
        ({"image_sha256": ["f" * 64]}, 404, "upload the image file again"),
        ({"image_sha256": ["f" * 64], "findings": '{"labels.person": 1}'}, 422, "cannot be stated"),
    ],
)
def test_triage_errors(client, data, status, says):
    response = client.post("/v1/triage", data=data)
    assert response.status_code == status, response.text
    assert says in response.json()["error"]["message"]
