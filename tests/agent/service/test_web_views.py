"""What the web app shows of an answer: the short answer, the disclaimer as large as the answer, and
the cited items as boxes and masks the annotated image can highlight."""

from __future__ import annotations

import numpy as np

from argus.agent.core.answer import MEDICAL_DISCLAIMER, Answer, Citation, RuleRef, UrgencyInfo
from argus.agent.service.web import views


def answer(**extra) -> Answer:
    base = {
        "question": "How many people?",
        "answer": "2 people are in the image [D1][M1].",
        "short_answer": "2",
        "domain": "general",
        "evidence": [
            {
                "id": "D1",
                "tool": "detect_objects",
                "label": "person",
                "score": 0.91,
                "box": [1.4, 2.6, 10, 20],
            },
            {"id": "D2", "tool": "detect_objects", "label": "bus", "score": 0.8, "box": [0, 0, 5, 5]},
            {
                "id": "M1",
                "tool": "segment",
                "label": "person",
                "score": None,
                "box": [0, 0, 2, 2],
                "rle": {"size": [4, 3], "counts": [0, 4, 8]},
            },
        ],
        "citations": [Citation(ref="D1", resolved=True), Citation(ref="M1", resolved=True)],
    }
    return Answer(**{**base, **extra})


def test_cited_items_become_boxes_and_masks_uncited_ones_are_left_out():
    shown = views.image_annotations(answer())
    assert shown[0] == ((1, 3, 10, 20), "D1 person 0.91")
    mask, label = shown[1]
    assert label == "M1 person" and mask.shape == (4, 3) and mask.dtype == np.float32
    assert mask[:, 0].sum() == 4 and mask[:, 1:].sum() == 0  # column-major RLE: the first column
    assert all(not label.startswith("D2") for _, label in shown)


def test_the_answer_reads_short_answer_first_and_keeps_citations_literal():
    text = views.answer_markdown(answer())
    assert text.startswith("### Answer: 2")
    assert r"\[D1\]\[M1\]" in text  # shown as written, not read as Markdown links


def test_a_medical_disclaimer_is_a_heading_before_the_answer():
    medical = answer(
        domain="medical",
        disclaimer=MEDICAL_DISCLAIMER,
        urgency=UrgencyInfo(
            level="U1", label="scheduled follow-up", native="CT at 3 months", rule="MED-FLEISCHNER-04"
        ),
    )
    text = views.answer_markdown(medical)
    first, second = text.split("\n\n")[:2]
    assert first.startswith("### ") and "not a medical device" in first
    assert second.startswith("### Answer")
    assert "MED-FLEISCHNER-04" in text
    assert views.chat_reply(medical).startswith("**Research and education software")


def test_rules_keep_their_source_and_url():
    rule = RuleRef(
        id="SEC-EXIT-01",
        title="Exit",
        source="OSHA, 29 CFR 1910.37",
        url="https://x.example/a",
        fired=True,
        why="w",
    )
    rows = views.rule_rows(answer(rules=[rule]))
    assert rows == [["SEC-EXIT-01", "fired", "", "Exit", "OSHA, 29 CFR 1910.37 https://x.example/a", "w"]]
