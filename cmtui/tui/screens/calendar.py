"""Calendar mode: the content plan as a month grid, a week of hour rows, or an agenda.

A day cursor moves over the grid (arrows or h/j/k/l, n/p a period, t today, v the view);
the entries of the cursor's day are listed under it, and enter goes into that list to act
on one entry: edit, submit for approval, approve, schedule, move with shift+arrows,
duplicate, delete (undoable), skip an occurrence of a series."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.model import parse_iso, status_name
from cmtui.planning.conflicts import Conflicts
from cmtui.planning.rule_words import describe_or_none
from cmtui.planning.views import VIEWS, Undated, by_day, month_weeks, occurrence_key, period, series_of, step, week_days
from cmtui.text import first_line
from cmtui.tui.messages import DataChanged
from cmtui.tui.entry_history import history_line
from cmtui.tui.places import entry_where
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.widgets.calendar_views import (FIRST_HOUR, STATUS_COLOR, CalendarGrid, EntryList, MonthView, WeekView,
                                              view_name, visibility_name)
from cmtui.tui.widgets.conflict_marks import MARK, MARK_STYLE, warn_conflicts


class CalendarScreen(ModeScreen):
    @property
    def TITLE_SUFFIX(self) -> str:  # noqa: N802 (ModeScreen's name; translated when the screen mounts)
        return _("Calendar")

    BINDINGS = [
        Binding("v", "cycle_view", N_("View"), id="calendar.view"),
        Binding("t", "today", N_("Today"), id="calendar.today"),
        Binding("n", "period(True)", N_("Next"), show=False, id="calendar.next"),
        Binding("p", "period(False)", N_("Previous"), show=False, id="calendar.previous"),
        Binding("h,left", "move_day(-1)", N_("Day before"), show=False, id="calendar.left"),
        Binding("l,right", "move_day(1)", N_("Day after"), show=False, id="calendar.right"),
        Binding("j,down", "move_down(1)", N_("Down"), show=False, id="calendar.down"),
        Binding("k,up", "move_down(-1)", N_("Up"), show=False, id="calendar.up"),
        Binding("enter", "enter", N_("Entries"), show=False, id="calendar.enter"),
        Binding("c", "compose", N_("New post"), id="calendar.compose"),
        Binding("e", "edit", N_("Edit"), show=False, id="calendar.edit"),
        Binding("s", "submit", N_("Ask approval"), show=False, id="calendar.submit"),
        Binding("a", "approve", N_("Approve"), show=False, id="calendar.approve"),
        Binding("r", "reject", N_("Send back"), show=False, id="calendar.reject"),
        Binding("S", "schedule", N_("Schedule"), show=False, id="calendar.schedule"),
        Binding("Q", "queue", N_("Add to queue"), show=False, id="calendar.queue"),
        Binding("x", "cancel_entry", N_("Cancel post"), show=False, id="calendar.cancel"),
        Binding("d", "duplicate", N_("Duplicate"), show=False, id="calendar.duplicate"),
        Binding("D,delete", "delete", N_("Delete"), show=False, id="calendar.delete"),
        Binding("u", "undo", N_("Undo delete"), show=False, id="calendar.undo"),
        Binding("X", "skip", N_("Skip occurrence"), show=False, id="calendar.skip"),
        Binding("shift+left", "shift(-1, 0)", N_("Move a day earlier"), show=False, id="calendar.move_earlier"),
        Binding("shift+right", "shift(1, 0)", N_("Move a day later"), show=False, id="calendar.move_later"),
        Binding("shift+up", "shift(0, -1)", N_("Move an hour earlier"), show=False, id="calendar.move_up"),
        Binding("shift+down", "shift(0, 1)", N_("Move an hour later"), show=False, id="calendar.move_down"),
        Binding("escape", "back", N_("Back"), show=False, id="calendar.back"),
        Binding("A", "approvals", N_("Waiting for approval"), show=False, id="calendar.approvals"),
    ]
    AUTO_FOCUS = "#month"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # app.tcss: a smaller detail under 30 lines

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = "month"
        self.cursor: date | None = None
        self.hour = 9
        self.days: dict[date, list] = {}
        self.conflicts = Conflicts()  # of the period shown (planning.conflicts)
        self._range: tuple[datetime, datetime] | None = None
        self._counts: dict[str, int] | None = None
        self._undo: list[dict] = []  # deleted entries, newest last (u restores)
        # Keeping the highlight on the entry acted on across a re-read: the entry to
        # highlight next (a copy, a moved or restored entry), and where each list was.
        self._target: int | None = None
        self._day_place: tuple[date, tuple | None, int] | None = None  # (day, key, index) in the day list
        self._agenda_place: tuple[date, tuple | None, int] | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="calendar-summary")
        yield MonthView(id="month")
        yield WeekView(id="week")
        yield EntryList(id="agenda")
        yield Static(id="day-title")
        yield EntryList(id="day-entries")
        yield Static(id="entry-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.tz = self.app.settings.tzinfo()
        self.first_weekday = l10n.first_weekday()  # the locale's week: Sunday first in the United States
        self.cursor = self.today
        self.hour = max(FIRST_HOUR, self.app.now().astimezone(self.tz).hour)
        self._show_view()

    # -- what is shown --------------------------------------------------------------------
    @property
    def today(self) -> date:
        return self.app.now().astimezone(self.tz).date()

    def reload(self, force: bool = True) -> None:
        """Read the occurrences of the period around the cursor (only when it changed, or
        force after an edit) and redraw."""
        from cmtui.planning.conflicts import in_window

        span = period(self.view, self.cursor, self.tz, self.first_weekday)
        if force or span != self._range:
            self._range = span
            found, self.conflicts = in_window(self.store, self.app.settings, span[0], span[1], self.tz)
            self.days = by_day(found, self.tz)
            self._counts = None  # re-read with the data
        self._draw()

    def _draw(self) -> None:
        for grid in self.query(CalendarGrid):
            grid.conflicts = self.conflicts
        if self.view == "month":
            self.query_one(MonthView).show_month(month_weeks(self.cursor, self.first_weekday), self.days,
                                                 self.cursor, self.today, self.tz)
        elif self.view == "week":
            self.query_one(WeekView).show_week(week_days(self.cursor, self.first_weekday), self.days, self.cursor,
                                               self.today, self.tz, self.hour)
        else:
            self._fill_agenda()
        self._fill_day()
        self._summary()

    def _summary(self) -> None:
        if self._counts is None:
            self._counts = self.store.entries.status_counts()
        counts = self._counts
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.view == "month":
            label = l10n.month_year(self.cursor)
        elif self.view == "week":
            label = _("week of {day}").format(day=l10n.day_year(week_days(self.cursor, self.first_weekday)[0]))
        else:
            label = _("agenda from {day}").format(day=l10n.day_month(self.cursor - timedelta(days=7)))
        text.append(f"{label}  ", style="bold")
        # i18n: after the calendar's title: the view shown (month, week, agenda) and the key that changes it
        text.append(_("({view}; v changes)").format(view=view_name(self.view)) + "  ", style="dim")
        for status, color in STATUS_COLOR.items():
            if counts.get(status):
                text.append(f"{status_name(status)} ", style=color)
                text.append(f"{l10n.number(counts[status])}  ")
        if self.app.settings.approval_required:
            text.append("│ " + _("approval required"), style="yellow")
        self.query_one("#calendar-summary", Static).update(text)

    def _show_view(self) -> None:
        for name, widget_id in (("month", "#month"), ("week", "#week"), ("agenda", "#agenda")):
            self.query_one(widget_id).display = self.view == name
        day_list = self.view != "agenda"
        self.query_one("#day-title").display = day_list
        self.query_one("#day-entries").display = day_list
        self.reload(force=False)
        self.query_one({"month": "#month", "week": "#week", "agenda": "#agenda"}[self.view]).focus()

    def _entry_line(self, occurrence, wrap: bool = False):
        """An entry as one line: time, status, account, then its words. wrap (the agenda): the
        words wrap, each continuation line under the words it continues (a grid, not a line)."""
        entry = occurrence.entry
        when = l10n.clock(occurrence.at.astimezone(self.tz)) if occurrence.at is not None else ""
        status = Text(status_name(entry["status"]), style=STATUS_COLOR.get(entry["status"], ""))
        account = Text(entry["account"] or "-", style="dim")
        words = Text()
        if self.conflicts.marked(occurrence):
            words.append(f"{MARK} ", style=MARK_STYLE)
        if entry["campaign"]:
            words.append(f"[{entry['campaign']}] ", style=entry["campaign_color"] or "magenta")
        if occurrence.is_recurring:
            skipped = pgettext("occurrence", "skipped") + " " if occurrence.skipped else ""
            words.append("↻ " + skipped, style="bold")
        if entry["late"]:
            # i18n: before a post's words in the calendar: it was due and has not gone out
            words.append(pgettext("entry", "late") + " ", style="yellow")
        words.append(first_line(entry["text"]))  # our own text, still never parsed as markup
        if wrap:
            grid = Table.grid(expand=True)
            for width in (7, 15, 17):
                grid.add_column(width=width, no_wrap=True, overflow="ellipsis")
            grid.add_column(ratio=1)
            grid.add_row(when, status, account, words)
            return grid
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{when:<7}")
        for part, width in ((status, 15), (account, 16)):
            part.pad_right(max(0, width - len(part)))
            text.append_text(part)
        text.append(" ")
        text.append_text(words)
        return text

    def _place(self, option_list, items, cursor: date) -> tuple[date, tuple | None, int] | None:
        """Where a list's highlight is now: (cursor day, key of the occurrence, its index)."""
        option = option_list.highlighted_option
        if option is None or option.id is None or int(option.id) >= len(items):
            return None
        return cursor, occurrence_key(items[int(option.id)]), int(option.id)

    def _choose(self, items, place) -> int | None:
        """The index to highlight after a fill: the target entry (a copy, a moved entry), the
        entry highlighted before the re-read, else its nearest neighbour; the first entry when
        the list now shows another day."""
        if not items:
            return None
        target, self._target = self._target, None
        if target is not None:
            found = next((n for n, o in enumerate(items) if target in (o.entry["id"], series_of(o))), None)
            if found is not None:
                return found
        if place is None or place[0] != self.cursor:
            return 0
        _day, key, index = place
        for matches in (lambda o: occurrence_key(o) == key, lambda o: o.entry["id"] == key[0],
                        lambda o: key[2] is not None and (series_of(o), o.at) == (key[2], key[1])):
            found = next((n for n, o in enumerate(items) if matches(o)), None)
            if found is not None:
                return found
        return min(index, len(items) - 1)  # it left the list: its neighbour

    def _fill_day(self) -> None:
        if self.view == "agenda":
            return
        items = self.days.get(self.cursor, [])
        title = Text(l10n.long_day(self.cursor), style="bold")
        if self.cursor == self.today:
            title.append("  · " + _("today"), style="bold yellow")
        title.append("  · " + (ngettext("{n} entry", "{n} entries", len(items)).format(n=l10n.number(len(items)))
                               if items else _("nothing planned (c writes a post for this day)")), style="dim")
        self.query_one("#day-title", Static).update(title)
        entries = self.query_one("#day-entries", EntryList)
        place = self._day_place
        entries.clear_options()
        entries.add_options([Option(self._entry_line(o), id=str(n)) for n, o in enumerate(items)])
        index = self._choose(items, place)
        if index is not None:
            entries.highlighted = index
        self._day_place = self._place(entries, items, self.cursor)
        self._show_detail(items[index] if index is not None else None)

    def _fill_agenda(self) -> None:
        agenda = self.query_one("#agenda", EntryList)
        place = self._agenda_place
        agenda.clear_options()
        options: list = []
        self._agenda_items: list = []
        first_ahead = None
        option_of: list[int] = []  # the option index of each item
        for day in sorted(self.days):
            options.append(Option(Text(l10n.long_day(day) + ("  · " + _("today") if day == self.today else ""),
                                       style="bold underline"), disabled=True))
            for occurrence in self.days[day]:
                if first_ahead is None and day >= self.cursor:
                    first_ahead = len(self._agenda_items)
                option_of.append(len(options))
                options.append(Option(self._entry_line(occurrence, wrap=True), id=str(len(self._agenda_items))))
                self._agenda_items.append(occurrence)
        undated = self.store.entries.undated()
        if undated:
            options.append(Option(Text(_("Ideas and drafts without a time"), style="bold underline"), disabled=True))
            for row in undated:
                option_of.append(len(options))
                options.append(Option(self._entry_line(Undated(row), wrap=True), id=str(len(self._agenda_items))))
                self._agenda_items.append(Undated(row))
        agenda.add_options(options)
        index = self._choose(self._agenda_items, place)
        if index == 0 and (place is None or place[0] != self.cursor) and first_ahead is not None:
            index = first_ahead  # a fresh agenda starts at the cursor day
        if index is not None:
            agenda.highlighted = option_of[index]
        self._agenda_place = self._place(agenda, self._agenda_items, self.cursor)
        self._show_detail(self._agenda_items[index] if index is not None else None)

    def _show_detail(self, occurrence) -> None:
        detail = Text()
        if occurrence is not None:
            entry = occurrence.entry
            detail.append(status_name(entry["status"]), style=STATUS_COLOR.get(entry["status"], ""))
            when = l10n.day_year_time(occurrence.at.astimezone(self.tz)) if occurrence.at else _("no time")
            where = entry_where(self.store, entry)  # (a room's name is remote text: appended, never markup)
            detail.append(f" · {when} · {entry['account'] or _('no account')} · {entry['language'] or '?'} · "
                          + ("" if where else visibility_name(entry["visibility"])), style="dim")
            if where:
                detail.append(where, style="dim" if entry["place"] else "yellow")
            if entry["rrule"]:
                detail.append(" · " + _("repeats {rule}").format(rule=entry["rrule"]), style="dim")
                words = describe_or_none(entry["rrule"], parse_iso(entry["scheduled_at"]), self.tz)
                if words:
                    detail.append(f"\n↻ {words}", style="italic dim")
            for reason in self.conflicts.all_for(occurrence, self.tz):
                detail.append(f"\n{MARK} {reason}", style=MARK_STYLE)
            if entry["url"]:
                detail.append(f"\n{entry['url']}", style="dim underline")
            if entry["last_error"]:
                detail.append("\n" + _("error: {error}").format(error=entry["last_error"]), style="red")
            if entry["notes"]:
                detail.append("\n" + _("note: {note}").format(note=entry["notes"]), style="italic dim")
            for t in self.store.entries.transitions(entry["id"])[-3:]:
                detail.append("\n")
                detail.append_text(history_line(self.app.format_time(t["at"]), t["who"], t["from_status"],
                                                t["to_status"], t["comment"]))
            detail.append("\n\n" + entry["text"])
        self.query_one("#entry-detail", Static).update(detail)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        occurrence = self._occurrence_of(event.option_list, event.option)
        if occurrence is not None:
            place = (self.cursor, occurrence_key(occurrence), int(event.option.id))
            if event.option_list.id == "agenda":
                self._agenda_place = place
            else:
                self._day_place = place
        self._show_detail(occurrence)

    def _occurrence_of(self, option_list, option):
        if option is None or option.id is None:
            return None
        if option_list.id == "agenda":
            return self._agenda_items[int(option.id)]
        items = self.days.get(self.cursor, [])
        index = int(option.id)
        return items[index] if index < len(items) else None

    # -- moving the cursor ------------------------------------------------------------------
    def _go(self, day: date) -> None:
        self.cursor = day
        self.reload(force=False)  # a query only when the period changes

    def action_move_day(self, days: int) -> None:
        self._go(self.cursor + timedelta(days=days))

    def action_move_down(self, rows: int) -> None:
        if self.view == "week":
            self.hour = min(23, max(FIRST_HOUR, self.hour + rows))
            self._draw()
        else:
            self._go(self.cursor + timedelta(days=7 * rows))

    def action_period(self, forward: bool) -> None:
        self._go(step(self.view, self.cursor, forward))

    def action_today(self) -> None:
        self._go(self.today)

    def action_cycle_view(self) -> None:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        self._show_view()

    def action_enter(self) -> None:
        """enter on the grid: into the day's entries (or write one on an empty day)."""
        entries = self.query_one("#day-entries", EntryList)
        if entries.option_count:
            entries.focus()
        else:
            self.action_compose()

    def action_back(self) -> None:
        if self.query_one("#day-entries").has_focus:
            self.query_one({"month": "#month", "week": "#week"}[self.view]).focus()

    def action_approvals(self) -> None:
        self.app.open_approvals()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # enter in the day's list or the agenda (the lists' own j/k/arrows move in them)
        self.action_edit()

    # -- acting on the selected entry -----------------------------------------------------------
    def selected(self):
        """The occurrence highlighted in the day list (or the agenda); None if nothing."""
        entries = self.query_one("#agenda" if self.view == "agenda" else "#day-entries", EntryList)
        return self._occurrence_of(entries, entries.highlighted_option)

    def _act(self, what: str, fn, *args, select=None, **kwargs):
        """Run a planning action; a refusal is one notification and nothing changed. The
        highlight stays on the entry acted on (select(result): another entry to highlight,
        such as a new copy)."""
        try:
            result = fn(*args, **kwargs)
        except CmtuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return None
        if select is not None:
            self._target = select(result)
        self.reload()
        self.query_one("StatusLine").refresh_status()
        if what:
            self.notify(what, timeout=3, markup=False)
        return result

    def _need(self, nothing: str):
        """The highlighted occurrence, else None after nothing (the whole sentence, translated:
        "Nothing to edit: pick an entry first …") as a warning."""
        occurrence = self.selected()
        if occurrence is None:
            self.notify(nothing, severity="warning")
        return occurrence

    def action_compose(self) -> None:
        from cmtui.tui.dialogs.entry_composer import EntryComposer

        # The day's first free posting slot still ahead (the week view: the cursor's hour).
        hour = self.hour if self.view == "week" else None
        self.app.push_screen(EntryComposer(self.app, None, default_day=self.cursor, default_hour=hour), self._composed)

    def action_edit(self) -> None:
        from cmtui.tui.dialogs.entry_composer import EntryComposer

        occurrence = self._need(_("Nothing to edit: pick an entry first (enter goes into the day's list)."))
        if occurrence is not None:
            self.app.push_screen(EntryComposer(self.app, occurrence.entry), self._composed)

    def _composed(self, entry_id) -> None:
        if entry_id is not None:
            self.reload()
            self.query_one("StatusLine").refresh_status()
            self._follow(entry_id)

    def _follow(self, entry_id: int) -> None:
        """Highlight an entry that was written, moved or queued, on its (new) day: a second
        shift+arrow moves the same entry again."""
        entry = self.store.entries.get(entry_id)
        when = parse_iso(entry["scheduled_at"]) if entry is not None else None
        self._target = entry_id
        if when is not None and self.view != "agenda" and not entry["rrule"]:
            local = when.astimezone(self.tz)
            if self.view == "week":
                self.hour = max(FIRST_HOUR, local.hour)
            if local.date() != self.cursor:
                self._go(local.date())
                return
        self._draw()

    def _who(self) -> str:
        return self.app.settings.username

    def action_submit(self) -> None:
        from cmtui.planning import entries

        occurrence = self._need(
            _("Nothing to submit for approval: pick an entry first (enter goes into the day's list)."))
        if occurrence is not None:
            self._act(_("Sent for approval."), entries.submit_for_approval, self.store, self.app.settings,
                      occurrence.entry["id"], who=self._who(), now=self.app.now())

    def _with_comment(self, title: str, then, required: bool = False) -> None:
        from cmtui.tui.dialogs.ask import AskDialog

        dialog = AskDialog(title, _("why: a comment for the author (required)"),
                           required=_("Say why in a comment for its author.")) if required else \
            AskDialog(title, _("a comment for the author (optional)"))
        self.app.push_screen(dialog, lambda comment: then(comment) if comment is not None else None)

    def action_approve(self) -> None:
        from cmtui.planning import entries

        occurrence = self._need(_("Nothing to approve: pick an entry first (enter goes into the day's list)."))
        if occurrence is not None:
            self._with_comment(_("Approve this post"), lambda comment: self._act(
                _("Approved."), entries.approve, self.store, self.app.settings, occurrence.entry["id"],
                who=self._who(), comment=comment, now=self.app.now()))

    def action_reject(self) -> None:
        from cmtui.planning import entries

        occurrence = self._need(_("Nothing to send back: pick an entry first (enter goes into the day's list)."))
        if occurrence is not None:
            self._with_comment(_("Send back to draft"), lambda comment: self._act(
                _("Sent back to draft."), entries.reject, self.store, self.app.settings, occurrence.entry["id"],
                who=self._who(), comment=comment, now=self.app.now()), required=True)

    def action_schedule(self) -> None:
        from cmtui.planning import entries

        occurrence = self._need(_("Nothing to schedule: pick an entry first (enter goes into the day's list)."))
        if occurrence is not None:
            self._act(_("Scheduled: the next sync hands it to the platform."), entries.schedule_entry, self.store,
                      self.app.settings, occurrence.entry["id"], who=self._who(), now=self.app.now())

    def action_queue(self) -> None:
        from cmtui.planning import entries

        occurrence = self._need(_("Nothing to add to the queue: pick an entry first (enter goes into the day's list)."))
        if occurrence is not None:
            at = self._act("", entries.add_to_queue, self.store, self.app.settings, occurrence.entry["id"],
                           who=self._who(), now=self.app.now())
            if at is not None:
                self.notify(_("Queued for {when}.").format(when=l10n.day_time(at.astimezone(self.tz))), timeout=3)
                self._follow(occurrence.entry["id"])

    def action_cancel_entry(self) -> None:
        from cmtui.planning import entries

        occurrence = self._need(_("Nothing to cancel: pick an entry first (enter goes into the day's list)."))
        if occurrence is not None:
            self._act(_("Cancelled."), entries.cancel_entry, self.store, self.app.settings, occurrence.entry["id"],
                      who=self._who(), now=self.app.now())

    def action_duplicate(self) -> None:
        from cmtui.planning import entries

        occurrence = self._need(_("Nothing to duplicate: pick an entry first (enter goes into the day's list)."))
        if occurrence is not None:
            self._act(_("Duplicated as a draft."), entries.duplicate_entry, self.store, occurrence.entry["id"],
                      who=self._who(), select=lambda copy_id: copy_id)

    def action_delete(self) -> None:
        from cmtui.planning import entries
        from cmtui.tui.dialogs.ask import ConfirmDialog

        occurrence = self._need(_("Nothing to delete: pick an entry first (enter goes into the day's list)."))
        if occurrence is None:
            return

        def confirmed(yes) -> None:
            if yes:
                undo = self._act(_("Deleted. u brings it back."), entries.delete_entry, self.store,
                                 occurrence.entry["id"], who=self._who())
                if undo is not None:
                    self._undo.append(undo)

        what = first_line(occurrence.entry["text"], 60)
        question = (_("Delete “{what}” and every occurrence of its series?") if occurrence.entry["rrule"]
                    else _("Delete “{what}”?"))
        self.app.push_screen(ConfirmDialog(question.format(what=what)), confirmed)

    def action_undo(self) -> None:
        from cmtui.planning import entries

        if not self._undo:
            self.notify(_("Nothing to undo here (deleted entries come back with u)."), severity="warning")
            return
        self._act(_("Restored."), entries.restore_entry, self.store, self._undo.pop(), select=lambda entry_id: entry_id)

    def action_skip(self) -> None:
        from cmtui.planning import recurrence

        occurrence = self._need(_("Nothing to skip: pick an entry first (enter goes into the day's list)."))
        if occurrence is None:
            return
        if not occurrence.is_recurring:
            self.notify(_("Only an occurrence of a repeating post can be skipped."), severity="warning")
            return
        fn = recurrence.unskip_occurrence if occurrence.skipped else recurrence.skip_occurrence
        self._act(_("Occurrence restored.") if occurrence.skipped else _("This occurrence is skipped."), fn,
                  self.store, occurrence.entry["id"], occurrence.at, who=self._who(), settings=self.app.settings)

    def action_shift(self, days: int, hours: int) -> None:
        from cmtui.planning import entries

        occurrence = self._need(_("Nothing to move: pick an entry first (enter goes into the day's list)."))
        if occurrence is None:
            return
        if occurrence.is_recurring:
            self.notify(_("A repeating post moves by editing its rule (e)."), severity="warning")
            return
        delta = timedelta(days=days, hours=hours)
        entry_id = occurrence.entry["id"]
        try:
            entries.move_entry(self.store, self.app.settings, entry_id, delta, who=self._who(), now=self.app.now())
        except CmtuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.reload()
        self.query_one("StatusLine").refresh_status()
        self._follow(entry_id)
        warn_conflicts(self.app, self.store, self.app.settings, entry_id)
        if self.view != "agenda":
            self.query_one("#day-entries").focus()

    def on_data_changed(self, _message: DataChanged) -> None:
        self.reload()

