"""Pilot and snapshot tests of the rules form (dialogs/rule_form.py): a common rule without
TOML, its dry-run beside it following the form, the form for a rule it fits and TOML for the
others.

Update the snapshot after an intended change with:
    pytest tests/test_rule_form_tui.py --snapshot-update
"""

from __future__ import annotations

import pytest

from cmtui.config import Settings
from cmtui.moderation.engine import dry_run, dry_run_is_current
from cmtui.moderation.toml_io import seed_rules
from cmtui.tui.app import CmtuiApp
from cmtui.tui.dialogs.rule_editor import RuleEditor
from cmtui.tui.dialogs.rule_form import RuleFormDialog
from cmtui.tui.screens.rules_editor import RulesEditorScreen
from factory import NOW, build_store
from test_rules_editor_tui import make_app, open_screen, put_cursor, rules  # noqa: F401 (rules: a fixture)
from tui_helpers import wait_for

SIZE = (120, 36)
CAUGHT = 63  # the factory's items asking how to export (one in four of 250)


async def open_rules(app, pilot) -> RulesEditorScreen:
    return await open_screen(app, pilot, RulesEditorScreen())


async def new_form(app, pilot) -> RuleFormDialog:
    """The rules editor, then n: the form for a new rule."""
    await open_rules(app, pilot)
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, RuleFormDialog)
    return app.screen


def shown(dialog) -> str:
    return dialog.query_one("#rf-dry-result").content.plain


async def test_a_words_rule_made_in_the_form_with_its_dry_run_beside_it(rules):
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rules(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RuleFormDialog)
        assert "Waiting for a complete rule" in shown(dialog)  # no words yet
        assert "pick a word list or type some words" in dialog.query_one("#rf-error").content.plain
        dialog.query_one("#rf-name").value = "how-to"
        dialog.query_one("#rf-words").value = "export"
        assert await wait_for(pilot, lambda: dialog.preview is not None)
        assert f"caught {CAUGHT} of 250 items" in shown(dialog) and f"flag: {CAUGHT}" in shown(dialog)
        samples = dialog.query_one("#rf-dry-samples").content.plain
        assert "How do I export my notes" in samples and f"and {CAUGHT - 4} more" in samples
        assert rules.rules.get("how-to") is None  # nothing stored while trying
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        rule = rules.rules.get("how-to")
        assert rule["conditions"] == [{"type": "keywords", "words": ["export"]}] and rule["match"] == "all"
        assert rule["actions"] == [{"type": "flag"}] and rule["enabled"] is False
        assert rules.rules.stamp("how-to")["matched"] == CAUGHT  # the form's dry-run vouches for it
        assert screen.current()["name"] == "how-to"
        await pilot.press("space")  # so it may be switched on at once
        await pilot.pause()
        assert rules.rules.get("how-to")["enabled"] is True


async def test_the_dry_run_follows_the_form_and_an_unreadable_field_is_named(rules):
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await new_form(app, pilot)
        dialog.query_one("#rf-words").value = "export"
        assert await wait_for(pilot, lambda: dialog.preview is not None and dialog.preview[1].matched == CAUGHT)
        dialog.query_one("#rf-kind").value = "flood"
        dialog.query_one("#rf-flood-count").value = "two"
        assert await wait_for(pilot, lambda: "is not a number" in dialog.query_one("#rf-error").content.plain)
        assert "Waiting for a complete rule" in shown(dialog) and dialog.preview is None
        dialog.query_one("#rf-kind").value = "words"
        dialog.query_one("#rf-words").value = "export, merci"
        assert await wait_for(pilot, lambda: dialog.preview is not None)
        assert dialog.preview[1].matched == 2 * CAUGHT - 1  # (250 items: one fewer "Merci")
        assert dialog.query_one("#rf-error").content.plain == ""


