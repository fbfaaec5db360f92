"""`r`: write a reply. ctrl+s queues it in the outbox (the next sync sends it); esc keeps
the draft for later. The draft is saved as the user types, so a crash loses nothing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from cmtui.commands.inbox import queue_reply
from cmtui.compose import status_length
from cmtui.errors import InputError
from cmtui.text import first_line
from cmtui.tui.dialogs.base import Dialog

SAVE_AFTER = 0.5  # seconds of quiet typing before the draft is written


class ComposerDialog(Dialog):
    BINDINGS = [
        Binding("ctrl+s", "send", "Queue reply", priority=True, id="composer.send"),
        Binding("escape", "keep", "Keep draft", priority=True, id="composer.keep"),
    ]

    DEFAULT_CSS = """
    ComposerDialog > Vertical { width: 80; max-width: 95%; }
    ComposerDialog TextArea { height: 8; margin: 1 0 0 0; }
    ComposerDialog #composer-quote { color: $text-muted; max-height: 4; }
    ComposerDialog #composer-status { height: 1; }
    """

    def __init__(self, store, item, limits: dict):
        super().__init__()
        self.store = store
        self.item = item
        self.limits = limits
        self.context = f"reply:{item['id']}"
        self._save_timer = None

    def compose(self) -> ComposeResult:
        draft = self.store.drafts.get(self.context)
        start = draft if draft is not None else f"@{self.item['author']} "
        with Vertical():
            yield Static(Text.assemble(("Reply to ", "bold"), (self.item["author_name"] or self.item["author"], "bold"),
                                       (f"  {self.item['kind']} to {self.item['account']}", "dim")))
            yield Static(Text(first_line(self.item["text"], 300)), id="composer-quote")  # remote text: literal
            area = TextArea(start, id="composer-text", soft_wrap=True, show_line_numbers=False)
            yield area
            yield Static(id="composer-status")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self._show_count()

    def _show_count(self, error: str | None = None) -> None:
        text = self.query_one(TextArea).text
        limit = int(self.limits.get("max_chars") or 500)
        used = status_length(text, int(self.limits.get("url_weight") or 23))
        status = Text(f"{used} / {limit}", style="bold red" if used > limit else "dim")
        status.append("   ctrl+s queue · esc keep draft", style="dim")
        if error:
            status = Text(error, style="bold red")
        self.query_one("#composer-status", Static).update(status)

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        self._show_count()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER, self._save_draft)

    def _save_draft(self) -> None:
        self.store.drafts.save(self.context, self.query_one(TextArea).text)

    def action_send(self) -> None:
        text = self.query_one(TextArea).text
        try:
            op_id = queue_reply(self.store, self.item["id"], text)
        except InputError as exc:
            self._show_count(str(exc))  # nothing queued, the text stays
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self.store.drafts.delete(self.context)
        self.dismiss(op_id)

    def action_keep(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_draft()
        self.dismiss(None)
