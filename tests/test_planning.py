"""The calendar's core without a platform: entry lifecycle and approvals, the outbox
operations each decision implies, recurrence (with daylight-saving edges), posting slots,
move / duplicate / delete and undo, and `cmtui post add`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from cmtui.cli import main
from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.model import iso, parse_iso
from cmtui.planning import entries as E
from cmtui.planning.recurrence import (
    first_on_rule, materialize_due, occurrences, occurrences_between, parse_rule, skip_occurrence, unskip_occurrence,
)
from cmtui.store import Store
from cmtui.store.base import loads
from cmtui.sync.outbox_ops import apply_result

TZ = ZoneInfo("Europe/Ljubljana")
UTC = timezone.utc
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday, 13:00 in Ljubljana


def local(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def settings():
    return Settings(timezone="Europe/Ljubljana", user="ana")


@pytest.fixture
def strict():
    return Settings(timezone="Europe/Ljubljana", user="ana", approval_required=True, approvers=["nina", "jure"])


@pytest.fixture
def st(tmp_path):
    """An empty community with two accounts (ada: 500 characters, bob: 100)."""
    store = Store.open(tmp_path / "plan.db")
    store.accounts.add("ada", "mastodon", "https://one.example", limits={"max_chars": 500, "url_weight": 23})
    store.accounts.add("bob", "mastodon", "https://two.example", limits={"max_chars": 100, "url_weight": 23})
    yield store
    store.close()


def ops(store, entry_id=None):
    rows = store.outbox.list()
    return [(r["kind"], r["state"], loads(r["payload"], {})) for r in rows
            if entry_id is None or r["entry_id"] == entry_id]


def steps(store, entry_id):
    return [(t["from_status"], t["to_status"], t["who"], t["comment"]) for t in store.entries.transitions(entry_id)]


def count(store, table="calendar_entries"):
    return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def sent(store, entry_id, result: dict, kind="post"):
    """The sync sent the entry's first pending operation of `kind` and the platform answered."""
    op = next(r for r in store.outbox.list(("pending",)) if r["entry_id"] == entry_id and r["kind"] == kind)
    account = store.accounts.by_id(op["account_id"])
    store.conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (op["id"],))
    op = store.outbox.get(op["id"])
    with store.transaction():
        store.outbox.done(op["id"], result)
        apply_result(store, account, op, result, NOW)
    return op["id"]


def claim(store):
    """The sync takes the next operation: it is on its way."""
    real = datetime.now(UTC)
    return store.outbox.claim(store.accounts.get("ada").id, "here:1", iso(real), iso(real - timedelta(minutes=2)))


def new(store, settings, **kw):
    fields = dict(text="Hello fediverse", account="ada", who="ana", now=NOW) | kw
    return E.create_entry(store, settings, **fields)


# ================================================================================================
# Creating: every bad input refused with one sentence, nothing stored
# ================================================================================================
@pytest.mark.parametrize("kw, message", [
    ({"account": "nobody"}, "unknown account 'nobody' (known: ada, bob)"),
    ({"text": "   "}, "the text is empty"),
    ({"text": "x" * 501}, "too long: 501 characters, over the limit of 500"),
    ({"account": "bob", "text": "y" * 101}, "for bob is too long"),
    ({"variants": {"bob": "z" * 120}}, "the variant for bob is too long"),
    ({"variants": {"ghost": "hi"}}, "unknown account 'ghost'"),
    ({"variants": {"ada": "hi"}}, "a variant is for another account"),
    ({"language": "english"}, "'english' is not a language code"),
    ({"visibility": "everyone"}, "unknown visibility 'everyone'"),
    ({"campaign_color": "#12"}, "is not a colour"),
    ({"rrule": "FREQ=SECONDLY"}, "posts repeat at most hourly"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=MO"}, "a repeating entry needs a start time"),
    ({"status": "scheduled", "when": NOW - timedelta(hours=1)}, "is in the past"),
    ({"status": "needs_approval", "account": None}, "needs an account"),
    ({"status": "published"}, "a new entry is one of"),
])
def test_create_refuses_bad_input_and_stores_nothing(st, settings, kw, message):
    before = (count(st), count(st, "outbox"), count(st, "entry_transitions"))
    with pytest.raises(InputError) as exc:
        new(st, settings, **kw)
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)
    assert (count(st), count(st, "outbox"), count(st, "entry_transitions")) == before


def test_a_draft_in_the_past_is_fine_and_an_url_counts_23(st, settings):
    entry_id = new(st, settings, when=NOW - timedelta(days=3), text="a" * 470 + " https://example.org/" + "p" * 80)
    entry = st.entries.get(entry_id)
    assert entry["status"] == "draft" and entry["account"] == "ada"
    assert steps(st, entry_id) == [(None, "draft", "ana", "")]
    assert ops(st) == []


def test_a_scheduled_entry_queues_its_posts_one_per_target_account(st, settings):
    at = NOW + timedelta(days=1)
    entry_id = new(st, settings, status="scheduled", when=at, language="SL", content_warning="spoilers",
                   variants={"bob": "Short for bob"})
    entry = st.entries.get(entry_id)
    assert entry["status"] == "scheduled" and entry["scheduled_at"] == iso(at) and entry["language"] == "sl"
    common = {"visibility": "public", "language": "sl", "spoiler_text": "spoilers", "scheduled_at": iso(at)}
    assert ops(st, entry_id) == [("post", "pending", {"text": "Hello fediverse", **common}),
                                 ("post", "pending", {"text": "Short for bob", **common})]


def test_scheduled_without_a_time_publishes_at_the_next_sync(st, settings):
    entry_id = new(st, settings, status="scheduled")
    assert st.entries.get(entry_id)["scheduled_at"] == iso(NOW)
    assert ops(st, entry_id) == [("post", "pending", {"text": "Hello fediverse", "visibility": "public"})]


