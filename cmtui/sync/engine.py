"""The sync engine: per account, pull what is new, then drain the outbox.

It is the only code that talks to platforms. The TUI runs it as a worker and `cmtui sync`
runs the very same engine headless; both may run at once on one database. Every step that
changes the store is a transaction of its own, written before the next request goes out.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable

from cmtui.config import ACCOUNT_KEYS
from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.i18n import _, ngettext
from cmtui.model import iso, parse_iso, utcnow
from cmtui.store import Store
from cmtui.store.outbox import AT_MOST_ONCE, UNCERTAIN
from cmtui.sync.connectors import connector_for, profile_for
from cmtui.sync.connectors.base import (
    AccountContext, AuthError, Capability, Connector, OfflineError, PermanentError, PlatformProfile, RateLimited, RemoteEvent,
    RemoteItem, TimedOut,
    TransientError,
)
from cmtui.planning.results import reconcile_scheduled
from cmtui.sync.backoff import backoff
from cmtui.sync.states import state_word
from cmtui.sync.outbox_ops import apply_result, execute

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.sync.live import LiveFeeds

log = logging.getLogger("cmtui.sync")

LEASE_SECONDS = 120  # a 'sending' claim older than this belongs to a process that died
OWN_POSTS_DAYS = 30  # counters of our posts are refreshed this far back
LIMITS_EVERY = timedelta(days=1)
REPORTS_EVERY = timedelta(minutes=2)  # an admin's instance reports: one request at most this often
INGEST_BATCH = 1000  # items stored per transaction during a pull
SETTINGS_OPTIONS = "settings"  # accounts.options key: the settings file's places, as named and as resolved


@dataclass
class AccountResult:
    name: str
    ok: bool = True
    state: str = "idle"
    error: str | None = None
    new_items: int = 0
    events: int = 0
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # messages of operations that failed for good
    requests: int = 0
    offline: bool = False  # an account without a connection: nothing was tried
    waiting: int = 0  # its operations still in the outbox (offline accounts)
    platform: str = ""  # names its likes and shares in the summary

    def summary(self) -> str:
        """One line in the chosen language: `cmtui sync`, the Accounts screen and the log say it."""
        if self.offline:
            return ngettext("{name}: offline account (no connection), nothing sent; {n} operation waiting",
                            "{name}: offline account (no connection), nothing sent; {n} operations waiting",
                            self.waiting).format(name=self.name, n=l10n.number(self.waiting))
        if not self.ok:
            # i18n: an account's sync that failed: its name, its state (idle, offline, error) and why
            return _("{name}: {state}: {error}").format(name=self.name, state=state_word(self.state),
                                                        error=self.error)
        parts = [ngettext("{n} new item", "{n} new items", self.new_items).format(n=l10n.number(self.new_items))]
        if self.events:
            words = profile_for(self.platform) if self.platform else PlatformProfile(label="")
            likes, shares = words.interaction_names()
            # i18n: what others did to our posts this pass: {likes} and {shares} are the platform's nouns
            # ("favourites", "boosts"), follows are new followers
            parts.append(ngettext("{n} {likes}/{shares}/follows", "{n} {likes}/{shares}/follows", self.events).format(
                n=l10n.number(self.events), likes=likes, shares=shares))
        if self.sent:
            # i18n: operations of the outbox sent this pass
            parts.append(ngettext("{n} sent", "{n} sent", self.sent).format(n=l10n.number(self.sent)))
        if self.failed:
            # i18n: operations of the outbox that failed for good this pass
            parts.append(ngettext("{n} failed", "{n} failed", len(self.failed)).format(n=l10n.number(len(self.failed))))
        # i18n: an account's sync: its name, then what it did ("12 new items, 2 sent"), the parts joined by ", "
        return _("{name}: {done}").format(name=self.name, done=", ".join(parts))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SyncEngine:
    def __init__(self, store: Store, settings: Settings, credentials, *,
                 connector_factory: Callable[..., Connector] = connector_for, clock=utcnow,
                 timeout: float = 30.0, lease_seconds: int = LEASE_SECONDS,
                 on_change: Callable[[str], None] | None = None):
        self.store = store
        self.settings = settings
        self.credentials = credentials
        self.connector_factory = connector_factory
        self.clock = clock
        self.timeout = timeout
        self.lease = timedelta(seconds=lease_seconds)
        self.on_change = on_change or (lambda name: None)
        self.host = socket.gethostname()
        self.worker = f"{self.host}:{os.getpid()}"
        self._paused_until: dict[str, datetime] = {}
        self._released = False
        self.live: LiveFeeds | None = None  # while run_forever runs with settings.live
        # Seconds since the person at the TUI last pressed a key, None when no one is (set by
        # the TUI; headless: None): the short poll of a platform without push follows it.
        self.attention: Callable[[], float | None] | None = None

    @cached_property
    def ingest(self):
        """Pages stored and the rules run on them, made when first used: it brings the rules
        engine (~14 ms of imports) that the TUI's start-up, which builds an engine, does not need."""
        from cmtui.sync.ingest import Ingest

        return Ingest(self.store)

    # -- passes -------------------------------------------------------------------------
    async def run_once(self, names: list[str] | None = None) -> list[AccountResult]:
        if not self._released:  # operations a killed process was sending go back in the queue
            count = self.store.outbox.release_dead(self.host, _pid_alive)
            if count:
                log.info("took back %d operation(s) left by a process that stopped", count)
            self._released = True
        woke = self.store.triage.wake_snoozed(iso(self.clock()))
        if woke:
            log.info("%d snoozed item(s) are back in the inbox", woke)
        from cmtui.planning.recurrence import materialize_due

        made = materialize_due(self.store, self.settings, self.clock())  # occurrences of series coming due
        if made:
            log.info("%d occurrence(s) of repeating posts queued", len(made))
        accounts = self.store.accounts.list()
        if names:
            accounts = [a for a in accounts if a.name in names]
        results = await asyncio.gather(*(self.sync_account(a) for a in accounts))
        return list(results)

    async def run_forever(self, stop: asyncio.Event, wake: asyncio.Event | None = None,
                          on_pass: Callable[[list[AccountResult]], None] | None = None,
                          names: list[str] | None = None) -> None:
        """A pass every sync_interval_seconds (or when woken); between passes, with
        settings.live, each account's live feed (live.py) brings new notifications as they happen."""
        from cmtui.sync.live import LiveFeeds

        wake = wake or asyncio.Event()
        self.live = LiveFeeds(self) if self.settings.live else None
        try:
            while not stop.is_set():
                results = await self.run_once(names)
                if on_pass:
                    on_pass(results)
                if self.live is not None:
                    reached = {r.name for r in results if r.ok and not r.offline}
                    self.live.start([a for a in self.store.accounts.list() if a.name in reached])
                wake.clear()
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
                await asyncio.wait(waiters, timeout=self.settings.sync_interval_seconds,
                                   return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()
        finally:
            if self.live is not None:
                await self.live.stop()

    def _set_state(self, account, state: str, error: str | None = None, synced: bool = False) -> None:
        self.store.accounts.set_sync_state(account.id, state, error, synced=synced)
        self.on_change(account.name)

    def connector(self, account) -> Connector:
        token = self.credentials.get(account.name)
        if not token:
            raise AuthError(_("no token for '{name}' in {path}; run: {command}").format(
                name=account.name, path=self.credentials.path,
                command=f"cmtui account add {account.platform} {account.name} --instance {account.server}"))  # i18n: not shown (a command)
        context = AccountContext(remote_id=self.store.accounts.remote_account_id(account.id), handle=account.handle,
                                 is_admin=account.is_admin, options=self._options(account), places=account.places)
        connector = self.connector_factory(account.platform, account.server, token, timeout=self.timeout,
                                           account=context)
        signed = self.credentials.sign_in(account.name)
        if isinstance(connector, Connector) and signed is not None:  # a session renewed is stored at once
            connector.use_session(signed, lambda renewed: self.credentials.keep(account.name, renewed))
        return connector

    def _options(self, account) -> dict:
        """The account's options as the connector takes them: the places chosen in the
        settings file (resolved by _resolve_settings) over those chosen at `account add`."""
        options = {k: v for k, v in account.options.items() if k != SETTINGS_OPTIONS}
        chosen = account.options.get(SETTINGS_OPTIONS)
        wanted = self.settings.accounts.get(account.name)
        if wanted and isinstance(chosen, dict) and chosen.get("wanted") == wanted:
            options.update({role: chosen[role] for role in ACCOUNT_KEYS if chosen.get(role)})
        return options

    async def _resolve_settings(self, account, result: AccountResult):
        """Places named in the settings file ([accounts.NAME]) made ids once, when they change
        (the requests that costs are counted in the pass); the account as it now is."""
        wanted = self.settings.accounts.get(account.name)
        chosen = account.options.get(SETTINGS_OPTIONS)
        if not wanted or isinstance(chosen, dict) and chosen.get("wanted") == wanted:
            return account
        connector = self.connector(account)
        try:
            resolved = {role: list(dict.fromkeys([await connector.resolve_place(n) for n in names]))
                        for role, names in wanted.items() if role in ACCOUNT_KEYS}
        except PermanentError as exc:
            raise PermanentError(_("settings [accounts.{name}]: {reason}").format(name=account.name, reason=exc),
                                 exc.status) from None
        finally:
            result.requests += getattr(connector, "requests", 0)
            await connector.close()
        if resolved.get("places"):  # support places count whatever else is chosen
            resolved["places"] = list(dict.fromkeys([*resolved["places"], *resolved.get("support_places", [])]))
        self.store.accounts.set_options(account.id, account.options | {SETTINGS_OPTIONS: {"wanted": wanted,
                                                                                          **resolved}})
        return self.store.accounts.require_id(account.id)

    async def sync_account(self, account) -> AccountResult:
        if account.offline:
            return self._offline(account)
        result = AccountResult(account.name, platform=account.platform)
        paused = self._paused_until.get(account.name) or parse_iso(account.limits.get("paused_until"))
        if paused and paused > self.clock():
            result.ok, result.state = False, "idle"
            result.error = _("rate limited until {when}").format(when=iso(paused))
            return result
        connector = None
        try:
            account = await self._resolve_settings(account, result)
            connector = self.connector(account)
            self._set_state(account, "syncing", account.last_error)
            await self._pull(account, connector, result)
            await self._drain(account, connector, result)
            self._set_state(account, "idle", None, synced=True)
        except RateLimited as exc:
            until = exc.retry_at or self.clock() + timedelta(minutes=5)
            self._paused_until[account.name] = until
            # kept in the store: `cmtui sync --once` from cron honours it too
            self.store.accounts.set_limit(account.id, "paused_until", iso(until))
            result.ok, result.state, result.error = False, "idle", str(exc)
            self._set_state(account, "idle", str(exc))
        except (OfflineError, TimedOut) as exc:
            result.ok, result.state, result.error = False, "offline", str(exc)
            self._set_state(account, "offline", str(exc))
        except (AuthError, PermanentError, TransientError) as exc:
            result.ok, result.state, result.error = False, "error", str(exc)
            self._set_state(account, "error", str(exc))
        except sqlite3.DatabaseError:
            raise  # the store itself failed (a full disk, a damaged page): said once by the caller
        except CmtuiError as exc:  # a known failure (e.g. the credentials file): no traceback
            result.ok, result.state, result.error = False, "error", str(exc)
            self._set_state(account, "error", str(exc))
        except Exception as exc:  # a bug must cost one account one pass, not the whole loop
            log.exception("%s: unexpected error during sync", account.name)
            message = _("unexpected error: {kind}: {reason}").format(kind=type(exc).__name__, reason=exc)[:500]
            result.ok, result.state, result.error = False, "error", message
            self._set_state(account, "error", message)
        finally:
            if connector is not None:
                result.requests += getattr(connector, "requests", 0)
                await connector.close()
        level = logging.INFO if result.ok else logging.WARNING
        log.log(level, "%s", result.summary())
        return result

    def _offline(self, account) -> AccountResult:
        """An account without a connection by design: no request, no token needed; it stays
        idle and its operations stay pending (never attempted, never failed)."""
        if account.sync_state != "idle" or account.last_error:
            self._set_state(account, "idle", None)
        result = AccountResult(account.name, offline=True, waiting=self.store.outbox.waiting(account.id))
        log.info("%s", result.summary())
        return result

    # -- pulling ---------------------------------------------------------------------------
    async def _pull(self, account, connector: Connector, result: AccountResult) -> None:
        info = await connector.verify()
        if self._limits_due(account):
            limits = await connector.limits()
            self.store.accounts.replace_limits(account.id, limits.to_json(), iso(self.clock()))
        await self._pull_items(account, connector, result)
        # After the pull: a connector that learns its audience from the pull (members of its
        # places) needs no request of its own for it.
        self.store.ingest.follower_snapshot(account.id, await connector.audience(info))
        # Posts the server held as scheduled and whose time has come: is it still holding them?
        due = self.store.entries.server_scheduled_due(account.id, iso(self.clock()))
        listed = None
        if due and Capability.SCHEDULE in connector.capabilities:
            listed = {s.scheduled_id for s in await connector.scheduled()}
        posts = await connector.own_posts(info.remote_id, self.clock() - timedelta(days=OWN_POSTS_DAYS))
        self.store.ingest.own_posts(account.id, posts, counted=connector.profile.counts_from_events)
        if listed is not None and reconcile_scheduled(self.store, account.id, listed, posts, self.clock()):
            self.on_change(account.name)
        if info.is_admin and self._reports_due(account):  # the instance's open reports join the queue
            try:
                reports = await connector.admin_reports()
            except PermanentError as exc:  # the token lacks the admin:read:reports scope
                log.info("%s: instance reports not read: %s", account.name, exc)
                reports = None
            with self.store.transaction():
                self.store.accounts.set_cursor(account.id, "reports", iso(self.clock()))
                changed = reports is not None and self.store.reports.sync(
                    account.id, reports.reports, reports.unread, reports.all_named)
            if changed:
                self.on_change(account.name)
        if result.new_items:
            self.on_change(account.name)

    async def _pull_items(self, account, connector: Connector, result: AccountResult) -> None:
        """The notifications since the cursor (with no cursor, a backfill), stored a batch at a
        time, and the places the pull reported."""
        cursor = self.store.accounts.cursor(account.id, "notifications")
        since = self.clock() - timedelta(days=self.settings.backfill_days)
        # Pages are stored a batch at a time (one transaction is much cheaper than a dozen),
        # each batch with the cursor of its last page: a crash loses only what the next
        # pass fetches again.
        items: list[RemoteItem] = []
        events: list[RemoteEvent] = []
        deleted: list[str] = []
        batch_cursor: str | None = None

        def flush() -> None:
            nonlocal items, events, deleted, batch_cursor
            if items or events or deleted or batch_cursor is not None:
                stored = self.ingest.page(account.id, account.platform, items, events,
                                          stream="notifications", cursor=batch_cursor, deleted=deleted)
                result.new_items += stored.items
                result.events += stored.events
            items, events, deleted, batch_cursor = [], [], [], None

        try:
            async for page in connector.pull(cursor, since):
                items += page.items
                events += page.events
                deleted += page.deleted
                if page.final:
                    batch_cursor = page.cursor
                if len(items) + len(events) >= INGEST_BATCH:
                    flush()
        finally:  # what arrived before a failure is kept (with the cursor it had reached)
            flush()
        places = connector.places()
        if places:
            self.store.accounts.set_places(account.id, places)

    def _reports_due(self, account) -> bool:
        checked = self.store.accounts.cursor(account.id, "reports")
        return not checked or checked < iso(self.clock() - REPORTS_EVERY) or checked > iso(self.clock())

    def _limits_due(self, account) -> bool:
        checked = account.limits.get("checked_at")
        return not checked or checked < iso(self.clock() - LIMITS_EVERY)

    # -- between passes (live.py) ------------------------------------------------------------
    async def pull_notifications(self, account) -> int:
        """Only the notifications since the cursor: a live feed's gap fill after it connects,
        the short poll of a platform without push. Errors are the caller's; returns how many
        items were new."""
        result = AccountResult(account.name, platform=account.platform)
        connector = self.connector(account)
        try:
            await self._pull_items(account, connector, result)
            if connector.profile.own_posts_in_pull:  # our replies sent elsewhere: their items are answered
                remote_id = self.store.accounts.remote_account_id(account.id) or ""
                posts = await connector.own_posts(remote_id, self.clock() - timedelta(days=OWN_POSTS_DAYS))
                self.store.ingest.own_posts(account.id, posts, counted=connector.profile.counts_from_events)
        finally:
            await connector.close()
        if result.new_items or result.events:
            self.on_change(account.name)
        return result.new_items

    def store_pushed(self, account, page) -> int:
        """A page a live feed brought, through the pass's ingest (sanitised, rules run, an
        item the next pull brings again counted once); its cursor only when it is a pull's."""
        cursor = page.cursor if page.final else None
        if not (page.items or page.events or page.deleted or cursor is not None):
            return 0
        stored = self.ingest.page(account.id, account.platform, page.items, page.events, stream="notifications",
                                  cursor=cursor, deleted=page.deleted)
        if stored.items or stored.events or page.deleted:
            self.on_change(account.name)
        return stored.items

    # -- the outbox --------------------------------------------------------------------------
    async def _drain(self, account, connector: Connector, result: AccountResult) -> None:
        timeouts = 0
        while True:
            now = self.clock()
            op = self.store.outbox.claim(account.id, self.worker, iso(now), iso(now - self.lease))
            if op is None:
                return
            try:
                outcome = await execute(connector, op, self.store, now)
            except (AuthError, OfflineError) as exc:
                self.store.outbox.give_back(op["id"])
                raise exc
            except RateLimited as exc:
                self.store.outbox.retry_later(op["id"], str(exc), iso(exc.retry_at or now + timedelta(minutes=5)))
                raise
            except TimedOut as exc:
                if op["kind"] in AT_MOST_ONCE:  # no idempotency key to make a second attempt safe
                    self._failed(account, op, UNCERTAIN, result)
                    continue
                # It may have arrived: an attempt, retried later with the same key. One slow
                # answer should not hold the queue; two in a row end the pass.
                self.store.outbox.retry_later(op["id"], str(exc), iso(now + timedelta(seconds=backoff(op["attempts"]))))
                timeouts += 1
                if timeouts >= 2:
                    raise
                continue
            except TransientError as exc:
                at = now + timedelta(seconds=backoff(op["attempts"]))
                self.store.outbox.retry_later(op["id"], str(exc), iso(at))
                log.info("%s: operation %d (%s) will be retried at %s: %s", account.name, op["id"], op["kind"],
                         iso(at), exc)
                continue
            except PermanentError as exc:
                self._failed(account, op, str(exc), result)
                continue
            timeouts = 0
            with self.store.transaction():
                self.store.outbox.done(op["id"], outcome)
                apply_result(self.store, account, op, outcome, self.clock())
            result.sent += 1
            self.on_change(account.name)

    def _failed(self, account, op, message: str, result: AccountResult) -> None:
        with self.store.transaction():
            self.store.outbox.fail(op["id"], message)
            apply_result(self.store, account, op, None, self.clock(), error=message)
        # i18n: an outbox operation that failed for good: its number, its kind (reply, post, like...) and why
        result.failed.append(_("operation {id} ({kind}): {reason}").format(id=op["id"], kind=op["kind"], reason=message))
        self.on_change(account.name)

    # -- on demand -------------------------------------------------------------------------------
    async def fetch_thread(self, item_id: int) -> int:
        """Fetch an item's conversation from its platform and store it; return the thread id."""
        item = self.store.inbox.require(item_id)
        account = self.store.accounts.require_id(item["account_id"])
        if account.offline:  # no connection: what is stored is the whole conversation
            return item["thread_id"]
        connector = self.connector(account)
        try:
            try:
                posts = await connector.thread(item["remote_id"])
            except PermanentError as exc:
                if exc.status == 404:
                    self.store.ingest.mark_deleted(account.id, item["remote_id"])
                raise
            root = posts[0].remote_id if posts else item["remote_id"]
            handle = account.handle or ""
            thread_id = self.store.ingest.thread(account.id, handle, root, posts)
            own = next((p for p in posts if p.remote_id == item["remote_id"]), None)
            if own is not None:  # an edit on the platform reaches the item too
                self.ingest.items(account.id, account.platform, [_as_kind(own, item["kind"])])
            return thread_id
        finally:
            await connector.close()


def _as_kind(remote, kind: str):
    from dataclasses import replace

    return replace(remote, kind=kind)
