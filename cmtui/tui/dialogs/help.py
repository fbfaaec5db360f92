"""`?`: the key bindings active on the current screen, with their ids for the keymap."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cmtui.i18n import N_, _


class HelpScreen(ModalScreen[None]):
    CSS_PATH = Path(__file__).with_name("help.tcss")  # read when first shown
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", N_("Close"), id="help.close"),
        Binding("j", "scroll(1)", N_("Down"), show=False, id="help.down"),
        Binding("k", "scroll(-1)", N_("Up"), show=False, id="help.up"),
    ]

    def __init__(self, bindings: list[tuple[str, str, str]]):
        super().__init__()
        self.rows = bindings

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column(_("key"), style="bold", no_wrap=True)
        table.add_column(_("does"))
        table.add_column(_("id (for the keymap)"), style="dim", no_wrap=True)
        for key, description, binding_id in self.rows:
            table.add_row(Text(key), Text(description), Text(binding_id))
        with VerticalScroll():
            yield Static(Text(_("Keys"), style="bold"))
            yield Static(table)
            yield Static(Text("\n" + _("ctrl+p opens the command palette with every action. "
                                     "Remap keys in settings.toml under [keymap]."), style="dim"))

    def on_mount(self) -> None:
        scroll = self.query_one(VerticalScroll)
        self.watch(scroll, "scroll_y", self._show_more)
        self.watch(scroll, "virtual_size", self._show_more)  # the content laid out
        self.call_after_refresh(self._show_more)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_more)

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def _show_more(self, _value: float = 0) -> None:
        """A sign on the bottom border when the keys go on below (or above) the window."""
        self.query_one(VerticalScroll).border_subtitle = more_sign(self.query_one(VerticalScroll))


def more_sign(scroll: VerticalScroll) -> str:
    below = scroll.max_scroll_y - round(scroll.scroll_y) > 0
    above = round(scroll.scroll_y) > 0
    if below:
        return _("↓ more below: ↓ j pgdn")
    return _("↑ more above: ↑ k home") if above else ""


# Horizontal scrolling that Textual's scrolling widgets bind: no list here scrolls sideways.
_SIDEWAYS = {"scroll_left", "scroll_right", "page_left", "page_right"}


def describe_bindings(screen) -> list[tuple[str, str, str]]:
    """Active bindings of a screen (its focused widget, the screen, the app), one row per
    action with all its keys, and the binding id a keymap entry can use."""
    groups: dict[str, list[Binding]] = {}
    for active in screen.active_bindings.values():
        if active.binding.action in _SIDEWAYS:
            continue
        groups.setdefault(active.binding.action, []).append(active.binding)
    rows = []
    for action, bindings in groups.items():
        keys = ", ".join(screen.app.get_key_display(b) for b in bindings)
        description = next((_(b.description) for b in bindings if b.description), action)
        binding_id = next((b.id for b in bindings if b.id), "")
        rows.append((keys, description, binding_id))
    return rows
