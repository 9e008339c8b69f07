"""The tool cards as package data: ``cards.json`` holds what the tool classes say about themselves
(name, description, evidence prefixes, schemas, limitations, examples, and each backend's name and
summary), so ``argus tools`` lists them without importing a tool. Each backend's version, weights and
availability are still found on the spot, by its facts class in ``argus.tools.backend_facts``.

Regenerate the file after changing a tool's card or its backends::

    python -m argus.tools.cards          # writes tools/cards.json
    python -m argus.tools.cards --check  # exit 1 when the file is out of date

A test compares the file with what the classes say, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from argus.tools.runtime import Runtime

CARDS_FILE = Path(__file__).with_name("cards.json")
SCHEMA_KEYS = ("input_schema", "output_schema")


def generate() -> list[dict[str, Any]]:
    """The static cards from the tool classes themselves (imports every tool), in registry order."""
    from argus.tools import TOOLS, tool_class

    cards = []
    for name in TOOLS:
        cls = tool_class(name)
        card = cls.static_card(schemas=True)
        card["backends"] = [{"name": b.name, "summary": b.summary} for b in cls.backend_types]
        cards.append(card)
    return cards


def render(cards: list[dict[str, Any]]) -> str:
    return json.dumps(cards, indent=1, ensure_ascii=False) + "\n"


@functools.cache
def static_cards() -> tuple[dict[str, Any], ...]:
    """The cards as written to ``cards.json``."""
    return tuple(json.loads(CARDS_FILE.read_text(encoding="utf-8")))


def backend_names(tool: str) -> list[str]:
    """The names of a tool's backends, from the cards."""
    for card in static_cards():
        if card["name"] == tool:
            return [b["name"] for b in card["backends"]]
    raise KeyError(tool)


def live_cards(runtime: Runtime, schemas: bool = True) -> list[dict[str, Any]]:
    """Every tool's card with each backend's version, availability and weights here: the same data as
    ``ImageTool.card().model_dump(mode="json")``, read from ``cards.json`` and the backends' facts."""
    from argus.tools.backend_facts import FACTS

    out = []
    for static in static_cards():
        card = {
            k: (v if schemas or k not in SCHEMA_KEYS else None) for k, v in static.items() if k != "backends"
        }
        backends = []
        for entry in static["backends"]:
            facts = FACTS[entry["name"]](runtime)
            status = facts.availability()
            backends.append(
                {
                    "name": entry["name"],
                    "version": facts.version(),
                    "available": status.available,
                    "detail": status.detail,
                    "weights": facts.weights(),
                    "summary": entry["summary"],
                }
            )
        card["backends"] = backends
        out.append(card)
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render(generate())
    if args == ["--check"]:
        current = CARDS_FILE.read_text(encoding="utf-8") if CARDS_FILE.is_file() else ""
        if current != text:
            print(f"{CARDS_FILE} is out of date: run python -m argus.tools.cards", file=sys.stderr)
            return 1
        return 0
    if args:
        print("usage: python -m argus.tools.cards [--check]", file=sys.stderr)
        return 2
    CARDS_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {len(json.loads(text))} tool cards to {CARDS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
