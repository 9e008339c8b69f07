"""Read a YAML file safely and keep its node tree, so errors can point at a line.

Only the safe loader's tags are accepted (libyaml's ``CSafeLoader`` where present). Aliases are cheap to write and expensive to
expand ("billion laughs"), so the node count after expansion is capped before anything is
built from the tree; so are the file size and the nesting depth. Duplicate mapping keys,
which PyYAML would silently collapse, are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from argus.tools.yaml_guard import YamlShapeError, check_yaml_events

# libyaml's parser is about seven times faster and builds the same safe node tree.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_NODES = 500_000
MAX_DEPTH = 64


class YamlSourceError(ValueError):
    """A file that cannot be read as a safe YAML document; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class YamlDocument:
    data: Any
    root: yaml.Node

    def line_of(self, loc: Sequence[str | int]) -> int:
        """The 1-based line of the deepest node that ``loc`` (a pydantic error location) reaches.

        Parts of ``loc`` that are not keys or indexes in the tree (union tags, model names) are
        skipped, so a location inside a condition still lands on its line.
        """
        node = self.root
        line = node.start_mark.line
        for part in loc:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == part:
                        line = key.start_mark.line
                        node = value
                        break
            elif (
                isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value)
            ):
                node = node.value[part]
                line = node.start_mark.line
        return line + 1


def read_yaml(path: Path, max_bytes: int = MAX_FILE_BYTES, max_nodes: int = MAX_NODES) -> YamlDocument:
    """Parse one YAML document from ``path``; raise YamlSourceError with a line where one is known."""
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlSourceError(f"file is {size:,} bytes; rule packs are capped at {max_bytes:,} bytes")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSourceError(f"expected UTF-8 text, got an undecodable byte at offset {exc.start}") from None
    if not text.strip():
        raise YamlSourceError("the file is empty; a pack needs at least a 'pack' section")
    try:
        check_yaml_events(text, max_depth=MAX_DEPTH, loader=_Loader)  # before the recursive composer runs
    except YamlShapeError as exc:
        raise YamlSourceError(f"the document is {exc}", exc.line) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except yaml.YAMLError as exc:
        raise YamlSourceError(f"invalid YAML: {exc}") from None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlSourceError("the file holds only comments; a pack needs at least a 'pack' section")
        _check_tree(root, max_nodes)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except yaml.YAMLError as exc:
        raise YamlSourceError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlSourceError(f"the document is nested too deeply (more than {MAX_DEPTH} levels)") from None
    except YamlSourceError:
        raise
    except ValueError as exc:  # a scalar the constructors cannot build: a 5,000-digit int, month 13
        raise YamlSourceError(f"a value cannot be read: {str(exc).split(';')[0]}") from None
    finally:
        loader.dispose()
    return YamlDocument(data=data, root=root)


def _syntax_error(exc: yaml.MarkedYAMLError) -> YamlSourceError:
    mark = exc.problem_mark or exc.context_mark
    problem = " ".join(p for p in (exc.context, exc.problem) if p)
    return YamlSourceError(f"invalid YAML: {problem}", mark.line + 1 if mark else None)


def _check_tree(root: yaml.Node, max_nodes: int) -> None:
    """Refuse alias bombs, alias cycles, deep nesting and duplicate keys before constructing."""
    expanded: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in expanded:
            return expanded[key]
        if key in open_nodes:
            raise YamlSourceError(
                "an alias refers to a node that contains it (a cycle)", node.start_mark.line + 1
            )
        if depth > MAX_DEPTH:
            raise YamlSourceError(
                f"the document is nested more than {MAX_DEPTH} levels deep", node.start_mark.line + 1
            )
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child, depth + 1)
        elif isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    if k.value in seen:
                        raise YamlSourceError(
                            f"duplicate key {k.value!r} (first on line {seen[k.value]})",
                            k.start_mark.line + 1,
                        )
                    seen[k.value] = k.start_mark.line + 1
                total += size(k, depth + 1) + size(v, depth + 1)
        if total > max_nodes:
            raise YamlSourceError(
                f"the document expands to more than {max_nodes:,} nodes (aliases included); refusing it",
                root.start_mark.line + 1,
            )
        open_nodes.discard(key)
        expanded[key] = total
        return total

    size(root, 0)
