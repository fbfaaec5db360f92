"""Members of the community: a page per author (their record, history, the team's notes and
the watch list), and the list of the most active and most helpful members of the last
30 days, to recognise them. Opened from Moderation (p / enter on a row, M)."""

from __future__ import annotations

from pathlib import Path

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.model import FlagState, iso
from cmtui.text import one_line
from cmtui.tui.fitting import cell
from cmtui.tui.messages import DataChanged
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.widgets.key_lists import KeyTable

WINDOW_DAYS = 30
HISTORY_LIMIT = 200  # rows of each kind (items, flags, decisions) on a member page


def first_line(text: str | None) -> str:
    return one_line((text or "").strip().split("\n", 1)[0])


def kind_word(kind: str) -> str:
    """An item's kind as shown (stored in English)."""
    return {"mention": pgettext("item kind", "mention"), "reply": pgettext("item kind", "reply"),
            "direct": pgettext("item kind", "direct"), "comment": pgettext("item kind", "comment"),
            "flag": pgettext("member history", "flag")}.get(kind, kind)


def state_word(state: str) -> str:
    """An item's or a flag's state as shown (stored in English)."""
    return {"new": pgettext("item state", "new"), "open": pgettext("item state", "open"),
            "snoozed": pgettext("item state", "snoozed"), "done": pgettext("item state", "done"),
            "approved": pgettext("flag state", "approved"), "hidden": pgettext("flag state", "hidden"),
            "muted": pgettext("flag state", "muted"), "blocked": pgettext("flag state", "blocked"),
            "reported": pgettext("flag state", "reported"), "resolved": pgettext("flag state", "resolved"),
            }.get(state, state)


def action_word(action: str) -> str:
    """A logged moderation decision as shown (stored in English)."""
    return {"approve": pgettext("moderation action", "approve"), "hide": pgettext("moderation action", "hide"),
            "mute": pgettext("moderation action", "mute"), "block": pgettext("moderation action", "block"),
            "report": pgettext("moderation action", "report"), "warn": pgettext("moderation action", "warn"),
            "assign": pgettext("moderation action", "assign"), "kick": pgettext("moderation action", "kick"),
            "ban": pgettext("moderation action", "ban"), "unban": pgettext("moderation action", "unban"),
            "resolve": pgettext("moderation action", "resolve")}.get(action, action)


