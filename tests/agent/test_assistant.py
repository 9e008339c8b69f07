"""The agent end to end with the built-in planner, real tools and real images."""

from __future__ import annotations

import asyncio

import pytest

from argus import Assistant
from argus.agent.core.executor import CANNOT_ANSWER, CANNOT_TELL
from argus.agent.core.verifier import verify
from argus.tools.coco import COCO_80
from tests.support import samples

pytestmark = pytest.mark.slow
EVAL_IMAGES = samples.SUITES


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant()


def _cited(answer, prefix: str) -> list[str]:
    return [c.ref for c in answer.citations if c.ref.startswith(prefix)]


def _evidence(answer, evidence_id: str) -> dict:
    return next(e for e in answer.evidence if e["id"] == evidence_id)


def _assert_sound(answer, cites: bool = True) -> None:
    assert bool(answer.citations) is cites, answer.answer
    assert all(c.resolved for c in answer.citations), answer.citations
    assert answer.unsupported_claims == [] and answer.verified, answer.unsupported_claims


@pytest.mark.parametrize(("image", "minimum"), [(samples.BUS, 3), (samples.ZIDANE, 2)])
def test_counts_cite_the_person_detections(assistant, image, minimum):
    answer = assistant.ask(image, "How many people are in this image?")
    _assert_sound(answer)
    count = int(answer.short_answer)
    assert answer.answer.startswith(f"{count} people")  # a count question starts with the number
    cited = _cited(answer, "D")
    assert count >= minimum and len(cited) == count
    assert all(_evidence(answer, d)["label"] == "person" for d in cited)
    assert [s.tool for s in answer.trace] == ["run_program", "detect_objects"]
    assert answer.program == {"op": "count", "target": {"label": "person"}}
    assert answer.backend["detect_objects"].startswith("ssd-mobilenet-v2-coco")


def test_presence_of_a_bus(assistant):
    answer = assistant.ask(samples.BUS, "Is there a bus?")
    _assert_sound(answer)
    assert answer.answer.startswith("Yes, there is 1 bus")
    (bus,) = _cited(answer, "D")
    box = _evidence(answer, bus)["box"]
    assert box[2] - box[0] > 0.6 * 810  # the bus spans most of the width


def test_reading_text_cites_text_lines(assistant):
    answer = assistant.ask(samples.PAGE, "What does the text say?")
    _assert_sound(answer)
    assert "Region-based segmentation" in answer.answer
    assert _cited(answer, "T") and [s.tool for s in answer.trace] == ["run_program", "read_text"]


def test_fleischner_question_cites_the_rule(assistant):
    answer = assistant.ask(
        samples.BUS, "What does Fleischner say about a 7 mm solid nodule in a 60-year-old patient?"
    )
    _assert_sound(answer)
    assert "R:MED-FLEISCHNER-03" in _cited(answer, "R:")
    fired = {r.id for r in answer.rules if r.fired}
    assert "MED-FLEISCHNER-03" in fired
    assert (
        answer.urgency is not None
        and answer.urgency.level == "U1"
        and answer.urgency.rule == "MED-FLEISCHNER-03"
    )
    assert answer.domain == "medical" and answer.disclaimer and "not a medical device" in answer.disclaimer
    assert any(
        p[0].startswith("X") and "MED-FLEISCHNER-03" in p and p[-1].startswith("source:")
        for p in answer.graph_paths
    ), answer.graph_paths


@pytest.mark.parametrize(
    ("question", "cites"),
    [
        ("What is in this image?", True),
        ("How many buses and people are there?", True),
        ("Is there a dog?", True),  # "No" cites what was seen instead
        ("Is the image sharp enough?", True),
        ("What colours are in the image?", True),
        ("Has anyone fallen?", True),
        ("How much of the image does the bus cover?", True),
    ],
)
def test_every_citation_resolves(assistant, question, cites):
    answer = assistant.ask(samples.BUS, question)
    _assert_sound(answer, cites)
    assert answer.answer not in (CANNOT_ANSWER, CANNOT_TELL)


