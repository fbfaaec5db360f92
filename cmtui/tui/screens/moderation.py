"""Moderation mode: the queue of flagged items and instance reports, with the author's
record beside each and the decisions on them: approve (back to the inbox), hide, mute,
block, report. Platform actions ask first; every decision goes to the audit log, and what
must reach the platform to the outbox, in one transaction."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from cmtui.errors import CmtuiError
from cmtui.store.base import loads
from cmtui.text import one_line
from cmtui.tui.screens.base import ModeScreen


PLATFORM = {"mute": "Mute", "block": "Block", "report": "Report"}


class ModerationScreen(ModeScreen):
    TITLE_SUFFIX = "Moderation"
    BINDINGS = [
        Binding("a", "act('approve')", "Approve", id="moderation.approve"),
        Binding("h", "act('hide')", "Hide", id="moderation.hide"),
        Binding("m", "act('mute')", "Mute", show=False, id="moderation.mute"),
        Binding("b", "act('block')", "Block", show=False, id="moderation.block"),
        Binding("R", "act('report')", "Report", show=False, id="moderation.report"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(id="moderation-summary")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Static(id="flag-detail")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#queue", DataTable)
        table.add_column("when", width=16)
        table.add_column("account", width=12)
        table.add_column("author", width=24)
        table.add_column("rule", width=14)
        table.add_column("reason", width=22)
        table.add_column("text")
        self.load()
        table.focus()

    def load(self) -> None:
        table = self.query_one("#queue", DataTable)
        table.clear()
        self._rows = {}
        for row in self.store.moderation.queue():
            key = str(row["id"])
            self._rows[key] = row
            # Cells are Text objects: a str cell would be parsed as markup.
            table.add_row(
                Text(self.app.format_time(row["created_at"])),
                Text(row["account"] or "-"),
                Text(one_line(row["author"] or "")),
                Text(row["rule"] or "-", style="bold"),
                Text(one_line(row["reason"])),
                Text(one_line(row["text"] or "")),
                key=key,
            )
        count = len(self._rows)
        summary = Text(f" {count} flagged item{'s' if count != 1 else ''} to review", style="bold" if count else "dim")
        summary.append("  │ oldest first", style="dim")
        self.query_one("#moderation-summary", Static).update(summary)
        if not count:
            self.query_one("#flag-detail", Static).update(Text("The queue is empty.", style="dim"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self._rows.get(event.row_key.value or "")
        if row is not None:
            self.query_one("#flag-detail", Static).update(self.detail(row))

    def detail(self, row) -> Text:
        detail = Text()
        detail.append(row["author"] or "", style="bold")
        detail.append(f"  flagged by {row['rule'] or 'a report'}: {row['reason']}", style="dim")
        matched = loads(row["matched"], [])
        if matched:
            detail.append("  matched: " + ", ".join(matched), style="italic")
        record = self._record(row["author"])
        if record is not None:
            age = record["account_age_days"]
            detail.append(f"\n{record['items']} items · {record['flags']} flags before"
                          f" · {record['moderation_actions']} moderation actions"
                          f" · account {'age unknown' if age is None else f'{age} days old'}", style="dim")
            if record["watch"]:
                detail.append(" · on the watch list", style="bold yellow")
            if record["notes"]:
                detail.append(f"\nnote: {record['notes']}", style="italic dim")
        body = Text("\n\n" + (row["text"] or ""))  # remote text: literal
        if matched:  # the words that made the rule fire, highlighted where they stand
            body.highlight_words(matched, style="bold reverse", case_sensitive=False)
        detail.append_text(body)
        return detail

    def _record(self, author: str | None):
        if not author:
            return None
        try:
            return self.store.members.record(author, now=self.app.now())
        except CmtuiError:
            return None  # an author we have no person row for (a report about an account)

    # -- decisions -------------------------------------------------------------------------------
    def _current(self):
        table = self.query_one("#queue", DataTable)
        if not self._rows or table.cursor_row is None:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return self._rows.get(key)

    def action_act(self, action: str) -> None:
        row = self._current()
        if row is None or row["item_id"] is None:
            self.notify("Nothing to act on: the queue is empty." if row is None else
                        "An instance report is resolved with `cmtui moderation act rN approve`.", severity="warning")
            return
        if action in PLATFORM:
            from cmtui.tui.dialogs.ask import AskDialog

            title = f"{PLATFORM[action]} {row['author']} on {row['account']}? (sent at the next sync)"
            self.app.push_screen(AskDialog(title, "a comment for the log (enter confirms, esc cancels)"),
                                 lambda comment: self._decide(row, action, comment) if comment is not None else None)
        else:
            self._decide(row, action, "")

    def _decide(self, row, action: str, comment: str) -> None:
        from cmtui.moderation.actions import act

        try:
            act(self.store, self.app.settings, [row["item_id"]], action, who=self.app.settings.username,
                comment=comment)
        except CmtuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"{action.capitalize()}: {row['author']}.", timeout=3, markup=False)
        self.load()
        self.query_one("StatusLine").refresh_status()

    def sync_changed(self) -> None:
        super().sync_changed()
        self.load()
