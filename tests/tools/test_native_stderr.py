"""Native chatter on fd 2 is dropped line by line; everything else written meanwhile still arrives."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from argus.tools.native_stderr import dropping
from tests.support import samples


def test_only_the_named_lines_are_dropped(capfd) -> None:
    with dropping("Created TensorFlow Lite XNNPACK delegate"):
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\nERROR: a real problem\n")
        print("a warning from Python", file=sys.stderr)
    err = capfd.readouterr().err
    assert "XNNPACK" not in err
    assert "ERROR: a real problem" in err and "a warning from Python" in err


def test_fd_2_is_restored_after_an_error(capfd) -> None:
    with pytest.raises(RuntimeError), dropping("noise"):
        raise RuntimeError("boom")
    os.write(2, b"noise after the block\n")
    assert "noise after the block" in capfd.readouterr().err


@pytest.mark.slow
def test_the_image_classifier_loads_without_the_xnnpack_notice() -> None:
    code = (
        "from argus.tools import get_tool; from argus.tools.runtime import Runtime; "
        f"print(get_tool('classify_image', Runtime(device='cpu'))({str(samples.BUS)!r}).labels[0].label)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() and "XNNPACK" not in done.stderr
