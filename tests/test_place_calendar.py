"""Calendar entries for a platform that posts to places (chat rooms): the place is chosen
by name or id, stored, carried by the publishing payload, and required before the entry can
be submitted, approved, scheduled or published; `cmtui post add` picks the account's one
announcements room or takes --place. No network."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.model import Place
from cmtui.planning import entries
from cmtui.planning.recurrence import materialize_due
from cmtui.store import Store
from cmtui.store.base import loads
from cli_helpers import run
from factory import NOW
from place_community import NEWS, PLACES, SUPPORT, add_room_account

SETTINGS = Settings(timezone="UTC", user="ana")
APPROVAL = Settings(timezone="UTC", user="ana", approval_required=True, approvers=["ana"])
LATER = NOW + timedelta(days=2)


@pytest.fixture
def room(store):
    return add_room_account(store)


def posts(store):
    return [loads(o["payload"], {}) for o in store.outbox.list() if o["kind"] == "post"]


def test_an_entry_goes_to_the_room_chosen_by_name_and_the_post_says_so(store, room):
    entry_id = entries.create_entry(store, SETTINGS, text="Version 4.3 is out", account=room.name, when=LATER,
                                    place="#announcements", who="ana", now=NOW)
    assert store.entries.require(entry_id)["place"] == NEWS.id
    entries.schedule_entry(store, SETTINGS, entry_id, who="ana", now=NOW)
    [payload] = posts(store)
    assert payload["place"] == NEWS.id and "visibility" not in payload


def test_a_mastodon_post_carries_no_place(store):
    entry_id = entries.create_entry(store, SETTINGS, text="Hello", account="tidewater", status="scheduled",
                                    who="ana", now=NOW)
    assert "place" not in posts(store)[0] and store.entries.require(entry_id)["place"] is None
    with pytest.raises(InputError, match="Mastodon posts go to no place"):
        entries.create_entry(store, SETTINGS, text="Hello", account="tidewater", place="#support", who="ana", now=NOW)


def test_an_unknown_room_is_refused_naming_the_known_ones(store, room):
    with pytest.raises(InputError) as refused:
        entries.create_entry(store, SETTINGS, text="x", account=room.name, place="#random", who="ana", now=NOW)
    assert str(refused.value) == "fernleaf-chat has no room '#random' (#support, #announcements)"


@pytest.mark.parametrize("step", ["schedule", "publish", "submit", "approve"])
def test_without_a_room_it_cannot_go_out(store, room, step):
    settings = APPROVAL if step in ("submit", "approve") else SETTINGS
    entry_id = entries.create_entry(store, settings, text="News", account=room.name, when=LATER, who="ana", now=NOW)
    if step == "approve":  # (waiting for approval from before the room mattered)
        store.entries.update(entry_id, {"status": "needs_approval"})
    before = store.entries.require(entry_id)["status"]
    call = {"schedule": entries.schedule_entry, "publish": entries.publish_now,
            "submit": entries.submit_for_approval, "approve": entries.approve}[step]
    with pytest.raises(InputError) as refused:
        call(store, settings, entry_id, who="ana", now=NOW)
    assert str(refused.value) == f"entry {entry_id} goes to fernleaf-chat: choose a room for it"
    assert store.entries.require(entry_id)["status"] == before and posts(store) == []
    entries.update_entry(store, settings, entry_id, who="ana", now=NOW, place=SUPPORT.id)
    call(store, settings, entry_id, who="ana", now=NOW)  # with a room, it goes


def test_a_new_scheduled_entry_without_a_room_is_refused(store, room):
    with pytest.raises(InputError, match="the entry goes to fernleaf-chat: choose a room for it"):
        entries.create_entry(store, SETTINGS, text="News", account=room.name, status="scheduled", who="ana", now=NOW)
    assert store.conn.execute("SELECT count(*) FROM calendar_entries WHERE account_id = ?", (room.id,)).fetchone()[0] == 0


def test_moving_the_entry_to_another_account_drops_a_room_it_does_not_have(store, room):
    entry_id = entries.create_entry(store, SETTINGS, text="News", account=room.name, place=NEWS.id, who="ana", now=NOW)
    entries.update_entry(store, SETTINGS, entry_id, who="ana", now=NOW, account="tidewater")
    assert store.entries.require(entry_id)["place"] is None
    copy = entries.duplicate_entry(store, entries.create_entry(store, SETTINGS, text="x", account=room.name,
                                                               place=NEWS.id, who="ana", now=NOW), who="ana")
    assert store.entries.require(copy)["place"] == NEWS.id


def test_the_occurrences_of_a_series_go_to_its_room(store, room):
    entry_id = entries.create_entry(store, SETTINGS, text="Weekly tips", account=room.name, when=LATER,
                                    rrule="FREQ=WEEKLY", place=NEWS.id, who="ana", now=NOW)
    entries.schedule_entry(store, SETTINGS, entry_id, who="ana", now=NOW)
    assert materialize_due(store, SETTINGS, LATER + timedelta(weeks=1))
    children = store.entries.children(entry_id)
    assert children and all(child["place"] == NEWS.id for child in children)
    assert posts(store) and all(p["place"] == NEWS.id for p in posts(store))


# -- cmtui post add ------------------------------------------------------------------------------------
def test_post_add_goes_to_the_accounts_one_announcements_room(room, db, capsys):
    code, out, err = run(capsys, "post", "add", "Release notes", "--account", "fernleaf-chat", "--db", db)
    assert code == 0, err
    assert _stored(db) == [("Release notes", NEWS.id)]


def test_post_add_with_place_and_without_a_clear_default(store, capsys, tmp_path):
    account = add_room_account(store, places=(*PLACES, Place("!dev:fernleaf.example", "#dev", members=30)))
    store.close()
    db = str(tmp_path / "community.db")
    code, out, err = run(capsys, "post", "add", "Hi", "--account", account.name, "--db", db)
    assert code != 0 and out == ""
    assert err.strip().splitlines() == [err.strip()]
    assert "fernleaf-chat posts to a room: choose one with --place (#support, #announcements, #dev)" in err
    assert _stored(db) == []
    code, _, err = run(capsys, "post", "add", "Hi", "--account", account.name, "--place", "#dev", "--db", db)
    assert code == 0, err
    code, _, err = run(capsys, "post", "add", "Later", "--account", account.name, "--draft", "--db", db)
    assert code == 0, err  # a draft may wait for its room
    assert _stored(db) == [("Hi", "!dev:fernleaf.example"), ("Later", None)]


def _stored(db):
    store = Store.open(db)
    try:
        return [tuple(r) for r in store.conn.execute(
            "SELECT e.text, e.place FROM calendar_entries e JOIN accounts a ON a.id = e.account_id"
            " WHERE a.platform = 'matrix' ORDER BY e.id")]
    finally:
        store.close()
