"""Pilot tests of the Calendar mode: the three views, the day cursor, the composer and the
actions on an entry (approve, schedule, move, duplicate, delete and undo, skip)."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import Input, Select, TextArea

from cmtui.config import Settings
from cmtui.model import parse_iso
from cmtui.tui.widgets.calendar_views import MonthView, WeekView
from factory import NOW
from tui_helpers import RecordingApp

SIZE = (120, 40)
TODAY = NOW.date()  # 2026-11-20, a Friday (UTC)


def make_app(store, **settings):
    return RecordingApp(store, Settings(timezone="UTC", **settings), clock=lambda: NOW)


async def open_calendar(app, pilot):
    await pilot.press("1")
    await pilot.pause()
    return app.screen


async def pick(pilot, screen, words: str) -> None:
    """Go into the cursor day's list and highlight the entry whose line has words."""
    await pilot.press("enter")
    day = screen.query_one("#day-entries")
    prompts = [str(day.get_option_at_index(i).prompt) for i in range(day.option_count)]
    day.highlighted = next(i for i, p in enumerate(prompts) if words in p)


def line(widget, y: int) -> str:
    return widget.render_line(y).text


# -- views and the day cursor ----------------------------------------------------------------------
async def test_month_view_marks_today_and_moves_the_day_cursor(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        month = screen.query_one(MonthView)
        assert month.display and month.has_focus
        assert screen.cursor == TODAY and month.today == TODAY
        assert "November 2026" in str(screen.query_one("#calendar-summary").render())
        assert "Mon" in line(month, 0) and "Sun" in line(month, 0)
        # Post number 5 is on today at 14:00 (factory: NOW + (n - 5) days, n % 3 hours).
        assert any("14:00 Post" in line(month, y) for y in range(1, month.size.height))
        await pilot.press("l", "l")
        await pilot.pause()
        assert screen.cursor == TODAY + timedelta(days=2)
        await pilot.press("j")
        assert screen.cursor == TODAY + timedelta(days=9)
        await pilot.press("k", "h", "left")
        assert screen.cursor == TODAY
        await pilot.press("n")
        await pilot.pause()
        assert screen.cursor == date(2026, 12, 20)
        assert "December 2026" in str(screen.query_one("#calendar-summary").render())
        await pilot.press("t")
        assert screen.cursor == TODAY


async def test_the_day_list_shows_the_cursor_day_and_enter_goes_into_it(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        entries = screen.query_one("#day-entries")
        assert entries.option_count == 1 and "Post number 5" in str(entries.get_option_at_index(0).prompt)
        assert "today" in str(screen.query_one("#day-title").render())
        await pilot.press("enter")
        await pilot.pause()
        assert entries.has_focus
        assert "Post number 5" in str(screen.query_one("#entry-detail").render())
        await pilot.press("escape")
        assert screen.query_one(MonthView).has_focus
        await pilot.press("l")  # 21 November: nothing planned
        await pilot.pause()
        assert entries.option_count == 0
        assert "nothing planned" in str(screen.query_one("#day-title").render())


async def test_v_cycles_month_week_agenda(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("v")
        await pilot.pause()
        week = screen.query_one(WeekView)
        assert screen.view == "week" and week.display and not screen.query_one(MonthView).display
        assert "Fri 20" in line(week, 0)
        fourteen = 1 + 14 - 6  # the 14:00 row
        assert "14:00 Post" in line(week, fourteen)
        await pilot.press("j")  # the hour cursor
        assert week.hour == screen.hour
        await pilot.press("v")
        await pilot.pause()
        agenda = screen.query_one("#agenda")
        assert screen.view == "agenda" and agenda.display and agenda.has_focus
        prompts = [str(agenda.get_option_at_index(i).prompt) for i in range(agenda.option_count)]
        assert any("today" in p for p in prompts) and any("without a time" in p for p in prompts)
        await pilot.press("v")
        assert screen.view == "month"


# -- the composer -------------------------------------------------------------------------------
async def test_c_writes_a_post_for_the_cursor_day_and_checks_it(store):
    from cmtui.tui.dialogs.entry_composer import EntryComposer

    before = store.calendar.status_counts()
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("l", "c")
        await pilot.pause()
        composer = app.screen
        assert isinstance(composer, EntryComposer)
        when = composer.query_one("#entry-when", Input)
        assert when.value == "2026-11-21 09:00"
        assert "Saturday 21 November 2026, 09:00" in str(composer.query_one("#entry-when-read").render())
        when.value = "someday soon-ish"
        await pilot.pause()
        assert "cannot read" in str(composer.query_one("#entry-when-read").render())
        when.value = "2026-11-21 10:30"
        composer.query_one("#entry-text", TextArea).text = "Tips [b]for[/b] the weekend https://example.com/" + "x" * 80
        await pilot.pause()
        count = str(composer.query_one("#entry-count").render())
        assert "tidewater 51/500" in count  # 28 characters, and the URL counts as 23
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EntryComposer)
        assert sum(store.calendar.status_counts().values()) == sum(before.values()) + 1
        assert screen.cursor == date(2026, 11, 21)
        day = screen.query_one("#day-entries")
        assert day.option_count == 1 and "10:30" in str(day.get_option_at_index(0).prompt)
        assert "[b]for[/b]" in str(day.get_option_at_index(0).prompt)  # literal


async def test_the_composer_refuses_bad_input_and_esc_keeps_the_form(store):
    from cmtui.tui.dialogs.entry_composer import EntryComposer

    before = sum(store.calendar.status_counts().values())
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_calendar(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        composer = app.screen
        composer.query_one("#entry-text", TextArea).text = "y" * 501
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EntryComposer)
        assert "limit" in str(composer.query_one("#entry-error").render())
        composer.query_one("#entry-text", TextArea).text = "A plan for later"
        composer.query_one("#entry-rrule", Input).value = "FREQ=SOMETIMES"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EntryComposer) and str(composer.query_one("#entry-error").render())
        assert sum(store.calendar.status_counts().values()) == before  # nothing stored
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EntryComposer)
        await pilot.press("c")
        await pilot.pause()
        assert app.screen.query_one("#entry-text", TextArea).text == "A plan for later"  # the form came back


