"""Every decision records the person who made it: two teammates (ana and luka, each with their
own settings) on one store, each decision kind stored with the right name; an assignee not on
the team is refused with nothing changed."""

from __future__ import annotations

import json

import pytest

from cmtui.config import Settings
from cmtui.errors import CmtuiError, InputError
from cmtui.metrics.goals import add_goal, delete_goal, update_goal
from cmtui.moderation.actions import act, act_report
from cmtui.moderation.engine import delete_rule, dry_run, enable_rule, reorder_rules, replace_rule, save_rule
from cmtui.moderation.toml_io import export_toml, import_toml
from cmtui.planning.entries import submit_for_approval, update_entry
from factory import NOW
from cli_helpers import run
from test_moderation_actions import ADMIN_REPORT  # an instance report of the test community

ANA = Settings(user="ana", teammates=["luka"], timezone="UTC")
LUKA = Settings(user="luka", teammates=["ana"], timezone="UTC")
RULE = {"name": "exports", "enabled": False, "automatic": True, "match": "all",
        "conditions": [{"type": "keywords", "words": ["export"]}], "actions": [{"type": "flag"}]}


def activity(store, action=None):
    """(who, action, subject) of the activity log, oldest first."""
    rows = reversed(store.activity.recent(1000))
    return [(r["who"], r["action"], r["subject"]) for r in rows if action is None or r["action"] == action]


def flag_assignee(store, item_id):
    return store.conn.execute("SELECT assignee FROM moderation_flags WHERE item_id = ?", (item_id,)).fetchone()[0]


# -- moderation ---------------------------------------------------------------------------------------
def test_moderation_decisions_carry_who_made_them(store):
    act(store, ANA, [3], "approve", who=ANA.username)
    act(store, LUKA, [8], "hide", who=LUKA.username)
    assert [(r["who"], r["action"], r["item_id"]) for r in store.moderation.log()] == [
        ("luka", "hide", 8), ("ana", "approve", 3)]


def test_a_flag_is_assigned_to_a_teammate_as_the_team_spells_the_name(store):
    act(store, ANA, [15], "assign", who=ANA.username, to="Luka")
    assert flag_assignee(store, 15) == "luka"
    [entry] = store.moderation.log()
    assert (entry["who"], entry["action"], entry["comment"]) == ("ana", "assign", "assigned to luka")
    act(store, LUKA, [3], "assign", who=LUKA.username, to="me")
    assert flag_assignee(store, 3) == "luka"


def test_an_assignee_not_on_the_team_is_refused_and_nothing_changes(store):
    before = store.moderation.log()
    with pytest.raises(InputError, match="'bo' is not on the team"):
        act(store, ANA, [15, 3], "assign", who=ANA.username, to="bo")
    assert flag_assignee(store, 15) is None and flag_assignee(store, 3) is None
    assert store.moderation.log() == before


def test_a_report_is_assigned_only_to_a_teammate(store):
    account = store.accounts.get("tidewater")
    store.reports.sync(account.id, [ADMIN_REPORT])
    report = store.reports.open()[0]
    with pytest.raises(InputError, match="not on the team"):
        act_report(store, report["id"], "assign", who="ana", settings=ANA, to="bo")
    assert store.reports.get(report["id"])["assigned_to"] is None and store.moderation.log() == []
    assert store.outbox.list() == []
    act_report(store, report["id"], "assign", who=LUKA.username, settings=LUKA)
    assert store.reports.get(report["id"])["assigned_to"] == "luka"
    [entry] = store.moderation.log()
    assert (entry["who"], entry["action"]) == ("luka", "report:assign")


