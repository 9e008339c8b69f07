"""Reading answers as a benchmark does: the normaliser, the first-sentence judge, and the answer-form
checks, on canned strings."""

from __future__ import annotations

import pytest

from argus.agent.evaluation.answers import (
    answer_kind,
    first_sentence,
    matches,
    mentions,
    normalise,
    prose_answers,
    starts_with_number,
    starts_yes_no,
)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("Yes", "yes"),
        ("No.", "no"),
        ("The two red Circles.", "2 red circle"),
        ("a cat", "cat"),
        ("An umbrella!", "umbrella"),
        ("Grey", "gray"),
        ("light grey", "light gray"),
        ("four", "4"),
        ("Twelve", "12"),
        ("none", "0"),
        ("4.0", "4"),
        ("41.80", "41.8"),
        ("3.", "3"),
        ("people", "person"),
        ("Women", "woman"),
        ("buses", "bus"),
        ("bus", "bus"),
        ("boxes", "box"),
        ("glasses", "glass"),
        ("horses", "horse"),
        ("Vases", "vase"),
        ("sizes", "size"),
        ("buses", "bus"),
        ("dishes", "dish"),
        ("lorries", "lorry"),
        ("yes", "yes"),
        ("X-ray", "x ray"),
        ("NO PARKING", "no parking"),
        ("M1 SOL/SEVILLA", "m1 sol sevilla"),
        ("It's the \u201cmain\u201d one", "its main 1"),
        ("I can\u2019t tell", "i cant tell"),
        ("  lots   of   space ", "lot of space"),
        ("", ""),
    ],
)
def test_normalise(text, normal):
    assert normalise(text) == normal


@pytest.mark.parametrize(
    ("given", "accepted", "expected"),
    [
        ("Yes.", ["yes"], True),
        ("yes", ["no"], False),
        ("Four", ["4"], True),
        ("4 circles", ["4"], False),
        ("grey", ["gray", "grey"], True),
        ("The red circle", ["circle", "red circle"], True),
        ("red", ["circle", "red circle"], False),
        ("CT scan", ["ct", "ct scan"], True),
        ("No Parking", ["NO PARKING"], True),
        ("cats", ["cat"], True),
        ("", ["yes"], False),
    ],
)
def test_matches(given, accepted, expected):
    assert matches(given, accepted) is expected


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("Yes: 1 bus detected [D2]. It covers 40%.", "Yes: 1 bus detected."),
        ("The bus covers 41.8% of the image. More.", "The bus covers 41.8% of the image."),
        ("One line\nanother line", "One line"),
        ("", ""),
    ],
)
def test_first_sentence_drops_citations_and_keeps_decimals(text, sentence):
    assert first_sentence(text) == sentence


@pytest.mark.parametrize(
    ("accepted", "kind"),
    [
        (["yes"], "yes/no"),
        (["No"], "yes/no"),
        (["4"], "number"),
        (["four"], "number"),
        (["red", "4"], "phrase"),
    ],
)
def test_answer_kind(accepted, kind):
    assert answer_kind(accepted) == kind


@pytest.mark.parametrize(
    ("accepted", "answer", "question", "expected"),
    [
        (["yes"], "Yes: 1 bus detected [D2].", "Is there a bus?", True),
        (["no"], "No dog was detected.", "Is there a dog?", True),
        (["yes"], "No dog was detected.", "Is there a dog?", False),
        (["yes"], "I can't tell from this image.", "Is it sharp?", False),
        (["yes"], "There is 1 bus [D2]. Yes.", "Is there a bus?", False),  # the answer must come first
        (["3"], "I count 3 people [D1][D2][D3].", "How many people?", True),
        (["4"], "I count 3 people [D1][D2][D3].", "How many people?", False),
        (["0"], "No person was detected.", "How many people?", True),
        (["5"], "Dominant colours: gray 49% [K1]. I count 5 circles.", "How many circles?", False),
        (["green"], "Of the 1 triangle, 1 is green [S6].", "What colour is the triangle?", True),
        (["green"], "Dominant colours: gray 49%, green 10% [K1].", "What colour is the triangle?", False),
        (["green"], "The triangle is green and the square is blue.", "What colour is the triangle?", False),
        (["circle", "red circle"], "The red circle [S1] is left of the blue square [S2].", "What is left of the blue square?", True),
        (["cat", "kitty"], "A cat [D1] lying on a bed [D2].", "What animal is this?", True),
        (["cat", "kitty"], "I see a cat [D1] and a dog [D2].", "What animal is this?", False),
        (["ct", "ct scan"], "This is a CT scan.", "What kind of scan is this?", True),
        (["ct", "ct scan"], "This looks like a CT or an MRI.", "What kind of scan is this?", False),
        (["ct", "ct scan"], "It might be an MRI. It is a CT.", "What kind of scan is this?", False),  # the first sentence
        (["left", "on left"], "The star is on the left.", "Is the star on the left or the right?", True),
        (["NO PARKING"], "The sign reads \"NO PARKING\" [T1].", "What does the sign say?", True),
        (["yes", "I can't tell"], "I can't tell: no tool here sees people or animals sleep.", "Is the cat asleep?", True),
        (["orange", "I can't tell"], "I can't tell what the person wears [D1].", "What is she wearing?", True),
        (["no", "I can't tell"], "Yes, there is 1 cup [D1].", "Is that tea?", False),
        (["yes"], "I can't tell whether it is sunny.", "Is it sunny?", False),
        (["2", "I can't tell"], "2 people [D1][D2].", "How many wear ties?", True),
    ],
)  # fmt: skip
def test_prose_answers(accepted, answer, question, expected):
    assert prose_answers(accepted, answer, question) is expected


@pytest.mark.parametrize(
    ("text", "alternatives", "expected"),
    [
        ("Two cats sit on a bus [D1].", ["cat", "kitty"], True),
        ("A kitty.", ["cat", "kitty"], True),
        ("A catalogue of shapes.", ["cat"], False),  # whole words only
        ("Three people and a bus.", ["person", "man"], True),
        ("Nothing here.", ["bus"], False),
    ],
)
def test_mentions(text, alternatives, expected):
    assert mentions(text, alternatives) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes: 1 bus detected.", True),
        ("No dog was detected.", True),
        ("  yes, there is one", True),
        ("I can't tell from this image.", True),
        ("I can\u2019t tell.", True),
        ("I cannot tell.", True),
        ("Nothing was found.", False),
        ("Dominant colours: gray 49%.", False),
        ("There is 1 bus. Yes.", False),
    ],
)
def test_starts_yes_no(text, expected):
    assert starts_yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 people [D1][D2][D3].", True),
        ("Three people.", True),
        ("No person was detected.", True),
        ("I count 3 people.", False),
        ("There are 4.", False),
        ("I can't tell how many towers there are: the detector has no class for them.", True),
        ("I can't count them.", False),
    ],
)
def test_starts_with_number(text, expected):
    assert starts_with_number(text) is expected