# ================================================================================================
# Approval
# ================================================================================================
def test_approval_flow_with_named_approvers(st, strict):
    at = NOW + timedelta(days=2)
    entry_id = new(st, strict, when=at)
    with pytest.raises(InputError, match=r"needs approval first \(it is draft; approvers: nina, jure\)"):
        E.schedule_entry(st, strict, entry_id, who="ana", now=NOW)
    with pytest.raises(InputError, match="approval is required"):
        new(st, strict, status="scheduled", when=at)
    E.submit_for_approval(st, strict, entry_id, who="ana", now=NOW)
    with pytest.raises(InputError, match="only nina, jure may approve or reject posts, not ana"):
        E.approve(st, strict, entry_id, who="ana", now=NOW)
    with pytest.raises(InputError, match="say why"):
        E.reject(st, strict, entry_id, who="nina", comment=" ", now=NOW)
    E.reject(st, strict, entry_id, who="nina", comment="Add the link to the release notes", now=NOW)
    assert st.entries.get(entry_id)["status"] == "draft"
    E.update_entry(st, strict, entry_id, who="ana", now=NOW, text="Hello fediverse https://example.org/notes")
    E.submit_for_approval(st, strict, entry_id, who="ana", now=NOW)
    E.approve(st, strict, entry_id, who="jure", comment="Good to go", now=NOW)
    assert ops(st) == []  # approved is not scheduled
    E.schedule_entry(st, strict, entry_id, who="ana", now=NOW)
    assert steps(st, entry_id) == [
        (None, "draft", "ana", ""), ("draft", "needs_approval", "ana", ""),
        ("needs_approval", "draft", "nina", "Add the link to the release notes"),
        ("draft", "draft", "ana", "edited"),  # who changed the words is recorded (an author of them)
        ("draft", "needs_approval", "ana", ""), ("needs_approval", "approved", "jure", "Good to go"),
        ("approved", "scheduled", "ana", "")]
    assert [k for k, *_ in ops(st, entry_id)] == ["post"]
    with pytest.raises(InputError, match="already scheduled"):
        E.schedule_entry(st, strict, entry_id, who="ana", now=NOW)


def test_approval_required_without_approvers_is_explained(st):
    settings = Settings(timezone="Europe/Ljubljana", approval_required=True)
    entry_id = new(st, settings, status="needs_approval", when=NOW + timedelta(days=1))
    with pytest.raises(InputError, match="no approvers are named in the settings"):
        E.approve(st, settings, entry_id, who="ana", now=NOW)


def test_editing_content_sends_an_approved_entry_back_but_moving_it_does_not(st, strict):
    entry_id = new(st, strict, when=NOW + timedelta(days=2), status="needs_approval")
    E.approve(st, strict, entry_id, who="nina", now=NOW)
    E.move_entry(st, strict, entry_id, timedelta(hours=1), who="ana", now=NOW)
    E.update_entry(st, strict, entry_id, who="ana", now=NOW, notes="check the image", campaign="launch")
    assert st.entries.get(entry_id)["status"] == "approved"
    E.update_entry(st, strict, entry_id, who="ana", now=NOW, text="Hello again")
    assert st.entries.get(entry_id)["status"] == "needs_approval"
    assert steps(st, entry_id)[-1] == ("approved", "needs_approval", "ana", "edited")


def test_editing_a_scheduled_entry_while_approval_is_required_withdraws_it(st, strict):
    entry_id = new(st, strict, when=NOW + timedelta(days=2), status="needs_approval")
    E.approve(st, strict, entry_id, who="nina", now=NOW)
    E.schedule_entry(st, strict, entry_id, who="ana", now=NOW)
    sent(st, entry_id, {"scheduled_id": "77", "scheduled_at": iso(NOW + timedelta(days=2))})
    E.update_entry(st, strict, entry_id, who="ana", now=NOW, language="de")
    entry = st.entries.get(entry_id)
    assert entry["status"] == "needs_approval"
    assert ops(st, entry_id)[-1] == ("cancel", "pending", {"scheduled_id": "77"})
    sent(st, entry_id, {"cancelled": "77"}, kind="cancel")
    assert st.entries.get(entry_id)["server_scheduled_id"] is None


def test_an_unknown_field_or_a_published_entry_change_is_refused(st, settings):
    entry_id = new(st, settings, status="scheduled")
    sent(st, entry_id, {"remote_id": "900", "url": "https://one.example/@ada/900", "created_at": iso(NOW)})
    with pytest.raises(InputError, match="cannot change 'colour'"):
        E.update_entry(st, settings, entry_id, who="ana", colour="red")
    with pytest.raises(InputError, match="already published"):
        E.update_entry(st, settings, entry_id, who="ana", when=NOW + timedelta(days=1))
    E.update_entry(st, settings, entry_id, who="ana", when=NOW, notes="went well")  # the same time is no change
    E.update_entry(st, settings, entry_id, who="ana", text="Hello fediverse (fixed a typo)")
    assert ops(st, entry_id)[-1] == ("edit", "pending", {"remote_id": "900", "text": "Hello fediverse (fixed a typo)"})


# ================================================================================================
# Keeping the server in step
# ================================================================================================
def test_an_unsent_post_is_rewritten_in_place(st, settings):
    entry_id = new(st, settings, status="scheduled", when=NOW + timedelta(days=1))
    E.update_entry(st, settings, entry_id, who="ana", now=NOW, text="Edited before any sync")
    E.move_entry(st, settings, entry_id, timedelta(hours=2), who="ana", now=NOW)
    assert ops(st, entry_id) == [("post", "pending", {"text": "Edited before any sync", "visibility": "public",
                                                      "scheduled_at": iso(NOW + timedelta(days=1, hours=2))})]


