"""The engine's loop with its live feeds, run in a test's event loop against the peer
(tests/test_live_mastodon.py, tests/test_live_faults.py)."""

from __future__ import annotations

import asyncio
import contextlib
import time

from cmtui.sync.engine import SyncEngine
from cmtui.sync.live import PUSH, LiveStatus


@contextlib.asynccontextmanager
async def running(engine: SyncEngine):
    """run_forever until the block ends (a pass, then the feeds; the next pass a minute later)."""
    stop = asyncio.Event()
    real = engine.pull_notifications
    engine.gap_pulls = 0  # pulls between passes that ended (a feed's gap fill after it connects)

    async def counted(account):
        try:
            return await real(account)
        finally:
            engine.gap_pulls += 1

    engine.pull_notifications = counted
    task = asyncio.create_task(engine.run_forever(stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()


async def pushing(engine: SyncEngine, *names: str, seconds: float = 10.0) -> bool:
    """Every named account's feed open and its gap pull done (what is posted next can only
    come by the stream)."""
    return await until(lambda: engine.live is not None and engine.gap_pulls >= len(names) and all(
        engine.live.status.get(n) == LiveStatus(PUSH) for n in names), seconds)


async def feeding(engine: SyncEngine, name: str = "ada", seconds: float = 10.0) -> bool:
    """The account's feed started (after the first pass), whatever its state."""
    return await until(lambda: engine.live is not None and name in engine.live.status, seconds)


async def post(peer, token: str, text: str, **fields) -> dict:
    return await asyncio.to_thread(peer.post, token, text, **fields)


def count(store, text: str, account: str | None = None) -> int:
    query = "SELECT count(*) FROM inbox_items i JOIN accounts a ON a.id = i.account_id WHERE i.text LIKE ?"
    args: list = [f"%{text}%"]
    if account:
        query += " AND a.name = ?"
        args.append(account)
    return store.conn.execute(query, args).fetchone()[0]


def cursor_row(store, account: str = "ada") -> tuple | None:
    row = store.conn.execute(
        "SELECT c.cursor, c.updated_at FROM sync_cursors c JOIN accounts a ON a.id = c.account_id"
        " WHERE a.name = ? AND c.stream = 'notifications'", (account,)).fetchone()
    return tuple(row) if row else None
