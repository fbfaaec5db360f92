"""The dialogs in Spanish, French and Slovenian: each one opened in each language shows no
English left on it (tests/i18n_screen.py) and its own title in the language; yes/no keeps its
keys (y, n) in every language; the welcome text in Slovenian; counts by each language's
plural rules; sentences with input boxes in the order the translation puts them."""

from __future__ import annotations

import pytest

from cmtui import i18n
from cmtui.config import Settings
from cmtui.moderation.toml_io import seed_rules
from cmtui.store import InboxFilter
from cmtui.tui.app import CmtuiApp
from textual.screen import Screen
from factory import NOW
from i18n_screen import english_left, screen_lines
from tui_helpers import wait_for

LANGUAGES = ("es", "fr", "sl")
SIZE = (120, 40)


def make_app(store, **settings) -> CmtuiApp:
    return CmtuiApp(store, Settings(timezone="UTC", **settings), clock=lambda: NOW)


def dialog_lines(app) -> list[str]:
    """The screen's lines across the dialog on top (the rows above and below it belong to the
    screen behind, another helper's, with its own tests)."""
    region = app.screen.children[0].region
    lines = [line.rstrip("\n") for line in screen_lines(app)][-app.size.height:]  # (the window's title above)
    return lines[region.y:region.bottom]


def text_of(app) -> str:
    """The dialog's text on one line, without its borders: a wrapped sentence reads whole."""
    return " ".join(" ".join(dialog_lines(app)).replace("│", " ").split())


# -- each dialog, built over the factory's community -------------------------------------------------
def _ask(store):
    from cmtui.tui.dialogs.ask import AskDialog

    return AskDialog("?", "…")


def _confirm(store):
    from cmtui.tui.dialogs.ask import ConfirmDialog

    return ConfirmDialog("?")


def _choose(store):
    from cmtui.tui.dialogs.choose import ChooseDialog

    return ChooseDialog("?", [("ana", "ana"), ("bo", "bo")])


def _account(store):
    from cmtui.tui.dialogs.account_dialog import AccountDialog

    return AccountDialog()


def _authorize(store):
    from cmtui.tui.dialogs.account_dialog import AuthorizeDialog

    return AuthorizeDialog("https://social.tidewater.example/oauth/authorize?client_id=x")


def _filters(store):
    from cmtui.tui.dialogs.filters import FilterDialog

    return FilterDialog(store, Settings(timezone="UTC"), InboxFilter())


def _guideline(store):
    from cmtui.tui.dialogs.guideline_editor import GuidelineEditor

    return GuidelineEditor(store)


def _labels(store):
    from cmtui.tui.dialogs.labels import LabelDialog

    return LabelDialog(["bug", "sync"], {"sync"}, 3)


def _notes(store):
    from cmtui.tui.dialogs.member_notes import NotesDialog

    return NotesDialog("ana@social.tidewater.example", "")


def _pick(store):
    from cmtui.tui.dialogs.moderation_dialogs import PickDialog, place_action_choices

    return PickDialog("?", place_action_choices(("kick", "ban", "unban")), default="kick", checkbox="?")


def _warn(store):
    from cmtui.tui.dialogs.moderation_dialogs import WarnDialog

    return WarnDialog(store, store.members.guidelines(), "ana@social.tidewater.example", 2)


def _rule_editor(store):
    from cmtui.tui.dialogs.rule_editor import RuleEditor

    return RuleEditor(store)


def _rule_form(store):
    from cmtui.tui.dialogs.rule_form import RuleFormDialog

    return RuleFormDialog(store)


def _saved_replies(store):
    from cmtui.tui.dialogs.saved_replies import SavedRepliesDialog

    return SavedRepliesDialog(store, "es", pick=True)


def _saved_reply_editor(store):
    from cmtui.tui.dialogs.saved_replies import SavedReplyEditor

    return SavedReplyEditor(store, None, "es")


