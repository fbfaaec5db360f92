"""Bluesky posts with images against the AT Protocol's reference servers on loopback: each
file uploaded as a blob, the post's app.bsky.embed.images carrying them with their alt texts,
a retry with the same key still one post; the profile's limits (4 images, ~1 MB)."""

from __future__ import annotations

from cmtui.model import Attachment
from cmtui.sync.connectors import profile_for
from cmtui.sync.connectors.base import MediaFile, PostRequest
from media_files import gif, png
from test_bluesky_connector import connect, records


async def test_a_post_with_two_images_embeds_them_with_their_alt_texts(bluesky_server, tmp_path):
    me = bluesky_server.create_account("pics")
    files = (MediaFile(str(png(tmp_path / "a.png", (9, 99, 199))), "A blue square", "image/png"),
             MediaFile(str(gif(tmp_path / "b.gif")), "A white dot", "image/gif"))
    connector = connect(bluesky_server, me)
    request = PostRequest(text="Two pictures", idempotency_key="pics-1", media=files)
    first = await connector.publish(request)
    again = await connector.publish(request)  # the outbox's retry: the same key finds the post
    await connector.close()
    assert first.remote_id == again.remote_id
    [record] = records(bluesky_server, me)
    embed = record["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert [i["alt"] for i in embed["images"]] == ["A blue square", "A white dot"]
    assert [i["image"]["mimeType"] for i in embed["images"]] == ["image/png", "image/gif"]
    assert embed["images"][0]["image"]["size"] == (tmp_path / "a.png").stat().st_size


def test_the_bluesky_profile_limits_images():
    profile = profile_for("bluesky")
    big = Attachment("big.jpg", "x", "image/jpeg", 1_000_001)
    assert "over the limit of 1,000,000" in profile.media_problem([big], {})
    assert "over the limit of 4" in profile.media_problem([Attachment("a.png", "x", "image/png", 10)] * 5, {})
