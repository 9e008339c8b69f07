"""Reading the small YAML/JSON files users hand us (zones, findings) without letting one hurt us: a
flat pass over YAML text before anything is built from it refuses deep nesting and, where asked,
aliases.

PyYAML's composers recurse once per nesting level: libyaml's C composer overflows the C stack near
100,000 levels and kills the process, the pure-Python one raises RecursionError near 1,000. Both
parsers also slow down with the square of the flow nesting depth (``[[[[...`` of 100,000 levels takes
minutes). The parser's event stream is flat, so counting depth on it stops a hostile file after its
first ``max_depth`` levels, in microseconds, whatever its size.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class YamlShapeError(ValueError):
    """The text nests too deeply or uses an alias where none is allowed; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def check_yaml_events(text: str, *, max_depth: int, allow_aliases: bool = True, loader: Any = None) -> None:
    """Walk the parse events of ``text``; raise YamlShapeError past ``max_depth`` levels or on an alias.

    Syntax errors propagate as PyYAML's own ``yaml.YAMLError``, for the caller to report as it does.
    """
    import yaml

    loader = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > max_depth:
                raise YamlShapeError(f"nested more than {max_depth} levels deep", _line(event))
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent) and not allow_aliases:
            raise YamlShapeError("YAML aliases (*name) are not allowed here", _line(event))


def _line(event: Any) -> int | None:
    mark = getattr(event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def read_small_text(path: Path, *, kind: str, max_bytes: int, error: type[Exception]) -> str:
    """A user's ``kind`` file as text, refused as ``error`` when missing or over ``max_bytes``."""
    if not path.is_file():
        raise error(f"{kind} file not found: {path}")
    size = path.stat().st_size
    if size > max_bytes:
        raise error(f"{path.name}: {size:,} bytes, over the {max_bytes:,}-byte limit for {kind} files")
    return path.read_text(encoding="utf-8", errors="replace")


def read_data_file(path: Path, *, kind: str, max_bytes: int, max_depth: int, error: type[Exception]) -> Any:
    """A user's ``kind`` file (JSON by its suffix, else YAML without aliases), parsed; every way it can
    be unusable (missing, too big, too deep, not JSON or YAML, a value that cannot be built) is one
    ``error`` naming the file and, where known, the line."""
    import yaml

    text = read_small_text(path, kind=kind, max_bytes=max_bytes, error=error)
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        # these files never need YAML anchors; refusing aliases shuts out "billion laughs" files
        check_yaml_events(text, max_depth=max_depth, allow_aliases=False)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise error(f"{path.name}: not valid JSON at line {exc.lineno}: {exc.msg}") from None
    except YamlShapeError as exc:
        raise error(f"{path.name}: line {exc.line}: {exc} for a {kind} file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"{path.name}: not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise error(f"{path.name}: nested far deeper than a {kind} file needs ({max_depth} levels)") from None
    except ValueError as exc:  # a value the parser cannot build: a 5,000-digit number, month 13
        raise error(f"{path.name}: a value cannot be read: {str(exc).split(';')[0]}") from None
    except Exception as exc:  # PyYAML's constructors on hostile tags: "!!float ''" is an IndexError
        raise error(f"{path.name}: not valid YAML: a value cannot be built ({type(exc).__name__})") from None
