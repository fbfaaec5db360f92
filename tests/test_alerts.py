"""What deserves an alert (cmtui.triage.alerts): new direct messages and items whose response
target passed, unassigned or the person's own, once each; nothing that was there at start."""

from __future__ import annotations

from datetime import timedelta

from cmtui.model import iso
from cmtui.triage.alerts import DIRECT, OVERDUE, TEXT_LIMIT, Alert, AlertWatch, concerns, summary
from factory import NOW

TARGET = timedelta(minutes=120)


def add(store, n: int, created, *, kind="direct", assignee=None, state="new", answered=None, account=1,
        text="Hello, can you help?", author="grace@peer.example") -> int:
    return store.inbox.insert(account, kind=kind, remote_id=f"a{n}", url=None, author=author, author_name="Grace",
                              text=text, language="en", created_at=iso(created), state=state, answered_at=answered,
                              labels=[], assignee=assignee, is_question=1)


def test_nothing_there_at_start_rings(store):
    watch = AlertWatch(store, "ana", TARGET, NOW)
    assert watch.check(NOW) == []
    assert watch.check(NOW + timedelta(seconds=30)) == []


def test_a_new_direct_message_rings_once_and_other_kinds_do_not(store):
    watch = AlertWatch(store, "ana", TARGET, NOW)
    direct = add(store, 1, NOW - timedelta(minutes=1))
    add(store, 2, NOW - timedelta(minutes=1), kind="mention")
    alerts = watch.check(NOW)
    assert [(a.item_id, a.reason) for a in alerts] == [(direct, DIRECT)]
    assert watch.check(NOW) == []  # once


def test_direct_messages_for_someone_else_done_or_already_overdue_do_not_ring(store):
    watch = AlertWatch(store, "ana", TARGET, NOW)
    add(store, 1, NOW, assignee="luka")
    add(store, 2, NOW, state="done")
    add(store, 3, NOW - timedelta(hours=5))  # a backfill: already past its target
    mine = add(store, 4, NOW, assignee="Ana")  # the person's own, however cased
    assert [a.item_id for a in watch.check(NOW)] == [mine]


def test_an_item_rings_when_its_target_passes_between_two_looks_once(store):
    watch = AlertWatch(store, "ana", TARGET, NOW)
    add(store, 1, NOW - timedelta(minutes=200))  # was overdue at start: never
    late = add(store, 2, NOW - timedelta(minutes=110), kind="mention")
    add(store, 3, NOW - timedelta(minutes=110), kind="mention", answered=iso(NOW))  # answered: no
    add(store, 4, NOW - timedelta(minutes=110), kind="mention", assignee="luka")  # someone else's: no
    add(store, 5, NOW - timedelta(minutes=110), kind="mention", state="snoozed")  # snoozed: no
    assert watch.check(NOW) == []
    # (the factory's own items also pass their target in those 20 minutes: only ours are looked at)
    alerts = [a for a in watch.check(NOW + timedelta(minutes=20)) if a.author == "grace@peer.example"]
    assert [(a.item_id, a.reason) for a in alerts] == [(late, OVERDUE)]
    assert [a for a in watch.check(NOW + timedelta(minutes=25)) if a.author == "grace@peer.example"] == []


def test_a_clock_set_back_rings_nothing_twice(store):
    watch = AlertWatch(store, "ana", TARGET, NOW)
    add(store, 1, NOW - timedelta(minutes=110), kind="mention")
    first = watch.check(NOW + timedelta(minutes=20))
    assert any(a.author == "grace@peer.example" for a in first)
    assert watch.check(NOW) == [] and watch.check(NOW + timedelta(minutes=20)) == []


def test_the_words_are_one_clean_line_of_at_most_100_characters():
    alert = Alert(1, DIRECT, "x@peer.example\x1b]0;evil\x07", "line one\nline two\x1b[2J " + "long " * 60)
    words = alert.words()
    assert words.startswith("Direct message from @x@peer.example: line one line two")
    assert "\x1b" not in words and "\n" not in words and "\x07" not in words and len(words) <= TEXT_LIMIT
    assert Alert(2, OVERDUE, "@bob:matrix.example", "hi").words() == "Overdue, from @bob:matrix.example: hi"


def test_a_summary_names_the_first_and_counts_the_rest():
    alerts = [Alert(n, DIRECT, "x", "word " * 40) for n in range(3)]
    line = summary(alerts)
    assert line.endswith(" · and 2 more") and len(line) <= TEXT_LIMIT
    assert summary(alerts[:1]) == alerts[0].words()


def test_concerns_unassigned_or_the_person():
    assert concerns({"assignee": None}, "ana") and concerns({"assignee": ""}, "ana")
    assert concerns({"assignee": "ANA"}, "ana") and not concerns({"assignee": "luka"}, "ana")
