"""The README's command-line section, run once per documented command and flag combination
(in-process, against the small test community): no traceback, the documented exit code,
and on refusal one line on stderr. Network commands are run only where they refuse before
any connection (their round trips are in test_sync_cli.py against the real peer); the TUI
and `demo` open a terminal UI and have their own Pilot tests."""

from __future__ import annotations

import json
import shutil

import pytest

from cmtui.cli import main
from factory import build_store


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    """A closed community file, an inbox item id and a flagged item id: each test copies it."""
    path = tmp_path_factory.mktemp("contract") / "community.db"
    store = build_store(path)
    item = store.conn.execute("SELECT id FROM inbox_items WHERE state = 'new' ORDER BY id LIMIT 1").fetchone()[0]
    flagged = store.conn.execute("SELECT item_id FROM moderation_flags WHERE item_id IS NOT NULL"
                                 " AND state = 'open' ORDER BY id LIMIT 1").fetchone()[0]
    store.close()
    return path, {"ITEM": str(item), "FLAGGED": str(flagged)}


@pytest.fixture
def cli(community, tmp_path, capsys):
    source, ids = community
    db = tmp_path / "community.db"
    shutil.copy(source, db)

    def run(*argv: str, db_path=db):
        argv = [a.format(**ids, TMP=tmp_path) for a in argv]
        capsys.readouterr()
        usage = False
        try:
            code = main([*argv, "--db", str(db_path)])
        except SystemExit as exc:  # argparse refusing a flag: its usage, then one error line
            code, usage = exc.code, True
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        if code == 2:
            lines = err.strip().splitlines()
            assert lines and (": error: " in lines[-1] if usage else len(lines) == 1), err
        return code, out, err

    run.db = db
    return run


OK, BAD = 0, 2

