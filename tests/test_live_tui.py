"""The TUI's live inbox: the status line says how each account's new items arrive (live,
connecting, polling every N s), the app tells the live feeds where the person's attention
is, new items land in the open inbox without moving the highlight or the selection, and
alerts (off by default) ring for a new direct message and an item that became overdue."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest
from textual import events

from cmtui.config import Settings
from cmtui.model import iso
from cmtui.sync import live as live_module
from cmtui.sync.connectors.base import Person, RemoteItem
from cmtui.sync.ingest import Ingest
from cmtui.sync.live import LiveStatus
from cmtui.tui.app import CmtuiApp
from cmtui.tui.fitting import fit_parts, join_parts
from cmtui.tui.widgets import live_marks
from cmtui.tui.widgets.inbox_list import InboxList
from cmtui.tui.widgets.status_line import StatusLine
from factory import NOW
from tui_helpers import RecordingApp, wait_for

SIZE = (120, 40)


class FakeLive:
    """What the app reads of engine.live: the feeds' status, and nudge()."""

    def __init__(self, status: dict[str, LiveStatus]):
        self.status = status
        self.nudges = 0

    def nudge(self) -> None:
        self.nudges += 1


class FakeEngine:
    """An engine whose loop waits for the app to stop; its live feeds are a FakeLive."""

    def __init__(self, status: dict[str, LiveStatus] | None = None):
        self.live = FakeLive(status or {}) if status is not None else None
        self.on_change = lambda name: None
        self.attention = None

    async def run_forever(self, stop, wake, on_pass=None):
        await stop.wait()