def test_moderation_act_as_a_teammate_only_where_the_team_allows_it(db, capsys, tmp_path):
    from cmtui.store import Store

    store = Store.open(db)
    store.set_database_settings({"teammates": ["luka"]})
    store.close()
    code, _out, err = run(capsys, "--db", db, "moderation", "act", "3", "approve", "--as", "luka")
    assert code == 2 and "act_for_others" in err and err.count("\n") == 1
    store = Store.open(db)
    assert store.moderation.log() == []
    store.set_database_settings({"teammates": ["luka"], "act_for_others": True})
    store.close()
    code, _out, err = run(capsys, "--db", db, "moderation", "act", "3", "approve", "--as", "bo")
    assert code == 2 and "'bo' is not on the team" in err
    code, out, _err = run(capsys, "--db", db, "moderation", "act", "3", "approve", "--as", "Luka")
    assert code == 0 and "approve recorded" in out
    code, out, _err = run(capsys, "--db", db, "moderation", "log", "--json")
    [entry] = json.loads(out)
    assert (entry["who"], entry["action"], entry["item_id"]) == ("luka", "approve", 3)
    code, out, _err = run(capsys, "--db", db, "moderation", "log")
    header, line = out.splitlines()
    assert "WHO" in header and line.split()[2] == "luka"


# -- members and guidelines -------------------------------------------------------------------------------
def test_member_notes_and_watch_say_who(store):
    person = store.members.upsert("mastodon", "user1@fedi.example", "User 1")
    store.members.set_notes(person, "asks often; kind", who=ANA.username)
    row = store.members.get(person)
    assert (row["notes"], row["notes_by"]) == ("asks often; kind", "ana") and row["notes_at"]
    store.members.set_notes(person, "helps others now", who=LUKA.username)
    store.members.set_watch(person, True, who=LUKA.username)
    record = store.members.record(person)
    assert (record["notes"], record["notes_by"]) == ("helps others now", "luka")
    assert activity(store) == [("ana", "member.notes", f"member {person}"), ("luka", "member.notes", f"member {person}"),
                               ("luka", "member.watch", f"member {person}")]
    assert store.activity.recent(1)[0]["detail"] == "on"


def test_guideline_changes_say_who(store):
    store.members.add_guideline("Be kind", who="ana")
    store.members.add_guideline("No spam", who="ana")
    store.members.edit_guideline(2, "No spam, no ads", who="luka")
    store.members.move_guideline(2, 1, who="luka")
    assert [g["title"] for g in store.members.guidelines()] == ["No spam, no ads", "Be kind"]
    store.members.remove_guideline(2, who="ana")
    assert activity(store) == [("ana", "guideline.add", "guideline 1"), ("ana", "guideline.add", "guideline 2"),
                               ("luka", "guideline.edit", "guideline 2"), ("luka", "guideline.move", "guideline 2"),
                               ("ana", "guideline.remove", "guideline 2")]


def test_what_cmtui_writes_itself_is_not_anyone_s_decision(store):
    from cmtui.moderation.guidelines import seed_guidelines
    from cmtui.saved_replies import seed

    seed_guidelines(store)
    seed(store)
    assert activity(store) == []


# -- calendar -------------------------------------------------------------------------------------------
def test_entry_notes_and_transitions_say_who(store):
    draft = store.entries.require(8)  # a draft two days ahead
    assert draft["status"] == "draft"
    update_entry(store, ANA, draft["id"], who=ANA.username, now=NOW, notes="check the link")
    assert store.entries.require(draft["id"])["notes_by"] == "ana"
    update_entry(store, LUKA, draft["id"], who=LUKA.username, now=NOW, notes="link fixed")
    after = store.entries.require(draft["id"])
    assert (after["notes"], after["notes_by"]) == ("link fixed", "luka")
    assert activity(store, "entry.notes") == [("ana", "entry.notes", f"entry {draft['id']}"),
                                              ("luka", "entry.notes", f"entry {draft['id']}")]
    submit_for_approval(store, LUKA, draft["id"], who=LUKA.username, now=NOW)
    last = store.entries.transitions(draft["id"])[-1]
    assert (last["who"], last["to_status"]) == ("luka", "needs_approval")


