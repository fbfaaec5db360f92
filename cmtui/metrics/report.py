"""The community-management report: panel data as Markdown (sections and tables) or CSV
(rows metric,scope,value), like Agorapulse's report but from the local history."""

from __future__ import annotations

import csv
import io
from datetime import time

from cmtui import l10n
from cmtui.i18n import _, ngettext, pgettext
from cmtui.metrics.best_time import fallback_reason, weekday_label
from cmtui.metrics.crisis import reason_text, series_label, status_label
from cmtui.metrics.goals import forecast_label
from cmtui.text import first_line

FORMATS = {".md": "markdown", ".markdown": "markdown", ".csv": "csv"}


def _n(value, suffix: str = "") -> str:
    """A figure for a person: the language's digits (1,234.50 / 1.234,50); none: not enough data."""
    if value is None:
        return _("not enough data yet")
    if isinstance(value, float):
        return l10n.decimal(value, 2) + suffix
    return l10n.number(value) + suffix


def duration(seconds) -> str:
    if seconds is None:
        return _("not enough data yet")
    minutes = seconds / 60
    if minutes < 90:
        # i18n: a response time in minutes, short unit
        return _("{minutes} min").format(minutes=l10n.decimal(minutes, 0))
    # i18n: a response time in hours, short unit
    return _("{hours} h").format(hours=l10n.decimal(minutes / 60, 1))


def _percent(ratio, digits: int = 0) -> str:
    return "–" if ratio is None else l10n.percent(ratio, digits)


def _yes(value) -> str:
    # i18n: a report table's cell: this group is the best / this series is alerting
    return _("yes") if value else ""


def rows(data: dict) -> list[tuple[str, str, object]]:
    """(metric, scope, value) for every figure of the report."""
    out: list[tuple[str, str, object]] = []
    for name, f in data["followers"].items():
        out += [("followers", name, f["current"]), ("followers_change", name, f["change"]),
                ("followers_change_pct", name, f["change_pct"])]
        out += [(f"followers_net_{w['week']}", name, w["net"]) for w in f["weekly"]]
    r = data["response"]
    for scope, s in [("all", r), *r["per_account"].items()]:
        out += [("arrived", scope, s["arrived"]), ("answered", scope, s["answered"]),
                ("response_rate", scope, s["rate"]), ("median_response_seconds", scope, s["median_seconds"]),
                ("p90_response_seconds", scope, s["p90_seconds"])]
    if "overdue" in r:
        out.append(("overdue_now", "all" if not data["range"]["account"] else data["range"]["account"], r["overdue"]))
    e = data["engagement"]
    out += [("posts", "all", e["totals"]["posts"]), ("interactions", "all", e["totals"]["interactions"]),
            ("average_interactions_per_post", "all", e["totals"]["average"])]
    out += [(f"interactions_{w['week']}", "all", w["interactions"]) for w in e["weekly"]]
    for g in data["goals"]:
        out += [(f"goal_{g['id']}_current", g["name"], g["current"]), (f"goal_{g['id']}_target", g["name"], g["target"]),
                (f"goal_{g['id']}_forecast", g["name"], g["forecast"])]
    c = data["crisis"]
    out.append(("crisis_status", "all", c["status"]))
    out += [(f"crisis_{s['series']}_z", "last 24 h", s["z"]) for s in c["series"]]  # i18n: not shown (a CSV value)
    for m in data["members"]["most_active"]:
        out.append(("member_items", m["author"], m["items"]))
    return out


