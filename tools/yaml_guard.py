"""A flat pass over YAML text before anything is built from it: refuses deep nesting and, where asked,
aliases.

PyYAML's composers recurse once per nesting level: libyaml's C composer overflows the C stack near
100,000 levels and kills the process, the pure-Python one raises RecursionError near 1,000. Both
parsers also slow down with the square of the flow nesting depth (``[[[[...`` of 100,000 levels takes
minutes). The parser's event stream is flat, so counting depth on it stops a hostile file after its
first ``max_depth`` levels, in microseconds, whatever its size.
"""

from __future__ import annotations

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
