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
from cmtui.sync.connectors.base import OfflineError, TimedOut, TransientError
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
    except httpx.ConnectTimeout:
        raise OfflineError(no_connection(host, min(10.0, timeout))) from None
    except (httpx.TimeoutException, httpx.RemoteProtocolError):
        raise TimedOut(no_answer(host, timeout)) from None
    except httpx.ConnectError as exc:
        said = sanitize(str(exc) or type(exc).__name__, max_len=200, single_line=True)
        raise OfflineError(unreachable(host, said)) from None
    except httpx.HTTPError as exc:
        raise OfflineError(network_error(host, type(exc).__name__)) from None


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
