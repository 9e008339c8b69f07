"""Writing an output file atomically: a failure anywhere (a full disk, no permission, a read-only file
system) is one error naming the file, and the previous file stays as it was with nothing left beside it."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from argus.tools.errors import FileWriteError
from argus.tools.file_io import atomic_output


def _fail(code: int) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    ("where", "code", "advice"),
    [
        ("fsync", errno.ENOSPC, "free some space there or write elsewhere"),
        ("mkstemp", errno.EACCES, "choose a folder you can write to"),
        ("replace", errno.EROFS, "choose a folder you can write to"),
    ],
)
def test_every_failure_is_one_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, code: int, advice: str
) -> None:
    target = tmp_path / "worklist.jsonl"
    target.write_text("the previous worklist\n")
    owner = tempfile if where == "mkstemp" else os
    monkeypatch.setattr(owner, where, _fail(code))
    with pytest.raises(FileWriteError) as caught, atomic_output(target) as fh:
        fh.write("a new worklist\n")
    message = str(caught.value)
    assert f"cannot write {target}" in message and os.strerror(code) in message and advice in message
    assert target.read_text() == "the previous worklist\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["worklist.jsonl"]


def test_a_write_that_fails_in_the_block_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    with pytest.raises(FileWriteError, match="report.html: .*No space left on device"), atomic_output(target):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.html"]