CASES = [
    # account
    (OK, ["account", "list"]), (OK, ["account", "list", "--json"]),
    (OK, ["account", "remove", "tidewater_es"]), (BAD, ["account", "remove", "nobody"]),
    (BAD, ["account", "add", "mastodon", "x", "--instance", "not a url", "--token-env", "NO_SUCH_VAR"]),
    (OK, ["account", "add", "mastodon", "planned", "--offline"]),
    (OK, ["account", "add", "matrix", "planned", "--offline", "--instance", "https://matrix.example.org"]),
    (BAD, ["account", "add", "mastodon", "tidewater", "--offline"]),
    (BAD, ["account", "add", "mastodon", "planned", "--offline", "--instance", "not a url"]),
    (BAD, ["account", "add", "mastodon", "planned", "--offline", "--token-env", "SOME_VAR"]),
    (BAD, ["account", "add", "mastodon", "planned", "--token-env", "SOME_VAR"]),  # no --instance: needs one
    # sync: only what refuses before any connection
    (BAD, ["sync", "--once", "--account", "nobody"]),
    # inbox
    (OK, ["inbox", "list"]), (OK, ["inbox", "list", "--json"]),
    *[(OK, ["inbox", "list", "--state", s]) for s in ("new", "open", "snoozed", "done", "all")],
    (OK, ["inbox", "list", "--search", "export", "--limit", "5", "--json"]),
    (OK, ["inbox", "list", "--search", "from:nobody is:question"]),
    (BAD, ["inbox", "list", "--state", "gone"]), (BAD, ["inbox", "list", "--limit", "many"]),
    (OK, ["inbox", "done", "{ITEM}"]), (BAD, ["inbox", "done", "999999"]), (BAD, ["inbox", "done", "x"]),
    (OK, ["inbox", "reply", "{ITEM}", "Thanks, looking into it"]), (BAD, ["inbox", "reply", "{ITEM}", "  "]),
    (BAD, ["inbox", "reply", "999999", "hello"]),
    # post
    (OK, ["post", "add", "Hello", "--account", "tidewater"]),
    (OK, ["post", "add", "Later", "--account", "tidewater", "--at", "tomorrow 9:00"]),
    (OK, ["post", "add", "Draft", "--account", "tidewater", "--draft"]),
    (OK, ["post", "add", "Draft later", "--account", "tidewater", "--at", "in 3 days", "--draft"]),
    (BAD, ["post", "add", "Hello", "--account", "nobody"]),
    (BAD, ["post", "add", "Hello", "--account", "tidewater", "--at", "yesterday"]),
    (BAD, ["post", "add", "Hello", "--account", "tidewater", "--at", "the day after never"]),
    (BAD, ["post", "add", "x" * 600, "--account", "tidewater"]),
    (OK, ["post", "add", "One\n---\nTwo", "--account", "tidewater", "--thread"]),
    (OK, ["post", "add", "One\n---\nTwo", "--account", "tidewater", "--thread", "--at", "tomorrow 9:00", "--draft"]),
    (BAD, ["post", "add", "One\n---\n" + "x" * 600, "--account", "tidewater", "--thread"]),
    # calendar list: every combination of --from / --to
    (OK, ["calendar", "list"]), (OK, ["calendar", "list", "--json"]),
    (OK, ["calendar", "list", "--from", "2026-11-01"]), (OK, ["calendar", "list", "--to", "2099-03-01"]),
    (OK, ["calendar", "list", "--to", "2099-03-01", "--json"]),
    (OK, ["calendar", "list", "--from", "2026-11-01", "--to", "2026-12-31", "--json"]),
    (OK, ["calendar", "list", "--from", "2026-11-01", "--to", "2026-11-01"]),  # one day: --to includes it
    (OK, ["calendar", "list", "--from", "today", "--to", "in 3 days"]),
    (BAD, ["calendar", "list", "--from", "2026-12-01", "--to", "2026-11-01"]),
    (BAD, ["calendar", "list", "--to", "2000-01-01"]),
    (BAD, ["calendar", "list", "--from", "the day after never"]),
    (BAD, ["calendar", "list", "--to", "the day after never"]),
    # calendar files
    *[(OK, ["calendar", "export", "--format", f]) for f in ("ics", "csv", "json")],
    *[(OK, ["calendar", "export", "--format", f, "-o", f"{{TMP}}/out.{f}"]) for f in ("ics", "csv", "json")],
    (BAD, ["calendar", "export", "--format", "xml"]),
    (BAD, ["calendar", "import", "{TMP}/missing.csv"]),
    (BAD, ["calendar", "import", "{TMP}/missing.csv", "--create-accounts"]),
    # outbox, moderation
    (OK, ["outbox", "list"]), (OK, ["outbox", "list", "--json"]),
    (OK, ["moderation", "list"]), (OK, ["moderation", "list", "--json"]),
    (OK, ["moderation", "log"]), (OK, ["moderation", "log", "--json"]),
    *[(OK, ["moderation", "act", "{FLAGGED}", a]) for a in ("approve", "hide", "mute", "block")],
    (OK, ["moderation", "act", "{FLAGGED}", "report", "--comment", "spam"]),
    (BAD, ["moderation", "act", "999999", "approve"]), (BAD, ["moderation", "act", "{FLAGGED}", "smite"]),
    (BAD, ["moderation", "act", "r999", "approve"]),
    # metrics
    (OK, ["metrics"]), (OK, ["metrics", "--json"]), (OK, ["metrics", "--days", "7"]),
    (OK, ["metrics", "--days", "365", "--account", "tidewater"]),
    (OK, ["metrics", "--export", "{TMP}/report.md"]), (OK, ["metrics", "--export", "{TMP}/report.csv"]),
    (BAD, ["metrics", "--days", "0"]), (BAD, ["metrics", "--account", "nobody"]),
    (BAD, ["metrics", "--export", "{TMP}/report.txt"]),
    (OK, ["metrics", "goal", "add", "Weekly", "--metric", "posts_per_week", "--target", "3", "--by", "2099-01-01"]),
    (BAD, ["metrics", "goal", "add", "Weekly", "--metric", "posts_per_week", "--target", "x", "--by", "2099-01-01"]),
    (BAD, ["metrics", "goal", "add", "Old", "--metric", "posts_per_week", "--target", "3", "--by", "2000-01-01"]),
    (OK, ["metrics", "goal", "list"]), (OK, ["metrics", "goal", "list", "--json"]),
    (BAD, ["metrics", "goal", "remove", "999999"]),
]


