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
        ("Is the blue figure a circle or a square?", "square", "The blue shape is a square"),
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
        ("nested", "What shape is in the hexagon?", "star"),
        ("nested", "What colour is the shape in the blue hexagon?", "yellow"),
        ("nested", "How many stars are in the hexagon?", "1"),
        ("nested", "What's in the big hexagon?", "star"),
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


@pytest.fixture(scope="module")
def floor(tmp_path_factory) -> str:
    """On a gray floor, apart: a purple cube at the back left, a yellow sphere at the back right and a
    green cylinder in front, below the cube."""
    from tests.support.scenes import solids_scene

    things = [("cube", "purple", (125, 55, 165)), ("sphere", "yellow", (235, 200, 30)),
              ("cylinder", "green", (40, 150, 70))]  # fmt: skip
    image, placed = solids_scene(things, seed=3)
    assert placed[2].box[1] > max(placed[0].box[3], placed[1].box[3])  # the cylinder stands in front
    path = tmp_path_factory.mktemp("floor") / "floor.png"
    image.save(path)
    return str(path)


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("What is in front of the purple cube?", "cylinder"),
        ("Which thing stands in front of the yellow ball?", "cylinder"),
        ("What object is in front of the cube?", "cylinder"),
        ("Is the cube behind the cylinder?", "yes"),
        ("Is the yellow sphere behind the green cylinder?", "yes"),
        ("Is the cylinder in front of the ball?", "yes"),
        ("Is the sphere in front of the cylinder?", "no"),
        ("How many things are behind the cylinder?", "2"),
        ("How many objects are in front of the sphere?", "1"),
    ],
)
def test_things_on_a_floor_are_in_front_or_behind_by_depth(assistant, floor, question, short):
    """Solids standing apart on a floor: the one whose base is lower in the picture is in front, wherever
    it stands left or right."""
    answer = assistant.ask(floor, question)
    assert answer.short_answer == short, answer.answer


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("The yellow solid is a what?", "sphere"),
        ("What is the purple solid?", "cube"),
        ("Tell me what the purple solid is.", "cube"),
        ("Which solid is green?", "cylinder"),
        ("Which shape is green?", "cylinder"),
        ("What is the green figure?", "cylinder"),
        ("Name the yellow figure.", "sphere"),
    ],
)
def test_a_solid_or_figure_asked_about_is_named_by_its_form(assistant, floor, question, short):
    """'Solid' and 'figure' ask for the thing's geometric name, not what a detector takes it for."""
    answer = assistant.ask(floor, question)
    assert answer.short_answer == short, answer.answer


@pytest.fixture(scope="module")
def oblongs(tmp_path_factory) -> str:
    """On white: a red square on the left, a blue oblong (twice as wide as high) on the right."""
    image = Image.new("RGB", (400, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 70, 140, 170), fill=(210, 40, 40))
    draw.rectangle((220, 90, 360, 160), fill=(40, 70, 200))
    path = tmp_path_factory.mktemp("oblongs") / "oblongs.png"
    image.save(path)
    return str(path)


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("How many oblongs are there?", "1"),
        ("How many oblongs can be seen in this image?", "1"),
        ("Is the red square an oblong?", "no"),
        ("Is there a red oblong?", "no"),
        ("What colour is the oblong?", "blue"),
        ("How many rectangles are there?", "2"),  # a square is a rectangle too
    ],
)
def test_an_oblong_is_a_rectangle_that_is_not_square(assistant, oblongs, question, short):
    answer = assistant.ask(oblongs, question)
    assert answer.short_answer == short, answer.answer


@pytest.fixture(scope="module")
def small_motorbike(tmp_path_factory) -> str:
    """The red motorcycle photo, pasted small (112 px wide, with its garage around it) on a pale page."""
    from tests.support.samples import MOTORCYCLE

    photo = Image.open(MOTORCYCLE).convert("RGB").crop((90, 50, 700, 460))
    page = Image.new("RGB", (256, 192), (214, 226, 230))
    page.paste(photo.resize((112, 75), Image.Resampling.LANCZOS), (8, 60))
    path = tmp_path_factory.mktemp("motorbike") / "motorbike.png"
    page.save(path)
    return str(path)


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("What colour is the motorcycle?", "red"),
        ("The motorbike is what colour?", "red"),
        ("Is the motorbike red?", "yes"),
        ("Is it true that the motorbike is not red?", "no"),
        ("Is there a red vehicle?", "yes"),
        ("Is the motorcycle blue?", "no"),
    ],
)
def test_a_red_motorbike_among_chrome_and_a_dull_floor_is_red(assistant, small_motorbike, question, short):
    """Its colour is its paint, whether asked what colour it is or whether it is red."""
    answer = assistant.ask(small_motorbike, question)
    assert answer.short_answer == short, answer.answer
