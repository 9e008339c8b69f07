"""Running Argus's work on a Ray cluster, shared by ``argus triage --engine ray`` and ``argus eval
--engine ray``: checking the address, connecting (or starting a local Ray for this process), and
streaming items through a fixed-size pool of Ray Data actors.

The driver turns its work into small JSON items; ``map_batches`` hands them to a stateful actor class
in an actor pool (one CPU each), where each actor builds its models once, and the answers come back in
the items' order (``preserve_order``). Ray restarts an actor that dies and runs its batch again.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from argus.tools.errors import ArgusError

if TYPE_CHECKING:
    import numpy as np

RAY_MISSING = "the Ray engine needs Ray, which is not installed here: pip install 'argus[ray]'"
_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])"
_ADDRESS = re.compile(rf"(?:ray://)?{_HOST}:(?P<port>\d{{1,5}})")
MAX_ADDRESS = 300


def require_ray() -> Any:
    """The ``ray`` module, or one clear error saying what to install."""
    try:
        import ray
        import ray.data  # noqa: F401  # Ray Data ships with ray[data]; a bare ray lacks its dependencies
    except ImportError:
        raise ArgusError(RAY_MISSING) from None
    return ray


def check_address(address: str | None) -> str | None:
    """``address`` when it names a cluster: ``auto``, ``ray://HOST:PORT`` (Ray Client) or ``HOST:PORT``
    (the head node's address); None (a local Ray for this run) stays None.

    Raises:
        ArgusError: anything else, before any connection is tried.
    """
    if address is None or address == "auto":
        return address
    found = _ADDRESS.fullmatch(address) if len(address) <= MAX_ADDRESS else None
    if found is None or not 0 < int(found["port"]) < 65536:
        shown = address if len(address) <= 80 else address[:77] + "..."
        raise ArgusError(
            f"--ray-address must be auto, ray://HOST:PORT (a cluster's Ray Client port) or HOST:PORT "
            f"(its head node), got {shown!r}"
        )
    return address


def check_workers(workers: int | None) -> None:
    if workers is not None and workers < 1:
        raise ArgusError(f"workers must be at least 1, got {workers}")


def limit_threads(threads: int) -> None:
    """In an actor, before any model loads: share the node's CPUs among the actors on it."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)


class RayCluster:
    """A connection to a Ray cluster, or a local Ray started for this process and stopped with ``close``.

    Args:
        address: ``auto`` (the cluster running on this machine), ``ray://HOST:PORT`` or ``HOST:PORT``;
            None starts a local Ray for this process.
        num_cpus: CPUs of the local Ray started here (default: all).

    Raises:
        ArgusError: a malformed address, Ray not installed, or a cluster that cannot be reached.
    """

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        self.address = check_address(address)
        self.ray = require_ray()
        self._started_here = False
        if self.ray.is_initialized():
            return
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": True,
            "logging_level": "WARNING",
        }
        if self.address is None:
            options["num_cpus"] = num_cpus
        try:
            self.ray.init(address=self.address, **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ArgusError(f"cannot reach the Ray cluster at {self.where()}: {exc}") from None
        self._started_here = True

    def where(self) -> str:
        return self.address or "this machine (a local Ray started for this run)"

    def cpus(self) -> int:
        return int(self.ray.cluster_resources().get("CPU", 0))

    def gpus(self) -> float:
        return float(self.ray.cluster_resources().get("GPU", 0))

    def pool_size(self, workers: int | None, what: str) -> int:
        """``workers``, or one actor per CPU of the cluster; an error when it has no CPU for ``what``."""
        cpus = self.cpus()
        if cpus < 1:
            raise ArgusError(f"the Ray cluster at {self.where()} has no CPU to run {what} on")
        return workers or cpus

    def map_actors(
        self,
        items: list[dict[str, str]],
        actor: type,
        *,
        workers: int,
        batch_size: int,
        constructor_kwargs: Mapping[str, Any],
        gpus_per_worker: float = 0.0,
    ) -> Iterator[dict[str, np.ndarray]]:
        """``items`` through a pool of ``workers`` ``actor`` instances (built with ``constructor_kwargs``
        and ``threads``: their share of the cluster's CPUs), ``batch_size`` items a call; the actors'
        output batches come back in the items' order."""
        if not items:
            return
        ray = self.ray
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False  # the commands draw their own
        threads = max(1, self.cpus() // workers)
        dataset = ray.data.from_items(
            items, override_num_blocks=math.ceil(len(items) / batch_size)
        ).map_batches(
            actor,
            batch_size=batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=1,
            num_gpus=gpus_per_worker or None,
            fn_constructor_kwargs={**constructor_kwargs, "threads": threads},
            udf_modifying_row_count=False,
        )
        yield from dataset.iter_batches(batch_size=None, batch_format="numpy")

    def close(self) -> None:
        """Disconnect; a local Ray started here stops with it."""
        if self._started_here and self.ray.is_initialized():
            self.ray.shutdown()
        self._started_here = False