# -- rules, goals, saved replies -----------------------------------------------------------------------------
def test_rule_decisions_say_who(store):
    replace_rule(store, RULE, who="ana")
    save_rule(store, RULE | {"name": "second"})
    dry_run(store, "exports")
    enable_rule(store, "exports", who="luka")
    enable_rule(store, "exports", False, who="ana")
    reorder_rules(store, ["second", "exports"], who="luka")
    text = export_toml(store)
    import_toml(store, text, dry_run_enabled=False, who="ana")
    assert delete_rule(store, "second", who="luka")
    assert not delete_rule(store, "gone", who="luka")
    assert activity(store) == [("ana", "rule.save", "rule exports"), ("luka", "rule.enable", "rule exports"),
                               ("ana", "rule.disable", "rule exports"), ("luka", "rule.reorder", "rules"),
                               ("ana", "rule.import", "rules"), ("luka", "rule.delete", "rule second")]


def test_a_rule_refused_leaves_no_line(store):
    replace_rule(store, RULE, who="ana")
    with pytest.raises(CmtuiError):  # no dry-run yet: it stays off
        enable_rule(store, "exports", who="luka")
    assert activity(store, "rule.enable") == []


def test_goals_say_who(store):
    goal = add_goal(store, "Grow", "posts_per_week", 5, "2026-12-31", now=NOW, who="ana")
    update_goal(store, goal, target=6, now=NOW, who="luka")
    delete_goal(store, goal, who="ana")
    assert activity(store) == [("ana", "goal.add", f"goal {goal}"), ("luka", "goal.edit", f"goal {goal}"),
                               ("ana", "goal.delete", f"goal {goal}")]
    assert json.loads(store.activity.recent(2)[1]["detail"])["target"] == 6


def test_saved_replies_say_who(store):
    reply = store.replies.add("Thanks", "en", "Thank you, {first_name}!", who="ana")
    store.replies.update(reply, "Thanks", "en", "Thanks a lot, {first_name}!", who="luka")
    assert store.replies.delete(reply, who="ana")
    assert not store.replies.delete(reply, who="ana")
    assert activity(store) == [("ana", "reply.add", f"saved reply {reply}"), ("luka", "reply.edit", f"saved reply {reply}"),
                               ("ana", "reply.delete", f"saved reply {reply}")]


def test_the_command_line_records_the_person_of_its_settings(db, capsys, tmp_path, monkeypatch):
    from cmtui.store import Store

    config = tmp_path / "home" / "config" / "cmtui"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text('user = "luka"\n', encoding="utf-8")
    store = Store.open(db)
    save_rule(store, RULE)
    store.close()
    assert run(capsys, "--db", db, "metrics", "goal", "add", "Grow", "--metric", "posts_per_week", "--target", "5",
               "--by", "2099-01-01")[0] == 0
    assert run(capsys, "--db", db, "moderation", "rules", "disable", "exports")[0] == 0
    store = Store.open(db)
    assert [who for who, _action, _subject in activity(store)] == ["luka", "luka"]
    store.close()


# -- the screens pass the person working ---------------------------------------------------------------
async def test_the_screens_record_the_person_working(store):
    from cmtui.tui.screens.guidelines import GuidelinesScreen
    from cmtui.tui.screens.rules_editor import RulesEditorScreen
    from tui_helpers import RecordingApp

    store.members.add_guideline("Be kind")
    store.members.add_guideline("No spam")
    save_rule(store, RULE)
    dry_run(store, "exports")
    app = RecordingApp(store, LUKA, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(GuidelinesScreen())
        await pilot.pause()
        await pilot.press("J")  # the first guideline one place down
        await pilot.pause()
        await app.push_screen(RulesEditorScreen())
        await pilot.pause()
        await pilot.press("space")  # switched on (its dry-run is current)
        await pilot.pause()
    assert store.rules.get("exports")["enabled"]
    assert activity(store) == [("luka", "guideline.move", "guideline 1"), ("luka", "rule.enable", "rule exports")]
