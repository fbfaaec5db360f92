"""The inbox with the status line's live part (pytest-textual-snapshot): one account whose
new items arrive live, one polling every 60 s (its server would not stream).

Update after an intended change with: pytest tests/test_snapshots_live.py --snapshot-update
"""

from __future__ import annotations

from cmtui.config import Settings
from cmtui.sync.live import POLL, PUSH, LiveStatus
from cmtui.tui.app import CmtuiApp
from cmtui.tui.widgets.status_line import StatusLine
from factory import NOW, build_store
from test_live_tui import FakeEngine


def test_inbox_with_the_live_status_line(snap_compare, tmp_path):
    store = build_store(tmp_path / "live.db")
    engine = FakeEngine({"tidewater": LiveStatus(PUSH), "tidewater_es": LiveStatus(POLL, 60)})
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW, engine=engine)

    async def settled(pilot) -> None:
        await pilot.pause()
        app.screen.query_one(StatusLine).refresh_status()
        await pilot.pause()

    try:
        assert snap_compare(app, run_before=settled, terminal_size=(160, 30))
    finally:
        store.close()
