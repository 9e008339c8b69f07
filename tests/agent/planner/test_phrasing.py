"""Paraphrases: the same question put the way other people put it reaches the same program. The parser
table rows were written after the rewording rules, as a held-out check, and were never tuned on."""

from __future__ import annotations

import pytest

from argus.agent.core.program import render
from argus.agent.planner.normalize import normalize
from argus.agent.planner.parser import parse
from argus.agent.planner.phrasing import plain


def program(question: str) -> str:
    parsed = parse(question)
    assert parsed.by not in ("embedding", "none"), f"{question!r} fell through the grammar"
    return render(parsed.program.dump())


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "Hey, could you tell me whether there is a dog in the picture, please?",
            "is there a dog in the picture",
        ),
        ("I wonder whether you can see a tie", "can you see a tie"),
        ("Can you tell me where the cat is?", "where is the cat"),
        ("Tell me how many stars there are in the image.", "how many stars are there in the image"),
        ("Would you say the green star is large or small?", "is the green star large or small"),
        ("Could this be an MRI?", "is this an mri"),
        ("motorcycle colour?", "what colour is the motorcycle"),
        ("purple shape bigger than green star?", "is the purple shape bigger than the green star"),
        ("Is there a triangle that is green?", "is there a green triangle"),
        ("Where do you think this was taken?", "where was this taken"),
        (
            "Which circle is bigger, the orange one or the purple one?",
            "which is bigger the orange circle or the purple circle",
        ),
        ("which car is closer, the red or the blue?", "which is closer the red car or the blue car"),
        ("What do you reckon the man is holding?", "what is the man holding"),
        ("How many dogs would you say are in the picture?", "how many dogs are in the picture"),
        ("What do you think is in the box?", "what is in the box"),
        # already direct: left as it is
        ("How many people are in this image?", "how many people are in this image"),
        ("What is in the picture?", "what is in the picture"),
        ("Is it true that there is no horse?", "is it true that there is no horse"),
    ],
)
def test_a_wrapped_question_is_read_as_the_question_inside(question: str, expected: str) -> None:
    assert plain(normalize(question)) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Would you say there is no cat?", "not(exists(cat))"),
        ("Do you think the star is not red?", "not(exists(red star))"),
        ("Would it be wrong to say there's a horse?", "not(exists(horse))"),
    ],
)
def test_a_hedged_negative_keeps_its_negation(question: str, expected: str) -> None:
    assert program(question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # counting and presence, wrapped or cut short
        ("Could you count the people in this image for me?", "count(person)"),
        ("I'm curious how many people are in this photograph.", "count(person)"),
        ("Please tell me how many cups there are.", "count(cup)"),
        ("Can you tell me how many motorcycles there are?", "count(motorcycle)"),
        ("Do you see any doggy in this photo?", "exists(dog)"),
        ("I want to know whether there's a dog in the image.", "exists(dog)"),
        ("Could you check if there is a flag in the image?", "exists(flag)"),
        ("any flag in the pic?", "exists(flag)"),
        ("Tell me whether there is water in the image.", "exists(water)"),
        # identification
        ("tell me which animal this is", "identify(animal)"),
        ("Can you tell me what vehicle is in the garage?", "identify(vehicle)"),
        ("tell me what drink is in the cup", "identify(drink inside the cup)"),
        ("Tell me what's below the small purple circle.", "identify(object below the small purple circle)"),
        # attributes, in other orders and possessives
        ("rocket colour?", "attribute(rocket; attribute=colour)"),
        ("What's the rocket's colour?", "attribute(rocket; attribute=colour)"),
        ("I'd like to know what colour the flower is.", "attribute(flower; attribute=colour)"),
        ("Tell me the colour of the left man's shirt.", "attribute(person; attribute=colour; part=shirt)"),
        ("what's the background colour?", "attribute(object; attribute=colour; part=background)"),
        (
            "Could you tell me what colour the background is?",
            "attribute(object; attribute=colour; part=background)",
        ),
        ("What's the shape of the clock?", "attribute(clock; attribute=shape)"),
        ("clock shape?", "attribute(clock; attribute=shape)"),
        ("cube size?", "attribute(cube; attribute=size)"),
        ("Could you tell me how large the cube is?", "attribute(cube; attribute=size)"),
        ("Tell me where the horse is.", "attribute(horse; attribute=position)"),
        ("I wonder where the horse is", "attribute(horse; attribute=position)"),
        # relations and comparisons
        (
            "Can you tell me if the green round shape is next to the little green object?",
            "relate(green circle; relation=near; object: small green object)",
        ),
        (
            "brown cube smaller than brown cylinder?",
            "relate(brown cube; relation=smaller_than; object: brown cylinder)",
        ),
        (
            "Is the brown cube smaller then the brown cylinder?",
            "relate(brown cube; relation=smaller_than; object: brown cylinder)",
        ),
        (
            "Would you say there are more cubes than cylinders?",
            "compare(cube; comparison=more; right: cylinder)",
        ),
        # arithmetic
        ("How many shapes are there other than circles?", "arithmetic(shape; remove: circle)"),
        ("How many shapes are there, not including the circles?", "arithmetic(shape; remove: circle)"),
        ("grey squares plus one: how many?", "arithmetic(gray square; add=1)"),
        # text, kind of image, scene, quality
        ("Tell me the heading.", "title()"),
        ("Could this be a CT scan?", "modality(expected=CT)"),
        ("Am I looking at a CT scan?", "modality(expected=CT)"),
        ("Tell me what kind of scan this is.", "modality()"),
        ("Can you tell me if this was taken outdoors?", "scene(expected=outdoors)"),
        ("Can you tell whether it is day or night?", "scene(choices=['day', 'night'])"),
        ("I'd like to know whether the image is blurry.", "quality(aspect=blurry)"),
        ("Would you say the picture is well exposed?", "quality(aspect=exposure)"),
        # scans, security, refusals, negation
        ("Would you call this scan urgent?", "triage(asked=urgent)"),
        ("any intrusion?", "assess(asked=intrusion)"),
        ("Can you tell me if there's an intrusion?", "assess(asked=intrusion)"),
        ("Would you say the scene is safe?", "assess(asked=safe)"),
        ("Can you tell me who this officer is?", "refuse(face_identification)"),
        ("Can you tell me how she is feeling?", "refuse(emotion)"),
        ("Is it true there's no cat in this photo?", "not(exists(cat))"),
        ("Am I right that there aren't any cars in this image?", "not(exists(car))"),
    ],
)
def test_paraphrases_reach_the_original_question_s_program(question: str, expected: str) -> None:
    assert program(question) == expected
