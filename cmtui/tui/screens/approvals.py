"""The approvals screen: every post waiting for approval (whatever its date, oldest request
first, a series as one row), the highlighted one in full under the list (its parts, each
variant with its account, images with their alt text, content warning, visibility or place,
campaign, notes, the plan's conflicts, its history), and an approver's decisions: `a`
approves, `A` approves with a comment, `r` sends back with a comment (required), `e` opens
it in the calendar's composer. Reached with `A` in the calendar, from the palette, and alone
in a browser session (`cmtui serve`, CMTUI_SERVED=1): there `e` is not offered (the composer
reaches files and images on the server).

Someone who is not an approver reads the list: `a` and `r` say who may decide instead. With
`approval = "other"` an approver's own posts (written or asked for by them) are marked, and `a`
on one says which approvers may approve it instead."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _, ngettext
from cmtui.model import parse_iso, status_name
from cmtui.planning.approvals_view import Detail, Waiting, approvers, detail, may_decide, own, waiting, who_else
from cmtui.planning.rule_words import describe_or_none
from cmtui.text import cut, first_line, sanitize
from cmtui.tui.messages import DataChanged
from cmtui.tui.entry_history import history_line
from cmtui.tui.places import entry_where
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.widgets.calendar_views import STATUS_COLOR, visibility_name
from cmtui.tui.widgets.conflict_marks import MARK, MARK_STYLE
from cmtui.tui.widgets.key_lists import KeyOptionList

WIDE = 100  # columns from which the accounts get a wider column


class ApprovalsScreen(ModeScreen):
    CSS_PATH = Path(__file__).with_name("approvals.tcss")  # read when first shown

    @property
    def TITLE_SUFFIX(self) -> str:  # noqa: N802 (ModeScreen's name; translated when the screen mounts)
        return _("Approvals")

    BINDINGS = [
        Binding("a", "approve", N_("Approve"), id="approvals.approve"),
        Binding("A", "approve_with_comment", N_("Approve with a comment"), show=False,
                id="approvals.approve_comment"),
        Binding("r", "send_back", N_("Send back"), id="approvals.send_back"),
        Binding("e", "edit", N_("Edit"), id="approvals.edit"),
        Binding("j,down", "move(1)", N_("Down"), show=False, id="approvals.down"),
        Binding("k,up", "move(-1)", N_("Up"), show=False, id="approvals.up"),
        Binding("escape", "back", N_("Back"), id="approvals.back"),
    ]
    AUTO_FOCUS = "#approvals-list"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows: list[Waiting] = []
        self.shown: Detail | None = None
        self.tz = None  # the settings' timezone, once mounted

    def compose_body(self) -> ComposeResult:
        yield Static(id="approvals-summary")
        yield KeyOptionList(id="approvals-list")
        with VerticalScroll(id="approvals-detail"):
            yield Static(id="approvals-entry")

    def on_mount(self) -> None:
        super().on_mount()
        self.tz = self.app.settings.tzinfo()
        self.reload()

    # -- who decides ------------------------------------------------------------------------
    @property
    def who(self) -> str:
        return self.app.settings.username

    @property
    def deciding(self) -> bool:
        return may_decide(self.app.settings, self.who)

    def mine(self, row: Waiting) -> bool:
        """This person's own post, which another approver decides (approval = "other")."""
        return self.deciding and own(self.app.settings, row, self.who)

    def _others_line(self, row: Waiting) -> str:
        others = who_else(self.app.settings, row)
        if not others:
            return _("No other approver is named in the settings (approvers = [...]).")
        return ngettext("It may be approved by {names}.", "It may be approved by one of {names}.",
                        len(others)).format(names=", ".join(others))

    def _approvers_line(self) -> str:
        named = approvers(self.app.settings)
        if not named:
            return _("No approvers are named in the settings (approvers = [...]).")
        return _("The approvers: {names}.").format(names=", ".join(named))

    # -- what is shown --------------------------------------------------------------------
    def reload(self) -> None:
        """Read the waiting entries again, keeping the highlight on the entry it was on (or,
        once it left the list, on the one after it)."""
        self.rows = waiting(self.store)
        listing = self.query_one("#approvals-list", KeyOptionList)
        listing.refill([Option(self._row(row), id=str(row.entry_id)) for row in self.rows])
        listing.display = bool(self.rows)
        self._summary()
        self._show(self.selected())

    def _summary(self) -> None:
        text = Text()  # (wraps at 80 columns in the longer languages: the read-only note stays whole)
        count = len(self.rows)
        if count:
            text.append(ngettext("{n} post waiting for approval", "{n} posts waiting for approval", count).format(
                n=l10n.number(count)), style="bold")
        else:
            text.append(_("Nothing is waiting for approval."), style="bold")
        if not self.deciding:
            text.append("  " + _("Read only: you are not an approver."), style="yellow")
        self.query_one("#approvals-summary", Static).update(text)

    def _row(self, row: Waiting) -> Text:
        when = l10n.day_month_time(row.at.astimezone(self.tz)) if row.at else _("no time")
        asked = row.requested_by or "?"
        if row.requested_at is not None:
            asked += " · " + l10n.relative(row.requested_at - self.app.now(), compact=True)
        line = Text(no_wrap=True, overflow="ellipsis")
        # The row's columns (cells); the text takes the rest.
        widths = (16, 26, 24) if self.app.size.width >= WIDE else (16, 12, 22)
        for part, width, style in zip((when, ", ".join(row.accounts) or "-", asked), widths, ("", "dim", "italic")):
            cell = Text(cut(sanitize(part, single_line=True), width - 1), style=style)
            cell.pad_right(width - cell.cell_len)
            line.append_text(cell)
        if self.mine(row):
            # i18n: marks, in the list, a post of the person's own that another approver must approve
            line.append(_("yours") + " · ", style="bold yellow")
        if row.repeats:
            line.append("↻ ", style="bold")
        line.append(first_line(sanitize(row.text)))  # the author's words: appended, never markup
        return line

    def selected(self) -> Waiting | None:
        listing = self.query_one("#approvals-list", KeyOptionList)
        key = listing.current_id()
        return next((row for row in self.rows if str(row.entry_id) == key), None)

    def _show(self, row: Waiting | None) -> None:
        self.shown = detail(self.store, self.app.settings, row.entry_id, self.app.now()) if row else None
        text = self._detail_text(self.shown, row) if self.shown else self._empty_text()
        self.query_one("#approvals-entry", Static).update(text)
        self.query_one("#approvals-detail").scroll_home(animate=False)

    def _empty_text(self) -> Text:
        text = Text()
        if not self.rows:
            text.append(_("Nothing is waiting for approval.") + "\n", style="bold")
        if not self.deciding:
            text.append(_("You can read the posts waiting here; an approver approves them or sends them back.") + "\n")
            text.append(self._approvers_line(), style="dim")
        return text

    def _detail_text(self, shown: Detail, row: Waiting) -> Text:
        entry = shown.entry
        text = Text()
        text.append(status_name(entry["status"]), style=STATUS_COLOR.get(entry["status"], ""))
        at = parse_iso(entry["scheduled_at"])
        when = l10n.day_year_time(at.astimezone(self.tz)) if at else _("no time")
        where = entry_where(self.store, entry)  # a room's name is remote text: appended, never markup
        text.append(f" · {when} · {entry['account'] or _('no account')} · {entry['language'] or '?'} · ", style="dim")
        text.append(where if where else visibility_name(entry["visibility"]), style="dim")
        if row.requested_at is not None:
            # i18n: who asked for the post's approval, and when: "asked by ana 2 hours ago"
            text.append("\n" + _("asked by {who} {ago}").format(
                who=sanitize(row.requested_by) or "?", ago=l10n.relative(row.requested_at - self.app.now())),
                style="italic")
        if self.mine(row):
            text.append("\n" + _("Yours: you wrote it or asked for its approval, so another approver decides.")
                        + " " + self._others_line(row), style="bold yellow")
        if entry["rrule"]:
            words = describe_or_none(entry["rrule"], at, self.tz)
            text.append("\n↻ " + (words or _("repeats {rule}").format(rule=entry["rrule"])), style="italic dim")
        for reason in shown.conflicts:
            text.append(f"\n{MARK} {reason}", style=MARK_STYLE)
        if entry["content_warning"]:
            text.append("\n" + _("content warning: {warning}").format(warning=sanitize(entry["content_warning"])),
                        style="bold yellow")
        if entry["campaign"]:
            text.append("\n" + _("campaign: {campaign}").format(campaign=sanitize(entry["campaign"])),
                        style=entry["campaign_color"] or "magenta")
        self._parts(text, _("Text"), shown.parts)
        for variant in shown.variants:
            self._parts(text, _("Variant for {account}").format(account=variant.account), variant.parts)
        if shown.media:
            self._heading(text, _("Images"))
            for image in shown.media:
                text.append("\n" + image.file.rsplit("/", 1)[-1], style="dim")
                if image.alt:
                    text.append(" · " + _("alt text: {alt}").format(alt=sanitize(image.alt)))
                else:
                    text.append(" · " + _("no alt text"), style="yellow")
        if entry["notes"]:
            self._heading(text, _("Notes"))
            text.append("\n" + sanitize(entry["notes"]), style="italic")
        self._heading(text, _("History"))
        for step in shown.history:
            text.append("\n")
            text.append_text(history_line(self.app.format_time(step.at), step.who, step.before, step.after, step.comment))
        return text

    @staticmethod
    def _heading(text: Text, title: str) -> None:
        text.append(f"\n\n{title}", style="bold underline")

    def _parts(self, text: Text, title: str, parts: list[str]) -> None:
        self._heading(text, title)
        for number, part in enumerate(parts, 1):
            if len(parts) > 1:
                text.append("\n" + _("part {number} of {total}").format(number=number, total=len(parts)),
                            style="dim")
            text.append("\n" + sanitize(part))  # the author's words: appended, never markup

    def on_resize(self) -> None:
        if self.tz is not None:
            self.reload()  # the rows' columns follow the width

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(self.selected())

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.action_edit()

    def on_data_changed(self, _message: DataChanged) -> None:
        self.reload()  # someone else's decision (another process) shows here within a poll

    # -- keys -------------------------------------------------------------------------------
    def action_move(self, rows: int) -> None:
        listing = self.query_one("#approvals-list", KeyOptionList)
        listing.action_cursor_down() if rows > 0 else listing.action_cursor_up()

    def action_back(self) -> None:
        self.app.leave_approvals()

    def _need(self) -> Waiting | None:
        row = self.selected()
        if row is None:
            self.notify(_("Nothing is waiting for approval."), severity="warning")
        return row

    def _may_approve(self, row: Waiting) -> bool:
        """Not one's own post with approval = "other": said, with who may approve it instead,
        and nothing changes (the lifecycle would refuse it too)."""
        if self.mine(row):
            self.notify(_("This post is yours (you wrote it or asked for its approval): another approver decides.")
                        + " " + self._others_line(row), severity="warning", markup=False)
            return False
        return True

    def _may(self) -> bool:
        if not self.deciding:
            self.notify(_("You are not an approver: you can read these posts, not approve them or send them back.")
                        + " " + self._approvers_line(), severity="warning", markup=False)
        return self.deciding

    def _decide(self, row: Waiting, fn, done: str, **kwargs) -> None:
        """Record a decision on the entry; a refusal (someone decided a second ago, their own
        post) is one notification and nothing changed. The highlight then goes to the next one."""
        try:
            fn(self.store, self.app.settings, row.entry_id, who=self.who, now=self.app.now(), **kwargs)
        except CmtuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
        else:
            self.notify(done, timeout=3, markup=False)
        self.reload()
        self.query_one("StatusLine").refresh_status()

    def action_approve(self) -> None:
        from cmtui.planning import entries

        row = self._need()
        if row is not None and self._may() and self._may_approve(row):
            self._decide(row, entries.approve, _("Approved."))

    def action_approve_with_comment(self) -> None:
        from cmtui.planning import entries
        from cmtui.tui.dialogs.ask import AskDialog

        row = self._need()
        if row is None or not self._may() or not self._may_approve(row):
            return

        def answered(comment: str | None) -> None:
            if comment is not None:
                self._decide(row, entries.approve, _("Approved."), comment=comment)

        self.app.push_screen(AskDialog(_("Approve this post"), _("a comment for the author (optional)")), answered)

    def action_send_back(self) -> None:
        from cmtui.planning import entries
        from cmtui.tui.dialogs.ask import AskDialog

        row = self._need()
        if row is None or not self._may():
            return

        def answered(comment: str | None) -> None:
            if comment:
                self._decide(row, entries.reject, _("Sent back to draft."), comment=comment)

        self.app.push_screen(AskDialog(_("Send back to draft"), _("why: a comment for the author (required)"),
                                       required=_("Say why in a comment for its author.")), answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "edit" and getattr(self.app, "served", False))  # absent from the key bar and help

    def on_key(self, event) -> None:
        if event.key == "e" and getattr(self.app, "served", False):
            event.stop()
            self.action_edit()

    def action_edit(self) -> None:
        from cmtui.tui.dialogs.entry_composer import EntryComposer

        if getattr(self.app, "served", False):
            self.notify(_("In a browser you read, approve or send back; the author edits the post."), markup=False)
            return
        row = self._need()
        if row is None:
            return
        entry = self.store.entries.get(row.entry_id)
        if entry is None:  # deleted a moment ago
            self.reload()
            return
        self.app.push_screen(EntryComposer(self.app, entry), lambda _entry_id: self.reload())