# (build, a message the dialog shows: its translation must be on screen)
DIALOGS = {
    "ask": (_ask, "enter to confirm · esc to cancel"),
    "confirm": (_confirm, "y or enter: yes · n or esc: no"),
    "choose": (_choose, None),  # its title is the caller's: only English left is checked
    "account": (_account, "Add an account"),
    "authorize": (_authorize, "Open this address, sign in and approve cmtui:"),
    "filters": (_filters, "Filter the inbox"),
    "guideline": (_guideline, "New guideline"),
    "labels": (_labels, "space or enter ticks · ctrl+s applies · esc cancels"),
    "notes": (_notes, "Notes about {member}"),
    "pick": (_pick, "ban — remove them and keep them out"),
    "warn": (_warn, "a sentence to add to the reply (optional)"),
    "rule_editor": (_rule_editor, "New rule"),
    "rule_form": (_rule_form, "Dry-run over the stored items"),
    "saved_replies": (_saved_replies, "Insert a saved reply"),
    "saved_reply_editor": (_saved_reply_editor, "New saved reply"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(DIALOGS))
async def test_each_dialog_speaks_the_language_with_no_english_left(store, language, lang, name):
    build, message = DIALOGS[name]
    seed_rules(store)
    language(lang)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(Screen())  # a blank screen behind: what is left on screen is the dialog's
        app.push_screen(build(store))
        await pilot.pause()
        if name == "filters":  # the counts fill in from a worker
            assert await wait_for(pilot, lambda: not app.screen.counting)
        if name == "rule_form":
            assert await wait_for(pilot, lambda: str(app.screen.query_one("#rf-dry-result").render()) != "")
        await pilot.pause()
        assert english_left(dialog_lines(app), lang) == []
        if message is not None:
            shown = i18n._(message).format(member="ana@social.tidewater.example")
            assert i18n._(message) != message  # translated at all
            assert " ".join(shown.replace("\xa0", " ").split()) in text_of(app)


async def test_the_welcome_dialog_in_slovenian(tmp_path, monkeypatch, language):
    from cmtui.store import Store
    from cmtui.tui.dialogs.welcome import WelcomeDialog

    monkeypatch.chdir(tmp_path)
    language("sl")
    store = Store.open("prvi.db")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeDialog)  # the first run, as in English
        shown = " ".join(" ".join(str(part.render()) for part in app.screen.query("Static")).split())
        for expected in ("Dobrodošli v cmtui", "Ta zbirka podatkov še nima računov, odgovorov ali objav: prvi.db",
                         "Oglejte si vse, kar zmore cmtui, na izmišljeni skupnosti", "cmtui demo",
                         "Povežite račun v ukazni vrstici:",
                         "cmtui account add mastodon|matrix|bluesky IME --instance URL",
                         "nato znova odprite cmtui: prenesel bo odgovore, omembe in prijave računa.",
                         "1 odpre koledar, kjer n napiše objavo.", "enter ali esc: zapri · 1: koledar · q: izhod"):
            assert expected in shown, expected
        app.push_screen(Screen())  # the same dialog over a blank screen: no English left on it
        app.push_screen(WelcomeDialog("prvi.db"))
        await pilot.pause()
        assert english_left(dialog_lines(app), "sl") == []
        app.pop_screen()
        app.pop_screen()
        await pilot.pause()
        await pilot.press("1")  # the key is the same in every language
        await pilot.pause()
        assert app.current_mode == "calendar"
    store.close()


@pytest.mark.parametrize(("key", "answer"), [("y", True), ("enter", True), ("n", False), ("escape", False)])
async def test_yes_or_no_in_french_keeps_its_keys(store, language, key, answer):
    from cmtui.tui.dialogs.ask import ConfirmDialog

    language("fr")
    answers = []
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(ConfirmDialog("Supprimer ?"), answers.append)
        await pilot.pause()
        assert "y ou enter : oui · n ou esc : non" in text_of(app)
        await pilot.press(key)
        await pilot.pause()
    assert answers == [answer]


async def test_the_keys_of_a_dialog_are_described_in_the_language(store, language):
    """What ? help and the palette list for a dialog: its bindings' descriptions, translated."""
    from cmtui.tui.dialogs.help import describe_bindings
    from cmtui.tui.dialogs.saved_replies import SavedReplyEditor

    language("es")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(SavedReplyEditor(store, None, "es"))
        await pilot.pause()
        rows = {binding_id: description for _, description, binding_id in describe_bindings(app.screen)}
        assert rows["saved_editor.save"] == "Guardar" and rows["saved_editor.cancel"] == "Cancelar"
        assert rows["saved_editor.external"] == "Editar el texto en $EDITOR"


def test_counts_follow_slovenian_plural_rules(language):
    from cmtui.tui.dialogs.moderation_dialogs import scope_choices

    language("sl")
    assert [scope_choices(n, 0)[0][0] for n in (1, 2, 3, 5, 102)] == [
        "samo to sporočilo", "samo ti 2 sporočili", "samo ta 3 sporočila", "samo teh 5 sporočil",
        "samo ti 102 sporočili"]
    language("fr")
    assert scope_choices(2, 1000)[1][0] == "tous les messages ouverts de l’auteur (1\u202f002)"
    language("en")
    assert scope_choices(2, 3) == [("these 2 items only", "one"), ("all 5 of the author's open items", "all")]


def test_the_filter_names_states_and_kinds_in_the_language_but_keeps_their_values(language):
    from cmtui.tui.dialogs.filters import STATE_CHOICES, kind_label, state_choice_label

    language("fr")
    assert [state_choice_label(key) for key, _ in STATE_CHOICES] == [
        "nouv. + ouverts", "nouveau", "ouvert", "reporté", "traité", "tous"]
    assert kind_label("direct") == "message privé" and kind_label("mention") == "mention"
    assert dict(STATE_CHOICES)["open"] == ("open",)  # the stored value stays English
    language("en")
    assert kind_label("direct") == "direct" and state_choice_label("new and open") == "new and open"


async def test_a_sentence_with_boxes_keeps_the_translations_order(store, language):
    """The flood rule's line: the words around the two boxes as French says them."""
    from cmtui.tui.dialogs.rule_form import RuleFormDialog

    language("fr")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(RuleFormDialog(store))
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#rf-kind").value = "flood"
        await pilot.pause()
        row = dialog.query_one("#rf-flood-count").parent
        parts = [str(child.render()) if child.id is None else child.id for child in row.children]
        assert parts == ["le même texte", "rf-flood-count", "fois en", "rf-flood-minutes", "minutes"]


def test_styled_fills_fields_literally_with_their_own_style():
    from cmtui.tui.dialogs.base import styled

    text = styled("Modifier la règle {name} ({other})", "bold", name=("[b]x[/b]", "cyan"), other="y")
    assert text.plain == "Modifier la règle [b]x[/b] (y)"
    assert [(text.plain[s.start:s.end], str(s.style)) for s in text.spans] == [("[b]x[/b]", "cyan")]
