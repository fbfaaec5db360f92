"""Calendar files keep the place (chat room) an entry goes to: exported as the `place` column,
key and X-CMTUI-PLACE property, checked against the account on import like `post add --place`,
and compared so a changed room is an update. Files from before places still import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cmtui.errors import InputError
from cmtui.planning.exchange import CSV_COLUMNS, export_entries, import_entries
from cmtui.store import Store
from place_community import NEWS, SUPPORT, add_room_account
from test_calendar_files import FORMATS, TZ, count, fresh, write

ROOM = "fernleaf-chat"


def room_entries(store: Store) -> dict[str, int]:
    """Entries of the room account: scheduled to #announcements, a draft for #support, an idea
    with no room yet, and a published one."""
    room = store.accounts.get(ROOM) or add_room_account(store)
    add = store.entries.add
    return {
        "news": add(room.id, "Version 4.3 is out", "scheduled", who="ana", scheduled_at="2026-12-01T09:00:00Z",
                    place=NEWS.id),
        "support": add(room.id, "Office hours on Friday", "draft", who="ana", scheduled_at="2026-12-04T15:00:00Z",
                       place=SUPPORT.id),
        "idea": add(room.id, "A poll about the logo?", "idea", who="ana"),
        "posted": add(room.id, "Welcome, everyone", "published", who="ana", published_at="2026-11-19T10:00:00Z",
                      place=NEWS.id, remote_id="$welcome"),
    }


def places(store: Store) -> dict[int, str | None]:
    return {row[0]: row[1] for row in store.conn.execute("SELECT id, place FROM calendar_entries")}


def refused_lines(store: Store, path: Path) -> list[str]:
    before = (count(store), count(store, "entry_transitions"), places(store))
    with pytest.raises(InputError) as exc:
        import_entries(store, path, TZ, who="ana")
    assert (count(store), count(store, "entry_transitions"), places(store)) == before
    return str(exc.value).splitlines()


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def to_csv(records: list[dict], columns) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue()


@pytest.fixture
def rooms(store):
    return room_entries(store)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_with_rooms_imports_into_a_fresh_database_identically(store, rooms, tmp_path, fmt):
    first = export_entries(store, fmt, TZ)
    other = fresh(tmp_path / "other.db")  # the factory's two Mastodon accounts
    add_room_account(other)
    report = import_entries(other, write(tmp_path / f"cal.{fmt}", first), TZ, who="bob")
    assert report.created == count(store)
    assert export_entries(other, fmt, TZ) == first
    assert other.entries.require(rooms["news"])["place"] == NEWS.id
    assert other.entries.require(rooms["support"])["place"] == SUPPORT.id
    assert other.entries.require(rooms["idea"])["place"] is None
    other.close()


def test_each_format_names_the_place(store, rooms):
    assert CSV_COLUMNS[-2:] == ("place", "thread")  # added last, in order: older files keep their column order
    by_id = {int(r["id"]): r for r in rows(export_entries(store, "csv", TZ))}
    assert by_id[rooms["news"]]["place"] == NEWS.id and by_id[rooms["idea"]]["place"] == ""
    assert all(r["place"] == "" for r in by_id.values() if r["account"] != ROOM)
    listed = {e["id"]: e for e in json.loads(export_entries(store, "json", TZ))}
    assert listed[rooms["support"]]["place"] == SUPPORT.id and listed[rooms["idea"]]["place"] is None
    ics = export_entries(store, "ics", TZ)
    assert f"X-CMTUI-PLACE:{NEWS.id}\r\n" in ics and f"X-CMTUI-PLACE:{SUPPORT.id}\r\n" in ics
    assert ics.count("X-CMTUI-PLACE:") == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_changed_room_is_an_update(store, rooms, tmp_path, fmt):
    with store.transaction():
        store.conn.execute("UPDATE calendar_entries SET updated_at = '2026-01-01T00:00:00Z'")
    text = export_entries(store, fmt, TZ).replace(SUPPORT.id, NEWS.id)
    transitions = count(store, "entry_transitions")
    report = import_entries(store, write(tmp_path / f"moved.{fmt}", text), TZ, who="bob")
    assert report.created == 0
    assert store.entries.require(rooms["support"])["place"] == NEWS.id
    changed = store.conn.execute("SELECT id FROM calendar_entries WHERE updated_at != '2026-01-01T00:00:00Z'")
    assert [r[0] for r in changed] == [rooms["support"]]  # the one entry whose room changed
    assert count(store, "entry_transitions") == transitions  # a room is no status change


def test_a_room_given_by_name_is_stored_as_its_id(store, tmp_path):
    add_room_account(store)
    path = write(tmp_path / "plan.csv", "account,status,scheduled_at,text,place\r\n"
                                        f"{ROOM},scheduled,2026-12-01T09:00:00Z,Release day,#announcements\r\n"
                                        f"{ROOM},draft,,Ask about the logo,\r\n")
    import_entries(store, path, TZ, who="ana")
    stored = store.conn.execute("SELECT text, place FROM calendar_entries WHERE account_id = ? ORDER BY id",
                                (store.accounts.get(ROOM).id,)).fetchall()
    assert [tuple(r) for r in stored] == [("Release day", NEWS.id), ("Ask about the logo", None)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_room_is_one_problem_and_nothing_changes(store, rooms, tmp_path, fmt):
    before = export_entries(store, fmt, TZ)
    text = before.replace(SUPPORT.id, "!random:fernleaf.example")
    lines = refused_lines(store, write(tmp_path / f"bad.{fmt}", text))
    assert len(lines) == 2 and lines[0].endswith("1 problem, nothing imported")
    assert lines[1].startswith("line ")
    assert lines[1].endswith(f": {ROOM} has no room '!random:fernleaf.example' (#support, #announcements)")
    assert export_entries(store, fmt, TZ) == before


def test_a_place_where_posts_go_to_none_or_with_no_account_and_a_missing_room(store, tmp_path):
    add_room_account(store)
    path = write(tmp_path / "bad.csv", "account,status,scheduled_at,text,place\r\n"
                                       "tidewater,draft,,Hello,#support\r\n"
                                       ",idea,,Someday,#support\r\n"
                                       f"{ROOM},scheduled,2026-12-01T09:00:00Z,Release day,\r\n"
                                       f"{ROOM},draft,2026-12-01T09:00:00Z,Later,\r\n"
                                       "tidewater,scheduled,2026-12-01T09:00:00Z,Fine,\r\n")
    assert refused_lines(store, path)[1:] == [
        "line 2: Mastodon posts go to no place: leave it out",
        "line 3: choose the account first: a place is one of an account's",
        f"line 4: the entry goes to {ROOM}: choose a room for it",
    ]


def test_a_file_from_before_places_imports_and_keeps_the_rooms_stored(store, rooms, tmp_path):
    old_columns = CSV_COLUMNS[:-1]
    records = rows(export_entries(store, "csv", TZ))
    next(r for r in records if int(r["id"]) == rooms["news"])["text"] = "Version 4.3.1 is out"
    report = import_entries(store, write(tmp_path / "old.csv", to_csv(records, old_columns)), TZ, who="bob")
    assert report.created == 0 and report.updated == len(records)
    news = store.entries.require(rooms["news"])
    assert (news["text"], news["place"]) == ("Version 4.3.1 is out", NEWS.id)
    assert store.entries.require(rooms["support"])["place"] == SUPPORT.id
    # ... and the same file adds its entries to a community without them
    listed = [e for e in json.loads(export_entries(store, "json", TZ)) if e["account"] != ROOM]
    for entry in listed:
        del entry["place"]
    other = fresh(tmp_path / "other.db")
    assert import_entries(other, write(tmp_path / "old.json", json.dumps(listed)), TZ, who="bob").created == len(listed)
    other.close()


def test_a_room_the_account_has_left_still_imports_back(store, rooms, tmp_path):
    first = export_entries(store, "json", TZ)
    store.accounts.set_places(store.accounts.get(ROOM).id, [SUPPORT])  # no longer in #announcements
    report = import_entries(store, write(tmp_path / "same.json", first), TZ, who="bob")
    assert report.created == 0 and export_entries(store, "json", TZ) == first
    moved = first.replace(SUPPORT.id, NEWS.id)  # but no entry is newly sent there
    lines = refused_lines(store, write(tmp_path / "moved.json", moved))
    assert lines[1].endswith(f"{ROOM} has no room '{NEWS.id}' (#support)")


def test_a_room_change_of_an_entry_scheduled_on_the_server_is_refused(store, rooms, tmp_path):
    with store.transaction():
        store.conn.execute("UPDATE calendar_entries SET server_scheduled_id = '5' WHERE id = ?", (rooms["news"],))
    entries = json.loads(export_entries(store, "json", TZ))
    next(e for e in entries if e["id"] == rooms["news"])["place"] = "#support"
    lines = refused_lines(store, write(tmp_path / "moved.json", json.dumps(entries)))
    assert lines[1].endswith(f"entry {rooms['news']} is scheduled on the server; change its place in the "
                             "calendar, not by import")
