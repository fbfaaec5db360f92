"""What the post preview looks like: a 2-part thread with a content warning (folded) and an
image with its alt text, and the composer's counter per part (pytest-textual-snapshot).

Update after an intended change with: pytest tests/test_snapshots_threads.py --snapshot-update
"""

from __future__ import annotations

import pytest

from cmtui.config import Settings
from cmtui.sync.connectors import profile_for
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store


@pytest.fixture
def app(tmp_path):
    store = build_store(tmp_path / "snap.db")
    yield CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    store.close()


def test_post_preview_of_a_thread(snap_compare, app):
    from cmtui.tui.dialogs.post_preview import PostPreview, preview_of

    async def show(pilot):
        account = pilot.app.store.accounts.get("tidewater")
        preview = preview_of("Release day for @ada@social.example: https://example.org/release\n---\n"
                             "Thanks to everyone who tested it!", account, profile_for(account.platform),
                             "Sat 21 Nov 2026, 10:30", "launch details",
                             [{"file": "chart.png", "alt": "A chart of downloads rising in November", "part": 1}])
        await pilot.app.push_screen(PostPreview(preview))
        await pilot.pause()

    assert snap_compare(app, run_before=show, terminal_size=(100, 30))


def test_post_preview_unfolded(snap_compare, app):
    from cmtui.tui.dialogs.post_preview import PostPreview, preview_of

    async def show(pilot):
        account = pilot.app.store.accounts.get("tidewater")
        preview = preview_of("Release day for @ada@social.example: https://example.org/release\n---\n"
                             "Thanks to everyone who tested it!", account, profile_for(account.platform),
                             "Sat 21 Nov 2026, 10:30", "launch details",
                             [{"file": "chart.png", "alt": "A chart of downloads rising in November", "part": 1}])
        await pilot.app.push_screen(PostPreview(preview))
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(app, run_before=show, terminal_size=(100, 30))


def test_composer_counts_each_part(snap_compare, app):
    async def typed(pilot):
        await pilot.press("1", "l", "c", *"Part one of the news")
        await pilot.press("ctrl+enter", *"Part two")
        await pilot.pause()

    assert snap_compare(app, run_before=typed, terminal_size=(120, 44))
