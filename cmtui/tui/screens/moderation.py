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

from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.moderation.describe import flag_reason
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.sync.connectors import default_platform, profile_for
from cmtui.sync.connectors.base import PlatformProfile
from cmtui.text import one_line
from cmtui.team import members, same_person
from cmtui.tui.fitting import cell, set_columns
from cmtui.tui.messages import DataChanged
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.screens.moderation_places import PLATFORM, PlaceDecisions
from cmtui.tui.screens.moderation_queue import (DONE, HEADINGS, NOTHING_TO, REPORT_ONLY, choice_pairs, pieces,
                                               queue_columns, record_counts)
from cmtui.tui.widgets.key_lists import KeyTable

class ModerationScreen(PlaceDecisions, ModeScreen):
    TITLE_SUFFIX = N_("Moderation")
    BINDINGS = [
        Binding("a", "act('approve')", N_("Approve"), id="moderation.approve"),
        Binding("h", "act('hide')", N_("Hide"), id="moderation.hide"),
        Binding("w", "warn", N_("Warn"), id="moderation.warn"),
        Binding("space", "select", N_("Select"), show=False, id="moderation.select"),
        Binding("V", "select_all", N_("Select all / none"), show=False, id="moderation.select_all"),
        Binding("s", "assign", N_("Assign to…"), show=False, id="moderation.assign"),
        Binding("A", "assign_me", N_("Assign to me"), show=False, id="moderation.assign_me"),
        Binding("m", "act('mute')", N_("Mute"), show=False, id="moderation.mute"),
        Binding("b", "act('block')", N_("Block"), show=False, id="moderation.block"),
        Binding("R", "report", N_("Report"), show=False, id="moderation.report"),
        Binding("K", "place_action", N_("Kick, ban, unban…"), show=False, id="moderation.place_action"),
        Binding("x", "account_action", N_("Account action (report)"), show=False, id="moderation.account_action"),
        Binding("p", "member", N_("Member page"), show=False, id="moderation.member"),
        Binding("M", "members", N_("Members"), show=False, id="moderation.members"),
        Binding("e", "rules", N_("Rules"), show=False, id="moderation.rules"),
        Binding("g", "guidelines", N_("Guidelines"), show=False, id="moderation.guidelines"),
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
                  "rule": (pgettext("moderation queue", "report") if report else row["rule"] or "-", "bold"),
                  "reason": (row["reason"], ""),
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
            labels = {name: _(heading) if heading.strip() else heading for name, heading in HEADINGS.items()}
            self._columns = set_columns(table, queue_columns(self.app.size.width), self._columns, labels)
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
        flagged = ngettext("{n} flagged item", "{n} flagged items", items).format(n=l10n.number(items))
        if reports:
            said = ngettext("{items} and {n} instance report to review", "{items} and {n} instance reports to review",
                            reports).format(items=flagged, n=l10n.number(reports))
        else:
            # i18n: {items} is "3 flagged items"
            said = _("{items} to review").format(items=flagged)
        summary = Text(" " + said, style="bold" if self._rows else "dim")
        summary.append("  │ " + _("oldest first"), style="dim")
        if self.selected:
            chosen = len(self.selected)
            summary.append("  │ " + ngettext("{n} selected", "{n} selected", chosen).format(n=l10n.number(chosen)),
                           style="bold reverse")
            summary.append("  " + _("(space toggles · V all / none)"), style="dim")
        elif self._rows:  # the bulk keys are not in the footer (no room): said here
            summary.append("  │ " + _("space selects · V all · ? every key"), style="dim")
        self.query_one("#moderation-summary", Static).update(summary)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_member()  # enter: the author's page

    def _show_detail(self) -> None:
        row = self._current()
        detail = Text(_("The queue is empty."), style="dim") if row is None else self.detail(row)
        self.query_one("#flag-detail", Static).update(detail)

    def detail(self, row) -> Text:
        if row["item_id"] is None:
            return self._report_detail(row)
        detail = Text()
        place = self._place(row)
        if place is not None:  # remote names: literal (Text, filled after translation)
            detail.append_text(pieces(_("{author} in {place}"), author=(row["author"] or "", "bold"),
                                       place=(place.shown, "bold"), style="dim"))
        else:
            detail.append(row["author"] or "", style="bold")
        # a reason can quote remote text: a literal field
        by = _("flagged by {rule}: {reason}") if row["rule"] else _("flagged by a report: {reason}")
        detail.append_text(pieces(by, lead="  ", rule=(row["rule"] or "", "dim"),
                                   reason=(flag_reason(row["reason"]), "dim"),
                                   style="dim", apart=("reason",)))
        matched = self.store.moderation.matched(row["id"])
        if matched:
            detail.append("  " + _("matched: {words}").format(words=", ".join(matched)), style="italic")
        if row["assignee"]:
            detail.append_text(pieces(_("assigned to {name}"), lead="  ", name=(row["assignee"], "bold"),
                                       style="dim"))
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
        # i18n: {server} is the platform's word for its server ("instance"…), {id} the report's number
        title = _("{server} report r{id}").format(server=profile.word("server_label"), id=row["report_id"])
        detail.append(title[:1].upper() + title[1:], style="bold")
        detail.append_text(pieces(
            _("on {account} · category {category} · about {target}"), lead=" ", account=(row["account"] or "-", "dim"),
            category=(report["category"] or profile.default_report_category or "-", "bold"),
            target=(report["target_acct"], "bold"), style="dim"))
        statuses = len(self.store.reports.status_ids(row["report_id"]))
        if statuses:
            detail.append(" · " + ngettext("{n} post attached", "{n} posts attached", statuses).format(
                n=l10n.number(statuses)), style="dim")
        if report["assigned_to"]:
            detail.append_text(pieces(_("assigned to {name}"), lead=" · ", name=(report["assigned_to"], "bold"),
                                       style="dim"))
        self._append_record(detail, report["target_acct"])
        detail.append("\n\n")
        detail.append(report["comment"] or _("(the reporter left no comment)"),
                      style="" if report["comment"] else "dim italic")
        detail.append("\n\n" + _("a resolve · A assign to me · x account action — sent to the instance at the next sync"),
                      style="dim")
        return detail

    def _append_record(self, detail: Text, author: str | None) -> None:
        record = self._record(author)
        if record is None:
            return
        detail.append("\n" + " · ".join(record_counts(record)), style="dim")
        if record["watch"]:
            detail.append(" · " + _("on the watch list"), style="bold yellow")
        if record["notes"]:
            detail.append("\n" + _("note:") + " ", style="italic dim")
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
            self.notify(_(NOTHING_TO[doing]) if doing in NOTHING_TO else _("Nothing to do: the queue is empty."),
                        severity="warning")
        elif not items:
            self.notify(_(REPORT_ONLY) if len(rows) == 1 else
                        _("Only instance reports are selected: they are decided one at a time (V clears the "
                          "selection)."), severity="warning")
        else:
            return items, len(rows) - len(items)
        return None

    def _report(self, on_item: str):
        """The instance report under the cursor (reports are decided one at a time); None,
        said why, when there is none. on_item: what to say on a flagged item."""
        row = self._current()
        if row is None:
            self.notify(_("Nothing to decide on: the queue is empty."), severity="warning")
        elif self.selected:
            self.notify(_("Clear the selection first (V): instance reports are decided one at a time."),
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
            return ngettext("{author} ({n} item)", "{author} ({n} items)", count).format(
                author=authors[0], n=l10n.number(count))
        # i18n: {authors} is "2 authors" (the message below): "3 items by 2 authors"
        return ngettext("{n} item by {authors}", "{n} items by {authors}", count).format(
            n=l10n.number(count), authors=ngettext("{n} author", "{n} authors", len(authors)).format(
                n=l10n.number(len(authors))))

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
            self.app.push_screen(AskDialog(title, _("{hint} (enter confirms, esc cancels)").format(hint=hint)),
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
        if len(items) == 1:
            note = ngettext("{whom} has {n} other open item on this account: with all, their flags leave the queue"
                            " and their items the inbox.",
                            "{whom} has {n} other open items on this account: with all, their flags leave the queue"
                            " and their items the inbox.", others)
        else:
            note = ngettext("{whom} have {n} other open item on this account: with all, their flags leave the queue"
                            " and their items the inbox.",
                            "{whom} have {n} other open items on this account: with all, their flags leave the queue"
                            " and their items the inbox.", others)
        note = note.format(whom=whom, n=l10n.number(others))
        choices = scope_choices(len(items), others)
        if action not in PLATFORM and not self._hides_on_server(action, items):
            # a local hide: no comment, so enter on the choice decides (h enter: this item)
            from cmtui.tui.dialogs.choose import ChooseDialog

            self.app.push_screen(ChooseDialog(_("Hide {whom}? {note}").format(whom=whom, note=note), choices),
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
            _("Report {whom} to the moderators of {account}? (sent at the next sync)").format(
                whom=self._whom(items), account=items[0]["account"]),
            choice_pairs(profile.report_categories), default=profile.default_report_category or "",
            hint=_("a comment for the moderators (also kept in the log)"),
            checkbox=_("forward to the author's own instance") if remote else _(
                "forward (the author is local: no other instance to tell)"), can_check=bool(remote))

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
            self.notify(_("No guidelines to cite yet: add the community's guidelines with g, then warn with w."),
                        severity="warning")
            return
        chosen = self._items("warn")
        if chosen is None:
            return
        from cmtui.tui.dialogs.moderation_dialogs import WarnDialog

        items, skipped = chosen

        def answered(answer) -> None:
            if answer is None:
                return
            number, sentence = answer
            self._after_teammates(items, lambda: self._decide(items, "warn", sentence, skipped, guideline=number))

        self.app.push_screen(WarnDialog(self.store, guidelines, self._whom(items), len(items)), answered)

    def _after_teammates(self, items, then) -> None:
        """A warning is a reply: when a teammate is answering one of the items or has answered
        it, `then` runs only once the person says so (as a second answer in the inbox)."""
        from cmtui.triage.collisions import collision
        from cmtui.tui.dialogs.second_answer import SecondAnswerDialog

        who, now = self.app.settings.username, self.app.now()
        found = next((c for c in (collision(self.store, row["item_id"], who, now) for row in items) if c), None)
        if found is None:
            then()
        else:
            self.app.push_screen(SecondAnswerDialog(found), lambda yes: then() if yes else None)

    def action_assign(self) -> None:
        from cmtui.tui.dialogs.choose import ChooseDialog

        chosen = self._items("assign")
        if chosen is None:
            return
        items, skipped = chosen
        settings = self.app.settings
        # Only the team (no typed name: a typo would assign to nobody); act() checks it again.
        choices = [(_("{name} (me)").format(name=name) if same_person(name, settings.username) else name,
                    name)
                   for name in members(settings)]

        def picked(name) -> None:
            if name:
                self._decide(items, "assign", "", skipped, to=name)

        self.app.push_screen(ChooseDialog(_("Assign {whom} to").format(whom=self._whom(items)), choices), picked)

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
            self.notify(_("Nothing was changed: {error}").format(error=exc), severity="error", markup=False)
            return
        if action == "assign":  # the name as the team spells it (act() accepted it)
            from cmtui.team import resolve

            message = _("Assigned to {name}: {whom}.").format(name=resolve(self.app.settings, options["to"]), whom=whom)
        elif action in DONE:
            message = _(DONE[action]).format(whom=whom)
        else:
            message = _("Done: {whom}.").format(whom=whom)
        more = len(outcomes) - len(items)
        if options.get("all_items"):
            message += " " + ngettext("And {n} more of the author's open items: out of the queue and the inbox.",
                                      "And {n} more of the author's open items: out of the queue and the inbox.",
                                      more).format(n=l10n.number(more))
        if skipped:
            message += " " + ngettext("{n} instance report was skipped: reports are decided one at a time.",
                                      "{n} instance reports were skipped: reports are decided one at a time.",
                                      skipped).format(n=l10n.number(skipped))
        self._after(message)

    def _after(self, message: str) -> None:
        self.selected.clear()
        self.load()
        self.query_one("StatusLine").refresh_status()
        self.notify(message, timeout=4, markup=False)

    # -- instance reports -------------------------------------------------------------------------
    def action_resolve(self) -> None:
        from cmtui.tui.dialogs.ask import ConfirmDialog

        row = self._report(_("a approves a flagged item; it resolves an instance report."))
        if row is not None:
            self.app.push_screen(
                ConfirmDialog(_("Resolve report r{id} about {author} on {account}? (sent at the next sync)").format(
                    id=row["report_id"], author=row["author"], account=row["account"])),
                lambda yes: self._decide_report(row, "resolve") if yes else None)

    def action_account_action(self) -> None:
        from cmtui.tui.dialogs.moderation_dialogs import PickDialog

        row = self._report(_("x is an account action on an instance report: on a flagged item use m (mute),"
                             " b (block) or R (report)."))
        if row is None:
            return
        actions = self._profile(row["account"]).account_actions
        dialog = PickDialog(
            _("Account action on {author} (report r{id}, {account})").format(
                author=row["author"], id=row["report_id"], account=row["account"]),
            choice_pairs(actions), default=actions[0].value if actions else "",
            hint=_("a text for the account (sent with the action)"),
            note=_("Sent to the instance at the next sync; it also resolves the report."))
        self.app.push_screen(dialog, lambda answer: None if answer is None else
                             self._decide_report(row, answer["choice"], answer["text"]))

    def _decide_report(self, row, action: str, text: str = "") -> None:
        from cmtui.moderation.actions import act_report

        try:
            act_report(self.store, row["report_id"], action, who=self.app.settings.username, text=text,
                       settings=self.app.settings)
        except CmtuiError as exc:
            self.notify(_("Nothing was changed: {error}").format(error=exc), severity="error", markup=False)
            return
        fields = {"id": row["report_id"], "author": row["author"]}
        if action == "resolve":
            message = _("Resolved: report r{id} about {author}.").format(**fields)
        elif action == "assign":
            message = _("Assigned to {name}: report r{id} about {author}.").format(
                name=self.app.settings.username, **fields)
        else:  # i18n: {action} is the platform's account action (silence, suspend…)
            message = _("Account action {action} queued, resolved: report r{id} about {author}.").format(
                action=action, **fields)
        self._after(message)

    # -- other pages ------------------------------------------------------------------------------
    def action_member(self) -> None:
        row = self._current()
        if row is None:
            self.notify(_("Nothing to show: the queue is empty."), severity="warning")
            return
        try:
            person = self.store.members.require(row["author"] or "")
        except CmtuiError:
            self.notify(_("No member page for {author}: nothing of theirs has been synced.").format(author=row["author"]),
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
