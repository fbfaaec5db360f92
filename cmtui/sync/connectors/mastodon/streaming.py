"""Mastodon's streaming API: the account's notifications as Server-Sent Events.

`GET /api/v1/streaming/user/notification` on the instance's streaming address (from
/api/v2/instance, where large instances name a host of their own). Each `notification` event
is a notification as /api/v1/notifications returns it, converted the same way; `delete`
says a status was removed. The server sends a comment every ~15 s: a read that waits longer
than READ_TIMEOUT means the connection is gone, and the engine reconnects.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from typing import AsyncIterator, Callable, Protocol
from urllib.parse import urlsplit

import httpx

from cmtui.i18n import _
from cmtui.sync.connectors.base import NoPush, PullPage, RateLimited, TimedOut
from cmtui.sync.connectors.sse import read_events
from cmtui.sync.connectors.transport import failure, refusal, retry_after, slow_down, tls
from cmtui.text import sanitize

log = logging.getLogger("cmtui.sync")

PATH = "/api/v1/streaming/user/notification"
READ_TIMEOUT = 60.0  # four heartbeats missed


class MastodonConnector(Protocol):
    """What streaming uses of the connector (connector.py, which imports this module)."""

    instance: str
    host: str
    timeout: float
    transport: httpx.AsyncBaseTransport | None
    auth_headers: dict[str, str]
    requests: int
    clock: Callable[[], datetime]

    async def instance_info(self) -> dict: ...

    def notification_page(self, batch: list) -> PullPage: ...


def _table(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def streaming_base(instance: str, advertised: object) -> str:
    """Where to stream: the address the instance advertises (ws(s):// made http(s)://) when it
    is the instance's host or a sibling under the same parent domain and no less secure; else
    the instance itself. The token goes there, so a server cannot send it elsewhere."""
    if not isinstance(advertised, str) or not advertised:
        return instance
    url = advertised.strip().rstrip("/")
    url = "https" + url[3:] if url.startswith("wss:") else "http" + url[2:] if url.startswith("ws:") else url
    ours, theirs = urlsplit(instance), urlsplit(url)
    if theirs.scheme not in ("http", "https") or not theirs.hostname or theirs.path not in ("", "/"):
        return instance
    if ours.scheme == "https" and theirs.scheme != "https":
        return instance
    host, other = ours.hostname or "", theirs.hostname
    if other != host and not other.endswith("." + _parent(host)):
        log.warning("%s advertises streaming on %s, another domain: streaming from the instance itself", host, other)
        return instance
    return f"{theirs.scheme}://{theirs.netloc}"


def _parent(host: str) -> str:
    """The domain an instance's streaming host may share: mastodon.social for itself and
    streaming.mastodon.social; example.org for social.example.org, but never a public suffix
    such as co.uk (social.example.co.uk keeps its own name) nor an address's digits."""
    labels = host.split(".")
    if host.replace(".", "").isdigit() or ":" in host or len(labels) < 3:
        return host
    parent = labels[1:]
    if len(parent) == 2 and len(parent[1]) == 2 and len(parent[0]) <= 3:  # co.uk, com.au, ne.jp
        return host
    return ".".join(parent)


async def notifications(connector: MastodonConnector) -> AsyncIterator[PullPage]:
    """An empty page once the stream is open — its first bytes arrived (":connected", a
    heartbeat): an answer's headers alone may be a proxy holding the stream back — then a
    page per notification or removal."""
    base = await _streaming_base(connector)
    host = urlsplit(base).netloc
    timeout = httpx.Timeout(connector.timeout, connect=min(10.0, connector.timeout), read=READ_TIMEOUT)
    malformed = Malformed()
    async with httpx.AsyncClient(headers=connector.auth_headers | {"Accept": "text/event-stream"}, timeout=timeout,
                                 follow_redirects=False, transport=connector.transport, verify=tls()) as client:
        try:
            async with client.stream("GET", base + PATH) as response:
                connector.requests += 1
                _check(response, host, connector)
                chunks = response.aiter_bytes()
                first = await anext(chunks, b"")
                if not first:
                    raise TimedOut(_("{host} closed the stream").format(host=host))
                yield PullPage()
                async for event in read_events(_chain(first, chunks)):
                    page = _page(connector, event.name, event.data, malformed)
                    if page is not None:
                        yield page
        except httpx.HTTPError as exc:
            raise failure(exc, host, connector.timeout, waited=READ_TIMEOUT, held=True) from None
        finally:
            malformed.say(connector.host)
    raise TimedOut(_("{host} closed the stream").format(host=host))  # a clean end is a cut too


async def _chain(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


# The streaming address each instance advertises, asked again at most hourly rather than on
# every reconnect: {instance URL: (when asked, time.monotonic(); the address)}.
_bases: dict[str, tuple[float, str]] = {}
BASE_KEPT = 3600.0


async def _streaming_base(connector: MastodonConnector) -> str:
    kept = _bases.get(connector.instance)
    if kept is not None and time.monotonic() - kept[0] < BASE_KEPT:
        return kept[1]
    instance = await connector.instance_info()
    advertised = _table(_table(instance.get("configuration")).get("urls")).get("streaming")
    advertised = advertised or _table(instance.get("urls")).get("streaming_api")  # v1's name for it
    base = streaming_base(connector.instance, advertised)
    if len(_bases) >= 64:  # (a process follows a few instances; never grows without bound)
        _bases.clear()
    _bases[connector.instance] = (time.monotonic(), base)
    return base


def _check(response: httpx.Response, host: str, connector: MastodonConnector) -> None:
    status = response.status_code
    if status == 404 or 300 <= status < 400:  # streaming switched off, or served elsewhere than said
        raise NoPush(_("{host} does not stream notifications ({status})").format(host=host, status=status), status)
    if status == 429:
        now = connector.clock()
        until = retry_after(response, now)
        raise RateLimited(slow_down(host, until or now), until)
    refused = refusal(status, host, sanitize(response.reason_phrase or "", max_len=100, single_line=True))
    if refused is not None:
        raise refused
    kind = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "text/event-stream":  # a proxy's page, say: this address does not stream
        raise NoPush(_("{host} does not stream notifications ({status} {kind})").format(
            host=host, status=status, kind=sanitize(kind, max_len=100, single_line=True)), status)


class Malformed:
    """The malformed events of one connection: the first said at once, the rest counted and
    said when it ends (a hostile stream must not flood the log)."""

    def __init__(self) -> None:
        self.count = 0

    def skipped(self, host: str) -> None:
        self.count += 1
        if self.count == 1:
            log.warning("%s: skipped a malformed streamed notification (the next pull brings it)", host)

    def say(self, host: str) -> None:
        if self.count > 1:
            log.warning("%s: skipped %d more malformed streamed notifications on this connection", host,
                        self.count - 1)


def _page(connector: MastodonConnector, name: str, data: str, malformed: Malformed) -> PullPage | None:
    if name == "delete":
        remote_id = data.strip()
        return PullPage(deleted=[remote_id]) if remote_id.isascii() and remote_id.isalnum() else None
    if name != "notification":  # home timeline updates, filters changed...: not the inbox's
        return None
    try:
        notification = json.loads(data)
    except ValueError:
        notification = None
    if not isinstance(notification, dict):
        malformed.skipped(connector.host)
        return None
    page = connector.notification_page([notification])
    return page if page.items or page.events else None
