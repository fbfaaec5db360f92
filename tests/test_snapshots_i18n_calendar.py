"""The calendar in French and the composer in Slovenian (pytest-textual-snapshot): the locale's
weekday headings and dates, and labels that keep their meaning in the longer languages.

Update after an intended change with: pytest tests/test_snapshots_i18n_calendar.py --snapshot-update
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


def test_month_in_french_at_120x40(snap_compare, app, language):
    language("fr")
    assert snap_compare(app, press=["1"], terminal_size=(120, 40))


def test_composer_in_slovenian_at_80x24(snap_compare, app, language):
    language("sl")
    assert snap_compare(app, press=["1", "l", "c", *"Nasveti za konec tedna"], terminal_size=(80, 24))