def test_a_server_scheduled_entry_is_rescheduled_or_cancelled_and_posted_again(st, settings):
    at = NOW + timedelta(days=1)
    entry_id = new(st, settings, status="scheduled", when=at)
    sent(st, entry_id, {"scheduled_id": "41", "scheduled_at": iso(at)})
    assert st.entries.get(entry_id)["server_scheduled_id"] == "41"
    # Only the time moved, still well ahead: the server's copy moves.
    E.move_entry(st, settings, entry_id, timedelta(hours=1), who="ana", now=NOW)
    E.move_entry(st, settings, entry_id, timedelta(hours=1), who="ana", now=NOW)  # rewrites the unsent one
    assert ops(st, entry_id)[1:] == [("reschedule", "pending",
                                      {"scheduled_at": iso(at + timedelta(hours=2)), "scheduled_id": "41"})]
    sent(st, entry_id, {"scheduled_id": "41", "scheduled_at": iso(at + timedelta(hours=2))}, kind="reschedule")
    # The text changed: cancel the copy, post the new one.
    E.update_entry(st, settings, entry_id, who="ana", now=NOW, text="New wording")
    assert ops(st, entry_id)[2:] == [
        ("cancel", "pending", {"scheduled_id": "41"}),
        ("post", "pending", {"text": "New wording", "visibility": "public",
                             "scheduled_at": iso(at + timedelta(hours=2))})]
    sent(st, entry_id, {"cancelled": "41"}, kind="cancel")
    sent(st, entry_id, {"scheduled_id": "42", "scheduled_at": iso(at + timedelta(hours=2))})
    # Moved to less than 5 minutes ahead: the server cannot hold it, it goes out at the next sync.
    E.update_entry(st, settings, entry_id, who="ana", now=NOW, when=NOW + timedelta(minutes=3))
    assert [k for k, *_ in ops(st, entry_id)[4:]] == ["cancel", "post"]
    assert st.entries.get(entry_id)["status"] == "scheduled"


def test_publish_now_and_cancel(st, settings):
    at = NOW + timedelta(days=1)
    entry_id = new(st, settings, status="scheduled", when=at)
    sent(st, entry_id, {"scheduled_id": "41", "scheduled_at": iso(at)})
    E.publish_now(st, settings, entry_id, who="ana", now=NOW)
    assert ops(st, entry_id)[1:] == [("cancel", "pending", {"scheduled_id": "41"}),
                                     ("post", "pending", {"text": "Hello fediverse", "visibility": "public"})]
    assert st.entries.get(entry_id)["scheduled_at"] == iso(NOW)
    other = new(st, settings, status="scheduled", when=at)
    E.cancel_entry(st, settings, other, who="ana", comment="not needed", now=NOW)
    assert ops(st, other) == []  # it never left: withdrawn
    assert steps(st, other)[-1] == ("scheduled", "cancelled", "ana", "not needed")
    with pytest.raises(InputError, match="already cancelled"):
        E.cancel_entry(st, settings, other, who="ana")


def test_a_result_that_arrives_after_a_cancel_does_not_undo_it(st, settings):
    at = NOW + timedelta(days=1)
    entry_id = new(st, settings, status="scheduled", when=at)
    op = claim(st)
    E.cancel_entry(st, settings, entry_id, who="ana", now=NOW)  # the post is on its way: a cancel follows it
    assert [(k, s) for k, s, _ in ops(st, entry_id)] == [("post", "sending"), ("cancel", "pending")]
    assert ops(st, entry_id)[1][2] == {}  # its id is looked up when its turn comes
    with st.transaction():
        st.outbox.done(op["id"], {"scheduled_id": "55"})
        apply_result(st, st.accounts.get("ada"), op, {"scheduled_id": "55"}, NOW)
    entry = st.entries.get(entry_id)
    assert entry["status"] == "cancelled" and entry["server_scheduled_id"] == "55"
    from cmtui.sync.outbox_ops import _entry_state

    cancel = st.outbox.list(("pending",))[-1]
    assert _entry_state(st, cancel) == ("55", None)


def test_late_is_set_when_published_well_after_its_time(st, settings):
    entry_id = new(st, settings, status="scheduled", when=NOW + timedelta(minutes=30))
    op_id = sent(st, entry_id, {"remote_id": "1", "url": "u", "created_at": iso(NOW + timedelta(hours=3))})
    entry = st.entries.get(entry_id)
    assert entry["status"] == "published" and entry["late"] == 1 and st.outbox.get(op_id)["state"] == "done"
    on_time = new(st, settings, status="scheduled", when=NOW + timedelta(minutes=30))
    sent(st, on_time, {"remote_id": "2", "url": "u", "created_at": iso(NOW + timedelta(minutes=31))})
    assert st.entries.get(on_time)["late"] == 0
    now_post = new(st, settings, status="scheduled")  # publish at the next sync: no time to be late for
    sent(st, now_post, {"remote_id": "3", "url": "u", "created_at": iso(NOW + timedelta(hours=5))})
    assert st.entries.get(now_post)["late"] == 0


# ================================================================================================
# Move, duplicate, delete and undo
# ================================================================================================
def test_moving_by_a_day_keeps_the_local_time_across_daylight_saving(st, settings):
    spring_eve = local(2026, 3, 28, 10, 0)
    entry_id = new(st, settings, when=spring_eve)
    E.move_entry(st, settings, entry_id, timedelta(days=1), who="ana", now=NOW)
    moved = parse_iso(st.entries.get(entry_id)["scheduled_at"]).astimezone(TZ)
    assert (moved.day, moved.hour, moved.utcoffset()) == (29, 10, timedelta(hours=2))
    E.move_entry(st, settings, entry_id, timedelta(hours=-1), who="ana", now=NOW)
    assert parse_iso(st.entries.get(entry_id)["scheduled_at"]).astimezone(TZ).hour == 9
    scheduled = new(st, settings, status="scheduled", when=NOW + timedelta(hours=2))
    with pytest.raises(InputError, match="in the past"):
        E.move_entry(st, settings, scheduled, timedelta(days=-1), who="ana", now=NOW)
    with pytest.raises(InputError, match="no time yet"):
        E.move_entry(st, settings, new(st, settings), timedelta(days=1), who="ana", now=NOW)


