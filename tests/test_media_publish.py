"""Posts with images against a real Mastodon-compatible server (mastodon_mock on loopback):
uploaded at send time with their alt text, the status published once even when a retry
uploads again, and the kept copy published when the original has moved."""

from __future__ import annotations

import asyncio

from cmtui.config import Settings
from cmtui.media import keep_all
from cmtui.model import Attachment
from cmtui.planning import entries as E
from cmtui.store.base import loads
from cmtui.sync.engine import SyncEngine
from media_files import gif, png

TOKEN = "ada_token"


def run(store, credentials, settings=None):
    engine = SyncEngine(store, settings or Settings(timezone="UTC"), credentials, timeout=5.0)
    [result] = asyncio.run(engine.run_once())
    return result


def statuses_with(peer, text: str) -> list[dict]:
    return [s for s in peer.statuses(TOKEN) if text in s["content"]]


def test_two_images_published_with_their_alt_texts(sync_env, peer, tmp_path):
    store, settings, credentials = sync_env
    files = [(png(tmp_path / "red.png", (200, 0, 0)), "A red square"), (gif(tmp_path / "dot.gif"), "A white dot")]
    media = keep_all(files, store.media_dir(), store.accounts.get("ada"))
    entry_id = E.create_entry(store, settings, text="Two pictures of the launch", account="ada", status="scheduled",
                              who="ana", media=media)
    result = run(store, credentials)
    assert result.ok and result.sent == 1, result.failed
    [status] = statuses_with(peer, "Two pictures of the launch")
    read = peer.get(f"/api/v1/statuses/{status['id']}")
    assert [m["description"] for m in read["media_attachments"]] == ["A red square", "A white dot"]
    assert all(m["url"] for m in read["media_attachments"])
    assert store.entries.get(entry_id)["status"] == "published"


def test_a_failed_status_after_upload_is_retried_into_one_status(sync_env, peer, tmp_path):
    store, settings, credentials = sync_env
    media = keep_all([(png(tmp_path / "a.png"), "A chart of the growth")], store.media_dir(),
                     store.accounts.get("ada"))
    E.create_entry(store, settings, text="Growth this month", account="ada", status="scheduled", who="ana",
                   media=media)
    peer.fault({"status": 503}, path="/api/v1/statuses", methods=["POST"], count=1)
    first = run(store, credentials)
    assert first.sent == 0 and statuses_with(peer, "Growth this month") == []
    [op] = store.outbox.list()
    store.conn.execute("UPDATE outbox SET next_attempt_at = NULL WHERE id = ?", (op["id"],))  # due again now
    second = run(store, credentials)
    assert second.sent == 1, second.failed
    [status] = statuses_with(peer, "Growth this month")
    assert [m["description"] for m in status["media_attachments"]] == ["A chart of the growth"]


def test_a_file_moved_after_queueing_still_publishes(sync_env, peer, tmp_path):
    store, settings, credentials = sync_env
    original = png(tmp_path / "poster.png", (0, 90, 200))
    media = keep_all([(original, "The event poster")], store.media_dir(), store.accounts.get("ada"))
    E.create_entry(store, settings, text="See you on Friday", account="ada", status="scheduled", who="ana",
                   media=media)
    original.rename(tmp_path / "elsewhere.png")
    [op] = store.outbox.list()
    [sent] = loads(op["payload"], {})["media"]
    assert sent["file"].startswith(str(store.media_dir())) and sent["alt"] == "The event poster"
    assert run(store, credentials).sent == 1
    [status] = statuses_with(peer, "See you on Friday")
    assert status["media_attachments"][0]["description"] == "The event poster"


def test_limits_read_from_the_instance_carry_its_media_limits(sync_env, peer):
    store, _, credentials = sync_env
    run(store, credentials)
    limits = store.accounts.get("ada").limits
    assert limits["max_media"] == 4 and limits["media_size"] == 10485760
    assert "image/png" in limits["media_types"] and "video/mp4" not in limits["media_types"]
    too_many = [Attachment(file=f"{i}.png", alt="x", mime="image/png", size=10) for i in range(5)]
    from cmtui.sync.connectors import profile_for

    assert "over the limit of 4" in profile_for("mastodon").media_problem(too_many, limits)


def test_a_file_still_processing_is_waited_for(sync_env, peer, tmp_path, monkeypatch):
    """The server answers 202 (no url yet), then 206 once, then the processed file: the
    status goes out only after that, with the file attached."""
    import cmtui.sync.connectors.mastodon.media as mastodon_media

    monkeypatch.setattr(mastodon_media, "PROCESSING_WAIT", 0.01)
    store, settings, credentials = sync_env
    made = peer.http.post("/api/v2/media", headers={"Authorization": f"Bearer {TOKEN}"},
                          files={"file": ("big.png", png(tmp_path / "big.png").read_bytes(), "image/png")},
                          data={"description": "A large photo"}).json()  # what the server made of our upload
    processing = {"id": made["id"], "type": "image", "url": None, "description": "A large photo"}
    peer.fault({"type": "status", "status": 202, "body": processing}, path="/api/v2/media", methods=["POST"])
    peer.fault({"type": "status", "status": 206, "body": processing}, path=f"/api/v1/media/{made['id']}",
                        methods=["GET"])
    media = keep_all([(tmp_path / "big.png", "A large photo")], store.media_dir(), store.accounts.get("ada"))
    E.create_entry(store, settings, text="Worth the wait", account="ada", status="scheduled", who="ana", media=media)
    assert run(store, credentials).sent == 1
    [status] = statuses_with(peer, "Worth the wait")
    assert [m["id"] for m in status["media_attachments"]] == [made["id"]]
    assert peer.http.get("/api/v1/_mock/faults").json() == []  # the 202 and the 206 were both met
