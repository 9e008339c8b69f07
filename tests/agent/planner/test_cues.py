"""Keyword cues that decide a question's intent alone; each case here was routed wrong by the
evaluation suite (tests/eval/suite.jsonl) before its cue was fixed."""

from __future__ import annotations

import pytest

from argus.agent.planner.intents import Intent, classify, cue_intents


@pytest.mark.parametrize(
    ("question", "cued"),
    [
        # "exit route" did not match the plural, so the security cue alone sent it to a scene check.
        ("What is the rule for blocked exit routes?", {Intent.RULE_LOOKUP, Intent.SECURITY}),
        ("What does the guideline say about nodules?", {Intent.RULE_LOOKUP}),
        # "Which ... category" was no look-up cue, so "CT" alone sent it to a triage of the image.
        ("Which Lung-RADS category is a 9 mm solid nodule on a baseline screening CT?", {Intent.RULE_LOOKUP}),
        # "intrud\w*" missed "intrusion", so only "is there" was cued and no fall or zone check ran.
        ("Is there an intrusion?", {Intent.SECURITY}),
    ],
)
def test_plural_and_noun_forms_are_cued(question, cued):
    assert cued <= set(cue_intents(question))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What is the rule for blocked exit routes?", Intent.RULE_LOOKUP),
        ("Which Lung-RADS category is a 9 mm solid nodule on a baseline screening CT?", Intent.RULE_LOOKUP),
        ("Is there an intrusion?", Intent.SECURITY),
    ],
)
def test_the_embeddings_settle_them_as_intended(question, intent):
    assert classify(question)[0] is intent
