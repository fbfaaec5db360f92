"""The team's identity and undo made exact: `u` never wipes a teammate's later decision; one
person is one person whatever the case of their name (settings, `team list`, the counts); one
presence freshness rule; the status line's "to approve" counts what the approvals screen lists
for the person to decide; a teammate's name in a toast is shown as written."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from cli_helpers import run
from cmtui import config
from cmtui.config import Settings
from cmtui.model import iso, utcnow
from cmtui.planning import entries as E
from cmtui.planning.approvals_view import own, waiting
from cmtui.store import Store
from cmtui.store.presence import PRESENCE_FRESH
from cmtui.store.triage import Overtaken
from cmtui.team import members, same_person
from cmtui.triage.likes import react, undo_last
from cmtui.tui.widgets.team_counts import count

LATER = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)


def fields(store, item_id: int) -> tuple:
    row = store.inbox.get(item_id)
    return row["assignee"], row["state"]


# -- 1. undo never overwrites a teammate's later decision -------------------------------------------
def test_undo_refuses_when_a_teammate_decided_on_the_item_since(store):
    store.triage.apply([3], "assign", {"assignee": "Mia"}, "Ana")
    store.triage.apply([3], "assign", {"assignee": "Luka"}, "Luka")
    store.triage.done([3], "Luka")
    before = fields(store, 3)
    with pytest.raises(Overtaken) as refused:
        store.triage.undo("Ana")
    assert str(refused.value) == "Luka changed it since: nothing undone" and refused.value.who == "Luka"
    assert fields(store, 3) == before == ("Luka", "done")  # Luka's decision stays
    assert store.triage.latest("Ana")["undone"] == 0  # and Ana's is still hers to undo later


def test_undo_of_several_items_refuses_when_a_teammate_decided_on_one_of_them(store):
    store.triage.done([3, 4, 6], "ana")
    store.triage.apply([6], "assign", {"assignee": "luka"}, "luka")
    with pytest.raises(Overtaken, match="luka changed it since"):
        store.triage.undo("ana")
    assert [store.inbox.get(i)["state"] for i in (3, 4, 6)] == ["done"] * 3


def test_undo_goes_ahead_once_the_teammate_undid_theirs_and_own_later_decisions_in_order(store):
    store.triage.apply([3], "assign", {"assignee": "Mia"}, "Ana")
    store.triage.apply([3], "assign", {"assignee": "Luka"}, "Luka")
    assert store.triage.undo("Luka") == {"action": "assign", "items": [3]}  # Luka took his back
    store.triage.done([3], "ANA")  # her own later decision (her name in another case)
    store.triage.done([7], "Luka")  # a teammate's, on another item
    assert store.triage.undo("Ana") == {"action": "done", "items": [3]}
    assert store.triage.undo("Ana") == {"action": "assign", "items": [3]}
    assert store.inbox.get(3)["assignee"] != "Mia" and store.inbox.get(7)["state"] == "done"


def test_undo_of_a_like_refuses_when_a_teammate_decided_since(store):
    react(store, 1, "like", undo=False, who="ana")
    queued = store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    store.triage.done([1], "luka")
    with pytest.raises(Overtaken, match="luka changed it since: nothing undone"):
        undo_last(store, answers=False, who="ana")
    assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == queued  # nothing taken back
    assert store.inbox.get(1)["liked_at"] is not None


async def test_u_in_the_inbox_says_who_changed_it_and_undoes_nothing(tmp_path):
    from cmtui.tui.app import CmtuiApp
    from cmtui.tui.widgets.inbox_list import InboxList
    from factory import NOW, build_store

    store = build_store(tmp_path / "team.db")
    app = CmtuiApp(store, Settings(timezone="UTC", user="Ana", teammates=["Luka", "Mia"]), clock=lambda: NOW)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            item = app.screen.query_one(InboxList).current_row["id"]
            store.triage.apply([item], "assign", {"assignee": "Mia"}, "Ana")
            store.triage.apply([item], "assign", {"assignee": "Luka"}, "Luka")
            await pilot.press("u")
            await pilot.pause()
            said = [n for n in app._notifications]
            assert [n.message for n in said] == ["Luka changed it since: nothing undone"]
            assert said[0].severity == "warning" and not said[0].markup
            assert store.inbox.get(item)["assignee"] == "Luka"
    finally:
        store.close()


# -- 2. one person, whatever the case -----------------------------------------------------------------
def test_same_person_and_members_ignore_case():
    assert same_person("ana", "Ana") and not same_person("ana", "anna") and not same_person(None, "ana")
    assert not same_person("", "")
    settings = Settings(user="ana", teammates=["Ana", "luka"], approvers=["LUKA", "Nina"])
    assert members(settings) == ["ana", "luka", "Nina"]


def test_the_person_working_takes_the_teams_spelling(tmp_path, monkeypatch):
    monkeypatch.delenv("CMTUI_USER", raising=False)
    (tmp_path / "settings.toml").write_text('user = "ana"\nteammates = ["Ana", "Luka"]\n', encoding="utf-8")
    assert config.load_settings(tmp_path).username == "Ana"
    mine = Settings(user="luka")
    assert config.with_database_settings(mine, {"approvers": ["Luka"]}, "team.db").username == "Luka"
    assert mine.user == "luka"  # the user's own settings are not changed: the result is a copy
    assert config.with_database_settings(Settings(user="zoran"), {"teammates": ["Ana"]}, "team.db").username == "zoran"


def test_team_list_shows_one_person_whose_name_differs_in_case(db, capsys, tmp_path):
    folder = tmp_path / "home" / "config" / "cmtui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text('user = "ana"\nteammates = ["Ana", "luka"]\napprovers = ["ANA"]\n',
                                          encoding="utf-8")
    store = Store.open(db)
    store.conn.execute("UPDATE inbox_items SET assignee = 'ANA' WHERE id = 2")  # stored in yet another case
    active = store.conn.execute("SELECT count(*) FROM inbox_items WHERE assignee IN ('ana', 'ANA')"
                                " AND state IN ('new', 'open') AND hidden = 0").fetchone()[0]
    store.close()
    code, out, _err = run(capsys, "--db", db, "team", "list", "--json")
    data = json.loads(out)
    assert code == 0 and data["user"] == "Ana"
    assert [(m["name"], m["me"], m["approver"]) for m in data["members"]] == [("Ana", True, True),
                                                                             ("luka", False, False)]
    assert data["members"][0]["open_items"] == active
    code, out, _err = run(capsys, "--db", db, "team", "list")
    assert code == 0 and "Ana (me)" in out and "ana" not in out.replace("Ana", "")


def test_assigned_count_is_one_person_whatever_the_case(store):
    store.conn.execute("UPDATE inbox_items SET assignee = 'Ana' WHERE id = 2")
    active = store.conn.execute("SELECT count(*) FROM inbox_items WHERE assignee IN ('ana', 'Ana')"
                                " AND state IN ('new', 'open') AND hidden = 0").fetchone()[0]
    assert active and store.inbox.assigned_count("ANA") == store.inbox.assigned_count("ana") == active
    assert store.inbox.assigned_count("an") == 0
    plan = " ".join(str(r[3]) for r in store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM inbox_items WHERE assignee IN ('x')"))
    assert "inbox_assigned" in plan


# -- 3. one presence rule ----------------------------------------------------------------------------
def test_team_list_and_the_inbox_share_one_freshness_rule(db, capsys, tmp_path):
    folder = tmp_path / "home" / "config" / "cmtui"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text('user = "luka"\nteammates = ["ana"]\n', encoding="utf-8")
    store = Store.open(db)
    stale = iso(utcnow() - PRESENCE_FRESH - timedelta(seconds=10))  # past 90 s, within the old 2 min
    store.conn.execute("INSERT INTO presence (item_id, who, activity, since, seen_at) VALUES (12, 'ana',"
                       " 'replying', ?, ?)", (stale, stale))
    assert store.presence.active() == []
    store.close()
    code, out, _err = run(capsys, "--db", db, "team", "list", "--json")
    assert code == 0 and [m["active"] for m in json.loads(out)["members"]] == [[], []]


# -- 4. "N to approve" -------------------------------------------------------------------------------
@pytest.fixture
def st(tmp_path):
    store = Store.open(tmp_path / "team.db")
    store.accounts.add("ada", "mastodon", "https://one.example", limits={"max_chars": 500, "url_weight": 23})
    yield store
    store.close()


def test_to_approve_counts_what_the_approvals_screen_lists_for_the_person(st):
    settings = Settings(timezone="UTC", user="Ana", approvers=["Ana", "Nina"], teammates=["Marie"],
                        approval="other", approval_required=True)
    ask = dict(account="ada", when=LATER, status="needs_approval", now=LATER - timedelta(days=2))
    series = E.create_entry(st, settings, text="Weekly", rrule="FREQ=WEEKLY;BYDAY=MO", who="Marie", **ask)
    for week in (1, 2):  # occurrences waiting with their series: the screen lists the series once
        st.entries.add_child(st.entries.get(series), iso(LATER + timedelta(days=7 * week)), who="sync",
                             status="needs_approval")
    E.create_entry(st, settings, text="Mine", who="ana", **ask)  # her own (another case): not hers to decide
    E.create_entry(st, settings, text="Nina's", who="Nina", **ask)
    edited = E.create_entry(st, settings, text="Marie's, Nina's words", who="Marie", **ask)
    st.conn.execute("INSERT INTO entry_transitions (entry_id, at, who, from_status, to_status, comment)"
                    " VALUES (?, ?, 'nina', 'needs_approval', 'needs_approval', 'edited')", (edited, iso(LATER)))
    assert len(waiting(st)) == 4
    assert count(st, settings).to_approve == 3  # not her own
    assert count(st, replace(settings, approval="any")).to_approve == 4 == len(waiting(st))
    assert count(st, replace(settings, user="Nina")).to_approve == 2  # nor the words she changed
    assert count(st, replace(settings, user="Marie")).to_approve is None  # no approver
    for who in ("Ana", "Nina"):  # what the screen's own rule leaves this person to decide
        mine = replace(settings, user=who)
        assert count(st, mine).to_approve == sum(not own(mine, row, who) for row in waiting(st))


def test_an_occurrence_counts_its_series_authors(st):
    settings = Settings(timezone="UTC", user="Ana", approvers=["Ana", "Nina"], approval="other",
                        approval_required=True)
    series = E.create_entry(st, settings, text="Weekly", account="ada", when=LATER, rrule="FREQ=WEEKLY;BYDAY=MO",
                            status="draft", who="ana", now=LATER - timedelta(days=2))
    st.entries.add_child(st.entries.get(series), iso(LATER + timedelta(days=7)), who="sync", status="needs_approval")
    assert len(waiting(st)) == 1
    assert count(st, settings).to_approve == 0  # Ana wrote the series
    assert count(st, replace(settings, user="Nina")).to_approve == 1


# -- 5. names shown literally -------------------------------------------------------------------------
async def test_bulk_assign_toast_shows_a_teammates_name_as_written(tmp_path):
    from cmtui.tui.app import CmtuiApp
    from cmtui.tui.dialogs.choose import ChooseDialog
    from factory import NOW, build_store

    store = build_store(tmp_path / "team.db")
    app = CmtuiApp(store, Settings(timezone="UTC", user="Ana", teammates=["[red]x"]), clock=lambda: NOW)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("x", "x", "a")
            await pilot.pause()
            assert isinstance(app.screen, ChooseDialog)
            await pilot.press("enter")  # the teammate "[red]x" (teammates first)
            await pilot.pause()
            await pilot.pause()
            said = [n for n in app._notifications if "Assigned to" in n.message]
            assert [n.message for n in said] == ["Assigned to [red]x: 2 items. u undoes it."]
            assert not said[0].markup
    finally:
        store.close()
