"""The calendar, the composer and their dialogs in Spanish, French and Slovenian: the month
grid's first weekday and headings from the locale, titles and dates through Babel, the
composer's read-back line, the preview, notifications, plurals, and no English left on screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import Input, Static, TextArea

from cmtui import i18n
from cmtui.config import Settings
from cmtui.tui.widgets.calendar_views import MonthView, WeekView
from factory import NOW
from i18n_screen import english_left, screen_lines
from tui_helpers import RecordingApp

SIZE = (120, 40)
TODAY = NOW.date()  # 2026-11-20, a Friday


def make_app(store, **settings):
    return RecordingApp(store, Settings(timezone="UTC", **settings), clock=lambda: NOW)


async def calendar(app, pilot, *keys):
    await pilot.press("1", *keys)
    await pilot.pause()
    return app.screen


def line(widget, y: int) -> str:
    return widget.render_line(y).text


def summary(screen) -> str:
    return str(screen.query_one("#calendar-summary").render())


async def test_the_month_in_spanish_starts_on_monday_with_babels_names(store, language):
    language("es")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await calendar(app, pilot, "n")  # December
        month = screen.query_one(MonthView)
        assert line(month, 0).split() == ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]
        assert "diciembre de 2026" in summary(screen) and "(mes; v cambia)" in summary(screen)
        assert month.weeks[0][0] == date(2026, 11, 30)  # the Monday before 1 December
        title = str(screen.query_one("#day-title").render())
        assert title.startswith("domingo, 20 de diciembre de 2026")
        assert app.sub_title == "Calendario" or screen.sub_title == "Calendario"


async def test_the_month_in_the_united_states_starts_on_sunday_and_everything_agrees(store):
    i18n.choose("en", {"LANG": "en_US.UTF-8"})
    account = store.accounts.get("tidewater").id
    store.entries.add(account, "On the grid's first Sunday", "draft", who="ana", scheduled_at="2026-11-01T10:00:00Z")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await calendar(app, pilot)
        month = screen.query_one(MonthView)
        headings = line(month, 0).split()
        assert headings == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        # Under each heading, dates of that weekday, and the day numbers in their columns.
        for week in month.weeks:
            assert [day.strftime("%a") for day in week] == headings
        assert month.weeks[0][0] == date(2026, 11, 1)  # 1 November 2026 is a Sunday: the first cell
        first_week = line(month, 1)
        assert first_week.index(" 1") < first_week.index(" 2") < first_week.index(" 7")
        # The first Sunday is in the period read: its entry is on the grid.
        assert any("10:00 On the" in line(month, y) for y in range(1, month.size.height))
        # Friday 20 → right, right: Sunday 22 opens the next row; j goes down a week.
        await pilot.press("right", "right")
        assert screen.cursor == date(2026, 11, 22)
        row = next(n for n, week in enumerate(month.weeks) if screen.cursor in week)
        assert month.weeks[row][0] == screen.cursor
        await pilot.press("j")
        assert screen.cursor == date(2026, 11, 29) and month.weeks[row + 1][0] == screen.cursor
        # The week view starts on that Sunday too.
        await pilot.press("v")
        await pilot.pause()
        week = screen.query_one(WeekView)
        assert week.week[0] == date(2026, 11, 29) and week.week[-1] == date(2026, 12, 5)
        assert line(week, 0).split()[:2] == ["Sun", "29"]
        assert "week of Sun, Nov 29, 2026" in summary(screen)


async def test_the_composer_in_french_and_its_read_back_line(store, language):
    language("fr")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await calendar(app, pilot, "l", "c")
        composer = app.screen
        assert composer.query_one("#entry-when", Input).value == "2026-11-21 09:00"  # ISO, as typed
        assert str(composer.query_one("#entry-when-read").render()) == "→ samedi 21 novembre 2026 09:00 UTC"
        composer.query_one("#entry-when", Input).value = "2020-01-01 10:00"
        await pilot.pause()
        assert "(dans le passé)" in str(composer.query_one("#entry-when-read").render())
        lines = screen_lines(app)
        assert any("Nouvelle publication" in text for text in lines)
        assert english_left(lines, "fr") == []


async def test_the_preview_in_slovenian(store, language):
    language("sl")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await calendar(app, pilot, "l", "c")
        app.screen.query_one("#entry-text", TextArea).text = "Prvi del\n---\n"
        app.screen.query_one("#entry-cw", Input).value = "spojler"
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        preview = app.screen
        lines = screen_lines(app)
        assert any("Predogled · Mastodon · nit: 2 dela" in text for text in lines)
        first = str(preview.query_one("#preview-part-1", Static).render())
        assert "sob., 21. nov. 2026, 09:00" in first and "[prikaži več]" in first
        await pilot.press("s")
        await pilot.pause()
        second = str(preview.query_one("#preview-part-2", Static).render())
        assert "↳ v odgovor na zgornji del" in second and "(prazen del)" in second
        assert english_left(screen_lines(app), "sl") == []


async def test_queued_for_in_spanish(store, language):
    language("es")
    account = store.accounts.get("tidewater").id
    entry_id = store.entries.add(account, "A la cola", "draft", who="ana", scheduled_at="2026-11-25T11:00:00Z")
    store.entries.add(account, "Antes del hueco", "draft", who="ana", scheduled_at="2026-11-20T12:30:00Z")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await calendar(app, pilot, *["l"] * 5, "enter")
        day = screen.query_one("#day-entries")
        prompts = [str(day.get_option_at_index(i).prompt) for i in range(day.option_count)]
        day.highlighted = next(i for i, prompt in enumerate(prompts) if "A la cola" in prompt)
        await pilot.pause()
        await pilot.press("Q")
        await pilot.pause()
        assert store.entries.get(entry_id)["scheduled_at"].startswith("2026-11-20T13:00")
        assert "En la cola de envío para el vie, 20 nov, 13:00." in [n["message"] for n in app.notes]


async def test_a_refusal_and_the_day_count_in_slovenian(store, language):
    language("sl")
    account = store.accounts.get("tidewater").id
    for hour in (8, 9):  # with Post number 5 at 14:00: three on the day
        store.entries.add(account, f"Ob {hour}", "draft", who="ana", scheduled_at=f"2026-11-20T{hour:02d}:00:00Z")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await calendar(app, pilot)
        assert "3 objave" in str(screen.query_one("#day-title").render())
        await pilot.press("l")  # an empty day: nothing to approve
        await pilot.pause()
        assert "nič načrtovanega" in str(screen.query_one("#day-title").render())
        await pilot.press("a")
        assert app.notes[-1]["message"].startswith("Ni česa odobriti: najprej izberite objavo")


@pytest.mark.parametrize(("n", "shown"), [(1, "1 objava"), (2, "2 objavi"), (3, "3 objave"), (5, "5 objav"),
                                          (102, "102 objavi")])
def test_the_day_count_takes_the_four_slovenian_forms(language, n, shown):
    language("sl")
    assert i18n.ngettext("{n} entry", "{n} entries", n).format(n=n) == shown


def test_status_and_weekday_labels_follow_the_language(language):
    from cmtui.model import status_name
    from cmtui.tui.widgets.calendar_views import weekday_labels

    language("fr")
    assert status_name("needs_approval") == "à approuver" and status_name("scheduled") == "programmée"
    assert weekday_labels([0, 6], 4) == ["lun.", "dim."]
    assert weekday_labels([0, 6], 3) == ["lu", "di"]  # a narrow column: Babel's short names
    language("en")
    assert status_name("needs_approval") == "needs approval"


@pytest.mark.parametrize("lang", ["es", "fr", "sl"])
@pytest.mark.parametrize(("view", "keys"), [("month", ()), ("day", ("enter",)), ("week", ("v",)),
                                            ("agenda", ("v", "v"))])
async def test_no_english_left_in_the_calendar(store, language, lang, view, keys):
    language(lang)
    app = make_app(store, approval_required=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await calendar(app, pilot, *keys)
        assert screen.view == ("month" if view == "day" else view)
        lines = screen_lines(app)
        assert english_left(lines, lang) == []
        assert not any("approval required" in text or "nothing planned" in text for text in lines)


@pytest.mark.parametrize("lang", ["es", "fr", "sl"])
async def test_no_english_left_in_the_snooze_dialog_and_the_goal_editor(store, language, lang):
    language(lang)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")  # the inbox's first item
        await pilot.pause()
        lines = screen_lines(app)
        assert english_left(lines, lang) == [] and not any("tomorrow" in text for text in lines)
        await pilot.press("escape", "4")
        await pilot.pause()
        behind = set(english_left(screen_lines(app), lang))  # the Metrics mode's own words (not this brief's)
        await pilot.press("g")
        await pilot.pause()
        app.screen.query_one("#goal-due", Input).value = "2027-01-15"
        await pilot.pause()
        lines = screen_lines(app)
        assert set(english_left(lines, lang)) <= behind and not any("higher is better" in text for text in lines)
        assert any({"es": "todas las cuentas", "fr": "tous les comptes", "sl": "vsi računi"}[lang] in text
                   for text in lines)
        due = str(app.screen.query_one("#goal-due-read").render())
        assert due == "→ " + {"es": "viernes, 15 de enero de 2027", "fr": "vendredi 15 janvier 2027",
                              "sl": "petek, 15. januar 2027"}[lang]


async def test_the_snooze_choices_in_spanish(store, language):
    language("es")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        presets = app.screen.query_one("#snooze-presets")
        shown = [str(presets.get_option_at_index(i).prompt) for i in range(presets.option_count)]
        assert shown[0] == "en 1 hora  vie, 20 nov, 13:00"
        assert shown[2].startswith("mañana a las 9:00  sáb, 21 nov, 9:00")


def test_english_dates_keep_their_words(language):
    """English still reads as before, with Babel's punctuation ("Fri, 20 Nov")."""
    from cmtui import l10n

    language("en")
    assert l10n.long_day(TODAY) == "Friday, 20 November 2026"
    assert l10n.day_time(NOW + timedelta(hours=1)) == "Fri, 20 Nov, 13:00"


