"""Lists of records (rules, trace steps, audit rows) that read well at any terminal width.

A wide terminal gets a table. Below ``WIDE_COLUMNS`` columns (and when stdout is not a terminal,
where rich assumes 80) a table of five or more columns squeezes each cell until words stand one per
line, so each record is printed instead as a heading line of its short fields and one ``label
value`` line for each long one, wrapped under its label. No field is cut in either layout: long
values fold onto the next line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table
from rich.text import Text

WIDE_COLUMNS = 120

Cell = str | Text


@dataclass
class Records:
    """``title``, then records with the same fields: ``head`` fields go on a record's first line when
    narrow, ``body`` fields on labelled lines under it (a field left empty is not printed)."""

    title: str
    head: Sequence[str]
    body: Sequence[str] = ()
    rows: list[tuple[Sequence[Cell], Sequence[Cell]]] = field(default_factory=list)
    caption: str | None = None

    def add(self, head: Sequence[Cell], body: Sequence[Cell] = ()) -> None:
        if len(head) != len(self.head) or len(body) != len(self.body):
            raise ValueError(f"record for {self.title!r}: expected {len(self.head)}+{len(self.body)} fields")
        self.rows.append((head, body))

    def print(self, console: Console) -> None:
        if is_wide(console):
            self._table(console)
        else:
            self._blocks(console)

    def _table(self, console: Console) -> None:
        table = Table(title=self.title, title_justify="left", caption=self.caption)
        for name in (*self.head, *self.body):
            table.add_column(name, overflow="fold")
        for head, body in self.rows:
            table.add_row(*head, *body)
        console.print(table)

    def _blocks(self, console: Console) -> None:
        console.print(Text(self.title, style="bold italic"))
        width = max((len(name) for name in self.body), default=0)
        for head, body in self.rows:
            print_hanging(console, Text("  ").join(_text(c) for c in head if _plain(c)), indent=2)
            for name, value in zip(self.body, body, strict=True):
                if _plain(value):
                    label = Text("  " + name.ljust(width) + " ", style="dim")
                    print_hanging(console, _text(value), indent=len(label), first=label)
        if self.caption:
            print_hanging(console, Text(self.caption, style="dim"))


def print_hanging(console: Console, text: Cell, indent: int = 0, first: Text | None = None) -> None:
    """``text`` wrapped to the console's width, its first line after ``first`` (if given) and the
    lines after it indented by ``indent``; a word longer than a line folds instead of being cut."""
    body = _text(text)
    lead = first if first is not None else Text()
    room = max(20, console.width - max(indent, len(lead)))
    for number, line in enumerate(body.wrap(console, room, overflow="fold")):
        line.rstrip()
        prefix = lead if number == 0 else Text(" " * indent)
        console.print(prefix + line, soft_wrap=True, highlight=False)


def is_wide(console: Console) -> bool:
    return console.width >= WIDE_COLUMNS


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell
