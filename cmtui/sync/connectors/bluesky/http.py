"""XRPC over httpx: a query is a GET, a procedure a POST; errors mapped to the connector's.

The AT Protocol says why in the body ({"error": code, "message": text}). An expired access
token (400 ExpiredToken) is renewed once through `renew` and the call sent again; any other
refusal of the token (401, InvalidToken, AuthenticationRequired) means the account needs
attention. A JWT never appears in an error text, even if a server echoes one.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

import httpx

from cmtui import __version__
from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.sync.connectors.base import (
    AuthError, PermanentError, RateLimited, TransientError,
)
from cmtui.sync.connectors.transport import json_object, retry_after, send, slow_down, tls
from cmtui.text import sanitize

DEFAULT_RATE_WAIT = timedelta(seconds=60)  # a 429 that does not say how long
MAX_RATE_PAUSE = timedelta(hours=1)  # a longer wait is not believed
RENEW_AHEAD = timedelta(seconds=60)  # an access token this close to its end is renewed first
AUTH_CODES = {"AuthenticationRequired", "InvalidToken", "AuthMissing", "AccountTakedown", "AccountDeactivated"}
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def scrub(text: str, max_len: int = 300) -> str:
    """Remote text fit for an error line: sanitised, one line, no token in it."""
    return sanitize(_JWT.sub("<token>", text or ""), max_len=max_len, single_line=True)


def normalize_pds(url: str) -> str:
    """scheme://host[:port] of a PDS; plain http only on this machine (loopback)."""
    raw = (url or "").strip()
    shown = scrub(raw, 200)
    parts = urlsplit(raw if "://" in raw else "https://" + raw)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    host = parts.hostname or ""
    if (parts.scheme not in ("http", "https") or not host or not port_ok or any(c.isspace() for c in parts.netloc)
            or "@" in parts.netloc or parts.path not in ("", "/") or parts.query or parts.fragment):
        raise InputError(_("'{url}' is not a PDS address (like https://bsky.social)").format(url=shown))
    if parts.scheme == "http" and not _loopback(host):
        raise InputError(_("'{url}' uses plain http: the app password would travel unencrypted; use https").format(
            url=shown))
    return f"{parts.scheme}://{parts.netloc}".lower()


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Refused(PermanentError):
    """A 4xx with the XRPC error code (RecordNotFound, InvalidRequest...)."""

    def __init__(self, message: str, status: int, code: str):
        super().__init__(message, status)
        self.code = code


class ExpiredToken(AuthError):
    """The access token has expired: renew the session, then try again."""


def retry_at(response: httpx.Response, now: datetime) -> datetime:
    """When a 429 lets us try again: ratelimit-reset (epoch seconds) or Retry-After
    (seconds or an HTTP date); the later wins, capped."""
    found: list[datetime] = []
    reset = (response.headers.get("ratelimit-reset") or "").strip()
    if reset.isdigit():
        try:
            found.append(datetime.fromtimestamp(int(reset), tz=timezone.utc))
        except (OverflowError, OSError, ValueError):
            pass
    if (after := retry_after(response, now)) is not None:
        found.append(after)
    until = max(found) if found else now + DEFAULT_RATE_WAIT
    return min(max(until, now), now + MAX_RATE_PAUSE)