def test_duplicate_is_a_draft_without_remote_ids(st, settings):
    entry_id = new(st, settings, status="scheduled", variants={"bob": "For bob"}, campaign="launch")
    sent(st, entry_id, {"remote_id": "900", "url": "https://one.example/900", "created_at": iso(NOW)})
    copy_id = E.duplicate_entry(st, entry_id, who="jure")
    copy = st.entries.get(copy_id)
    assert copy["status"] == "draft" and copy["remote_id"] is None and copy["url"] is None
    assert copy["published_at"] is None and copy["campaign"] == "launch" and copy["created_by"] == "jure"
    assert [(v["account"], v["text"]) for v in st.entries.variants(copy_id)] == [("bob", "For bob")]
    assert steps(st, copy_id) == [(None, "draft", "jure", f"copy of entry {entry_id}")]


def test_delete_and_restore_brings_everything_back(st, settings):
    entry_id = new(st, settings, when=NOW + timedelta(days=1), variants={"bob": "For bob"})
    E.submit_for_approval(st, settings, entry_id, who="ana", now=NOW)
    E.approve(st, settings, entry_id, who="nina", comment="ok", now=NOW)
    E.schedule_entry(st, settings, entry_id, who="ana", now=NOW)
    before = (dict(st.entries.get(entry_id)), steps(st, entry_id), ops(st))
    undo = E.delete_entry(st, entry_id, who="ana")
    json.dumps(undo)  # the screen may keep it anywhere
    assert st.entries.get(entry_id) is None and ops(st) == []  # the unsent posts went with it
    assert E.restore_entry(st, undo) == entry_id
    assert dict(st.entries.get(entry_id)) == before[0]
    assert steps(st, entry_id) == before[1]
    assert ops(st) == before[2]
    with pytest.raises(InputError, match="no calendar entry 999"):
        E.delete_entry(st, 999, who="ana")


def test_deleting_a_server_scheduled_entry_cancels_it_and_undo_keeps_or_reposts(st, settings):
    at = NOW + timedelta(days=1)
    entry_id = new(st, settings, status="scheduled", when=at)
    sent(st, entry_id, {"scheduled_id": "41", "scheduled_at": iso(at)})
    undo = E.delete_entry(st, entry_id, who="ana")
    assert [(k, s, p) for k, s, p in ops(st)][-1] == ("cancel", "pending", {"scheduled_id": "41"})
    E.restore_entry(st, undo)  # the cancel never left: withdrawn, the server's copy stands
    assert [k for k, *_ in ops(st)] == ["post"] and st.entries.get(entry_id)["server_scheduled_id"] == "41"
    undo = E.delete_entry(st, entry_id, who="ana")
    cancel = st.outbox.list(("pending",))[0]
    with st.transaction():
        st.outbox.done(cancel["id"], {"cancelled": "41"})
    restored = E.restore_entry(st, undo)  # the copy is gone: posted again
    assert [(k, s) for k, s, _ in ops(st, restored)] == [("post", "done"), ("cancel", "done"), ("post", "pending")]
    assert st.entries.get(restored)["server_scheduled_id"] is None


def test_a_post_on_its_way_blocks_delete(st, settings):
    entry_id = new(st, settings, status="scheduled", when=NOW + timedelta(days=1))
    claim(st)
    with pytest.raises(InputError, match="may be reaching its platform right now"):
        E.delete_entry(st, entry_id, who="ana")
    assert st.entries.get(entry_id) is not None


# ================================================================================================
# Recurrence
# ================================================================================================
@pytest.mark.parametrize("text, expected", [
    ("FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=WEEKLY;BYDAY=MO,TH"),
    ("RRULE:freq=monthly;byday=1TU", "FREQ=MONTHLY;BYDAY=1TU"),
    ("  FREQ=DAILY;INTERVAL=2;UNTIL=20261231 ", "FREQ=DAILY;INTERVAL=2;UNTIL=20261231"),
    ("FREQ=HOURLY;INTERVAL=6;COUNT=4", "FREQ=HOURLY;INTERVAL=6;COUNT=4"),
])
def test_parse_rule_accepts(text, expected):
    assert parse_rule(text) == expected


@pytest.mark.parametrize("rule, start, first", [
    ("FREQ=WEEKLY;BYDAY=TU", datetime(2026, 12, 2, 9, 0), datetime(2026, 12, 8, 9, 0)),  # a Wednesday start
    ("FREQ=MONTHLY;BYDAY=1TH", datetime(2026, 12, 6, 18, 0), datetime(2027, 1, 7, 18, 0)),  # a Sunday start
    ("FREQ=WEEKLY;BYDAY=MO,TH", datetime(2026, 12, 1, 9, 0), datetime(2026, 12, 3, 9, 0)),
    ("FREQ=WEEKLY;BYDAY=TU", datetime(2026, 12, 1, 9, 0), None),  # a Tuesday: it matches
    ("FREQ=MONTHLY;BYDAY=1TH", datetime(2026, 12, 3, 18, 0), None),
    ("FREQ=WEEKLY", datetime(2026, 12, 2, 9, 0), None),  # the start's own weekday
    ("FREQ=DAILY", datetime(2026, 3, 29, 2, 30), None),  # a start in the spring gap still matches
])
def test_first_on_rule_names_the_first_real_occurrence_of_a_start_off_its_rule(rule, start, first):
    start = start.replace(tzinfo=TZ)
    expected = first.replace(tzinfo=TZ).astimezone(timezone.utc) if first else None
    assert first_on_rule(rule, start, TZ) == expected


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("FREQ=MINUTELY", "at most hourly"), ("FREQ=SECONDLY;COUNT=3", "at most hourly"),
    ("FREQ=HOURLY", "needs an end"), ("BYDAY=MO", "needs FREQ"), ("FREQ=WEEKLY;BYDAY=XX", "cannot read"),
    ("FREQ=DAILY;BYHOUR=9,10;BYMINUTE=0,30", "less than an hour apart"), ("FREQ=WEEKLY;FOO=1", "'FOO' is not"),
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never matches"), ("DTSTART:20260101T090000Z", "give only the RRULE"),
    ("FREQ=DAILY;COUNT=2;UNTIL=20270101", "COUNT or UNTIL, not both"), ("FREQ=DAILY;DAILY", "expected NAME=VALUE"),
])
def test_parse_rule_refuses_with_a_clear_message(text, message):
    with pytest.raises(InputError, match=message):
        parse_rule(text)


