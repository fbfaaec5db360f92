"""Moderation mode: the queue of flagged items and instance reports."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from cmtui.store.base import loads
from cmtui.text import one_line
from cmtui.tui.screens.base import ModeScreen


class ModerationScreen(ModeScreen):
    TITLE_SUFFIX = "Moderation"

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
        if row is None:
            return
        detail = Text()
        detail.append(row["author"] or "", style="bold")
        detail.append(f"  flagged by {row['rule'] or 'a report'}: {row['reason']}", style="dim")
        matched = loads(row["matched"], [])
        if matched:
            detail.append("  matched: " + ", ".join(matched), style="italic")
        detail.append("\n\n" + (row["text"] or ""))
        self.query_one("#flag-detail", Static).update(detail)
