"""A table and an option list that also move with j / k, as every list in cmtui does (the
inbox, the calendar, the metrics panel): Textual's own only take the arrow keys. Both keep
their highlight on the row acted on when they are re-read (`nearest`), so the next key acts
on what the user was looking at, not on the first row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from textual.binding import Binding
from textual.widgets import DataTable, OptionList

from cmtui.i18n import N_

K = TypeVar("K")

_VIM_KEYS = [
    Binding("j", "cursor_down", N_("Down"), show=False),
    Binding("k", "cursor_up", N_("Up"), show=False),
]


def nearest(before: Sequence[K], after: Sequence[K], key: K | None) -> int | None:
    """Where the highlight goes in a re-read list: on `key` if it is still listed, else on its
    nearest neighbour still listed (the one after it in the old order, then the one before),
    else on the first row; None for an empty list."""
    if not after:
        return None
    where = {k: n for n, k in enumerate(after)}
    if key is None:
        return 0
    if key in where:
        return where[key]
    if key in before:
        at = list(before).index(key)
        for neighbour in [*before[at + 1:], *reversed(before[:at])]:
            if neighbour in where:
                return where[neighbour]
    return 0


class KeyTable(DataTable):
    BINDINGS = _VIM_KEYS

    def row_keys(self) -> list:
        return [row.key.value for row in self.ordered_rows]

    def current_key(self):
        """The key of the highlighted row (None when empty)."""
        if not self.row_count or self.cursor_row is None or not 0 <= self.cursor_row < self.row_count:
            return None
        return self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value

    def refill(self, fill: Callable[[], None], key=None) -> None:
        """Clear and re-add the rows with fill(), keeping the highlight on `key` (by default
        the highlighted row) or its nearest neighbour."""
        before, key = self.row_keys(), key if key is not None else self.current_key()
        self.clear()
        fill()
        index = nearest(before, self.row_keys(), key)
        if index is not None:
            self.move_cursor(row=index)


class KeyOptionList(OptionList):
    BINDINGS = _VIM_KEYS

    def option_ids(self) -> list[str | None]:
        return [self.get_option_at_index(n).id for n in range(self.option_count)]

    def current_id(self) -> str | None:
        if self.highlighted is None or not 0 <= self.highlighted < self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

    def refill(self, options: list, key: str | None = None) -> None:
        """Replace the options, keeping the highlight on the option with id `key` (by default
        the highlighted one) or its nearest neighbour."""
        before, key = self.option_ids(), key if key is not None else self.current_id()
        self.clear_options()
        self.add_options(options)
        index = nearest(before, self.option_ids(), key)
        if index is not None:
            self.highlighted = index
