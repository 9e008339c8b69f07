"""What a person is doing by what they hold or ride: the object must lie on (or under) the person's box,
and a weak detection makes the activity only possible."""

from __future__ import annotations

import pytest

from argus.agent.core.people import Person, _activity
from argus.agent.core.things import Thing

PERSON = Thing(id="D1", label="person", box=[100, 100, 200, 400], score=0.9)


@pytest.mark.parametrize(
    ("thing", "activity"),
    [
        (Thing(id="D2", label="tennis racket", box=[150, 200, 190, 260], score=0.8), "playing tennis"),
        (Thing(id="D2", label="sports ball", box=[120, 350, 150, 380], score=0.7), "playing with a ball"),
        (Thing(id="D2", label="cell phone", box=[140, 150, 160, 180], score=0.3), "possibly using a phone"),
        (Thing(id="D2", label="laptop", box=[110, 250, 190, 300], score=0.9), "using a computer"),
        (Thing(id="D2", label="horse", box=[60, 250, 260, 500], score=0.9), "riding a horse"),
        (Thing(id="D2", label="surfboard", box=[90, 360, 230, 420], score=0.9), "surfing"),
    ],
)
def test_what_they_hold_or_ride_says_what_they_do(thing, activity):
    said, cites = _activity(Person(PERSON, None), [PERSON, thing], [])
    assert said == activity and cites == "[D1][D2]"


@pytest.mark.parametrize(
    "thing",
    [
        Thing(id="D2", label="tennis racket", box=[400, 200, 440, 260], score=0.9),  # someone else's
        Thing(id="D2", label="horse", box=[300, 250, 500, 500], score=0.9),  # beside the person, not under
        Thing(id="D2", label="bus", box=[0, 0, 600, 500], score=0.9),  # says nothing about what they do
    ],
)
def test_things_off_the_person_say_nothing(thing):
    assert _activity(Person(PERSON, None), [PERSON, thing], []) == (None, "")