def series(rule, start):
    return {"rrule": rule, "scheduled_at": iso(start), "published_at": None}


def fmt(times):
    return [t.astimezone(TZ).strftime("%a %m-%d %H:%M") for t in times]


def test_weekly_monday_and_thursday_at_ten_stays_ten_across_the_spring_change():
    row = series("FREQ=WEEKLY;BYDAY=MO,TH", local(2026, 3, 16, 10, 0))
    found = occurrences(row, local(2026, 3, 20), local(2026, 4, 7), TZ)
    assert fmt(found) == ["Mon 03-23 10:00", "Thu 03-26 10:00", "Mon 03-30 10:00", "Thu 04-02 10:00",
                          "Mon 04-06 10:00"]
    assert [t.astimezone(UTC).hour for t in found] == [9, 9, 8, 8, 8]
    assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in found)


def test_first_tuesday_of_each_month():
    row = series("FREQ=MONTHLY;BYDAY=1TU", local(2026, 1, 6, 17, 0))
    found = occurrences(row, local(2026, 1, 1), local(2027, 1, 1), TZ)
    assert [t.astimezone(TZ).strftime("%m-%d %H:%M") for t in found] == [
        "01-06 17:00", "02-03 17:00", "03-03 17:00", "04-07 17:00", "05-05 17:00", "06-02 17:00",
        "07-07 17:00", "08-04 17:00", "09-01 17:00", "10-06 17:00", "11-03 17:00", "12-01 17:00"]


def test_a_rule_at_half_past_two_on_the_spring_forward_day():
    # 02:30 does not exist on 29 March 2026 in Ljubljana: RFC 5545 reads it with the offset
    # before the gap, 03:30 summer time (01:30 UTC); the days around keep 02:30.
    row = series("FREQ=DAILY", local(2026, 3, 27, 2, 30))
    found = occurrences(row, local(2026, 3, 27), local(2026, 3, 31), TZ)
    assert fmt(found) == ["Fri 03-27 02:30", "Sat 03-28 02:30", "Sun 03-29 03:30", "Mon 03-30 02:30"]
    assert iso(found[2]) == "2026-03-29T01:30:00Z"


def test_an_occurrence_across_the_autumn_change_keeps_its_local_time():
    row = series("FREQ=WEEKLY;BYDAY=SA,SU", local(2026, 10, 17, 9, 0))
    found = occurrences(row, local(2026, 10, 24), local(2026, 10, 26), TZ)
    assert fmt(found) == ["Sat 10-24 09:00", "Sun 10-25 09:00"]
    assert [iso(t) for t in found] == ["2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z"]
    # 02:30 happens twice on 25 October: the first of the two (summer time) is taken.
    ambiguous = occurrences(series("FREQ=DAILY", local(2026, 10, 24, 2, 30)), local(2026, 10, 25),
                            local(2026, 10, 26), TZ)
    assert [iso(t) for t in ambiguous] == ["2026-10-25T00:30:00Z"]


def test_a_series_that_started_long_ago_expands_like_dateutil_from_its_start():
    from dateutil.rrule import rrulestr

    for rule in ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "FREQ=DAILY;INTERVAL=3", "FREQ=MONTHLY;BYDAY=-1FR",
                 "FREQ=MONTHLY", "FREQ=WEEKLY;BYDAY=MO,WE;WKST=SU;INTERVAL=3"):
        start = local(2019, 1, 30, 9, 15)
        found = occurrences(series(rule, start), local(2026, 10, 1), local(2026, 12, 1), TZ)
        expected = rrulestr(rule, dtstart=datetime(2019, 1, 30, 9, 15)).between(
            datetime(2026, 10, 1), datetime(2026, 12, 1), inc=True)
        assert fmt(found) == [t.strftime("%a %m-%d %H:%M") for t in expected], rule


def test_the_start_of_a_series_counts_even_when_its_rule_does_not_match_it():
    row = series("FREQ=WEEKLY;BYDAY=MO", local(2026, 11, 17, 10, 0))  # a Tuesday
    assert fmt(occurrences(row, local(2026, 11, 16), local(2026, 11, 30), TZ)) == [
        "Tue 11-17 10:00", "Mon 11-23 10:00"]


def test_until_in_utc_and_as_a_date_include_the_last_day():
    row = series("FREQ=DAILY;UNTIL=20261203", local(2026, 12, 1, 18, 0))
    assert len(occurrences(row, local(2026, 11, 1), local(2027, 1, 1), TZ)) == 3
    row = series("FREQ=DAILY;UNTIL=20261203T170000Z", local(2026, 12, 1, 18, 0))
    assert len(occurrences(row, local(2026, 11, 1), local(2027, 1, 1), TZ)) == 3


# ================================================================================================
# What the views read; skipping; publishing occurrences on their own
# ================================================================================================
def test_occurrences_between_lists_singles_and_series_by_time(st, settings):
    monday = new(st, settings, text="Weekly digest", when=local(2026, 11, 23, 10, 0),
                 rrule="FREQ=WEEKLY;BYDAY=MO,TH")
    single = new(st, settings, when=local(2026, 11, 26, 9, 0))
    published = new(st, settings, status="scheduled")
    sent(st, published, {"remote_id": "5", "url": "u", "created_at": iso(NOW)})
    undated = new(st, settings, status="idea")
    found = occurrences_between(st, local(2026, 11, 16), local(2026, 11, 30), TZ)
    assert [(o.entry["id"], o.at.astimezone(TZ).strftime("%a %d %H:%M"), o.is_recurring, o.published)
            for o in found] == [
        (published, "Fri 20 13:00", False, True), (monday, "Mon 23 10:00", True, False),
        (single, "Thu 26 09:00", False, False), (monday, "Thu 26 10:00", True, False)]
    assert undated not in {o.entry["id"] for o in found}
    assert found[1].entry["account"] == "ada" and found[1].series_id == monday


