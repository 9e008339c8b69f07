"""User errors at the command line: one clear line on stderr, exit status 2, never a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from argus.cli import app
from tests.support import samples


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "missing.jpg", "how many people?"], "no such file"),
        (["ask", str(samples.EXAMPLE_BUS), "   "], "the question is empty"),
        (["ask", str(samples.EXAMPLE_BUS), "x" * 2001], "the limit is 2,000"),
        (["ask", str(samples.EXAMPLE_BUS), "how many?", "--domain", "cooking"], "domain must be general"),
        (["ask", str(samples.EXAMPLE_BUS), "how many?", "--time", "25:99"], "time must be HH:MM"),
        (["ask", str(samples.EXAMPLE_BUS), "how many?", "--zones", "nope.yaml"], "zones file not found"),
        (
            ["ask", str(samples.EXAMPLE_BUS), "how many?", "--findings", "nope.yaml"],
            "findings file not found",
        ),
        # the message carries an install extra in brackets: it must reach the user intact
        (
            ["detect", str(samples.dicom("MR_small_jpeg_ls_lossless.dcm"))],
            "pip install 'argus[dicom-codecs]'",
        ),
    ],
)
def test_user_errors_are_one_line(args, message):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
