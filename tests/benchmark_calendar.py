"""Benchmark of the query every calendar view reads (a script, not a test: run
`python tests/benchmark_calendar.py`).

A store with 10,000 calendar entries over two years (mixed statuses, about 2% of them
repeating series, some occurrences materialized and some skipped), then
`occurrences_between` for:

    month        the same month, median of 20 (what redrawing the month view costs)
    month steps  20 different months one after the other (n / p in the month view)
    week         a week, median of 20
    cold         the first month after a start (no rule expanded yet)

and, for the month, the week and the agenda window, what a view refresh pays for the
conflicts (planning.conflicts, default settings): `find` over the occurrences of the window
widened by a day each side, and `in_window` (the read plus `find`, what the screen calls).

Budget: a month well under 20 ms for the query; the month view's whole key is ≤ 50 ms
(README, Performance). Options: --entries N (default 10000), --runs N (20).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from cmtui.config import Settings
from cmtui.model import iso
from cmtui.planning import conflicts, recurrence
from cmtui.planning.recurrence import occurrences_between
from cmtui.planning.views import period
from cmtui.store import Store

BUDGET_MS = 20.0  # occurrences_between for a month
VIEW_BUDGET_MS = 50.0  # a month view key, of which the query and the conflicts are a part
SETTINGS = Settings(timezone="Europe/Ljubljana")  # default min_gap_minutes and max_posts_per_day
TZ = ZoneInfo("Europe/Ljubljana")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
RULES = ("FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=1TU", "FREQ=WEEKLY;BYDAY=FR", "FREQ=DAILY",
         "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "FREQ=MONTHLY;BYMONTHDAY=15")


def build(path: Path, count: int, seed: int = 5) -> Store:
    """count entries a year either side of NOW; about 2% repeating."""
    rng = random.Random(seed)
    store = Store.open(path)
    for n in range(3):
        store.accounts.add(f"acct{n}", "mastodon", f"https://s{n}.example", limits={"max_chars": 500})
    rows, transitions, skips = [], [], []
    stamp = iso(NOW)
    for entry_id in range(1, count + 1):
        when = NOW + timedelta(minutes=rng.randrange(-365 * 24 * 60, 365 * 24 * 60) // 15 * 15)
        rule = rng.choice(RULES) if rng.random() < 0.02 else None
        if rule:
            status, when = rng.choice(("scheduled", "scheduled", "approved", "draft")), when - timedelta(days=200)
        elif when < NOW:
            status = rng.choices(("published", "failed", "cancelled"), (85, 5, 10))[0]
        else:
            status = rng.choices(("scheduled", "approved", "needs_approval", "draft", "idea"), (45, 20, 15, 15, 5))[0]
        scheduled = None if status == "idea" and rng.random() < 0.5 else iso(when)
        published = iso(when + timedelta(minutes=1)) if status == "published" else None
        rows.append((entry_id, 1 + entry_id % 3, f"Post {entry_id}: notes on planning and tags", status, scheduled,
                     published, rule, "en", stamp, stamp))
        transitions.append((entry_id, stamp, "bench", None, status))
        if rule and rng.random() < 0.5:
            skips.append((entry_id, iso(when + timedelta(days=7 * rng.randrange(30, 60)))))
    with store.transaction():
        store.conn.executemany(
            "INSERT INTO calendar_entries (id, account_id, text, status, scheduled_at, published_at, rrule, language,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        store.conn.executemany("INSERT INTO entry_transitions (entry_id, at, who, from_status, to_status)"
                               " VALUES (?, ?, ?, ?, ?)", transitions)
        store.conn.executemany("INSERT OR IGNORE INTO entry_skips (entry_id, occurrence_at) VALUES (?, ?)", skips)
    store.conn.execute("ANALYZE")
    # Occurrences of the scheduled series in the next two days are materialized, as a sync would.
    recurrence.materialize_due(store, SETTINGS, NOW)
    return store


def _ms(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def _clear_caches() -> None:
    recurrence._expand.cache_clear()
    recurrence._rrule.cache_clear()


def bench(store: Store, runs: int = 20) -> dict:
    month = period("month", NOW.date(), TZ)
    week = period("week", NOW.date(), TZ)
    _clear_caches()
    cold_ms, found = _ms(lambda: occurrences_between(store, *month, TZ))
    month_ms = [_ms(lambda: occurrences_between(store, *month, TZ))[0] for _ in range(runs)]
    week_ms = [_ms(lambda: occurrences_between(store, *week, TZ))[0] for _ in range(runs)]
    steps, day, conflict_figures = [], NOW.date(), {}
    for _ in range(runs):
        from cmtui.planning.views import step

        day = step("month", day, True)
        steps.append(_ms(lambda: occurrences_between(store, *period("month", day, TZ), TZ))[0])
    windows = {view: period(view, NOW.date(), TZ) for view in ("month", "week", "agenda")}
    for view, (start, end) in windows.items():
        query = [_ms(lambda: occurrences_between(store, start, end, TZ))[0] for _ in range(runs)]
        wide = occurrences_between(store, start - conflicts.MARGIN, end + conflicts.MARGIN, TZ)
        find = [_ms(lambda: conflicts.find(store, wide, TZ, gap_minutes=SETTINGS.min_gap_minutes,
                                           most_a_day=SETTINGS.max_posts_per_day))[0] for _ in range(runs)]
        window = [_ms(lambda: conflicts.in_window(store, SETTINGS, start, end, TZ))[0] for _ in range(runs)]
        marks = conflicts.find(store, wide, TZ, gap_minutes=SETTINGS.min_gap_minutes,
                               most_a_day=SETTINGS.max_posts_per_day)
        conflict_figures[view] = {"occurrences": len(wide), "marked": len(marks.marks), "days": len(marks.days),
                                  "query_ms": round(statistics.median(query), 2),
                                  "find_ms": round(statistics.median(find), 2),
                                  "in_window_ms": round(statistics.median(window), 2),
                                  "in_window_max_ms": round(max(window), 2)}
    series = store.conn.execute("SELECT count(*) FROM calendar_entries WHERE rrule IS NOT NULL").fetchone()[0]
    return {
        "entries": store.conn.execute("SELECT count(*) FROM calendar_entries").fetchone()[0],
        "series": series,
        "month_occurrences": len(found),
        "month_median_ms": round(statistics.median(month_ms), 2),
        "month_max_ms": round(max(month_ms), 2),
        "month_steps_median_ms": round(statistics.median(steps), 2),
        "month_steps_max_ms": round(max(steps), 2),
        "week_median_ms": round(statistics.median(week_ms), 2),
        "cold_month_ms": round(cold_ms, 2),
        "conflicts": conflict_figures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        store = build(Path(folder) / "calendar.db", args.entries)
        try:
            figures = bench(store, args.runs)
        finally:
            store.close()
    print(f"occurrences_between with {figures['entries']:,} entries ({figures['series']} series):")
    print(f"  month (42 days, {figures['month_occurrences']} occurrences): median {figures['month_median_ms']} ms,"
          f" max {figures['month_max_ms']} ms over {args.runs} runs")
    print(f"  month steps (n/p, each a new month): median {figures['month_steps_median_ms']} ms,"
          f" max {figures['month_steps_max_ms']} ms")
    print(f"  week: median {figures['week_median_ms']} ms")
    print(f"  cold month (no rule expanded yet): {figures['cold_month_ms']} ms")
    ok = figures["month_median_ms"] < BUDGET_MS and figures["month_steps_median_ms"] < BUDGET_MS
    print(f"  budget {BUDGET_MS} ms for a month: {'met' if ok else 'MISSED'}")
    print(f"conflicts (min_gap_minutes {SETTINGS.min_gap_minutes}, max_posts_per_day {SETTINGS.max_posts_per_day}),"
          f" median of {args.runs}:")
    print("  window   occurrences (+1 day each side)  marked  days over  query   find    in_window (max)")
    for view, f in figures["conflicts"].items():
        print(f"  {view:<8} {f['occurrences']:>30}  {f['marked']:>6}  {f['days']:>9}  {f['query_ms']:>5} ms"
              f" {f['find_ms']:>5} ms {f['in_window_ms']:>6} ms ({f['in_window_max_ms']} ms)")
    month = figures["conflicts"]["month"]
    print(f"  month: in_window {month['in_window_ms']} ms of the {VIEW_BUDGET_MS} ms a month view key may take;"
          f" conflicts alone {month['find_ms']} ms beside the query's {BUDGET_MS} ms budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
