"""Pilot and snapshot tests of the rules editor (dry-run included) and the guidelines screen,
both opened from Moderation mode.

Update the snapshots after an intended change with:
    pytest tests/test_rules_editor_tui.py --snapshot-update
"""

from __future__ import annotations

import io
import json
import time

import pytest
from rich.console import Console
from rich.text import Text

from cmtui.config import Settings
from cmtui.moderation.engine import dry_run, save_rule
from cmtui.moderation.toml_io import export_toml, seed_rules
from cmtui.text import cut
from cmtui.tui.app import CmtuiApp
from cmtui.tui.dialogs.guideline_editor import GuidelineEditor
from cmtui.tui.dialogs.rule_editor import RuleEditor
from cmtui.tui.screens.guidelines import GuidelinesScreen
from cmtui.tui.screens.moderation import ModerationScreen
from cmtui.tui.screens.rules_editor import RulesEditorScreen
from factory import NOW, build_store
from tui_helpers import RecordingApp, wait_for

SIZE = (120, 36)
SPANISH = {"name": "spanish", "enabled": False, "automatic": False, "match": "all",
           "conditions": [{"type": "language", "languages": ["es"]}], "actions": [{"type": "flag"}]}


@pytest.fixture
def rules(store):
    seed_rules(store)
    return store


def make_app(store) -> RecordingApp:
    return RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)


def names(store) -> list[str]:
    return [r["name"] for r in store.rules.list()]


async def open_screen(app, pilot, screen):
    await pilot.press("3")
    await pilot.pause()
    app.push_screen(screen)
    await pilot.pause()
    return app.screen


def put_cursor(screen, name: str) -> None:
    screen.query_one("#rules").move_cursor(row=names(screen.store).index(name))


def cell(screen, row: int, column: int) -> str:
    value = screen.query_one("#rules").get_row_at(row)[column]
    assert isinstance(value, Text)  # never a markup string
    return value.plain


def errors(app) -> list[dict]:
    return [n for n in app.notes if n.get("severity") == "error"]


# -- the rules list --------------------------------------------------------------------------------
async def test_lists_the_default_rules_in_order_in_words(rules):
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        table = screen.query_one("#rules")
        assert table.row_count == 8
        assert [cell(screen, n, 1) for n in range(8)] == names(rules)
        assert cell(screen, 0, 0) == "1" and cell(screen, 0, 2) == "off" and cell(screen, 0, 4) == "not run"
        assert cell(screen, 0, 5) == "flag, label spam"
        # (cut to the column with an ellipsis when the terminal is narrow: the detail shows it whole)
        assert cell(screen, 0, 6) == cut("≥ 4 links or (a link + keywords spam)", screen._columns["conditions"])
        assert cell(screen, 4, 6) == "account < 3 days old + a link"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ModerationScreen)


async def test_editing_a_rule_as_toml_stores_it_and_makes_its_dry_run_stale(rules):
    dry_run(rules, "vulgarity")
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        put_cursor(screen, "vulgarity")
        assert cell(screen, 2, 4).startswith("✓")
        await pilot.press("E")  # (enter opens the form: E the TOML)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RuleEditor)
        area = dialog.query_one("#rule-toml")
        assert 'lists = ["vulgar"]' in area.text
        area.text = area.text.replace('lists = ["vulgar"]', 'words = ["heck", "darn"]').replace(
            "enabled = false", "enabled = true")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        stored = rules.rules.get("vulgarity")
        assert stored["conditions"] == [{"type": "keywords", "words": ["heck", "darn"]}]
        assert stored["enabled"] is False  # asked for, but its dry-run no longer vouches for it
        assert names(rules)[2] == "vulgarity"
        assert cell(screen, 2, 4) == "stale" and cell(screen, 2, 6) == "words “heck”, “darn”"
        assert "left off" in app.notes[-1]["message"] and app.notes[-1]["markup"] is False


