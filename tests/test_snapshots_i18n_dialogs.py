"""What two dialogs look like in another language (pytest-textual-snapshot): the welcome in
Spanish at 120x40, the rule form in French at 80x24 (the longest language on the smallest
screen). Each over a blank screen: the screen behind a dialog is another part's to translate.

Update after an intended change with:
    pytest tests/test_snapshots_i18n_dialogs.py --snapshot-update
"""

from __future__ import annotations

import pytest
from textual.screen import Screen

from cmtui.config import Settings
from cmtui.moderation.toml_io import seed_rules
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store
from tui_helpers import wait_for


@pytest.fixture
def store(tmp_path):
    store = build_store(tmp_path / "snap.db")
    seed_rules(store)
    yield store
    store.close()


def test_welcome_in_spanish_at_120x40(snap_compare, store, language):
    from cmtui.tui.dialogs.welcome import WelcomeDialog

    language("es")

    async def run_before(pilot):
        pilot.app.push_screen(Screen())
        pilot.app.push_screen(WelcomeDialog("comunidad.db"))
        await pilot.pause()

    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, run_before=run_before, terminal_size=(120, 40))


def test_rule_form_in_french_at_80x24(snap_compare, store, language):
    from cmtui.tui.dialogs.rule_form import RuleFormDialog

    language("fr")

    async def run_before(pilot):
        pilot.app.push_screen(Screen())
        pilot.app.push_screen(RuleFormDialog(store))
        await pilot.pause()
        dialog = pilot.app.screen
        dialog.query_one("#rf-name").value = "spam-liens"
        dialog.query_one("#rf-kind").value = "flood"
        assert await wait_for(pilot, lambda: dialog.preview is not None)
        await pilot.pause()

    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
