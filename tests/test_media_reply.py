"""Images on a reply: the $EDITOR front matter (`media: PATH | ALT`), the composer counting
only the text, the reply's payload carrying the copies, a missing alt text refused, and a
reply with an image published on a real Mastodon-compatible server (mastodon_mock)."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import TextArea

from cmtui.compose import queue_reply
from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.media import keep
from cmtui.store.base import loads
from cmtui.tui.external_editor import split_front_matter
from factory import NOW
from media_files import png
from tui_helpers import RecordingApp


@pytest.mark.parametrize("text,body,files", [
    ("---\nmedia: /tmp/a.png | A chart\nmedia: b.gif|Dot\n---\nThanks!", "Thanks!",
     [("/tmp/a.png", "A chart"), ("b.gif", "Dot")]),
    ("---\nmedia: a.png\n---\n\nHi", "Hi", [("a.png", "")]),
    ("---\nmedia: a.png | x | y\n---\nHi", "Hi", [("a.png", "x | y")]),
    ("Plain reply\n---\nmedia: a.png | x\n---", "Plain reply\n---\nmedia: a.png | x\n---", []),  # not at the top
    ("---\ntitle: x\n---\nHi", "---\ntitle: x\n---\nHi", []),  # other keys: plain text
    ("---\nmedia: a.png | x\nno end", "---\nmedia: a.png | x\nno end", []),
    ("", "", []),
])
def test_front_matter_is_read_only_when_it_is_media_lines_at_the_top(text, body, files):
    assert split_front_matter(text) == (body, files)


def test_a_reply_payload_carries_its_images(store, tmp_path):
    image = keep(png(tmp_path / "a.png"), "A chart", store.media_dir())
    op_id = queue_reply(store, 1, "Here it is", media=[image])
    [sent] = loads(store.outbox.get(op_id)["payload"], {})["media"]
    assert sent["alt"] == "A chart" and sent["file"] == str(store.media_dir() / image.file)
    bare = keep(png(tmp_path / "b.png", (3, 3, 3)), "", store.media_dir(), alt_required=False)
    with pytest.raises(InputError, match="alt text missing on 1 image"):
        queue_reply(store, 2, "No alt", media=[bare])
    assert store.outbox.for_item(2) == []
    assert queue_reply(store, 2, "No alt, allowed", media=[bare], alt_required=False)


async def test_the_composer_sends_the_front_matters_images(store, tmp_path, monkeypatch):
    import cmtui.tui.external_editor as external_editor

    image = png(tmp_path / "chart.png")
    written = f"---\nmedia: {image} | Monthly growth chart\n---\nThanks, here is the chart"
    monkeypatch.setattr(external_editor, "edit_in_editor", lambda app, text: written)
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.pause()
        status = str(app.screen.query_one("#composer-status").render())
        assert "· 1 image" in status and status.startswith("32 / 500")  # the text and the mention, not the front matter
        await pilot.press("ctrl+s")
        await pilot.pause()
    [op] = store.outbox.for_item(1)
    payload = loads(op["payload"], {})
    assert payload["text"].endswith("Thanks, here is the chart") and "media:" not in payload["text"]
    assert [m["alt"] for m in payload["media"]] == ["Monthly growth chart"]


async def test_a_front_matter_image_without_alt_text_is_refused(store, tmp_path):
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        area = app.screen.query_one("#composer-text", TextArea)
        area.load_text(f"---\nmedia: {png(tmp_path / 'x.png')}\n---\nSee this")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "x.png needs alt text" in str(app.screen.query_one("#composer-status").render())
    assert store.outbox.for_item(1) == []


def test_a_reply_with_an_image_is_published_with_its_description(sync_env, peer, tmp_path):
    from cmtui.sync.engine import SyncEngine

    store, settings, credentials = sync_env
    grace = peer.post("grace_token", "@ada how does it look?")
    asyncio.run(SyncEngine(store, settings, credentials, timeout=5.0).run_once())
    item = store.conn.execute("SELECT id FROM inbox_items WHERE remote_id = ?", (grace["id"],)).fetchone()
    image = keep(png(tmp_path / "shot.png"), "A screenshot of the new menu", store.media_dir())
    queue_reply(store, item["id"], "Like this", media=[image])
    [result] = asyncio.run(SyncEngine(store, settings, credentials, timeout=5.0).run_once())
    assert result.sent == 1, result.failed
    [reply] = [s for s in peer.statuses("ada_token") if "Like this" in s["content"]]
    assert reply["in_reply_to_id"] == grace["id"]
    assert [m["description"] for m in reply["media_attachments"]] == ["A screenshot of the new menu"]
