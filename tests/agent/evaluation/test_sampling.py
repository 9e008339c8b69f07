"""The stratified sample behind ``argus eval --sample``."""

from __future__ import annotations

from collections import Counter

import pytest

from argus.agent.evaluation.sampling import stratified_sample

ITEMS = (
    [("count", i) for i in range(60)] + [("exists", i) for i in range(30)] + [("refuse", i) for i in range(3)]
)


def _form(item):
    return item[0]


@pytest.mark.parametrize("size", [3, 10, 31, 50, 92])
def test_the_sample_has_the_size_asked_and_keeps_every_form(size):
    sample = stratified_sample(ITEMS, size, seed=0, stratum=_form)
    assert len(sample) == size
    assert set(Counter(map(_form, sample))) == {"count", "exists", "refuse"}
    assert sample == sorted(sample, key=ITEMS.index)  # the suite's order
    assert len(set(sample)) == size


def test_shares_follow_the_suite():
    counts = Counter(map(_form, stratified_sample(ITEMS, 31, seed=0, stratum=_form)))
    assert counts == {"count": 20, "exists": 10, "refuse": 1}


def test_the_same_seed_draws_the_same_cases_and_another_seed_others():
    first = stratified_sample(ITEMS, 20, seed=4, stratum=_form)
    assert first == stratified_sample(ITEMS, 20, seed=4, stratum=_form)
    assert first != stratified_sample(ITEMS, 20, seed=5, stratum=_form)


def test_more_than_there_is_returns_everything_and_fewer_than_strata_still_works():
    assert stratified_sample(ITEMS, 500, seed=0, stratum=_form) == ITEMS
    assert len(stratified_sample(ITEMS, 2, seed=0, stratum=_form)) == 2
    assert stratified_sample([], 5, seed=0, stratum=_form) == []
