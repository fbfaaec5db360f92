"""The calendar composer with images attached, one still without alt text (pytest-textual-snapshot).

Update after an intended change with: pytest tests/test_snapshots_media.py --snapshot-update
"""

from __future__ import annotations

from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store
from media_files import gif, png


def test_calendar_composer_with_media(snap_compare, tmp_path):
    store = build_store(tmp_path / "snap.db")
    first, second = png(tmp_path / "a.png"), gif(tmp_path / "b.gif")
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)

    async def attach(pilot):
        from textual.widgets import Input

        await pilot.press("1", "l", "c", *"Photos from the meetup")
        composer = pilot.app.screen
        for path, alt in ((first, "Twelve people around a table"), (second, "")):
            composer.query_one("#media-path", Input).value = str(path)
            composer.query_one("#media-alt", Input).value = alt
            composer.query_one("#media-alt", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
        composer.query_one("#media-path", Input).focus()
        await pilot.pause()

    try:
        assert snap_compare(app, run_before=attach, terminal_size=(120, 46))
    finally:
        store.close()
