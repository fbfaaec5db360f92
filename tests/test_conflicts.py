"""Calendar conflicts (planning.conflicts): the minimum gap between two posts of an account
(its edges), other accounts, cancelled and skipped posts, series occurrences, variants, the
daily maximum, the settings that set them, and the check after a save."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cmtui.config import Settings, load_settings
from cmtui.errors import ConfigError
from cmtui.model import iso
from cmtui.planning.conflicts import in_window, of_entry
from cmtui.planning.recurrence import skip_occurrence

DAY = datetime(2026, 12, 8, tzinfo=timezone.utc)  # a Tuesday, clear of the factory's entries
SETTINGS = Settings(timezone="UTC")


def at(hour: int, minute: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


def add(store, text: str, when: datetime, account: str = "tidewater", status: str = "scheduled", **fields) -> int:
    account_id = store.accounts.get(account).id
    return store.entries.add(account_id, text, status, who="ana", scheduled_at=iso(when), **fields)


def window(store, settings=SETTINGS, days: int = 1):
    return in_window(store, settings, DAY, DAY + timedelta(days=days))


def reasons_of(store, entry_id, settings=SETTINGS):
    found, conflicts = window(store, settings)
    return [r for o in found if o.entry["id"] == entry_id for r in conflicts.reasons(o)]


def test_exactly_the_gap_apart_is_fine(store):
    first = add(store, "Launch post", at(9))
    second = add(store, "Follow-up", at(10))
    assert reasons_of(store, first) == [] and reasons_of(store, second) == []


def test_a_minute_under_the_gap_marks_both_and_says_why(store):
    first = add(store, "Launch post", at(9))
    second = add(store, "Follow-up", at(9, 59))
    assert reasons_of(store, second) == ["59 min after ‘Launch post’ on tidewater (minimum gap 60 min)"]
    assert reasons_of(store, first) == ["59 min before ‘Follow-up’ on tidewater (minimum gap 60 min)"]


def test_the_gap_comes_from_the_settings_and_zero_turns_it_off(store):
    first = add(store, "Launch post", at(9))
    add(store, "Follow-up", at(9, 42))
    assert reasons_of(store, first, Settings(timezone="UTC", min_gap_minutes=30)) == []
    assert reasons_of(store, first, Settings(timezone="UTC", min_gap_minutes=0)) == []
    assert reasons_of(store, first, Settings(timezone="UTC", min_gap_minutes=45)) == [
        "42 min before ‘Follow-up’ on tidewater (minimum gap 45 min)"]


def test_other_accounts_do_not_conflict(store):
    first = add(store, "Launch post", at(9))
    add(store, "Lanzamiento", at(9, 10), account="tidewater_es")
    assert reasons_of(store, first) == []


@pytest.mark.parametrize("status", ["cancelled", "failed"])
def test_cancelled_and_failed_posts_do_not_count(store, status):
    first = add(store, "Launch post", at(9))
    gone = add(store, "Withdrawn", at(9, 20), status=status)
    assert reasons_of(store, first) == [] and reasons_of(store, gone) == []


def test_a_variant_counts_for_its_account(store):
    first = add(store, "Lanzamiento", at(9), account="tidewater_es")
    both = add(store, "Launch post", at(9, 30))
    store.entries.set_variants(both, {store.accounts.get("tidewater_es").id: "Lanzamiento 2"})
    assert reasons_of(store, first) == ["30 min before ‘Launch post’ on tidewater_es (minimum gap 60 min)"]
    assert reasons_of(store, both) == ["30 min after ‘Lanzamiento’ on tidewater_es (minimum gap 60 min)"]


def test_series_occurrences_count_and_a_skipped_one_does_not(store):
    series = add(store, "Daily tip", DAY - timedelta(days=3) + timedelta(hours=9), rrule="FREQ=DAILY")
    single = add(store, "Launch post", at(9, 30))
    assert reasons_of(store, single) == ["30 min after ‘Daily tip’ on tidewater (minimum gap 60 min)"]
    found, conflicts = window(store)
    occurrence = next(o for o in found if o.entry["id"] == series)
    assert conflicts.reasons(occurrence) == ["30 min before ‘Launch post’ on tidewater (minimum gap 60 min)"]
    skip_occurrence(store, series, at(9), who="ana", settings=SETTINGS)
    assert reasons_of(store, single) == []


def test_a_materialized_occurrence_counts(store):
    series = add(store, "Daily tip", DAY - timedelta(days=3) + timedelta(hours=9), rrule="FREQ=DAILY")
    with store.transaction():
        store.entries.add_child(store.entries.get(series), iso(at(9)), who="sync")
    single = add(store, "Launch post", at(8, 15))
    assert reasons_of(store, single) == ["45 min before ‘Daily tip’ on tidewater (minimum gap 60 min)"]


def test_a_post_just_outside_the_window_still_counts(store):
    before = add(store, "Late night", DAY - timedelta(minutes=20))
    first = add(store, "Midnight", at(0, 10))
    assert reasons_of(store, first) == ["30 min after ‘Late night’ on tidewater (minimum gap 60 min)"]
    found, _ = window(store)
    assert before not in {o.entry["id"] for o in found}  # only the window's own are returned


def test_a_day_over_the_maximum_is_marked_for_its_account(store):
    for hour in (8, 10, 12, 14):
        add(store, f"Post at {hour}", at(hour))
    add(store, "Spanish", at(16), account="tidewater_es")
    _, conflicts = window(store)
    assert conflicts.day(DAY.date()) == []  # four is the default maximum
    fifth = add(store, "One too many", at(18))
    found, conflicts = window(store)
    assert conflicts.day(DAY.date()) == ["5 posts on tidewater on Tue, 8 Dec (maximum 4 a day)"]
    assert conflicts.day(DAY.date(), {"tidewater_es"}) == []
    occurrence = next(o for o in found if o.entry["id"] == fifth)
    assert conflicts.all_for(occurrence, timezone.utc) == ["5 posts on tidewater on Tue, 8 Dec (maximum 4 a day)"]
    spanish = next(o for o in found if o.entry["account"] == "tidewater_es")
    assert conflicts.all_for(spanish, timezone.utc) == []
    _, unlimited = window(store, Settings(timezone="UTC", max_posts_per_day=0))
    assert unlimited.days == {}


def test_the_day_is_the_local_day(store):
    tz_settings = Settings(timezone="America/New_York", max_posts_per_day=1)
    add(store, "Evening in New York", at(23))  # 18:00 on the 8th there
    add(store, "Late evening", DAY + timedelta(days=1, hours=2))  # 21:00 on the 8th there
    _, conflicts = in_window(store, tz_settings, DAY, DAY + timedelta(days=2))
    assert list(conflicts.days) == [DAY.date()]


def test_of_entry_says_what_a_saved_entry_conflicts_with(store):
    add(store, "Launch post", at(9))
    new = add(store, "Follow-up", at(9, 42), status="draft")
    assert of_entry(store, SETTINGS, new) == ["42 min after ‘Launch post’ on tidewater (minimum gap 60 min)"]
    undated = store.entries.add(store.accounts.get("tidewater").id, "Idea", "idea", who="ana")
    assert of_entry(store, SETTINGS, undated) == []
    series = add(store, "Daily tip", at(9, 20) - timedelta(days=2), rrule="FREQ=DAILY")
    assert "20 min after ‘Launch post’ on tidewater (minimum gap 60 min)" in of_entry(
        store, SETTINGS, series, now=DAY - timedelta(days=3))


@pytest.mark.parametrize("line, message", [
    ("min_gap_minutes = -5", "'min_gap_minutes' must be a whole number from 0"),
    ("max_posts_per_day = -1", "'max_posts_per_day' must be a whole number from 0"),
    ("min_gap_minutes = 2000", "to 1440"),
    ("max_posts_per_day = \"four\"", "'max_posts_per_day' must be int"),
])
def test_bad_conflict_settings_are_one_clear_error(tmp_path, line, message):
    (tmp_path / "settings.toml").write_text(line + "\n")
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path)


def test_conflict_settings_load(tmp_path):
    (tmp_path / "settings.toml").write_text("min_gap_minutes = 90\nmax_posts_per_day = 0\n")
    settings = load_settings(tmp_path)
    assert (settings.min_gap_minutes, settings.max_posts_per_day) == (90, 0)
    assert (Settings().min_gap_minutes, Settings().max_posts_per_day) == (60, 4)
