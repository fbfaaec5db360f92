"""cmtui post add --thread: parts split by a line holding only ---, each checked against the
account's limit before anything is stored; calendar list --json shows thread and parts."""

from __future__ import annotations

import json

import pytest

from cmtui.cli import main
from cmtui.store import Store
from cmtui.store.base import loads
from factory import build_store

THREE = "First part\n---\nSecond part\n---\nThird part"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "community.db"
    build_store(path).close()
    return path


def cli(capsys, db, *argv):
    capsys.readouterr()
    code = main([*argv, "--db", str(db)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def counts(db) -> tuple[int, int]:
    store = Store.open(db)
    try:
        return (store.conn.execute("SELECT count(*) FROM calendar_entries").fetchone()[0],
                store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    finally:
        store.close()


def listed(capsys, db) -> dict:
    code, out, _ = cli(capsys, db, "calendar", "list", "--json")
    assert code == 0
    return {e["id"]: e for e in json.loads(out)}


def test_three_parts_make_one_thread_entry_with_its_post_queued(capsys, db):
    code, out, err = cli(capsys, db, "post", "add", THREE, "--account", "tidewater", "--thread")
    assert code == 0 and err == "" and "a thread of 3 parts" in out
    entry_id = int(out.split()[1])
    entry = listed(capsys, db)[entry_id]
    assert entry["thread"] is True and entry["parts"] == ["First part", "Second part", "Third part"]
    store = Store.open(db)
    [op] = store.outbox.for_entry(entry_id)
    assert loads(op["payload"], {})["parts"] == entry["parts"]
    store.close()


def test_without_thread_a_separator_line_is_just_text(capsys, db):
    code, out, _ = cli(capsys, db, "post", "add", THREE, "--account", "tidewater", "--draft")
    assert code == 0 and "thread" not in out
    entry = listed(capsys, db)[int(out.split()[1])]
    assert entry["thread"] is False and entry["parts"] == [THREE] and entry["text"] == THREE


def test_every_listed_entry_has_thread_and_parts(capsys, db):
    entries = listed(capsys, db)
    assert entries and all(e["thread"] is False and e["parts"] == [e["text"]] for e in entries.values())


@pytest.mark.parametrize("text, message", [
    ("ok\n---\n" + "x" * 612 + "\n---\nok", "cmtui: the thread for tidewater: part 2 is 612 characters, over 500"),
    ("ok\n---\n\n---\nok", "cmtui: part 2 of 3 is empty"),
])
def test_a_bad_part_is_refused_and_nothing_is_stored(capsys, db, text, message):
    before = counts(db)
    code, out, err = cli(capsys, db, "post", "add", text, "--account", "tidewater", "--thread")
    assert code == 2 and out == "" and err.startswith(message) and len(err.strip().splitlines()) == 1
    assert counts(db) == before


@pytest.mark.parametrize("extra", [["--draft"], ["--at", "tomorrow 9:00"], ["--at", "in 3 days", "--draft"]])
def test_thread_with_the_other_flags(capsys, db, extra):
    code, out, err = cli(capsys, db, "post", "add", THREE, "--account", "tidewater", "--thread", *extra)
    assert code == 0 and err == ""
    entry = listed(capsys, db)[int(out.split()[1])]
    assert entry["thread"] is True and len(entry["parts"]) == 3


def test_help_says_how_parts_are_separated(capsys):
    with pytest.raises(SystemExit):
        main(["post", "add", "--help"])
    assert "line holding only ---" in " ".join(capsys.readouterr().out.split())
