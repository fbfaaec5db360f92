"""A thread in calendar files: the json key, the csv column (last) and the iCalendar
X-CMTUI-THREAD keep it, a file written by export imports back identically, a file from
before threads keeps an entry's thread, and an over-long part is refused with its line."""

from __future__ import annotations

import csv
import io
import json
from zoneinfo import ZoneInfo

import pytest

from cmtui.errors import InputError
from cmtui.planning.exchange import CSV_COLUMNS, export_entries, import_entries
from cmtui.store import Store

TZ = ZoneInfo("Europe/Ljubljana")
FORMATS = ("csv", "json", "ics")
THREAD = "Release day, 1/3\n---\nWhat is new; \"quoted\", 2/3\n---\nThanks! 3/3"


@pytest.fixture
def threaded(store):
    main_id = store.accounts.get("tidewater").id
    entry_id = store.entries.add(main_id, THREAD, "draft", who="ana", scheduled_at="2026-12-02T09:00:00Z")
    store.entries.update(entry_id, {"thread": 1})
    return store, entry_id


def fresh(path, source: Store) -> Store:
    other = Store.open(path)
    for account in source.accounts.list():
        other.accounts.add(account.name, "mastodon", "https://social.tidewater.example", limits=account.limits)
    return other


def write(path, text: str):
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_each_format_says_which_entry_is_a_thread(threaded):
    store, entry_id = threaded
    assert CSV_COLUMNS[-1] == "thread"  # added at the end: older files keep their column order
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(export_entries(store, "csv", TZ)))}
    assert rows[entry_id]["thread"] == "1" and rows[entry_id]["text"] == THREAD
    assert sum(r["thread"] == "1" for r in rows.values()) == 1
    listed = {e["id"]: e for e in json.loads(export_entries(store, "json", TZ))}
    assert listed[entry_id]["thread"] is True and not any(e["thread"] for i, e in listed.items() if i != entry_id)
    ics = export_entries(store, "ics", TZ)
    assert ics.count("X-CMTUI-THREAD:1\r\n") == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_thread_exported_imports_back_identically(threaded, tmp_path, fmt):
    store, entry_id = threaded
    first = export_entries(store, fmt, TZ)
    other = fresh(tmp_path / "other.db", store)
    import_entries(other, write(tmp_path / f"cal.{fmt}", first), TZ, who="bob")
    assert other.entries.get(entry_id)["thread"] == 1 and other.entries.get(entry_id)["text"] == THREAD
    assert export_entries(other, fmt, TZ) == first
    other.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_from_before_threads_keeps_the_entrys_thread(threaded, tmp_path, fmt):
    store, entry_id = threaded
    text = export_entries(store, fmt, TZ)
    if fmt == "csv":
        text = "\r\n".join(line.rsplit(",", 1)[0] for line in text.split("\r\n") if line) + "\r\n"
        assert "thread" not in text.split("\r\n")[0]
    elif fmt == "json":
        text = json.dumps([{k: v for k, v in e.items() if k != "thread"} for e in json.loads(text)])
    else:
        text = text.replace("X-CMTUI-THREAD:1\r\n", "")
    text = text.replace("Release day", "Launch day")
    report = import_entries(store, write(tmp_path / f"old.{fmt}", text), TZ, who="bob")
    assert report.updated == report.entries
    entry = store.entries.get(entry_id)
    assert entry["thread"] == 1 and entry["text"].startswith("Launch day, 1/3\n---\n")


def test_a_part_over_the_limit_is_refused_with_its_line(threaded, tmp_path):
    store, entry_id = threaded
    text = export_entries(store, "json", TZ).replace("Thanks! 3/3", "x" * 501)
    before = store.entries.get(entry_id)["text"]
    with pytest.raises(InputError, match=r"part 3 is 501 characters, over 500"):
        import_entries(store, write(tmp_path / "long.json", text), TZ, who="bob")
    assert store.entries.get(entry_id)["text"] == before
