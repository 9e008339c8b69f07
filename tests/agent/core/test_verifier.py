"""The citation verifier on canned answers: resolving citations, checking counts, catching claims."""

from __future__ import annotations

import pytest

from argus.agent.core.verifier import verify
from argus.tools.evidence import Detection, FallState, Mask, ZoneHit


def _det(i: int, label: str) -> Detection:
    return Detection(
        id=f"D{i}", tool="detect_objects", label=label, score=0.9, box=[0, 0, 10, 10], class_id=1
    )


EVIDENCE = {
    **{f"D{i}": _det(i, "person") for i in range(1, 5)},
    "D5": _det(5, "bus"),
    "F1": FallState(id="F1", tool="detect_falls", label="Fall", score=0.8, box=[0, 0, 5, 5]),
    "M1": Mask(id="M1", tool="segment", label="region", box=[0, 0, 2, 2], area_px=4, area_fraction=0.1),
    "Z1": ZoneHit(id="Z1", tool="zones", label="person in dock", box=[0, 0, 1, 1], zone="dock",
                  attributes=["restricted"], source="D1"),
}  # fmt: skip
LABELS = {"person", "bus", "region", "knife", "dog"}


@pytest.mark.parametrize(
    ("text", "ok", "problem"),
    [
        ("I count 4 people [D1][D2][D3][D4].", True, None),
        ("I count 4 people [D1, D2, D3, D4] and a bus [D5].", True, None),
        ("Detected: 4 people [D1][D2][D3][D4], 1 bus [D5].", True, None),
        ("I count 5 people [D1][D2][D3][D4].", False, "states 5 people but cites 4"),
        ("There are three persons here.", False, "without citing evidence"),
        ("I count 4 people [D1][D2][D3][D9].", False, "cites D9, which no tool produced"),
        ("Exits must stay clear [R:SEC-EXIT-01].", True, None),
        ("Exits must stay clear [R:SEC-MADE-UP-99].", False, "never consulted"),
        ("The fall model sees 1 person fallen [F1].", True, None),
        ("In zone dock: 1 person [Z1].", True, None),
        # a zone hit is about the object it points at: one person, cited twice
        ("Yes, there is 1 person in zone dock [D1][Z1].", True, None),
        ("There are 2 people in zone dock [D1][Z1].", False, "states 2 people but cites 1"),
        ("I count 1 separate region [M1], covering 10.0% of the image (4 px).", True, None),
        ("There is a dog next to the bus.", False, "bus, dog is in the image without citing"),
        ("No knife was detected; not detected does not prove absent.", True, None),
        ("The bus [D5] is 12 m long and 3 years old.", True, None),
    ],
)
def test_verifier_table(text, ok, problem):
    verdict = verify(text, EVIDENCE, {"SEC-EXIT-01"}, LABELS)
    assert verdict.ok is ok, verdict.unsupported
    if problem:
        assert any(problem in p for p in verdict.unsupported), verdict.unsupported


def test_citations_are_listed_once_with_their_kind():
    verdict = verify(
        "4 people [D1][D2][D3][D4]; again [D1]. Rule [R:SEC-EXIT-01].", EVIDENCE, {"SEC-EXIT-01"}, LABELS
    )
    assert [c.ref for c in verdict.citations] == ["D1", "D2", "D3", "D4", "R:SEC-EXIT-01"]
    assert {c.kind for c in verdict.citations} == {"evidence", "rule"}
