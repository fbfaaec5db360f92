"""A table and an option list that also move with j / k, as every list in cmtui does (the
inbox, the calendar, the metrics panel): Textual's own only take the arrow keys."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable, OptionList

_VIM_KEYS = [
    Binding("j", "cursor_down", "Down", show=False),
    Binding("k", "cursor_up", "Up", show=False),
]


class KeyTable(DataTable):
    BINDINGS = _VIM_KEYS


class KeyOptionList(OptionList):
    BINDINGS = _VIM_KEYS
