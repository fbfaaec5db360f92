"""Mastodon media: the instance's media limits, and the upload before a status.

Each file goes up with `POST /api/v2/media` (multipart, `description` = its alt text). The
server may answer 202 (still processing, no `url` yet): we poll `GET /api/v1/media/:id` until
the url is set, for a bounded time, then hand the ids to the status (`media_ids[]`).

A retry after a failure re-uploads the files: an unattached upload is harmless (the server
drops it), while the status itself keeps its Idempotency-Key, so it is published once.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from cmtui.i18n import _
from cmtui.sync.connectors.base import Limits, MediaFile, TransientError

Call = Callable[..., Awaitable[Any]]  # the connector's _call: (method, path, **request) -> JSON body

PROCESSING_POLLS = 30  # times we ask whether a file is processed...
PROCESSING_WAIT = 1.0  # ...this many seconds apart (a still-processing file then: retried later)


def media_limits(body: dict) -> dict:
    """Limits fields from an instance document (v2 configuration; v1 has the same keys)."""
    config = body.get("configuration") or {}
    media = config.get("media_attachments") or {}
    statuses = config.get("statuses") or {}
    found: dict = {}
    try:
        if media.get("image_size_limit"):
            found["media_size"] = int(media["image_size_limit"])
        types = media.get("supported_mime_types")
        if isinstance(types, list) and types:
            found["media_types"] = tuple(str(t) for t in types if isinstance(t, str) and t.startswith("image/"))
        if statuses.get("max_media_attachments"):
            found["max_media"] = int(statuses["max_media_attachments"])
    except (TypeError, ValueError):
        return {}  # a malformed figure: the profile's defaults hold
    return found


def with_media(limits: Limits, body: dict) -> Limits:
    from dataclasses import replace

    return replace(limits, **media_limits(body))


async def upload_all(call: Call, host: str, files: tuple[MediaFile, ...],
                     sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> list[str]:
    """The media ids of the files, uploaded in order and processed."""
    return [await _upload(call, host, file, sleep) for file in files]


async def _upload(call: Call, host: str, file: MediaFile, sleep) -> str:
    content = file.content()
    mime = file.mime or "application/octet-stream"
    data = {"description": file.alt} if file.alt else {}
    body = await call("POST", "/api/v2/media", files={"file": (file.name, content, mime)}, data=data)
    media_id = str(body.get("id") or "")
    if not media_id:
        raise TransientError(_("malformed media answer from {host} (no id)").format(host=host))
    for _poll in range(PROCESSING_POLLS):
        if body.get("url"):
            return media_id
        await sleep(PROCESSING_WAIT)
        body = await call("GET", f"/api/v1/media/{media_id}")
    if body.get("url"):
        return media_id
    raise TransientError(_("{host} is still processing {name}; trying again later").format(host=host, name=file.name))
