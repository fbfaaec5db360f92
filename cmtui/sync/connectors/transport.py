"""What every connector does with httpx the same way: a request's failures as connector
errors (offline, timed out), and an answer's body as one JSON object. Platform-neutral, so
each platform's package can use it without knowing the others."""

from __future__ import annotations

import email.utils
import json
import ssl
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import httpx

from cmtui import l10n
from cmtui.i18n import _
from cmtui.sync.connectors.base import (
    AuthError, ConnectorError, OfflineError, PermanentError, TimedOut, TransientError,
)
from cmtui.text import sanitize


@lru_cache(maxsize=1)
def tls() -> ssl.SSLContext:
    """One TLS context for every client of the process (verify=tls()): httpx builds one per
    client otherwise, reading the CA bundle each time (~28 ms of CPU per connector, each pass
    and each live reconnect)."""
    return httpx.create_ssl_context()


async def send(client: httpx.AsyncClient, method: str, url: str, *, host: str, timeout: float,
               **kwargs: Any) -> httpx.Response:
    """client.request(), its failures said as the sync reads them: a connect failure is
    offline (nothing reached the server), a time-out after sending may have reached it."""
    try:
        return await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise failure(exc, host, timeout) from None


def failure(exc: httpx.HTTPError, host: str, timeout: float, *, waited: float | None = None,
            held: bool = False) -> ConnectorError:
    """An httpx failure as the connector error the sync reads: a connect failure is offline
    (nothing reached the server), a time-out after sending may have reached it. waited: the
    read time-out, when it is not `timeout` (a long poll, a stream). held: a connection held
    open (a long poll, a stream) that breaks is cut, and the caller reconnects."""
    if isinstance(exc, httpx.ConnectTimeout):
        return OfflineError(no_connection(host, min(10.0, timeout)))
    if isinstance(exc, httpx.ConnectError):
        return OfflineError(unreachable(host, sanitize(str(exc) or type(exc).__name__, max_len=200, single_line=True)))
    if isinstance(exc, httpx.TimeoutException) or isinstance(exc, httpx.RemoteProtocolError) and not held:
        return TimedOut(no_answer(host, timeout if waited is None else waited))
    if held:  # reset, closed mid-answer
        return TimedOut(_("{host} cut the connection").format(host=host))
    return OfflineError(network_error(host, type(exc).__name__))


def refusal(status: int, host: str, reason: str) -> ConnectorError | None:
    """The error an HTTP status means where every platform reads it the same way (429 aside:
    each says when differently): 5xx a server's trouble, 401/403 the token refused, another
    4xx a refusal; None for a success. reason: the server's own words, sanitised."""
    if status >= 500:
        return TransientError(_("{host} answered {status} {reason}").format(
            host=host, status=status, reason=reason).rstrip())
    if status in (401, 403):
        return AuthError(_("{host} refused the token ({status} {reason})").format(
            host=host, status=status, reason=reason))
    if status >= 400:
        return PermanentError(_("{host} refused: {status} {reason}").format(
            host=host, status=status, reason=reason).rstrip(), status)
    return None


# The words of a request that failed, for every connector (those with a client of their own say
# them too): in the chosen language, the host and the library's own reason as they are.
def no_connection(host: str, seconds: float) -> str:
    return _("cannot reach {host}: no connection within {seconds} s").format(host=host, seconds=l10n.number(seconds))


def no_answer(host: str, seconds: float) -> str:
    return _("{host} did not answer within {seconds} s").format(host=host, seconds=l10n.number(seconds))


def unreachable(host: str, reason: str) -> str:
    # i18n: {reason} is the network library's own words (English), e.g. "[Errno -2] Name or service not known"
    return _("cannot reach {host}: {reason}").format(host=host, reason=reason)


def network_error(host: str, reason: str) -> str:
    return _("network error talking to {host}: {reason}").format(host=host, reason=reason)


def slow_down(host: str, until: datetime) -> str:
    """The server's rate limit (429): when we may ask again (the time as the machine reads it, UTC)."""
    from cmtui.model import iso

    return _("{host} asks us to slow down until {when}").format(host=host, when=iso(until))


def json_object(content: bytes, *, host: str, what: str) -> dict:
    """The answer's JSON object; bytes that are not UTF-8 are kept, marked (U+FFFD)."""
    try:
        try:
            body = json.loads(content)
        except UnicodeDecodeError:
            body = json.loads(content.decode("utf-8", errors="replace"))
    except ValueError:
        raise TransientError(_("malformed response from {host} ({what}: not JSON)").format(host=host, what=what)) from None
    if not isinstance(body, dict):
        raise TransientError(_("malformed response from {host} ({what}: not an object)").format(host=host, what=what))
    return body


def retry_after(response: httpx.Response, now: datetime) -> datetime | None:
    """When a Retry-After header (seconds, or an HTTP date) lets us try again, if it says."""
    header = (response.headers.get("retry-after") or "").strip()
    if header.isdigit():
        return now + timedelta(seconds=int(header))
    if header:
        try:
            return email.utils.parsedate_to_datetime(header).astimezone(timezone.utc)
        except (TypeError, ValueError):
            return None
    return None
