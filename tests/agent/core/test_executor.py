"""Programs run on a drawn scene whose truth is known: every op answers first, with the short answer a
benchmark would score, and cites what it rests on."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from argus import Assistant
from argus.agent.core import program as p
from argus.agent.core.answer import Caller
from argus.agent.core.executor import Executor
from argus.tools.runtime import Runtime

pytestmark = pytest.mark.slow  # the colour-and-shape tool and the detector run for real


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> str:
    """On white: a large red circle on the left, a small blue square in the middle, a green triangle
    on the right, and a second red circle, small, at the bottom right."""
    image = Image.new("RGB", (480, 320), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 80, 160, 200), fill=(220, 30, 30))
    draw.rectangle((215, 120, 265, 170), fill=(30, 60, 210))
    draw.polygon([(340, 200), (440, 200), (390, 110)], fill=(30, 170, 60))
    draw.ellipse((400, 250, 440, 290), fill=(220, 30, 30))
    path = tmp_path_factory.mktemp("scene") / "scene.png"
    image.save(path)
    return str(path)


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(llm="planner", check_llm=False, runtime=Runtime(device="cpu"))


@pytest.mark.parametrize(
    ("question", "short", "first_words"),
    [
        ("How many circles are there?", "2", "2 circles"),
        ("How many red shapes are there?", "2", "2 red"),
        ("How many objects are there?", "4", "4 objects"),
        ("Is there a blue square?", "yes", "Yes"),
        ("Is there a yellow circle?", "no", "No"),
        ("Is it true that there is no triangle?", "no", "No"),
        ("There are no hexagons, right?", "yes", "Yes"),
        ("What colour is the square?", "blue", "The square is blue"),
        ("What colour is the triangle?", "green", "The triangle is green"),
        ("Are there more circles than squares?", "yes", "Yes"),
        ("Are there as many triangles as squares?", "yes", "Yes"),
        ("Is the square to the left of the triangle?", "yes", "Yes"),
        ("Is the triangle to the left of the square?", "no", "No"),
        ("If you take away the red shapes, how many shapes are left?", "2", "2"),
        ("If 3 more squares were added, how many squares would there be?", "4", "4"),
        ("What shape is the blue object?", "square", "The blue object is a square"),
        ("What colours are in the image?", "white", "The main colours are white"),
    ],
)
def test_each_op_answers_first(assistant, scene, question, short, first_words):
    answer = assistant.ask(scene, question)
    assert answer.short_answer == short, answer.answer
    assert answer.answer.startswith(first_words), answer.answer
    assert answer.verified and all(c.resolved for c in answer.citations), answer.unsupported_claims
    assert "_" not in answer.answer.split("[")[0]  # no field names in the first sentence


def test_a_program_a_chat_model_writes_runs_the_same(assistant, scene):
    conversation = assistant.conversation(scene)
    answer = conversation.ask("How many circles are there?")
    from argus.agent.core.toolbox import Toolbox

    written = p.Program(root=p.Count(target=p.Selection(label="circle")))
    box = Toolbox(
        runtime=assistant.runtime,
        image=conversation.image,
        ledger=conversation.ledger,
        facts_context=__import__("argus.agent.core.facts", fromlist=["FactContext"]).FactContext(),
        knowledge=assistant.knowledge,
    )
    result = Executor(box, Caller.CHAT_MODEL).run(written)
    assert result.short_answer == answer.short_answer == "2"
    assert result.text == answer.answer  # the same evidence ids: the conversation's ledger
    assert result.program == answer.program == {"op": "count", "target": {"label": "circle"}}
