"""Pilot tests of the Calendar mode: the three views, the day cursor, the composer and the
actions on an entry (approve, schedule, move, duplicate, delete and undo, skip)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

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


async def new_post(app, pilot):
    """The calendar, then c: the composer for a new post on the cursor's day."""
    await open_calendar(app, pilot)
    await pilot.press("c")
    await pilot.pause()
    return app.screen


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


async def test_at_80x24_the_month_shows_all_six_weeks(store):
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calendar(app, pilot)
        month = screen.query_one(MonthView)
        text = "\n".join(line(month, y) for y in range(month.size.height))
        for week in screen.query_one(MonthView).weeks:
            assert f"{week[0].day:>2}" in text and f"{week[-1].day:>2} " in text, week


async def test_a_month_too_short_for_six_weeks_says_how_to_see_the_rest(store):
    app = make_app(store)
    async with app.run_test(size=(80, 20)) as pilot:
        screen = await open_calendar(app, pilot)
        month = screen.query_one(MonthView)
        assert month.size.height < 7
        assert "of 6 shown" in line(month, month.size.height - 1)
        await pilot.press("j", "j")  # the cursor's week comes into view
        await pilot.pause()
        text = "\n".join(line(month, y) for y in range(month.size.height))
        assert f"{screen.cursor.day:>2}" in text


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
        assert "Post number 5" in line(week, fourteen)
        assert line(week, fourteen).count("14:00") == 1  # the gutter says the hour; the chip does not repeat it
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

    before = store.entries.status_counts()
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("l", "c")
        await pilot.pause()
        composer = app.screen
        assert isinstance(composer, EntryComposer)
        when = composer.query_one("#entry-when", Input)
        assert when.value == "2026-11-21 09:00"
        assert "Saturday, 21 November 2026, 09:00" in str(composer.query_one("#entry-when-read").render())
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
        assert sum(store.entries.status_counts().values()) == sum(before.values()) + 1
        assert screen.cursor == date(2026, 11, 21)
        day = screen.query_one("#day-entries")
        assert day.option_count == 1 and "10:30" in str(day.get_option_at_index(0).prompt)
        assert "[b]for[/b]" in str(day.get_option_at_index(0).prompt)  # literal


async def test_the_composer_refuses_bad_input_and_esc_keeps_the_form(store):
    from cmtui.tui.dialogs.entry_composer import EntryComposer

    before = sum(store.entries.status_counts().values())
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
        await pilot.pause()
        assert str(composer.query_one("#entry-error").render()).strip() == ""  # it was about the old text
        composer.query_one("#entry-rrule", Input).value = "FREQ=SOMETIMES"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EntryComposer) and str(composer.query_one("#entry-error").render())
        assert sum(store.entries.status_counts().values()) == before  # nothing stored
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


async def test_every_composer_field_is_labelled_and_an_empty_one_shows_at_most_a_hint(store):
    from textual.widgets import Static

    app = make_app(store, default_language="sl")
    async with app.run_test(size=SIZE) as pilot:
        composer = await new_post(app, pilot)
        labels = {str(w.render()) for w in composer.query(Static) if w.has_class("label") or w.has_class("text-label")}
        for label in ("account", "when", "text", "variant for", "repeat", "language", "visibility",
                      "content warning", "campaign", "colour", "notes", "then"):
            assert label in labels, label
        for field in composer.query(Input):
            assert field.placeholder == "" or field.placeholder.startswith("e.g. "), field.id
        language = composer.query_one("#entry-language", Input)
        assert language.value == "sl"  # a real value, and the one saved
        assert composer.query_one("#entry-rrule", Input).value == ""
        assert composer.query_one("#entry-campaign", Input).value == ""
        composer.query_one("#entry-text", TextArea).text = "Said in Slovenian"
        await pilot.press("ctrl+s")
        await pilot.pause()
        [saved] = store.conn.execute("SELECT language FROM calendar_entries WHERE text = 'Said in Slovenian'")
        assert saved[0] == "sl"


