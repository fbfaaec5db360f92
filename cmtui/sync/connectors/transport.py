"""What every connector does with httpx the same way: a request's failures as connector
errors (offline, timed out), and an answer's body as one JSON object. Platform-neutral, so
each platform's package can use it without knowing the others."""

from __future__ import annotations

import email.utils
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from cmtui.sync.connectors.base import OfflineError, TimedOut, TransientError
from cmtui.text import sanitize


async def send(client: httpx.AsyncClient, method: str, url: str, *, host: str, timeout: float,
               **kwargs: Any) -> httpx.Response:
    """client.request(), its failures said as the sync reads them: a connect failure is
    offline (nothing reached the server), a time-out after sending may have reached it."""
    try:
        return await client.request(method, url, **kwargs)
    except httpx.ConnectTimeout:
        raise OfflineError(f"cannot reach {host}: no connection within {min(10.0, timeout):g} s") from None
    except (httpx.TimeoutException, httpx.RemoteProtocolError):
        raise TimedOut(f"{host} did not answer within {timeout:g} s") from None
    except httpx.ConnectError as exc:
        said = sanitize(str(exc) or type(exc).__name__, max_len=200, single_line=True)
        raise OfflineError(f"cannot reach {host}: {said}") from None
    except httpx.HTTPError as exc:
        raise OfflineError(f"network error talking to {host}: {type(exc).__name__}") from None


def json_object(content: bytes, *, host: str, what: str) -> dict:
    """The answer's JSON object; bytes that are not UTF-8 are kept, marked (U+FFFD)."""
    try:
        try:
            body = json.loads(content)
        except UnicodeDecodeError:
            body = json.loads(content.decode("utf-8", errors="replace"))
    except ValueError:
        raise TransientError(f"malformed response from {host} ({what}: not JSON)") from None
    if not isinstance(body, dict):
        raise TransientError(f"malformed response from {host} ({what}: not an object)")
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