class MemberScreen(ModeScreen):
    """One member: who they are, what they wrote, what was decided about them."""
    CSS_PATH = Path(__file__).with_name("members.tcss")  # read when first shown

    TITLE_SUFFIX = N_("Member")
    BINDINGS = [
        Binding("n", "notes", N_("Notes"), id="member.notes"),
        Binding("w", "watch", N_("Watch list"), id="member.watch"),
        Binding("escape", "back", N_("Back"), id="member.back"),
    ]

    def __init__(self, person):
        """person: a person id or acct (user@instance)."""
        super().__init__()
        self.person = person
        self.record: dict = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="member-card")
        yield Static(id="member-history-title")
        yield KeyTable(id="member-history", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#member-history", DataTable)
        table.add_column(_("when"), width=17)
        table.add_column(_("what"), width=10)
        table.add_column(_("state"), width=14)
        table.add_column(_("text"))
        self.load()
        table.focus()

    def load(self) -> None:
        try:
            self.record = self.store.members.record(self.person, now=self.app.now())
        except CmtuiError as exc:  # the person went away (a database swap): nothing to show
            self.notify(str(exc), severity="error", markup=False)
            self.record = {}
            return
        self.query_one("#member-card", Static).update(self.card())
        self._load_history()

    def card(self) -> Text:
        r = self.record
        card = Text()
        card.append(r["display_name"] or r["acct"], style="bold")  # remote names: literal
        card.append("  @", style="dim")
        card.append(r["acct"], style="dim")
        card.append(f" · {r['platform']}", style="dim")
        if r["bot"]:
            card.append(" · " + _("bot"), style="bold")
        age = r["account_age_days"]
        card.append("\n" + (_("account age unknown") if age is None else ngettext(
            "account {n} day old", "account {n} days old", age).format(n=l10n.number(age))), style="")
        card.append(" · " + _("first seen {when}").format(when=self.app.format_time(r["first_seen_at"]))
                    + " · " + _("last seen {when}").format(when=self.app.format_time(r["last_seen_at"])), style="dim")
        card.append("\n" + ngettext("{n} item", "{n} items", r["items"]).format(n=l10n.number(r["items"]))
                    + " · " + ngettext("{n} flag", "{n} flags", r["flags"]).format(n=l10n.number(r["flags"])))
        if r["flags_by_state"]:
            # i18n: a count of flags in a state, e.g. "2 open"
            states = ", ".join(_("{n} {state}").format(n=l10n.number(n), state=state_word(state))
                               for state, n in sorted(r["flags_by_state"].items()))
            card.append(f" ({states})", style="dim")
        card.append(" · " + ngettext("{n} moderation action", "{n} moderation actions", r["moderation_actions"]).format(
            n=l10n.number(r["moderation_actions"])) + " · ")
        if r["watch"]:
            card.append(_("on the watch list"), style="bold yellow")
        else:
            card.append(_("not on the watch list"), style="dim")
        card.append("\n")
        if r["notes"]:
            card.append(_("notes:") + " ", style="bold")
            card.append(r["notes"], style="italic")
            if r["notes_by"]:  # a team shares the page: whose words these are
                card.append("  " + _("(by {name}, {when})").format(
                    name=r["notes_by"], when=self.app.format_time(r["notes_at"])), style="dim")
        else:
            card.append(_("no notes yet: n writes one"), style="dim")
        return card

    def _load_history(self) -> None:
        """Items, flags and moderation decisions, newest first."""
        r = self.record
        rows = []
        for item in self.store.members.history(r["id"], HISTORY_LIMIT):
            state = (_("{state}, hidden").format(state=state_word(item["state"])) if item["hidden"]
                     else state_word(item["state"]))
            rows.append((item["created_at"], kind_word(item["kind"]), state, first_line(item["text"]), "",
                         f"i{item['id']}"))
        for flag in self.store.moderation.member_flags(r["id"]):
            rows.append((flag["created_at"], kind_word("flag"), state_word(flag["state"]),
                         f"{flag['rule'] or kind_word('flag')}: {flag['reason']}",
                         "bold red" if flag["state"] == FlagState.OPEN else "red", f"f{flag['id']}"))
        for entry in self.store.moderation.log(HISTORY_LIMIT, person_id=r["id"]):
            comment = entry["comment"] or ""
            rows.append((entry["at"], action_word(entry["action"]), _("by {name}").format(name=entry["who"]),
                         first_line(comment), "bold", f"l{entry['id']}"))
        rows.sort(key=lambda row: row[0] or "", reverse=True)
        table = self.query_one("#member-history", KeyTable)

        def fill() -> None:
            for when, what, state, text, style, key in rows:
                table.add_row(Text(self.app.format_time(when)), Text(what, style=style), Text(state),
                              Text(text, no_wrap=True, overflow="ellipsis"), key=key)

        table.refill(fill)  # a note or the watch list re-reads the history: the highlight stays
        title = Text(ngettext("History · {n} entry", "History · {n} entries", len(rows)).format(
            n=l10n.number(len(rows))))
        title.append("  " + _("items, flags and moderation decisions, newest first"), style="dim")
        self.query_one("#member-history-title", Static).update(title)

    def action_notes(self) -> None:
        if not self.record:
            return
        from cmtui.tui.dialogs.member_notes import NotesDialog

        def save(notes) -> None:
            if notes is not None:
                self._change(self.store.members.set_notes, notes, _("Notes saved.") if notes else _("Notes cleared."))

        self.app.push_screen(NotesDialog(self.record["acct"], self.record["notes"] or ""), save)

    def action_watch(self) -> None:
        if self.record:
            watch = not self.record["watch"]
            self._change(self.store.members.set_watch, watch,
                         (_("On the watch list: {acct}") if watch else _("Off the watch list: {acct}")).format(
                             acct=self.record["acct"]))

    def _change(self, setter, value, done: str) -> None:
        """Store a change to this member at once, then show it (or say why nothing changed)."""
        try:
            setter(self.record["id"], value, who=self.app.settings.username)
        except CmtuiError as exc:
            self.notify(_("Nothing was changed: {error}").format(error=exc), severity="error", markup=False)
            return
        self.load()
        self.notify(done, timeout=3, markup=False)

    def action_back(self) -> None:
        self.dismiss()

    def on_data_changed(self, _message: DataChanged) -> None:
        self.load()


class MembersScreen(ModeScreen):
    """The most active and the most helpful members of the last 30 days."""
    CSS_PATH = Path(__file__).with_name("members.tcss")  # read when first shown

    TITLE_SUFFIX = N_("Members")
    BINDINGS = [
        Binding("p", "open", N_("Member page"), id="members.open"),
        Binding("escape", "back", N_("Back"), id="members.back"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(id="members-summary")
        with Horizontal(id="members-tables"):
            with Vertical(classes="members-column"):
                yield Static(Text(_("Most active · items written")), classes="members-title")
                yield KeyTable(id="active", cursor_type="row", zebra_stripes=True)
                yield Static(classes="members-note", id="active-note")
            with Vertical(classes="members-column"):
                yield Static(Text(_("Most helpful · others' questions answered")), classes="members-title")
                yield KeyTable(id="helpful", cursor_type="row", zebra_stripes=True)
                yield Static(classes="members-note", id="helpful-note")

    def on_mount(self) -> None:
        super().on_mount()
        for table_id, count in (("active", _("items")), ("helpful", _("threads"))):
            table = self.query_one(f"#{table_id}", DataTable)
            # 56 cells with the padding: half of a 120-column terminal.
            table.add_column("#", width=2)
            table.add_column(_("member"), width=26)
            table.add_column(_("name"), width=14)
            table.add_column(count, width=6)
        self.load()
        self.query_one("#active", DataTable).focus()

    def load(self) -> None:
        end = self.app.now()
        start = end - timedelta(days=WINDOW_DAYS)
        members = self.store.members
        self._fill("active", [(m["author"], m["items"]) for m in members.most_active(iso(start), iso(end))],
                   _("Nobody wrote in these 30 days."))
        self._fill("helpful", [(m["author"], m["threads_helped"]) for m in members.most_helpful(iso(start), iso(end))],
                   _("Nobody answered someone else's question in these 30 days (as far as the fetched threads"
                     " show)."))
        tz = self.app.settings.tzinfo()
        summary = Text(" " + ngettext("Last {n} day", "Last {n} days", WINDOW_DAYS).format(n=l10n.number(WINDOW_DAYS)),
                       style="bold")
        summary.append(f"  │ {l10n.day_month(start.astimezone(tz))} – {l10n.day_month(end.astimezone(tz))}", style="dim")
        summary.append("  │ " + _("enter opens a member's page · tab switches lists"), style="dim")
        self.query_one("#members-summary", Static).update(summary)

    def _fill(self, table_id: str, rows: list[tuple[str, int]], empty: str) -> None:
        table = self.query_one(f"#{table_id}", KeyTable)

        def fill() -> None:
            for rank, (author, count) in enumerate(rows, 1):
                table.add_row(Text(l10n.number(rank), style="dim", justify="right"), cell(author or "?", 26),
                              self._display_name(author),
                              Text(l10n.number(count), style="bold", justify="right"), key=author)

        table.refill(fill)  # a sync re-reads the list: the highlight stays on the member
        note = self.query_one(f"#{table_id}-note", Static)
        note.update(Text(empty))
        note.display, table.display = not rows, bool(rows)

    def _display_name(self, author: str) -> Text:
        try:
            name = self.store.members.require(author)["display_name"]
        except CmtuiError:  # an author with no person row (older data)
            name = ""
        return cell(name or "", 14, "dim")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.data_table)

    def action_open(self) -> None:
        table = self.focused if isinstance(self.focused, DataTable) else self.query_one("#active", DataTable)
        self._open(table)

    def _open(self, table: DataTable) -> None:
        if not table.row_count or table.cursor_row is None:
            self.notify(_("Nobody to show in this list."), severity="warning")
            return
        author = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        try:
            person = self.store.members.require(author)
        except CmtuiError:
            self.notify(_("No member page for {author}: nothing of theirs has been synced.").format(author=author),
                        severity="warning", markup=False)
            return
        self.app.push_screen(MemberScreen(person["id"]))

    def action_back(self) -> None:
        self.dismiss()

    def on_data_changed(self, _message: DataChanged) -> None:
        self.load()
