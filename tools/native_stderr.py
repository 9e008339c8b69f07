"""Keep a native library's chatter off the user's terminal without losing what matters.

Some runtimes print from C++ straight to file descriptor 2, past Python's ``sys.stderr`` and ``logging``:
LiteRT prints "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." when an interpreter first
allocates its tensors, and no environment variable or API of its Python package turns that off
(``TF_CPP_MIN_LOG_LEVEL`` does not reach its minimal logger). ``dropping`` holds fd 2 in a temporary file
for the length of the block and writes back every line except the ones named, so a warning or an error
printed in the same moment still reaches the user.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def dropping(*fragments: str) -> Iterator[None]:
    """Within the block, lines written to fd 2 that contain one of ``fragments`` are dropped."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with tempfile.TemporaryFile() as held:
            os.dup2(held.fileno(), 2)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
                held.seek(0)
                kept = [
                    line
                    for line in held.read().decode("utf-8", "replace").splitlines(keepends=True)
                    if not any(fragment in line for fragment in fragments)
                ]
                if kept:
                    sys.stderr.write("".join(kept))
                    sys.stderr.flush()
    finally:
        os.close(saved)
