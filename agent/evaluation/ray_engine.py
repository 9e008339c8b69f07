"""``argus eval --engine ray``: a suite's cases answered on a Ray cluster, scored as the local engine
scores them.

The driver loads (and samples) the suite and builds its ``Assistant`` as the local engine would, which
checks the options and the rule packs before anything starts. Each case then goes out as a small JSON
item to a Ray Data actor pool (``argus.agent.ray_cluster``): each actor builds one ``Assistant`` with the
driver's options, checks that it loaded the driver's rule packs, and answers its cases with
``harness.run_case``, so an error a case raises (an unreadable image, a bad zones file) stays that
case's result. Results stream back in the suite's order and the driver builds the same ``EvalReport``.
Every node must read the suite's images, zones and findings at the paths the driver sends (absolute
paths: a shared file system, or the same installed samples).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from argus.agent.assistant import Assistant
from argus.agent.domains.medical.identity import RunSettings, run_settings
from argus.agent.evaluation.harness import SuiteCase, collect, run_case
from argus.agent.evaluation.report import CaseResult, EvalReport
from argus.agent.ray_cluster import RayCluster, check_workers, limit_threads
from argus.tools.errors import ArgusError

CASES_PER_CALL = 1  # a case takes far longer than a round trip; one at a time keeps the actors evenly busy


class EvalSettings(BaseModel):
    """The options the driver built its Assistant with, for every worker to build the same one."""

    llm: str | None = None
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    device: str = "auto"
    rules_dirs: list[str] = []
    run: RunSettings

    def assistant(self) -> Assistant:
        return Assistant(
            llm=self.llm,
            llm_url=self.llm_url,
            llm_model=self.llm_model,
            llm_api_key=self.llm_api_key,
            device=self.device,
            rules_dirs=list(self.rules_dirs),
        )


class RayEvalEngine:
    """Answers a suite's cases with ``workers`` Ray actors, one CPU each.

    Args:
        settings: the driver's Assistant options and the rule packs it loaded.
        address: ``auto``, ``ray://HOST:PORT`` or ``HOST:PORT``; None starts a local Ray for this run.
        workers: actors in the pool (default: the cluster's CPUs).
        num_cpus: CPUs of the local Ray this engine starts (default: all).

    Raises:
        ArgusError: Ray is not installed, the address is malformed or the cluster cannot be reached.
    """

    def __init__(
        self,
        settings: EvalSettings,
        *,
        address: str | None = None,
        workers: int | None = None,
        num_cpus: int | None = None,
    ) -> None:
        check_workers(workers)
        self.settings = settings
        self.cluster = RayCluster(address, num_cpus)
        try:
            self.workers = self.cluster.pool_size(workers, "an eval worker")
        except ArgusError:
            self.cluster.close()
            raise

    def results(self, cases: list[SuiteCase]) -> Iterator[CaseResult]:
        """Each case's result, in the cases' order, as the actors send them back.

        Raises:
            ArgusError: a worker could not start (other rule packs on its node, options it cannot use).
        """
        # exclude_unset: a case goes out as it was written (its checks' defaults would read as given)
        items = [{"case": _absolute(item).model_dump_json(exclude_unset=True)} for item in cases]
        batches = self.cluster.map_actors(
            items,
            EvalActor,
            workers=self.workers,
            batch_size=CASES_PER_CALL,
            constructor_kwargs={"settings_json": self.settings.model_dump_json()},
        )
        for batch in batches:
            for result, error in zip(batch["result"], batch["error"], strict=True):
                if error:
                    raise ArgusError(str(error))
                yield CaseResult.model_validate_json(str(result))

    def run_suite(
        self,
        cases: list[SuiteCase],
        *,
        suite: str = "",
        on_result: Callable[[CaseResult], None] | None = None,
    ) -> EvalReport:
        """``harness.run_suite`` on the cluster: the same report, each latency measured on its worker."""
        return collect(self.results(cases), suite=suite, on_result=on_result)

    def close(self) -> None:
        """Disconnect; a local Ray this engine started stops with it."""
        self.cluster.close()

    def __enter__(self) -> RayEvalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _absolute(item: SuiteCase) -> SuiteCase:
    """The case with its files named from the root: Ray's workers do not run in the driver's folder."""
    findings = item.findings.absolute() if isinstance(item.findings, Path) else item.findings
    zones = item.zones_path.absolute() if item.zones_path is not None else None
    return item.model_copy(
        update={"image_path": item.image_path.absolute(), "zones_path": zones, "findings": findings}
    )


class EvalActor:
    """A Ray Data actor: one Assistant, built once, answering one batch of cases per call."""

    def __init__(self, settings_json: str, threads: int) -> None:
        limit_threads(threads)
        self.error = ""
        self.assistant: Assistant | None = None
        try:
            settings = EvalSettings.model_validate_json(settings_json)
            assistant = settings.assistant()
            if run_settings(assistant) != settings.run:
                raise ArgusError(
                    "it loaded other rule packs or another Argus release than the driver; give every "
                    "machine the same Argus and rule packs"
                )
            self.assistant = assistant
        except ArgusError as exc:  # sent back with every case below: the driver stops with this reason
            self.error = f"an eval worker could not start on {os.uname().nodename}: {exc}"

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        cases = [SuiteCase.model_validate_json(str(text)) for text in batch["case"]]
        if self.assistant is None:
            results, errors = ["" for _ in cases], [self.error for _ in cases]
        else:
            results = [run_case(item, self.assistant).model_dump_json() for item in cases]
            errors = ["" for _ in cases]
        return {"result": np.array(results, dtype=object), "error": np.array(errors, dtype=object)}
