"""The Matrix client-server API over httpx: one request, its errors mapped to the connector's.

Matrix says why in the body (`{"errcode", "error"}`), not only in the status: a 403
M_FORBIDDEN is about one room (a power level too low), not about the token, so it is a
PermanentError; only M_UNKNOWN_TOKEN / M_MISSING_TOKEN mean the account needs attention.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable
from urllib.parse import quote, urlsplit

import httpx

from cmtui import __version__
from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.sync.connectors.base import (
    AuthError, PermanentError, RateLimited, TransientError,
)
from cmtui.sync.connectors.transport import failure, json_object, retry_after, send, slow_down, tls
from cmtui.text import sanitize

CLIENT = "/_matrix/client/v3"
DEFAULT_RATE_WAIT = timedelta(seconds=30)  # a 429 that does not say how long
MAX_RATE_PAUSE = timedelta(hours=1)  # a longer wait is not believed
AUTH_CODES = {"M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_USER_LOCKED"}


def segment(value: str) -> str:
    """A room id, event id, user id or alias as one path segment ("!", "$", "#", ":" escaped)."""
    return quote(value, safe="")


def normalize_homeserver(url: str) -> str:
    """The homeserver's base URL as stored; InputError for one that cannot be one."""
    text = (url or "").strip().rstrip("/")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if (parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in parts.netloc)
            or parts.query or parts.fragment):
        raise InputError(_("'{url}' is not a homeserver URL (like https://matrix.example.org)").format(
            url=sanitize(url, max_len=200, single_line=True)))
    return text


def error_parts(response: httpx.Response) -> tuple[str, str, dict]:
    """(errcode, the error text sanitised, the body) of an error response."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return "", sanitize(response.reason_phrase or "", max_len=100, single_line=True), {}
    code = body.get("errcode") if isinstance(body.get("errcode"), str) else ""
    text = body.get("error") if isinstance(body.get("error"), str) else ""
    return (sanitize(code, max_len=60, single_line=True),
            sanitize(text or response.reason_phrase or "", max_len=300, single_line=True), body)


def retry_at(response: httpx.Response, body: dict, now: datetime) -> datetime:
    """When a 429 lets us try again: retry_after_ms in the body, Retry-After in the headers
    (seconds or an HTTP date); the later wins, capped."""
    found: list[datetime] = []
    ms = body.get("retry_after_ms")
    if isinstance(ms, (int, float)) and not isinstance(ms, bool) and ms >= 0:
        found.append(now + timedelta(milliseconds=ms))
    if (after := retry_after(response, now)) is not None:
        found.append(after)
    return min(max(found) if found else now + DEFAULT_RATE_WAIT, now + MAX_RATE_PAUSE)


class MatrixHttp:
    """An AsyncClient on one homeserver with one access token; counts its requests."""

    def __init__(self, server: str, token: str, *, timeout: float, clock: Callable[[], datetime],
                 transport: httpx.AsyncBaseTransport | None = None):
        self.server = server
        self.host = urlsplit(server).netloc
        self.timeout = timeout
        self.clock = clock
        self.requests = 0
        self._client = httpx.AsyncClient(
            base_url=server,
            headers={"Authorization": f"Bearer {token}", "User-Agent": f"cmtui/{__version__}",  # i18n: not shown
                     "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            follow_redirects=False, transport=transport, verify=tls())

    async def close(self) -> None:
        await self._client.aclose()

    async def call(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                   prefix: str = CLIENT, content: bytes | None = None, headers: dict | None = None,
                   wait: float | None = None) -> dict:
        """The JSON object the homeserver answered; a connector error for anything else.
        content: raw bytes sent instead of JSON (a media upload). wait: a long poll's seconds."""
        body: dict[str, Any] = {"content": content} if content is not None else {"json": json}
        try:
            if wait is None:
                response = await send(self._client, method, prefix + path, host=self.host, timeout=self.timeout,
                                      params=params, headers=headers, **body)
            else:
                response = await self._long_poll(method, prefix + path, params, wait)
        finally:
            self.requests += 1
        if response.status_code >= 300:
            self._raise(response, method, path)
        return json_object(response.content, host=self.host, what=f"{method} {path}")

    async def _long_poll(self, method: str, url: str, params: dict | None, wait: float) -> httpx.Response:
        """A request the server may hold for `wait` seconds: the read waits that much longer
        than the account's time-out; a connection cut meanwhile is TimedOut (the caller
        reconnects), one that never opened OfflineError."""
        read = self.timeout + wait
        limits = httpx.Timeout(self.timeout, connect=min(10.0, self.timeout), read=read)
        try:
            return await self._client.request(method, url, params=params, extensions={"timeout": limits.as_dict()})
        except httpx.HTTPError as exc:
            raise failure(exc, self.host, self.timeout, waited=read, held=True) from None

    def _raise(self, response: httpx.Response, method: str, path: str) -> None:
        status = response.status_code
        code, text, body = error_parts(response)
        said = f"{code}: {text}" if code else text
        if status == 429 or code == "M_LIMIT_EXCEEDED":
            until = retry_at(response, body, self.clock())
            raise RateLimited(slow_down(self.host, until), until)
        # The server's own words ({reason}) are shown as it sent them.
        if status >= 500:
            raise TransientError(_("{host} answered {status} {reason}").format(
                host=self.host, status=status, reason=said).rstrip())
        if status == 401 or code in AUTH_CODES:
            raise AuthError(_("{host} refused the token ({status} {reason})").format(
                host=self.host, status=status, reason=said))
        if status < 400:
            raise PermanentError(_("{host} redirects {path}; if the homeserver moved, give its new address").format(
                host=self.host, path=path), status)
        raise PermanentError(_("{host} refused: {status} {reason}").format(
            host=self.host, status=status, reason=said).rstrip(), status)
