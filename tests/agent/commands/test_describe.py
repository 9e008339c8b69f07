"""argus describe, argus ocr and argus classify through typer's CliRunner: tables for people, JSON
alone on stdout for scripts, one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from argus.cli import app
from tests.support import samples

runner = CliRunner()


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.slow
def test_classify_prints_the_imagenet_classes():
    result = runner.invoke(app, ["classify", str(samples.BUS), "--top-k", "3", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "minibus" in result.stdout and "L3" in result.stdout and "L4" not in result.stdout
    assert "classify_image (efficientnet-lite3-tflite" in result.stdout


@pytest.mark.slow
def test_classify_json_is_the_result_model():
    data = _json(["classify", str(samples.BUS), "--json", "--device", "cpu"])
    assert data["tool"] == "classify_image"
    assert [label["id"] for label in data["labels"]] == ["L1", "L2", "L3", "L4", "L5"]
    assert data["labels"][0]["label"] == "minibus"


@pytest.mark.slow
def test_ocr_prints_the_lines_and_json_carries_boxes():
    human = runner.invoke(app, ["ocr", str(samples.PAGE), "--device", "cpu"])
    assert human.exit_code == 0, human.output
    assert "Region-based segmentation" in human.stdout
    data = _json(["ocr", str(samples.PAGE), "--json"])
    assert data["lines"][0]["text"] == "Region-based segmentation"
    assert len(data["lines"][0]["box"]) == 4 and len(data["lines"][0]["polygon"]) == 4


@pytest.mark.slow
def test_ocr_raw_keeps_the_recognisers_text():
    raw = _json(["ocr", str(samples.PAGE), "--raw", "--json"])
    spaced = _json(["ocr", str(samples.PAGE), "--json"])
    assert [line["text"].replace(" ", "") for line in raw["lines"]] == [
        line["text"].replace(" ", "") for line in spaced["lines"]
    ]


@pytest.mark.slow
def test_ocr_on_an_image_without_text_says_so():
    result = runner.invoke(app, ["ocr", str(samples.CAMERA)])
    assert result.exit_code == 0, result.output
    assert "no text found" in result.stdout


@pytest.mark.slow
def test_describe_shows_the_caption_its_backend_and_the_evidence():
    result = runner.invoke(app, ["describe", str(samples.BUS), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "C1" in result.stdout and "composed" in result.stdout
    assert "minibus" in result.stdout and "evidence cited" in result.stdout


@pytest.mark.slow
def test_describe_json_carries_the_caption_and_what_it_cites():
    data = _json(["describe", str(samples.PAGE), "--ocr", "always", "--json", "--device", "cpu"])
    caption = data["captions"][0]
    assert caption["backend"] == "composed"
    assert "Region-based segmentation" in caption["text"]
    assert {line["id"] for line in data["text_lines"]} <= set(caption["sources"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ocr", "no-such-image.png"], "no such file"),
        (["classify", str(samples.BUS), "--top-k", "0"], "top_k"),
        (["ocr", str(samples.PAGE), "--min-score", "2"], "min_score"),
        (["describe", str(samples.BUS), "--ocr", "sometimes"], "ocr"),
        (["describe", str(samples.BUS), "--backend", "blip"], "backend"),
        (["describe", str(samples.BUS), "--model", "/no/such/captioner"], "not a model folder"),
        (["classify", str(samples.BUS), "--device", "tpu"], "device must be auto, cpu, cuda"),
    ],
    ids=[
        "missing file",
        "top-k 0",
        "min-score 2",
        "bad ocr mode",
        "unknown backend",
        "missing model",
        "bad device",
    ],
)
def test_user_errors_are_one_line_and_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error:")
    assert "Traceback" not in result.output


def test_a_file_that_is_not_an_image_is_one_line(tmp_path):
    bogus = tmp_path / "scan.jpg"
    bogus.write_bytes(b"%PDF-1.7 not a jpeg")
    result = runner.invoke(app, ["describe", str(bogus), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "scan.jpg" in result.stderr and "Traceback" not in result.output