def test_skip_and_unskip_an_occurrence(st, settings):
    series_id = new(st, settings, when=local(2026, 11, 23, 10, 0), rrule="FREQ=WEEKLY;BYDAY=MO,TH")
    thursday = local(2026, 11, 26, 10, 0)
    skip_occurrence(st, series_id, thursday, who="ana", settings=settings)
    found = occurrences_between(st, local(2026, 11, 23), local(2026, 11, 30), TZ)
    assert [(fmt([o.at])[0], o.skipped) for o in found] == [("Mon 11-23 10:00", False), ("Thu 11-26 10:00", True)]
    row = st.entries.get(series_id)
    assert fmt(occurrences(row, local(2026, 11, 23), local(2026, 11, 30), TZ, skips=st.entries.skips(series_id))) \
        == ["Mon 11-23 10:00"]
    with pytest.raises(InputError, match="has no occurrence at 2026-11-27 10:00"):
        skip_occurrence(st, series_id, local(2026, 11, 27, 10, 0), who="ana", settings=settings)
    unskip_occurrence(st, series_id, thursday, who="ana", settings=settings)
    assert not any(o.skipped for o in occurrences_between(st, local(2026, 11, 23), local(2026, 11, 30), TZ))
    with pytest.raises(InputError, match="is not skipped"):
        unskip_occurrence(st, series_id, thursday, who="ana")
    with pytest.raises(InputError, match="does not repeat"):
        skip_occurrence(st, new(st, settings, when=thursday), thursday, who="ana")


def test_due_occurrences_are_materialized_each_with_its_own_post(st, settings):
    series_id = new(st, settings, text="Tip of the day", status="scheduled", when=NOW + timedelta(hours=1),
                    rrule="FREQ=DAILY")
    assert ops(st) == []  # a series posts nothing itself
    skip_occurrence(st, series_id, NOW + timedelta(days=1, hours=1), who="ana", settings=settings)
    made = materialize_due(st, settings, NOW)  # the next two days: today's and the day after tomorrow's
    children = [st.entries.get(c) for c in made]
    assert [c["occurrence_at"] for c in children] == [iso(NOW + timedelta(hours=1))]
    assert children[0]["parent_id"] == series_id and children[0]["status"] == "scheduled"
    assert ops(st, made[0]) == [("post", "pending", {"text": "Tip of the day", "visibility": "public",
                                                     "scheduled_at": iso(NOW + timedelta(hours=1))})]
    assert materialize_due(st, settings, NOW) == []  # once only
    later = materialize_due(st, settings, NOW + timedelta(days=1))
    assert [st.entries.get(c)["occurrence_at"] for c in later] == [iso(NOW + timedelta(days=2, hours=1))]
    # The view shows the child row in place of the occurrence it stands for.
    found = occurrences_between(st, NOW, NOW + timedelta(days=3), TZ)
    assert [(o.entry["id"], o.skipped) for o in found] == [(made[0], False), (series_id, True), (later[0], False)]
    # Editing the series' text reaches the occurrences not published yet (their posts follow).
    E.update_entry(st, settings, series_id, who="ana", now=NOW, text="Tip of the day: backups")
    assert ops(st, made[0])[0][2]["text"] == "Tip of the day: backups"
    # Skipping a materialized occurrence cancels it.
    skip_occurrence(st, series_id, NOW + timedelta(days=2, hours=1), who="ana", settings=settings)
    assert st.entries.get(later[0])["status"] == "cancelled" and ops(st, later[0]) == []


def test_an_occurrence_missed_for_long_is_not_published_late(st, settings):
    created = NOW - timedelta(days=5)
    new(st, settings, status="scheduled", when=created.replace(hour=3), rrule="FREQ=DAILY", now=created)
    # The sync did not run for five days: today's 03:00 (9 hours ago) still goes out, late;
    # the days before are past the grace of LATE_GRACE (12 hours).
    made = materialize_due(st, settings, NOW, horizon=timedelta(hours=1))
    assert [st.entries.get(c)["occurrence_at"] for c in made] == ["2026-11-20T03:00:00Z"]
    assert ops(st, made[0])[0][2]["scheduled_at"] == "2026-11-20T03:00:00Z"  # so it is marked late


# ================================================================================================
# Posting slots
# ================================================================================================
def test_next_free_slot_skips_taken_slots_and_the_weekend(st, settings):
    # Defaults: weekdays at 09:30, 13:00 and 17:30 local. NOW is Friday 13:00 local.
    first = E.next_free_slot(st, settings, "ada", NOW)
    assert first == local(2026, 11, 20, 17, 30)
    new(st, settings, when=first)
    new(st, settings, account="bob", when=local(2026, 11, 23, 9, 30))  # another account does not count
    cancelled = new(st, settings, when=local(2026, 11, 23, 9, 30))
    E.cancel_entry(st, settings, cancelled, who="ana")
    assert E.next_free_slot(st, settings, "ada", NOW) == local(2026, 11, 23, 9, 30)
    new(st, settings, text="series", when=local(2026, 11, 23, 9, 30), rrule="FREQ=WEEKLY;BYDAY=MO")
    assert E.next_free_slot(st, settings, "ada", NOW) == local(2026, 11, 23, 13, 0)


