"""Mastodon (and compatible servers) over its REST API, with httpx.

Every response is checked before it is believed: a status that is not 2xx becomes one of
the connector errors, a body that is not the JSON shape expected is a TransientError, and
the rate-limit headers are kept so the engine can slow down before it runs out.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
from datetime import datetime, timedelta, timezone
from typing import AsyncIterator
from urllib.parse import urlsplit

import httpx

from cmtui import __version__
from cmtui import l10n
from cmtui.i18n import _, ngettext
from cmtui.errors import InputError
from cmtui.model import iso, utcnow
from cmtui.sync.connectors.base import (
    AccountContext, AccountInfo, AccountRef, AdminReports, AuthError, Connector, Limits, OfflineError, OwnPost,
    PermanentError, Person, Posted, PostRequest, PullPage, RateLimited, RemoteEvent, RemoteItem, RemoteReport,
    ScheduledPost, ServerRule, TimedOut, TransientError,
)
from cmtui.sync.connectors.mastodon.address import normalize_instance
from cmtui.sync.connectors.mastodon.media import upload_all, with_media
from cmtui.text_html import html_to_text
from cmtui.sync.connectors.mastodon.profile import PROFILE
from cmtui.sync.connectors.transport import network_error, no_answer, no_connection, slow_down, tls, unreachable
from cmtui.text import sanitize

log = logging.getLogger("cmtui.sync")

PAGE = 80  # Mastodon's largest notifications page (some servers cap lower; any size works)
PULL_TYPES = ("mention", "favourite", "reblog", "follow")
# Mastodon's notification types for the neutral event kinds (RemoteEvent.kind).
EVENT_KINDS = {"favourite": "like", "reblog": "share", "follow": "follow"}
ADMIN_PERMISSIONS = 1 | 16  # Administrator, Manage Reports
MAX_PACING_WAIT = 30.0  # longer waits end the pass; the engine comes back after the reset
MAX_RATE_PAUSE = timedelta(hours=1)  # a reset further away (a clock running ahead) is not believed


def id_key(remote_id: str) -> tuple[int, str]:
    """Order ids as the server does: numeric snowflakes by value, others (ULIDs) as text."""
    return (len(remote_id), remote_id)


def _time(value) -> str:
    """Server time (ISO 8601 with offset, micro-seconds) as the store's UTC text."""
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return iso(dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc))


def complete_acct(acct: str, host: str) -> str:
    """A local account's acct has no server ("ana"): name it in full, like a remote one."""
    return acct if "@" in acct or not acct else f"{acct}@{host}"


def report_from_api(report: dict, host: str) -> RemoteReport:
    """An admin report entity (GET /api/v1/admin/reports) as a typed value: times as the
    store keeps them (servers send milliseconds), handles complete. KeyError/ValueError
    when it is malformed."""
    def person(account: dict | None) -> Person:
        account = account or {}
        inner = account.get("account") or account  # admin entities nest the plain account
        acct = str(inner.get("acct") or account.get("username") or "")
        remote_id = inner.get("id") or account.get("id")
        return Person(acct=complete_acct(acct, host), remote_id=str(remote_id) if remote_id else None)

    status_ids = [str(s["id"]) for s in report.get("statuses") or [] if isinstance(s, dict) and s.get("id")]
    status_ids += [str(s) for s in report.get("status_ids") or [] if str(s) not in status_ids]
    assigned = person(report.get("assigned_account")).acct if report.get("assigned_account") else None
    return RemoteReport(
        remote_id=str(report["id"]), target=person(report.get("target_account")),
        created_at=_time(report["created_at"]), category=str(report.get("category") or "other"),
        comment=str(report.get("comment") or ""), assigned_to=assigned or None, status_ids=tuple(status_ids))


def _retry_at(headers: httpx.Headers, now: datetime) -> datetime | None:
    """When a 429 says we may try again: Retry-After (seconds or HTTP date) and
    X-RateLimit-Reset (ISO 8601 on Mastodon, epoch seconds on some servers); the later wins."""
    found: list[datetime] = []
    retry_after = headers.get("retry-after")
    if retry_after:
        if retry_after.strip().isdigit():
            found.append(now + timedelta(seconds=int(retry_after)))
        else:
            try:
                found.append(email.utils.parsedate_to_datetime(retry_after).astimezone(timezone.utc))
            except (TypeError, ValueError):
                pass
    reset = _reset_time(headers.get("x-ratelimit-reset"))
    if reset:
        found.append(reset)
    return max(found) if found else None