class BellApp(RecordingApp):
    """Counts the bells it rings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bells = 0

    def bell(self) -> None:
        self.bells += 1
        super().bell()


def status_text(app, width: int = 10**6) -> str:
    line = app.screen.query_one(StatusLine)
    line.refresh_status()
    return join_parts(fit_parts(line._parts, width)).plain


def remote(n: int, created, kind: str = "mention", author: str = "grace@peer.example") -> RemoteItem:
    return RemoteItem(remote_id=f"live-{n}", kind=kind, author=Person(author, "Grace"),
                      text=f"Streamed item {n}: is the export working?", created_at=iso(created),
                      url=f"https://peer.example/@grace/{n}")


def arrive(store, *items: RemoteItem) -> None:
    account = next(a for a in store.accounts.list() if a.name == "tidewater")
    Ingest(store).page(account.id, "mastodon", list(items))


# -- the status line -------------------------------------------------------------------------
def test_the_modes_spelled_in_the_status_line_are_the_feeds_own():
    assert (live_marks.PUSH, live_marks.CONNECTING, live_marks.POLL) == (
        live_module.PUSH, live_module.CONNECTING, live_module.POLL)


async def test_the_status_line_says_live_connecting_and_polling_every_60_s(store):
    engine = FakeEngine({"tidewater": LiveStatus(live_module.PUSH),
                         "tidewater_es": LiveStatus(live_module.POLL, 60)})
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW, engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = status_text(app)
        assert "● tidewater live" in said and "↻ tidewater_es polling every 60 s" in said
        engine.live.status["tidewater"] = LiveStatus(live_module.CONNECTING)
        assert "◌ tidewater connecting" in status_text(app)
        # Narrow: the words go first, then the names; the marks stay longer than last sync.
        narrow = status_text(app, 70)
        assert "polling" not in narrow and "last sync" not in narrow
        engine.live.status.clear()  # the feeds stopped: nothing said
        assert "live" not in status_text(app) and "polling" not in status_text(app)


LIVE_WORDS = {"es": ("tidewater en directo", "tidewater_es consultando cada 60 s", "Mensaje directo de @x: hola"),
              "fr": ("tidewater en direct", "tidewater_es\u00a0: interrogation toutes les 60 s",
                     "Message direct de @x\u00a0: hola"),
              "sl": ("tidewater v živo", "tidewater_es preverjanje vsakih 60 s", "Neposredno sporočilo od @x: hola")}


@pytest.mark.parametrize("lang", sorted(LIVE_WORDS))
async def test_the_live_words_in_each_language(store, language, lang):
    from cmtui.triage.alerts import DIRECT, Alert

    language(lang)
    engine = FakeEngine({"tidewater": LiveStatus(live_module.PUSH), "tidewater_es": LiveStatus(live_module.POLL, 60)})
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW, engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = status_text(app)
        live, polling, alert = LIVE_WORDS[lang]
        assert live in said and polling in said
        assert Alert(1, DIRECT, "x", "hola").words() == alert


async def test_no_engine_no_live_part(store):
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "polling" not in status_text(app) and "connecting" not in status_text(app)


# -- attention ---------------------------------------------------------------------------------
async def test_attention_counts_from_the_last_key_and_is_none_in_the_background(store):
    engine = FakeEngine({"tidewater": LiveStatus(live_module.POLL, 15)})
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW, engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        assert engine.attention == app.attention
        await pilot.press("j")
        assert 0 <= engine.attention() < 1.0
        app.post_message(events.AppBlur())
        await pilot.pause()
        assert engine.attention() is None  # the terminal is in the background: no short poll
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert engine.attention() is not None and engine.live.nudges == 1  # back in front: polls shorten
        await pilot.press("k")
        assert engine.live.nudges == 1  # a key after a short pause: nothing but a time stored
        app._last_action = time.monotonic() - live_module.IDLE_AFTER - 1  # as if idle for two minutes
        await pilot.press("j")
        assert engine.live.nudges == 2 and engine.attention() < 1.0


# -- new items in the open inbox -------------------------------------------------------------
async def test_new_items_keep_the_highlight_and_the_selection_above_or_below(store):
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        inbox = app.screen.query_one(InboxList)
        await pilot.press("x", "x")  # the first two selected; the highlight on the third row
        assert inbox.cursor == 2
        highlighted, selected, total = inbox.current_row["id"], set(inbox.selected), inbox.total
        counts = str(app.screen.query_one("#inbox-counts").render())
        assert "2 selected" in counts and f"3 of {total}" in counts
        arrive(store, remote(1, NOW), remote(2, NOW - timedelta(minutes=1)))  # newest first: on top
        app.post_message(app.SyncChanged())
        assert await wait_for(pilot, lambda: inbox.total == total + 2)
        assert inbox.current_row["id"] == highlighted and inbox.cursor == 4
        assert inbox.selected == selected
        assert [inbox.row_at(i)["text"][:15] for i in (0, 1)] == ["Streamed item 1", "Streamed item 2"]
        counts = str(app.screen.query_one("#inbox-counts").render())
        assert f"5 of {total + 2}" in counts and "2 selected" in counts
        arrive(store, remote(3, NOW - timedelta(days=3)))  # an old one: sorts below
        app.post_message(app.SyncChanged())
        assert await wait_for(pilot, lambda: inbox.total == total + 3)
        assert inbox.current_row["id"] == highlighted and inbox.cursor == 4 and inbox.selected == selected


# -- alerts ------------------------------------------------------------------------------------
async def test_nothing_rings_by_default(store):
    app = BellApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        arrive(store, remote(1, NOW, kind="direct"))
        app.post_message(app.SyncChanged())
        await pilot.pause(0.1)
        assert app.alerts is None and app.bells == 0


async def test_a_new_direct_message_rings_the_bell_once_and_old_items_never(store):
    clock = [NOW]
    app = BellApp(store, Settings(timezone="UTC", alerts="bell", user="ana"), clock=lambda: clock[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(app.SyncChanged())
        await pilot.pause(0.1)
        assert app.bells == 0  # what was there at start-up (250 items, some overdue) rings nothing
        arrive(store, remote(1, NOW, kind="direct"), remote(2, NOW, kind="mention"))
        app.post_message(app.SyncChanged())
        assert await wait_for(pilot, lambda: app.bells == 1)
        note = app.notes[-1]
        assert note["message"].startswith("Direct message from @grace@peer.example: Streamed item 1")
        assert note["markup"] is False
        app.post_message(app.SyncChanged())
        app.wake_snoozed()
        await pilot.pause(0.1)
        assert app.bells == 1  # once per item
        # Nearly two hours later the store's four newest pass the response target (two hours)...
        clock[0] = NOW + timedelta(minutes=119)
        app.wake_snoozed()  # the 30 s timer's look
        assert await wait_for(pilot, lambda: app.bells == 2)
        assert app.notes[-1]["message"].startswith("Overdue, from @user3@fedi.example")
        rung = app.alerts.rung
        # ... then the direct message and the mention: one ring for both.
        clock[0] = NOW + timedelta(minutes=121)
        app.wake_snoozed()
        assert await wait_for(pilot, lambda: app.bells == 3)
        assert app.notes[-1]["message"].startswith("Overdue, from @grace@peer.example: Streamed item 1")
        assert app.notes[-1]["message"].endswith(" · and 1 more") and app.alerts.rung == rung + 2


async def test_desktop_alerts_go_through_notify_send(store, tmp_path, monkeypatch):
    record = tmp_path / "sent.txt"
    program = tmp_path / "bin" / "notify-send"
    program.parent.mkdir()
    program.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{program.parent}{os.pathsep}{os.environ['PATH']}")
    app = BellApp(store, Settings(timezone="UTC", alerts="desktop"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        item = replace(remote(1, NOW, kind="direct", author="grace@peer.example\x1b[31m"),
                       text='<a href="https://phish.example">verify</a> & <b>now</b>')
        arrive(store, item)
        app.post_message(app.SyncChanged())
        ok = await wait_for(pilot, lambda: record.exists() and record.read_text().count("\n") == 4)
        assert ok, (app.notes, app.bells, record.exists() and record.read_text())
        args = record.read_text().splitlines()
        assert args[:3] == ["--app-name=cmtui", "--", "cmtui"]  # no remote text read as an option
        # The body is markup to notification daemons: the remote text's tags are shown, not made links.
        assert args[3].startswith('Direct message from @grace@peer.example: &lt;a href="https://phish.example"&gt;')
        assert "&amp;" in args[3] and "<" not in args[3] and "\x1b" not in args[3]
        assert app.bells == 0


async def test_desktop_alerts_without_notify_send_ring_the_bell_and_say_so_once(store, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no notify-send there
    app = BellApp(store, Settings(timezone="UTC", alerts="desktop"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in (1, 2):
            arrive(store, remote(n, NOW, kind="direct"))
            app.post_message(app.SyncChanged())
            assert await wait_for(pilot, lambda: app.bells == n)
        assert sum("notify-send" in str(note["message"]) for note in app.notes) == 1


# -- against a real peer: the stream, the status line and the bell together -------------------
async def test_a_streamed_direct_message_reaches_the_open_inbox_and_rings(sync_env, peer):
    """mastodon_mock streams ada's notifications: the status line says "ada live", grace's
    direct message appears in the open inbox with no pull asked for, and the bell rings once."""
    from cmtui.sync.engine import SyncEngine

    store, settings, credentials = sync_env
    settings = Settings(timezone="UTC", backfill_days=30, sync_interval_seconds=3600, alerts="bell")
    engine = SyncEngine(store, settings, credentials, timeout=5.0)
    app = BellApp(store, settings, engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        assert await wait_for(pilot, lambda: "ada live" in status_text(app), tries=200)
        assert inbox.total == 0 and app.bells == 0
        peer.post("grace_token", "@ada is my invoice [b]late[/b]?", visibility="direct")
        assert await wait_for(pilot, lambda: inbox.total == 1, tries=100)  # within 5 s, no ctrl+r
        assert await wait_for(pilot, lambda: app.bells == 1)
        assert app.notes[-1]["message"].startswith("Direct message from @grace")
        assert "[b]late[/b]" in app.notes[-1]["message"]
        assert engine.attention() is not None