@pytest.mark.parametrize("settings, status, offered", [
    ({}, None, ["draft", "idea", "scheduled"]),
    ({"approval_required": True, "approvers": ["ana"]}, None, ["draft", "idea", "needs_approval"]),
    ({}, "draft", ["keep", "scheduled"]),
    ({"approval_required": True, "approvers": ["ana"]}, "draft", ["keep", "needs_approval"]),
    ({"approval_required": True, "approvers": ["ana"]}, "approved", ["keep", "scheduled"]),
    ({}, "scheduled", ["keep"]),
    ({}, "published", ["keep"]),
])
async def test_then_offers_only_what_the_entry_can_do_next(store, settings, status, offered):
    if status is not None:
        store.entries.add(store.accounts.get("tidewater").id, "The one to edit", status, who="ana",
                           scheduled_at="2026-11-21T10:00:00Z")
    app = make_app(store, **settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        if status is None:
            await pilot.press("c")
        else:
            await pick(pilot, screen, "The one to edit")
            await pilot.press("e")
        await pilot.pause()
        then = app.screen.query_one("#entry-then", Select)
        assert [value for _label, value in app.screen._then_options()] == offered
        assert then.value == offered[0]


async def test_the_composer_opens_an_entry_with_its_variants(store):
    """Editing an entry brings its per-account wordings (account name -> text) into the composer."""
    main, other = store.accounts.list()[:2]
    entry_id = store.entries.add(main.id, "The one with a variant", "draft", who="ana",
                                 scheduled_at="2026-11-21T10:00:00Z")
    with store.transaction():
        store.entries.set_variants(entry_id, {other.id: "La variante"})
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("l")
        await pilot.pause()
        await pick(pilot, screen, "The one with a variant")
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.variants == {other.name: "La variante"}


async def test_the_composer_warns_when_the_start_is_not_on_the_repeat_rule(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        composer = await new_post(app, pilot)
        composer.query_one("#entry-when", Input).value = "2026-12-02 09:00"  # a Wednesday
        composer.query_one("#entry-rrule", Input).value = "FREQ=WEEKLY;BYDAY=TU"
        await pilot.pause()
        note = str(composer.query_one("#entry-rule-read").render())
        assert "not a day this rule gives" in note and "Tue, 8 Dec 2026, 09:00" in note
        composer.query_one("#entry-rrule", Input).value = "FREQ=MONTHLY;BYDAY=1TH"
        composer.query_one("#entry-when", Input).value = "2026-12-06 18:00"  # a Sunday
        await pilot.pause()
        assert "Thu, 7 Jan 2027, 18:00" in str(composer.query_one("#entry-rule-read").render())
        composer.query_one("#entry-when", Input).value = "2026-12-03 18:00"  # the first Thursday
        await pilot.pause()
        assert str(composer.query_one("#entry-rule-read").render()).strip() == ""
        composer.query_one("#entry-when", Input).value = "2026-12-06 18:00"
        composer.query_one("#entry-text", TextArea).text = "First-Thursday call"
        await pilot.press("ctrl+s")  # a warning, not a refusal
        await pilot.pause()
        assert store.conn.execute("SELECT rrule FROM calendar_entries WHERE text = 'First-Thursday call'").fetchone()


async def test_a_new_post_for_today_starts_at_a_free_slot_ahead(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await new_post(app, pilot)  # NOW: Friday 20 November, 12:00 (UTC settings)
        assert app.screen.query_one("#entry-when", Input).value == "2026-11-20 13:00"  # today's next slot
        assert "in the past" not in str(app.screen.query_one("#entry-when-read").render())


# -- acting on an entry ---------------------------------------------------------------------------
def needs_a_nod(store) -> int:
    return store.entries.add(store.accounts.get("tidewater").id, "Needs a nod", "needs_approval", who="luka",
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
        assert store.entries.get(entry_id)["status"] == "approved"
        [approval] = [t for t in store.entries.transitions(entry_id) if t["to_status"] == "approved"]
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
        assert store.entries.get(entry_id)["status"] == "needs_approval"
        assert any("ana" in n["message"] and n.get("severity") == "error" for n in app.notes)


async def test_shift_arrows_move_the_entry_and_the_cursor_follows(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("l", "l", "enter")  # 22 November: Post number 7, a draft at 13:00
        entry = screen.selected().entry
        await pilot.press("shift+right")
        await pilot.pause()
        moved = store.entries.get(entry["id"])
        assert parse_iso(moved["scheduled_at"]) == parse_iso(entry["scheduled_at"]) + timedelta(days=1)
        assert screen.cursor == date(2026, 11, 23) and screen.selected().entry["id"] == entry["id"]
        await pilot.press("shift+up")
        await pilot.pause()
        assert parse_iso(store.entries.get(entry["id"])["scheduled_at"]) == \
            parse_iso(entry["scheduled_at"]) + timedelta(days=1, hours=-1)


async def test_duplicate_then_delete_with_confirmation_and_undo(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("enter")
        total = sum(store.entries.status_counts().values())
        await pilot.press("d")
        await pilot.pause()
        assert sum(store.entries.status_counts().values()) == total + 1
        copy_id = max(o.entry["id"] for o in screen.days[screen.cursor])
        day = screen.query_one("#day-entries")
        day.highlighted = next(i for i, o in enumerate(screen.days[screen.cursor]) if o.entry["id"] == copy_id)
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("n")  # no: nothing deleted
        await pilot.pause()
        assert store.entries.get(copy_id) is not None
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert store.entries.get(copy_id) is None
        await pilot.press("u")
        await pilot.pause()
        assert sum(store.entries.status_counts().values()) == total + 1


async def test_actions_without_an_entry_say_so(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_calendar(app, pilot)
        await pilot.press("l")  # an empty day
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert any("Nothing to approve" in n["message"] for n in app.notes)


# -- the highlight stays on the entry acted on ----------------------------------------------------
DAY = date(2026, 11, 25)  # a Wednesday: Post number 10 is a draft at 13:00


def three_on_a_day(store, middle_status="draft", **middle) -> int:
    """Three more entries on DAY around Post number 10; returns the id of "Middle"."""
    account = store.accounts.get("tidewater").id
    store.entries.add(account, "First of the day", "draft", who="ana", scheduled_at="2026-11-25T09:00:00Z")
    entry_id = store.entries.add(account, "Middle of the day", middle_status, who="ana",
                                  scheduled_at="2026-11-25T11:00:00Z", **middle)
    store.entries.add(account, "Last of the day", "draft", who="ana", scheduled_at="2026-11-25T16:00:00Z")
    return entry_id


async def on_middle(app, pilot):
    """The calendar, on DAY, with "Middle of the day" highlighted; returns the screen."""
    screen = await open_calendar(app, pilot)
    for _ in range((DAY - TODAY).days):
        await pilot.press("l")
    await pilot.pause()
    await pick(pilot, screen, "Middle of the day")
    await pilot.pause()
    assert screen.selected().entry["text"] == "Middle of the day"
    return screen


@pytest.mark.parametrize("keys, settings, status, after", [
    (("s",), {}, "draft", "needs_approval"),
    (("S",), {}, "draft", "scheduled"),
    (("x",), {}, "draft", "cancelled"),
    (("a", "enter"), {"approval_required": True, "approvers": ["ana"], "user": "ana"}, "needs_approval", "approved"),
    (("r", *"not yet", "enter"), {"approval_required": True, "approvers": ["ana"], "user": "ana"}, "needs_approval",
     "draft"),
])
async def test_an_action_on_the_middle_entry_keeps_the_highlight_on_it(store, keys, settings, status, after):
    entry_id = three_on_a_day(store, status)
    app = make_app(store, **settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_middle(app, pilot)
        await pilot.press(*keys)
        await pilot.pause()
        assert store.entries.get(entry_id)["status"] == after
        assert screen.selected().entry["id"] == entry_id
        assert "Middle of the day" in str(screen.query_one("#entry-detail").render())


async def test_sending_back_asks_for_the_reason_until_it_is_given(store):
    """An empty reason is refused inside the dialog: what is typed next is still the reason,
    never the calendar's keys (an "a" in it would approve)."""
    from cmtui.tui.dialogs.ask import AskDialog

    entry_id = three_on_a_day(store, "needs_approval")
    app = make_app(store, approval_required=True, approvers=["ana"], user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await on_middle(app, pilot)
        await pilot.press("r", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog) and store.entries.get(entry_id)["status"] == "needs_approval"
        await pilot.press(*"a typo", "enter")
        await pilot.pause()
        entry = store.entries.get(entry_id)
        assert entry["status"] == "draft"
        assert [t["comment"] for t in store.entries.transitions(entry_id) if t["to_status"] == "draft"][-1] == "a typo"


async def test_duplicate_highlights_the_copy_and_delete_its_neighbour_and_undo_the_entry(store):
    entry_id = three_on_a_day(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_middle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        copy = screen.selected().entry
        assert copy["id"] != entry_id and copy["text"] == "Middle of the day"
        await pilot.press("D", "y")
        await pilot.pause()
        assert store.entries.get(copy["id"]) is None
        neighbour = screen.selected().entry
        assert neighbour["id"] != copy["id"] and neighbour["text"] != "First of the day"
        await pilot.press("u")
        await pilot.pause()
        assert screen.selected().entry["id"] == copy["id"]


async def test_skip_keeps_the_highlight_on_the_occurrence(store):
    account = store.accounts.get("tidewater").id
    store.entries.add(account, "First of the day", "draft", who="ana", scheduled_at="2026-11-25T09:00:00Z")
    series = store.entries.add(account, "Middle of the day", "draft", who="ana",
                                scheduled_at="2026-11-18T11:00:00Z", rrule="FREQ=WEEKLY")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_middle(app, pilot)
        await pilot.press("X")
        await pilot.pause()
        assert store.entries.skips(series)
        selected = screen.selected()
        assert selected.entry["id"] == series and selected.skipped


async def test_a_saved_edit_keeps_the_highlight_on_the_entry(store):
    entry_id = three_on_a_day(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_middle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#entry-text", TextArea).text = "Middle of the day, edited"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.entries.get(entry_id)["text"] == "Middle of the day, edited"
        assert screen.selected().entry["id"] == entry_id


async def test_shift_arrows_on_the_middle_entry_move_it_twice(store):
    entry_id = three_on_a_day(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_middle(app, pilot)
        await pilot.press("shift+down")  # 12:00, after Post number 10 at 13:00? no: before it
        await pilot.pause()
        assert screen.selected().entry["id"] == entry_id
        await pilot.press("shift+down", "shift+down")  # now 14:00: after Post number 10
        await pilot.pause()
        assert parse_iso(store.entries.get(entry_id)["scheduled_at"]).hour == 14
        assert screen.selected().entry["id"] == entry_id
        await pilot.press("shift+right", "shift+right")
        await pilot.pause()
        assert parse_iso(store.entries.get(entry_id)["scheduled_at"]) == parse_iso("2026-11-27T14:00:00Z")
        assert screen.cursor == date(2026, 11, 27) and screen.selected().entry["id"] == entry_id


async def test_add_to_queue_follows_the_entry_to_its_slot(store):
    entry_id = three_on_a_day(store)
    store.entries.add(store.accounts.get("tidewater").id, "Earlier on the slot's day", "draft", who="ana",
                       scheduled_at="2026-11-20T12:30:00Z")  # the next slot is today 13:00
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_middle(app, pilot)
        await pilot.press("Q")
        await pilot.pause()
        at = parse_iso(store.entries.get(entry_id)["scheduled_at"])
        assert at == parse_iso("2026-11-20T13:00:00Z")
        assert screen.cursor == at.date() and screen.selected().entry["id"] == entry_id


async def test_the_agenda_keeps_the_highlight_on_the_entry_acted_on(store):
    entry_id = three_on_a_day(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("v", "v")
        await pilot.pause()
        agenda = screen.query_one("#agenda")
        item = next(n for n, o in enumerate(screen._agenda_items) if o.entry["id"] == entry_id)
        agenda.highlighted = agenda.get_option_index(str(item))
        await pilot.pause()
        assert screen.selected().entry["id"] == entry_id
        await pilot.press("s")
        await pilot.pause()
        assert store.entries.get(entry_id)["status"] == "needs_approval"
        assert screen.selected().entry["id"] == entry_id


async def test_a_long_entry_wraps_in_the_agenda_under_its_own_text(store):
    store.entries.add(store.accounts.get("tidewater").id, "Longwinded " + "words that go on " * 12 + "END",
                       "draft", who="ana", scheduled_at="2026-11-21T10:00:00Z")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_calendar(app, pilot)
        await pilot.press("v", "v")
        await pilot.pause()
        agenda = screen.query_one("#agenda")
        lines = [line(agenda, y) for y in range(agenda.size.height)]
        first = next(y for y, text in enumerate(lines) if "Longwinded" in text)
        column = lines[first].index("Longwinded")
        assert "END" not in lines[first]
        follow = lines[first + 1]
        assert follow[:column].strip() == "" and follow[column] != " "  # under the words, not at the margin
