"""Size words for things found in one image: small, medium or large.

Next to each other where their sizes clearly differ: the areas, sorted, split at the widest gaps
where one is at least ``SIZE_STEP`` times the next (one gap: small and large; two or more: small,
medium and large, at the two widest). Where they do not differ (or there is one thing), by their
share of the image.
"""

from __future__ import annotations

import math

SIZE_STEP = 2.0  # area ratio between neighbours, sorted by area, that separates two sizes
SMALL_SHARE = 0.005  # of the image, when sizes are alike
LARGE_SHARE = 0.08


def size_classes(areas: list[int] | list[float], image_area: float) -> list[str]:
    """A size word for each area, in the order given."""
    if not areas:
        return []
    order = sorted(range(len(areas)), key=lambda i: areas[i])
    logs = [math.log(max(areas[i], 1e-9)) for i in order]
    gaps = [
        (logs[k + 1] - logs[k], k)
        for k in range(len(logs) - 1)
        if logs[k + 1] - logs[k] >= math.log(SIZE_STEP)
    ]
    out = [""] * len(areas)
    if not gaps:
        for i, area in enumerate(areas):
            share = area / max(image_area, 1e-9)
            out[i] = "small" if share < SMALL_SHARE else "large" if share >= LARGE_SHARE else "medium"
        return out
    cuts = sorted(k for _, k in sorted(gaps, reverse=True)[:2])
    words = ("small", "large") if len(cuts) == 1 else ("small", "medium", "large")
    for rank, i in enumerate(order):
        out[i] = words[sum(rank > k for k in cuts)]
    return out
