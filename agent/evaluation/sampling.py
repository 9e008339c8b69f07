"""A stratified sample of a suite: every form (or category) keeps its share, none is left out, and the
same seed draws the same cases. For quick runs and CI."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def stratified_sample(items: list[T], size: int, seed: int, stratum: Callable[[T], str]) -> list[T]:
    """``size`` items drawn from ``items`` in proportion to their strata (largest remainders), at least
    one from each stratum while ``size`` allows, in their original order."""
    if size >= len(items):
        return list(items)
    groups: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        groups[stratum(item)].append(index)
    names = sorted(groups)
    quotas = {name: size * len(groups[name]) / len(items) for name in names}
    take = {name: int(quotas[name]) for name in names}
    if size >= len(names):
        for name in names:
            take[name] = max(take[name], 1)
    spare = size - sum(take.values())
    by_remainder = sorted(names, key=lambda n: (-(quotas[n] - int(quotas[n])), n))
    for name in by_remainder:
        if spare <= 0:
            break
        if take[name] < len(groups[name]):
            take[name] += 1
            spare -= 1
    while sum(take.values()) > size:  # more strata than room: drop the smallest quotas' extra picks
        name = min((n for n in names if take[n] > 0), key=lambda n: (quotas[n], n))
        take[name] -= 1
    rng = random.Random(f"argus-eval-sample-{seed}")
    chosen = [i for name in names for i in sorted(rng.sample(groups[name], take[name]))]
    return [items[i] for i in sorted(chosen)]
