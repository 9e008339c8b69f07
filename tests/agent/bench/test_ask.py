"""argus bench ask: a fresh ``argus ask`` process runs from any folder, as an installed user's would."""

from __future__ import annotations

import pytest

from argus.agent.bench.ask import cold_runs
from tests.support import samples


@pytest.mark.slow
def test_cold_runs_start_argus_from_a_folder_outside_the_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    times = cold_runs([(str(samples.BUS), "How many people are in this image?")], 1)
    assert len(times) == 1 and times[0] > 0
