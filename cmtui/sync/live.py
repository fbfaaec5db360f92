"""Live feeds: between the engine's passes, each account's new notifications arrive as they
happen, while the TUI or `cmtui sync` runs.

A platform that pushes (Capability.PUSH: a stream, a long poll) holds one connection per
account, reconnecting with backoff, and pulls once after each connect to fill what arrived
while it was down. A server without push (its streaming off, or a proxy that cuts long
answers) falls back to the passes' polling, said in the feed's status, and is tried again
now and then. A platform without push is polled for notifications only, at a short interval
while someone is at the TUI, backing off as they idle.

Everything goes through the pass's ingest (engine.store_pushed / pull_notifications): a
pushed item and the same item pulled later are one item, counted once.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Protocol

from cmtui.config import Settings
from cmtui.errors import CmtuiError
from cmtui.store import Store
from cmtui.sync.backoff import backoff
from cmtui.sync.connectors import profile_for
from cmtui.sync.connectors.base import (
    AuthError, Capability, Connector, NoPush, PermanentError, PullPage, RateLimited, TransientError,
)

log = logging.getLogger("cmtui.sync")

PUSH = "push"  # new items arrive as they happen
CONNECTING = "connecting"  # (re)opening the connection
POLL = "poll"  # new items come every `every` seconds

LIVE_BACKOFF_CAP = 5 * 60.0  # between two reconnects, at most
SHORT_LIVED = 60.0  # a connection cut sooner than this (or never open) counts towards giving up
CUTS_BEFORE_POLLING = 3  # short-lived connections in a row: a proxy cuts long answers
PUSH_AGAIN_AFTER = 15 * 60.0  # a server that would not push is tried again this much later
IDLE_AFTER = 120.0  # seconds without a key before the short poll starts to back off


class Engine(Protocol):
    """What the feeds use of the sync engine (cmtui.sync.engine.SyncEngine)."""

    store: Store
    settings: Settings
    clock: Callable[[], datetime]
    on_change: Callable[[str], None]
    attention: Callable[[], float | None] | None

    def connector(self, account) -> Connector: ...

    async def pull_notifications(self, account) -> int: ...

    def store_pushed(self, account, page: PullPage) -> int: ...


@dataclass(frozen=True)
class LiveStatus:
    """How an account's new items arrive now: mode PUSH, CONNECTING or POLL (every N s)."""

    mode: str
    every: int | None = None


