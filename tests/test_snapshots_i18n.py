"""The inbox in other languages, as pictures: Spanish at 120x40, Slovenian (long words, four
plural forms) at 80x24. The language is chosen before the app is built, as cmtui's start does.

Update after an intended change with: pytest tests/test_snapshots_i18n.py --snapshot-update
"""

from __future__ import annotations

import pytest

from cmtui import i18n
from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store


@pytest.fixture
def store(tmp_path):
    s = build_store(tmp_path / "snap.db")
    yield s
    s.close()


def test_inbox_in_spanish(snap_compare, store):
    i18n.set_language("es")
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["j", "j"], terminal_size=(120, 40))


def test_inbox_in_slovenian_at_80x24(snap_compare, store):
    i18n.set_language("sl")
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["j", "j"], terminal_size=(80, 24))
