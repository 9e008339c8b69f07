"""Which outlines may be the pieces of one thing: only those that lie together."""

from __future__ import annotations

import pytest

from argus.agent.core.whole_object import lie_together


@pytest.mark.parametrize(
    ("boxes", "together"),
    [
        ([], False),
        ([[0, 0, 10, 10]], True),
        ([[0, 0, 10, 10], [12, 0, 20, 10], [20, 8, 30, 20]], True),  # a chain of near neighbours
        ([[0, 0, 10, 10], [40, 40, 50, 50]], False),  # two things apart
        ([[0, 0, 10, 10], [12, 0, 20, 10], [60, 60, 70, 70]], False),  # one of three apart
    ],
)
def test_outlines_lie_together_only_when_each_nearly_touches_the_rest(boxes, together):
    assert lie_together(boxes, gap=3) is together
