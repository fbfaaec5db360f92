"""The app's own screens in Spanish, French and Slovenian: the inbox (filter bar, preview, key
bar, status line), the Accounts screen, the command palette (Textual's own words too), the
status line's plurals by each language's rules, and notifications after an action."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cmtui.config import Settings
from cmtui.tui.widgets.status_line import accounts_part
from factory import NOW, build_store
from i18n_screen import english_left, screen_lines
from tui_helpers import RecordingApp, wait_for

LANGUAGES = ("es", "fr", "sl")


@pytest.fixture
def store(tmp_path):
    s = build_store(tmp_path / "i18n.db")
    yield s
    s.close()


def app_for(store) -> RecordingApp:
    return RecordingApp(store, Settings(timezone="UTC", sync_interval_seconds=3600), clock=lambda: NOW)


def text_of(lines: list[str]) -> str:
    """The screen as one string, runs of spaces made one (the SVG splits a line in pieces)."""
    return "\n".join(" ".join(line.split()) for line in lines)


# What each language shows on the inbox: the filter bar's states and position, the preview's
# time and kind, the key bar, the status line, the header's mode.
INBOX = {
    "es": ["— Recibidos", "nuevo", "abierto", "pospuesto", "hecho", "nuevos y abiertos", "1 de 150",
           "mención a tidewater_es", "hoy 11:55", "Responder", "Posponer", "Salir", "cola de envío",
           "0 pendientes", "144 con retraso"],
    "fr": ["— Réception", "nouveau", "ouvert", "reporté", "traité", "1 sur 150", "mention pour tidewater_es",
           "aujourd’hui 11:55", "Répondre", "Reporter", "Quitter", "file d’envoi", "0 en attente",
           "144 en retard"],
    "sl": ["— Prejeto", "novo", "odprto", "odloženo", "opravljeno", "1 od 150", "omemba za tidewater_es",
           "danes 11:55", "Odgovori", "Odloži", "Izhod", "čakalna vrsta", "0 čaka", "144 zamujenih"],
}


async def inbox_lines(store, size: tuple[int, int]) -> list[str]:
    """The inbox's screen at size, its status line filled in."""
    app = app_for(store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        app.screen.query_one("#status-line").refresh_status()
        await pilot.pause()
        return screen_lines(app)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_inbox_speaks_the_language(store, language, lang):
    language(lang)
    lines = await inbox_lines(store, (120, 40))
    shown = text_of(lines)
    for words in INBOX[lang]:
        assert words in shown, words
    assert "Reply" not in shown and "overdue" not in shown and "pending" not in shown
    assert english_left(lines, lang) == []


@pytest.mark.parametrize("lang", ["fr", "sl"])
async def test_the_inbox_at_80x24_keeps_its_words(store, language, lang):
    """The longest languages on a small terminal: the status line keeps the outbox and what
    is overdue, the filter bar the position."""
    language(lang)
    lines = await inbox_lines(store, (80, 24))
    shown = text_of(lines)
    expected = {"fr": ["file d’envoi 0 en attente", "144 en retard", "1 sur 150"],
                "sl": ["čakalna vrsta 0 čaka", "144 zamujenih", "1 od 150"]}[lang]
    for words in expected:
        assert words in shown, words
    assert english_left(lines, lang) == []


ACCOUNTS = {
    "es": ["— Cuentas", "2 cuentas", "nombre", "plataforma", "servidor", "estado", "última sincr.", "al día",
           "nunca", "Añadir", "Reautorizar", "Eliminar"],
    "fr": ["— Comptes", "2 comptes", "nom", "plateforme", "serveur", "état", "dern. synchro", "en veille",
           "jamais", "Ajouter", "Réautoriser", "Supprimer"],
    "sl": ["— Računi", "2 računa", "ime", "platforma", "strežnik", "stanje", "zadnja sinhr.", "ažurno",
           "nikoli", "Dodaj", "Ponovno pooblasti", "Odstrani"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_accounts_screen_speaks_the_language(store, language, lang):
    language(lang)
    store.accounts.set_limit(store.accounts.get("tidewater").id, "max_chars", 500)
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("enter")  # the details under the table
        await pilot.pause()
        lines = screen_lines(app)
        shown = text_of(lines)
        for words in ACCOUNTS[lang]:
            assert words in shown, words
        details = {"es": "Publicaciones de hasta 500 caracteres", "fr": "Publications jusqu’à 500 caractères",
                   "sl": "Objave do 500 znakov"}[lang]
        assert details in shown
        assert english_left(lines, lang) == []


async def test_the_accounts_screen_says_an_error_in_slovenian(store, language):
    language("sl")
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        with store.transaction():
            store.conn.execute("UPDATE accounts SET sync_state = 'error', last_error = '401' WHERE name = 'tidewater'")
        app.post_message(app.SyncChanged())
        await pilot.pause()
        row = [str(c) for c in app.screen.query_one("#accounts-table").get_row("tidewater")]
        assert row[3] == "napaka"


async def test_the_palette_speaks_french(store, language):
    language("fr")
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        shown = text_of(screen_lines(app))
        assert "Rechercher une commande…" in shown
        assert "Aller à Réception" in shown and "Synchroniser maintenant" in shown
        assert "Search for commands" not in shown
        await pilot.press(*"capture")
        assert await wait_for(pilot, lambda: "Capture d’écran" in text_of(screen_lines(app)))
        assert "Enregistrer une image SVG de l’écran" in text_of(screen_lines(app))
        for _ in "capture":
            await pilot.press("backspace")
        await pilot.press(*"zzqx")
        assert await wait_for(pilot, lambda: "Aucun résultat" in text_of(screen_lines(app)))
        assert "No matches" not in text_of(screen_lines(app))


def accounts(n: int, errors: int = 0) -> list:
    return [SimpleNamespace(name=f"account{k}", offline=False, sync_state="error" if k < errors else "idle")
            for k in range(n)]


@pytest.mark.parametrize(("n", "expected"), [(1, "1 račun"), (2, "2 računa"), (3, "3 računi"), (5, "5 računov"),
                                             (102, "102 računa")])
def test_the_status_lines_account_count_in_slovenian(language, n, expected):
    language("sl")
    shortest = accounts_part(accounts(n)).forms[-1].plain
    assert shortest == expected


@pytest.mark.parametrize(("errors", "expected"), [(1, "(1 ima napako)"), (2, "(2 imata napako)"),
                                                  (3, "(3 imajo napako)"), (5, "(5 ima napako)")])
def test_the_status_lines_errors_in_slovenian(language, errors, expected):
    language("sl")
    shortest = accounts_part(accounts(6, errors)).forms[-1].plain
    assert shortest == f"6 računov {expected}"


async def test_the_status_lines_overdue_count_in_slovenian(store, language):
    language("sl")
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        for n, expected in ((1, "1 zamujeno"), (2, "2 zamujeni"), (3, "3 zamujena"), (5, "5 zamujenih")):
            store.inbox.overdue_count = lambda cutoff, n=n: n
            status = app.screen.query_one("#status-line")
            status.refresh_status()
            await pilot.pause()
            assert expected in str(status.render())


async def test_notifications_after_actions_in_spanish(store, language):
    language("es")
    app = app_for(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("O")  # sort
        await pilot.pause()
        assert app.notes[-1]["message"] == "Orden: más antiguos primero."
        await pilot.press("x", "x", "e")  # two items done at once
        assert await wait_for(pilot, lambda: app.notes[-1]["message"] == "Hecho: 2 mensajes. u lo deshace.")
        await pilot.press("u")
        assert await wait_for(pilot, lambda: app.notes[-1]["message"] == "Deshecho: marcado como hecho en 2 mensajes.")
        await pilot.press("u")
        assert await wait_for(pilot, lambda: app.notes[-1]["message"] == "No hay nada que deshacer.")


async def test_english_is_unchanged_where_it_was(store):
    """The source language still reads as before (other tests assert many of these words)."""
    shown = text_of(await inbox_lines(store, (120, 40)))
    for words in ("new 120", "open 30", "new and open · newest first", "1 of 150", "mention to tidewater_es",
                  "today 11:55", "outbox 0 pending", "144 overdue", "Reply", "— Inbox"):
        assert words in shown, words
