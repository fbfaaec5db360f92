"""Matrix posts with images against a real Synapse on loopback: each image uploaded to the
media repository and sent as an m.image event after the text (its body the alt text), and a
retry with the same operation key posting neither the text nor an image twice."""

from __future__ import annotations

import httpx

from cmtui.sync.connectors.base import MediaFile, PostRequest
from media_files import gif, png
from test_matrix_connector import connect, people, room_with_me  # noqa: F401 (its fixtures)


async def test_images_follow_the_text_once_even_when_retried(matrix_server, room_with_me, tmp_path):  # noqa: F811
    me, room = room_with_me
    files = (MediaFile(str(png(tmp_path / "a.png", (4, 40, 140))), "A blue square", "image/png"),
             MediaFile(str(gif(tmp_path / "b.gif")), "A white dot", "image/gif"))
    request = PostRequest(text="Two pictures", idempotency_key="m-1", place=room, media=files)
    posted = await connect(matrix_server, me).publish(request)
    again = await connect(matrix_server, me).publish(request)  # the outbox's retry: same key
    assert posted.remote_id == again.remote_id
    mine = [e for e in reversed(matrix_server.messages(me.access_token, room, event_type="m.room.message"))
            if e["sender"] == me.user_id]  # (newest first: oldest first here)
    assert [(e["content"]["msgtype"], e["content"]["body"]) for e in mine] == [
        ("m.text", "Two pictures"), ("m.image", "A blue square"), ("m.image", "A white dot")]
    image = mine[1]["content"]
    assert image["url"].startswith("mxc://") and image["info"] == {"mimetype": "image/png",
                                                                  "size": (tmp_path / "a.png").stat().st_size}
    server_name, media_id = image["url"].removeprefix("mxc://").split("/")
    got = httpx.get(f"{matrix_server.base_url}/_matrix/client/v1/media/download/{server_name}/{media_id}",
                    headers={"Authorization": f"Bearer {me.access_token}"})
    assert got.status_code == 200 and got.content == (tmp_path / "a.png").read_bytes()
