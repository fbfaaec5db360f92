"""What the first screen pays for: start-up (issue 20) keeps the sync's and the other
screens' modules out, and the row text's measuring fast without changing what it measures."""

from __future__ import annotations

import random
import subprocess
import sys

from cmtui import text
from cmtui.store import Store


def test_the_first_screen_imports_neither_the_sync_nor_the_other_repositories():
    code = (
        "import sys, cmtui.cli, cmtui.tui.app, cmtui.tui.screens.inbox\n"
        "from cmtui.store import Store\n"
        "store = Store.open(sys.argv[1])\n"
        "store.inbox.state_counts(), store.accounts.list()\n"
        "later = ['cmtui.sync.connectors.base', 'cmtui.sync.engine', 'cmtui.store.entries',"
        " 'cmtui.store.moderation', 'cmtui.store.metrics', 'cmtui.store.ingest', 'cmtui.store.rules']\n"
        "loaded = [m for m in later if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([sys.executable, "-c", code, str(Path(tmp) / "s.db")], capture_output=True,
                                text=True)
    assert result.returncode == 0, result.stderr


def test_a_repository_is_built_once_per_store_on_its_connection(tmp_path):
    store = Store.open(tmp_path / "s.db")
    other = Store.open(tmp_path / "s.db")
    try:
        assert store.inbox is store.inbox
        assert store.inbox.conn is store.conn
        assert other.inbox is not store.inbox
        assert store.entries.conn is store.conn  # one imported later works the same
    finally:
        store.close()
        other.close()


def _walked_cut(value: str, width: int, marker: str = "…") -> str:
    """cut() as the grapheme walk computes it, for any text."""
    if width <= 0:
        return ""

    def width_of(t: str) -> int:
        return sum(text.cluster_width(c) for c in text.graphemes(t))

    if width_of(value) <= width:
        return value
    room, used, kept = width - width_of(marker), 0, []
    for cluster in text.graphemes(value):
        if used + text.cluster_width(cluster) > room:
            break
        kept.append(cluster)
        used += text.cluster_width(cluster)
    return "".join(kept).rstrip().rstrip("…").rstrip() + marker


def test_latin_text_is_measured_and_cut_as_the_grapheme_walk_does():
    rng = random.Random(20)
    alphabet = " aZé…ñ¡ʃÿ\u00a0.-ǅ" + "\u0301"  # the combining accent takes the walk
    for _ in range(3000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        width = rng.randint(-1, 26)
        for marker in ("…", "...", "→"):
            assert text.cut(value, width, marker) == _walked_cut(value, width, marker), (value, width, marker)
        assert text.display_width(value) == sum(text.cluster_width(c) for c in text.graphemes(value))
    assert text.fit("¡Qué señal!", 7) == "¡Qué s…"
    assert text.fit("e\u0301te", 5) == "e\u0301te  "  # (4 characters, 3 cells)


def test_the_collector_rests_during_start_up_and_is_back_after_it(tmp_path, monkeypatch):
    """run_tui pauses garbage collection until the app's first frame (CmtuiApp turns it back
    on), and turns it back on itself if the app ends, or fails, before that."""
    import gc

    import pytest

    import cmtui.tui.app as app_module
    from cmtui.cli import run_tui
    from cmtui.config import Settings

    seen = []

    class Fake:
        def __init__(self, store, settings, engine=None):
            pass

        def run(self):
            seen.append(gc.isenabled())
            if len(seen) == 2:
                raise RuntimeError("the app failed")

    monkeypatch.setattr(app_module, "CmtuiApp", Fake)
    store = Store.open(tmp_path / "s.db")
    try:
        assert run_tui(store, Settings(), sync=False) == 0
        assert gc.isenabled()
        with pytest.raises(RuntimeError):
            run_tui(store, Settings(), sync=False)
        assert gc.isenabled()
    finally:
        store.close()
        gc.enable()
    assert seen == [False, False]


async def test_the_app_freezes_what_start_up_built_and_collects_again_after_its_first_frame(tmp_path):
    import gc

    from cmtui.config import Settings
    from cmtui.tui.app import CmtuiApp

    import weakref

    class Node:
        pass

    store = Store.open(tmp_path / "s.db")
    gc.disable()  # as run_tui leaves it
    try:
        garbage = Node()
        garbage.me = garbage  # a cycle start-up dropped: collected, not frozen for good
        gone = weakref.ref(garbage)
        del garbage
        app = CmtuiApp(store, Settings())
        async with app.run_test() as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
            assert gone() is None
    finally:
        gc.enable()
        gc.unfreeze()
        store.close()


def test_plain_english_numbers_and_times_are_what_babel_writes():
    """The inbox's counts and times skip loading Babel in English (~30 ms of start-up): for
    every English locale that takes that path, the result is Babel's own, and other
    languages (or English written otherwise, en_IN's 1,00,000) still go through Babel."""
    from datetime import datetime, time

    from babel.dates import format_skeleton
    from babel.numbers import format_decimal

    from cmtui import i18n, l10n

    try:
        for territory in i18n._PLAIN_ENGLISH:
            i18n.set_language("en", territory)
            assert i18n.plain_english()
            locale = i18n.babel_locale()
            for value in (0, 7, 999, 1000, -1234, 1234567, 10**12):
                assert l10n.number(value) == format_decimal(value, locale=locale)
            for moment in (datetime(2026, 1, 1, 9, 5), time(23, 59), datetime(2026, 1, 1, 0, 0)):
                assert l10n.clock(moment) == format_skeleton("Hm", moment, locale=locale)
        i18n.set_language("en", "IN")
        assert not i18n.plain_english() and l10n.number(100000) == "1,00,000"
        i18n.set_language("fr")
        assert not i18n.plain_english() and l10n.number(1234567) == "1\u202f234\u202f567"
    finally:
        i18n.set_language("en")
