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

PALETTE_HINT = "palette"


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

    def _shown(self) -> list[tuple[str, str, str]]:
        """(key to press, key display, description) of the shown bindings, one per action."""
        seen: set[str] = set()
        shown = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((key, self.app.get_key_display(binding), binding.description))
        return shown

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        text = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for key, display, description in self._shown():
            start = text.cell_len
            text.append(f" {display} ", style=key_style)
            text.append(f"{description} ", style=description_style)
            self._spans.append((start, text.cell_len, key))
        palette = self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, ""))
        hint = Text.assemble((f" {palette} ", key_style), (f"{PALETTE_HINT} ", description_style))
        room = self.size.width - text.cell_len - hint.cell_len
        if room >= 0 and self.app.ENABLE_COMMAND_PALETTE:
            text.append(" " * room)
            self._spans.append((text.cell_len, text.cell_len + hint.cell_len, self.app.COMMAND_PALETTE_BINDING))
            text.append_text(hint)
        return text

    def on_click(self, event: Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
