"""The key bar at the bottom of every screen: the current bindings, one line of text.

Textual's Footer builds one widget per key and rebuilds them all whenever the active
bindings change (focus moves, a screen mounts): four rebuilds before the first frame,
~60 ms of start-up. This bar renders the same information as a single Text and just
repaints. A click on a key presses it.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.widget import Widget

from cmtui.i18n import N_, _
from cmtui.tui.fitting import Part, fit_parts

PALETTE_HINT = N_("palette")
# Kept longest on a narrow terminal: `?` lists every key, `q` leaves, `esc` goes back from a
# page. The palette hint goes first (ctrl+p is in the help too).
ESSENTIAL = {"help": 1000, "quit": 999, "back": 998}
SCREEN_KEYS, APP_KEYS, PALETTE = 500, 100, 0


class KeyBar(Widget):
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar { height: 1; dock: bottom; background: $footer-background; color: $footer-foreground; }
    KeyBar > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
    KeyBar > .key-bar--description { color: $footer-description-foreground; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._spans: list[tuple[int, int, str]] = []  # cell range -> key to press

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, _screen) -> None:
        self.refresh()

    def _shown(self) -> list[tuple[str, str, str, int]]:
        """(key to press, key display, description, priority) of the shown bindings, one per
        action: help and quit above all, then the screen's own keys in their order, then the
        app's (modes, sync)."""
        seen: set[str] = set()
        shown = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            if binding.action in ESSENTIAL:
                priority = ESSENTIAL[binding.action]
            else:
                priority = (APP_KEYS if active.node is self.app else SCREEN_KEYS) - len(shown)
            shown.append((key, self.app.get_key_display(binding), _(binding.description), priority))
        return shown

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        self._spans = []
        width = self.size.width
        if not width:  # not laid out yet: nothing to fit (padding to a made-up width cost megabytes)
            return text
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        parts = [Part.of(Text.assemble((f" {display} ", key_style), (f"{description} ", description_style)),
                         priority, tag=key)
                 for key, display, description, priority in self._shown()]
        if self.app.ENABLE_COMMAND_PALETTE:
            palette = self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, ""))
            hint = Text.assemble((f" {palette} ", key_style), (f"{_(PALETTE_HINT)} ", description_style))
            parts.append(Part.of(hint, PALETTE, tag=self.app.COMMAND_PALETTE_BINDING))
        kept = fit_parts(parts, width)
        for part, shown in kept:
            if part.priority == PALETTE:  # at the right end
                text.append(" " * max(0, width - text.cell_len - shown.cell_len))
            self._spans.append((text.cell_len, text.cell_len + shown.cell_len, part.tag))
            text.append_text(shown)
        return text

    def on_click(self, event: Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
