"""The question suites run through the Assistant on a stratified sample, against floors.

The floors are what the built-in planner scored on these samples with the question engine (typed
programs run by the executor): they guard against regressions and are raised as the engine improves.
Whatever the score, every yes/no answer starts with Yes, No or "I can't tell", and no answer shows a
library version or an internal field name.
"""

from __future__ import annotations

import pytest

from argus.agent.evaluation.harness import load_suite, run_suite
from argus.agent.evaluation.sampling import stratified_sample
from tests.support import samples

GENERATED = samples.SUITES / "generated" / "suite.jsonl"
PHOTOS = samples.SUITES / "photos.jsonl"
OUTSIDE = samples.SUITES / "outside" / "suite.jsonl"
SAMPLE = {GENERATED: 60, PHOTOS: 40, OUTSIDE: 40}
# Accuracy on the seed-0 sample of each suite, one constant per suite (see the module docstring):
# the built-in planner answers 58 of the 60 generated (96.7%), 21 of the 40 hand-checked (52.5%; most
# misses there need a part, material or scene word no bundled model has) and 27 of the 40 questions
# outside authors wrote (67.5%).
GENERATED_FLOOR = 0.96
PHOTOS_FLOOR = 0.52
OUTSIDE_FLOOR = 0.65


@pytest.fixture(scope="module")
def assistant():
    from argus import Assistant

    return Assistant()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("suite", "floor"),
    [(GENERATED, GENERATED_FLOOR), (PHOTOS, PHOTOS_FLOOR), (OUTSIDE, OUTSIDE_FLOOR)],
    ids=["generated", "photos", "outside"],
)
def test_a_sample_of_the_suite_holds_its_floor(assistant, suite, floor):
    cases = stratified_sample(
        load_suite(suite), SAMPLE[suite], seed=0, stratum=lambda c: c.case.form or c.case.category
    )
    report = run_suite(cases, assistant, suite=str(suite))
    wrong = {r.id: r.error or r.failures for r in report.results if not r.correct}
    assert report.errors == 0, wrong
    assert report.accuracy >= floor, wrong
    assert report.citation_validity in (None, 1.0)
    assert report.yes_no_format in (None, 1.0), wrong
    assert report.prose_issues == 0
    assert set(report.by_form) == {c.case.form for c in cases}
