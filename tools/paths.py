"""Where Argus keeps files between runs, and the environment variables that move them.

    cache   the rule index (rebuilt when a rule pack changes) and the embedding model exported to ONNX
            (exported again when missing or damaged); safe to delete
            $ARGUS_CACHE_DIR, else $ARGUS_HOME/cache, else $XDG_CACHE_HOME/argus (~/.cache/argus)
    data    the triage audit log, audit.sqlite (keep it, back it up)
            $ARGUS_AUDIT_DB names the file itself; else $ARGUS_HOME/data, else $XDG_DATA_HOME/argus
            (~/.local/share/argus)
    config  Ultralytics' settings file, written when a YOLO model loads: $ARGUS_HOME/config when
            ARGUS_HOME is set (and YOLO_CONFIG_DIR is not), else Ultralytics' own choice (~/.config)

A specific variable wins over ``ARGUS_HOME``, which wins over the XDG folders.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "ARGUS_HOME"
CACHE_ENV = "ARGUS_CACHE_DIR"
AUDIT_DB_ENV = "ARGUS_AUDIT_DB"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def _home() -> Path | None:
    return _env_path(HOME_ENV)


def cache_dir() -> Path:
    """Argus's cache folder (see the module docstring for the order)."""
    chosen = _env_path(CACHE_ENV)
    if chosen is not None:
        return chosen
    home = _home()
    if home is not None:
        return home / "cache"
    return (_env_path("XDG_CACHE_HOME") or Path.home() / ".cache") / "argus"


def data_dir() -> Path:
    """Argus's data folder, where the audit log lives unless ``ARGUS_AUDIT_DB`` names another file."""
    home = _home()
    if home is not None:
        return home / "data"
    return (_env_path("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "argus"


def audit_db_path() -> Path:
    """The audit log's file: ``ARGUS_AUDIT_DB``, else ``audit.sqlite`` in the data folder."""
    return _env_path(AUDIT_DB_ENV) or data_dir() / "audit.sqlite"


def config_dir() -> Path | None:
    """Where third-party settings go when ``ARGUS_HOME`` is set; None leaves them where they go."""
    home = _home()
    return home / "config" if home is not None else None
