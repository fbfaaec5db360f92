"""Fitting a line of parts into a width by priority: the status line and the key bar.

A narrow terminal must keep what matters most (the outbox, what is overdue, `?` help, `q`
quit) and lose the least important first. Each part may offer shorter forms; the least
important part still shown is shortened first, then dropped, until the line fits. Parts are
whole: nothing is cut in the middle of a word. Ties go against the later part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Span, Text

from cmtui.text import cut, one_line


@dataclass(frozen=True)
class Part:
    """One piece of a line: its forms, longest first, and how much it matters (higher is
    kept longer). `lead` separates it from the part before (not shown when it comes first);
    `tag` travels with it (the key bar's key to press)."""

    forms: tuple[Text, ...]
    priority: int
    lead: str = ""
    tag: str = ""

    @classmethod
    def of(cls, text: Text | str, priority: int, *shorter: Text | str, lead: str = "", tag: str = "") -> Part:
        forms = tuple(form if isinstance(form, Text) else Text(form) for form in (text, *shorter))
        return cls(forms, priority, lead, tag)


def fit_parts(parts: Sequence[Part], width: int) -> list[tuple[Part, Text]]:
    """The parts kept within width cells, each with the form it is shown in, in their
    original order. The most important part is always kept, in its shortest form if nothing
    else fits (the caller's line crops it)."""
    form = [0] * len(parts)
    shown = [True] * len(parts)

    def used() -> int:
        kept = [n for n in range(len(parts)) if shown[n]]
        return (sum(parts[n].forms[form[n]].cell_len for n in kept)
                + sum(cell_len(parts[n].lead) for n in kept[1:]))

    # Least important first; among equals the later one.
    order = sorted(range(len(parts)), key=lambda n: (parts[n].priority, -n))
    while used() > width:
        still = [n for n in order if shown[n]]
        if not still:
            break
        n = still[0]
        if form[n] < len(parts[n].forms) - 1:
            form[n] += 1
        elif len(still) > 1:
            shown[n] = False
        else:
            break
    return [(parts[n], parts[n].forms[form[n]]) for n in range(len(parts)) if shown[n]]


def join_parts(kept: Sequence[tuple[Part, Text]]) -> Text:
    """The kept parts as one line, each after its lead."""
    line = Text(no_wrap=True, overflow="crop")
    for n, (part, text) in enumerate(kept):
        if n:
            line.append(part.lead)
        line.append_text(text)
    return line


@dataclass(frozen=True)
class Column:
    """A table column beside a text column: its natural width, the least it shrinks to
    (its width: it never shrinks) and how much it matters (higher is kept longer)."""

    name: str
    width: int
    priority: int
    least: int = 0


def plan_columns(columns: Sequence[Column], room: int, keep: int, pad: int = 2) -> dict[str, int]:
    """Widths of the columns shown beside a text column that keeps at least `keep` of `room`
    cells (each column costs `pad` more): the least important shrink first, then go; room
    left over goes back to the shrunk ones, most important first. Order is kept."""
    width = {c.name: c.width for c in columns}
    budget = room - keep

    def used() -> int:
        return sum(w + pad for w in width.values())

    by_priority = sorted(columns, key=lambda c: c.priority)
    for column in by_priority:  # shrink
        if used() <= budget:
            break
        if column.least:
            width[column.name] = min(column.width, max(column.least, column.width - (used() - budget)))
    for column in by_priority:  # then drop
        if used() <= budget:
            break
        del width[column.name]
    for column in reversed(by_priority):  # give back what is left
        if column.name in width:
            width[column.name] += max(0, min(budget - used(), column.width - width[column.name]))
    return {c.name: width[c.name] for c in columns if c.name in width}


def hanging(lead: Text | str, body: Text) -> Table:
    """`lead` (a number, a mark) then `body`, whose wrapped lines stay indented under the
    body's first one, not back at the margin."""
    lead = lead if isinstance(lead, Text) else Text(lead)
    grid = Table.grid(expand=True)
    grid.add_column(width=lead.cell_len, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(lead, body)
    return grid


def cut_text(text: Text, width: int) -> Text:
    """A one-line Text cut to width cells by cmtui.text.cut (between grapheme clusters, one
    ellipsis at most), keeping its styles."""
    if text.cell_len <= width:
        return text
    out = Text(cut(text.plain, width), style=text.style, no_wrap=True)
    kept = len(out.plain) - 1  # before the ellipsis
    out.spans = [Span(span.start, min(span.end, kept), span.style) for span in text.spans if span.start < kept]
    return out


def set_columns(table, plan: dict[str, int], current: dict[str, int], labels: dict[str, str] | None = None
                ) -> dict[str, int]:
    """Remake a DataTable's columns (keyed by name) when the plan for the width differs from
    the current one; returns the plan, the new current."""
    if plan != current:
        table.clear(columns=True)
        for name, width in plan.items():
            table.add_column((labels or {}).get(name, name), width=width, key=name)
    return plan


def cell(text: str, width: int, style: str = "") -> Text:
    """One line cut to a table's column: a Text, since a str cell would be parsed as markup."""
    return Text(cut(one_line(text), width), style=style, no_wrap=True)
