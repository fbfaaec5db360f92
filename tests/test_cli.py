"""Every command of the foundation, run through main() as a user would."""

from __future__ import annotations

import json
import sqlite3

import pytest

from cmtui.cli import main
from cmtui.store import Store
from cli_helpers import run


def test_inbox_list_json_shape_and_default_states(capsys, db):
    code, out, err = run(capsys, "inbox", "list", "--json", "--db", db)
    assert code == 0 and err == ""
    items = json.loads(out)
    assert len(items) == 150
    assert {i["state"] for i in items} == {"new", "open"}
    for key in ("id", "account", "platform", "kind", "remote_id", "url", "author", "text", "created_at",
                "state", "labels", "assignee"):
        assert key in items[0]
    assert items[0]["created_at"].endswith("Z") and isinstance(items[0]["labels"], list)


def test_db_option_before_or_after_the_subcommand(capsys, db):
    _, before, _ = run(capsys, "--db", db, "inbox", "list", "--json", "--limit", "3")
    _, after, _ = run(capsys, "inbox", "list", "--limit", "3", "--json", "--db", db)
    _, middle, _ = run(capsys, "inbox", "--db", db, "list", "--limit", "3", "--json")
    assert before == after == middle and len(json.loads(before)) == 3


def test_cmtui_db_environment_variable(capsys, db, monkeypatch):
    monkeypatch.setenv("CMTUI_DB", db)
    code, out, _ = run(capsys, "inbox", "list", "--state", "done", "--json")
    assert code == 0 and len(json.loads(out)) == 100


def test_inbox_list_state_search_limit_and_table(capsys, db):
    _, out, _ = run(capsys, "inbox", "list", "--state", "all", "--search", "Markdown", "--json", "--db", db)
    found = json.loads(out)
    assert len(found) == 63 and all("Markdown" in i["text"] for i in found)
    code, out, _ = run(capsys, "inbox", "list", "--limit", "5", "--db", db)
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:3] == ["ID", "STATE", "AGE"] and len(lines) == 6


def test_inbox_list_search_takes_the_query_syntax(capsys, db):
    _, out, _ = run(capsys, "inbox", "list", "--search", "mark lang:en from:user4 state:all", "--json", "--db", db)
    found = json.loads(out)
    assert found and all(i["author"].startswith("user4") and "Markdown" in i["text"] for i in found)
    assert any(i["state"] == "done" for i in found)  # state:all in the query overrides the default
    code, out, _ = run(capsys, "inbox", "list", "--search", "label:sync is:question", "--json", "--db", db)
    assert code == 0 and json.loads(out) and all(i["labels"] == ["sync"] for i in json.loads(out))
    code, out, err = run(capsys, "inbox", "list", "--search", "state:sleeping", "--db", db)
    assert code == 2 and out == "" and "state:sleeping is not a state" in err


def test_inbox_list_bad_input(capsys, db):
    code, _, err = run(capsys, "inbox", "list", "--limit", "0", "--db", db)
    assert code == 2 and err.strip() == "cmtui: --limit must be a positive number"
    with pytest.raises(SystemExit) as exc:
        main(["inbox", "list", "--state", "sleeping", "--db", db])
    assert exc.value.code == 2


def test_calendar_list_range_and_json(capsys, db):
    code, out, _ = run(capsys, "calendar", "list", "--from", "2026-11-15", "--to", "2026-11-20", "--json",
                       "--db", db)
    entries = json.loads(out)
    assert code == 0 and entries
    assert all("2026-11-15" <= e["scheduled_at"][:10] <= "2026-11-20" for e in entries)
    for key in ("id", "account", "text", "status", "scheduled_at", "published_at", "remote_id", "url"):
        assert key in entries[0]


def test_calendar_list_bad_date(capsys, db):
    code, out, err = run(capsys, "calendar", "list", "--from", "the day after never", "--db", db)
    assert code == 2 and out == ""
    assert err.startswith("cmtui: cannot read 'the day after never' as a date") and err.count("\n") == 1
    code, _, err = run(capsys, "calendar", "list", "--from", "2026-12-01", "--to", "2026-11-01", "--db", db)
    assert code == 2 and "--to must be after --from" in err


def test_outbox_and_account_list(capsys, db):
    store = Store.open(db)
    with store.transaction():
        store.outbox.enqueue(store.accounts.get("tidewater").id, "reply", {"text": "thanks!"}, item_id=2)
    store.close()
    _, out, _ = run(capsys, "outbox", "list", "--json", "--db", db)
    ops = json.loads(out)
    assert [(o["kind"], o["state"], o["attempts"], o["last_error"]) for o in ops] == [("reply", "pending", 0, None)]
    _, out, _ = run(capsys, "account", "list", "--json", "--db", db)
    accounts = json.loads(out)
    assert [a["name"] for a in accounts] == ["tidewater", "tidewater_es"]
    assert all("token" not in json.dumps(a) for a in accounts)
    code, out, _ = run(capsys, "account", "list", "--db", db)
    assert code == 0 and "tidewater_es" in out


