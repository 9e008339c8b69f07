"""``argus bench tools``: which backends it measures."""

from __future__ import annotations

import pytest

from argus.agent.bench.tools import bench_tools
from argus.tools.runtime import Runtime
from tests.support import samples


@pytest.mark.slow
def test_a_tool_without_a_backend_option_is_measured_on_the_backend_it_picks() -> None:
    rows = bench_tools([samples.BUS], runs=1, tools=["detect_falls"], runtime=Runtime(device="cpu"))
    assert [r.backend for r in rows] == ["yolov8n-fall-onnx"]
    assert rows[0].warm_p50_ms > 0 and rows[0].raw_p50_ms > 0 and rows[0].load_ms is not None
