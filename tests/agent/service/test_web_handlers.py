"""The web app's handlers without a browser: user errors become messages, and a short video is
assessed frame by frame like an image."""

from __future__ import annotations

import gradio as gr
import pytest

from argus.agent.service.app import make_assistant
from argus.agent.service.deps import Service
from argus.agent.service.pool import WorkerPool
from argus.agent.service.settings import ServerSettings
from argus.agent.service.web.blocks import WebApp
from tests.support import samples

ZONES = '{"zones": [{"name": "kerb", "polygon": [[0, 0.5], [1, 0.5], [1, 1], [0, 1]], "normalized": true, "attributes": ["restricted"]}]}'


@pytest.fixture(scope="module")
def web():
    settings = ServerSettings(no_auth=True, max_triage_images=2)
    service = Service(settings, make_assistant(settings))
    service.pool = WorkerPool(1, 4)
    yield WebApp(service)
    service.pool.shutdown()


def test_user_errors_become_messages(web, tmp_path):
    with pytest.raises(gr.Error, match="choose an image"):
        web.ask(None, "How many people?", "auto", None, None, "", [], {})
    with pytest.raises(gr.Error, match="type a question"):
        web.ask(str(samples.EXAMPLE_BUS), "  ", "auto", None, None, "", [], {})
    with pytest.raises(gr.Error, match="at most 2"):
        web.triage([str(samples.EXAMPLE_BUS)] * 3, None)
    with pytest.raises(gr.Error, match="zones"):
        web.assess(str(samples.EXAMPLE_BUS), '{"zones": [{"name": "x", "polygon": [[0, 0]]}]}', "")
    with pytest.raises(gr.Error, match="not valid JSON or YAML"):
        web.assess(str(samples.EXAMPLE_BUS), "{zones: [", "")
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("hello")
    with pytest.raises(gr.Error):
        web.ask(str(not_an_image), "How many people?", "auto", None, None, "", [], {})


@pytest.mark.slow
def test_a_short_video_is_assessed_over_its_frames(web, tmp_path):
    import cv2

    frame = cv2.imread(str(samples.EXAMPLE_BUS))
    video = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(
        str(video), cv2.VideoWriter_fourcc(*"mp4v"), 2.0, (frame.shape[1], frame.shape[0])
    )
    for _ in range(4):
        writer.write(frame)
    writer.release()
    summary, alerts, picture = web.assess(str(video), ZONES, "")
    assert "Threat level" in summary and "kerb" in summary
    assert picture.size == (frame.shape[1], frame.shape[0])
    first, points = web.frame(str(video))
    assert first.shape == frame.shape and points == []


@pytest.mark.slow
def test_follow_ups_keep_the_conversation_and_new_options_start_over(web):
    bus = str(samples.EXAMPLE_BUS)
    out = web.ask(bus, "How many people are in this image?", "auto", None, None, "", [], {})
    history, session = out[0], out[1]
    out = web.ask(bus, "Is there a bus?", "auto", None, None, "", history, session)
    assert [m["content"] for m in out[0] if m["role"] == "user"] == [
        "How many people are in this image?",
        "Is there a bus?",
    ]
    assert out[1]["conversation"] is session["conversation"]
    restarted = web.ask(bus, "Is there a bus?", "security", None, None, "", out[0], out[1])
    assert len(restarted[0]) == 2 and restarted[1]["conversation"] is not session["conversation"]
