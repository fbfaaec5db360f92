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
        table.add_column(Text(_("id (for the keymap)")), style="dim", no_wrap=True)  # (not markup: [keymap])
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


# Textual's own bindings (the app, screens, scrolling, inputs, text areas, lists) as `?` lists
# them: their descriptions, for the catalog (describe_bindings translates each with _()).
TEXTUAL_WORDS = (
    N_("Quit"),
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Copy selected text"),
    N_("Scroll Up"),
    N_("Scroll Down"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Home"),
    N_("Scroll End"),
    N_("Page Up"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    N_("Move cursor left"),
    N_("Move cursor left and select"),
    N_("Move cursor left a word"),
    N_("Move cursor left a word and select"),
    N_("Move cursor right or accept the completion suggestion"),
    N_("Move cursor right and select"),
    N_("Move cursor right a word"),
    N_("Move cursor right a word and select"),
    N_("Delete character left"),
    N_("Select all"),
    N_("Go to start"),
    N_("Go to end"),
    N_("Select line start"),
    N_("Select line end"),
    N_("Delete character right"),
    N_("Submit"),
    N_("Delete left to start of word"),
    N_("Delete all to the left"),
    N_("Delete right to start of word"),
    N_("Delete all to the right"),
    N_("Cut selected text"),
    N_("Paste text from the clipboard"),
    N_("Cursor up"),
    N_("Cursor down"),
    N_("Cursor left"),
    N_("Cursor right"),
    N_("Cursor word left"),
    N_("Cursor word right"),
    N_("Cursor line start"),
    N_("Cursor line end"),
    N_("Cursor page up"),
    N_("Cursor page down"),
    N_("Cursor left word select"),
    N_("Cursor right word select"),
    N_("Cursor line start select"),
    N_("Cursor line end select"),
    N_("Cursor up select"),
    N_("Cursor down select"),
    N_("Cursor left select"),
    N_("Cursor right select"),
    N_("Select line"),
    N_("Cut"),
    N_("Copy"),
    N_("Paste"),
    N_("Delete to line start"),
    N_("Delete to line end"),
    N_("Delete line"),
    N_("Undo"),
    N_("Redo"),
    N_("Show menu"),
    N_("Down"),
    N_("Last"),
    N_("Select"),
    N_("First"),
    N_("Up"),
    N_("Page up"),
    N_("Page down"),
    N_("Top"),
    N_("Bottom"),
    N_("Home"),
    N_("End"),
    N_("Toggle option"),
)


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
