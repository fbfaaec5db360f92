"""cmtui team list [--json] and cmtui team set NAME VALUE: the team's settings kept in the
database, seen by the next command, each change in the activity log with who made it; bad
names and values one line on stderr, exit 2, nothing stored."""

from __future__ import annotations

import json
import os

import pytest

from cmtui.model import iso, utcnow
from cmtui.store import Store
from cli_helpers import run


def me(tmp_path, name: str) -> None:
    """The person working: the user setting of their own settings file."""
    folder = tmp_path / "home" / "config" / "cmtui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(f'user = "{name}"\n', encoding="utf-8")


def stored(db) -> tuple[dict, list]:
    store = Store.open(db)
    try:
        return store.database_settings(), [(r["who"], r["action"], r["subject"], r["detail"])
                                           for r in reversed(store.activity.recent(100))]
    finally:
        store.close()


def team(capsys, db) -> dict:
    code, out, _err = run(capsys, "--db", db, "team", "list", "--json")
    assert code == 0
    return json.loads(out)


def test_set_stores_each_team_setting_for_the_next_command_and_logs_who(db, capsys, tmp_path):
    me(tmp_path, "ana")
    assert run(capsys, "--db", db, "team", "set", "teammates", "Luka, Mia")[0] == 0
    code, out, err = run(capsys, "--db", db, "team", "set", "approval", "Other")
    assert (code, err) == (0, "") and "approval is now other" in out
    assert run(capsys, "--db", db, "team", "set", "act_for_others", "on")[0] == 0
    assert run(capsys, "--db", db, "team", "set", "approvers", "luka")[0] == 0  # the teammate Luka, not a new name
    settings, log = stored(db)
    assert settings == {"teammates": ["Luka", "Mia"], "approvers": ["Luka"], "approval": "other",
                        "act_for_others": True}
    assert log == [("ana", "team.set", "teammates", '["Luka","Mia"]'), ("ana", "team.set", "approval", "other"),
                   ("ana", "team.set", "act_for_others", "true"), ("ana", "team.set", "approvers", '["Luka"]')]
    data = team(capsys, db)
    assert (data["user"], data["approval"], data["act_for_others"]) == ("ana", "other", True)
    assert [(m["name"], m["me"], m["approver"]) for m in data["members"]] == [
        ("ana", True, False), ("Luka", False, True), ("Mia", False, False)]
    # The next command works with them: acting for Luka is now allowed, and recorded as his.
    assert run(capsys, "--db", db, "moderation", "act", "3", "approve", "--as", "luka")[0] == 0
    code, out, _err = run(capsys, "--db", db, "moderation", "log", "--json")
    assert json.loads(out)[0]["who"] == "Luka"


def test_set_merges_into_what_the_database_carries(db, capsys, tmp_path):
    me(tmp_path, "ana")
    store = Store.open(db)
    store.set_database_settings({"timezone": "Europe/Ljubljana", "teammates": ["ana"]})
    store.close()
    assert run(capsys, "--db", db, "team", "set", "approvers", "ana")[0] == 0
    assert stored(db)[0] == {"timezone": "Europe/Ljubljana", "teammates": ["ana"], "approvers": ["ana"]}
    assert run(capsys, "--db", db, "team", "set", "approval", "off")[0] == 0
    assert run(capsys, "--db", db, "team", "set", "teammates", "")[0] == 0  # nobody any more
    settings = stored(db)[0]
    assert (settings["approval"], settings["teammates"]) == ("", [])
    assert team(capsys, db)["approval"] == "off"


def test_once_approvers_are_named_only_they_change_the_approval_rules(db, capsys, tmp_path):
    me(tmp_path, "ana")
    assert run(capsys, "--db", db, "team", "set", "teammates", "luka")[0] == 0
    assert run(capsys, "--db", db, "team", "set", "approvers", "luka")[0] == 0  # nobody named yet: anyone may
    before = stored(db)
    for name, value in (("approvers", "ana,luka"), ("approval", "off"), ("act_for_others", "on")):
        code, out, err = run(capsys, "--db", db, "team", "set", name, value)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert f"only an approver (luka) may change {name}" in err
    assert stored(db) == before
    assert run(capsys, "--db", db, "team", "set", "teammates", "luka,mia")[0] == 0  # the team itself: anyone
    me(tmp_path, "Luka")
    assert run(capsys, "--db", db, "team", "set", "approval", "other")[0] == 0


@pytest.mark.parametrize("name, value, says", [
    ("user", "luka", "cannot set 'user' for the team"),
    ("timezone", "UTC", "cannot set 'timezone' for the team"),
    ("approval", "sometimes", "approval is any (any approver), other"),
    ("act_for_others", "yes", "act_for_others is on or off, not 'yes'"),
    ("teammates", "ana,,luka", "teammates: an empty name between commas"),
    ("approvers", "me", "approvers: 'me' stands for the person working"),
    ("teammates", "ana,bo\x1b[31m", "is not a name"),
])
def test_bad_names_and_values_are_one_line_and_change_nothing(db, capsys, name, value, says):
    before = os.path.getmtime(db), stored(db)
    code, out, err = run(capsys, "--db", db, "team", "set", name, value)
    assert code == 2 and out == "" and says in err and err.count("\n") == 1 and "Traceback" not in err
    assert stored(db) == before[1] == ({}, [])


