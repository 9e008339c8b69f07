"""Questions in two clauses or in another word order reach the program of the direct question. The rows
were written after the clause rules, from phrasings not used to write them."""

from __future__ import annotations

import pytest

from argus.agent.core.program import render
from argus.agent.planner.clauses import ask_wh, reorder, statement_question
from argus.agent.planner.normalize import normalize
from argus.agent.planner.parser import parse


def program(question: str) -> str:
    parsed = parse(question)
    assert parsed.by not in ("embedding", "none"), f"{question!r} fell through the grammar"
    return render(parsed.program.dump())


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # context first
        ("In this image, how many cats are there?", "count(cat)"),
        ("In the picture, is there a horse?", "exists(horse)"),
        ("On the table, is there a cup?", "relate(cup; relation=on; object: dining table)"),
        ("In the photo, what colour is the bus?", "attribute(bus; attribute=colour)"),
        # a topic, then the question about it
        ("The bus, what colour is it?", "attribute(bus; attribute=colour)"),
        ("Cats: how many of them are there?", "count(cat)"),
        (
            "Looking at the car, is the dog to its left or to its right?",
            "relate(dog; choices=['left_of', 'right_of']; object: car)",
        ),
        # a statement put up to be confirmed
        ("There is a horse in this picture, right?", "exists(horse)"),
        ("The cat is on the left of the dog, isn't it?", "relate(cat; relation=left_of; object: dog)"),
        ("This is an MRI, right?", "modality(expected=MRI)"),
        ("The sign says stop, doesn't it?", "text_contains(query=stop)"),
        # the wh-word last
        ("The bus is what colour?", "attribute(bus; attribute=colour)"),
        ("The object on the table is what?", "identify(object on the dining table)"),
        ("Which colour has the car?", "attribute(car; attribute=colour)"),
        ("Which color has the star got?", "attribute(star; attribute=colour)"),
        ("What colour have the buses got?", "attribute(bus; attribute=colour)"),
        # clothes worn, asked by colour
        ("What colour jacket is the woman wearing?", "attribute(person; attribute=colour; part=jacket)"),
        ("What colour is the hat he is wearing?", "attribute(person; attribute=colour; part=hat)"),
        # casual and learner's English
        ("how many dogs r in the pic", "count(dog)"),
        ("How much cars are there?", "count(car)"),
        ("how many folks can u see", "count(person)"),
        ("Is this photo enough bright?", "not(quality(aspect=dark))"),
        # numbers as words
        ("Is the number of people greater than two hundred?", "compare(person; comparison=more; than=200)"),
        ("If two cats were added, how many cats would there be?", "arithmetic(cat; add=2)"),
        # terse
        ("cat anywhere in the picture?", "exists(cat)"),
        ("dangerous scene?", "assess(asked=alert)"),
        ("night or day?", "scene(choices=['night', 'day'])"),
        ("Is this an indoor picture?", "scene(expected=indoors)"),
        ("Is a bicycle visible in the image?", "exists(bicycle)"),
        ("red shapes minus blue circles?", "arithmetic(red shape; minus: blue circle)"),
        ("By how many do the cats outnumber the dogs?", "arithmetic(cat; minus: dog)"),
        ("Lung-RADS recommendation for a 5 mm nodule?", "rules"),
        ("Could you tell me what the label says?", "read_text()"),
        ("Give me a quick summary of the photo.", "describe()"),
        ("Does this x-ray have to be read urgently?", "triage(asked=urgent)"),
    ],
)
def test_two_clauses_or_another_order_reach_the_direct_program(question: str, expected: str) -> None:
    got = program(question)
    assert got.startswith("rules(") if expected == "rules" else got == expected


@pytest.mark.parametrize(
    "question",
    [
        "I'd like to know who the woman in red is.",
        "I wonder who the man on the left is",
        "Do you know who she is?",
    ],
)
def test_an_embedded_who_is_still_a_request_to_identify(question: str) -> None:
    assert render(parse(question).program.dump()) == "refuse(face_identification)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("there is a cat", "is there a cat"),
        ("she wears a hat", "does she wear a hat"),
        ("the picture shows two dogs", "does the picture show two dogs"),
        ("triage this scan", None),
    ],
)
def test_a_statement_is_asked_with_its_own_verb(text: str, expected: str | None) -> None:
    assert statement_question(text) == expected


def test_an_embedded_wh_clause_with_a_main_verb_takes_do() -> None:
    assert ask_wh("what the sign says") == "what does the sign say"
    assert ask_wh("where the cat is") == "where is the cat"


@pytest.mark.parametrize(
    "question",
    [
        "Is the horse facing left or right?",  # a side, not a tag
        "Is the spoon on the right?",
        "And how many of them are near the bus?",  # a follow-up, not a topic
        "Please triage this scan, is it urgent or not?",
        "Is it true that there is no horse?",
    ],
)
def test_a_question_already_in_one_clause_is_left_alone(question: str) -> None:
    text = normalize(question)
    assert reorder(text).split()[:3] == text.split()[:3]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is in the cup?", "identify(object inside the cup)"),
        ("What is in the picture?", "describe()"),
        ("A red circle is visible, right?", "exists(red circle)"),
        ("This exam is a CT, isn't it?", "modality(expected=CT)"),
    ],
)
def test_what_a_thing_holds_and_what_a_study_is(question: str, expected: str) -> None:
    assert program(question) == expected


def test_a_negative_statement_with_a_tag_keeps_its_negation() -> None:
    assert program("There is no dog here, right?") == "not(exists(dog))"
    assert program("The cat isn't black, is it?") == "exists(black cat)"
