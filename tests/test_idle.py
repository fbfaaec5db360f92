"""Idle cost (issue 20): with nothing happening the TUI reads nothing but PRAGMA data_version
once a second and repaints nothing, yet another process's change still shows within about a
second, its own writes too, and the clock still moves the overdue count on.

The last test runs the TUI in a real pseudo-terminal: Textual's input thread no longer wakes
ten times a second, and keys (a lone esc included) and quitting still work after it slept."""

from __future__ import annotations

import os
import select
import sys
import time
from datetime import timedelta

import pytest

from cmtui.config import Settings
from cmtui.store import Store
from cmtui.tui import app as app_module
from cmtui.tui.app import CmtuiApp
from cmtui.tui.widgets import crisis_watch
from cmtui.tui.widgets.status_line import StatusLine
from factory import NOW
from tui_helpers import wait_for

SIZE = (120, 40)
IDLE = 3.0  # seconds watched: longer than the status line's old 2 s timer


@pytest.fixture(autouse=True)
def quick_start(monkeypatch):
    """The one-off checks after start-up come at once, so the idle window is idle."""
    monkeypatch.setattr(app_module, "METRICS_PREFETCH_AFTER", 0.05)
    monkeypatch.setattr(crisis_watch, "FIRST_CHECK", 0.05)


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


def make_app(store, clock=None) -> CmtuiApp:
    return CmtuiApp(store, Settings(timezone="UTC"), clock=clock or (lambda: NOW))


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def settled(app, pilot) -> None:
    await wait_for(pilot, lambda: "overdue" in status(app))
    await wait_for(pilot, lambda: app.crisis_watch.checks >= 1)
    await pilot.pause(0.3)


async def test_idle_app_reads_only_data_version_and_repaints_nothing(store, monkeypatch):
    statements: list[str] = []
    renders = []
    draw = StatusLine.render
    monkeypatch.setattr(StatusLine, "render", lambda self: renders.append(1) or draw(self))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        renders.clear()
        store.conn.set_trace_callback(statements.append)
        try:
            await pilot.pause(IDLE)
        finally:
            store.conn.set_trace_callback(None)
    assert statements, "the data_version poll should run each second"
    assert set(statements) == {"PRAGMA data_version"}, sorted(set(statements))
    assert len(statements) <= IDLE / app_module.EXTERNAL_POLL_SECONDS + 2
    assert renders == []


