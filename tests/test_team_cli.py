"""The approval commands (`post submit / approve / reject`), `post add --as` and
`calendar list --status`: each with the person acting recorded, one line saying what happened,
and on bad input one line on stderr, exit 2 and nothing changed."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from cli_helpers import run
from cmtui.model import iso, utcnow
from cmtui.store import Store

TEAM = 'user = "ana"\nteammates = ["luka", "marie"]\napprovers = ["ana", "Nina"]\n'


def settings(text: str) -> None:
    folder = Path(os.environ["CMTUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(text)


@pytest.fixture
def team_db(db):
    settings(TEAM + 'approval = "other"\nact_for_others = true\n')
    return db


def add(db, status: str, who: str = "ana", days: float = 3, **fields) -> int:
    """An entry straight in the store, its time relative to the real clock (the commands' today)."""
    store = Store.open(Path(db))
    try:
        account = store.accounts.get("tidewater").id
        at = iso(utcnow() + timedelta(days=days)) if days is not None else None
        return store.entries.add(account, f"{status} by {who}", status, who=who, scheduled_at=at, **fields)
    finally:
        store.close()


def state(db, entry_id: int):
    """The entry's row and its history: what a refused command must leave as it was."""
    store = Store.open(Path(db))
    try:
        row = store.entries.get(entry_id)
        return (dict(row) if row else None,
                [tuple(t) for t in store.entries.transitions(entry_id)] if row else [])
    finally:
        store.close()


def last_step(db, entry_id: int):
    _row, steps = state(db, entry_id)
    return steps[-1][3:]  # who, from, to, comment


def refused(capsys, db, entry_id, *argv, message: str):
    before = state(db, entry_id)
    code, out, err = run(capsys, *argv, "--db", db)
    assert (code, out) == (2, "") and err.count("\n") == 1 and message in err, err
    assert state(db, entry_id) == before


# -- post submit / approve / reject --------------------------------------------------------------
def test_submit_approve_with_comments_recorded_with_the_person(capsys, team_db):
    entry_id = add(team_db, "draft", who="luka")
    code, out, err = run(capsys, "post", "submit", str(entry_id), "--comment", "for Friday", "--as", "luka",
                         "--db", team_db)
    assert code == 0 and err == ""
    assert out == f"entry {entry_id} is waiting for approval, asked by luka (approvers: ana, Nina)\n"
    assert last_step(team_db, entry_id) == ("luka", "draft", "needs_approval", "for Friday")
    code, out, _ = run(capsys, "post", "approve", str(entry_id), "--comment", "looks good", "--db", team_db)
    assert (code, out) == (0, f"entry {entry_id} approved by ana\n")
    assert last_step(team_db, entry_id) == ("ana", "needs_approval", "approved", "looks good")


def test_submit_without_comment_and_approve_without_comment(capsys, team_db):
    entry_id = add(team_db, "idea")
    assert run(capsys, "post", "submit", str(entry_id), "--db", team_db)[1] == (
        f"entry {entry_id} is waiting for approval, asked by ana (approvers: Nina)\n")
    assert last_step(team_db, entry_id) == ("ana", "idea", "needs_approval", "")
    code, out, _ = run(capsys, "post", "approve", str(entry_id), "--as", "nina", "--db", team_db)
    assert (code, out) == (0, f"entry {entry_id} approved by Nina\n")  # the team's spelling of the name
    assert last_step(team_db, entry_id) == ("Nina", "needs_approval", "approved", "")


def test_own_post_refused_with_other_and_allowed_with_any(capsys, db):
    settings(TEAM + 'approval = "other"\n')
    entry_id = add(db, "needs_approval", who="ana")
    refused(capsys, db, entry_id, "post", "approve", str(entry_id),
            message="ana cannot approve entry %d" % entry_id)
    refused(capsys, db, entry_id, "post", "approve", str(entry_id), message="may be approved by Nina")
    settings(TEAM + 'approval = "any"\n')
    assert run(capsys, "post", "approve", str(entry_id), "--db", db)[:2] == (0, f"entry {entry_id} approved by ana\n")


def test_reject_needs_a_comment_and_records_it(capsys, team_db):
    entry_id = add(team_db, "needs_approval", who="luka")
    before = state(team_db, entry_id)
    with pytest.raises(SystemExit) as exited:
        run(capsys, "post", "reject", str(entry_id), "--db", team_db)
    assert exited.value.code == 2 and "--comment" in capsys.readouterr().err
    assert state(team_db, entry_id) == before
    refused(capsys, team_db, entry_id, "post", "reject", str(entry_id), "--comment", "  ", message="say why")
    code, out, _ = run(capsys, "post", "reject", str(entry_id), "--comment", "Add the link", "--db", team_db)
    assert (code, out) == (0, f"entry {entry_id} sent back to draft by ana\n")
    assert last_step(team_db, entry_id) == ("ana", "needs_approval", "draft", "Add the link")


def test_the_author_may_send_their_own_post_back(capsys, team_db):
    entry_id = add(team_db, "needs_approval", who="ana")
    assert run(capsys, "post", "reject", str(entry_id), "--comment", "withdrawn", "--db", team_db)[0] == 0
    assert last_step(team_db, entry_id) == ("ana", "needs_approval", "draft", "withdrawn")


@pytest.mark.parametrize("argv, message", [
    (["post", "approve", "{ID}", "--as", "bob"], "'bob' is not on the team"),
    (["post", "submit", "{ID}", "--as", "bob"], "'bob' is not on the team"),
    (["post", "reject", "{ID}", "--comment", "no", "--as", "bob"], "'bob' is not on the team"),
    (["post", "approve", "{ID}", "--as", "luka"], "only ana, Nina may approve or reject posts, not luka"),
    (["post", "reject", "{ID}", "--comment", "no", "--as", "marie"], "not marie"),
    (["post", "submit", "{ID}"], "only ideas, drafts and failed or cancelled entries go to approval"),
    (["post", "approve", "999999"], "no calendar entry 999999"),
    (["post", "approve", "x"], "'x' is not a calendar entry id"),
    (["post", "submit", "999999"], "no calendar entry 999999"),
    (["post", "reject", "999999", "--comment", "no"], "no calendar entry 999999"),
])
def test_bad_input_is_one_line_and_changes_nothing(capsys, team_db, argv, message):
    entry_id = add(team_db, "needs_approval", who="luka")
    refused(capsys, team_db, entry_id, *[a.replace("{ID}", str(entry_id)) for a in argv], message=message)


def test_wrong_status_is_refused(capsys, team_db):
    draft = add(team_db, "draft", who="luka")
    refused(capsys, team_db, draft, "post", "approve", str(draft), message="is draft, not waiting for approval")
    refused(capsys, team_db, draft, "post", "reject", str(draft), "--comment", "no",
            message="only entries waiting for approval or approved can be rejected")


@pytest.mark.parametrize("command", [["post", "approve", "{ID}"], ["post", "submit", "{ID}"],
                                     ["post", "reject", "{ID}", "--comment", "no"]])
def test_as_is_refused_where_acting_for_others_is_not_allowed(capsys, db, command):
    settings(TEAM + 'approval = "other"\n')
    entry_id = add(db, "needs_approval" if command[1] != "submit" else "draft", who="luka")
    refused(capsys, db, entry_id, *[a.replace("{ID}", str(entry_id)) for a in command], "--as", "nina",
            message="acting for a teammate is not allowed here")


def test_as_me_is_the_person_working(capsys, db):
    settings(TEAM)  # --as, even for oneself, needs act_for_others
    entry_id = add(db, "needs_approval", who="luka")
    refused(capsys, db, entry_id, "post", "approve", str(entry_id), "--as", "me", message="act_for_others")
    settings(TEAM + "act_for_others = true\n")
    assert run(capsys, "post", "approve", str(entry_id), "--as", "me", "--db", db)[1] == (
        f"entry {entry_id} approved by ana\n")


# -- post add --as ---------------------------------------------------------------------------------
def count(db) -> int:
    store = Store.open(Path(db))
    try:
        return store.conn.execute("SELECT count(*) FROM calendar_entries").fetchone()[0]
    finally:
        store.close()


def test_post_add_as_a_teammate_makes_them_the_author(capsys, team_db):
    code, out, _ = run(capsys, "post", "add", "Hello", "--account", "tidewater", "--at", "in 3 days",
                       "--as", "LUKA", "--db", team_db)
    entry_id = int(out.split()[1])
    assert code == 0 and "needs approval" in out and "(approvers: ana, Nina)" in out
    row, steps = state(team_db, entry_id)
    assert row["created_by"] == "luka" and steps[-1][3:5] == ("luka", None)
    refused(capsys, team_db, entry_id, "post", "approve", str(entry_id), "--as", "luka",
            message="only ana, Nina may approve")
    assert run(capsys, "post", "approve", str(entry_id), "--db", team_db)[0] == 0  # ana is not its author


def test_post_add_as_by_an_approver_leaves_the_other_approvers(capsys, team_db):
    code, out, _ = run(capsys, "post", "add", "Draft", "--account", "tidewater", "--draft", "--as", "nina",
                       "--db", team_db)
    entry_id = int(out.split()[1])
    assert code == 0 and state(team_db, entry_id)[0]["created_by"] == "Nina"
    run(capsys, "post", "submit", str(entry_id), "--db", team_db)  # ana asks: both are authors now
    refused(capsys, team_db, entry_id, "post", "approve", str(entry_id), message="no other approver is named")


@pytest.mark.parametrize("extra, name, message", [
    ('approval = "other"\n', "nina", "acting for a teammate is not allowed here"),
    ('act_for_others = true\n', "bob", "'bob' is not on the team"),
])
def test_post_add_as_refused_stores_nothing(capsys, db, extra, name, message):
    settings(TEAM + extra)
    before = count(db)
    code, out, err = run(capsys, "post", "add", "Hello", "--account", "tidewater", "--as", name, "--db", db)
    assert (code, out) == (2, "") and message in err and err.count("\n") == 1
    assert count(db) == before


# -- calendar list --status ------------------------------------------------------------------------
def listed(capsys, db, *argv):
    code, out, err = run(capsys, "calendar", "list", *argv, "--json", "--db", db)
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("status", ["idea", "draft", "needs_approval", "approved", "scheduled", "published",
                                    "failed", "cancelled"])
def test_status_lists_only_that_status(capsys, team_db, status):
    for each in ("idea", "draft", "needs_approval", "approved", "scheduled", "failed", "cancelled"):
        add(team_db, each)
    add(team_db, "published", days=-1, published_at=iso(utcnow() - timedelta(days=1)))
    everything = listed(capsys, team_db, "--from", "2000-01-01")
    found = listed(capsys, team_db, "--status", status, "--from", "2000-01-01")
    assert found and [e["id"] for e in found] == [e["id"] for e in everything if e["status"] == status]
    if status not in ("published", "needs_approval"):  # without --from: from today on (and the undated ones)
        assert [e["id"] for e in listed(capsys, team_db, "--status", status)] == [
            e["id"] for e in listed(capsys, team_db) if e["status"] == status]


def test_needs_approval_without_from_lists_every_waiting_entry_whatever_its_date(capsys, team_db):
    past = add(team_db, "needs_approval", who="luka", days=-40)
    ahead = add(team_db, "needs_approval", who="marie", days=2)
    undated = add(team_db, "needs_approval", who="luka", days=None)
    ids = [e["id"] for e in listed(capsys, team_db, "--status", "needs_approval")]
    assert past in ids and ahead in ids and undated in ids
    assert ids.index(past) < ids.index(ahead)  # by time, the oldest waiting first
    assert past not in [e["id"] for e in listed(capsys, team_db, "--status", "needs_approval", "--from", "today")]
    # --to alone: every waiting entry up to that day (one before today is no error here)
    up_to = [e["id"] for e in listed(capsys, team_db, "--status", "needs_approval",
                                     "--to", iso(utcnow() - timedelta(days=10))[:10])]
    assert past in up_to and ahead not in up_to and undated in up_to
    ranged = [e["id"] for e in listed(capsys, team_db, "--status", "needs_approval", "--from",
                                      iso(utcnow() - timedelta(days=41))[:10], "--to", "in 5 days")]
    assert past in ranged and ahead in ranged and undated not in ranged


def test_json_keeps_every_key_and_adds_who_asked(capsys, team_db):
    waiting = add(team_db, "draft", who="marie")
    run(capsys, "post", "submit", str(waiting), "--as", "luka", "--db", team_db)
    scheduled = add(team_db, "scheduled", who="marie")
    plain = {e["id"]: e for e in listed(capsys, team_db)}
    rows = {e["id"]: e for e in listed(capsys, team_db, "--status", "needs_approval")}
    entry = rows[waiting]
    assert set(plain[waiting]) == set(entry)  # the same keys with or without --status
    assert {"id", "account", "text", "status", "scheduled_at", "repeat", "conflicts", "parts"} < set(entry)
    assert (entry["created_by"], entry["requested_by"]) == ("marie", "luka") and entry["requested_at"]
    other = plain[scheduled]
    assert (other["created_by"], other["requested_by"], other["requested_at"]) == ("marie", None, None)


def test_the_table_shows_who_asked_when_listing_waiting_entries(capsys, team_db):
    entry_id = add(team_db, "draft", who="marie")
    run(capsys, "post", "submit", str(entry_id), "--as", "luka", "--db", team_db)
    code, out, _ = run(capsys, "calendar", "list", "--status", "needs_approval", "--db", team_db)
    header, *lines = out.splitlines()
    assert code == 0 and "ASKED BY" in header
    assert any(line.startswith(str(entry_id)) and "luka (" in line for line in lines)
    assert "ASKED BY" not in run(capsys, "calendar", "list", "--status", "draft", "--db", team_db)[1]
    assert "ASKED BY" not in run(capsys, "calendar", "list", "--db", team_db)[1]


@pytest.mark.parametrize("argv", [["--status", "draft", "--from", "today"], ["--status", "draft", "--to", "in 9 days"],
                                  ["--status", "scheduled", "--from", "today", "--to", "in 9 days", "--json"],
                                  ["--status", "needs_approval", "--from", "today", "--json"]])
def test_status_combines_with_from_to_and_json(capsys, team_db, argv):
    add(team_db, "draft", days=4)
    add(team_db, "scheduled", days=4)
    add(team_db, "needs_approval", days=4)
    code, out, err = run(capsys, "calendar", "list", *argv, "--db", team_db)
    assert code == 0 and err == ""
    if "--json" in argv:
        assert {e["status"] for e in json.loads(out)} == {argv[1]}
    else:
        assert len(out.splitlines()) == 2  # the header and the one draft


def test_a_wrong_status_is_argparses_clear_error(capsys, team_db):
    with pytest.raises(SystemExit) as exited:
        run(capsys, "calendar", "list", "--status", "pending", "--db", team_db)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "invalid choice: 'pending'" in err and "needs_approval" in err


def test_a_bad_range_is_still_refused_for_other_statuses(capsys, team_db):
    code, out, err = run(capsys, "calendar", "list", "--status", "draft", "--to", "2000-01-01", "--db", team_db)
    assert (code, out) == (2, "") and "before today" in err


def test_the_lines_are_translated_and_json_stays_english(capsys, db):
    settings(TEAM + 'approval = "other"\nlanguage = "es"\n')
    entry_id = add(db, "needs_approval", who="luka")
    assert run(capsys, "post", "approve", str(entry_id), "--db", db)[1] == f"publicación {entry_id} aprobada por ana\n"
    code, _, err = run(capsys, "post", "approve", str(entry_id), "--db", db)
    assert code == 2 and "no pendiente de aprobación" in err
    other = add(db, "needs_approval", who="ana")
    assert "SOLICITADA POR" in run(capsys, "calendar", "list", "--status", "needs_approval", "--db", db)[1]
    assert listed(capsys, db, "--status", "needs_approval")[-1]["requested_by"] == "ana"
    assert "ana no puede aprobar la publicación %d" % other in run(capsys, "post", "approve", str(other), "--db", db)[2]
