"""Every operation a person queues names them (outbox.who): likes and shares, moderation
decisions, instance reports, and the posts a calendar decision queues; what the rules and
the sync do on their own stays unnamed. A new entry's notes are its creator's."""

from __future__ import annotations

from datetime import timedelta

from cmtui.config import Settings
from cmtui.moderation.actions import act, act_report, queue_platform_action
from cmtui.planning import entries as E
from cmtui.planning.publishing import queue_posts
from cmtui.triage.likes import react, react_many, undo_last
from factory import NOW
from test_moderation_actions import ADMIN_REPORT

SETTINGS = Settings(timezone="UTC")


def who_of(store, kind: str) -> list[str | None]:
    return [r[0] for r in store.conn.execute("SELECT who FROM outbox WHERE kind = ? ORDER BY id", (kind,))]


def test_likes_and_shares_name_who_queued_them(store):
    react(store, 3, "like", undo=False, who="ana")
    react_many(store, [8], "share", answers=False, who="luka")
    assert who_of(store, "like") == ["ana"] and who_of(store, "share") == ["luka"]
    store.conn.execute("UPDATE outbox SET state = 'done'")  # sent: taking it back queues an undo
    undo_last(store, answers=False, who="ana")
    assert who_of(store, "unlike") == ["ana"]


def test_moderation_decisions_name_who_made_them_and_the_rules_none(store):
    act(store, SETTINGS, [3], "mute", who="ana")
    act(store, SETTINGS, [8], "report", who="luka", comment="abusive")
    queue_platform_action(store, 15, "block", "matched a rule", "rules")
    assert who_of(store, "mute") == ["ana"] and who_of(store, "report") == ["luka"]
    assert who_of(store, "block") == [None]


def test_instance_report_decisions_name_who_made_them(store):
    account = store.accounts.get("tidewater")
    store.reports.sync(account.id, [ADMIN_REPORT])
    report = store.reports.open()[0]
    act_report(store, report["id"], "assign", who="ana")
    act_report(store, report["id"], "silence", who="nina", text="spam bot")
    assert who_of(store, "assign_report") == ["ana"] and who_of(store, "account_action") == ["nina"]


def test_a_post_scheduled_or_published_from_the_calendar_names_who_decided(store):
    later = NOW + timedelta(days=2)
    scheduled = E.create_entry(store, SETTINGS, text="Launch day", account="tidewater", when=later,
                               status="scheduled", who="ana", now=NOW)
    drafted = E.create_entry(store, SETTINGS, text="Later", account="tidewater", when=later + timedelta(hours=1),
                             who="ana", now=NOW)
    E.schedule_entry(store, SETTINGS, drafted, who="luka", now=NOW)
    posts = {r[0]: r[1] for r in store.conn.execute("SELECT entry_id, who FROM outbox WHERE kind = 'post'")}
    assert posts == {scheduled: "ana", drafted: "luka"}


def test_the_sync_queueing_an_occurrence_names_nobody(store):
    later = NOW + timedelta(days=2)
    entry = E.create_entry(store, SETTINGS, text="Alone", account="tidewater", when=later, status="draft",
                           who="ana", now=NOW)
    with store.transaction():
        store.entries.update(entry, {"status": "scheduled"})
        queue_posts(store, store.entries.require(entry), NOW)  # as the sync does for an occurrence
    assert store.conn.execute("SELECT who FROM outbox WHERE entry_id = ?", (entry,)).fetchone()[0] is None


def test_a_new_entrys_notes_are_its_creators(store):
    with_notes = E.create_entry(store, SETTINGS, text="Noted", account="tidewater", notes="check the link",
                                who="ana", now=NOW)
    without = E.create_entry(store, SETTINGS, text="Plain", account="tidewater", who="ana", now=NOW)
    by = dict(store.conn.execute("SELECT id, notes_by FROM calendar_entries WHERE id IN (?, ?)", (with_notes, without)))
    assert by == {with_notes: "ana", without: None}
