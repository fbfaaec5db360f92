"""Moderation mode: the queue of flagged items and instance reports, with the author's
record beside each and the decisions on them: approve (back to the inbox), hide, warn,
assign, mute, block, report, and where the platform has places (rooms) kick, ban or unban
the author there (K); on an instance report: resolve, assign to me, an account
action. `space` / `V` select rows for one bulk decision. Platform actions ask first; every
decision goes to the audit log, and what must reach the platform to the outbox, in one
transaction (cmtui.moderation.actions)."""

from __future__ import annotations

from urllib.parse import urlsplit

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from cmtui.errors import CmtuiError
from cmtui.sync.connectors import default_platform, profile_for
from cmtui.sync.connectors.base import Choice, PlatformProfile
from cmtui.text import one_line
from cmtui.tui.fitting import Column, cell, plan_columns, set_columns
from cmtui.tui.messages import DataChanged
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.screens.moderation_places import PLATFORM, PlaceDecisions
from cmtui.tui.widgets.key_lists import KeyTable

DONE = {"approve": "Approved", "hide": "Hidden", "mute": "Muted", "block": "Blocked", "report": "Reported",
        "warn": "Warned", "kick": "Kicked", "ban": "Banned", "unban": "Unbanned"}
REPORT_ONLY = "An instance report is decided with a (resolve), A (assign to me) or x (account action)."
def _choices(choices: tuple[Choice, ...]) -> list[tuple[str, str]]:
    """A platform's choices (its profile) as a picker's (label, value) pairs."""
    return [(c.label, c.value) for c in choices]


# Columns before the text, planned by priority for the terminal's width: the text keeps at
# least half of it (30 cells at least); the account (often just one), the reason (it mostly
# repeats the rule), then the time shrink or go first; the mark, who and which rule go last,
# in reverse: the rule below 65 columns, the author below 53, the mark below 37.
COLUMNS = (Column("mark", 1, 100), Column("when", 16, 30), Column("account", 11, 10, least=8),
           Column("author", 22, 90, least=14), Column("rule", 12, 80, least=10), Column("reason", 18, 20, least=10))
TEXT_PAD = 2 + 2  # the text's padding + a scrollbar


