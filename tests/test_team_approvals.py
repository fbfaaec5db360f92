"""Approval by another person (approval = "other"): who counts as an entry's author, who may
approve it instead, and the lifecycle refusing an author's own approval with nothing changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.model import iso
from cmtui.planning import entries as E
from cmtui.planning.approval import approvers_for, authors, requests
from cmtui.store import Store

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(days=2)


def team(approval: str = "other", approvers=("ana", "nina", "luka"), **kw) -> Settings:
    return Settings(timezone="Europe/Ljubljana", user="ana", approval=approval, approval_required=True,
                    approvers=list(approvers), teammates=["marie"], **kw)


@pytest.fixture
def st(tmp_path):
    store = Store.open(tmp_path / "team.db")
    store.accounts.add("ada", "mastodon", "https://one.example", limits={"max_chars": 500, "url_weight": 23})
    yield store
    store.close()


def waiting(store, settings, who="ana", **kw) -> int:
    """An entry `who` wrote and sent for approval."""
    return E.create_entry(store, settings, text="Launch day", account="ada", when=LATER, status="needs_approval",
                          who=who, now=NOW, **kw)


def history(store, entry_id):
    return [(t["from_status"], t["to_status"], t["who"], t["comment"]) for t in store.entries.transitions(entry_id)]


def snapshot(store, entry_id):
    return dict(store.entries.get(entry_id)), history(store, entry_id)


def test_an_author_cannot_approve_their_own_post_and_the_refusal_names_who_may(st):
    settings = team()
    entry_id = waiting(st, settings, who="ana")
    before = snapshot(st, entry_id)
    with pytest.raises(InputError) as refused:
        E.approve(st, settings, entry_id, who="ana", now=NOW)
    assert "ana cannot approve entry" in str(refused.value) and "nina, luka" in str(refused.value)
    assert snapshot(st, entry_id) == before  # nothing changed, no transition recorded
    E.approve(st, settings, entry_id, who="nina", comment="Good to go", now=NOW)
    assert st.entries.get(entry_id)["status"] == "approved"
    assert history(st, entry_id)[-1] == ("needs_approval", "approved", "nina", "Good to go")


@pytest.mark.parametrize("rule, required", [("any", True), ("", True)])
def test_with_any_approver_an_author_may_approve(st, rule, required):
    settings = replace(team(rule), approval_required=required)
    entry_id = waiting(st, settings, who="ana")
    E.approve(st, settings, entry_id, who="ana", now=NOW)
    assert history(st, entry_id)[-1][1:3] == ("approved", "ana")


def test_whoever_sends_it_to_approval_becomes_an_author(st):
    settings = team()
    entry_id = E.create_entry(st, settings, text="Draft", account="ada", when=LATER, who="marie", now=NOW)
    E.submit_for_approval(st, settings, entry_id, who="nina", now=NOW)
    assert authors(st, st.entries.get(entry_id)) == {"marie", "nina"}
    with pytest.raises(InputError, match="nina cannot approve entry .*it may be approved by ana, luka"):
        E.approve(st, settings, entry_id, who="nina", now=NOW)
    E.approve(st, settings, entry_id, who="luka", now=NOW)
    assert st.entries.get(entry_id)["status"] == "approved"


def test_an_edit_that_sends_it_back_makes_the_editor_an_author(st):
    settings = team()
    entry_id = waiting(st, settings, who="marie")
    E.approve(st, settings, entry_id, who="nina", now=NOW)
    E.update_entry(st, settings, entry_id, who="luka", now=NOW + timedelta(minutes=1), text="Launch day, reworded")
    assert st.entries.get(entry_id)["status"] == "needs_approval"
    request = requests(st, [entry_id])[entry_id]
    assert request.who == "luka" and request.at == iso(NOW + timedelta(minutes=1))  # the latest request wins
    assert authors(st, st.entries.get(entry_id)) == {"marie", "luka"}
    with pytest.raises(InputError, match="luka cannot approve"):
        E.approve(st, settings, entry_id, who="luka", now=NOW)
    E.approve(st, settings, entry_id, who="nina", now=NOW)  # approving it before does not make nina an author


def test_names_are_compared_regardless_of_case(st):
    settings = team(approvers=("ANA", "Nina"))
    entry_id = waiting(st, settings, who="Ana")
    with pytest.raises(InputError, match="cannot approve entry"):
        E.approve(st, settings, entry_id, who="ana", now=NOW)
    assert approvers_for(settings, {"ana"}) == ["Nina"]
    E.approve(st, settings, entry_id, who="nina", now=NOW)  # "nina" is the approver "Nina"
    assert st.entries.get(entry_id)["status"] == "approved"


def test_with_no_other_approver_the_refusal_says_so(st):
    settings = team(approvers=("ana",))
    entry_id = waiting(st, settings, who="ana")
    with pytest.raises(InputError, match="no other approver is named"):
        E.approve(st, settings, entry_id, who="ana", now=NOW)


def test_an_author_may_send_their_own_post_back(st):
    settings = team()
    entry_id = waiting(st, settings, who="ana")
    E.reject(st, settings, entry_id, who="ana", comment="Withdrawn: the date moves", now=NOW)
    assert history(st, entry_id)[-1] == ("needs_approval", "draft", "ana", "Withdrawn: the date moves")


def test_a_new_entry_cannot_be_created_approved_by_its_author(st):
    with pytest.raises(InputError, match="cannot approve a new entry of their own.*approvers: nina, luka"):
        E.create_entry(st, team(), text="x", account="ada", when=LATER, status="approved", who="ana", now=NOW)
    assert st.conn.execute("SELECT count(*) FROM calendar_entries").fetchone()[0] == 0
    entry_id = E.create_entry(st, team("any"), text="x", account="ada", when=LATER, status="approved", who="ana",
                              now=NOW)
    assert st.entries.get(entry_id)["created_by"] == "ana"


def test_a_series_is_approved_with_its_occurrences_and_refused_with_them(st):
    settings = team()
    series_id = waiting(st, settings, who="marie", rrule="FREQ=WEEKLY;BYDAY=MO")
    child_id = st.entries.add_child(st.entries.get(series_id), iso(LATER + timedelta(days=7)), who="marie",
                                    status="needs_approval")
    with pytest.raises(InputError, match="marie cannot approve"):
        E.approve(st, replace(settings, approvers=["marie", "nina"]), series_id, who="marie", now=NOW)
    assert st.entries.get(child_id)["status"] == "needs_approval"
    E.approve(st, settings, series_id, who="nina", comment="ok", now=NOW)
    assert [st.entries.get(i)["status"] for i in (series_id, child_id)] == ["approved", "approved"]
    assert ("needs_approval", "approved", "nina", "ok") in history(st, child_id)


def test_approvers_for_lists_everyone_unless_the_rule_is_other():
    assert approvers_for(team("any"), {"ana"}) == ["ana", "nina", "luka"]
    assert approvers_for(team("other"), {"ana", "LUKA"}) == ["nina"]
    assert approvers_for(team("other", approvers=("", "nina")), set()) == ["nina"]


def test_requests_are_read_for_many_entries_at_once(st):
    settings = team()
    first, second = waiting(st, settings, who="ana"), waiting(st, settings, who="nina")
    draft = E.create_entry(st, settings, text="Later", account="ada", who="luka", now=NOW)
    found = requests(st, [first, second, draft])
    assert {k: v.who for k, v in found.items()} == {first: "ana", second: "nina"}
    assert authors(st, st.entries.get(draft)) == {"luka"}


def test_one_occurrence_of_a_series_has_the_series_authors(st):
    settings = team()
    series_id = waiting(st, settings, who="luka", rrule="FREQ=WEEKLY;BYDAY=MO")
    child_id = st.entries.add_child(st.entries.get(series_id), iso(LATER + timedelta(days=7)), who="sync",
                                    status="needs_approval")
    assert authors(st, st.entries.get(child_id)) == {"luka", "sync"}
    with pytest.raises(InputError, match="luka cannot approve entry %d" % child_id):
        E.approve(st, settings, child_id, who="luka", now=NOW)
    E.approve(st, settings, child_id, who="ana", now=NOW)
    assert st.entries.get(child_id)["status"] == "approved"


def test_whoever_changed_a_waiting_posts_words_may_not_approve_them(st):
    """Four eyes: Luka rewriting Ana's waiting post is an author of it (a review's case: he
    edited, then approved his own words); the edit is in its history with his name."""
    settings = team()
    entry_id = waiting(st, settings, who="ana")
    E.update_entry(st, settings, entry_id, who="luka", text="Launch day, Luka's words", now=NOW)
    assert st.entries.get(entry_id)["status"] == "needs_approval"
    assert history(st, entry_id)[-1] == ("needs_approval", "needs_approval", "luka", "edited")
    assert authors(st, st.entries.get(entry_id)) == {"ana", "luka"}
    before = snapshot(st, entry_id)
    with pytest.raises(InputError, match="luka cannot approve"):
        E.approve(st, settings, entry_id, who="luka", now=NOW)
    assert snapshot(st, entry_id) == before
    E.approve(st, settings, entry_id, who="nina", now=NOW)
    assert st.entries.get(entry_id)["status"] == "approved"
    E.update_entry(st, settings, entry_id, who="nina", notes="only a note", now=NOW)  # not the words
    assert "nina" not in authors(st, st.entries.get(entry_id))