def test_coins_are_counted_as_regions(assistant):
    answer = assistant.ask(samples.COINS, "How many coins are there?")
    _assert_sound(answer)
    count = int(answer.short_answer)
    assert answer.answer.startswith(f"{count} coins")
    assert abs(count - 24) <= 1 and len(_cited(answer, "M")) == count


def test_verifier_catches_a_planted_wrong_count(assistant):
    conversation = assistant.conversation(samples.BUS)
    answer = conversation.ask("How many people are in this image?")
    persons = _cited(answer, "D")
    evidence = {i.id: i for i in conversation.ledger.items()}
    planted = f"I count {len(persons) + 2} people {''.join(f'[{d}]' for d in persons)}."
    verdict = verify(planted, evidence, set(), COCO_80)
    assert not verdict.ok
    assert any(f"states {len(persons) + 2} people but cites {len(persons)}" in p for p in verdict.unsupported)


def test_follow_up_reuses_the_detector(assistant, monkeypatch):
    from argus.tools.ssd import SsdMobileNetBackend

    runs = []
    original = SsdMobileNetBackend.detect

    def counting(self, images, *args, **kwargs):
        runs.append(len(images))
        return original(self, images, *args, **kwargs)

    monkeypatch.setattr(SsdMobileNetBackend, "detect", counting)
    assistant.runtime.cache.clear()
    conversation = assistant.conversation(samples.BUS)
    first = conversation.ask("How many people are in this image?")
    second = conversation.ask("and how many of them are near the bus?")
    assert runs == [1]
    detection = next(step for step in second.trace if step.tool == "detect_objects")
    assert detection.cached
    assert second.program["target"]["relation"]["relation"] == "near" and "next to the bus" in second.answer
    assert set(_cited(first, "D")) & set(_cited(second, "D"))
    _assert_sound(second)


def test_refuses_face_identification(assistant):
    answer = assistant.ask(samples.ZIDANE, "Who is the man on the left?")
    assert answer.refused and answer.answer.startswith("I can't identify people")
    assert any(r.startswith("R:SEC-PRIV") for r in _cited(answer, "R:"))
    assert not any(s.tool.startswith("detect") for s in answer.trace)


def test_refuses_emotion_inference(assistant):
    answer = assistant.ask(samples.ZIDANE, "Is the man on the right angry?")
    assert answer.refused and "infer emotions" in answer.answer


def test_unroutable_question_gets_an_honest_answer(assistant):
    answer = assistant.ask(samples.BUS, "What will the stock market do tomorrow?")
    assert answer.answer == CANNOT_TELL and answer.short_answer is None
    # nothing a notice could answer is asked, so no tool looked at the image
    assert [s.tool for s in answer.trace] == ["run_program"]
    asked = assistant.ask(samples.BUS, "Give me a recipe for banana bread.")
    assert asked.answer == CANNOT_ANSWER  # a request, not a question about the image


def test_medical_image_without_findings_is_not_called_normal(assistant):
    answer = assistant.ask(samples.dicom("CT_small.dcm"), "Triage this scan: is it urgent?")
    assert answer.domain == "medical" and answer.image.modality == "CT"
    assert answer.disclaimer and "Insufficient evidence" in answer.answer
    assert "normal" not in answer.answer.lower().replace("'normal'", "")
    # decided as a triage is: the modality guard explains the abstention, it sets no urgency
    assert answer.urgency is None
    assert answer.abstention and answer.abstention.startswith("wrong modality: DICOM modality CT")
    _assert_sound(answer)


def test_a_rule_deciding_at_u0_is_a_decision_not_an_abstention(assistant):
    answer = assistant.ask(
        samples.BUS, "What does Fleischner say about a 4 mm solid nodule in a 50-year-old low-risk patient?"
    )
    assert answer.urgency is not None and answer.urgency.level == "U0"
    assert answer.urgency.rule == "MED-FLEISCHNER-01" and answer.abstention is None
    assert "Insufficient evidence" not in answer.answer


