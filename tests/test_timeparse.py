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
