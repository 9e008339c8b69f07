"""Files in and out: the sha256 of a file read in blocks, and writing an output file a user will open
(worklist, report, export, annotated PNG) so that no reader ever sees half of it and a failure leaves
the previous file as it was."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_output(
    path: Path, *, binary: bool = False, newline: str | None = None, mode_bits: int | None = None
) -> Iterator[IO[Any]]:
    """A file to write that replaces ``path`` in one step when the block ends: written beside it under
    a temporary name, synced, then renamed. On any error the temporary file is removed and the error
    goes on. ``mode_bits`` widens the temporary file's owner-only permissions where others should read it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if mode_bits is not None:
            os.chmod(tmp, mode_bits)
        opened = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline=newline)
        with opened as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read a megabyte at a time (an index or a DICOM can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
