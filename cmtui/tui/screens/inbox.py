"""Inbox mode: the unified list of mentions, replies and direct messages to answer."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.app import ComposeResult
from textual.widgets import Static

from cmtui.model import iso
from cmtui.store.base import loads
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.widgets.inbox_list import KIND_MARK, InboxList


class InboxScreen(ModeScreen):
    TITLE_SUFFIX = "Inbox"
    BINDINGS = [
        Binding("enter", "thread", "Thread", show=False, id="inbox.thread"),
        Binding("r", "reply", "Reply", id="inbox.reply"),
        Binding("e", "done", "Done", id="inbox.done"),
        Binding("s", "snooze", "Snooze", id="inbox.snooze"),
        Binding("a", "assign", "Assign", show=False, id="inbox.assign"),
        Binding("l", "labels", "Labels", show=False, id="inbox.labels"),
        Binding("x", "select", "Select", show=False, id="inbox.select"),
        Binding("u", "undo", "Undo", id="inbox.undo"),
        Binding("o", "open", "Open", show=False, id="inbox.open"),
    ]
    AUTO_FOCUS = "#inbox-list"
    _counts: dict[str, int] | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="inbox-counts")
        yield InboxList(self.store, self.app.now, on_highlight=self.show_item, id="inbox-list")
        yield Static(id="inbox-preview")

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_counts()

    def refresh_counts(self) -> None:
        self._counts = self.store.inbox.state_counts()
        self._show_counts()

    def _show_counts(self) -> None:
        if self._counts is None:
            self._counts = self.store.inbox.state_counts()
        counts = self._counts
        inbox = self.query_one(InboxList)
        text = Text(no_wrap=True)
        for state in ("new", "open", "snoozed", "done"):
            text.append(f" {state} ", style="bold" if state in ("new", "open") else "dim")
            text.append(f"{counts[state]:,}", style="bold yellow" if state == "new" else "")
            text.append("  ")
        text.append("│ new and open, newest first", style="dim")
        if inbox.selected:
            text.append(f"  │ {len(inbox.selected)} selected", style="bold")
        if inbox.total:
            text.append(f"  │ {inbox.cursor + 1:,} of {inbox.total:,}", style="dim")
        # layout=False: fixed-size panes, so the update needs no reflow and lands in the
        # same frame as the list's own repaint.
        self.query_one("#inbox-counts", Static).update(text, layout=False)

    def sync_changed(self) -> None:
        super().sync_changed()
        self._reload(follow_item=True)

    def _reload(self, follow_item: bool) -> None:
        """The store changed under the list: re-read it. follow_item keeps the cursor on the
        same item (new ones arrived above it); otherwise on the same row (the item left)."""
        inbox = self.query_one(InboxList)
        current = inbox.current_row
        inbox.reload()
        if follow_item and current is not None:
            inbox.select_item(current["id"])
        self.refresh_counts()
        self.show_item(inbox.current_row)

    def show_item(self, row) -> None:
        """The cursor moved onto row (None when the list is empty)."""
        self._show_counts()
        self.query_one("#inbox-preview", Static).update(self.preview(row), layout=False)

    def preview(self, row) -> Text:
        if row is None:
            return Text("Inbox zero. Nothing new or open.", style="dim")
        text = Text()
        text.append(row["author_name"] or row["author"], style="bold")
        text.append(f"  {row['author']}", style="dim")
        text.append(f"\n{KIND_MARK.get(row['kind'], '')} {row['kind']} to {row['account']}", style="dim")
        text.append(f" · {self.app.format_time(row['created_at'])} · {row['state']}", style="dim")
        if row["language"]:
            text.append(f" · {row['language']}", style="dim")
        labels = loads(row["labels"], [])
        if labels:
            text.append("  " + " ".join(f"#{label}" for label in labels), style="italic")
        if row["assignee"]:
            text.append(f"  → {row['assignee']}", style="italic")
        for op in self.store.outbox.for_item(row["id"]):
            style = {"failed": "bold red", "done": "green"}.get(op["state"], "yellow")
            word = {"pending": "pending", "sending": "sending", "done": "sent", "failed": "failed"}[op["state"]]
            text.append(f"\n{op['kind']} {word}", style=style)
            if op["state"] == "failed" and op["last_error"]:
                text.append(f": {op['last_error']}", style="red")
        if self.store.drafts.get(f"reply:{row['id']}"):
            text.append("\ndraft reply saved", style="italic")
        text.append("\n\n")
        text.append(row["text"])  # remote text: appended as plain text, never parsed as markup
        return text


    def _targets(self, doing: str) -> list[int]:
        targets = self.query_one(InboxList).targets()
        if not targets:
            self.notify(f"Nothing to {doing}: the inbox is empty.", severity="warning")
        return targets

    def _decided(self, count: int, what: str) -> None:
        inbox = self.query_one(InboxList)
        inbox.selected.clear()
        self._reload(follow_item=False)
        if count > 1:
            self.notify(f"{what}: {count} items.", timeout=3)

    def action_done(self) -> None:
        targets = self._targets("mark done")
        if targets:
            self.store.triage.done(targets, self.app.settings.username)
            self._decided(len(targets), "Done")

    def action_select(self) -> None:
        inbox = self.query_one(InboxList)
        inbox.toggle_selected()
        inbox.action_cursor_down()
        self._show_counts()

    def action_snooze(self) -> None:
        from cmtui.tui.dialogs.snooze import SnoozeDialog

        targets = self._targets("snooze")
        if not targets:
            return

        def snoozed(until) -> None:
            if until is not None:
                self.store.triage.apply(targets, "snooze", {"state": "snoozed", "snooze_until": iso(until)},
                                        self.app.settings.username)
                self._decided(len(targets), f"Snoozed until {until.strftime('%a %d %b %H:%M')}")

        self.app.push_screen(SnoozeDialog(self.app.now(), self.app.settings.tzinfo(), len(targets)), snoozed)

    def action_assign(self) -> None:
        from cmtui.tui.dialogs.choose import ChooseDialog

        teammates = self.app.settings.teammates
        if not teammates:
            self.notify("No teammates yet: add teammates = [\"ana\", \"luka\"] to settings.toml.",
                        severity="warning", markup=False)
            return
        targets = self._targets("assign")
        if not targets:
            return

        def assigned(name) -> None:
            if name is not None:
                self.store.triage.apply(targets, "assign", {"assignee": name or None}, self.app.settings.username)
                self._decided(len(targets), f"Assigned to {name}" if name else "Unassigned")

        choices = [(name, name) for name in teammates] + [("nobody (unassign)", "")]
        self.app.push_screen(ChooseDialog("Assign to…", choices), assigned)

    def action_reply(self) -> None:
        from cmtui.tui.dialogs.composer import ComposerDialog

        row = self.query_one(InboxList).current_row
        if row is None:
            self.notify("Nothing to reply to: the inbox is empty.", severity="warning")
            return
        account = self.store.accounts.by_id(row["account_id"])

        def queued(op_id) -> None:
            if op_id is None:  # kept as a draft: the preview says so
                self.show_item(self.query_one(InboxList).current_row)
                return
            self.notify(f"Reply queued (operation {op_id}); the next sync sends it.", timeout=3)
            self._reload(follow_item=True)
            self.app.post_message(self.app.SyncChanged())

        self.app.push_screen(ComposerDialog(self.store, row, account.limits), queued)

    def action_thread(self) -> None:
        from cmtui.tui.dialogs.thread import ThreadDialog

        row = self.query_one(InboxList).current_row
        if row is None:
            return

        def closed(then) -> None:
            self._reload(follow_item=True)
            if then == "reply":
                self.action_reply()

        self.app.push_screen(ThreadDialog(self.app, row), closed)

    def action_labels(self) -> None:
        from cmtui.tui.dialogs.labels import LabelDialog

        targets = self._targets("label")
        if not targets:
            return
        label_sets = [set(loads(self.store.inbox.get(i)["labels"], [])) for i in targets]
        on_all = set.intersection(*label_sets)
        vocabulary = [*self.app.settings.labels, *self.store.triage.recent_labels(), *set.union(*label_sets)]

        def relabelled(change) -> None:
            if change is not None and (change[0] or change[1]):
                added, removed = change
                self.store.triage.relabel(targets, added, removed, self.app.settings.username)
                self._decided(len(targets), "Labels changed")

        self.app.push_screen(LabelDialog(vocabulary, on_all, len(targets)), relabelled)

    def action_open(self) -> None:
        row = self.query_one(InboxList).current_row
        if row is None or not row["url"]:
            self.notify("This item has no address to open.", severity="warning")
            return
        self.app.open_url(row["url"])

    def action_undo(self) -> None:
        undone = self.store.triage.undo()
        if undone is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        count = len(undone["items"])
        self.notify(f"Undone: {undone['action']} on {count} item{'s' if count != 1 else ''}.", timeout=3)
        self._reload(follow_item=False)
