"""What a team member sees (pytest-textual-snapshot): Luka's reply composer on an item Ana is
answering, with the status line's counts of what is his to do.

Update after an intended change with: pytest tests/test_snapshots_team.py --snapshot-update
"""

from __future__ import annotations

from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store


def test_reply_composer_warns_that_a_teammate_is_replying(snap_compare, tmp_path):
    store = build_store(tmp_path / "team.db")
    def item(number: int) -> int:  # the test community's items end with "(#N)"; #0 is on top
        return store.conn.execute("SELECT id FROM inbox_items WHERE text LIKE ?", (f"%(#{number})",)).fetchone()[0]

    store.presence.begin(item(0), "Ana", now=NOW)  # Ana opened the composer on the top item
    with store.transaction():
        store.conn.executemany("UPDATE inbox_items SET assignee = 'Luka' WHERE id = ?", [(item(1),), (item(2),)])
    settings = Settings(timezone="UTC", user="Luka", teammates=["Ana", "Luka", "Marie"], approvers=["Luka"])
    app = CmtuiApp(store, settings, clock=lambda: NOW)
    try:
        assert snap_compare(app, press=["r", *"on it"], terminal_size=(120, 36))
    finally:
        store.close()
