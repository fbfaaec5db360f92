"""The Moderation mode's screens (queue, instance report, member page, members list,
guidelines, rules editor) and the Metrics mode in Spanish, French and Slovenian: no English
left on screen, numbers with the language's decimal mark, questions in French typography,
and Slovenian's four plural forms."""

from __future__ import annotations

import pytest

from cmtui import i18n
from cmtui.config import Settings
from factory import NOW
from i18n_screen import english_left, screen_lines
from test_moderation_tui import REPORT, add_people, add_reports
from tui_helpers import RecordingApp, wait_for

LANGUAGES = ("es", "fr", "sl")
SIZE = (120, 40)
NBSP = "\u00a0"


@pytest.fixture
def community(store):
    """The test community with people, an instance report, a guideline and the default rules."""
    from cmtui.moderation.toml_io import seed_rules

    add_people(store)
    add_reports(store, REPORT)
    store.members.add_guideline("Be kind", "No insults, no harassment.")
    seed_rules(store)
    return store


def make_app(store, **settings):
    return RecordingApp(store, Settings(timezone="UTC", user="ana", **settings), clock=lambda: NOW)


async def settle(pilot):
    screen = pilot.app.screen
    if hasattr(screen, "counting"):  # the metrics come from worker threads
        assert await wait_for(pilot, lambda: not screen.counting)
    await pilot.pause()


def text_of(app) -> str:
    return "\n".join(" ".join(line.split()) for line in screen_lines(app))


# Each screen of the area, reached by keys from the start (the instance report is the 4th row).
SCREENS = {
    "queue": ["3"],
    "instance report": ["3", "down", "down", "down"],
    "member page": ["3", "p"],
    "members": ["3", "M"],
    "guidelines": ["3", "g"],
    "rules": ["3", "e"],
    "metrics": ["4"],
}
# A word each screen shows in the language (so the test fails if the screen stayed English).
# (The report's "instance" is the platform profile's word: translated by the profile.)
EXPECTED = {
    "es": {"queue": "Moderación", "instance report": "Denuncia de ", "member page": "Historial",
           "members": "Más activos", "guidelines": "Normas de la comunidad", "rules": "simulación",
           "metrics": "Mejor momento para publicar"},
    "fr": {"queue": "Modération", "instance report": "Signalement (", "member page": "Historique",
           "members": "Les plus actifs", "guidelines": "Charte de la communauté", "rules": "simulation",
           "metrics": "Meilleur moment pour publier"},
    "sl": {"queue": "Moderiranje", "instance report": "Prijava (", "member page": "Zgodovina",
           "members": "Najbolj dejavni", "guidelines": "Smernice skupnosti", "rules": "preizkus",
           "metrics": "Najboljši čas za objavo"},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS)
async def test_each_screen_speaks_the_language_with_no_english_left(community, language, screen):
    i18n.set_language(language)
    app = make_app(community)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*SCREENS[screen])
        await settle(pilot)
        lines = screen_lines(app)
        assert english_left(lines, language) == []
        assert EXPECTED[language][screen] in text_of(app)


@pytest.mark.parametrize("language", ("fr", "sl"))
@pytest.mark.parametrize("screen", ("queue", "instance report", "rules", "metrics"))
async def test_the_longer_languages_keep_their_meaning_at_80x24(community, language, screen):
    """At 80 columns the key bar, the queue's columns and the metrics' headline stay readable
    (nothing of the catalog left in English; the mode's name whole in the title)."""
    i18n.set_language(language)
    app = make_app(community)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*SCREENS[screen])
        await settle(pilot)
        assert english_left(screen_lines(app), language) == []
        title = {"queue": "Moderation", "instance report": "Moderation", "rules": "Moderation · rules",
                 "metrics": "Metrics"}[screen]
        assert i18n._(title) in text_of(app)


async def test_the_metrics_write_numbers_with_a_decimal_comma_in_spanish(store):
    i18n.set_language("es")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        goals = app.screen.query_one("#section-goals")
        text = goals.text(goals.content_size.width or 100).plain
        assert "ahora 2,2 h / meta 2,0 h" in text  # English: "now 2.2 h / target 2.0 h"
        assert "ahora 6,1 % / meta 10,0 %" in text
        assert "vence el 20/12/26" in text  # the due date as Spanish writes a short date
        card = str(app.screen.query_one("#card-response").render())
        assert "mediana" in card and "." not in card.split("\n")[1]  # the median: 2,2 h, not 2.2 h


async def test_a_confirmation_in_french_asks_with_french_typography(community):
    i18n.set_language("fr")
    app = make_app(community)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "e")
        await pilot.pause()
        name = app.screen.current()["name"]
        await pilot.press("d")
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert f"Supprimer la règle « {name} » ?" in shown.replace(NBSP, " ")
        assert english_left(screen_lines(app), "fr") == []
        await pilot.press("y")
        await pilot.pause()
        assert f"Règle {name} supprimée." in [n["message"] for n in app.notes]


async def test_a_decision_is_notified_in_spanish(community):
    i18n.set_language("es")
    app = make_app(community)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        author = app.screen._current()["author"]
        await pilot.press("a")
        await pilot.pause()
        assert app.notes[-1]["message"] == f"Aprobado: {author}."


def test_slovenian_counts_take_four_forms():
    from cmtui.tui.screens.moderation import record_counts

    i18n.set_language("sl")
    shown = {n: record_counts({"items": n, "flags": n, "moderation_actions": n, "account_age_days": n})
             for n in (1, 2, 3, 5, 101, 102)}
    assert [shown[n][0] for n in (1, 2, 3, 5)] == ["1 sporočilo", "2 sporočili", "3 sporočila", "5 sporočil"]
    assert [shown[n][1] for n in (1, 2, 3, 5)] == ["1 prejšnja oznaka", "2 prejšnji oznaki", "3 prejšnje oznake",
                                                  "5 prejšnjih oznak"]
    assert shown[101][0] == "101 sporočilo" and shown[102][0] == "102 sporočili"
    assert shown[2][3] == "račun star 2 dneva" and shown[5][3] == "račun star 5 dni"


async def test_the_queue_summary_counts_in_slovenian(community):
    i18n.set_language("sl")
    app = make_app(community)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        summary = str(app.screen.query_one("#moderation-summary").render())
        assert "Za pregled: 3 označena sporočila in 1 prijava na strežniku" in summary
        await pilot.press("space", "space")
        await pilot.pause()
        assert "2 izbrani" in str(app.screen.query_one("#moderation-summary").render())


def test_the_crisis_marker_and_durations_follow_the_language():
    from cmtui.tui.widgets.crisis_watch import crisis_marker
    from cmtui.tui.widgets.metric_sections import duration

    crisis = {"status": "alert", "series": [{"series": "mentions", "value": 40, "baseline_mean": 2.5, "alert": True}]}
    assert crisis_marker(crisis) == "crisis: mentions ×16"
    assert duration(9000) == "2.5 h"
    i18n.set_language("fr")
    assert crisis_marker(crisis) == f"crise{NBSP}: mentions ×16"
    assert duration(9000) == "2,5 h" and duration(3 * 86400) == "3,0 j"
    i18n.set_language("sl")
    assert crisis_marker(crisis) == "kriza: omembe ×16"
