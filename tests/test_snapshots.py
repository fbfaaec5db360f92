"""What each mode looks like, on the fixed test community (pytest-textual-snapshot).

Update after an intended change with: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store


@pytest.fixture
def app(tmp_path):
    store = build_store(tmp_path / "snap.db")
    yield CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    store.close()


def test_inbox_mode(snap_compare, app):
    assert snap_compare(app, press=["j", "j"], terminal_size=(120, 36))


def test_calendar_mode(snap_compare, app):
    assert snap_compare(app, press=["1"], terminal_size=(120, 36))


def test_moderation_mode(snap_compare, app):
    assert snap_compare(app, press=["3"], terminal_size=(120, 36))


def test_metrics_mode(snap_compare, app):
    assert snap_compare(app, press=["4"], terminal_size=(120, 36))


def test_help(snap_compare, app):
    assert snap_compare(app, press=["question_mark"], terminal_size=(120, 36))


def test_snooze_dialog(snap_compare, app):
    assert snap_compare(app, press=["s"], terminal_size=(120, 36))


def test_reply_composer(snap_compare, app):
    assert snap_compare(app, press=["r", *"thanks, fixed in 4.2"], terminal_size=(120, 36))
