"""What an answer's prose says against its decision, and what it must never infer about a person."""

from __future__ import annotations

import pytest

from argus.agent.core.consistency import contradictions, privacy_violations


@pytest.mark.parametrize(
    ("text", "domain", "urgency", "threat", "alerts", "problem"),
    [
        (
            "The scan is normal. Urgency U0, no follow-up needed.",
            "medical",
            "U1",
            None,
            0,
            "states urgency U0",
        ),
        ("The scan is normal.", "medical", None, None, 0, "calls the study normal"),
        ("Nothing abnormal is seen.", "medical", None, None, 0, "calls the study normal"),
        ("No follow-up is needed [R:MED-FLEISCHNER-01].", "medical", "U1", None, 0, "no follow-up"),
        ("Highest urgency: U1 from [R:MED-X].", "medical", None, None, 0, "decision is no urgency"),
        ("Threat level 0: nothing to report.", "security", "U2", 2, 1, "states threat level 0"),
        ("The scene is safe.", "security", None, 1, 2, "while 2 alert(s) fired"),
        ("No threats here.", "security", None, 1, 1, "without threat"),
    ],
)
def test_contradictions_are_found(text, domain, urgency, threat, alerts, problem):
    found = contradictions(text, domain=domain, urgency=urgency, threat_level=threat, alerts=alerts)
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    ("text", "domain", "urgency", "threat", "alerts"),
    [
        ("Urgency U1 (follow-up) from [R:MED-FLEISCHNER-04].", "medical", "U1", None, 0),
        ("No urgency is assigned: insufficient evidence is not a 'normal' result.", "medical", None, None, 0),
        ("Threat level 2 (threat) from [R:SEC-ZONE-03], with 1 alert.", "security", "U2", 2, 1),
        ("Threat level 0 (normal activity): no security rule fired.", "security", None, 0, 0),
        ("3 people are in the image [D1][D2][D3].", "general", None, None, 0),
    ],
)
def test_agreeing_text_passes(text, domain, urgency, threat, alerts):
    assert contradictions(text, domain=domain, urgency=urgency, threat_level=threat, alerts=alerts) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("This is Rear Admiral Grace Hopper, about 70 years old.", "an identity"),
        ("The woman on the left looks happy.", "an emotion"),
        ("He is smiling at the camera.", "an emotion"),
        ("She appears to be in her 60s.", "an age"),
        ("The person is a woman [D1].", "a gender"),
        ("An Asian man stands by the bus.", "a sensitive attribute"),
    ],
)
def test_what_no_answer_may_infer_about_a_person(text, kind):
    assert any(kind in v for v in privacy_violations(text))


def test_plain_counts_infer_nothing():
    assert privacy_violations("3 people are in the image [D1][D2][D3]; one stands near the bus [D4].") == []
