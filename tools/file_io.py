"""Files in and out: the sha256 of a file read in blocks, and writing an output file a user will open
(worklist, report, export, annotated PNG) so that no reader ever sees half of it and a failure leaves
the previous file as it was."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from argus.tools.errors import FileWriteError

_FULL = {errno.ENOSPC, errno.EDQUOT}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


@contextmanager
def atomic_output(
    path: Path, *, binary: bool = False, newline: str | None = None, mode_bits: int | None = None
) -> Iterator[IO[Any]]:
    """A file to write that replaces ``path`` in one step when the block ends: written beside it under
    a temporary name, synced, then renamed. On any error the temporary file is removed and ``path`` is
    left as it was; an ``OSError`` on the way (a full disk, no permission, a read-only file system),
    in the block or here, becomes a ``FileWriteError`` naming ``path``. ``mode_bits`` widens the
    temporary file's owner-only permissions where others should read it."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        if mode_bits is not None:
            os.chmod(tmp, mode_bits)
        opened = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline=newline)
        with opened as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from None
        raise


def _write_error(path: Path, exc: OSError) -> FileWriteError:
    reason = exc.strerror or str(exc)
    if exc.errno in _FULL:
        reason += ": free some space there or write elsewhere"
    elif exc.errno in _DENIED:
        reason += ": choose a folder you can write to"
    other = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
    return FileWriteError(f"cannot write {path}: {reason}{other}; the previous file, if any, is unchanged")


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read a megabyte at a time (an index or a DICOM can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