def error_parts(response: httpx.Response) -> tuple[str, str]:
    """(error code, message) of an XRPC error response, sanitised."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return "", scrub(response.reason_phrase or "", 100)
    code, text = body.get("error"), body.get("message")
    return (scrub(code if isinstance(code, str) else "", 60),
            scrub(text if isinstance(text, str) and text else response.reason_phrase or ""))


class Xrpc:
    """An AsyncClient on one PDS; the access token may change (a renewed session). Counts
    its requests, the renewal's included."""

    def __init__(self, server: str, token: str | None, *, timeout: float, clock: Callable[[], datetime],
                 transport: httpx.AsyncBaseTransport | None = None):
        self.server = server
        self.host = urlsplit(server).netloc
        self.token = token
        self.timeout = timeout
        self.clock = clock
        self.requests = 0
        self.renew: Callable[[], Awaitable[None]] | None = None  # set by the connector that keeps the session
        self.expires: datetime | None = None  # when the access token ends (renewed ahead, once)
        self._renewed_ahead = False
        self._client = httpx.AsyncClient(
            base_url=server, headers={"User-Agent": f"cmtui/{__version__}", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)), follow_redirects=False, transport=transport,
            verify=tls())

    async def close(self) -> None:
        await self._client.aclose()

    async def query(self, nsid: str, params: dict | None = None, *, headers: dict | None = None) -> dict:
        return await self.call("GET", nsid, params=params, headers=headers)

    async def procedure(self, nsid: str, body: dict | None = None, *, headers: dict | None = None,
                        bearer: str | None = None, auth: bool = True) -> dict:
        return await self.call("POST", nsid, json=body, headers=headers, bearer=bearer, auth=auth)

    async def call(self, method: str, nsid: str, *, params: dict | None = None, json: Any = None,
                   headers: dict | None = None, bearer: str | None = None, auth: bool = True) -> dict:
        """The JSON object answered. bearer: a token for this call only (the refresh JWT);
        auth=False: no token at all (createSession)."""
        if auth and bearer is None and self._due():
            self._renewed_ahead = True
            await self.renew()  # type: ignore[misc]  # (_due: set)
        try:
            return await self._once(method, nsid, params, json, headers, bearer, auth)
        except ExpiredToken:
            if bearer is not None or not auth or self.renew is None:
                raise
            await self.renew()
            return await self._once(method, nsid, params, json, headers, None, auth)

    def _due(self) -> bool:
        """Whether the access token is about to end (renewed before the call: saves the
        refused request; once per client, so a clock running ahead cannot loop)."""
        return (self.renew is not None and self.expires is not None and not self._renewed_ahead
                and self.expires <= self.clock() + RENEW_AHEAD)

    async def _once(self, method: str, nsid: str, params, json, headers, bearer, auth) -> dict:
        sent = dict(headers or {})
        token = bearer or (self.token if auth else None)
        if token:
            sent["Authorization"] = f"Bearer {token}"  # i18n: not shown
        try:
            body = {"content": json} if isinstance(json, bytes) else {"json": json if method == "POST" else None}
            response = await send(self._client, method, f"/xrpc/{nsid}", host=self.host, timeout=self.timeout,
                                  params=params, headers=sent, **body)  # bytes: a blob upload
        finally:
            self.requests += 1
        if response.status_code >= 300:
            self._raise(response, nsid)
        if not response.content and method == "POST":
            return {}  # procedures without output (muteActor, deleteSession)
        return json_object(response.content, host=self.host, what=nsid)

    def _raise(self, response: httpx.Response, nsid: str) -> None:
        status = response.status_code
        code, text = error_parts(response)
        said = f"{code}: {text}" if code else text
        if status == 429 or code == "RateLimitExceeded":
            until = retry_at(response, self.clock())
            raise RateLimited(slow_down(self.host, until), until)
        # The server's own words ({reason}) are shown as it sent them; {what} is the method's name.
        if status == 501 or code == "MethodNotImplemented":  # not a server that has this method: not worth retrying
            raise Refused(_("{host} does not offer {what} ({status} {reason})").format(
                host=self.host, what=nsid, status=status, reason=said), status, code)
        if status >= 500:
            raise TransientError(_("{host} answered {status} {reason}").format(
                host=self.host, status=status, reason=said).rstrip())
        if code == "ExpiredToken":
            raise ExpiredToken(_("{host}: the session has expired ({reason})").format(host=self.host, reason=said))
        if status == 401 or code in AUTH_CODES:
            raise AuthError(_("{host} refused the session ({status} {reason})").format(
                host=self.host, status=status, reason=said))
        if status < 400:
            raise PermanentError(_("{host} redirects {what}; if the PDS moved, give its new address").format(
                host=self.host, what=nsid), status)
        raise Refused(_("{host} refused {what}: {status} {reason}").format(
            host=self.host, what=nsid, status=status, reason=said).rstrip(), status, code)
