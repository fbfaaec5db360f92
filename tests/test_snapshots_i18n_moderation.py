"""What the Moderation and Metrics modes look like in another language (pytest-textual-snapshot):
the moderation queue in French at 120x40 (an instance report highlighted), the metrics panel
in Slovenian at 80x24.

Update after an intended change with: pytest tests/test_snapshots_i18n_moderation.py --snapshot-update
"""

from __future__ import annotations

from cmtui import i18n
from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from factory import NOW
from test_moderation_tui import snap_store  # noqa: F401 (the fixture: people and an instance report)


def test_moderation_in_french_120x40(snap_compare, snap_store):
    i18n.set_language("fr")  # before the app is built, as the settings would
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["3", "space", "down", "down", "down"], terminal_size=(120, 40))


def test_metrics_in_slovenian_80x24(snap_compare, snap_store):
    i18n.set_language("sl")
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)

    async def drawn(pilot):  # the figures come from worker threads: wait for them
        await pilot.press("4")
        for _ in range(100):
            await pilot.pause(0.05)
            if not pilot.app.screen.counting:
                break
        await pilot.pause()

    assert snap_compare(app, run_before=drawn, terminal_size=(80, 24))