def short_poll_seconds(base: float, idle: float | None, cap: float) -> float | None:
    """The short poll's interval: `base` while someone is at the TUI, doubling for every
    IDLE_AFTER seconds they idle, never beyond `cap` (the passes' interval); None when no
    one is (headless, or the terminal is in the background): the passes poll."""
    if idle is None:
        return None
    # (the doublings bounded: the cap is reached long before, and a float base would overflow
    # after a few days' idling)
    doublings = min(40, int(idle // IDLE_AFTER)) if idle >= IDLE_AFTER else 0
    return min(cap, base * 2 ** doublings)


def _seconds_until(when, engine: Engine) -> float:
    return 0.0 if when is None else max(0.0, (when - engine.clock()).total_seconds())


def reconnect_delay(attempts: int) -> float:
    return min(LIVE_BACKOFF_CAP, backoff(attempts))


class LiveFeeds:
    """One task per account, started after a pass that reached it, stopped with the loop."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.monotonic):
        self.engine = engine
        self.clock = clock
        self.status: dict[str, LiveStatus] = {}
        self._tasks: dict[str, asyncio.Task] = {}
        self._nudges: dict[str, asyncio.Event] = {}
        self._ids: dict[str, int] = {}  # the account each feed is for

    def start(self, accounts) -> None:
        """Feeds for these accounts (those a pass reached); one already running is left alone.
        The feed of an account no longer in the store (removed) stops now, quietly, rather
        than with the next item it cannot store."""
        listed = {account.id for account in self.engine.store.accounts.list()}
        for name, account_id in list(self._ids.items()):
            if account_id not in listed:
                task = self._tasks.pop(name, None)
                if task is not None:
                    task.cancel()
                self._ids.pop(name, None)
                self._nudges.pop(name, None)
                if self.status.pop(name, None) is not None:
                    self.engine.on_change(name)
        for account in accounts:
            task = self._tasks.get(account.name)
            if account.offline or task is not None and not task.done():
                continue
            self._nudges[account.name] = asyncio.Event()
            self._ids[account.name] = account.id
            self._tasks[account.name] = asyncio.create_task(self._run(account), name=f"live:{account.name}")

    def nudge(self) -> None:
        """Someone is back at the TUI: short polls recompute their interval now."""
        for event in self._nudges.values():
            event.set()

    async def stop(self) -> None:
        tasks = [t for t in self._tasks.values() if not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._ids.clear()
        self.status.clear()

    def _say(self, account, status: LiveStatus) -> None:
        if self.status.get(account.name) != status:
            self.status[account.name] = status
            self.engine.on_change(account.name)

    async def _run(self, account) -> None:
        try:
            if Capability.PUSH in profile_for(account.platform).capabilities:
                while await self._push(account):  # False: stop (the passes say why)
                    self._say(account, LiveStatus(POLL, self.engine.settings.sync_interval_seconds))
                    await asyncio.sleep(PUSH_AGAIN_AFTER)
            else:
                await self._short_poll(account)
        except asyncio.CancelledError:
            raise
        except sqlite3.DatabaseError as exc:  # the store refused: the next pass says it once
            log.warning("%s: live updates stopped: %s", account.name, exc)
        except Exception:  # a bug costs this account its live updates, not the loop
            log.exception("%s: live updates stopped by an unexpected error", account.name)
        self.status.pop(account.name, None)

    # -- a platform that pushes -------------------------------------------------------------
    async def _push(self, account) -> bool:
        """Hold the account's push open. True: fall back to polling for a while; False: stop."""
        cuts = attempts = 0
        while True:
            self._say(account, LiveStatus(CONNECTING))
            try:
                account = self.engine.store.accounts.require_id(account.id)  # (removed meanwhile: stop)
                connector = self.engine.connector(account)
            except CmtuiError:
                return False
            opened: float | None
            wait: float | None
            opened, connected, pages, wait = None, False, None, None
            try:
                cursor = self.engine.store.accounts.cursor(account.id, "notifications")
                pages = connector.live(cursor)
                async for page in pages:
                    if not connected:
                        opened, connected, attempts = self.clock(), True, 0
                        self._say(account, LiveStatus(PUSH))
                        if page.cursor is None or not page.final:
                            # What arrived before the connection was open: one pull fills it
                            # (unless the open page is that pull, from the cursor: base.Connector.live).
                            await self.engine.pull_notifications(account)
                    self.engine.store_pushed(account, page)
            except NoPush as exc:
                # (said by whoever shows the feed's status: the TUI's status line, `cmtui sync`)
                log.debug("%s: %s; polling every %d s", account.name, exc, self.engine.settings.sync_interval_seconds)
                return True
            except AuthError:
                return False
            except PermanentError as exc:
                log.warning("%s: live updates refused (%s); polling", account.name, exc)
                return True
            except RateLimited as exc:
                log.info("%s: live connection refused for now: %s", account.name, exc)
                attempts += 1  # a server that says 429 without a time gets asked less and less often
                wait = max(reconnect_delay(attempts), _seconds_until(exc.retry_at, self.engine))
            except TransientError as exc:
                log.info("%s: live connection lost: %s", account.name, exc)
            finally:
                # A gap pull or the store failing leaves the stream open in the generator: close
                # it now, not whenever it is collected (the next connect would hold two); the
                # client too, even when a second cancellation interrupts the first close.
                try:
                    aclose = getattr(pages, "aclose", None)
                    if aclose is not None:
                        await aclose()
                finally:
                    await connector.close()
            if wait is not None:  # rate limited: the connection closed, wait as told
                await asyncio.sleep(wait)
                continue
            # A connection that never opened (nothing came after the answer's headers: a proxy
            # holding the stream back) or did not last is a cut.
            cuts = cuts + 1 if opened is None or self.clock() - opened < SHORT_LIVED else 0
            if cuts >= CUTS_BEFORE_POLLING:
                log.debug("%s: the live connection keeps being cut; polling every %d s", account.name,
                         self.engine.settings.sync_interval_seconds)
                return True
            attempts += 1
            await asyncio.sleep(reconnect_delay(attempts))

    # -- a platform without push --------------------------------------------------------------
    async def _short_poll(self, account) -> None:
        """The notifications pulled every short_poll_seconds while someone is at the TUI; not
        at all while no one is (the passes poll), nor while a pass is reading the account or
        it waits out a rate limit; after a failure not before a backoff (the passes say why)."""
        settings = self.engine.settings
        nudge = self._nudges[account.name]
        last = self.clock()  # a pass has just read the account
        hold_until, failures = last, 0
        while True:
            attention = self.engine.attention
            every = short_poll_seconds(settings.live_poll_seconds, attention() if attention else None,
                                       settings.sync_interval_seconds)
            self._say(account, LiveStatus(POLL, round(every or settings.sync_interval_seconds)))
            wait = None if every is None else max(last + every, hold_until) - self.clock()
            if wait is None or wait > 0:
                nudge.clear()
                try:
                    await asyncio.wait_for(nudge.wait(), wait)
                except TimeoutError:
                    pass
                continue  # the interval again: a nudge (a key after idling) may have shortened it
            last = self.clock()
            account = self.engine.store.accounts.by_id(account.id)
            if account is None:  # removed meanwhile
                return
            if self._polled_elsewhere(account):
                continue
            try:
                await self.engine.pull_notifications(account)
                failures = 0
            except AuthError as exc:
                # The account needs the person: the pass says so, and one that reaches it again
                # starts this feed again.
                log.info("%s: short poll stopped: %s", account.name, exc)
                return
            except (TransientError, PermanentError, CmtuiError) as exc:
                failures += 1
                delay = reconnect_delay(failures)
                if isinstance(exc, RateLimited):  # and not before the server said
                    delay = max(delay, _seconds_until(exc.retry_at, self.engine))
                hold_until = self.clock() + delay
                log.info("%s: short poll: %s", account.name, exc)  # the passes report it

    def _polled_elsewhere(self, account) -> bool:
        """A pass is reading the account now (it brings the same notifications), it waits out
        a rate limit (the pass honours it), or it is offline by design."""
        from cmtui.model import iso

        paused = account.limits.get("paused_until")
        return (account.offline or account.sync_state == "syncing"
                or isinstance(paused, str) and paused > iso(self.engine.clock()))
