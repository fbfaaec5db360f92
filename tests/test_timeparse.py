"""Reading the times users type, in the settings' timezone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cmtui.errors import InputError
from cmtui.planning.timeparse import parse_when

TZ = ZoneInfo("Europe/Ljubljana")
NOW = datetime(2026, 11, 20, 15, 30, tzinfo=TZ)  # a Friday


@pytest.mark.parametrize("text, expected", [
    ("2026-12-01", datetime(2026, 12, 1, 0, 0, tzinfo=TZ)),
    ("2026-12-01 09:30", datetime(2026, 12, 1, 9, 30, tzinfo=TZ)),
    ("2026-12-01T09:30:00Z", datetime(2026, 12, 1, 10, 30, tzinfo=TZ)),
    ("today", datetime(2026, 11, 20, 0, 0, tzinfo=TZ)),
    ("tomorrow 9:00", datetime(2026, 11, 21, 9, 0, tzinfo=TZ)),
    ("fri 18:30", datetime(2026, 11, 27, 18, 30, tzinfo=TZ)),
    ("next monday", datetime(2026, 11, 23, 0, 0, tzinfo=TZ)),
    ("monday 5pm", datetime(2026, 11, 23, 17, 0, tzinfo=TZ)),
    ("in 3 days", datetime(2026, 11, 23, 15, 30, tzinfo=TZ)),
    ("in 2 hours", datetime(2026, 11, 20, 17, 30, tzinfo=TZ)),
])
def test_parse_when(text, expected):
    assert parse_when(text, TZ, NOW) == expected


def test_a_time_skipped_by_daylight_saving_moves_forward():
    # 2027-03-28 02:30 does not exist in Ljubljana (clocks go 02:00 -> 03:00).
    parsed = parse_when("2027-03-28 02:30", TZ, NOW)
    assert parsed.utcoffset().total_seconds() == 7200 and parsed.hour == 3


@pytest.mark.parametrize("text", ["", "the day after never", "tomorrow at noonish", "2026-13-45"])
def test_unreadable_times_raise_a_clear_error(text):
    with pytest.raises(InputError):
        parse_when(text, TZ, NOW)


def test_calendar_view_periods_and_steps():
    from datetime import date
    from zoneinfo import ZoneInfo

    from cmtui.planning.views import month_weeks, period, step, week_days

    weeks = month_weeks(date(2026, 3, 17))
    assert len(weeks) == 6 and weeks[0][0] == date(2026, 2, 23) and weeks[0][0].weekday() == 0
    assert date(2026, 3, 1) in weeks[0] and date(2026, 3, 31) in weeks[5]
    assert week_days(date(2026, 11, 21))[0] == date(2026, 11, 16)
    tz = ZoneInfo("Europe/Ljubljana")
    start, end = period("week", date(2026, 3, 29), tz)  # the spring-forward week
    from datetime import timezone

    assert (end.astimezone(timezone.utc) - start.astimezone(timezone.utc)).total_seconds() == 7 * 86400 - 3600
    assert step("month", date(2026, 1, 31), True) == date(2026, 2, 28)
    assert step("month", date(2026, 12, 5), True) == date(2027, 1, 5)
    assert step("month", date(2026, 1, 5), False) == date(2025, 12, 5)
    assert step("week", date(2026, 1, 5), False) == date(2025, 12, 29)
