"""The first run: an empty database gets a way forward instead of an empty inbox."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from cmtui.sync.connectors import PLATFORMS
from cmtui.i18n import N_, _
from cmtui.tui.dialogs.base import Dialog, styled


def welcome_parts(db_path: str | None) -> list[tuple[str, Text]]:
    """What a new user can do next, as (kind, text) parts: "title", "para", "line" (a paragraph's
    next line) or "command" (a line to type in a shell)."""
    platform = "|".join(PLATFORMS)
    if db_path:
        where = styled(_("This database has no accounts, replies or posts yet: {path}"), path=(db_path, "dim"))
    else:
        where = Text(_("This database has no accounts, replies or posts yet."))
    # i18n: {calendar} and {new} are the keys 1 and n (shown in bold).
    planning = styled(_("Or start planning offline now: {calendar} opens the calendar, where {new} writes a post."),
                      calendar=("1", "bold"), new=("n", "bold"))
    # i18n: NAME and URL are what the person types in the command: translate them as placeholders.
    command = _("cmtui account add {platform} NAME --instance URL").format(platform=platform)
    demo = Text("cmtui demo", style="bold")  # i18n: not shown (a command, typed as it is)
    return [
        ("title", Text(_("Welcome to cmtui"), style="bold")),
        ("para", where),
        ("para", Text(_("See everything cmtui does on a made-up community (its own file; this one "
                        "stays as it is):"))),
        ("command", demo),
        ("para", Text(_("Connect an account, in a shell:"))),
        ("command", Text(command, style="bold")),
        ("line", Text(_("then open cmtui again: it brings in the account's replies, mentions and "
                        "reports."))),
        ("para", planning),
    ]


class WelcomeDialog(Dialog):
    """Shown over the first screen when the store is empty. Dismisses with the mode to open
    ("calendar") or None to stay."""
    CSS_PATH = Path(__file__).with_name("welcome.tcss")  # read when first shown

    BINDINGS = [
        Binding("escape,enter", "dismiss(None)", N_("Close"), id="welcome.close"),
        Binding("1", "dismiss('calendar')", N_("Calendar"), id="welcome.calendar"),
        Binding("q", "app.quit", N_("Quit"), id="welcome.quit"),
    ]

    def __init__(self, db_path: str | None):
        super().__init__()
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="welcome-text"):
                for kind, text in welcome_parts(self.db_path):
                    yield Static(text, classes=kind)
            yield Static(Text(_("enter or esc: close · 1: calendar · q: quit"), style="dim"),
                         id="welcome-keys")