def queue_columns(width: int) -> dict[str, int]:
    """The queue's columns for a terminal width, and the text's ("text") after them."""
    room = width - TEXT_PAD
    plan = plan_columns(COLUMNS, room, keep=max(30, room // 2))
    plan["text"] = max(12, room - sum(w + 2 for w in plan.values()))
    return plan


class ModerationScreen(PlaceDecisions, ModeScreen):
    TITLE_SUFFIX = "Moderation"
    BINDINGS = [
        Binding("a", "act('approve')", "Approve", id="moderation.approve"),
        Binding("h", "act('hide')", "Hide", id="moderation.hide"),
        Binding("w", "warn", "Warn", id="moderation.warn"),
        Binding("space", "select", "Select", show=False, id="moderation.select"),
        Binding("V", "select_all", "Select all / none", show=False, id="moderation.select_all"),
        Binding("s", "assign", "Assign to…", show=False, id="moderation.assign"),
        Binding("A", "assign_me", "Assign to me", show=False, id="moderation.assign_me"),
        Binding("m", "act('mute')", "Mute", show=False, id="moderation.mute"),
        Binding("b", "act('block')", "Block", show=False, id="moderation.block"),
        Binding("R", "report", "Report", show=False, id="moderation.report"),
        Binding("K", "place_action", "Kick, ban, unban…", show=False, id="moderation.place_action"),
        Binding("x", "account_action", "Account action (report)", show=False, id="moderation.account_action"),
        Binding("p", "member", "Member page", show=False, id="moderation.member"),
        Binding("M", "members", "Members", show=False, id="moderation.members"),
        Binding("e", "rules", "Rules", show=False, id="moderation.rules"),
        Binding("g", "guidelines", "Guidelines", show=False, id="moderation.guidelines"),
    ]

    def __init__(self):
        super().__init__()
        self._rows: dict[str, object] = {}  # flag id -> queue row, in queue order
        self.selected: set[str] = set()  # flag ids picked with space / V
        self._columns: dict[str, int] = {}  # column -> width, planned for the terminal's width
        self._away = False  # a page (member, rules, ...) is open above this screen

    def compose_body(self) -> ComposeResult:
        yield Static(id="moderation-summary")
        yield KeyTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Static(id="flag-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.load()
        self.query_one("#queue", DataTable).focus()

    def on_resize(self) -> None:
        if self._columns and self._columns != queue_columns(self.app.size.width):  # ({}: not loaded yet)
            self.load()

    def _cells(self, row) -> list[Text]:
        """One queue row, in the planned columns."""
        report = row["item_id"] is None
        values = {"mark": ("", ""), "when": (self.app.format_time(row["created_at"]), ""),
                  "account": (row["account"] or "-", ""), "author": (row["author"] or "", ""),
                  "rule": ("report" if report else row["rule"] or "-", "bold"), "reason": (row["reason"], ""),
                  "text": (row["text"] or "", "")}
        return [self._mark(str(row["id"])) if name == "mark" else cell(values[name][0], width, values[name][1])
                for name, width in self._columns.items()]

    # -- the queue ---------------------------------------------------------------------------------
    def load(self) -> None:
        """(Re)read the queue, keeping the highlight on the row acted on (or its nearest
        neighbour once it left) and the selection of rows still there."""
        table = self.query_one("#queue", KeyTable)
        self._rows = {str(row["id"]): row for row in self.store.moderation.queue()}
        self.selected &= self._rows.keys()

        def fill() -> None:
            self._columns = set_columns(table, queue_columns(self.app.size.width), self._columns, {"mark": " "})
            for key, row in self._rows.items():
                table.add_row(*self._cells(row), key=key)

        table.refill(fill)
        self._show_summary()
        self._show_detail()

    def _mark(self, key: str) -> Text:
        return Text("▶", style="bold") if key in self.selected else Text(" ")

    def _show_summary(self) -> None:
        reports = sum(1 for row in self._rows.values() if row["item_id"] is None)
        items = len(self._rows) - reports
        parts = [f"{items} flagged item{'s' if items != 1 else ''}"]
        if reports:
            parts.append(f"{reports} instance report{'s' if reports != 1 else ''}")
        summary = Text(" " + " and ".join(parts) + " to review", style="bold" if self._rows else "dim")
        summary.append("  │ oldest first", style="dim")
        if self.selected:
            summary.append(f"  │ {len(self.selected)} selected", style="bold reverse")
            summary.append("  (space toggles · V all / none)", style="dim")
        elif self._rows:  # the bulk keys are not in the footer (no room): said here
            summary.append("  │ space selects · V all · ? every key", style="dim")
        self.query_one("#moderation-summary", Static).update(summary)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_member()  # enter: the author's page

    def _show_detail(self) -> None:
        row = self._current()
        detail = Text("The queue is empty.", style="dim") if row is None else self.detail(row)
        self.query_one("#flag-detail", Static).update(detail)

    def detail(self, row) -> Text:
        if row["item_id"] is None:
            return self._report_detail(row)
        detail = Text()
        detail.append(row["author"] or "", style="bold")
        place = self._place(row)
        if place is not None:
            detail.append(" in ", style="dim")
            detail.append(place.shown, style="bold")  # a remote name: literal
        detail.append(f"  flagged by {row['rule'] or 'a report'}: ", style="dim")
        detail.append(row["reason"], style="dim")  # a reason can quote remote text
        matched = self.store.moderation.matched(row["id"])
        if matched:
            detail.append("  matched: " + ", ".join(matched), style="italic")
        if row["assignee"]:
            detail.append("  assigned to ", style="dim")
            detail.append(row["assignee"], style="bold")
        self._append_record(detail, row["author"])
        body = Text("\n\n" + (row["text"] or ""))  # remote text: literal
        if matched:  # the words that made the rule fire, highlighted where they stand
            body.highlight_words(matched, style="bold reverse", case_sensitive=False)
        detail.append_text(body)
        return detail

    def _report_detail(self, row) -> Text:
        report = self.store.reports.get(row["report_id"])
        detail = Text()
        profile = self._profile(row["account"])
        detail.append(f"{profile.server_label.capitalize()} report r{row['report_id']}", style="bold")
        detail.append(f" on {row['account'] or '-'} · category ", style="dim")
        detail.append(report["category"] or profile.default_report_category or "-", style="bold")
        detail.append(" · about ", style="dim")
        detail.append(report["target_acct"], style="bold")
        statuses = len(self.store.reports.status_ids(row["report_id"]))
        if statuses:
            detail.append(f" · {statuses} post{'s' if statuses != 1 else ''} attached", style="dim")
        if report["assigned_to"]:
            detail.append(" · assigned to ", style="dim")
            detail.append(report["assigned_to"], style="bold")
        self._append_record(detail, report["target_acct"])
        detail.append("\n\n")
        detail.append(report["comment"] or "(the reporter left no comment)",
                      style="" if report["comment"] else "dim italic")
        detail.append("\n\na resolve · A assign to me · x account action — sent to the instance at the next sync",
                      style="dim")
        return detail

    def _append_record(self, detail: Text, author: str | None) -> None:
        record = self._record(author)
        if record is None:
            return
        age = record["account_age_days"]
        detail.append(f"\n{record['items']} items · {record['flags']} flags before"
                      f" · {record['moderation_actions']} moderation actions"
                      f" · account {'age unknown' if age is None else f'{age} days old'}", style="dim")
        if record["watch"]:
            detail.append(" · on the watch list", style="bold yellow")
        if record["notes"]:
            detail.append("\nnote: ", style="italic dim")
            detail.append(one_line(record["notes"]), style="italic dim")

    def _record(self, author: str | None):
        if not author:
            return None
        try:
            return self.store.members.record(author, now=self.app.now())
        except CmtuiError:
            return None  # an author we have no person row for (a report about an account)

    # -- selection ---------------------------------------------------------------------------------
    def _current(self):
        table = self.query_one("#queue", DataTable)
        if not self._rows or table.cursor_row is None:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return self._rows.get(key)

    def action_select(self) -> None:
        row = self._current()
        if row is None:
            return
        key = str(row["id"])
        self.selected ^= {key}
        table = self.query_one("#queue", DataTable)
        table.update_cell(key, "mark", self._mark(key))
        table.action_cursor_down()
        self._show_summary()

    def action_select_all(self) -> None:
        self.selected = set() if self.selected else set(self._rows)
        table = self.query_one("#queue", DataTable)
        for key in self._rows:
            table.update_cell(key, "mark", self._mark(key))
        self._show_summary()

    def _targets(self) -> list:
        """The selected rows in queue order, else the row under the cursor."""
        if self.selected:
            return [row for key, row in self._rows.items() if key in self.selected]
        row = self._current()
        return [] if row is None else [row]

    def _items(self, doing: str):
        """(item rows, reports skipped) an item decision applies to; None, said why, when none."""
        rows = self._targets()
        items = [row for row in rows if row["item_id"] is not None]
        if not rows:
            self.notify(f"Nothing to {doing}: the queue is empty.", severity="warning")
        elif not items:
            self.notify(REPORT_ONLY if len(rows) == 1 else
                        "Only instance reports are selected: they are decided one at a time (V clears the "
                        "selection).", severity="warning")
        else:
            return items, len(rows) - len(items)
        return None

    def _report(self, on_item: str):
        """The instance report under the cursor (reports are decided one at a time); None,
        said why, when there is none. on_item: what to say on a flagged item."""
        row = self._current()
        if row is None:
            self.notify("Nothing to decide on: the queue is empty.", severity="warning")
        elif self.selected:
            self.notify("Clear the selection first (V): instance reports are decided one at a time.",
                        severity="warning")
        elif row["item_id"] is not None:
            self.notify(on_item, severity="warning")
        else:
            return row
        return None

    @staticmethod
    def _whom(items: list) -> str:
        authors = list(dict.fromkeys(row["author"] or "?" for row in items))
        count = len({row["item_id"] for row in items})
        if count == 1:
            return authors[0]
        if len(authors) == 1:
            return f"{authors[0]} ({count} items)"
        return f"{count} items by {len(authors)} authors"

    # -- item decisions ---------------------------------------------------------------------------
    def action_act(self, action: str) -> None:
        row = self._current()
        if action == "approve" and not self.selected and row is not None and row["item_id"] is None:
            self.action_resolve()  # `a` on an instance report: resolve it
            return
        if action == "report":
            self.action_report()
            return
        chosen = self._items(action)
        if chosen is None:
            return
        items, skipped = chosen
        if self._hides_on_server(action, items) and self._refused(items, action):
            return  # said before asking for a reason
        others = self._author_items(items) if action in ("hide", "mute", "block") else 0
        if others:
            self._ask_scope(items, action, others, skipped)
        elif action in PLATFORM or self._hides_on_server(action, items):
            from cmtui.tui.dialogs.ask import AskDialog

            title, hint = self._asking(action, items)
            self.app.push_screen(AskDialog(title, f"{hint} (enter confirms, esc cancels)"),
                                 lambda comment: None if comment is None else
                                 self._decide(items, action, comment, skipped))
        else:
            self._decide(items, action, "", skipped)

    def _author_items(self, items: list) -> int:
        """How many other open items (in the inbox or flagged) the authors have on those accounts."""
        from cmtui.moderation.actions import author_open_items

        return len(author_open_items(self.store, [self.store.inbox.require(row["item_id"]) for row in items]))

    def _ask_scope(self, items: list, action: str, others: int, skipped: int) -> None:
        """Hide, mute or block: this item, or all of the author's open items? (and a comment
        for the log on a platform action)."""
        from cmtui.tui.dialogs.moderation_dialogs import PickDialog, scope_choices

        whom = self._whom(items)
        note = (f"{whom} {'has' if len(items) == 1 else 'have'} {others} other open item{'s' if others != 1 else ''}"
                " on this account: with all, their flags leave the queue and their items the inbox.")
        choices = scope_choices(len(items), others)
        if action not in PLATFORM and not self._hides_on_server(action, items):
            # a local hide: no comment, so enter on the choice decides (h enter: this item)
            from cmtui.tui.dialogs.choose import ChooseDialog

            self.app.push_screen(ChooseDialog(f"Hide {whom}? {note}", choices),
                                 lambda scope: None if scope is None else
                                 self._decide(items, action, "", skipped, all_items=scope == "all"))
            return
        title, hint = self._asking(action, items)
        self.app.push_screen(PickDialog(title, choices, default="one", hint=hint, note=note),
                             lambda answer: None if answer is None else
                             self._decide(items, action, answer["text"], skipped,
                                          all_items=answer["choice"] == "all"))

    def action_report(self) -> None:
        from cmtui.tui.dialogs.moderation_dialogs import PickDialog

        chosen = self._items("report")
        if chosen is None:
            return
        items, skipped = chosen
        profile = self._profile(items[0]["account"])
        remote = [row for row in items if self._is_remote(row)]
        dialog = PickDialog(
            f"Report {self._whom(items)} to the moderators of {items[0]['account']}? (sent at the next sync)",
            _choices(profile.report_categories), default=profile.default_report_category or "",
            hint="a comment for the moderators (also kept in the log)",
            checkbox="forward to the author's own instance" if remote else "forward (the author is local: no "
                     "other instance to tell)", can_check=bool(remote))

        def answered(answer) -> None:
            if answer is not None:
                self._decide(items, "report", answer["text"], skipped, category=answer["choice"],
                             forward=answer["checked"])

        self.app.push_screen(dialog, answered)

    def _profile(self, account_name: str | None) -> PlatformProfile:
        """What the account's platform offers: report categories, account actions."""
        account = self.store.accounts.get(account_name or "")
        return profile_for(account.platform if account is not None else default_platform())

    def _is_remote(self, row) -> bool:
        """Whether the author lives on another instance than the account (forwarding applies)."""
        account = self.store.accounts.get(row["account"] or "")
        domain = (row["author"] or "").rpartition("@")[2].lower()
        return bool(account and domain and domain != (urlsplit(account.server).hostname or "").lower())

    def action_warn(self) -> None:
        guidelines = self.store.members.guidelines()
        if not guidelines:
            self.notify("No guidelines to cite yet: add the community's guidelines with g, then warn with w.",
                        severity="warning")
            return
        chosen = self._items("warn")
        if chosen is None:
            return
        from cmtui.tui.dialogs.moderation_dialogs import WarnDialog

        items, skipped = chosen

        def answered(answer) -> None:
            if answer is not None:
                number, sentence = answer
                self._decide(items, "warn", sentence, skipped, guideline=number)

        self.app.push_screen(WarnDialog(self.store, guidelines, self._whom(items), len(items)), answered)

    def action_assign(self) -> None:
        from cmtui.tui.dialogs.choose import ChooseDialog

        chosen = self._items("assign")
        if chosen is None:
            return
        items, skipped = chosen
        settings = self.app.settings
        names = list(dict.fromkeys([settings.username, *settings.teammates, *settings.approvers]))
        choices = [(f"{name} (me)" if name == settings.username else name, name) for name in names]
        choices.append(("someone else… (type a name)", ""))

        def picked(name) -> None:
            if name is None:
                return
            if name:
                self._decide(items, "assign", "", skipped, to=name)
                return
            from cmtui.tui.dialogs.ask import AskDialog

            self.app.push_screen(AskDialog(f"Assign {self._whom(items)} to", "a name (enter confirms, esc cancels)"),
                                 lambda typed: self._decide(items, "assign", "", skipped, to=typed) if typed else None)

        self.app.push_screen(ChooseDialog(f"Assign {self._whom(items)} to", choices), picked)

    def action_assign_me(self) -> None:
        row = self._current()
        if not self.selected and row is not None and row["item_id"] is None:
            self._decide_report(row, "assign")
            return
        chosen = self._items("assign")
        if chosen is not None:
            items, skipped = chosen
            self._decide(items, "assign", "", skipped, to=self.app.settings.username)

    def _decide(self, items: list, action: str, comment: str, skipped: int = 0, **options) -> None:
        """One act() for every item: all are decided, or none (the error says why, the selection stays)."""
        from cmtui.moderation.actions import act

        whom = self._whom(items)
        try:
            outcomes = act(self.store, self.app.settings, [row["item_id"] for row in items], action,
                           who=self.app.settings.username, comment=comment, **options)
        except CmtuiError as exc:
            self.notify(f"Nothing was changed: {exc}", severity="error", markup=False)
            return
        done = f"Assigned to {options['to']}" if action == "assign" else DONE[action]
        message = f"{done}: {whom}."
        more = len(outcomes) - len(items)
        if options.get("all_items"):
            message += (f" And {more} more of the author's open item{'s' if more != 1 else ''}:"
                        " out of the queue and the inbox.")
        if skipped:
            message += (f" {skipped} instance report{'s were' if skipped != 1 else ' was'} skipped:"
                        " reports are decided one at a time.")
        self._after(message)

    def _after(self, message: str) -> None:
        self.selected.clear()
        self.load()
        self.query_one("StatusLine").refresh_status()
        self.notify(message, timeout=4, markup=False)

    # -- instance reports -------------------------------------------------------------------------
    def action_resolve(self) -> None:
        from cmtui.tui.dialogs.ask import ConfirmDialog

        row = self._report("a approves a flagged item; it resolves an instance report.")
        if row is not None:
            self.app.push_screen(
                ConfirmDialog(f"Resolve report r{row['report_id']} about {row['author']} on {row['account']}?"
                              " (sent at the next sync)"),
                lambda yes: self._decide_report(row, "resolve") if yes else None)

    def action_account_action(self) -> None:
        from cmtui.tui.dialogs.moderation_dialogs import PickDialog

        row = self._report("x is an account action on an instance report: on a flagged item use m (mute),"
                           " b (block) or R (report).")
        if row is None:
            return
        actions = self._profile(row["account"]).account_actions
        dialog = PickDialog(
            f"Account action on {row['author']} (report r{row['report_id']}, {row['account']})",
            _choices(actions), default=actions[0].value if actions else "",
            hint="a text for the account (sent with the action)",
            note="Sent to the instance at the next sync; it also resolves the report.")
        self.app.push_screen(dialog, lambda answer: None if answer is None else
                             self._decide_report(row, answer["choice"], answer["text"]))

    def _decide_report(self, row, action: str, text: str = "") -> None:
        from cmtui.moderation.actions import act_report

        try:
            act_report(self.store, row["report_id"], action, who=self.app.settings.username, text=text)
        except CmtuiError as exc:
            self.notify(f"Nothing was changed: {exc}", severity="error", markup=False)
            return
        done = {"resolve": "Resolved", "assign": f"Assigned to {self.app.settings.username}"}.get(
            action, f"Account action {action} queued, resolved")
        self._after(f"{done}: report r{row['report_id']} about {row['author']}.")

    # -- other pages ------------------------------------------------------------------------------
    def action_member(self) -> None:
        row = self._current()
        if row is None:
            self.notify("Nothing to show: the queue is empty.", severity="warning")
            return
        try:
            person = self.store.members.require(row["author"] or "")
        except CmtuiError:
            self.notify(f"No member page for {row['author']}: nothing of theirs has been synced.",
                        severity="warning", markup=False)
            return
        from cmtui.tui.screens.members import MemberScreen

        self._open(MemberScreen(person["id"]))

    def action_members(self) -> None:
        from cmtui.tui.screens.members import MembersScreen

        self._open(MembersScreen())

    def action_rules(self) -> None:
        from cmtui.tui.screens.rules_editor import RulesEditorScreen

        self._open(RulesEditorScreen())

    def action_guidelines(self) -> None:
        from cmtui.tui.screens.guidelines import GuidelinesScreen

        self._open(GuidelinesScreen())

    def _open(self, page) -> None:
        self._away = True
        self.app.push_screen(page)

    def on_screen_resume(self) -> None:
        # Back from a page (member notes, watch list, rules, guidelines): what it changed
        # shows. Not after a dialog: each decision reloads already.
        if self._away:
            self._away = False
            self.load()

    def on_data_changed(self, _message: DataChanged) -> None:
        self.load()
