"""What each part of the Metrics panel says, as rich Text built from panel_data()'s dict.

Pure functions of (data, width): no widgets, no store. Remote text (post texts, authors,
campaign labels) is appended as plain strings to Text, never parsed as markup. `calm`
hides the numbers that invite comparison (follower counts and changes, engagement totals
and top posts, member ranks); goals and response stay.
"""

from __future__ import annotations

from rich.text import Text

from cmtui.metrics.goals import NOT_ENOUGH
from cmtui.text import cut, display_width, first_line, fit
from cmtui.tui.widgets.crisis_watch import crisis_ratio
from cmtui.tui.widgets.metric_charts import progress_bar, sparkline

FORECAST_STYLE = {"achieved": "bold green", "on track": "green", "at risk": "bold yellow", "missed": "bold red",
                  NOT_ENOUGH: "dim"}
SERIES_NAMES = {"flagged": "flagged items", "negative": "negative items", "mentions": "mentions"}


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"


def pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def signed(n: int | None) -> str:
    return "–" if n is None else f"{n:+,}"


# -- the headline cards -----------------------------------------------------------------------------
def followers_card(data: dict, width: int) -> Text:
    followers, calm = data["followers"], data["calm"]
    text = Text()
    text.append("Followers", style="bold")
    if calm:
        text.append("  counts hidden (calm mode)", style="dim")
    if not followers:
        text.append("\nno account in scope", style="dim")
    name_w = min(14, max((display_width(n) for n in followers), default=4))
    for name, f in followers.items():
        text.append("\n")
        text.append(fit(name, name_w), style="bold" if not calm else "")
        if f["current"] is None:
            text.append(" no snapshot yet", style="dim")
            continue
        used = name_w
        if not calm:
            count = f" {f['current']:>7,}"
            change = f" {signed(f['change']):>6}"
            text.append(count)
            text.append(change, style="green" if (f["change"] or 0) >= 0 else "red")
            used += len(count) + len(change)
        spark = sparkline([d["followers"] for d in f["daily"]], max(0, width - used - 1))
        text.append(" " + spark, style="cyan")
    return text


def response_card(data: dict) -> Text:
    r = data["response"]
    text = Text()
    text.append("Response\n", style="bold")
    text.append(f"median {duration(r['median_seconds'])}\n")
    text.append(f"p90    {duration(r['p90_seconds'])}\n")
    text.append(f"rate   {pct(r['rate'])}\n")
    text.append(f"of {r['arrived']:,} items\n", style="dim")
    overdue = r.get("overdue", 0)
    text.append(f"{overdue:,} overdue", style="bold red" if overdue else "green")
    return text


def inbox_card(data: dict) -> Text:
    counts, flagged = data["inbox"]["counts"], data["inbox"]["flagged"]
    text = Text()
    text.append("Inbox\n", style="bold")
    text.append(f"{counts['new']:,} new\n", style="bold" if counts["new"] else "")
    text.append(f"{counts['open']:,} open\n")
    text.append(f"{counts['snoozed']:,} snoozed\n", style="dim")
    text.append(f"{flagged:,} to moderate", style="yellow" if flagged else "dim")
    return text


def crisis_card(data: dict) -> Text:
    c = data["crisis"]
    text = Text()
    text.append("Crisis watch\n", style="bold")
    if c["status"] == "alert":
        text.append("ALERT\n", style="bold white on red")
        for s in c["series"]:
            if s["alert"]:
                text.append(f"{s['series']} {crisis_ratio(s)} usual\n", style="bold red")
    elif c["status"] == "ok":
        text.append("calm: no spike\n", style="green")
        text.append("in the last 24 h", style="dim")
    else:
        text.append(f"{NOT_ENOUGH}\n", style="dim")
        text.append(f"({c['baseline_days']}-day baseline)", style="dim")
    return text


def crisis_banner(data: dict) -> Text:
    c = data["crisis"]
    text = Text()
    text.append(" ⚠ Crisis alert ", style="bold")
    text.append(" · ".join(f"{SERIES_NAMES.get(s['series'], s['series'])}: {s['value']:,} in the last 24 h,"
                           f" {crisis_ratio(s)} the usual {s['baseline_mean']:,.0f} a day (z {s['z']:.1f})"
                           for s in c["series"] if s["alert"]))
    return text


# -- the sections -------------------------------------------------------------------------------------
def goal_value(metric: str, value: float | None) -> str:
    if value is None:
        return NOT_ENOUGH
    if metric == "median_response_minutes":
        return duration(value * 60)
    if metric.endswith("_pct"):
        return f"{value:,.1f} %"
    if metric.startswith("inbox_zero_"):
        return f"{value:,.0f} items"
    return f"{value:,.0f}"


