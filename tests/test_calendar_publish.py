"""Publishing from the calendar against a real Mastodon-compatible server (mastodon_mock on
loopback): publish now, schedule on the server, move, edit, cancel, delete and undo, a
repeating post's occurrences each published on their own, offline then published late,
and a server-side publication found again."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timedelta

import pytest

from cmtui.config import Settings
from cmtui.model import iso, parse_iso, utcnow
from cmtui.planning import entries as E
from cmtui.sync.engine import SyncEngine

TOKEN = "ada_token"


@pytest.fixture
def env(sync_env):
    store, _, credentials = sync_env
    return store, Settings(timezone="Europe/Ljubljana", user="ana", backfill_days=30), credentials


def run(env, **kw):
    store, settings, credentials = env
    engine = SyncEngine(store, settings, credentials, timeout=kw.pop("timeout", 5.0), **kw)
    [result] = asyncio.run(engine.run_once())
    return result


def at_minute(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0)


def scheduled_on_server(peer) -> list[dict]:
    return peer.scheduled(TOKEN)


def statuses_with(peer, text: str) -> list[dict]:
    return [s for s in peer.statuses(TOKEN) if text in s["content"]]


def same_time(server: str, local: str) -> bool:
    return parse_iso(server.replace(".000Z", "Z")) == parse_iso(local)


def test_publish_now(env, peer):
    store, settings, _ = env
    entry_id = E.create_entry(store, settings, text="Version 3 is out today", account="ada", status="scheduled",
                              who="ana")
    result = run(env)
    assert result.ok and result.sent == 1 and result.failed == []
    [status] = statuses_with(peer, "Version 3 is out today")
    entry = store.entries.get(entry_id)
    assert entry["status"] == "published" and entry["remote_id"] == status["id"] and entry["url"] == status["url"]
    assert entry["late"] == 0 and scheduled_on_server(peer) == []
    run(env)
    assert len(statuses_with(peer, "Version 3 is out today")) == 1  # never twice


def test_schedule_on_the_server_then_move_edit_and_cancel(env, peer):
    store, settings, _ = env
    when = at_minute(utcnow() + timedelta(minutes=30))
    entry_id = E.create_entry(store, settings, text="Office hours on Friday", account="ada", when=when, who="ana",
                              language="en")
    E.schedule_entry(store, settings, entry_id, who="ana")
    run(env)
    [copy] = scheduled_on_server(peer)
    assert copy["params"]["text"] == "Office hours on Friday" and same_time(copy["scheduled_at"], iso(when))
    entry = store.entries.get(entry_id)
    assert entry["status"] == "scheduled" and entry["server_scheduled_id"] == copy["id"]
    assert statuses_with(peer, "Office hours") == []

    # Moved by an hour: the same scheduled post, at the new time.
    E.move_entry(store, settings, entry_id, timedelta(hours=1), who="ana")
    assert run(env).sent == 1
    [moved] = scheduled_on_server(peer)
    assert moved["id"] == copy["id"] and same_time(moved["scheduled_at"], iso(when + timedelta(hours=1)))

    # Edited: the server holds the new text only.
    E.update_entry(store, settings, entry_id, who="ana", text="Office hours on Friday, 17:00 CET")
    run(env)
    [edited] = scheduled_on_server(peer)
    assert edited["params"]["text"] == "Office hours on Friday, 17:00 CET"
    assert same_time(edited["scheduled_at"], iso(when + timedelta(hours=1)))
    assert store.entries.get(entry_id)["server_scheduled_id"] == edited["id"] != copy["id"]

    # Cancelled: gone from the server.
    E.cancel_entry(store, settings, entry_id, who="ana", comment="moved to the forum")
    run(env)
    assert scheduled_on_server(peer) == []
    entry = store.entries.get(entry_id)
    assert entry["status"] == "cancelled" and entry["server_scheduled_id"] is None
    assert statuses_with(peer, "Office hours") == []
    assert {op["state"] for op in store.outbox.list()} == {"done"}


def test_an_edit_while_approval_is_required_withdraws_the_server_copy(env, peer):
    store, _, credentials = env
    strict = Settings(timezone="Europe/Ljubljana", approval_required=True, approvers=["nina"])
    env = (store, strict, credentials)
    entry_id = E.create_entry(store, strict, text="Launch day", account="ada", status="needs_approval",
                              when=at_minute(utcnow() + timedelta(hours=3)), who="ana")
    E.approve(store, strict, entry_id, who="nina")
    E.schedule_entry(store, strict, entry_id, who="ana")
    run(env)
    assert len(scheduled_on_server(peer)) == 1
    E.update_entry(store, strict, entry_id, who="ana", text="Launch day! 🚀")
    assert store.entries.get(entry_id)["status"] == "needs_approval"
    run(env)
    assert scheduled_on_server(peer) == []  # nothing unapproved stays on the server
    E.approve(store, strict, entry_id, who="nina", comment="fine")
    E.schedule_entry(store, strict, entry_id, who="ana")
    run(env)
    [copy] = scheduled_on_server(peer)
    assert copy["params"]["text"] == "Launch day! 🚀"


def test_a_near_time_is_published_at_the_next_sync(env, peer):
    store, settings, _ = env
    entry_id = E.create_entry(store, settings, text="Starting in a minute", account="ada", status="scheduled",
                              when=at_minute(utcnow() + timedelta(minutes=2)), who="ana")
    run(env)
    assert scheduled_on_server(peer) == [] and len(statuses_with(peer, "Starting in a minute")) == 1
    assert store.entries.get(entry_id)["status"] == "published"


def test_delete_and_undo_of_a_server_scheduled_entry(env, peer):
    store, settings, _ = env
    entry_id = E.create_entry(store, settings, text="Webinar reminder", account="ada", status="scheduled",
                              when=at_minute(utcnow() + timedelta(hours=2)), who="ana")
    run(env)
    [copy] = scheduled_on_server(peer)
    undo = E.delete_entry(store, entry_id, who="ana")
    run(env)
    assert scheduled_on_server(peer) == []
    restored = E.restore_entry(store, undo)
    run(env)
    [again] = scheduled_on_server(peer)
    assert again["params"]["text"] == "Webinar reminder" and again["id"] != copy["id"]
    assert store.entries.get(restored)["server_scheduled_id"] == again["id"]


def test_each_occurrence_of_a_repeating_post_is_published_on_its_own(env, peer):
    store, settings, _ = env
    start = at_minute(utcnow() + timedelta(minutes=2))
    series_id = E.create_entry(store, settings, text="Daily tip: use tags", account="ada", status="scheduled",
                               when=start, rrule="FREQ=DAILY;COUNT=5", who="ana")
    result = run(env)
    assert result.sent == 2 and result.failed == []
    children = store.entries.children(series_id)
    assert [(c["occurrence_at"], c["status"]) for c in children] == [
        (iso(start), "published"), (iso(start + timedelta(days=1)), "scheduled")]
    [status] = statuses_with(peer, "Daily tip: use tags")
    assert children[0]["remote_id"] == status["id"]
    [tomorrow] = scheduled_on_server(peer)
    assert same_time(tomorrow["scheduled_at"], iso(start + timedelta(days=1)))
    assert children[1]["server_scheduled_id"] == tomorrow["id"]
    assert store.entries.get(series_id)["status"] == "scheduled"  # the series itself is never posted
    run(env)
    assert len(store.entries.children(series_id)) == 2 and len(statuses_with(peer, "Daily tip")) == 1
    # Skipping tomorrow's occurrence takes it off the server.
    from cmtui.planning.recurrence import skip_occurrence

    skip_occurrence(store, series_id, start + timedelta(days=1), who="ana", settings=settings)
    run(env)
    assert scheduled_on_server(peer) == []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_then_published_late(env, peer):
    store, settings, _ = env
    real = utcnow()
    planned = at_minute(real - timedelta(minutes=30))
    # Scheduled an hour ago for half an hour ago; the machine was offline since.
    entry_id = E.create_entry(store, settings, text="Meetup tonight", account="ada", status="scheduled", when=planned,
                              who="ana", now=real - timedelta(hours=1))
    account = store.accounts.get("ada")
    with store.transaction():
        store.conn.execute("UPDATE accounts SET server = ? WHERE id = ?",
                           (f"http://127.0.0.1:{closed_port()}", account.id))
    offline = run(env)
    assert not offline.ok and offline.state == "offline"
    entry = store.entries.get(entry_id)
    assert entry["status"] == "scheduled" and entry["late"] == 0
    assert [(op["state"], op["attempts"]) for op in store.outbox.list()] == [("pending", 0)]
    with store.transaction():
        store.conn.execute("UPDATE accounts SET server = ? WHERE id = ?", (peer.base_url, account.id))
    back = run(env)
    assert back.ok and back.sent == 1
    entry = store.entries.get(entry_id)
    [status] = statuses_with(peer, "Meetup tonight")
    assert entry["status"] == "published" and entry["late"] == 1 and entry["remote_id"] == status["id"]
    assert entry["scheduled_at"] == iso(planned) and parse_iso(entry["published_at"]) > planned


def test_a_move_while_the_post_is_on_its_way_finds_the_id_when_its_turn_comes(env, peer):
    store, settings, _ = env
    when = at_minute(utcnow() + timedelta(hours=1))
    entry_id = E.create_entry(store, settings, text="Release candidate", account="ada", status="scheduled",
                              when=when, who="ana")
    real = utcnow()
    op = store.outbox.claim(store.accounts.get("ada").id, "elsewhere:1", iso(real), iso(real - timedelta(minutes=2)))
    E.move_entry(store, settings, entry_id, timedelta(hours=2), who="ana")
    # The other process died holding the post; its lease runs out, this one takes it over.
    with store.transaction():
        store.conn.execute("UPDATE outbox SET claimed_at = ? WHERE id = ?",
                           (iso(real - timedelta(minutes=10)), op["id"]))
    result = run(env)
    assert result.sent == 2 and result.failed == []
    [copy] = scheduled_on_server(peer)
    assert same_time(copy["scheduled_at"], iso(when + timedelta(hours=2)))
    assert store.entries.get(entry_id)["server_scheduled_id"] == copy["id"]


def test_a_post_the_server_published_at_its_time_is_found_again(env, peer):
    store, settings, _ = env
    when = at_minute(utcnow() + timedelta(minutes=10))
    entry_id = E.create_entry(store, settings, text="Scheduled announcement", account="ada", status="scheduled",
                              when=when, who="ana")
    run(env)
    [copy] = scheduled_on_server(peer)
    # Its time comes: the server publishes it (here by hand: the peer publishes only on its own clock).
    peer.http.delete(f"/api/v1/scheduled_statuses/{copy['id']}",
                     headers={"Authorization": f"Bearer {TOKEN}"}).raise_for_status()
    status = peer.post(TOKEN, "Scheduled announcement")
    later = utcnow() + timedelta(minutes=15)
    run(env, clock=lambda: later)
    entry = store.entries.get(entry_id)
    assert entry["status"] == "published" and entry["remote_id"] == status["id"] and entry["url"] == status["url"]
    assert entry["server_scheduled_id"] is None
    assert [(t["from_status"], t["to_status"], t["comment"]) for t in store.entries.transitions(entry_id)][-1] == (
        "scheduled", "published", "published by the server")


def test_an_edit_while_the_post_is_being_published_edits_it_never_posts_twice(env, peer):
    store, settings, _ = env
    entry_id = E.create_entry(store, settings, text="Version 4 is out", account="ada", status="scheduled", who="ana")
    real = utcnow()
    op = store.outbox.claim(store.accounts.get("ada").id, "elsewhere:1", iso(real), iso(real - timedelta(minutes=2)))
    E.update_entry(store, settings, entry_id, who="ana", text="Version 4 is out! Release notes inside")
    with store.transaction():  # the process that held it died; the lease ran out
        store.conn.execute("UPDATE outbox SET claimed_at = ? WHERE id = ?", (iso(real - timedelta(minutes=10)),
                                                                              op["id"]))
    result = run(env)
    assert result.failed == []
    [status] = statuses_with(peer, "Version 4 is out")
    assert "Release notes inside" in status["content"]
    entry = store.entries.get(entry_id)
    assert entry["status"] == "published" and entry["remote_id"] == status["id"]
    assert [(op["kind"], op["state"]) for op in store.outbox.list()] == [("post", "done"), ("cancel", "done"),
                                                                         ("post", "done")]


def test_a_variant_goes_to_its_own_account(env, peer, tmp_path):
    store, settings, credentials = env
    grace = peer.me("grace_token")
    credentials.set("grace", "grace_token")
    store.accounts.add("grace", "mastodon", peer.base_url, remote_account_id=grace["id"])
    entry_id = E.create_entry(store, settings, text="Hello from the main account", account="ada",
                              variants={"grace": "Hola desde la otra cuenta"}, status="scheduled", who="ana")
    store_, settings_, credentials_ = env
    engine = SyncEngine(store_, settings_, credentials_, timeout=5.0)
    results = asyncio.run(engine.run_once())
    assert all(r.ok for r in results) and sum(r.sent for r in results) == 2
    assert len(statuses_with(peer, "Hello from the main account")) == 1
    assert [s for s in peer.statuses("grace_token") if "Hola desde la otra cuenta" in s["content"]]
    entry = store.entries.get(entry_id)
    assert entry["status"] == "published" and entry["last_error"] is None