def test_a_new_post_starts_at_a_free_slot_ahead_never_in_the_past(st, settings):
    from cmtui.planning.queue import default_time

    today, monday = date(2026, 11, 20), date(2026, 11, 23)  # NOW: Friday 13:00 local
    assert default_time(st, settings, "ada", today, NOW) == local(2026, 11, 20, 17, 30)
    new(st, settings, when=local(2026, 11, 20, 17, 30))
    assert default_time(st, settings, "ada", today, NOW) == local(2026, 11, 20, 14, 0)  # slots gone: next hour
    assert default_time(st, settings, None, today, NOW) == local(2026, 11, 20, 14, 0)
    assert default_time(st, settings, "ada", monday, NOW) == local(2026, 11, 23, 9, 30)
    new(st, settings, when=local(2026, 11, 23, 9, 30))
    assert default_time(st, settings, "ada", monday, NOW) == local(2026, 11, 23, 13, 0)
    assert default_time(st, settings, "ada", date(2026, 11, 21), NOW) == local(2026, 11, 21, 9, 0)  # no slots
    assert default_time(st, settings, "ada", monday, NOW, hour=16) == local(2026, 11, 23, 16, 0)  # the week's row
    assert default_time(st, settings, "ada", today, NOW, hour=10) == local(2026, 11, 20, 14, 0)  # that row is past
    assert default_time(st, Settings(timezone="Europe/Ljubljana", posting_slots={}), "ada", today, NOW) == \
        local(2026, 11, 20, 14, 0)


def test_add_to_queue_sets_the_time_and_custom_slots(st):
    settings = Settings(timezone="Europe/Ljubljana", posting_slots={"sun": ["02:30", "10:00"]})
    entry_id = new(st, settings)
    at = E.add_to_queue(st, settings, entry_id, who="ana", now=local(2026, 3, 22, 12, 0))
    assert at == local(2026, 3, 29, 3, 30)  # 02:30 does not exist that Sunday
    assert st.entries.get(entry_id)["scheduled_at"] == iso(at)
    assert E.add_to_queue(st, settings, entry_id, who="ana", now=local(2026, 3, 22, 12, 0)) == at  # its own slot
    with pytest.raises(InputError, match="no posting slots"):
        E.next_free_slot(st, Settings(posting_slots={"mon": []}), "ada", NOW)
    with pytest.raises(InputError, match="'9h' \\(mon\\) is not a time"):
        E.next_free_slot(st, Settings(posting_slots={"mon": ["9h"]}), "ada", NOW)
    with pytest.raises(InputError, match="unknown account 'zed'"):
        E.next_free_slot(st, settings, "zed", NOW)


# ================================================================================================
# cmtui post add
# ================================================================================================
@pytest.fixture
def cli_db(tmp_path):
    path = tmp_path / "cli.db"
    store = Store.open(path)
    store.accounts.add("ada", "mastodon", "https://one.example")
    store.close()
    return path


