"""The command line's side of repeat words and conflicts: `calendar list --json` carries
`repeat` and `conflicts` (additive), `post add` warns on stderr about a conflict and still
saves (exit 0), and a bad conflict setting is one clear line."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cli_helpers import run


def settings(text: str) -> None:
    folder = Path(os.environ["CMTUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text('timezone = "UTC"\n' + text)


def listed(capsys, db, *extra):
    code, out, err = run(capsys, "calendar", "list", "--from", "2027-01-12", "--to", "2027-01-13", "--json",
                         "--db", db, *extra)
    assert code == 0, err
    return json.loads(out)


def test_post_add_warns_about_a_conflict_on_stderr_and_saves(db, capsys):
    settings("")
    code, out, err = run(capsys, "post", "add", "Launch post", "--account", "tidewater", "--at", "2027-01-12 10:00",
                         "--db", db)
    assert code == 0 and err == "", err
    code, out, err = run(capsys, "post", "add", "Follow-up", "--account", "tidewater", "--at", "2027-01-12 10:42",
                         "--db", db)
    assert code == 0 and "scheduled for Tue, 12 Jan 2027, 10:42 UTC" in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cmtui: warning: entry ")
    assert lines[0].endswith(": 42 min after ‘Launch post’ on tidewater (minimum gap 60 min)")
    # another account, an hour later: no warning
    code, out, err = run(capsys, "post", "add", "Hola", "--account", "tidewater_es", "--at", "2027-01-12 10:30",
                         "--db", db)
    assert code == 0 and err == ""
    code, out, err = run(capsys, "post", "add", "Later", "--account", "tidewater", "--at", "2027-01-12 11:42",
                         "--db", db)
    assert code == 0 and err == ""
    rows = {row["text"]: row for row in listed(capsys, db)}
    assert rows["Launch post"]["conflicts"] == ["42 min before ‘Follow-up’ on tidewater (minimum gap 60 min)"]
    assert rows["Follow-up"]["conflicts"] == ["42 min after ‘Launch post’ on tidewater (minimum gap 60 min)"]
    assert rows["Hola"]["conflicts"] == [] and rows["Later"]["conflicts"] == []
    assert all(row["repeat"] is None for row in rows.values())


def test_the_daily_maximum_warns_and_lists(db, capsys):
    settings("max_posts_per_day = 2\nmin_gap_minutes = 0\n")
    for hour in ("08:00", "09:00"):
        assert run(capsys, "post", "add", f"At {hour}", "--account", "tidewater", "--at", f"2027-01-12 {hour}",
                   "--db", db)[0] == 0
    code, _out, err = run(capsys, "post", "add", "Third", "--account", "tidewater", "--at", "2027-01-12 20:00",
                          "--draft", "--db", db)
    assert code == 0 and err.strip().endswith(": 3 posts on tidewater on Tue, 12 Jan (maximum 2 a day)")
    rows = listed(capsys, db)
    assert [row["conflicts"] for row in rows] == [["3 posts on tidewater on Tue, 12 Jan (maximum 2 a day)"]] * 3


def test_calendar_list_json_says_the_repeat_rule_in_words(db, capsys):
    settings("")
    from cmtui.store import Store

    store = Store.open(db)
    account = store.accounts.get("tidewater").id
    store.entries.add(account, "Weekly tip", "scheduled", who="ana", scheduled_at="2027-01-05T10:00:00Z",
                      rrule="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8")
    store.close()
    rows = listed(capsys, db)
    assert [(row["text"], row["repeat"], row["conflicts"]) for row in rows] == [
        ("Weekly tip", "every Tuesday and Thursday at 10:00, 8 times", [])]
    code, out, _ = run(capsys, "calendar", "list", "--from", "2027-01-12", "--to", "2027-01-13", "--db", db)
    assert code == 0 and "Weekly tip" in out  # the table is unchanged


def test_a_bad_conflict_setting_is_one_line_and_exit_2(db, capsys):
    settings("min_gap_minutes = -1\n")
    code, out, err = run(capsys, "post", "add", "Hello", "--account", "tidewater", "--db", db)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "min_gap_minutes" in err