def test_colour_of_shapes_is_answered_with_their_colours(assistant):
    answer = assistant.ask(EVAL_IMAGES / "circles.png", "What is the dominant colour of the circles?")
    assert (
        answer.answer == "The 5 circles are orange [S1][S2][S3][S4][S5]." and answer.short_answer == "orange"
    )
    _assert_sound(answer)


def test_stream_yields_steps_then_the_answer(assistant):
    events = list(assistant.stream(samples.BUS, "How many people are in this image?"))
    kinds = [e["type"] for e in events]
    assert kinds[0] == "tool_started" and "tool_finished" in kinds and kinds[-1] == "answer"
    assert events[-1]["answer"].short_answer == "3"


def test_async_ask(assistant):
    answer = asyncio.run(assistant.aask(samples.BUS, "Is there a bus?"))
    assert answer.answer.startswith("Yes")


def test_annotate_draws_the_cited_evidence(assistant, tmp_path):
    out = tmp_path / "annotated.png"
    answer = assistant.ask(samples.BUS, "How many people are in this image?", annotate=out)
    assert answer.annotated_image == str(out) and out.stat().st_size > 1000


def test_a_part_that_covers_a_thing_takes_its_colour_and_one_no_tool_outlines_does_not(assistant):
    outside = assistant.ask(samples.COFFEE, "What colour is the outside of the cup?")
    assert outside.short_answer in ("brown", "red", "dark red", "maroon")
    assert outside.answer.startswith("The cup's outside looks") and "[D" in outside.answer
    eyes = assistant.ask(samples.CHELSEA, "What colour are the cat's eyes?")
    assert eyes.short_answer is None and eyes.answer.startswith("I can't tell the colour of the cat's eyes")


def test_what_a_yes_no_question_adds_to_text_is_said_unchecked(assistant):
    answer = assistant.ask(samples.TEXT, "Is the writing on this paper handwritten?")
    assert answer.answer.startswith("I can't tell whether the text")
    assert "I do see the text: it reads" in answer.answer and "Yes" not in answer.answer


def test_rows_of_coins_are_counted_as_rows(assistant):
    answer = assistant.ask(samples.COINS, "How many rows of coins are there?")
    assert answer.short_answer == "4" and answer.answer.startswith("4 rows of coins [")
    assert "6, 6, 6 and 6 coins" in answer.answer and answer.verified
    top = assistant.ask(samples.COINS, "How many coins are in the top row?")
    assert top.short_answer == "6" and top.answer.startswith("6 coins in the top row [")
    beyond = assistant.ask(samples.COINS, "How many coins are in the fifth row?")
    assert beyond.short_answer is None and "only 4 rows" in beyond.answer


def test_what_stands_in_the_middle_of_a_photo_nothing_detects_is_the_classifier_s_guess(assistant):
    answer = assistant.ask(samples.ROCKET, "What is standing on the launch pad in the middle?")
    assert answer.short_answer == "rocket" and "[L1]" in answer.answer


@pytest.mark.parametrize(
    ("image", "question", "short", "first_words"),
    [
        (samples.BUS, "Is this indoors or outdoors?", "outdoors", "Outdoors, probably on a street: a bus [D"),
        (samples.BUS, "Was this photo taken outside?", "yes", "Yes, it looks outdoors"),
        (samples.COFFEE, "Was this photo taken outside?", "no", "No, it looks indoors"),
        (samples.ASTRONAUT, "Where was this picture taken?", None, "I can't tell where this was taken"),
    ],
)
def test_where_a_picture_was_taken_rests_on_what_is_in_it(assistant, image, question, short, first_words):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short and answer.answer.startswith(first_words)
    assert "no tool here classifies scenes" in answer.answer and answer.verified