async def test_a_new_rule_goes_last_and_a_renamed_one_keeps_its_place(rules):
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#rf-name").value = "crypto"
        app.screen.query_one("#rf-words").value = "crypto"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert names(rules)[-1] == "crypto" and screen.current()["name"] == "crypto"
        put_cursor(screen, "flood")
        await pilot.press("e")  # the form (a flood rule fits it)
        await pilot.pause()
        app.screen.query_one("#rf-name").value = "floods"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert names(rules)[1] == "floods" and "flood" not in names(rules)


BAD = [  # (what the text becomes, what the dialog says)
    (lambda t: t.replace('{ type = "keywords", lists = ["vulgar"] }', '{ type = "regex", pattern = "(a+)+" }'),
     "backtracks catastrophically"),
    (lambda t: t.replace('{ type = "keywords", lists = ["vulgar"] }', '{ type = "regex", pattern = "(unclosed" }'),
     "does not compile"),
    (lambda t: t.replace('"keywords"', '"sentiment"'), "unknown condition 'sentiment'"),
    (lambda t: t.replace("]\nactions", "\nactions"), "not valid TOML"),
    (lambda t: t + t.replace("vulgarity", "other"), "exactly one [[rule]]"),
    (lambda t: t.replace('"vulgarity"', '"flood"'), "a rule named 'flood' already exists"),
]


async def test_a_bad_rule_shows_the_error_in_the_dialog_and_stores_nothing(rules):
    before = rules.rules.list()
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        put_cursor(screen, "vulgarity")
        await pilot.press("E")
        await pilot.pause()
        dialog = app.screen
        area = dialog.query_one("#rule-toml")
        original = area.text
        for change, message in BAD:
            area.text = change(original)
            assert area.text != original
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is dialog and area.text == change(original)  # still open, the text as typed
            assert message in dialog.query_one("#rule-editor-status").content.plain
            assert rules.rules.list() == before
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and rules.rules.list() == before


# -- dry-run and switching on -----------------------------------------------------------------------
async def test_a_dry_run_counts_like_the_engine_fills_the_bar_and_lists_what_it_caught(rules):
    save_rule(rules, SPANISH)
    expected = dry_run(rules, "spanish", record=False)
    assert expected.matched > 0
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        put_cursor(screen, "spanish")
        await pilot.press("t")
        assert await wait_for(pilot, lambda: screen.dry_run_result is not None)
        result = screen.dry_run_result
        assert (result.matched, result.total) == (expected.matched, expected.total) == (expected.matched, 250)
        bar = screen.query_one("#dry-run-progress")
        assert bar.total == 250 and bar.progress == 250
        assert f"caught {expected.matched} of 250" in screen.query_one("#dry-run-result").content.plain
        samples = screen.query_one("#dry-run-samples")
        assert samples.row_count == min(50, expected.matched)
        first = rules.inbox.get(expected.sample_ids[0])
        when, author, text = samples.get_row_at(0)
        assert all(isinstance(v, Text) for v in (when, author, text))
        assert (author.plain, text.plain) == (first["author"], first["text"])
        assert cell(screen, screen.query_one("#rules").cursor_row, 4) == f"✓ {expected.matched} of 250"
        assert rules.rules.stamp("spanish")["matched"] == expected.matched  # recorded by the UI's store


async def test_switching_on_is_refused_without_a_dry_run_and_allowed_after(rules):
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        await pilot.press("space")
        await pilot.pause()
        assert rules.rules.get("spam-links")["enabled"] is False
        [refused] = errors(app)
        assert "dry-run" in refused["message"] and refused["markup"] is False
        await pilot.press("t")
        assert await wait_for(pilot, lambda: screen.dry_run_result is not None)
        await pilot.press("space")
        await pilot.pause()
        assert rules.rules.get("spam-links")["enabled"] is True and cell(screen, 0, 2) == "on"
        await pilot.press("space")
        await pilot.pause()
        assert rules.rules.get("spam-links")["enabled"] is False
        assert len(errors(app)) == 1


