"""Response: how many items were answered and how fast, per account and overall.

Over a range of N days the items that *arrived* in it count: rate = answered / arrived,
median and 90th percentile of (answered_at - created_at). Up to EXACT_LIMIT answered items
the times are read one by one and the percentiles are exact (linear interpolation); above
that they come from the maintained histogram (schema V8: log-spaced buckets, ratio 1.1,
interpolated log-linearly by rank inside the bucket), within a few percent of the exact
value and without reading the items. `method` says which one was used.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from cmtui.model import iso
from cmtui.store.schema import BUCKET_RATIO

if TYPE_CHECKING:
    from cmtui.store import Store

EXACT_LIMIT = 2_000


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def bucket_percentile(buckets: dict[int, int], q: float) -> float | None:
    """The q-quantile of values counted in log-spaced buckets (bucket b: [r^b, r^(b+1)))."""
    total = sum(buckets.values())
    if total <= 0:
        return None
    rank = (total - 1) * q  # same rank convention as percentile()
    seen = 0
    for bucket in sorted(buckets):
        n = buckets[bucket]
        if n > 0 and seen + n > rank:
            inside = (rank - seen + 0.5) / n  # the rank's place inside the bucket, 0..1
            return BUCKET_RATIO ** (bucket + inside)
        seen += n
    return BUCKET_RATIO ** (max(buckets) + 1)


def _summary(arrived: int, answered: int, median: float | None, p90: float | None) -> dict:
    return {"median_seconds": None if median is None else round(median),
            "p90_seconds": None if p90 is None else round(p90),
            "rate": round(answered / arrived, 3) if arrived else None,
            "answered": answered, "arrived": arrived}


def response(store: Store, win, target_minutes: int | None = None, exact_limit: int = EXACT_LIMIT) -> dict:
    """{median_seconds, p90_seconds, rate, answered, arrived, method, per_account: {name: same},
    overdue, target_minutes}; None where nothing arrived or nothing was answered."""
    names = {a.id: a.name for a in store.accounts.list()}
    totals = store.metrics.totals_by_account(win.start_day, win.end_day)
    if win.account_id is not None:
        totals = {k: v for k, v in totals.items() if k == win.account_id}
    answered_total = sum(v[1] for v in totals.values())
    per: dict[int, tuple] = {}
    if answered_total <= exact_limit:
        method = "exact"
        times: dict[int, list[float]] = {}
        for account_id, seconds in store.metrics.response_times_by_account(win.start):
            if win.account_id is None or account_id == win.account_id:
                times.setdefault(account_id, []).append(max(0.0, seconds))
        every = [t for values in times.values() for t in values]
        overall = (percentile(every, 0.5), percentile(every, 0.9))
        for account_id, values in times.items():
            per[account_id] = (percentile(values, 0.5), percentile(values, 0.9))
    else:
        method = "histogram"
        hist = store.metrics.response_buckets(win.start_day, win.end_day)
        merged: dict[int, int] = {}
        for account_id, buckets in hist.items():
            if win.account_id is not None and account_id != win.account_id:
                continue
            per[account_id] = (bucket_percentile(buckets, 0.5), bucket_percentile(buckets, 0.9))
            for b, n in buckets.items():
                merged[b] = merged.get(b, 0) + n
        overall = (bucket_percentile(merged, 0.5), bucket_percentile(merged, 0.9))
    out = _summary(sum(v[0] for v in totals.values()), answered_total, *overall)
    out["method"] = method
    out["per_account"] = {
        names.get(account_id, str(account_id)): _summary(arrived, answered, *per.get(account_id, (None, None)))
        for account_id, (arrived, answered) in sorted(totals.items()) if arrived}
    if target_minutes is not None:
        cutoff = iso(win.now - timedelta(minutes=target_minutes))
        out["target_minutes"] = target_minutes
        out["overdue"] = (store.inbox.overdue_count(cutoff) if win.account_id is None
                          else store.metrics.overdue_for_account(win.account_id, cutoff))
    return out


def weekly_response(store: Store, win, weeks: int = 8) -> list[tuple[float, float | None, float | None]]:
    """(days before now, median seconds, rate) for each of the last `weeks` 7-day spans,
    from the histogram: the trend behind a response goal's forecast."""
    from cmtui.metrics.window import Window

    out = []
    for k in range(weeks):
        end = win.now - timedelta(days=7 * k)
        span = Window(7, end, win.account_id)
        hist = store.metrics.response_buckets(span.start_day, span.end_day)
        merged: dict[int, int] = {}
        for account_id, buckets in hist.items():
            if win.account_id is None or account_id == win.account_id:
                for b, n in buckets.items():
                    merged[b] = merged.get(b, 0) + n
        totals = store.metrics.totals_by_account(span.start_day, span.end_day)
        arrived = sum(v[0] for a, v in totals.items() if win.account_id in (None, a))
        answered = sum(v[1] for a, v in totals.items() if win.account_id in (None, a))
        out.append((7.0 * k, bucket_percentile(merged, 0.5), answered / arrived if arrived else None))
    return out