def goals_text(data: dict, width: int) -> Text:
    goals = data["goals"]
    text = Text()
    if not goals:
        text.append("No goals yet: g adds one (a target and a due date; the forecast follows the trend).",
                    style="dim")
        return text
    bar_w = max(10, min(30, width // 3))
    for n, g in enumerate(goals):
        if n:
            text.append("\n")
        # The forecast is what the line is for: on a narrow screen the name and account give way.
        forecast = g["forecast"]
        room = max(0, width - display_width(forecast) - 1)
        name = cut(g["name"], room)
        head = Text()
        head.append(name, style="bold")
        head.append(cut(f"  {g['account'] or 'all accounts'}", room - display_width(name)), style="dim")
        pad = max(1, width - display_width(head.plain) - display_width(forecast))
        text.append_text(head)
        text.append(" " * pad)
        text.append(forecast, style=FORECAST_STYLE.get(forecast, ""))
        text.append("\n")
        style = FORECAST_STYLE.get(forecast, "") if forecast != NOT_ENOUGH else "dim"
        text.append_text(progress_bar(g["progress"], bar_w, style or "cyan"))
        text.append(f" {g['progress']:>4.0%}  ", style="bold")
        text.append(f"now {goal_value(g['metric'], g['current'])} / target {goal_value(g['metric'], g['target'])}")
        text.append(f" · due {g['due_date']}", style="dim")
        if g.get("projected") is not None and forecast in ("on track", "at risk"):
            text.append(f" · trend → {goal_value(g['metric'], g['projected'])}", style="dim")
    return text


def growth_text(data: dict, width: int) -> Text:
    followers, calm = data["followers"], data["calm"]
    text = Text()
    if not any(f["daily"] for f in followers.values()):
        text.append(f"No follower snapshots in the range: {NOT_ENOUGH} (one is taken at each sync pass).",
                    style="dim")
        return text
    name_w = min(14, max(display_width(n) for n in followers))
    for n, (name, f) in enumerate(followers.items()):
        if n:
            text.append("\n")
        text.append(fit(name, name_w) + " ", style="bold")
        tail = "" if calm else f"  {f['current'] or 0:>7,} followers {signed(f['change']):>6}" + (
            f" ({f['change_pct']:+.1f} %)" if f["change_pct"] is not None else "")
        text.append(sparkline([d["followers"] for d in f["daily"]], max(8, width - name_w - 1 - len(tail) - 1)),
                    style="cyan")
        text.append(tail)
        if not calm and f["weekly"]:
            text.append("\n" + " " * (name_w + 1))
            text.append("net per week ", style="dim")
            for w in f["weekly"][-8:]:
                text.append(f" {w['week'][-3:]} ", style="dim")
                text.append(signed(w["net"]), style="green" if (w["net"] or 0) >= 0 else "red")
    if calm:
        text.append("\nthe lines show the trend; counts are hidden in calm mode", style="dim")
    return text


def _groups(label: str, groups: list[dict], calm: bool, fmt=str) -> Text:
    text = Text()
    text.append(f"{label:<9}", style="bold")
    if not groups:
        text.append(" –", style="dim")
    for g in groups[:6]:
        text.append("  ")
        text.append(fmt(g["group"]), style="bold green" if g["best"] else "")
        text.append(f" {g['posts']}p" if calm else f" {g['average']:,.1f}/{g['posts']}p", style="dim")
        if g["best"]:
            text.append(" ★", style="green")
    return text


def engagement_text(data: dict, width: int) -> Text:
    e, calm, words = data["engagement"], data["calm"], data["words"]
    text = Text()
    totals = e["totals"]
    if not totals["posts"]:
        text.append(f"No published posts in the range: {NOT_ENOUGH}.", style="dim")
        return text
    if calm:
        text.append(f"{totals['posts']} posts in the range (totals and top posts hidden in calm mode)", style="dim")
    else:
        text.append(f"{totals['posts']:,} posts · {totals['interactions']:,} interactions"
                    f" ({words['likes']} + {words['shares']} + replies) · {totals['average'] or 0:,.1f} per post")
        text.append("\nper week ", style="bold")
        for w in e["weekly"][-8:]:
            text.append(f" {w['week'][-3:]} ", style="dim")
            text.append(f"{w['interactions']:,}")
            text.append(f"/{w['posts']}p", style="dim")
            if w["average_rate"] is not None:
                text.append(f" {w['average_rate']:.1%}", style="dim")
        text.append("\ntop posts", style="bold")
        for p in e["top"]:
            row = Text()
            row.append(f" {p['total']:>6,} ", style="bold")
            row.append(f"{p['posted_at'][:10]} ", style="dim")
            row.append(f"{p['account']} ", style="cyan")
            # one row per post: a long first paragraph (post texts are stored) must not wrap
            room = max(1, width - row.cell_len)
            row.append(first_line(p["text"] or "", room) or "(no text kept)", style="" if p["text"] else "dim")
            text.append("\n")
            text.append_text(row)
    text.append("\nwhat does best (average interactions / posts, ★ best with 3+ posts)", style="dim")
    text.append("\n")
    text.append_text(_groups("language", e["by_language"], calm))
    text.append("\n")
    text.append_text(_groups("campaign", e["by_campaign"], calm))
    text.append("\n")
    text.append_text(_groups("hour", e["by_hour"], calm, lambda h: f"{h:02d}:00"))
    return text


def response_text(data: dict, width: int) -> Text:
    r = data["response"]
    text = Text()
    text.append(f"{'':<16}{'arrived':>9}{'answered':>10}{'rate':>7}{'median':>10}{'p90':>10}", style="dim")
    rows = [("all" if not data["range"]["account"] else data["range"]["account"], r, "bold")]
    if not data["range"]["account"]:
        rows += [(name, s, "") for name, s in r["per_account"].items()]
    for name, s, style in rows:
        text.append("\n")
        text.append(fit(name, 15) + " ", style=style or "cyan")
        text.append(f"{s['arrived']:>9,}{s['answered']:>10,}{pct(s['rate']):>7}"
                    f"{duration(s['median_seconds']):>10}{duration(s['p90_seconds']):>10}", style=style)
    if not r["arrived"]:
        text.append(f"\nnothing arrived in the range: {NOT_ENOUGH}", style="dim")
    overdue = r.get("overdue", 0)
    text.append("\n")
    text.append(f"{overdue:,} items overdue now", style="bold red" if overdue else "green")
    text.append(f" (unanswered past the {r.get('target_minutes', 120)} min target)", style="dim")
    if r.get("method") == "histogram":
        text.append(" · percentiles from the kept histogram (within a few %)", style="dim")
    return text


def _member_cell(rows: list[dict], n: int, count: str, calm: bool, empty: str, width: int) -> Text:
    """One member, padded to width: the author, and the count right-aligned (none when calm)."""
    cell = Text()
    if n < len(rows):
        number = "" if calm else f" {rows[n][count]:>5,}"
        cell.append(fit(rows[n]["author"], width - len(number)))
        cell.append(number, style="dim")
    elif n == 0:
        cell.append(empty.ljust(width), style="dim")
    else:
        cell.append(" " * width)
    return cell


def members_text(members: dict | None, calm: bool, width: int) -> Text:
    text = Text()
    if members is None:
        text.append("counting…", style="dim")
        return text
    active, helpful = members["most_active"], members["most_helpful"]
    col = max(24, min(48, width // 2))
    text.append("most active".ljust(col), style="bold")
    text.append("most helpful (threads where they answered someone's question)", style="bold")
    if calm:  # recognition without a ranking: names in alphabetical order, no counts
        active = sorted(active, key=lambda m: m["author"])
        helpful = sorted(helpful, key=lambda m: m["author"])
    for n in range(max(len(active), len(helpful), 1)):
        text.append("\n")
        text.append_text(_member_cell(active, n, "items", calm, "nobody in the range", col - 1))
        text.append(" ")
        text.append_text(_member_cell(helpful, n, "threads_helped", calm, "nobody yet", col - 1))
    if calm:
        text.append("\nin alphabetical order: ranks are hidden in calm mode", style="dim")
    return text


def crisis_text(data: dict, width: int) -> Text:
    c = data["crisis"]
    text = Text()
    if c["status"] == "not enough data yet":
        text.append(f"{NOT_ENOUGH}: {c.get('reason') or 'too little history'}", style="dim")
        return text
    text.append(f"{'last 24 h against the':<22}{'':>2}", style="dim")
    text.append(f"{c['baseline_days']} days before ({c['baseline_from']} to {c['baseline_to']}); alert at z ≥"
                f" {c['z_alert']:g} and {c['min_volume']}+ items", style="dim")
    text.append(f"\n{'series':<16}{'last 24 h':>10}{'usual a day':>16}{'z':>8}", style="dim")
    for s in c["series"]:
        style = "bold red" if s["alert"] else ""
        text.append("\n")
        text.append(SERIES_NAMES.get(s["series"], s["series"]).ljust(16), style=style or "cyan")
        text.append(f"{s['value']:>10,}{s['baseline_mean']:>10,.1f} ±{s['baseline_stdev']:<5,.0f}{s['z']:>8.1f}",
                    style=style)
        if s["alert"]:
            text.append(f"  ALERT {crisis_ratio(s)}", style="bold white on red")
    return text
