"""Every mode, its help and its palette in every language: nothing of the catalog left in
English on screen, at the full size and at 80x24; and no text in the code that skips the
catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmtui import i18n, locale_tools
from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store
from i18n_screen import english_left, screen_lines
from tui_helpers import wait_for

LANGUAGES = ("es", "fr", "sl")
MODES = ("1", "2", "3", "4", "5")


@pytest.fixture
def store(tmp_path):
    s = build_store(tmp_path / "modes.db")
    yield s
    s.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_mode_speaks_the_language(store, language, size):
    i18n.set_language(language)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        for key in MODES:
            await pilot.press(key)
            await wait_for(pilot, lambda: not getattr(app.screen, "counting", False), tries=60)
            await pilot.pause()
            lines = screen_lines(app)
            assert english_left(lines, language) == [], (key, "\n".join(lines))
            await pilot.press("question_mark")
            await pilot.pause()
            assert english_left(screen_lines(app), language) == [], (key, "help")
            await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        lines = screen_lines(app)
        assert english_left(lines, language) == [], "\n".join(lines)


def test_the_key_bar_keeps_its_keys_in_every_language(store):
    """Key bindings are the same in every language: only the words change."""
    from cmtui.tui.screens.inbox import InboxScreen

    keys = [binding.key for binding in InboxScreen.BINDINGS]
    for language in LANGUAGES:
        i18n.set_language(language)
        assert [binding.key for binding in InboxScreen.BINDINGS] == keys


# Files whose words are data, not the interface: the synthetic community, the catalog tool.
_DATA = {"generate.py", "locale_tools.py", "demo_data.py"}


def test_no_text_in_the_code_skips_the_catalog():
    root = Path(locale_tools.PACKAGE_DIR)
    found = [str(hit) for path in sorted(root.rglob("*.py")) if path.name not in _DATA
             for hit in locale_tools.unmarked(path)]
    assert found == [], f"{len(found)} strings read like words but are not marked:\n" + "\n".join(found[:60])
