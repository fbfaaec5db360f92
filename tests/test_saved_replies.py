"""Saved replies: variables, the repository, the starter set, the dialog, $EDITOR."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest
from textual.app import App
from textual.widgets import Input, OptionList, Static, TextArea

from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.resources import load_json
from cmtui.saved_replies import expand, first_name, seed
from cmtui.store import Store
from cmtui.tui.app import CmtuiApp
from cmtui.tui.dialogs.saved_replies import SavedRepliesDialog, SavedReplyEditor
from cmtui.tui.external_editor import EditorError, editor_command, run_editor

ANA = {"author": "ana@fedi.example", "author_name": "Ana García"}


# -- expand ---------------------------------------------------------------------------

def test_expand_fills_every_variable():
    text = expand("Hi {first_name} ({author}), thanks from {account}!", ANA, "tidewater")
    assert text == "Hi Ana (@ana@fedi.example), thanks from tidewater!"


def test_expand_reads_a_sqlite_row(tmp_path):
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT 'bo@x.example' AS author, NULL AS author_name, 7 AS id").fetchone()
    assert expand("{first_name} {author}", row, "acct") == "bo @bo@x.example"


@pytest.mark.parametrize("author_name, expected", [
    (None, "ana"), ("", "ana"), ("🌿 ✨", "ana"), (":blobcat: Ana 🌿", "Ana"), ("“Zoë”, PhD", "Zoë"),
    ("Jean-Luc Picard", "Jean-Luc"), ("O'Brien!", "O'Brien"), ("山田 太郎", "山田"), ("👩‍💻 Dev", "Dev"),
])
def test_first_name_drops_emoji_and_punctuation_and_falls_back_to_the_handle(author_name, expected):
    assert first_name(author_name, "ana@fedi.example") == expected
    assert expand("{first_name}", {"author": "ana@fedi.example", "author_name": author_name}, "") == expected


def test_expand_keeps_braces_and_unknown_placeholders():
    template = "{first_name}: {unknown} {0} {} {{author}} }{ {author"
    assert expand(template, ANA, "tw") == "Ana: {unknown} {0} {} {@ana@fedi.example} }{ {author"


def test_expand_leaves_a_variable_without_value_visible():
    assert expand("Hi {first_name} {author}, {account}", None, "") == "Hi {first_name} {author}, {account}"
    assert expand("{author}", {"author": "@ana@fedi.example", "author_name": "Ana"}, "x") == "@ana@fedi.example"
    assert expand("{account}", {}, "tidewater") == "tidewater"


# -- the repository -------------------------------------------------------------------

def test_add_get_update_delete(store):
    replies = store.replies
    rid = replies.add("  Thanks ", "EN", "Thank you {first_name}!\n")
    row = replies.get(rid)
    assert (row["name"], row["language"], row["body"]) == ("Thanks", "en", "Thank you {first_name}!")
    replies.update(rid, "Thanks a lot", "es", "¡Gracias {first_name}!")
    row = replies.get(rid)
    assert (row["name"], row["language"], row["body"]) == ("Thanks a lot", "es", "¡Gracias {first_name}!")
    assert [r["id"] for r in replies.list("es")] == [rid] and replies.list("en") == []
    assert replies.delete(rid) is True
    assert replies.get(rid) is None and replies.delete(rid) is False and replies.count() == 0


@pytest.mark.parametrize("name, language, body, message", [
    ("", "en", "text", "needs a name"), ("   ", "en", "text", "needs a name"),
    ("n", "en", "", "needs some text"), ("n", "en", " \n ", "needs some text"),
    ("n", "", "text", "needs a language"), ("n", "english", "text", "2-letter"), ("n", "e1", "text", "2-letter"),
])
def test_add_and_update_refuse_bad_input(store, name, language, body, message):
    with pytest.raises(InputError, match=message):
        store.replies.add(name, language, body)
    rid = store.replies.add("kept", "en", "body")
    with pytest.raises(InputError, match=message):
        store.replies.update(rid, name, language, body)
    assert store.replies.count() == 1
    assert store.replies.get(rid)["name"] == "kept"


def test_name_and_language_must_be_unique(store):
    first = store.replies.add("Thanks", "en", "one")
    store.replies.add("Thanks", "es", "dos")  # same name, other language: fine
    with pytest.raises(InputError, match="already a saved reply named 'Thanks' in en"):
        store.replies.add("Thanks", "en", "again")
    other = store.replies.add("Other", "en", "two")
    with pytest.raises(InputError, match="already"):
        store.replies.update(other, "Thanks", "en", "two")
    store.replies.update(first, "Thanks", "en", "one, edited")  # keeping its own name is no clash
    assert store.replies.get(first)["body"] == "one, edited" and store.replies.count() == 3
    with pytest.raises(InputError, match="no saved reply with id 999"):
        store.replies.update(999, "x", "en", "y")


# -- the starter set ------------------------------------------------------------------

def test_seed_adds_the_shipped_replies_once(store):
    shipped = load_json("saved_replies.json")
    assert seed(store) == len(shipped)
    assert {r["language"] for r in store.replies.list()} == {"en", "es", "fr", "sl"}
    assert seed(store) == 0 and store.replies.count() == len(shipped)


def test_seed_leaves_a_user_with_own_replies_alone(store):
    store.replies.add("Mine", "en", "my own")
    assert seed(store) == 0 and [r["name"] for r in store.replies.list()] == ["Mine"]


def test_a_new_database_opened_by_the_cli_gets_the_starter_set(tmp_path, capsys):
    from cmtui.cli import main

    db = tmp_path / "fresh.db"
    assert main(["metrics", "goal", "add", "Weekly", "--metric", "posts_per_week", "--target", "3",
                 "--by", "2099-01-01", "--db", str(db)]) == 0  # reading commands refuse a missing database
    store = Store.open(db)
    try:
        count = store.replies.count()
        assert count == len(load_json("saved_replies.json"))
        assert {r["language"] for r in store.replies.list()} == {"en", "es", "fr", "sl"}
        rules = store.rules.list()  # and the default moderation rules, every one off
        assert len(rules) == 8 and not any(r["enabled"] for r in rules)
        for reply in store.replies.list():  # the user removes them all: they do not come back
            store.replies.delete(reply["id"])
    finally:
        store.close()
    assert main(["metrics", "goal", "add", "Weekly", "--metric", "posts_per_week", "--target", "3",
                 "--by", "2099-01-01", "--db", str(db)]) == 0  # reading commands refuse a missing database
    store = Store.open(db)
    try:
        assert store.replies.count() == 0
    finally:
        store.close()
    capsys.readouterr()


def test_an_existing_database_is_not_seeded_by_the_cli(store, tmp_path, capsys):
    from cmtui.cli import main

    store.close()
    assert main(["inbox", "list", "--json", "--db", str(tmp_path / "community.db")]) == 0
    capsys.readouterr()
    reopened = Store.open(tmp_path / "community.db")
    try:
        assert reopened.replies.count() == 0
    finally:
        reopened.close()


def test_factory_and_plain_store_open_do_not_seed(store, tmp_path):
    assert store.replies.count() == 0
    plain = Store.open(tmp_path / "plain.db")
    try:
        assert plain.replies.count() == 0
    finally:
        plain.close()


# -- the dialog -----------------------------------------------------------------------

class DialogApp(App):
    CSS_PATH = CmtuiApp.CSS_PATH  # the dialog's look lives in the app's stylesheet

    def __init__(self, store, language="es", pick=True):
        super().__init__()
        self.store = store
        self.settings = Settings(user="ana")  # who writes the replies (the team's activity log)
        self.language = language
        self.pick = pick
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(SavedRepliesDialog(self.store, self.language, self.pick), self.results.append)


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def names(dialog) -> list[str]:
    return [r["name"] for r in dialog.shown]


def status_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_dialog_lists_the_items_language_first_and_filters_as_you_type(seeded):
    app = DialogApp(seeded, language="es")
    async with app.run_test(size=(110, 40)) as pilot:
        dialog = app.screen
        assert isinstance(dialog, SavedRepliesDialog)
        languages = [r["language"] for r in dialog.shown]
        assert languages[0] == "es" and len(dialog.shown) == seeded.replies.count()
        assert languages == sorted(languages, key=lambda lang: (lang != "es", lang))
        assert dialog.query_one(OptionList).option_count == len(dialog.shown)
        await pilot.press(*"docs")
        await pilot.pause()
        assert dialog.shown and all("docs" in (r["name"] + r["body"]).lower() for r in dialog.shown)
        assert len(dialog.shown) < seeded.replies.count()
        await pilot.press(*"zzqq")
        await pilot.pause()
        assert dialog.shown == [] and "No saved reply matches" in status_text(dialog, "#saved-status")


async def test_enter_picks_the_highlighted_body(seeded):
    app = DialogApp(seeded, language="fr")
    async with app.run_test(size=(110, 40)) as pilot:
        dialog = app.screen
        await pilot.press("down")
        await pilot.pause()
        expected = dialog.shown[1]
        assert expected["language"] == "fr"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [expected["body"]]
        assert not isinstance(app.screen, SavedRepliesDialog)


async def test_escape_closes_with_none(seeded):
    app = DialogApp(seeded)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def test_add_a_reply_in_the_editor(store):
    app = DialogApp(store, language="sl")
    async with app.run_test(size=(110, 40)) as pilot:
        dialog = app.screen
        assert "No saved replies yet" in status_text(dialog, "#saved-status")
        await pilot.press("ctrl+n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, SavedReplyEditor)
        assert editor.query_one("#saved-language", Input).value == "sl"
        await pilot.press(*"Hvala")
        editor.query_one("#saved-body", TextArea).text = "Hvala, {first_name}!"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        [row] = store.replies.list()
        assert (row["name"], row["language"], row["body"]) == ("Hvala", "sl", "Hvala, {first_name}!")
        assert names(dialog) == ["Hvala"] and dialog.highlighted()["id"] == row["id"]
        assert [(r["who"], r["action"]) for r in store.activity.recent()] == [("ana", "reply.add")]  # who wrote it


async def test_an_empty_body_is_refused_inline_and_nothing_is_stored(store):
    app = DialogApp(store)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        editor = app.screen
        await pilot.press(*"Empty")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor
        assert "needs some text" in status_text(editor, "#saved-editor-status")
        assert store.replies.count() == 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SavedRepliesDialog) and store.replies.count() == 0 and app.results == []


async def test_edit_the_highlighted_reply(seeded):
    app = DialogApp(seeded, language="en")
    async with app.run_test(size=(110, 40)) as pilot:
        dialog = app.screen
        await pilot.press(*"pricing")
        await pilot.pause()
        target = dialog.highlighted()
        await pilot.press("f2")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, SavedReplyEditor)
        assert editor.query_one("#saved-name", Input).value == target["name"]
        editor.query_one("#saved-name", Input).value = "Prices"
        editor.query_one("#saved-body", TextArea).text = "It is free, {first_name}."
        await pilot.press("ctrl+s")
        await pilot.pause()
        row = seeded.replies.get(target["id"])
        assert (row["name"], row["body"]) == ("Prices", "It is free, {first_name}.")
        # The edited reply no longer matches "pricing": the filter is cleared to show it.
        assert dialog.query_one("#saved-filter", Input).value == ""
        assert dialog.highlighted()["id"] == target["id"]


async def test_enter_edits_when_not_picking(seeded):
    app = DialogApp(seeded, pick=False)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SavedReplyEditor)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SavedRepliesDialog) and app.results == []


async def test_delete_needs_a_second_press(seeded):
    total = seeded.replies.count()
    app = DialogApp(seeded, language="en")
    async with app.run_test(size=(110, 40)) as pilot:
        dialog = app.screen
        target = dialog.highlighted()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert "ctrl+d again" in status_text(dialog, "#saved-status") and seeded.replies.count() == total
        await pilot.press("escape")  # takes the pending delete back, keeps the dialog open
        await pilot.pause()
        assert app.screen is dialog and seeded.replies.count() == total and app.results == []
        await pilot.press("ctrl+d")
        await pilot.press("down")  # moving on also takes it back
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert seeded.replies.count() == total
        await pilot.press("up")
        await pilot.press("ctrl+d", "ctrl+d")
        await pilot.pause()
        assert seeded.replies.count() == total - 1 and seeded.replies.get(target["id"]) is None
        assert target["id"] not in [r["id"] for r in dialog.shown]
        assert "Deleted" in status_text(dialog, "#saved-status")


# -- $EDITOR --------------------------------------------------------------------------

def test_editor_command_prefers_visual_then_editor_then_vi():
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command({"EDITOR": "'my editor' -n"}) == ["my editor", "-n"]
    assert editor_command({"VISUAL": "  ", "EDITOR": ""}) == ["vi"]
    with pytest.raises(EditorError, match="cannot read the editor command"):
        editor_command({"EDITOR": "'unbalanced"})


def test_run_editor_returns_what_the_editor_wrote(tmp_path):
    seen = tmp_path / "seen.json"
    script = ("import json, os, sys, stat; p = sys.argv[1]; "
              f"json.dump({{'mode': stat.S_IMODE(os.stat(p).st_mode), 'text': open(p).read(), 'path': p}}, open({str(seen)!r}, 'w')); "
              "open(p, 'w').write('edited {first_name}\\n')")
    import shlex
    import sys

    result = run_editor("draft ü", suffix=".md", env={"EDITOR": f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}"})
    assert result == "edited {first_name}"
    info = json.loads(seen.read_text())
    assert info["text"] == "draft ü" and info["mode"] == 0o600 and info["path"].endswith(".md")
    assert not os.path.exists(info["path"])


def test_run_editor_with_a_shell_script(tmp_path):
    env = {"VISUAL": "sh -c 'printf \"line one\\nline two\\n\" > \"$1\"' sh"}
    assert run_editor("old", env=env) == "line one\nline two"


def test_run_editor_nonzero_exit_is_none_and_the_file_is_removed(tmp_path):
    marker = tmp_path / "path.txt"
    env = {"EDITOR": f"sh -c 'echo \"$1\" > {marker}; exit 1' sh"}
    assert run_editor("keep", env=env) is None
    assert not os.path.exists(marker.read_text().strip())


def test_run_editor_missing_or_not_executable(tmp_path, monkeypatch):
    import tempfile

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with pytest.raises(EditorError, match="could not start editor 'no-such-editor-xyz': not found"):
        run_editor("text", env={"EDITOR": "no-such-editor-xyz --flag"})
    plain = tmp_path / "not-a-program"
    plain.write_text("nothing")
    plain.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with pytest.raises(EditorError, match="not executable"):
        run_editor("text", env={"EDITOR": str(plain)})
    assert os.listdir(temp) == []  # no temp file left behind