@pytest.mark.parametrize(
    ("image", "zones", "question", "short", "first_words"),
    [
        (
            samples.BUS,
            "bus_zones.yaml",
            "Are the exit routes clear?",
            "no",
            "No: an exit route is obstructed [R:SEC-EXIT",
        ),
        (
            samples.ZIDANE,
            "zidane_zones.yaml",
            "Are the exit routes clear?",
            "yes",
            "Yes: no exit rule fired.",
        ),
        (
            samples.BUS,
            "bus_zones.yaml",
            "Should I raise an alert?",
            "yes",
            "Yes: threat level 1 (suspicious)",
        ),
    ],
)
def test_a_security_question_asked_yes_or_no_answers_yes_or_no_first(
    assistant, image, zones, question, short, first_words
):
    answer = assistant.ask(image, question, zones=samples.SUITES / zones)
    assert answer.short_answer == short and answer.answer.startswith(first_words)
    assert answer.verified and answer.domain == "security"


@pytest.mark.parametrize(
    ("image", "question", "short", "first_words"),
    [
        (samples.CHELSEA, "Is this a dog or a cat?", "cat", "A cat [D"),
        (samples.CHELSEA, "Is the animal a cat or a dog?", "cat", "A cat [D"),
        (samples.CHELSEA, "are these cats or dogs", "cat", "A cat [D"),
        (samples.BUS, "Is the vehicle a car, a bus or a truck?", "bus", "A bus [D"),
        (samples.BUS, "Is it a train or a plane?", "bus", "Neither: a bus [D"),
        (samples.ROCKET, "Is this a rocket or an airplane?", "rocket", "A rocket [L"),
    ],
)
def test_a_question_offering_things_is_answered_with_the_one_that_is_there(
    assistant, image, question, short, first_words
):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short
    assert answer.answer.startswith(first_words)
    _assert_sound(answer)


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("Is the road wet?", "I can't tell whether the road is wet"),
        ("Does the road look wet?", "I can't tell whether the road looks wet"),
        ("Are the trees green?", "I can't tell whether the trees are green"),
        ("Do the people wear hats?", "I can't tell whether the people wear hats"),
        ("Is there a person sleeping?", "I can't tell whether the person is sleeping"),
    ],
)
def test_a_state_no_tool_checks_is_never_answered_no(assistant, question, start):
    answer = assistant.ask(samples.BUS, question)
    assert answer.short_answer is None
    assert answer.answer.startswith(start)


@pytest.mark.parametrize(
    ("image", "question", "short", "first_words"),
    [
        (samples.ZIDANE, "Is anyone wearing a tie?", "yes", "Yes, possibly: a tie"),
        (samples.ZIDANE, "Is the person on the left wearing a tie?", "yes", "Yes, possibly: a tie"),
        (samples.ZIDANE, "Does anyone have a backpack?", "no", "No, I don't see any backpacks"),
        (samples.BUS, "Is anybody holding an umbrella?", "no", "No, I don't see any umbrellas"),
    ],
)
def test_what_people_wear_or_hold_is_looked_for_when_the_detector_knows_it(
    assistant, image, question, short, first_words
):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short
    assert answer.answer.startswith(first_words)
    _assert_sound(answer)


@pytest.mark.parametrize(
    ("image", "question"),
    [
        (samples.ZIDANE, "What is the man on the left holding?"),
        (samples.CAMERA, "What is the man holding?"),
        (samples.BUS, "What does the woman have in her hand?"),
    ],
)
def test_what_someone_holds_is_only_what_lies_on_them_and_otherwise_unknown(assistant, image, question):
    answer = assistant.ask(image, question)
    assert answer.program is not None and answer.program["held_by"]["label"] == "person"
    assert answer.answer.startswith("I can't tell: nothing the detector knows lies on the pe")
    assert answer.short_answer is None


@pytest.mark.parametrize(
    ("question", "short"),
    [("Is the number of people even?", "no"), ("Is there an odd number of people?", "yes")],
)
def test_a_count_s_parity_is_a_yes_no_answer_with_the_count(assistant, question, short):
    answer = assistant.ask(samples.BUS, question)
    assert answer.short_answer == short
    assert "I count 3 people" in answer.answer and "an odd number" in answer.answer


