"""cmtui sync: the sync engine, headless (cron, systemd), the same one the TUI runs."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys


def _engine(store, settings, credentials):
    from cmtui.sync.engine import SyncEngine

    return SyncEngine(store, settings, credentials, timeout=float(settings.http_timeout_seconds))


def sync_command(store, settings, credentials, args) -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s",
                        datefmt="%H:%M:%S")
    names = None
    if args.account:
        names = [store.accounts.require(args.account).name]
    if not store.accounts.list():
        print("cmtui: no accounts to sync (add one with: cmtui account add mastodon NAME --instance URL)",
              file=sys.stderr)
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


async def _loop(engine, names) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async def passes():
        while not stop.is_set():
            await engine.run_once(names)
            try:
                await asyncio.wait_for(stop.wait(), timeout=engine.settings.sync_interval_seconds)
            except asyncio.TimeoutError:
                pass

    await passes()
    return 0