def test_list_shows_the_team_its_open_items_and_who_is_busy_now(db, capsys, tmp_path):
    me(tmp_path, "luka")
    store = Store.open(db)
    store.set_database_settings({"teammates": ["ana"], "approvers": ["ana"], "approval": "any"})
    open_for_ana = store.conn.execute("SELECT count(*) FROM inbox_items WHERE assignee = 'ana'"
                                      " AND state IN ('new', 'open') AND hidden = 0").fetchone()[0]
    store.conn.execute("UPDATE moderation_flags SET assignee = 'luka' WHERE item_id = 3")
    fresh, stale = iso(utcnow()), "2020-01-01T00:00:00Z"
    store.conn.execute("INSERT INTO presence (item_id, who, activity, since, seen_at) VALUES (12, 'ana', 'replying', ?, ?)",
                       (fresh, fresh))
    store.conn.execute("INSERT INTO presence (item_id, who, activity, since, seen_at) VALUES (13, 'luka', 'replying', ?, ?)",
                       (stale, stale))  # left long ago: not busy now
    store.close()
    assert open_for_ana > 0
    data = team(capsys, db)
    assert data["approval"] == "any" and data["act_for_others"] is False
    assert data["database_settings"] == {"teammates": ["ana"], "approvers": ["ana"], "approval": "any"}
    luka, ana = data["members"]
    assert (luka["name"], luka["me"], luka["approver"], luka["open_flags"], luka["active"]) == ("luka", True, False, 1, [])
    assert (ana["name"], ana["approver"], ana["open_items"]) == ("ana", True, open_for_ana)
    assert [(a["item_id"], a["activity"]) for a in ana["active"]] == [(12, "replying")]
    code, out, _err = run(capsys, "--db", db, "team", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["NAME", "APPROVER", "OPEN", "ITEMS", "OPEN", "FLAGS", "NOW"]
    assert lines[1].split()[:5] == ["luka", "(me)", "-", "0", "1"]
    assert lines[2].split()[:4] == ["ana", "yes", str(open_for_ana), "0"] and "replying to item 12" in lines[2]
    assert "approval: any (an approver approves each post)" in out
    assert "acting for others (--as NAME): off" in out


def test_list_says_where_the_settings_come_from_when_the_database_has_none(db, capsys):
    code, out, _err = run(capsys, "--db", db, "team", "list")
    assert code == 0 and "approval: off (posts go out without approval)" in out
    assert "'cmtui team set' stores them in the database" in out
    assert team(capsys, db)["database_settings"] == {}


def test_list_reads_a_database_it_cannot_write(db, capsys, tmp_path):
    os.chmod(db, 0o444)
    try:
        assert run(capsys, "--db", db, "team", "list", "--json")[0] == 0
    finally:
        os.chmod(db, 0o644)


def test_the_team_commands_in_other_languages(db, capsys, tmp_path):
    folder = tmp_path / "home" / "config" / "cmtui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text('language = "es"\nuser = "ana"\n', encoding="utf-8")
    code, out, _err = run(capsys, "--db", db, "team", "list")
    assert code == 0 and "NOMBRE" in out.splitlines()[0]
    code, out, _err = run(capsys, "--db", db, "team", "list", "--json")
    assert json.loads(out)["approval"] == "off"  # --json stays English
    code, _out, err = run(capsys, "--db", db, "team", "set", "user", "luka")
    assert code == 2 and "'user'" in err and "cannot set" not in err


@pytest.mark.parametrize("argv", [["team", "list"], ["team", "list", "--json"], ["team", "set", "approval", "any"]])
def test_the_team_commands_refuse_a_missing_database_and_create_nothing(capsys, tmp_path, argv):
    missing = tmp_path / "typo" / "nothing.db"
    code, out, err = run(capsys, *argv, "--db", str(missing))
    assert code == 2 and out == "" and err.count("\n") == 1 and "no database at" in err
    assert not missing.parent.exists()


@pytest.mark.parametrize("name, value", [("teammates", "Ana, Luka"), ("approvers", "Ana"), ("approvers", ""),
                                         ("approval", "any"), ("approval", "other"), ("approval", "off"),
                                         ("act_for_others", "on"), ("act_for_others", "OFF")])
def test_each_documented_team_setting_and_value(db, capsys, name, value):
    code, out, err = run(capsys, "team", "set", name, value, "--db", db)
    assert (code, err) == (0, "") and f"team setting {name} is now" in out
    who, action, subject, _detail = stored(db)[1][-1]
    assert who and (action, subject) == ("team.set", name)