def test_one_word_of_the_text_is_read_in_reading_order(assistant):
    first = assistant.ask(samples.PAGE, "What is the first word?")
    assert first.short_answer == "Region-based" and first.answer.startswith("The first word is")
    body = assistant.ask(samples.PAGE, "What is the first word of the paragraph under the heading?")
    assert body.short_answer == "Let"
    last = assistant.ask(samples.PAGE, "What's the last word on the page?")
    assert last.short_answer == "values"
    _assert_sound(last)


def test_a_thing_asked_for_by_name_is_looked_for_again_and_hedged(assistant):
    tie = assistant.ask(samples.ZIDANE, "Is there a tie?")
    assert tie.short_answer == "yes" and tie.answer.startswith("Yes, possibly: looking again")
    _assert_sound(tie)
    phone = assistant.ask(samples.ZIDANE, "Is there a cell phone?")
    assert phone.short_answer == "no"  # what scores lower still is not offered


def test_the_thing_nearest_the_camera_stands_lowest_in_the_picture(assistant):
    near = assistant.ask(samples.BUS, "Which object is closest to the camera?")
    assert near.short_answer == "person" and "nearest the camera" in near.answer
    far = assistant.ask(samples.BUS, "What is in the background?")
    assert far.short_answer == "bus"
    _assert_sound(far)


@pytest.mark.parametrize(
    ("question", "short", "first_words"),
    [
        ("How many objects are not red?", "3", "3:"),
        ("How many shapes aren't circles?", "3", "3:"),
        ("Are all the shapes the same colour?", "no", "No: 2 blue"),
        ("Do all the objects have the same shape?", "no", "No: 2 squares"),
    ],
)
def test_drawn_shapes_counted_less_what_is_ruled_out_and_compared_among_themselves(
    assistant, question, short, first_words
):
    answer = assistant.ask(samples.SUITES / "shapes.png", question)
    assert answer.short_answer == short and answer.answer.startswith(first_words)
    _assert_sound(answer)


def test_counting_men_or_women_counts_people_and_says_so(assistant):
    answer = assistant.ask(samples.ZIDANE, "How many women are there?")
    assert answer.short_answer == "2" and "no tool here tells men from women" in answer.answer
    plain = assistant.ask(samples.ZIDANE, "How many people are there?")
    assert "men from women" not in plain.answer


@pytest.mark.parametrize(
    ("question", "short", "first_words"),
    [
        ("Are there any unattended bags?", "no", "No: no unattended-object rule fired"),
        ("Is anyone loitering?", None, "I can't tell: [R:SEC-LOITER-01] does not apply here"),
        ("Are there any intruders?", "yes", "Yes: an intrusion rule fired"),
        ("How many people are in the dock area?", "1", "1 person is in zone loading dock"),
    ],
)
def test_a_security_question_about_one_kind_of_incident_is_judged_by_its_own_rules(
    assistant, question, short, first_words
):
    answer = assistant.ask(samples.BUS, question, zones=samples.SUITES / "bus_zones.yaml")
    assert answer.short_answer == short and answer.answer.startswith(first_words)
    _assert_sound(answer)


@pytest.mark.parametrize(
    ("image", "question", "short", "first_words"),
    [
        (samples.CHELSEA, "Is the animal in the picture a dog?", "no", "No, the animal looks like a cat [D"),
        (samples.BUS, "Is the vehicle a truck?", "no", "No, the vehicle looks like a bus [D"),
        (samples.BUS, "How many people are not on the bus?", "3", "3:"),
    ],
)
def test_what_a_thing_is_asked_yes_or_no_and_a_count_less_a_relation(
    assistant, image, question, short, first_words
):
    answer = assistant.ask(image, question)
    assert answer.short_answer == short and answer.answer.startswith(first_words)
    _assert_sound(answer)