@pytest.mark.parametrize("code, argv", CASES, ids=[" ".join(a)[:60] for _, a in CASES])
def test_each_documented_command_exits_as_documented(cli, code, argv):
    got, out, err = cli(*argv)
    assert got == code, (out, err)
    if code == OK and "--json" in argv:
        json.loads(out)


def test_db_before_or_after_the_subcommand(cli):
    assert main(["--db", str(cli.db), "outbox", "list", "--json"]) == 0
    assert main(["outbox", "--db", str(cli.db), "list", "--json"]) == 0


def test_calendar_list_to_alone_starts_today(cli):
    code, out, _ = cli("calendar", "list", "--to", "2099-03-01", "--json")
    everything = json.loads(cli("calendar", "list", "--from", "today", "--to", "2099-03-01", "--json")[1])
    assert code == 0 and json.loads(out) == everything
    code, _, err = cli("calendar", "list", "--to", "2000-01-01")
    assert code == 2 and "before today" in err and "--from" in err


def test_a_bad_command_changes_nothing(cli):
    before = cli.db.read_bytes()
    cli("post", "add", "Hello", "--account", "tidewater", "--at", "yesterday")
    cli("moderation", "act", "999999", "approve")
    assert cli.db.read_bytes() == before


READING = [["inbox", "list"], ["inbox", "list", "--json"], ["calendar", "list"], ["calendar", "export", "--format", "csv"],
           ["outbox", "list"], ["account", "list"], ["moderation", "list"], ["moderation", "log"], ["metrics"],
           ["metrics", "goal", "list"], ["inbox", "done", "1"], ["inbox", "reply", "1", "hi"],
           ["post", "add", "Hi", "--account", "tidewater"], ["moderation", "act", "1", "approve"],
           ["account", "remove", "tidewater"], ["sync", "--once"]]


@pytest.mark.parametrize("argv", READING, ids=[" ".join(a) for a in READING])
def test_commands_on_data_refuse_a_missing_database_and_create_nothing(cli, tmp_path, argv):
    missing = tmp_path / "typo" / "nothing.db"
    code, out, err = cli(*argv, db_path=missing)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"no database at {missing}" in err
    assert not missing.exists() and not missing.parent.exists()


def test_commands_that_start_a_community_say_the_database_is_new(cli, tmp_path):
    new = tmp_path / "new.db"
    code, _, err = cli("metrics", "goal", "add", "Weekly", "--metric", "posts_per_week", "--target", "3",
                       "--by", "2099-01-01", db_path=new)
    assert code == 0 and err == f"cmtui: new database at {new}\n"
    code, _, err = cli("metrics", "goal", "list", db_path=new)
    assert code == 0 and err == ""  # said once, when it is new


def test_a_creating_command_that_fails_leaves_no_new_file(cli, tmp_path):
    new = tmp_path / "new.db"
    code, _, err = cli("calendar", "import", str(tmp_path / "missing.csv"), db_path=new)
    assert code == 2 and "new database" not in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("new.db")) == []


def test_a_creating_command_that_fails_keeps_an_empty_file_the_user_made(cli, tmp_path):
    mine = tmp_path / "mine.db"
    mine.touch()
    code, _, err = cli("calendar", "import", str(tmp_path / "missing.csv"), db_path=mine)
    assert code == 2 and "new database" not in err
    assert mine.exists()


def test_generate_writes_a_new_file_and_refuses_an_existing_one(cli, tmp_path):
    target = tmp_path / "gen.db"
    assert cli("generate", "--items", "30", db_path=target)[0] == 0 and target.exists()
    code, _, err = cli("generate", "--items", "30", db_path=target)
    assert code == 2 and err