def write_settings(text: str) -> None:
    import os
    from pathlib import Path

    folder = Path(os.environ["CMTUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(text, encoding="utf-8")


def entries_in(path):
    store = Store.open(path)
    try:
        return [dict(r) for r in store.conn.execute("SELECT * FROM calendar_entries ORDER BY id")], \
            [(r["kind"], loads(r["payload"], {})) for r in store.outbox.list()]
    finally:
        store.close()


def test_post_add_publishes_at_the_next_sync(cli_db, capsys):
    write_settings('timezone = "Europe/Ljubljana"\n')
    assert main(["post", "add", "Version 3 is out", "--account", "ada", "--db", str(cli_db)]) == 0
    out = capsys.readouterr()
    assert out.out == "entry 1 queued for ada; the next sync publishes it\n" and out.err == ""
    rows, queued = entries_in(cli_db)
    assert rows[0]["status"] == "scheduled" and queued == [("post", {"text": "Version 3 is out",
                                                                     "visibility": "public"})]


def test_post_add_at_a_time_and_as_a_draft(cli_db, capsys):
    write_settings('timezone = "Europe/Ljubljana"\n')
    assert main(["--db", str(cli_db), "post", "add", "Office hours", "--account", "ada", "--at", "2099-12-01 09:30"]) == 0
    assert capsys.readouterr().out == ("entry 1 scheduled for Tue, 1 Dec 2099, 09:30 CET on ada; "
                                       "the next sync hands it to the server\n")
    assert main(["post", "add", "An idea", "--account", "ada", "--draft", "--db", str(cli_db)]) == 0
    assert capsys.readouterr().out == "entry 2 saved as a draft (ada)\n"
    rows, queued = entries_in(cli_db)
    assert [(r["status"], r["scheduled_at"]) for r in rows] == [("scheduled", "2099-12-01T08:30:00Z"),
                                                                ("draft", None)]
    assert queued == [("post", {"text": "Office hours", "visibility": "public",
                                "scheduled_at": "2099-12-01T08:30:00Z"})]


def test_post_add_when_approval_is_required(cli_db, capsys):
    write_settings('timezone = "Europe/Ljubljana"\napproval_required = true\napprovers = ["nina"]\n')
    assert main(["post", "add", "Needs a look", "--account", "ada", "--at", "2099-01-05 10:00",
                 "--db", str(cli_db)]) == 0
    assert capsys.readouterr().out == ("entry 1 (ada, Mon, 5 Jan 2099, 10:00 CET) needs approval before it is "
                                       "published (approvers: nina)\n")
    rows, queued = entries_in(cli_db)
    assert rows[0]["status"] == "needs_approval" and queued == []


@pytest.mark.parametrize("argv, message", [
    (["--account", "nobody"], "cmtui: unknown account 'nobody' (known: ada)\n"),
    (["--account", "ada", "--at", "someday maybe"], "cmtui: cannot read 'someday maybe' as a date/time"),
    (["--account", "ada", "--at", "2001-01-01 10:00"], "is in the past; a post to be scheduled needs a later time\n"),
])
def test_post_add_bad_input_is_one_line_and_exit_2(cli_db, capsys, argv, message):
    assert main(["post", "add", "Hello", *argv, "--db", str(cli_db)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert entries_in(cli_db) == ([], [])


def test_post_add_text_over_the_limit(cli_db, capsys):
    assert main(["post", "add", "w" * 600, "--account", "ada", "--db", str(cli_db)]) == 2
    assert "600 characters, over the limit of 500" in capsys.readouterr().err


# ================================================================================================
def test_the_planning_core_does_not_import_textual():
    code = ("import sys, cmtui.planning.entries, cmtui.planning.recurrence, cmtui.planning.publishing,"
            " cmtui.commands.posts, cmtui.store.entries\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'textual']\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_fast_expansion_matches_dateutil():
    """DAILY, WEEKLY and MONTHLY rules are expanded without dateutil (speed): same results."""
    import random

    from dateutil.rrule import rrulestr

    from cmtui.planning.recurrence import _simple

    rng = random.Random(3)
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    for _ in range(600):
        parts = [rng.choice(["FREQ=DAILY", "FREQ=WEEKLY", "FREQ=MONTHLY"])]
        if rng.random() < 0.5:
            parts.append(f"INTERVAL={rng.randint(1, 4)}")
        if parts[0] == "FREQ=MONTHLY":
            choice = rng.random()
            if choice < 0.4:
                parts.append("BYDAY=" + ",".join(rng.choice(["", "1", "2", "-1", "4", "5", "-2", "+3"]) + d
                                                 for d in rng.sample(days, rng.randint(1, 2))))
            elif choice < 0.8:
                parts.append("BYMONTHDAY=" + ",".join(str(rng.choice([1, 15, 28, 29, 30, 31, -1, -3]))
                                                      for _ in range(rng.randint(1, 2))))
        if parts[0] == "FREQ=WEEKLY" and rng.random() < 0.7:
            parts.append("BYDAY=" + ",".join(rng.sample(days, rng.randint(1, 4))))
        if parts[0] == "FREQ=WEEKLY" and rng.random() < 0.3:
            parts.append("WKST=" + rng.choice(days))
        if rng.random() < 0.3:
            parts.append(f"UNTIL=2026{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}T120000")
        rule = ";".join(parts)
        if _simple(rule) is None:
            continue  # mixed BYDAY kinds ("FR,-2WE"): dateutil's own expansion
        start = datetime(rng.randint(2024, 2026), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                         rng.choice([0, 15, 30]))
        if rng.random() < 0.2:
            start = start.replace(month=rng.choice([1, 3, 5, 8]), day=rng.choice([29, 30, 31]))
        lo = datetime(2026, rng.randint(1, 12), rng.randint(1, 28))
        hi = lo + timedelta(days=rng.randint(1, 60))
        found = occurrences(series(rule, start.replace(tzinfo=UTC)), lo.replace(tzinfo=UTC),
                            hi.replace(tzinfo=UTC), UTC)
        expected = [t.replace(tzinfo=UTC) for t in rrulestr(rule, dtstart=start).between(lo, hi, inc=True)
                    if t < hi]
        if lo <= start < hi and (not expected or expected[0] != start.replace(tzinfo=UTC)):
            expected.insert(0, start.replace(tzinfo=UTC))  # the start always counts
        assert found == expected, (rule, start, lo, hi)


def test_a_moved_occurrence_is_skipped_by_the_time_it_stands_for(st, settings):
    series_id = new(st, settings, status="scheduled", when=NOW + timedelta(hours=2), rrule="FREQ=DAILY")
    [child] = materialize_due(st, settings, NOW, horizon=timedelta(hours=3))
    E.move_entry(st, settings, child, timedelta(hours=1), who="ana", now=NOW)
    moved = st.entries.get(child)
    assert moved["scheduled_at"] == iso(NOW + timedelta(hours=3)) and moved["occurrence_at"] == iso(NOW + timedelta(hours=2))
    skip_occurrence(st, child, parse_iso(moved["scheduled_at"]), who="ana", settings=settings)
    assert st.entries.skips(series_id) == [iso(NOW + timedelta(hours=2))]
    assert st.entries.get(child)["status"] == "cancelled" and ops(st, child) == []
    unskip_occurrence(st, child, parse_iso(moved["scheduled_at"]), who="ana", settings=settings)
    assert st.entries.skips(series_id) == []


def test_a_single_entry_becoming_a_series_withdraws_its_post(st, settings):
    at = NOW + timedelta(days=1)
    entry_id = new(st, settings, status="scheduled", when=at)
    sent(st, entry_id, {"scheduled_id": "41", "scheduled_at": iso(at)})
    E.update_entry(st, settings, entry_id, who="ana", now=NOW, rrule="FREQ=WEEKLY")
    assert ops(st, entry_id)[-1] == ("cancel", "pending", {"scheduled_id": "41"})
    E.update_entry(st, settings, entry_id, who="ana", now=NOW, rrule=None)  # a single entry again: posted again
    assert [k for k, *_ in ops(st, entry_id)] == ["post", "cancel", "post"]


def test_a_variant_that_fails_is_reported_on_the_entry(st, settings):
    entry_id = new(st, settings, status="scheduled", variants={"bob": "For bob"})
    variant_op = next(r for r in st.outbox.list() if r["account_id"] == st.accounts.get("bob").id)
    with st.transaction():
        st.outbox.fail(variant_op["id"], "422 text too long")
        apply_result(st, st.accounts.get("bob"), variant_op, None, NOW, error="422 text too long")
    entry = st.entries.get(entry_id)
    assert entry["status"] == "scheduled" and entry["last_error"] == "bob: 422 text too long"


def test_the_composer_can_save_a_publish_now_entry_with_the_time_it_shows(st, settings):
    moment = NOW + timedelta(seconds=37)
    entry_id = new(st, settings, status="scheduled", now=moment)
    shown = parse_iso(st.entries.get(entry_id)["scheduled_at"])  # what the form shows, to the minute
    E.update_entry(st, settings, entry_id, who="ana", now=moment + timedelta(minutes=2), when=shown,
                   text="Hello fediverse, edited")
    assert ops(st, entry_id) == [("post", "pending", {"text": "Hello fediverse, edited", "visibility": "public"})]
