"""The status line under every screen: a crisis alert when there is one, sync state per
account, the outbox, items overdue for an answer, last sync."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.widgets import Static

from cmtui.triage.response import overdue_cutoff

STATE_STYLE = {"idle": "green", "syncing": "cyan", "offline": "yellow", "error": "bold red"}


class StatusLine(Static):
    """Re-reads a few small aggregates from the store every couple of seconds."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def on_mount(self) -> None:
        # Filled in right after the first frame: the list is what the user waits for.
        self.call_after_refresh(self.refresh_status)
        self.set_interval(2.0, self.refresh_status)

    def refresh_status(self) -> None:
        store = self.app.store
        text = Text(no_wrap=True, overflow="ellipsis")
        # First, so a narrow terminal cuts something else: set by the app's crisis watch.
        marker = getattr(getattr(self.app, "crisis_watch", None), "marker", None)
        if marker:
            text.append(f"⚠ {marker}", style="bold red")
            text.append("  │  ")
        accounts = store.accounts.list()
        if not accounts:
            text.append("no accounts yet (cmtui account add)", style="dim")
        for n, account in enumerate(accounts):
            if n:
                text.append("  ")
            if account.offline:  # no connection by design: nothing to worry about
                text.append(f"○ {account.name} no connection", style="dim")
                continue
            style = STATE_STYLE.get(account.sync_state, "")
            text.append("● ", style=style)
            text.append(account.name)
            text.append(f" {account.sync_state}", style=style or "dim")
        counts = store.outbox.counts()
        text.append("  │  outbox ")
        text.append(f"{counts['pending'] + counts['sending']} pending", style="bold" if counts["pending"] else "dim")
        if counts["failed"]:
            text.append(f" {counts['failed']} failed", style="bold red")
        # Overdue: past the response target and unanswered (kept counts minus the few
        # recent items: ~3 ms on a million, fine every couple of seconds).
        target = timedelta(minutes=self.app.settings.response_target_minutes)
        overdue = store.inbox.overdue_count(overdue_cutoff(self.app.now(), target))
        text.append("  │  ")
        text.append(f"{overdue:,} overdue", style="bold red" if overdue else "dim")
        last = max((a.last_sync_at for a in accounts if a.last_sync_at), default=None)
        text.append("  │  last sync ")
        text.append(self.app.format_time(last) if last else "never", style="dim")
        self.update(text)
