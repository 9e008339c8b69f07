"""The script that rebuilds the modality classifier: its sources, its augmentation, an evaluation that
never trains on the source it tests, and a rebuild that gives the same model twice."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from argus.tools.classify_modality import load_model
from argus.tools.image_io import load_image
from argus.tools.modality_training import (
    Dataset,
    augment,
    collect_sources,
    leave_one_source_out,
    main,
    train,
    variants,
)
from tests.support import samples


@pytest.fixture(scope="module")
def found():
    return collect_sources()


def test_sources_are_real_labelled_images_without_repeats(found) -> None:
    sources, left_out = found
    labels = {s.label for s in sources}
    assert {"CT", "MRI", "ultrasound", "fundus photo", "microscopy", "photo", "document or graphic"} <= labels
    assert "radiograph" not in labels  # no radiograph of a usable size ships in any installed package
    origins = [s.origin for s in sources]
    assert "pydicom test_files/MR_small.dcm" in origins and "scikit-image data/retina.jpg" in origins
    # MR_small is stored in several encodings: one source, the others named as repeats
    assert sum("MR_small" in o for o in origins) == 1
    assert any(line.startswith("pydicom test_files/MR_small_RLE.dcm: the same image as") for line in left_out)
    assert any("CR 16x16 is too small" in line for line in left_out)


def test_an_extra_folder_adds_its_images_under_its_label(tmp_path: Path) -> None:
    for i in range(2):
        crop = load_image(samples.dicom("CT_small.dcm")).pil().crop((i * 10, 0, 100 + i * 10, 100))
        crop.save(tmp_path / f"slice{i}.png")
    (tmp_path / "notes.txt").write_text("not an image")
    sources, _ = collect_sources({"radiograph": tmp_path})
    extra = [s for s in sources if s.label == "radiograph"]
    assert sorted(Path(s.origin).name for s in extra) == ["slice0.png", "slice1.png"]


def test_augmented_variants_are_rgb_images_that_differ(found) -> None:
    rgb = load_image(samples.CHELSEA).rgb
    first, *rest = list(variants(rgb, 5, np.random.default_rng(0)))
    assert first is rgb
    for out in rest:
        assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3 and min(out.shape[:2]) >= 1
    assert len({out.tobytes() for out in rest}) == 5
    again = augment(rgb, np.random.default_rng(0))
    assert np.array_equal(again, augment(rgb, np.random.default_rng(0)))  # a seed gives the same variant


def test_the_held_out_source_is_never_in_its_own_training_set() -> None:
    # two sources of A, one of B, one of C, each its own cluster: held out, the B source cannot be called B
    rng = np.random.default_rng(0)
    centres = [0.0, 0.2, 5.0, -5.0]
    features = np.concatenate([rng.normal(c, 0.1, (10, 3)) for c in centres])
    labels = np.array(["A"] * 20 + ["B"] * 10 + ["C"] * 10)
    groups = np.repeat(["a1", "a2", "b1", "c1"], 10)
    data = Dataset(features, labels, groups, np.arange(40) % 10 == 0)
    probabilities = leave_one_source_out(data, 1.0, ["A", "B", "C"])
    assert (probabilities[20:30, 1] == 0).all() and (probabilities[30:, 2] == 0).all()
    assert (probabilities[:20].argmax(axis=1) == 0).all()  # A held out is still A: its twin trained


def test_bad_command_lines_are_refused(tmp_path: Path, capsys) -> None:
    for argv in (["--extra", f"tumour={tmp_path}"], ["--extra", "CT=/no/such/folder"], ["--augment", "-1"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
    assert "--extra wants LABEL=DIR" in capsys.readouterr().err


@pytest.mark.slow
def test_a_rebuild_is_reproducible_and_gives_a_working_model(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    train(first, augment_count=1, seed=3, log=lambda _m: None)
    train(second, augment_count=1, seed=3, log=lambda _m: None)
    assert first.read_bytes() == second.read_bytes()
    model = load_model(first)
    assert model.training["augment"] == 1 and model.training["seed"] == 3
    chelsea = load_image(samples.CHELSEA).rgb
    from argus.tools.modality_features import features

    probabilities = model.probabilities(features(chelsea))
    assert model.classes[int(probabilities.argmax())] == "photo"
    report = json.loads(first.read_text())["training"]["leave_one_source_out"]
    assert set(report["confusion"]) == set(model.classes)