async def test_another_connections_write_shows_within_a_second(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        assert "error" not in status(app)
        other = Store.open(store.path)
        try:
            account = other.accounts.list()[0]
            other.accounts.set_sync_state(account.id, "error", "refused")
            written = time.monotonic()
            assert await wait_for(pilot, lambda: "error" in status(app), tries=60)
            assert time.monotonic() - written < 2.0
        finally:
            other.close()


async def test_own_write_shows_within_a_second(store):
    """A write through the app's own connection (a screen's decision, the engine in the TUI)
    changes no data_version: the connection's change count says it."""
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        account = store.accounts.list()[0]
        store.accounts.set_sync_state(account.id, "error", "refused")
        written = time.monotonic()
        assert await wait_for(pilot, lambda: "error" in status(app), tries=60)
        assert time.monotonic() - written < 2.0


async def test_the_clock_moves_the_overdue_count_on(store, monkeypatch):
    monkeypatch.setattr(app_module, "CLOCK_SECONDS", 0.5)
    clock = Clock()
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        before = status(app)
        clock.now = NOW + timedelta(hours=6)  # a few more items pass the 2-hour target
        assert await wait_for(pilot, lambda: status(app) != before, tries=40)
        overdue = lambda text: int(text.split(" overdue")[0].split()[-1])  # noqa: E731
        assert overdue(status(app)) > overdue(before)


async def test_a_sync_change_without_a_store_change_rereads_only_the_status_line(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        version = app.store_version
        app.post_message(CmtuiApp.SyncChanged())  # a live feed's status, a pass that stored nothing
        await pilot.pause(0.2)
        assert app.store_version == version
        account = store.accounts.list()[0]
        store.accounts.set_sync_state(account.id, "error", "refused")
        app.post_message(CmtuiApp.SyncChanged())
        await pilot.pause(0.2)
        assert app.store_version == version + 1  # the screens re-read
        assert "error" in status(app)


async def test_the_crisis_watch_rechecks_on_the_clock_only_after_a_while(store, monkeypatch):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        checks = app.crisis_watch.checks
        app.clock_tick()
        await pilot.pause(0.1)
        assert app.crisis_watch.checks == checks  # nothing new, and the last check is recent
        # As if the last check were RECHECK seconds old (and so more than MIN_INTERVAL):
        monkeypatch.setattr(crisis_watch, "RECHECK", 0.0)
        monkeypatch.setattr(crisis_watch, "MIN_INTERVAL", 0.0)
        app.clock_tick()
        assert await wait_for(pilot, lambda: app.crisis_watch.checks == checks + 1)


async def test_snoozed_items_wake_on_the_clock(store, monkeypatch):
    monkeypatch.setattr(app_module, "CLOCK_SECONDS", 0.3)
    clock = Clock()
    item = 7
    store.triage.apply([item], "snooze", {"state": "snoozed", "snooze_until": "2026-11-20T13:00:00Z"}, "ana")
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(app, pilot)
        assert store.inbox.get(item)["state"] == "snoozed"
        clock.now = NOW + timedelta(hours=2)
        assert await wait_for(pilot, lambda: store.inbox.get(item)["state"] == "new", tries=40)


# -- the real terminal ------------------------------------------------------------------------------------
def _switches(pid: int) -> int:
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/status") as status_file:
            for line in status_file:
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
    return total


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_in_a_terminal_the_input_thread_sleeps_and_keys_still_work(db):
    from benchmark import PtyProcess

    proc = PtyProcess([sys.executable, "-m", "cmtui", "--db", db], {"CMTUI_CONFIG_DIR": os.environ["CMTUI_CONFIG_DIR"]})
    try:
        proc.read_until(b"Quit", timeout=60)
        # Past the one-off work after start-up (the crisis check at 2 s, the metrics at 3 s)
        # and the second the input thread stays awake after a byte.
        end = time.monotonic() + 4.0
        while time.monotonic() < end:
            proc.drain(quiet=0.5, timeout=max(0.0, end - time.monotonic()))
        woke = _switches(proc.pid)
        time.sleep(IDLE)
        proc.drain(quiet=0.05, timeout=0.5)
        # Textual's own input thread alone wakes 10 times a second; the 1 s poll stays.
        assert _switches(proc.pid) - woke < 3 * IDLE
        proc.buffer = b""
        proc.write(b"?")  # a key after the sleep
        proc.read_until(b"for the keymap", timeout=5)
        proc.drain(quiet=0.3, timeout=3)
        proc.buffer = b""
        proc.write(b"\x1b")  # a lone esc: told from a sequence by the time after it
        proc.read_until(b"Quit", timeout=5)
        proc.drain(quiet=1.5, timeout=5)
        proc.write(b"q")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if select.select([proc.fd], [], [], 0.05)[0]:
                try:
                    os.read(proc.fd, 65536)
                except OSError:  # the terminal closed: the process ended
                    pass
            done, _code = os.waitpid(proc.pid, os.WNOHANG)
            if done:
                break
        else:
            pytest.fail("q did not end the app within 5 s")
    finally:
        proc.close()


def test_the_quiet_driver_is_a_copy_of_this_textual_releases_input_thread():
    """The quiet driver copies Textual's LinuxDriver.run_input_thread with one change (the
    idle wait): with another release of Textual its copy may be stale, so the app uses it only
    with the release it was copied from, and this test fails when that release's function is
    not the one copied (compare, re-copy, and update the hash and COPIED_FROM)."""
    import hashlib
    import inspect

    import textual
    from textual.drivers.linux_driver import LinuxDriver

    from cmtui.tui import quiet_driver

    assert app_module.QUIET_DRIVER_TEXTUAL == quiet_driver.COPIED_FROM
    if textual.__version__.startswith(quiet_driver.COPIED_FROM):
        source = inspect.getsource(LinuxDriver.run_input_thread)
        assert hashlib.sha256(source.encode()).hexdigest() == quiet_driver.TEXTUAL_SOURCE_SHA256
        assert "selector.select(0.1)" in source  # the wait the copy makes a sleep


def test_another_textual_release_gets_its_own_driver(monkeypatch, tmp_path):
    import textual
    from textual.drivers.linux_driver import LinuxDriver

    from cmtui.tui.quiet_driver import QuietLinuxDriver

    store = Store.open(tmp_path / "d.db")
    try:
        app = CmtuiApp(store, Settings())
        assert app.get_driver_class() is QuietLinuxDriver  # (Textual picks its Linux driver here)
        monkeypatch.setattr(textual, "__version__", "8.3.0")
        assert app.get_driver_class() is LinuxDriver
    finally:
        store.close()