async def test_esc_stops_a_running_dry_run_and_nothing_is_recorded(rules, monkeypatch):
    import cmtui.tui.screens.rules_editor as module

    def slow(store, rule, progress=None, **kwargs):  # a big history, as seen from the screen
        for done in range(0, 100_000, 1000):
            progress(done, 100_000)
            time.sleep(0.05)  # (a batch of real work: the UI gets its turn between reports)
        raise AssertionError("not stopped")

    monkeypatch.setattr(module, "dry_run", slow)
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        await pilot.press("t")
        bar = screen.query_one("#dry-run-progress")
        assert await wait_for(pilot, lambda: (bar.progress or 0) > 0)
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not screen.running)
        assert "Stopped" in screen.query_one("#dry-run-result").content.plain
        assert rules.rules.stamp("spam-links") is None and app.screen is screen
        await pilot.press("escape")  # closes the results
        await pilot.pause()
        assert not screen.has_class("dry-run") and app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ModerationScreen)


# -- order, deleting, files ------------------------------------------------------------------------
async def test_rules_move_up_and_down(rules):
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        await pilot.press("J")
        await pilot.pause()
        assert names(rules)[:3] == ["flood", "spam-links", "vulgarity"]
        assert screen.current()["name"] == "spam-links" and cell(screen, 1, 1) == "spam-links"
        await pilot.press("shift+down", "shift+down")
        await pilot.pause()
        assert names(rules)[3] == "spam-links"
        await pilot.press("shift+up", "K", "K", "K")  # the last one is past the top: nothing
        await pilot.pause()
        assert names(rules)[:2] == ["spam-links", "flood"]


async def test_delete_asks_first(rules):
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        put_cursor(screen, "flood")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert "flood" in names(rules)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "flood" not in names(rules) and screen.query_one("#rules").row_count == 7


async def answer(app, pilot, key: str, value: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    app.screen.query_one("Input").value = value
    await pilot.press("enter")
    await pilot.pause()


async def test_export_and_import_and_a_bad_file_changes_nothing(rules, tmp_path):
    (tmp_path / "bad.toml").write_text('[[rule]]\nname = "x"\nconditions = [{ type = "regex", pattern = "(a*)*" }]\n'
                                       'actions = [{ type = "flag" }]\n', encoding="utf-8")
    (tmp_path / "one.toml").write_text('[[rule]]\nname = "only"\nenabled = true\nconditions = [{ type = "link" }]\n'
                                       'actions = [{ type = "flag" }]\n', encoding="utf-8")
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, RulesEditorScreen())
        await answer(app, pilot, "x", str(tmp_path / "out.toml"))
        assert (tmp_path / "out.toml").read_text(encoding="utf-8") == export_toml(rules)
        before = rules.rules.list()
        for bad in ("bad.toml", "missing.toml"):
            await answer(app, pilot, "i", str(tmp_path / bad))
            assert rules.rules.list() == before and "Nothing changed" in app.notes[-1]["message"]
        assert "catastrophically" in errors(app)[0]["message"] and len(errors(app)) == 2
        await answer(app, pilot, "i", str(tmp_path / "one.toml"))
        assert names(rules) == ["only"] and screen.query_one("#rules").row_count == 1
        assert rules.rules.get("only")["enabled"] is False and "Left off until a dry-run" in app.notes[-1]["message"]


# -- guidelines ------------------------------------------------------------------------------------
def with_instance_rules(store) -> None:
    limits = {"max_chars": 500, "rules": [{"id": "1", "text": "[bold red]No spam[/] or ads", "hint": ""},
                                          {"id": "2", "text": "Be kind", "hint": "No harassment."}]}
    with store.transaction():
        store.conn.execute("UPDATE accounts SET limits = ? WHERE name = 'tidewater'", (json.dumps(limits),))


