"""Matrix images: each file goes to the homeserver's media repository
(`POST /_matrix/media/v3/upload`), then into the room as an `m.image` event after the text,
its `body` the alt text (what clients show and read out in place of the image).

Each image event's transaction id is derived from the operation's key and the image's place,
so a retry sends the same ids and the homeserver does not post an image twice (the upload
itself is repeated: an unused copy in the media repository harms nobody).
"""

from __future__ import annotations

from typing import Awaitable, Callable

from cmtui.i18n import _
from cmtui.sync.connectors.base import MediaFile, TransientError
from cmtui.sync.connectors.matrix.http import MatrixHttp, segment

MEDIA = "/_matrix/media/v3"


def image_txn(key: str, index: int) -> str:
    return f"{key}-image-{index}"


async def send_images(http: MatrixHttp, send: Callable[[str, dict, str], Awaitable[str]], room_id: str,
                      files: tuple[MediaFile, ...], key: str, relates: dict | None = None) -> list[str]:
    """The event ids of the images sent to the room, in order. relates: the thread they go in."""
    sent = []
    for index, file in enumerate(files):
        data = file.content()
        mime = file.mime or "application/octet-stream"
        answer = await http.call("POST", f"/upload?filename={segment(file.name)}", prefix=MEDIA, content=data,
                                 headers={"Content-Type": mime})
        uri = answer.get("content_uri")
        if not isinstance(uri, str) or not uri.startswith("mxc://"):
            raise TransientError(_("malformed upload answer from {host} (no content_uri)").format(host=http.host))
        content: dict = {"msgtype": "m.image", "body": file.alt or file.name, "filename": file.name, "url": uri,
                         "info": {"mimetype": mime, "size": len(data)}}
        if relates:
            content["m.relates_to"] = relates
        sent.append(await send(room_id, content, image_txn(key, index)))
    return sent
