"""Where Argus keeps what it builds once and reuses: the rule index, the exported embedding model."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """``$ARGUS_CACHE_DIR``, else ``$XDG_CACHE_HOME/argus``, else ``~/.cache/argus``."""
    if os.environ.get("ARGUS_CACHE_DIR"):
        return Path(os.environ["ARGUS_CACHE_DIR"]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser()
    return base / "argus"
