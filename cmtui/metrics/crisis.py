"""Crisis alert: a sudden jump in flagged items, negative items or mentions.

For each series the value of the last 24 hours is compared with the BASELINE_DAYS whole UTC
days before them: z = (value - mean) / stdev (sample stdev, floored at 1 so a flat, quiet
baseline does not turn a single item into an infinite z). An alert needs z >= Z_ALERT and a
value of at least MIN_VOLUME. With fewer than MIN_HISTORY_DAYS days of history the answer
is "not enough data yet" and never an alert. "Negative" means items labelled negative or
complaint; when no item in the baseline carries either label, that series is left out and
flagged items stand for it.
"""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from typing import TYPE_CHECKING

from cmtui.model import iso

if TYPE_CHECKING:
    from cmtui.store import Store

BASELINE_DAYS = 28
MIN_HISTORY_DAYS = 14
Z_ALERT = 3.0
MIN_VOLUME = 10


def _series_result(name: str, value: int, baseline: list[int]) -> dict:
    mean = statistics.fmean(baseline)
    stdev = statistics.stdev(baseline) if len(baseline) > 1 else 0.0
    z = (value - mean) / max(stdev, 1.0)
    return {"series": name, "value": value, "baseline_mean": round(mean, 2), "baseline_stdev": round(stdev, 2),
            "z": round(z, 2), "alert": z >= Z_ALERT and value >= MIN_VOLUME}


def crisis(store: Store, win) -> dict:
    """{status: ok | alert | not enough data yet, alert, alerts (names), series: [...], ...}."""
    window_start = win.now - timedelta(hours=24)
    last_day = window_start.date() - timedelta(days=1)  # baseline ends before the 24 h begin
    first_day = last_day - timedelta(days=BASELINE_DAYS - 1)
    first_item = store.metrics.first_item_day()
    history = 0 if first_item is None else (last_day - max(first_day, date.fromisoformat(first_item))).days + 1
    out = {"window_hours": 24, "baseline_days": BASELINE_DAYS, "baseline_from": first_day.isoformat(),
           "baseline_to": last_day.isoformat(), "z_alert": Z_ALERT, "min_volume": MIN_VOLUME}
    if first_item is None or history < MIN_HISTORY_DAYS:
        # (English, as `--json` gives it; reason_text shows it in the interface's language)
        return out | {"status": "not enough data yet", "alert": False, "alerts": [], "series": [],  # i18n: not shown
                      "reason": f"{max(0, history)} days of history before the last 24 h"  # i18n: not shown
                                f" ({MIN_HISTORY_DAYS} needed)"}  # i18n: not shown
    start = max(first_day, date.fromisoformat(first_item))
    days = [(start + timedelta(days=d)).isoformat() for d in range((last_day - start).days + 1)]
    totals = {r["day"]: r for r in store.metrics.daily_totals(days[0], days[-1], win.account_id)}
    flags_by_day: dict[str, int] = {}
    recent_flags = 0
    for stamp in store.metrics.flag_times(f"{days[0]}T00:00:00Z", win.account_id):
        if stamp >= iso(window_start):
            recent_flags += 1
        elif stamp[:10] <= days[-1]:
            flags_by_day[stamp[:10]] = flags_by_day.get(stamp[:10], 0) + 1
    recent = store.metrics.recent_counts(iso(window_start), win.account_id)
    negative = [totals[d]["negative"] if d in totals else 0 for d in days]
    series = [_series_result("flagged", recent_flags, [flags_by_day.get(d, 0) for d in days])]
    if any(negative) or recent["negative"]:
        series.append(_series_result("negative", recent["negative"], negative))
    series.append(_series_result("mentions", recent["mentions"],
                                 [totals[d]["mentions"] if d in totals else 0 for d in days]))
    alerts = [s["series"] for s in series if s["alert"]]
    return out | {"status": "alert" if alerts else "ok", "alert": bool(alerts), "alerts": alerts,
                  "series": series, "reason": None}


# -- as shown (the data above stays in English: it is also `--json` output) -------------------------
def status_label(status: str) -> str:
    """The crisis watch's status (ok | alert | not enough data yet) in the interface's language."""
    from cmtui.i18n import pgettext

    labels = {"ok": pgettext("crisis status", "ok"), "alert": pgettext("crisis status", "alert"),
              "not enough data yet": pgettext("crisis status", "not enough data yet")}
    return labels.get(status, status)


def series_label(series: str) -> str:
    """A watched series' name (flagged, negative, mentions) in the interface's language."""
    from cmtui.i18n import pgettext

    labels = {"flagged": pgettext("crisis series", "flagged"), "negative": pgettext("crisis series", "negative"),
              "mentions": pgettext("crisis series", "mentions")}
    return labels.get(series, series)


def reason_text(data: dict) -> str | None:
    """Why the crisis watch cannot judge yet (crisis()'s "reason"), in the interface's language."""
    import re

    from cmtui import l10n
    from cmtui.i18n import ngettext

    reason = data.get("reason")
    found = re.match(r"(\d+) days of history", reason or "")
    if not found:
        return reason
    days = int(found.group(1))
    # i18n: the crisis watch needs {needed} days of history before the last 24 hours
    return ngettext("{n} day of history before the last 24 h ({needed} needed)",
                    "{n} days of history before the last 24 h ({needed} needed)", days).format(
        n=l10n.number(days), needed=l10n.number(MIN_HISTORY_DAYS))
