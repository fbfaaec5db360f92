"""What conflict marks look like (pytest-textual-snapshot): two posts of one account 40
minutes apart in the month grid, the day list and the detail's reason.

Update after an intended change with: pytest tests/test_snapshots_conflicts.py --snapshot-update
"""

from __future__ import annotations

import pytest

from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store


@pytest.fixture
def app(tmp_path):
    store = build_store(tmp_path / "snap.db")
    store.entries.add(store.accounts.get("tidewater").id, "Follow-up", "scheduled", who="ana",
                      scheduled_at="2026-11-24T12:40:00Z")
    store.conn.execute("UPDATE entry_transitions SET at = '2026-11-13T12:00:00Z'")  # a fixed history
    yield CmtuiApp(store, Settings(timezone="UTC", max_posts_per_day=1), clock=lambda: NOW)
    store.close()


def test_calendar_conflict_marks(snap_compare, app):
    assert snap_compare(app, press=["1", *"llll", "enter", "j"], terminal_size=(120, 44))