def to_csv(data: dict) -> str:
    """The figures, one row each: the header row in the interface's language, the rows as a
    machine reads them (metric ids, plain digits and a dot)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # i18n: the report's CSV header row (three columns: the metric's id, its scope, its value)
    writer.writerow([pgettext("report csv", "metric"), pgettext("report csv", "scope"), pgettext("report csv", "value")])
    for metric, scope, value in rows(data):
        writer.writerow([metric, scope, "" if value is None else value])
    return buf.getvalue()


def _table(headers: list[str], body: list[list]) -> list[str]:
    def cell(v) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")
    return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers),
            *("| " + " | ".join(cell(v) for v in row) + " |" for row in body), ""]


def to_markdown(data: dict) -> str:
    rng = data["range"]
    days = rng["days"]
    lines = [ngettext("# Community report: last {n} day", "# Community report: last {n} days", days).format(
                 n=l10n.number(days)), "",
             # i18n: the report's range: two ISO dates, then an account's name or "all accounts"
             pgettext("report", "{start} to {end}, {scope}.").format(
                 start=rng["start"][:10], end=rng["end"][:10], scope=rng["account"] or pgettext("report", "all accounts")), ""]
    lines += [pgettext("report", "## Goals"), ""]
    lines += _table([pgettext("report", "Goal"), pgettext("report", "Target"),
                     pgettext("report", "Current"), pgettext("report", "Progress"),
                     pgettext("report", "Due"), pgettext("report", "Forecast")],
                    [[g["name"], _n(g["target"]), _n(g["current"]), l10n.percent(g["progress"]), g["due_date"],
                      forecast_label(g["forecast"])] for g in data["goals"]]) \
        if data["goals"] else [pgettext("report", "No goals yet."), ""]
    lines += [pgettext("report", "## Followers"), ""]
    lines += _table([pgettext("report", "Account"), pgettext("report", "Followers"),
                     pgettext("report", "Change"), pgettext("report", "Change %")],
                    [[n, _n(f["current"]), _n(f["change"]), _n(f["change_pct"], " %")]
                     for n, f in data["followers"].items()])
    r = data["response"]
    lines += [pgettext("report", "## Response"), ""]
    # i18n: the report's response table: "all" is the row for every account together
    everyone = pgettext("report scope", "all")
    lines += _table([pgettext("report", "Scope"), pgettext("report", "Arrived"),
                     pgettext("report", "Answered"), pgettext("report", "Rate"),
                     pgettext("report", "Median"), pgettext("report", "90th percentile")],
                    [[scope, _n(s["arrived"]), _n(s["answered"]), _percent(s["rate"]),
                      duration(s["median_seconds"]), duration(s["p90_seconds"])]
                     for scope, s in [(everyone, r), *r["per_account"].items()]])
    if "overdue" in r:
        lines += [pgettext("report", "Overdue now (over {minutes} min): {n}.").format(
            minutes=l10n.number(r["target_minutes"]), n=l10n.number(r["overdue"])), ""]
    e = data["engagement"]
    posts, interactions = e["totals"]["posts"], e["totals"]["interactions"]
    # i18n: the report's engagement line: "{posts}" is "12 posts", "{interactions}" is "340 interactions"
    lines += [pgettext("report", "## Engagement"), "", pgettext("report", "{posts}, {interactions}.").format(
        posts=ngettext("{n} post", "{n} posts", posts).format(n=l10n.number(posts)),
        interactions=ngettext("{n} interaction", "{n} interactions", interactions).format(n=l10n.number(interactions))),
        ""]
    if e["top"]:
        lines += [pgettext("report", "### Top posts"), ""]
        lines += _table([pgettext("report", "Posted"), pgettext("report", "Account"), pgettext("report", "Interactions"),
                         pgettext("report", "Rate"), pgettext("report", "Text")],
                        [[p["posted_at"][:16], p["account"], l10n.number(p["total"]), _percent(p["rate"], 2),
                          first_line(p["text"] or "", 60)]  # cut between clusters, never in an emoji
                         for p in e["top"]])
    for title, key in ((pgettext("report", "By language"), "by_language"), (pgettext("report", "By campaign"), "by_campaign"),
                       (pgettext("report", "By hour"), "by_hour")):
        if e[key]:
            lines += ["### " + title, ""]
            lines += _table([pgettext("report", "Group"), pgettext("report", "Posts"), pgettext("report", "Average"),
                             pgettext("report", "Best")],
                            [[g["group"], l10n.number(g["posts"]), l10n.number(g["average"]), _yes(g["best"])]
                             for g in e[key]])
    b = data["best_times"]
    lines += [pgettext("report", "## Best times to post"), ""]
    if b["fallback"]:
        lines += [pgettext("report", "Fallback: {reason}.").format(reason=fallback_reason(b)), ""]
    lines += _table([pgettext("report", "Weekday"), pgettext("report", "Hour"), pgettext("report", "Score")],
                    [[weekday_label(s["weekday"]), l10n.clock(time(s["hour"])), l10n.number(s["score"])]
                     for s in b["best"]])
    m = data["members"]
    lines += [pgettext("report", "## Members"), ""]
    lines += _table([pgettext("report", "Most active"), pgettext("report", "Items")],
                    [[x["author"], l10n.number(x["items"])] for x in m["most_active"]])
    lines += _table([pgettext("report", "Most helpful"), pgettext("report", "Threads helped")],
                    [[x["author"], l10n.number(x["threads_helped"])] for x in m["most_helpful"]])
    c = data["crisis"]
    reason = reason_text(c)
    shown = status_label(c["status"])
    status = (pgettext("report", "Status: {status}. {reason}.").format(status=shown, reason=reason) if reason
              else pgettext("report", "Status: {status}.").format(status=shown))
    lines += [pgettext("report", "## Crisis watch"), "", status, ""]
    if c["series"]:
        lines += _table([pgettext("report", "Series"), pgettext("report", "Last 24 h"), pgettext("report", "Baseline mean"),
                         "z", pgettext("report", "Alert")],
                        [[series_label(s["series"]), l10n.number(s["value"]), l10n.number(s["baseline_mean"]),
                          l10n.number(s["z"]), _yes(s["alert"])] for s in c["series"]])
    return "\n".join(lines)