async def test_typing_restarts_the_dry_run_and_only_the_last_one_shows(rules, monkeypatch):
    """Each pause starts one run; a run the form has moved on from is stopped, never shown."""
    import cmtui.tui.dialogs.rule_form as module

    started = []
    real = module.dry_run

    def counted(store, rule, **kwargs):
        started.append(rule["conditions"][0]["words"])
        return real(store, rule, **kwargs)

    monkeypatch.setattr(module, "dry_run", counted)
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await new_form(app, pilot)
        dialog.query_one("#rf-words").focus()
        await pilot.press(*"merci")  # usually quicker than the pause: one run, for the whole word
        # (a loaded machine may pause mid-word and start a run for "m": that run is stopped or
        # dropped, and only the whole word's result is shown)
        assert await wait_for(pilot, lambda: started and started[-1] == ["merci"] and dialog.preview is not None)
        assert dialog.preview[1].matched == CAUGHT - 1


async def test_an_existing_rule_the_form_fits_opens_in_it_and_saves_unchanged(rules):
    dry_run(rules, "shouting")
    before = rules.rules.get("shouting")
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rules(app, pilot)
        put_cursor(screen, "shouting")
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RuleFormDialog)
        assert dialog.query_one("#rf-kind").value == "shouting"
        assert (dialog.query_one("#rf-caps-percent").value, dialog.query_one("#rf-caps-min-letters").value) == ("80", "20")
        assert dialog.query_one("#rf-actions").selected == ["label"] and dialog.query_one("#rf-label").value == "shouting"
        assert dialog.query_one("#rf-kind-words").display is False and dialog.query_one("#rf-kind-shouting").display
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and rules.rules.get("shouting") == before
        assert dry_run_is_current(rules, before)


async def test_a_rule_the_form_cannot_show_opens_in_toml(rules):
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rules(app, pilot)
        put_cursor(screen, "spam-links")  # any of two conditions, one of them a group
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, RuleEditor) and 'name = "spam-links"' in app.screen.query_one("#rule-toml").text


async def test_ctrl_t_goes_on_in_toml_with_the_rule_so_far(rules):
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rules(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#rf-name").value = "crypto"
        app.screen.query_one("#rf-words").value = "bitcoin, nft"
        await pilot.press("ctrl+t")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, RuleEditor)
        text = editor.query_one("#rule-toml").text
        assert 'name = "crypto"' in text and 'words = ["bitcoin", "nft"]' in text
        editor.query_one("#rule-toml").text = text.replace('match = "all"', 'match = "any"').replace(
            'conditions = [{ type = "keywords", words = ["bitcoin", "nft"] }]',
            'conditions = [\n  { type = "keywords", words = ["bitcoin", "nft"] },\n  { type = "links", min = 3 },\n]')
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and rules.rules.get("crypto")["match"] == "any"


async def test_a_name_taken_is_refused_in_the_form_and_nothing_is_stored(rules):
    before = rules.rules.list()
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await new_form(app, pilot)
        dialog.query_one("#rf-name").value = "flood"
        dialog.query_one("#rf-words").value = "export"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and "already exists" in dialog.query_one("#rf-error").content.plain
        await pilot.press("escape")
        await pilot.pause()
        assert rules.rules.list() == before


async def test_hostile_text_in_the_samples_is_shown_literally(rules):
    rules.conn.execute("UPDATE inbox_items SET text = '[bold red]export[/] \x1b[31mnow', author = '[link=x]me[/link]'")
    app = make_app(rules)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await new_form(app, pilot)
        dialog.query_one("#rf-words").value = "export"
        assert await wait_for(pilot, lambda: dialog.preview is not None)
        samples = dialog.query_one("#rf-dry-samples").content.plain
        assert "[bold red]export[/]" in samples and "[link=x]me[/link]" in samples and "\x1b" not in samples


# -- what it looks like --------------------------------------------------------------------------------
@pytest.fixture
def snap_store(tmp_path):
    store = build_store(tmp_path / "snap.db")
    seed_rules(store)
    yield store
    store.close()


def test_snapshot_rule_form_with_its_dry_run(snap_compare, snap_store):
    async def run_before(pilot):
        await pilot.press("3")
        await pilot.pause()
        pilot.app.push_screen(RulesEditorScreen())
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        dialog = pilot.app.screen
        dialog.query_one("#rf-name").value = "how-to"
        dialog.query_one("#rf-words").value = "export, markdown"
        assert await wait_for(pilot, lambda: dialog.preview is not None)
        await pilot.pause()

    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
