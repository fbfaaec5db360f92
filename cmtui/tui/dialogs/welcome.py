"""The first run: an empty database gets a way forward instead of an empty inbox."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from cmtui.sync.connectors import PLATFORMS
from cmtui.tui.dialogs.base import Dialog


def welcome_parts(db_path: str | None) -> list[tuple[str, Text]]:
    """What a new user can do next, as (kind, text) parts: "title", "para", "line" (a paragraph's
    next line) or "command" (a line to type in a shell)."""
    platform = "|".join(PLATFORMS)
    where = Text("This database has no accounts, replies or posts yet")
    where.append(f": {db_path}" if db_path else ".", style="dim" if db_path else "")
    planning = Text("Or start planning offline now: ")
    planning.append("1", style="bold")
    planning.append(" opens the calendar, where ")
    planning.append("n", style="bold")
    planning.append(" writes a post.")
    return [
        ("title", Text("Welcome to cmtui", style="bold")),
        ("para", where),
        ("para", Text("See everything cmtui does on a made-up community (its own file; this one "
                      "stays as it is):")),
        ("command", Text("cmtui demo", style="bold")),
        ("para", Text("Connect an account, in a shell:")),
        ("command", Text(f"cmtui account add {platform} NAME --instance URL", style="bold")),
        ("line", Text("then open cmtui again: it brings in the account's replies, mentions and "
                      "reports.")),
        ("para", planning),
    ]


class WelcomeDialog(Dialog):
    """Shown over the first screen when the store is empty. Dismisses with the mode to open
    ("calendar") or None to stay."""
    CSS_PATH = Path(__file__).with_name("welcome.tcss")  # read when first shown

    BINDINGS = [
        Binding("escape,enter", "dismiss(None)", "Close", id="welcome.close"),
        Binding("1", "dismiss('calendar')", "Calendar", id="welcome.calendar"),
        Binding("q", "app.quit", "Quit", id="welcome.quit"),
    ]

    def __init__(self, db_path: str | None):
        super().__init__()
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="welcome-text"):
                for kind, text in welcome_parts(self.db_path):
                    yield Static(text, classes=kind)
            yield Static(Text("enter or esc: close · 1: calendar · q: quit", style="dim"),
                         id="welcome-keys")