async def test_ctrl_n_fills_in_the_next_free_posting_slot(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_calendar(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        composer = app.screen
        composer.query_one("#entry-account", Select).value = "tidewater"
        await pilot.press("ctrl+n")
        await pilot.pause()
        value = composer.query_one("#entry-when", Input).value
        assert value and value > "2026-11-20 12:00"


# -- acting on an entry ---------------------------------------------------------------------------
def needs_a_nod(store) -> int:
    return store.calendar.add(store.accounts.get("tidewater").id, "Needs a nod", "needs_approval", who="luka",
                              scheduled_at="2026-11-20T16:00:00Z")


async def test_approval_required_entries_are_approved_by_an_approver(store):
    entry_id = needs_a_nod(store)
    app = make_app(store, approval_required=True, approvers=["ana"], user="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pick(pilot, screen, "Needs a nod")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"looks good", "enter")
        await pilot.pause()
        assert store.calendar.get(entry_id)["status"] == "approved"
        [approval] = [t for t in store.calendar.transitions(entry_id) if t["to_status"] == "approved"]
        assert (approval["who"], approval["from_status"], approval["comment"]) == ("ana", "needs_approval", "looks good")


async def test_a_non_approver_is_told_and_nothing_changes(store):
    entry_id = needs_a_nod(store)
    app = make_app(store, approval_required=True, approvers=["ana"], user="luka")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pick(pilot, screen, "Needs a nod")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert store.calendar.get(entry_id)["status"] == "needs_approval"
        assert any("ana" in n["message"] and n.get("severity") == "error" for n in app.notes)


async def test_shift_arrows_move_the_entry_and_the_cursor_follows(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("l", "l", "enter")  # 22 November: Post number 7, a draft at 13:00
        entry = screen.selected().entry
        await pilot.press("shift+right")
        await pilot.pause()
        moved = store.calendar.get(entry["id"])
        assert parse_iso(moved["scheduled_at"]) == parse_iso(entry["scheduled_at"]) + timedelta(days=1)
        assert screen.cursor == date(2026, 11, 23) and screen.selected().entry["id"] == entry["id"]
        await pilot.press("shift+up")
        await pilot.pause()
        assert parse_iso(store.calendar.get(entry["id"])["scheduled_at"]) == \
            parse_iso(entry["scheduled_at"]) + timedelta(days=1, hours=-1)


async def test_duplicate_then_delete_with_confirmation_and_undo(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("enter")
        total = sum(store.calendar.status_counts().values())
        await pilot.press("d")
        await pilot.pause()
        assert sum(store.calendar.status_counts().values()) == total + 1
        copy_id = max(o.entry["id"] for o in screen.days[screen.cursor])
        day = screen.query_one("#day-entries")
        day.highlighted = next(i for i, o in enumerate(screen.days[screen.cursor]) if o.entry["id"] == copy_id)
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("n")  # no: nothing deleted
        await pilot.pause()
        assert store.calendar.get(copy_id) is not None
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert store.calendar.get(copy_id) is None
        await pilot.press("u")
        await pilot.pause()
        assert sum(store.calendar.status_counts().values()) == total + 1


async def test_actions_without_an_entry_say_so(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_calendar(app, pilot)
        await pilot.press("l")  # an empty day
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert any("Nothing to approve" in n["message"] for n in app.notes)
