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
        ("What is the green thing?", "triangle", "A green triangle"),
        ("What would you call the small red object?", "circle", "A red circle"),
        ("Is the square big or small?", "small", "The square is small"),
        ("Is the triangle on the right-hand side?", "yes", "Yes"),
        ("Is the big circle near the bottom of the picture?", "no", "No"),
        ("Is the blue figure a circle or a square?", "square", "The blue object is a square"),
        ("Do the two circles have the same colour?", "yes", "Yes: both are red"),
        ("Which is larger, the square or the triangle?", "triangle", "The triangle is larger"),
        ("How many circles and triangles are there altogether?", "3", "3"),
        ("How many more circles than squares are there?", "1", "1"),
        ("What is twice the number of squares?", "2", "2"),
        ("How many shapes would be left if one circle were taken away?", "3", "3"),
        ("Isn't the triangle green?", "yes", "Yes"),
        ("Is it false that there is a square?", "no", "No"),
        ("Is this an X-ray?", "no", "No"),
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


@pytest.fixture(scope="module")
def layered(tmp_path_factory) -> dict[str, str]:
    """Two drawn scenes whose things touch: on pale gray, a large blue hexagon with a small yellow star
    drawn on it, a small green circle apart; and, before a wall, a large purple box with a small orange
    ball resting on it and a small orange can on the floor to the right."""
    import numpy as np

    from tests.support.scenes import render_cube, render_cylinder, render_sphere

    folder = tmp_path_factory.mktemp("layered")
    flat = Image.new("RGB", (320, 240), (215, 215, 215))
    draw = ImageDraw.Draw(flat)
    draw.polygon([(220, 120), (190, 172), (130, 172), (100, 120), (130, 68), (190, 68)], fill=(35, 85, 215))
    star = [(160 + (22 if k % 2 == 0 else 10) * np.cos(np.radians(-90 + 36 * k)),
             122 + (22 if k % 2 == 0 else 10) * np.sin(np.radians(-90 + 36 * k))) for k in range(10)]  # fmt: skip
    draw.polygon(star, fill=(245, 215, 35))
    draw.ellipse((30, 180, 62, 212), fill=(45, 165, 60))
    flat.save(folder / "nested.png")
    rows = np.arange(240, dtype=np.float32)[:, None, None]
    canvas = np.where(
        rows < 80, np.array([228.0, 224, 212]), np.array([168.0, 166, 162]) * (0.85 + rows / 1600)
    )
    canvas = np.broadcast_to(canvas, (240, 320, 3)).copy()
    render_cube(canvas, 120, 185, 80, (125, 55, 165), 0.35)
    render_sphere(canvas, 120, 96, 22, (245, 140, 25))
    render_cylinder(canvas, 260, 200, 18, 30, (245, 140, 25))
    Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8)).save(folder / "stacked.png")
    return {"nested": str(folder / "nested.png"), "stacked": str(folder / "stacked.png")}


@pytest.mark.parametrize(
    ("picture", "question", "short"),
    [
        ("nested", "How many stars are there?", "1"),
        ("nested", "Is there a yellow star?", "yes"),
        ("nested", "Can you see a star anywhere?", "yes"),
        ("nested", "What colour is the star?", "yellow"),
        ("nested", "What shape is the blue figure?", "hexagon"),
        ("nested", "How many shapes are in the picture?", "3"),
        ("nested", "What size is the yellow star, small or large?", "small"),
        ("nested", "Is the hexagon big or small?", "large"),
        ("nested", "What is inside the hexagon?", "star"),
        ("nested", "What colour is the shape inside the hexagon?", "yellow"),
        ("nested", "How many shapes are inside the blue hexagon?", "1"),
        ("nested", "Is there a star inside the hexagon?", "yes"),
        ("stacked", "How many objects are there?", "3"),
        ("stacked", "What colour is the ball?", "orange"),
        ("stacked", "Of what colour is the sphere?", "orange"),
        ("stacked", "How many orange things are there?", "2"),
        ("stacked", "Is there a purple cube?", "yes"),
        ("stacked", "What shape is the purple object?", "cube"),
        ("stacked", "Is there a ball on the box?", "yes"),
        ("stacked", "Is the orange sphere on top of the purple cube?", "yes"),
        ("stacked", "What colour is the thing on the cube?", "orange"),
        ("stacked", "How many cylinders are there?", "1"),
    ],
)
def test_things_drawn_on_or_inside_others_are_seen(assistant, layered, picture, question, short):
    """A shape drawn inside another and a ball resting on a box are things of their own, with their
    own colour; the shaded ball is orange, not the brown of its shadowed side."""
    answer = assistant.ask(layered[picture], question)
    assert answer.short_answer == short, answer.answer