def _reset_time(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        if value.replace(".", "", 1).isdigit():
            return datetime.fromtimestamp(float(value), tz=timezone.utc)
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _json_replacing(content: bytes):
    """A JSON body decoded with bad UTF-8 bytes replaced (ValueError when it is not JSON)."""
    import json

    return json.loads(content.decode("utf-8", errors="replace"))


class MastodonConnector(Connector):
    platform = "mastodon"
    profile = PROFILE  # its capabilities too (Connector.__init_subclass__)

    @classmethod
    def normalize_server(cls, url: str) -> str:
        return normalize_instance(url)

    @classmethod
    def authorize(cls, server: str, timeout: float, ask) -> str:
        """OAuth out-of-band with PKCE: ask(authorize URL) returns the code the user pastes."""
        from cmtui.sync.connectors.mastodon import oauth

        pending = oauth.start(server, timeout)
        code = ask(pending.url)
        if not code:
            raise InputError(_("no authorization code given; nothing was added"))
        return oauth.finish(pending, code, timeout)

    def __init__(self, instance: str, token: str, *, timeout: float = 30.0, account: AccountContext | None = None,
                 clock=utcnow, transport: httpx.AsyncBaseTransport | None = None):
        self.instance = normalize_instance(instance)
        self.host = urlsplit(self.instance).netloc
        self.account_remote_id = account.remote_id if account is not None else None
        self.clock = clock
        self.timeout = timeout
        self.requests = 0  # requests sent (tests and the benchmark count them)
        self.rate_limit: int | None = None
        self.rate_remaining: int | None = None
        self.rate_reset: datetime | None = None
        self.transport = transport
        self.auth_headers = {"Authorization": f"Bearer {token}", "User-Agent": f"cmtui/{__version__}"}  # i18n: not shown
        self._client = httpx.AsyncClient(
            base_url=self.instance,
            headers=self.auth_headers | {"Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            follow_redirects=False,
            transport=transport,
            verify=tls(),
        )

    async def close(self) -> None:
        await self._client.aclose()

    # -- HTTP ---------------------------------------------------------------------
    async def _pace(self) -> None:
        """Slow down before the rate limit runs out: with few requests left in the window,
        wait for its reset (or hand the wait to the engine when it is long)."""
        if self.rate_remaining is None or self.rate_reset is None:
            return
        floor = max(2, (self.rate_limit or 300) // 20)
        if self.rate_remaining > floor:
            return
        wait = (self.rate_reset - self.clock()).total_seconds()
        if wait <= 0:
            return
        if wait > MAX_PACING_WAIT:
            raise RateLimited(ngettext("{host}: only {n} request left until {when}",
                                       "{host}: only {n} requests left until {when}", self.rate_remaining).format(
                host=self.host, n=l10n.number(self.rate_remaining), when=iso(self.rate_reset)), self.rate_reset)
        log.info("%s: %d requests left, waiting %.0f s for the rate limit to reset", self.host,
                 self.rate_remaining, wait)
        await asyncio.sleep(wait)
        self.rate_remaining = None

    async def _call(self, method: str, path: str, *, expect: type | None = dict, params=None, json=None,
                    headers=None, files=None, data=None):
        await self._pace()
        try:
            response = await self._client.request(method, path, params=params, json=json, headers=headers,
                                                  files=files, data=data)
        except httpx.ConnectTimeout:
            raise OfflineError(no_connection(self.host, min(10.0, self.timeout))) from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError):
            raise TimedOut(no_answer(self.host, self.timeout)) from None
        except httpx.ConnectError as exc:
            reason = str(exc) or type(exc).__name__
            if "SSL" in reason or "CERTIFICATE" in reason.upper():
                raise OfflineError(_("TLS error talking to {host}: {reason}").format(host=self.host, reason=reason)) from None
            raise OfflineError(unreachable(self.host, reason)) from None
        except httpx.HTTPError as exc:
            raise OfflineError(network_error(self.host, type(exc).__name__)) from None
        finally:
            self.requests += 1
        self._note_rate(response.headers)
        status = response.status_code
        if status == 429:
            now = self.clock()
            retry_at = min(_retry_at(response.headers, now) or now + timedelta(minutes=5), now + MAX_RATE_PAUSE)
            raise RateLimited(slow_down(self.host, retry_at), retry_at)
        # The server's own words ({reason}) are shown as it sent them.
        if status >= 500:
            raise TransientError(_("{host} answered {status} {reason}").format(
                host=self.host, status=status, reason=self._error_text(response)).rstrip())
        if status in (401, 403):
            raise AuthError(_("{host} refused the token ({status} {reason})").format(
                host=self.host, status=status, reason=self._error_text(response)))
        if status >= 400:
            raise PermanentError(_("{host} refused: {status} {reason}").format(
                host=self.host, status=status, reason=self._error_text(response)).rstrip(), status)
        if 300 <= status < 400:
            target = sanitize(response.headers.get("location", "elsewhere"), max_len=300, single_line=True)
            raise PermanentError(_("{host} redirects {path} to {target}; if the instance moved, give its new address")
                                 .format(host=self.host, path=path, target=target), status)
        if expect is None:
            return None
        try:
            try:
                body = response.json()
            except UnicodeDecodeError:  # bytes that are not UTF-8: keep the page, mark the damage (U+FFFD)
                body = _json_replacing(response.content)
        except ValueError:
            raise TransientError(_("malformed response from {host} ({what}: not JSON)").format(
                host=self.host, what=f"{method} {path}")) from None
        if not isinstance(body, expect):
            raise TransientError(_("malformed response from {host} ({what}: expected {expected}, got {got})").format(
                host=self.host, what=f"{method} {path}", expected=expect.__name__, got=type(body).__name__))
        return body

    @staticmethod
    def _error_text(response: httpx.Response) -> str:
        try:
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("error"), str):  # remote text, shown to the user
                return sanitize(body["error"], max_len=300, single_line=True)
        except ValueError:
            pass
        return sanitize(response.reason_phrase or "", max_len=100, single_line=True)

    def _note_rate(self, headers: httpx.Headers) -> None:
        try:
            if "x-ratelimit-remaining" in headers:
                self.rate_remaining = int(headers["x-ratelimit-remaining"])
            if "x-ratelimit-limit" in headers:
                self.rate_limit = int(headers["x-ratelimit-limit"])
        except ValueError:
            pass
        reset = _reset_time(headers.get("x-ratelimit-reset"))
        if reset:
            self.rate_reset = reset

    # -- conversions --------------------------------------------------------------------
    def _acct(self, account: dict) -> str:
        return complete_acct(str(account.get("acct") or account.get("username") or ""), self.host)

    def _person(self, account: dict) -> Person:
        created = account.get("created_at")
        return Person(
            acct=self._acct(account),
            display_name=str(account.get("display_name") or ""),
            remote_id=str(account["id"]) if account.get("id") is not None else None,
            url=account.get("url"),
            created_at=_time(created) if created else None,
            bot=bool(account.get("bot")),
        )

    def _item(self, status: dict, kind: str | None = None) -> RemoteItem:
        visibility = status.get("visibility")
        if kind is None:
            if visibility == "direct":
                kind = "direct"
            elif status.get("in_reply_to_id") and status.get("in_reply_to_account_id") == self.account_remote_id:
                kind = "reply"
            else:
                kind = "mention"
        text = html_to_text(status.get("content"))
        if status.get("spoiler_text"):
            text = f"CW: {status['spoiler_text']}\n\n{text}"
        edited = status.get("edited_at")
        return RemoteItem(
            remote_id=str(status["id"]),
            kind=kind,
            author=self._person(status["account"]),
            text=text,
            created_at=_time(status["created_at"]),
            url=status.get("url") or status.get("uri"),
            language=status.get("language"),
            visibility=visibility,
            in_reply_to_remote_id=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None,
            edited_at=_time(edited) if edited else None,
        )

    def notification_page(self, batch: list) -> PullPage:
        page = PullPage()
        for notification in batch:
            try:
                kind = notification["type"]
                if kind == "mention":
                    if notification.get("status"):  # null: the status was deleted since
                        page.items.append(self._item(notification["status"]))
                elif kind in EVENT_KINDS:
                    status = notification.get("status") or {}
                    page.events.append(RemoteEvent(
                        kind=EVENT_KINDS[kind], remote_id=str(notification["id"]), actor=self._acct(notification["account"]),
                        created_at=_time(notification["created_at"]),
                        post_remote_id=str(status["id"]) if status.get("id") else None,
                    ))
            except (KeyError, TypeError, ValueError) as exc:
                # One broken entry must not block the stream for good: skip it, say so.
                log.warning("%s: skipped a malformed notification (%s)", self.host, type(exc).__name__)
        return page

    # -- the Connector interface ----------------------------------------------------------
    async def verify(self) -> AccountInfo:
        me = await self._call("GET", "/api/v1/accounts/verify_credentials")
        try:
            role = me.get("role") or {}
            permissions = int(role.get("permissions") or 0) if isinstance(role, dict) else 0
            info = AccountInfo(
                remote_id=str(me["id"]), acct=self._acct(me), display_name=str(me.get("display_name") or ""),
                followers=int(me.get("followers_count") or 0), following=int(me.get("following_count") or 0),
                posts=int(me.get("statuses_count") or 0), is_admin=bool(permissions & ADMIN_PERMISSIONS),
            )
        except (KeyError, TypeError, ValueError):
            raise TransientError(_("malformed account from {host}").format(host=self.host)) from None
        self.account_remote_id = info.remote_id
        return info

    async def instance_info(self) -> dict:
        """/api/v2/instance, or v1's on servers without it."""
        try:
            return await self._call("GET", "/api/v2/instance")
        except PermanentError as exc:
            if exc.status != 404:
                raise
            return await self._call("GET", "/api/v1/instance")

    async def limits(self) -> Limits:
        body = await self.instance_info()
        statuses = ((body.get("configuration") or {}).get("statuses") or {})
        if not statuses and "uri" not in body and "domain" not in body:
            raise PermanentError(_("{host} does not look like a Mastodon server").format(host=self.host))
        rules = tuple(ServerRule(id=str(r.get("id") or ""), text=sanitize(str(r.get("text") or ""), max_len=1000),
                                 hint=sanitize(str(r.get("hint") or ""), max_len=2000))
                      for r in body.get("rules") or [] if isinstance(r, dict))
        return with_media(Limits(max_chars=int(statuses.get("max_characters") or 500),
                                 url_weight=int(statuses.get("characters_reserved_per_url") or 23), rules=rules), body)

    async def pull(self, cursor: str | None, since: datetime) -> AsyncIterator[PullPage]:
        # The next page's bounds come from the ids of this one rather than the Link header:
        # some servers' Link URLs drop the types[] filter.
        base = [("types[]", t) for t in PULL_TYPES] + [("limit", PAGE)]
        if cursor is not None:
            # Forward from the cursor: min_id gives the page just above it, oldest gap first.
            while True:
                batch = await self._call("GET", "/api/v1/notifications", expect=list,
                                         params=base + [("min_id", cursor)])
                if not batch:
                    return
                page = self.notification_page(batch)
                page.cursor = cursor = max(self._ids(batch), key=id_key)
                page.final = True
                yield page
        # No cursor yet: walk back from the newest to `since`. The cursor is handed over
        # only at the end, so an interrupted backfill starts again rather than leave a gap.
        since_text = iso(since)
        newest: str | None = None
        max_id: str | None = None
        while True:
            params = base + ([("max_id", max_id)] if max_id else [])
            batch = await self._call("GET", "/api/v1/notifications", expect=list, params=params)
            if not batch:
                break
            ids = self._ids(batch)
            newest = newest or max(ids, key=id_key)
            page = self.notification_page(batch)
            page.items = [i for i in page.items if i.created_at >= since_text]
            page.events = [e for e in page.events if e.created_at >= since_text]
            yield page
            oldest = min(ids, key=id_key)
            if oldest == max_id or self._reaches_back(batch, since_text):
                break
            max_id = oldest
        yield PullPage(cursor=newest or "0", final=True)

    def _ids(self, batch: list) -> list[str]:
        ids = [str(n["id"]) for n in batch if isinstance(n, dict) and n.get("id") is not None]
        if not ids:
            raise TransientError(_("malformed response from {host} (notifications without ids)").format(host=self.host))
        return ids

    @staticmethod
    def _reaches_back(batch: list, since_text: str) -> bool:
        """Whether a page holds anything older than the backfill's start."""
        for notification in batch:
            try:
                if _time(notification["created_at"]) < since_text:
                    return True
            except (KeyError, TypeError, ValueError):
                continue
        return False

    def live(self, cursor: str | None) -> AsyncIterator[PullPage]:
        """The streaming API (streaming.py); the cursor stays where the pulls left it."""
        from cmtui.sync.connectors.mastodon.streaming import notifications

        return notifications(self)

    async def thread(self, remote_id: str) -> list[RemoteItem]:
        status = await self._call("GET", f"/api/v1/statuses/{remote_id}")
        context = await self._call("GET", f"/api/v1/statuses/{remote_id}/context")
        items = []
        for entry in [*(context.get("ancestors") or []), status, *(context.get("descendants") or [])]:
            try:
                items.append(self._item(entry))
            except (KeyError, TypeError, ValueError):
                log.warning("%s: skipped a malformed status in a thread", self.host)
        return items

    async def status(self, remote_id: str) -> RemoteItem:
        return self._item(await self._call("GET", f"/api/v1/statuses/{remote_id}"))

    async def publish(self, post: PostRequest) -> Posted:
        body: dict[str, object] = {"status": post.text, "visibility": post.visibility or PROFILE.default_visibility}
        for key, value in (("in_reply_to_id", post.in_reply_to_remote_id), ("language", post.language),
                           ("spoiler_text", post.spoiler_text), ("scheduled_at", post.scheduled_at)):
            if value:
                body[key] = value
        if post.media:  # uploaded first; the status below keeps its key, so a retry posts it once
            body["media_ids"] = await upload_all(self._call, self.host, post.media)
        result = await self._call("POST", "/api/v1/statuses", json=body,
                                  headers={"Idempotency-Key": post.idempotency_key})
        return self._posted(result)

    def _posted(self, result: dict) -> Posted:
        try:
            if "params" in result and "content" not in result:  # a ScheduledStatus
                return Posted(scheduled_id=str(result["id"]), scheduled_at=_time(result["scheduled_at"]))
            return Posted(remote_id=str(result["id"]), url=result.get("url") or result.get("uri"),
                          created_at=_time(result["created_at"]))
        except (KeyError, TypeError, ValueError):
            raise TransientError(_("malformed status from {host}").format(host=self.host)) from None

    async def edit(self, remote_id: str, text: str, spoiler_text: str | None = None) -> Posted:
        body = {"status": text}
        if spoiler_text is not None:
            body["spoiler_text"] = spoiler_text
        return self._posted(await self._call("PUT", f"/api/v1/statuses/{remote_id}", json=body))

    async def delete(self, remote_id: str) -> None:
        try:
            await self._call("DELETE", f"/api/v1/statuses/{remote_id}")
        except PermanentError as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    async def reschedule(self, scheduled_id: str, scheduled_at: str) -> Posted:
        return self._posted(await self._call("PUT", f"/api/v1/scheduled_statuses/{scheduled_id}",
                                             json={"scheduled_at": scheduled_at}))

    async def cancel_scheduled(self, scheduled_id: str) -> None:
        try:
            await self._call("DELETE", f"/api/v1/scheduled_statuses/{scheduled_id}")
        except PermanentError as exc:
            if exc.status != 404:
                raise

    async def scheduled(self) -> list[ScheduledPost]:
        """The server's scheduled posts (listing them also lets due ones publish on some servers)."""
        posts = []
        for entry in await self._call("GET", "/api/v1/scheduled_statuses", expect=list):
            try:
                at = entry.get("scheduled_at")
                posts.append(ScheduledPost(scheduled_id=str(entry["id"]), scheduled_at=_time(at) if at else None))
            except (AttributeError, KeyError, TypeError, ValueError):
                log.warning("%s: skipped a malformed scheduled post", self.host)
        return posts

    async def own_posts(self, account_remote_id: str, since: datetime) -> list[OwnPost]:
        since_text = iso(since)
        posts: list[OwnPost] = []
        max_id = None
        while True:
            params = [("limit", 40), ("exclude_reblogs", "true")] + ([("max_id", max_id)] if max_id else [])
            batch = await self._call("GET", f"/api/v1/accounts/{account_remote_id}/statuses", expect=list,
                                     params=params)
            for status in batch:
                try:
                    created = _time(status["created_at"])
                    if created >= since_text:
                        posts.append(OwnPost(
                            remote_id=str(status["id"]), created_at=created,
                            likes=int(status.get("favourites_count") or 0),
                            shares=int(status.get("reblogs_count") or 0),
                            replies=int(status.get("replies_count") or 0),
                            in_reply_to_remote_id=str(status["in_reply_to_id"]) if status.get("in_reply_to_id")
                            else None,
                            language=status.get("language"), text=html_to_text(status.get("content")),
                            url=status.get("url"),
                        ))
                except (KeyError, TypeError, ValueError):
                    log.warning("%s: skipped a malformed status of ours", self.host)
            try:
                oldest = min(_time(s["created_at"]) for s in batch) if batch else ""
                next_max = min((str(s["id"]) for s in batch), key=id_key) if batch else None
            except (KeyError, TypeError, ValueError):
                raise TransientError(_("malformed statuses from {host}").format(host=self.host)) from None
            if not batch or len(batch) < 40 or oldest < since_text or next_max == max_id:
                return posts
            max_id = next_max

    async def lookup(self, handle: str) -> AccountRef:
        found = await self._call("GET", "/api/v1/accounts/lookup", params={"acct": handle})
        try:
            return AccountRef(remote_id=str(found["id"]), handle=self._acct(found))
        except (KeyError, TypeError):
            raise TransientError(_("malformed account from {host}").format(host=self.host)) from None

    async def mute(self, account_remote_id: str) -> None:
        await self._call("POST", f"/api/v1/accounts/{account_remote_id}/mute")

    async def block(self, account_remote_id: str) -> None:
        await self._call("POST", f"/api/v1/accounts/{account_remote_id}/block")

    async def report(self, account_remote_id: str, status_ids: list[str], comment: str = "",
                     category: str | None = None, forward: bool = False) -> str:
        body = {"account_id": account_remote_id, "status_ids": status_ids, "comment": comment,
                "category": category or PROFILE.default_report_category, "forward": forward}
        return str((await self._call("POST", "/api/v1/reports", json=body))["id"])

    async def admin_reports(self) -> AdminReports:
        reports, unread, all_named = [], [], True
        for report in await self._call("GET", "/api/v1/admin/reports", expect=list):
            try:
                reports.append(report_from_api(report, self.host))
            except (AttributeError, KeyError, TypeError, ValueError):
                log.warning("%s: skipped a malformed instance report", self.host)
                report_id = report.get("id") if isinstance(report, dict) else None
                if isinstance(report_id, (str, int)) and not isinstance(report_id, bool) and str(report_id):
                    unread.append(str(report_id))
                else:
                    all_named = False
        return AdminReports(reports, tuple(unread), all_named)

    async def assign_report(self, report_id: str) -> None:
        await self._call("POST", f"/api/v1/admin/reports/{report_id}/assign_to_self")

    async def resolve_report(self, report_id: str) -> None:
        await self._call("POST", f"/api/v1/admin/reports/{report_id}/resolve")

    async def account_action(self, account_remote_id: str, action: str, text: str = "",
                             report_id: str | None = None) -> None:
        body = {"type": action, "text": text}
        if report_id:
            body["report_id"] = report_id
        await self._call("POST", f"/api/v1/admin/accounts/{account_remote_id}/action", json=body, expect=None)

    # -- likes and shares --
    # Favouriting and boosting are idempotent on the server (a second favourite of a status is
    # the same favourite), so a retry after a time-out does nothing twice; no receipt needed.
    async def _status_action(self, remote_id: str, action: str) -> None:
        try:
            await self._call("POST", f"/api/v1/statuses/{remote_id}/{action}")
        except PermanentError as exc:
            if exc.status != 404 or not action.startswith("un"):  # taking back from a gone status: done
                raise

    async def like(self, remote_id: str, key: str) -> str | None:
        await self._status_action(remote_id, "favourite")
        return None

    async def unlike(self, remote_id: str, receipt: str | None = None) -> None:
        await self._status_action(remote_id, "unfavourite")

    async def share(self, remote_id: str, key: str) -> str | None:
        await self._status_action(remote_id, "reblog")
        return None

    async def unshare(self, remote_id: str, receipt: str | None = None) -> None:
        await self._status_action(remote_id, "unreblog")
