"""Repeat rules in plain words (planning.rule_words): exact sentences for the common shapes,
a faithful generic sentence for the rare parts, and the presets for several starts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cmtui.errors import InputError
from cmtui.planning.recurrence import parse_rule
from cmtui.planning.rule_words import describe, describe_or_none, join, presets

TZ = ZoneInfo("Europe/Ljubljana")
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)  # the first Tuesday of December


@pytest.mark.parametrize("rule, start, words", [
    ("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8", TUESDAY, "every Tuesday and Thursday at 10:00, 8 times"),
    ("FREQ=DAILY;UNTIL=20270331", TUESDAY.replace(hour=9), "every day at 09:00 until 31 Mar 2027"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", TUESDAY, "every 2 weeks on Monday at 10:00"),
    ("FREQ=MONTHLY;BYDAY=2TU", TUESDAY.replace(hour=18, minute=30), "monthly on the second Tuesday at 18:30"),
    ("FREQ=MONTHLY;BYDAY=+2TU", TUESDAY.replace(hour=18, minute=30), "monthly on the second Tuesday at 18:30"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", TUESDAY.replace(hour=8), "on weekdays at 08:00"),
    ("FREQ=DAILY;BYDAY=FR,MO,TU,WE,TH", TUESDAY.replace(hour=8), "on weekdays at 08:00"),
    ("FREQ=WEEKLY;BYDAY=SA,SU", TUESDAY, "on weekends at 10:00"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", TUESDAY.replace(hour=12), "monthly on day 15 at 12:00"),
    ("FREQ=YEARLY", datetime(2026, 12, 3, 10, 0, tzinfo=TZ), "every year on 3 Dec at 10:00"),
    ("FREQ=YEARLY;INTERVAL=2;BYMONTH=3;BYMONTHDAY=8", TUESDAY, "every 2 years on 8 Mar at 10:00"),
    ("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", TUESDAY, "every year on the last Sunday of March at 10:00"),
    ("FREQ=WEEKLY", TUESDAY, "every Tuesday at 10:00"),
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR;WKST=SU", TUESDAY, "every Monday, Wednesday and Friday at 10:00"),
    ("FREQ=MONTHLY", TUESDAY, "monthly on day 1 at 10:00"),
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR", TUESDAY, "every 3 months on the last Friday at 10:00"),
    ("FREQ=MONTHLY;BYMONTHDAY=1,15", TUESDAY, "monthly on days 1 and 15 at 10:00"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", TUESDAY, "monthly on the last day at 10:00"),
    ("FREQ=DAILY;INTERVAL=3;COUNT=1", TUESDAY, "every 3 days at 10:00, once"),
    ("FREQ=HOURLY;INTERVAL=3;COUNT=4", TUESDAY, "every 3 hours from 10:00, 4 times"),
    # UNTIL in UTC is read on the local clock; a time that is not a day's end is said
    ("FREQ=DAILY;UNTIL=20270331T170000Z", TUESDAY, "every day at 10:00 until 31 Mar 2027 19:00"),
    ("FREQ=DAILY;UNTIL=20270331T235959", TUESDAY, "every day at 10:00 until 31 Mar 2027"),
    ("FREQ=DAILY;UNTIL=20270331T000000", TUESDAY, "every day at 10:00 until 31 Mar 2027 00:00"),
    ("RRULE:freq=weekly;byday=tu", TUESDAY, "every Tuesday at 10:00"),
    ("FREQ=WEEKLY;BYDAY=TU,TH", None, "every Tuesday and Thursday"),
])
def test_a_rule_in_words(rule, start, words):
    assert describe(rule, start, TZ) == words


@pytest.mark.parametrize("rule, words", [
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
     "monthly at 10:00, as the rule says: BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    ("FREQ=YEARLY;BYYEARDAY=100;COUNT=3", "yearly at 10:00, as the rule says: BYYEARDAY=100, 3 times"),
    ("FREQ=WEEKLY;INTERVAL=2;BYMONTH=1,2", "every 2 weeks at 10:00, as the rule says: BYMONTH=1,2"),
    ("FREQ=DAILY;BYHOUR=9,17", "daily at 10:00, as the rule says: BYHOUR=9,17"),
    ("FREQ=MONTHLY;BYDAY=TU", "monthly at 10:00, as the rule says: BYDAY=TU"),  # every Tuesday of the month
])
def test_rare_parts_get_a_faithful_generic_sentence_not_a_wrong_one(rule, words):
    assert describe(rule, TUESDAY, TZ) == words


def test_an_unreadable_rule_is_refused_and_none_for_lists():
    with pytest.raises(InputError):
        describe("FREQ=SOMETIMES", TUESDAY, TZ)
    assert describe_or_none("FREQ=SOMETIMES", TUESDAY, TZ) is None
    assert describe_or_none(None, TUESDAY, TZ) is None
    assert describe_or_none("FREQ=DAILY", TUESDAY, TZ) == "every day at 10:00"


def test_lists_are_joined_the_languages_way():
    assert join(["a"]) == "a" and join(["a", "b"]) == "a and b" and join(["a", "b", "c", "d"]) == "a, b, c and d"
    # the sentences in other languages: tests/test_i18n_planning.py


@pytest.mark.parametrize("start, weekly, monthly, monthly_label", [
    (datetime(2026, 12, 1, 10, tzinfo=TZ), "FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=+1TU",
     "monthly on the first Tuesday"),
    (datetime(2026, 12, 16, 10, tzinfo=TZ), "FREQ=WEEKLY;BYDAY=WE", "FREQ=MONTHLY;BYDAY=+3WE",
     "monthly on the third Wednesday"),
    # the fourth Thursday is also the last of December 2026: the fourth exists every month
    (datetime(2026, 12, 24, 10, tzinfo=TZ), "FREQ=WEEKLY;BYDAY=TH", "FREQ=MONTHLY;BYDAY=+4TH",
     "monthly on the fourth Thursday"),
    # a fifth weekday is the last one (not every month has a fifth)
    (datetime(2026, 12, 31, 10, tzinfo=TZ), "FREQ=WEEKLY;BYDAY=TH", "FREQ=MONTHLY;BYDAY=-1TH",
     "monthly on the last Thursday"),
    (datetime(2027, 1, 29, 10, tzinfo=TZ), "FREQ=WEEKLY;BYDAY=FR", "FREQ=MONTHLY;BYDAY=-1FR",
     "monthly on the last Friday"),
])
def test_presets_follow_the_start(start, weekly, monthly, monthly_label):
    found = presets(start, TZ)
    rules = [rule for _label, rule in found]
    assert rules == ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", weekly, monthly, ""]
    assert found[3][0] == monthly_label
    for rule in rules[:-1]:  # each preset is a valid rule, and its words say it
        assert parse_rule(rule)
        assert describe(rule, start, TZ)
    assert describe(monthly, start, TZ) == f"{monthly_label} at 10:00"


def test_the_presets_day_is_the_local_one():
    # 23:30 UTC on Monday is already Tuesday in Ljubljana
    start = datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert presets(start, TZ)[2] == ("weekly on Tuesday", "FREQ=WEEKLY;BYDAY=TU")
