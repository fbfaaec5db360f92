"""Bluesky images: each file goes up with com.atproto.repo.uploadBlob (the raw bytes, their
mime type), then the post carries an app.bsky.embed.images embed with the blobs and their alt
texts (at most 4 images of about a megabyte each: the profile's limits, checked before queueing).

A retry uploads again (an unused blob is dropped by the PDS); the post's record key comes from
its idempotency key and is looked up first, so it is still published once.
"""

from __future__ import annotations

from cmtui.i18n import _
from cmtui.sync.connectors.base import MediaFile, TransientError
from cmtui.sync.connectors.bluesky.http import Xrpc

IMAGES = "app.bsky.embed.images"


async def images_embed(http: Xrpc, files: tuple[MediaFile, ...]) -> dict:
    images = []
    for file in files:
        content = file.content()
        answer = await http.call("POST", "com.atproto.repo.uploadBlob", json=content,
                                 headers={"Content-Type": file.mime or "application/octet-stream"})
        blob = answer.get("blob")
        if not isinstance(blob, dict):
            raise TransientError(_("malformed answer from {host} ({what})").format(
                host=http.host, what="uploadBlob: no blob"))  # i18n: not shown (a method's name)
        images.append({"alt": file.alt, "image": blob})
    return {"$type": IMAGES, "images": images}
