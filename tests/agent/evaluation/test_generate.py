"""The question-suite generator: it writes the committed suite again from its seed, its pictures hold
what their truth says, and its questions are well formed, varied and answerable."""

from __future__ import annotations

import json
import random
from collections import Counter

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from argus.agent.evaluation.generate import draw_shapes, draw_solids, draw_text, language
from argus.agent.evaluation.generate.language import PALETTE, add_typo, plural
from argus.agent.evaluation.generate.scene import Scene, Thing, left_of, next_to
from argus.agent.evaluation.generate.suite import FAMILIES, build, scenes
from argus.agent.evaluation.harness import ROOT_OPS, load_suite
from argus.cli import app
from tests.support import samples

GENERATED = samples.SUITES / "generated"
MIN_TEMPLATES = 40
MIN_QUESTIONS = 1000


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The suite for seed 0 written through ``argus eval generate``, and the summary it printed."""
    out = tmp_path_factory.mktemp("generated")
    result = CliRunner().invoke(app, ["eval", "generate", "--out", str(out), "--seed", "0", "--json"])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


@pytest.fixture(scope="module")
def cases(written):
    out, _ = written
    return [json.loads(line) for line in (out / "suite.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def drawn():
    return scenes(0)


# ------------------------------------------------------------------------------- reproducibility


def test_the_generator_writes_the_committed_suite_again(written):
    out, _ = written
    assert (out / "suite.jsonl").read_text(encoding="utf-8") == (GENERATED / "suite.jsonl").read_text(
        encoding="utf-8"
    )
    made = sorted(p.name for p in (out / "img").iterdir())
    assert made == sorted(p.name for p in (GENERATED / "img").iterdir())
    for name in made:
        fresh = np.asarray(Image.open(out / "img" / name).convert("RGB"), dtype=np.int16)
        committed = np.asarray(Image.open(GENERATED / "img" / name).convert("RGB"), dtype=np.int16)
        assert fresh.shape == committed.shape, name
        assert np.abs(fresh - committed).mean() < 1.0, name  # room for another Pillow's rounding only


@pytest.mark.slow
def test_another_seed_writes_another_suite(cases):
    other = build(1)
    assert [c["question"] for c in other.cases[:50]] != [c["question"] for c in cases[:50]]


def test_the_committed_suite_loads_and_is_big_and_small_enough():
    loaded = load_suite(GENERATED / "suite.jsonl")
    assert len(loaded) >= MIN_QUESTIONS
    size = sum(p.stat().st_size for p in GENERATED.rglob("*") if p.is_file())
    assert size < 6 * 1024 * 1024
    assert all(c.case.op in ROOT_OPS and c.case.form in FAMILIES for c in loaded)


# ------------------------------------------------------------------------------- coverage


def test_every_family_has_forty_templates_and_uses_each(written):
    _, summary = written
    for family, (items, _) in FAMILIES.items():
        assert len(items) >= MIN_TEMPLATES, family
        assert len({t.text for t in items}) == len(items), f"{family}: a template is listed twice"
    assert summary["templates"] == {f: len(items) for f, (items, _) in FAMILIES.items()}
    assert summary["unused_templates"] == []
    assert summary["cases"] >= MIN_QUESTIONS


def test_the_suite_spans_forms_ops_scenes_and_wordings(cases):
    assert {c["form"] for c in cases} == set(FAMILIES)
    assert {c["category"] for c in cases} == {
        "shapes",
        "tiny",
        "solids",
        "pasted",
        "signs",
        "medical",
        "quality",
    }
    assert {"not", "exists", "arithmetic", "read_text", "text_contains", "title"} <= {c["op"] for c in cases}
    tags = Counter(t for c in cases for t in c.get("tags", []))
    for tag in ("typo", "synonym", "plural", "negation", "colour", "color", "grey", "number word", "quoted"):
        assert tags[tag] >= 10, tag
    assert 0.08 < tags["typo"] / len(cases) < 0.2


def test_cases_are_well_formed(cases):
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids))
    for case in cases:
        expect = case["expect"]
        assert set(expect) in ({"short_answer"}, {"mentions"}, {"refused"}), case
        if "short_answer" in expect:
            assert expect["short_answer"] and all(a.strip() for a in expect["short_answer"]), case
        assert case["question"][0].isupper() and "{" not in case["question"], case
        assert (case["form"] == "refuse") == ("refused" in expect)
        assert (case["form"] == "describe") == ("mentions" in expect)


def test_yes_and_no_are_balanced(cases):
    answers = Counter(c["expect"]["short_answer"][0] for c in cases if "short_answer" in c["expect"])
    assert 0.35 < answers["yes"] / (answers["yes"] + answers["no"]) < 0.65


# -------------------------------------------------------------------------- pictures vs truth


def _pixel(image: Image.Image, x: float, y: float) -> tuple[int, int, int]:
    return image.convert("RGB").getpixel((round(x), round(y)))


def test_flat_shapes_have_their_colour_where_the_truth_puts_them(drawn):
    checked = 0
    for picture, scene in drawn:
        if scene.family not in ("shapes", "tiny"):
            continue
        holders = {t.inside for t in scene.things if t.inside is not None}
        for index, thing in enumerate(scene.things):
            if index in holders:  # its centre is covered by what it holds: look beside that
                x1, y1, x2, y2 = thing.box
                x, y = x1 + (x2 - x1) * 0.2 if thing.kind == "square" else (x1 + x2) / 2, (y1 + y2) / 2
                if thing.kind != "square":
                    y = y1 + (y2 - y1) * 0.8
            else:
                x, y = thing.centre
                if thing.kind == "star" or thing.kind == "triangle":
                    y = y + (thing.box[3] - thing.box[1]) * 0.1
            assert _pixel(picture, x, y) == PALETTE[thing.colour], (scene.id, thing)
            checked += 1
            x1, y1, x2, y2 = thing.box  # nothing of it lies outside its box
            region = np.asarray(picture.convert("RGB"))[max(0, y1 - 3) : y2 + 3, max(0, x1 - 3) : x2 + 3]
            assert (region == PALETTE[thing.colour]).all(axis=2).any()
        background = language.BACKGROUNDS[scene.background]
        assert _pixel(picture, 1, 1) == background or any(
            t.box[0] <= 1 and t.box[1] <= 1 for t in scene.things
        )
    assert checked > 400


def test_boxes_hold_all_of_a_shape_and_nothing_else(drawn):
    for picture, scene in drawn[:60]:
        if scene.family != "shapes":
            continue
        pixels = np.asarray(picture.convert("RGB"))
        background = np.array(language.BACKGROUNDS[scene.background])
        painted = ~(pixels == background).all(axis=2)
        inside = np.zeros_like(painted)
        for thing in scene.things:
            x1, y1, x2, y2 = thing.box
            inside[y1:y2, x1:x2] = True
        assert not (painted & ~inside).any(), scene.id


def test_sizes_are_two_classes_a_person_tells_apart(drawn):
    for _, scene in drawn:
        if scene.family != "shapes":
            continue
        widths = {t.size: [] for t in scene.things}
        for t in scene.things:
            widths[t.size].append(t.box[2] - t.box[0])
        if "small" in widths and "large" in widths and scene.things[0].inside is None:
            assert max(widths["small"]) < min(widths["large"]) * 0.9 or any(
                t.kind == "rectangle" for t in scene.things
            ), scene.id


def test_relations_follow_the_boxes():
    a = Thing("circle", ("circle",), (10, 10, 40, 40), "red", "small")
    b = Thing("square", ("square",), (48, 12, 80, 42), "blue", "small")
    c = Thing("star", ("star",), (200, 150, 230, 180), "green", "small")
    scene = Scene(id="s", family="shapes", image="x.png", width=320, height=240, things=[a, b, c])
    assert left_of(a, b) and not left_of(b, a)
    assert next_to(scene, 0, 1) and not next_to(scene, 0, 2)


def test_a_drawn_solid_stands_where_its_box_says(drawn):
    for picture, scene in drawn:
        if scene.family != "solids":
            continue
        pixels = np.asarray(picture.convert("RGB"), dtype=np.int16)
        for thing in scene.things:
            x, y = thing.centre
            colour = pixels[round(y), round(x)]
            base = np.array(PALETTE[thing.colour])
            # shading scales the colour: its hue (the ratio between channels) survives
            assert np.corrcoef(colour, base)[0, 1] > 0.8 or np.abs(colour - base).max() < 60, (
                scene.id,
                thing,
            )


def test_signs_write_their_text_in_ink_on_the_panel():
    image, scene = draw_text.sign_scene("s", random.Random(3), "NO ENTRY")
    assert scene.sign == "NO ENTRY" and scene.surface == "sign"
    centre = np.asarray(image.convert("L"))[100:140, 60:260]
    assert centre.std() > 30  # letters across the middle of the panel


def test_tiny_pictures_are_tiny():
    image, scene = draw_shapes.tiny_scene("t", random.Random(0))
    assert image.size == (64, 64) and len(scene.things) == 1


def test_stacked_solids_rest_on_a_cube():
    _, scene = draw_solids.solids_scene("st", random.Random(2), n=2, stack=True)
    top = [t for t in scene.things if t.on is not None]
    assert len(top) == 1 and scene.things[top[0].on].kind == "cube"
    assert top[0].box[3] <= scene.things[top[0].on].box[3]


# ------------------------------------------------------------------------------------ wording


@pytest.mark.parametrize(
    ("noun", "plural_form"),
    [("circle", "circles"), ("bus", "buses"), ("person", "people"), ("red box", "red boxes"),
     ("six-sided shape", "six-sided shapes"), ("sheep", "sheep"), ("lorry", "lorries")],
)  # fmt: skip
def test_plurals(noun, plural_form):
    assert plural(noun) == plural_form


@pytest.mark.parametrize("seed", range(30))
def test_a_typo_changes_one_word_by_one_edit_and_spares_quoted_words(seed):
    text = 'Does the sign mention "parking" near the entrance?'
    changed, typo = add_typo(text, random.Random(seed), protect=("parking",))
    assert typo is not None and "parking" in changed
    assert changed != text and changed.split()[0][0] == "D"
    assert abs(len(changed) - len(text)) <= 1
    assert typo.word[0] == typo.became[0]


def test_no_typo_without_a_long_enough_word():
    assert add_typo("Is it red?", random.Random(0)) == ("Is it red?", None)


# ------------------------------------------------------------------------------------ the CLI


def test_cli_generate_refuses_a_file_as_folder(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    result = CliRunner().invoke(app, ["eval", "generate", "--out", str(target)])
    assert result.exit_code == 2 and "is a file" in result.output and "Traceback" not in result.output


def test_pasted_objects_are_named_by_what_a_detector_calls_them(drawn):
    labels = Counter(t.kind for _, s in drawn if s.family == "pasted" for t in s.things)
    assert set(labels) == {"cat", "horse", "motorcycle", "bus", "cup", "person"}


@pytest.mark.slow
def test_the_bundled_detector_finds_every_pasted_object(drawn):
    """Pasted photos are sized so the offline SSD detector sees each object: a miss here would be a
    detector limit, not a question the engine could answer."""
    from argus.tools import get_tool

    detect = get_tool("detect_objects")
    missed = []
    for _, scene in drawn:
        if scene.family != "pasted":
            continue
        found = Counter(d.label for d in detect(GENERATED / scene.image).detections)
        wanted = Counter(t.kind for t in scene.things)
        missed += [(scene.id, label) for label, n in wanted.items() if found[label] < n]
    assert not missed


@pytest.mark.parametrize("argv", [["--seed", "x"], ["--nope"]])
def test_the_module_entry_point_refuses_bad_arguments(argv, capsys):
    from argus.agent.evaluation.generate.__main__ import main

    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2 and "usage:" in capsys.readouterr().err


def test_cli_generate_refuses_a_bad_seed(tmp_path):
    result = CliRunner().invoke(app, ["eval", "generate", "--out", str(tmp_path), "--seed", "many"])
    assert result.exit_code == 2 and "Traceback" not in result.output
