"""Pilot tests of conflicts and repeat words in the TUI: marks in the month grid, the week
header, the day list and the agenda, the reason in the detail, the warning after a save in
the composer and after a move; the composer's presets fill the rule and the words show."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input, TextArea

from cmtui.config import Settings
from cmtui.model import iso
from cmtui.tui.widgets.calendar_views import MonthView, WeekView
from cmtui.tui.widgets.repeat_field import RepeatPresets
from factory import NOW
from tui_helpers import RecordingApp

SIZE = (120, 40)
REASON = "40 min after ‘Post number 9: tips for note takers’ on tidewater (minimum gap 60 min)"


def make_app(store, **settings):
    return RecordingApp(store, Settings(timezone="UTC", **settings), clock=lambda: NOW)


def follow_up(store, when="2026-11-24T12:40:00Z", account="tidewater", text="Follow-up") -> int:
    """Post number 9 is tidewater's, approved, on 24 November at 12:00."""
    return store.entries.add(store.accounts.get(account).id, text, "scheduled", who="ana", scheduled_at=when)


def month_text(screen) -> str:
    month = screen.query_one(MonthView)
    return "\n".join(month.render_line(y).text for y in range(month.size.height))


async def test_a_conflict_is_marked_in_the_month_day_list_and_detail(store):
    follow_up(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        marked = [line for line in month_text(screen).splitlines() if "⚠" in line]
        assert len(marked) == 2 and "12:00" in marked[0] and "12:40" in marked[1]
        await pilot.press("l", "l", "l", "l", "enter")  # 24 November
        await pilot.pause()
        day = screen.query_one("#day-entries")
        prompts = [str(day.get_option_at_index(i).prompt) for i in range(day.option_count)]
        assert all("⚠" in p for p in prompts) and len(prompts) == 2
        day.highlighted = next(i for i, p in enumerate(prompts) if "Follow-up" in p)
        await pilot.pause()
        assert f"⚠ {REASON}" in str(screen.query_one("#entry-detail").render())


async def test_a_post_without_a_conflict_is_not_marked(store):
    follow_up(store, "2026-11-24T13:00:00Z")  # exactly the gap after Post number 9
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert "⚠" not in month_text(app.screen)


async def test_the_agenda_marks_a_conflict(store):
    follow_up(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        await pilot.press("v", "v")
        await pilot.pause()
        assert screen.view == "agenda"
        agenda = screen.query_one("#agenda")
        words = {}
        for index in range(agenda.option_count):
            option = agenda.get_option_at_index(index)
            if option.id is not None:
                item = screen._agenda_items[int(option.id)]
                words[item.entry["text"]] = str(option.prompt.columns[3]._cells[0])
        assert words["Follow-up"].startswith("⚠ ")
        assert words["Post number 9: tips for note takers"].startswith("⚠ ")
        assert not words["Post number 7: tips for note takers"].startswith("⚠")


async def test_a_day_over_the_maximum_is_marked_in_the_month_and_week_header(store):
    follow_up(store, "2026-11-24T18:00:00Z")  # no gap conflict; two posts of tidewater that day
    app = make_app(store, max_posts_per_day=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        day_lines = [line for line in month_text(screen).splitlines() if "24 · 2 ⚠" in line]
        assert len(day_lines) == 1, month_text(screen)
        await pilot.press("l", "l", "l", "l")
        await pilot.pause()
        assert "2 posts on tidewater on Tue, 24 Nov (maximum 1 a day)" in str(
            screen.query_one("#entry-detail").render())
        await pilot.press("v")
        await pilot.pause()
        header = screen.query_one(WeekView).render_line(0).text
        assert "Tue 24 ⚠" in header and "Mon 23 ⚠" not in header


async def test_saving_into_a_conflict_warns_and_saves(store):
    from cmtui.tui.dialogs.entry_composer import EntryComposer

    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        composer = app.screen
        composer.query_one("#entry-when", Input).value = "2026-11-24 11:30"
        composer.query_one("#entry-text", TextArea).text = "Right before the tips"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EntryComposer)
        saved = store.entries.between(iso(NOW), None)
        assert any(row["text"] == "Right before the tips" for row in saved)
        warnings = [n for n in app.notes if n.get("severity") == "warning"]
        assert len(warnings) == 1 and "30 min before ‘Post number 9" in warnings[0]["message"]


async def test_moving_into_a_conflict_warns(store):
    follow_up(store, "2026-11-23T13:30:00Z")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        await pilot.press("l", "l", "enter")  # 22 November: Post number 7, tidewater, 13:00
        assert "Post number 7" in screen.selected().entry["text"]
        await pilot.press("shift+right")
        await pilot.pause()
        warnings = [n["message"] for n in app.notes if n.get("severity") == "warning"]
        assert len(warnings) == 1 and "30 min before ‘Follow-up’ on tidewater" in warnings[0]
        assert screen.conflicts.marked(screen.selected())


async def test_a_preset_fills_the_rule_from_the_start_and_the_words_show(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("l", "c")  # Saturday 21 November, 09:00
        await pilot.pause()
        composer = app.screen
        presets = composer.query_one(RepeatPresets)
        rule = composer.query_one("#entry-rrule", Input)
        words = composer.query_one("#entry-rule-words")
        assert not words.display
        presets.value = "weekly"
        await pilot.pause()
        assert rule.value == "FREQ=WEEKLY;BYDAY=SA"
        assert words.display and str(words.render()) == "↻ every Saturday at 09:00"
        presets.value = "monthly"
        await pilot.pause()
        assert rule.value == "FREQ=MONTHLY;BYDAY=+3SA"
        assert str(words.render()) == "↻ monthly on the third Saturday at 09:00"
        rule.value = "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8"  # typed over the preset
        await pilot.pause()
        assert presets.is_blank()
        assert str(words.render()) == "↻ every Tuesday and Thursday at 09:00, 8 times"
        composer.query_one("#entry-when", Input).value = "2026-11-24 10:00"  # the words follow the start
        await pilot.pause()
        assert str(words.render()) == "↻ every Tuesday and Thursday at 10:00, 8 times"
        presets.value = "weekly"  # and so do the presets
        await pilot.pause()
        assert rule.value == "FREQ=WEEKLY;BYDAY=TU"
        presets.value = "custom"
        await pilot.pause()
        assert rule.has_focus and rule.value == "FREQ=WEEKLY;BYDAY=TU"
        presets.value = "none"
        await pilot.pause()
        assert rule.value == "" and not words.display


async def test_the_detail_says_a_series_rule_in_words(store):
    store.entries.add(store.accounts.get("tidewater").id, "Weekly tip", "scheduled", who="ana",
                      scheduled_at=iso(NOW - timedelta(hours=2)), rrule="FREQ=WEEKLY;BYDAY=FR;COUNT=4")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        await pilot.press("enter")
        day = screen.query_one("#day-entries")
        day.highlighted = next(i for i in range(day.option_count) if "Weekly tip" in str(
            day.get_option_at_index(i).prompt))
        await pilot.pause()
        assert "↻ every Friday at 10:00, 4 times" in str(screen.query_one("#entry-detail").render())
