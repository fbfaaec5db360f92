"""`?`: the key bindings active on the current screen, with their ids for the keymap."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 1 2;
    }
    """

    def __init__(self, bindings: list[tuple[str, str, str]]):
        super().__init__()
        self.rows = bindings

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        table.add_column("id (for the keymap)", style="dim", no_wrap=True)
        for key, description, binding_id in self.rows:
            table.add_row(Text(key), Text(description), Text(binding_id))
        with VerticalScroll():
            yield Static(Text("Keys", style="bold"))
            yield Static(table)
            yield Static(Text("\nctrl+p opens the command palette with every action. "
                              "Remap keys in settings.toml under [keymap].", style="dim"))


def describe_bindings(screen) -> list[tuple[str, str, str]]:
    """Active bindings of a screen (its focused widget, the screen, the app), one per action."""
    seen: set[str] = set()
    rows = []
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        description = binding.description or binding.action
        if binding.action in seen:
            continue
        seen.add(binding.action)
        keys = [k for k, a in screen.active_bindings.items() if a.binding.action == binding.action]
        rows.append((", ".join(screen.app.get_key_display(Binding(k, "")) for k in keys), description,
                     binding.id or ""))
    return rows
