"""Where Argus keeps its files: ARGUS_HOME moves all of them, a specific variable still wins, and
without either the XDG folders in the home directory are used."""

from __future__ import annotations

from pathlib import Path

import pytest

from argus.tools.paths import audit_db_path, cache_dir, config_dir, data_dir

VARIABLES = (
    "ARGUS_HOME",
    "ARGUS_CACHE_DIR",
    "ARGUS_AUDIT_DB",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
)


@pytest.fixture
def home(monkeypatch, tmp_path) -> Path:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    return tmp_path


def test_without_variables_the_xdg_folders_under_home_are_used(home):
    user = home / "user"
    assert cache_dir() == user / ".cache" / "argus"
    assert data_dir() == user / ".local" / "share" / "argus"
    assert audit_db_path() == user / ".local" / "share" / "argus" / "audit.sqlite"
    assert config_dir() is None  # nothing moves a third party's settings unless asked


def test_xdg_variables_are_honoured(home, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xc"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xd"))
    assert cache_dir() == home / "xc" / "argus"
    assert audit_db_path() == home / "xd" / "argus" / "audit.sqlite"


def test_argus_home_moves_everything(home, monkeypatch):
    monkeypatch.setenv("ARGUS_HOME", str(home / "argus-home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xc"))  # ARGUS_HOME comes first
    assert cache_dir() == home / "argus-home" / "cache"
    assert data_dir() == home / "argus-home" / "data"
    assert audit_db_path() == home / "argus-home" / "data" / "audit.sqlite"
    assert config_dir() == home / "argus-home" / "config"


def test_a_specific_variable_wins_over_argus_home(home, monkeypatch):
    monkeypatch.setenv("ARGUS_HOME", str(home / "argus-home"))
    monkeypatch.setenv("ARGUS_CACHE_DIR", str(home / "cache-here"))
    monkeypatch.setenv("ARGUS_AUDIT_DB", str(home / "logs" / "audit.db"))
    assert cache_dir() == home / "cache-here"
    assert audit_db_path() == home / "logs" / "audit.db"
    assert data_dir() == home / "argus-home" / "data"


def test_a_tilde_is_expanded(home, monkeypatch):
    monkeypatch.setenv("ARGUS_HOME", "~/argus")
    assert cache_dir() == home / "user" / "argus" / "cache"


def test_the_rule_index_follows_argus_home(home, monkeypatch):
    from argus.knowledge.retriever import default_index_dir

    monkeypatch.setenv("ARGUS_HOME", str(home / "argus-home"))
    assert default_index_dir() == home / "argus-home" / "cache" / "index"


def test_ultralytics_settings_follow_argus_home(home):
    """Ultralytics writes its settings file when it is imported: into ARGUS_HOME, not ~/.config."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in (*VARIABLES, "YOLO_CONFIG_DIR")}
    env.update(HOME=str(home / "user"), ARGUS_HOME=str(home / "argus-home"))
    code = "from argus.tools.yolo import import_ultralytics; import_ultralytics()"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (home / "argus-home" / "config" / "Ultralytics" / "settings.json").is_file()
    assert not (home / "user" / ".config").exists()


def test_the_audit_log_follows_argus_home(home, monkeypatch):
    from argus.agent.domains.medical.audit import default_audit_path

    monkeypatch.setenv("ARGUS_HOME", str(home / "argus-home"))
    assert default_audit_path() == home / "argus-home" / "data" / "audit.sqlite"
    monkeypatch.setenv("ARGUS_AUDIT_DB", str(home / "chosen.sqlite"))
    assert default_audit_path() == home / "chosen.sqlite"