def guideline_titles(store) -> list[str]:
    return [g["title"] for g in store.members.guidelines()]


async def test_guidelines_add_and_edit(store):
    store.members.add_guideline("Be kind", "No insults, no harassment.")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, GuidelinesScreen())
        assert "no published rules" in screen.query_one("#instance-rules").content.plain
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")  # no title: refused in the dialog
        await pilot.pause()
        assert isinstance(app.screen, GuidelineEditor) and guideline_titles(store) == ["Be kind"]
        assert "needs a title" in app.screen.query_one("#guideline-status").content.plain
        app.screen.query_one("#guideline-title").value = "No spam"
        app.screen.query_one("#guideline-body").text = "Links to your own shop are removed."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert guideline_titles(store) == ["Be kind", "No spam"]
        assert store.members.guideline(2)["body"] == "Links to your own shop are removed."
        assert screen.current()["title"] == "No spam"
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#guideline-title").value = "No spam, no ads"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert guideline_titles(store) == ["Be kind", "No spam, no ads"]


async def test_guidelines_move_and_delete(store):
    store.members.add_guideline("Be kind", "No insults, no harassment.")
    store.members.add_guideline("No spam, no ads", "Links to your own shop are removed.")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, GuidelinesScreen())
        await pilot.press("down", "K")
        await pilot.pause()
        assert guideline_titles(store) == ["No spam, no ads", "Be kind"] and screen.current()["position"] == 1
        assert store.members.guideline(1)["body"] == "Links to your own shop are removed."
        await pilot.press("d", "n")
        await pilot.pause()
        assert len(guideline_titles(store)) == 2
        await pilot.press("d", "y")
        await pilot.pause()
        assert guideline_titles(store) == ["Be kind"] and store.members.guideline(1)["position"] == 1


async def test_the_instance_rules_are_shown_literally_beside_the_guidelines(store):
    with_instance_rules(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, GuidelinesScreen())
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(screen.query_one("#instance-rules").content)
        shown = console.export_text()
        assert "tidewater\n" in shown and "[bold red]No spam[/] or ads" in shown and "No harassment." in shown
        assert "tidewater_es" not in shown


async def test_moderation_mode_opens_both_screens(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "e")
        await pilot.pause()
        assert isinstance(app.screen, RulesEditorScreen)
        await pilot.press("q")  # q leaves the page, not the app
        await pilot.pause()
        assert isinstance(app.screen, ModerationScreen)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GuidelinesScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ModerationScreen)


# -- what they look like ------------------------------------------------------------------------------
@pytest.fixture
def snap_store(tmp_path):
    store = build_store(tmp_path / "snap.db")
    seed_rules(store)
    save_rule(store, SPANISH)
    store.members.add_guideline("Be kind", "No insults, no harassment, no pile-ons. Disagree with ideas, not people.")
    store.members.add_guideline("No spam", "Links to your own shop or channel are removed.")
    store.members.add_guideline("Stay on topic", "Tidewater Notes, note taking, and the tools around them.")
    with_instance_rules(store)
    yield store
    store.close()


def push(screen_class, *keys):
    async def run_before(pilot):
        await pilot.press("3")
        await pilot.pause()
        pilot.app.push_screen(screen_class())
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return run_before


def test_snapshot_rules_editor(snap_compare, snap_store):
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, run_before=push(RulesEditorScreen), terminal_size=SIZE)


def test_snapshot_rule_edit_dialog(snap_compare, snap_store):
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, run_before=push(RulesEditorScreen, "e"), terminal_size=SIZE)


def test_snapshot_finished_dry_run(snap_compare, snap_store):
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, run_before=push(RulesEditorScreen, *["down"] * 8, "t"),
                        terminal_size=SIZE)


def test_snapshot_guidelines(snap_compare, snap_store):
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, run_before=push(GuidelinesScreen), terminal_size=SIZE)

