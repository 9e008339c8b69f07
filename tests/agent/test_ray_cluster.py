"""The Ray connection both Ray engines share: which cluster addresses it takes, checked before any
connection is tried."""

from __future__ import annotations

import pytest

from argus.agent.ray_cluster import check_address, check_workers
from argus.tools.errors import ArgusError


@pytest.mark.parametrize(
    "address",
    [None, "auto", "ray://head:10001", "ray://10.0.0.5:10001", "head.example.org:6379", "[::1]:6379"],
)
def test_cluster_addresses_are_taken_as_given(address: str | None) -> None:
    assert check_address(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "",
        "head",
        "ray://head",
        "ray://head:0",
        "head:65536",
        "http://head:10001",
        "ray://head:10001/path",
        "ray://-head:10001",
        "ray://head:10001 --dashboard",
        "head:6379\n",
        "x" * 10_000 + ":6379",
    ],
)
def test_anything_else_is_one_clear_error(address: str) -> None:
    with pytest.raises(ArgusError, match="--ray-address must be auto") as caught:
        check_address(address)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize("workers", [0, -1])
def test_a_pool_needs_a_worker(workers: int) -> None:
    with pytest.raises(ArgusError, match="at least 1"):
        check_workers(workers)
