"""The evidence of one image within a conversation.

Tools number their items from 1; the ledger gives every item an id unique within the
conversation (D1..Dn across several detector calls, M1.. across masks) and hands back the same
ids when the same result comes again, so a follow-up question cites what the first one did.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence

from argus.tools.evidence import EvidenceItem, ToolResult


class Ledger:
    def __init__(self, image_sha256: str) -> None:
        self.image_sha256 = image_sha256
        self._counters: dict[str, int] = defaultdict(int)
        self._by_key: dict[str, ToolResult] = {}
        self._items: dict[str, EvidenceItem] = {}
        self._made: dict[str, list[EvidenceItem]] = {}
        self._lock = threading.Lock()

    def _next_id(self, prefix: str) -> str:
        self._counters[prefix] += 1
        return f"{prefix}{self._counters[prefix]}"

    def add(self, key: str, result: ToolResult) -> ToolResult:
        """Record a tool result under its cache key; return it with conversation-wide ids."""
        with self._lock:
            known = self._by_key.get(key)
            if known is not None:
                return known
            renumbered = result.renumbered(self._next_id)
            self._by_key[key] = renumbered
            for item in renumbered.items():
                self._items[item.id] = item
            return renumbered

    def add_items(self, key: str, items: Sequence[EvidenceItem]) -> list[EvidenceItem]:
        """Record items the agent made itself (zone hits, stated findings) with fresh ids; the same key
        gives back the same items."""
        with self._lock:
            known = self._made.get(key)
            if known is not None:
                return known
            out = []
            for item in items:
                new = item.model_copy(update={"id": self._next_id(type(item).prefix)})
                self._items[new.id] = new
                out.append(new)
            self._made[key] = out
            return out

    def get(self, evidence_id: str) -> EvidenceItem | None:
        return self._items.get(evidence_id)

    def items(self) -> list[EvidenceItem]:
        return list(self._items.values())

    def results(self) -> list[ToolResult]:
        return list(self._by_key.values())

    def latest(self, tool: str) -> ToolResult | None:
        """The most recent result of a tool, if it ran."""
        found = None
        for result in self._by_key.values():
            if result.tool == tool:
                found = result
        return found
