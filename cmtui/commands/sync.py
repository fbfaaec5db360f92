"""cmtui sync: the sync engine, headless (cron, systemd), the same one the TUI runs."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.i18n import _, ngettext

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


class _Stderr(logging.Handler):
    """Writes to whatever sys.stderr is at the time (not the stream it was created with)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(self.format(record), file=sys.stderr)
        except Exception:
            self.handleError(record)


def _log_to_stderr(level: int) -> None:
    """cmtui's own log lines on stderr (httpx would log every request URL at INFO). With
    --once the per-account summary is printed by the command, so the log keeps to errors."""
    logger = logging.getLogger("cmtui")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def _engine(store: Store, settings: Settings, credentials):
    from cmtui.sync.engine import SyncEngine

    return SyncEngine(store, settings, credentials, timeout=float(settings.http_timeout_seconds))


def sync_command(store: Store, settings: Settings, credentials, args) -> int:
    _log_to_stderr(logging.ERROR if args.once else logging.INFO)
    names = None
    if args.account:
        names = [store.accounts.require(args.account).name]
    if not store.accounts.list():
        from cmtui.sync.connectors import PLATFORMS

        print("cmtui: " + _("no accounts to sync (add one with: {command})").format(
            command=f"cmtui account add {'|'.join(PLATFORMS)} NAME --instance URL"), file=sys.stderr)  # i18n: not shown
        return 0
    engine = _engine(store, settings, credentials)
    if args.once:
        results = asyncio.run(engine.run_once(names))
        for result in results:
            if result.ok:
                print(result.summary())
            else:
                print(f"cmtui: {result.summary()}", file=sys.stderr)
            for failure in result.failed:
                print(f"cmtui: {result.name}: {failure}", file=sys.stderr)
        return 0 if all(r.ok for r in results) else 1
    return asyncio.run(_loop(engine, names))


STOP_GRACE_SECONDS = 5.0  # on SIGTERM, how long a pass in progress has to end by itself


async def _loop(engine, names) -> int:
    """Passes until SIGTERM or SIGINT. A pass in progress then has STOP_GRACE_SECONDS to end
    by itself (a second signal cuts it at once), then it is cut short: a request that hangs
    must not hold `systemctl stop` until the HTTP time-out, or systemd's SIGKILL."""
    stop = asyncio.Event()
    now = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set():
            now.set()
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)

    engine.on_change = _LiveWords(engine)
    task = asyncio.ensure_future(engine.run_forever(stop, names=names))
    await asyncio.wait([task, asyncio.ensure_future(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
    if not task.done():
        await asyncio.wait([task, asyncio.ensure_future(now.wait())], timeout=STOP_GRACE_SECONDS,
                           return_when=asyncio.FIRST_COMPLETED)
    if not task.done():
        task.cancel()
        await asyncio.wait([task])
        _after_cut(engine, names)
    if not task.cancelled():
        task.result()  # a failure of the store itself is said by main(), as without a signal
    return 0


class _LiveWords:
    """Says on stderr, once per account, when its new items start arriving live and when it
    falls back to polling (a reconnect in between is not news)."""

    def __init__(self, engine):
        self.engine = engine
        self.said: dict[str, str] = {}

    def __call__(self, name: str) -> None:
        from cmtui.sync.live import POLL, PUSH

        status = self.engine.live.status.get(name) if self.engine.live is not None else None
        if status is None or status.mode not in (PUSH, POLL) or self.said.get(name) == status.mode:
            return
        if status.mode == POLL and name not in self.said and not self._pushes(name):
            return  # a platform without push: the passes poll, as they always did
        self.said[name] = status.mode
        every = status.every or self.engine.settings.sync_interval_seconds
        if status.mode == PUSH:
            text = _("{name}: new items arrive live").format(name=name)
        else:
            text = ngettext("{name}: the server does not stream; polling every {n} s",
                            "{name}: the server does not stream; polling every {n} s", every).format(
                name=name, n=l10n.number(every))
        logging.getLogger("cmtui.sync").info("%s", text)

    def _pushes(self, name: str) -> bool:
        from cmtui.sync.connectors import profile_for
        from cmtui.sync.connectors.base import Capability

        account = next((a for a in self.engine.store.accounts.list() if a.name == name), None)
        return account is not None and Capability.PUSH in profile_for(account.platform).capabilities


def _after_cut(engine, names) -> None:
    """A pass cut short: the operation it was sending goes back in the queue (sent again with
    its key by whoever syncs next, so once), and no account stays shown as syncing."""
    from cmtui.sync.engine import _pid_alive

    own = os.getpid()
    taken = engine.store.outbox.release_dead(engine.host, lambda pid: pid != own and _pid_alive(pid))
    for account in engine.store.accounts.list():
        if account.sync_state == "syncing" and (not names or account.name in names):
            engine.store.accounts.set_sync_state(account.id, "idle", account.last_error)
    logging.getLogger("cmtui.sync").info("stopped during a pass; %d operation(s) back in the queue", taken)