@pytest.mark.parametrize("lang", ["es", "fr", "sl"])
async def test_no_english_left_in_the_composer_and_the_preview(store, language, lang):
    language(lang)
    app = make_app(store, approval_required=True)
    async with app.run_test(size=SIZE) as pilot:
        await calendar(app, pilot, "l", "c")
        composer = app.screen
        composer.query_one("#entry-text", TextArea).text = "Uno\n---\n"
        composer.query_one("#entry-cw", Input).value = "spoiler"
        composer.query_one("#entry-rrule", Input).value = "FREQ=MONTHLY;BYDAY=1TH"  # the 21st is no first Thursday
        await pilot.pause()
        lines = screen_lines(app)
        assert english_left(lines, lang) == []
        assert not any(words in text for text in lines for words in ("is not a day this rule gives", "keep as draft"))
        note = str(composer.query_one("#entry-rule-read").render())
        assert note.startswith("⚠ " + {"es": "el inicio, sáb, 21 nov,", "fr": "le début, sam. 21 nov.,",
                                       "sl": "začetek, sob., 21. nov.,"}[lang]), note
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert english_left(screen_lines(app), lang) == []
        await pilot.press("s")
        await pilot.pause()
        lines = screen_lines(app)
        assert english_left(lines, lang) == [] and not any("in reply to the part above" in text for text in lines)