@pytest.mark.parametrize("kind", ["text", "directory", "newer", "truncated", "foreign"])
def test_bad_db_gives_one_line_exit_2_and_leaves_the_file(capsys, tmp_path, db, kind):
    path = tmp_path / "bad.db"
    if kind == "text":
        path.write_text("just some notes\n")
    elif kind == "directory":
        path.mkdir()
    elif kind == "newer":
        Store.open(path).close()
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 99")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
    elif kind == "truncated":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        data = open(db, "rb").read()
        path.write_bytes(data[: len(data) // 3])
    elif kind == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    before = None if path.is_dir() else path.read_bytes()
    code, out, err = run(capsys, "inbox", "list", "--db", str(path))
    assert code == 2 and out == ""
    assert err.startswith("cmtui: ") and err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err
    if before is not None:
        assert path.read_bytes() == before


def test_demo_builds_its_own_database_never_the_users(capsys, tmp_path, monkeypatch):
    import cmtui.cli

    opened = []
    monkeypatch.setattr(cmtui.cli, "run_tui", lambda store, settings, **kw: opened.append(store.path) or 0)
    user_db = tmp_path / "mine.db"
    monkeypatch.setenv("CMTUI_DB", str(user_db))
    assert main(["demo"]) == 0
    assert not user_db.exists()
    demo_path = opened[0]
    assert demo_path.name == "demo.db" and demo_path.exists()
    store = Store.open(demo_path)
    assert store.inbox.count() > 0
    store.close()
    # Present: opened as it is; --reset rebuilds it.
    mtime = demo_path.stat().st_mtime_ns
    assert main(["demo"]) == 0 and demo_path.stat().st_mtime_ns == mtime
    assert main(["demo", "--reset"]) == 0 and opened[-1] == demo_path


def test_demo_reset_refuses_a_database_that_is_not_a_demo(capsys, db, monkeypatch):
    import cmtui.cli

    monkeypatch.setattr(cmtui.cli, "run_tui", lambda store, settings, **kw: 0)
    before = open(db, "rb").read()
    code, _, err = run(capsys, "demo", "--reset", "--db", db)
    assert code == 2 and "not a demo database" in err
    assert open(db, "rb").read() == before


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and "cmtui" in capsys.readouterr().out


def test_calendar_list_shows_each_occurrence_of_a_repeating_post(capsys, db):
    from datetime import datetime, timezone

    from cmtui.config import Settings
    from cmtui.planning.entries import create_entry
    from cmtui.store import Store

    store = Store.open(db)
    series = create_entry(store, Settings(timezone="UTC"), text="Weekly tip", account="tidewater",
                          when=datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc), rrule="FREQ=WEEKLY;BYDAY=MO",
                          who="ana", now=datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc))
    store.close()
    code, out, _ = run(capsys, "calendar", "list", "--from", "2026-12-01", "--to", "2026-12-31", "--json",
                       "--db", db)
    tips = [e for e in json.loads(out) if e["id"] == series]
    assert code == 0 and [e["scheduled_at"] for e in tips] == [
        "2026-12-07T10:00:00Z", "2026-12-14T10:00:00Z", "2026-12-21T10:00:00Z", "2026-12-28T10:00:00Z"]
    assert all(e["series_id"] == series and e["skipped"] is False for e in tips)
    _, out, _ = run(capsys, "calendar", "list", "--from", "2026-12-01", "--to", "2026-12-31", "--db", db)
    assert out.count("↻ Weekly tip") == 4


def test_cli_table_rows_measure_and_cut_like_the_terminal(capsys):
    from rich.cells import cell_len

    from cmtui.commands.output import print_table
    from cmtui.text import graphemes

    family = "👨\u200d👩\u200d👧\u200d👦"
    names = ["Jonah ✍️ writes", f"{family} the Smiths", "plain"]
    print_table(["Name", "N"], [[n, "1"] for n in names], [None, 3])
    lines = capsys.readouterr().out.splitlines()
    # the natural width is the widest name by the renderer's measure: every N column lines up
    assert {cell_len(line.split("1")[0]) for line in lines[1:]} == {max(map(cell_len, names)) + 2}
    print_table(["Name"], [[n] for n in names], [7])
    cut_rows = capsys.readouterr().out.splitlines()[1:]
    assert cut_rows[0] == "Jonah…"  # the writing hand takes 2 cells: it does not fit, and is not split
    assert cut_rows[1] == f"{family} the…" and all(cell_len(r) <= 7 for r in cut_rows)
    for row in cut_rows:
        assert all(c in set(graphemes(" ".join(names))) | {"…", " "} or c.isascii() for c in graphemes(row))
