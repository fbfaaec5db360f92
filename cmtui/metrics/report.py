"""The community-management report: panel data as Markdown (sections and tables) or CSV
(rows metric,scope,value), like Agorapulse's report but from the local history."""

from __future__ import annotations

import csv
import io

from cmtui.text import first_line

FORMATS = {".md": "markdown", ".markdown": "markdown", ".csv": "csv"}


def _n(value, suffix: str = "") -> str:
    if value is None:
        return "not enough data yet"
    if isinstance(value, float):
        return f"{value:,.2f}{suffix}"
    return f"{value:,}{suffix}"


def duration(seconds) -> str:
    if seconds is None:
        return "not enough data yet"
    minutes = seconds / 60
    return f"{minutes:.0f} min" if minutes < 90 else f"{minutes / 60:.1f} h"


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
    out += [(f"crisis_{s['series']}_z", "last 24 h", s["z"]) for s in c["series"]]
    for m in data["members"]["most_active"]:
        out.append(("member_items", m["author"], m["items"]))
    return out


def to_csv(data: dict) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["metric", "scope", "value"])
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
    lines = [f"# Community report: last {rng['days']} days", "",
             f"{rng['start'][:10]} to {rng['end'][:10]}, {rng['account'] or 'all accounts'}.", ""]
    lines += ["## Goals", ""]
    lines += _table(["Goal", "Target", "Current", "Progress", "Due", "Forecast"],
                    [[g["name"], _n(g["target"]), _n(g["current"]), f"{g['progress']:.0%}", g["due_date"],
                      g["forecast"]] for g in data["goals"]]) if data["goals"] else ["No goals yet.", ""]
    lines += ["## Followers", ""]
    lines += _table(["Account", "Followers", "Change", "Change %"],
                    [[n, _n(f["current"]), _n(f["change"]), _n(f["change_pct"], " %")]
                     for n, f in data["followers"].items()])
    r = data["response"]
    lines += ["## Response", ""]
    lines += _table(["Scope", "Arrived", "Answered", "Rate", "Median", "90th percentile"],
                    [[scope, _n(s["arrived"]), _n(s["answered"]), "–" if s["rate"] is None else f"{s['rate']:.0%}",
                      duration(s["median_seconds"]), duration(s["p90_seconds"])]
                     for scope, s in [("all", r), *r["per_account"].items()]])
    if "overdue" in r:
        lines += [f"Overdue now (over {r['target_minutes']} min): {r['overdue']:,}.", ""]
    e = data["engagement"]
    lines += ["## Engagement", "", f"{e['totals']['posts']} posts, {e['totals']['interactions']:,} interactions.", ""]
    if e["top"]:
        lines += ["### Top posts", ""]
        lines += _table(["Posted", "Account", "Interactions", "Rate", "Text"],
                        [[p["posted_at"][:16], p["account"], p["total"],
                          "–" if p["rate"] is None else f"{p['rate']:.2%}",
                          first_line(p["text"] or "", 60)]  # cut between clusters, never in an emoji
                         for p in e["top"]])
    for title, key in (("By language", "by_language"), ("By campaign", "by_campaign"), ("By hour", "by_hour")):
        if e[key]:
            lines += [f"### {title}", ""]
            lines += _table(["Group", "Posts", "Average", "Best"],
                            [[g["group"], g["posts"], g["average"], "yes" if g["best"] else ""] for g in e[key]])
    b = data["best_times"]
    lines += ["## Best times to post", ""]
    if b["fallback"]:
        lines += [f"Fallback: {b['reason']}.", ""]
    lines += _table(["Weekday", "Hour", "Score"], [[s["weekday"], f"{s['hour']:02d}:00", s["score"]] for s in b["best"]])
    m = data["members"]
    lines += ["## Members", ""]
    lines += _table(["Most active", "Items"], [[x["author"], x["items"]] for x in m["most_active"]])
    lines += _table(["Most helpful", "Threads helped"], [[x["author"], x["threads_helped"]] for x in m["most_helpful"]])
    c = data["crisis"]
    lines += ["## Crisis watch", "", f"Status: {c['status']}." + (f" {c['reason']}." if c.get("reason") else ""), ""]
    if c["series"]:
        lines += _table(["Series", "Last 24 h", "Baseline mean", "z", "Alert"],
                        [[s["series"], s["value"], s["baseline_mean"], s["z"], "yes" if s["alert"] else ""]
                         for s in c["series"]])
    return "\n".join(lines)
