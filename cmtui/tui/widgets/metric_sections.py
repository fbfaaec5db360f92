"""What each part of the Metrics panel says, as rich Text built from panel_data()'s dict.

Pure functions of (data, width): no widgets, no store. Remote text (post texts, authors,
campaign labels) is appended as plain strings to Text, never parsed as markup. `calm`
hides the numbers that invite comparison (follower counts and changes, engagement totals
and top posts, member ranks); goals and response stay.
"""

from __future__ import annotations

from datetime import date, time

from rich.text import Text

from cmtui import l10n
from cmtui.i18n import N_, _, ngettext, npgettext, pgettext
from cmtui.metrics.goals import NOT_ENOUGH
from cmtui.text import cut, display_width, first_line, fit
from cmtui.tui.widgets.crisis_watch import crisis_ratio, series_short
from cmtui.tui.widgets.metric_charts import progress_bar, sparkline

FORECAST_STYLE = {"achieved": "bold green", "on track": "green", "at risk": "bold yellow", "missed": "bold red",
                  NOT_ENOUGH: "dim"}
# A goal's forecast (a value of the metrics data, in English) as shown.
FORECAST_WORDS = {"achieved": N_("achieved"), "on track": N_("on track"), "at risk": N_("at risk"),
                  "missed": N_("missed"), NOT_ENOUGH: N_("not enough data yet")}
SERIES_NAMES = {"flagged": N_("flagged items"), "negative": N_("negative items"), "mentions": N_("mentions")}


def forecast_word(forecast: str) -> str:
    return _(FORECAST_WORDS[forecast]) if forecast in FORECAST_WORDS else forecast


def series_name(series: str) -> str:
    return _(SERIES_NAMES[series]) if series in SERIES_NAMES else series


def not_enough() -> str:
    return _(NOT_ENOUGH)


def duration(seconds: float | None) -> str:
    """42 min / 2.5 h / 3.1 d: a response time, the unit and the decimal mark the language's."""
    if seconds is None:
        return "–"
    minutes = seconds / 60
    if minutes < 90:
        # i18n: minutes, abbreviated
        return _("{n} min").format(n=l10n.number(round(minutes)))
    if minutes < 48 * 60:
        # i18n: hours, abbreviated
        return _("{n} h").format(n=l10n.decimal(minutes / 60, 1))
    # i18n: days, abbreviated
    return _("{n} d").format(n=l10n.decimal(minutes / 1440, 1))


def pct(rate: float | None, digits: int = 0) -> str:
    return "–" if rate is None else l10n.percent(rate, digits)


def signed(n: int | None) -> str:
    return "–" if n is None else ("+" if n >= 0 else "-") + l10n.number(abs(n))


def signed_decimal(value: float) -> str:
    return ("+" if value >= 0 else "-") + l10n.decimal(abs(value), 1)


def posts_short(n: int) -> str:
    # i18n: a number of posts, abbreviated to a letter in a narrow chart ("12p")
    return _("{n}p").format(n=l10n.number(n))


def week_label(week: str) -> str:
    """W48 from an ISO week (2026-W48)."""
    # i18n: a week's number, abbreviated ("W48")
    return pgettext("week number", "W{n}").format(n=week[-2:])


def short_date(value: str | None) -> str:
    """An ISO day of the data (2026-12-03) as the language writes a short day."""
    try:
        return l10n.day_month(date.fromisoformat((value or "")[:10]))
    except ValueError:
        return value or ""


def due_date(value: str | None) -> str:
    try:
        return l10n.numeric_date(date.fromisoformat((value or "")[:10]))
    except ValueError:
        return value or ""


# -- the headline cards -----------------------------------------------------------------------------
def followers_card(data: dict, width: int) -> Text:
    followers, calm = data["followers"], data["calm"]
    text = Text()
    text.append(_("Followers"), style="bold")
    if calm:
        text.append("  " + _("counts hidden (calm mode)"), style="dim")
    if not followers:
        text.append("\n" + _("no account in scope"), style="dim")
    name_w = min(14, max((display_width(n) for n in followers), default=4))
    for name, f in followers.items():
        text.append("\n")
        text.append(fit(name, name_w), style="bold" if not calm else "")
        if f["current"] is None:
            text.append(" " + _("no snapshot yet"), style="dim")
            continue
        used = name_w
        if not calm:
            count = " " + l10n.number(f["current"]).rjust(7)
            change = " " + signed(f["change"]).rjust(6)
            text.append(count)
            text.append(change, style="green" if (f["change"] or 0) >= 0 else "red")
            used += len(count) + len(change)
        spark = sparkline([d["followers"] for d in f["daily"]], max(0, width - used - 1))
        text.append(" " + spark, style="cyan")
    return text


def response_card(data: dict) -> Text:
    r = data["response"]
    text = Text()
    text.append(_("Response") + "\n", style="bold")
    # i18n: the median and the 90th percentile of the response times, and the share answered
    labels = (_("median"), _("p90"), _("rate"))
    pad = max(6, *(len(label) for label in labels))
    for label, value in zip(labels, (duration(r["median_seconds"]), duration(r["p90_seconds"]), pct(r["rate"]))):
        text.append(f"{label.ljust(pad)} {value}\n")
    text.append(ngettext("of {n} item", "of {n} items", r["arrived"]).format(n=l10n.number(r["arrived"])) + "\n",
                style="dim")
    overdue = r.get("overdue", 0)
    text.append(ngettext("{n} overdue", "{n} overdue", overdue).format(n=l10n.number(overdue)),
                style="bold red" if overdue else "green")
    return text


def inbox_card(data: dict) -> Text:
    counts, flagged = data["inbox"]["counts"], data["inbox"]["flagged"]
    text = Text()
    text.append(_("Inbox") + "\n", style="bold")
    text.append(npgettext("inbox items", "{n} new", "{n} new", counts["new"]).format(n=l10n.number(counts["new"]))
                + "\n", style="bold" if counts["new"] else "")
    text.append(npgettext("inbox items", "{n} open", "{n} open", counts["open"]).format(
        n=l10n.number(counts["open"])) + "\n")
    text.append(npgettext("inbox items", "{n} snoozed", "{n} snoozed", counts["snoozed"]).format(
        n=l10n.number(counts["snoozed"])) + "\n", style="dim")
    text.append(ngettext("{n} to moderate", "{n} to moderate", flagged).format(n=l10n.number(flagged)),
                style="yellow" if flagged else "dim")
    return text


def crisis_card(data: dict) -> Text:
    c = data["crisis"]
    text = Text()
    text.append(_("Crisis watch") + "\n", style="bold")
    if c["status"] == "alert":
        text.append(_("ALERT") + "\n", style="bold white on red")
        for s in c["series"]:
            if s["alert"]:
                # i18n: "mentions ×4 usual": four times the usual number
                text.append(_("{series} {ratio} usual").format(series=series_short(s["series"]), ratio=crisis_ratio(s))
                            + "\n", style="bold red")
    elif c["status"] == "ok":
        text.append(_("calm: no spike") + "\n", style="green")
        text.append(_("in the last 24 h"), style="dim")
    else:
        text.append(not_enough() + "\n", style="dim")
        text.append(ngettext("({n}-day baseline)", "({n}-day baseline)", c["baseline_days"]).format(
            n=l10n.number(c["baseline_days"])), style="dim")
    return text


def crisis_banner(data: dict) -> Text:
    c = data["crisis"]
    text = Text()
    text.append(" ⚠ " + _("Crisis alert") + " ", style="bold")
    text.append(" · ".join(_("{series}: {n} in the last 24 h, {ratio} the usual {usual} a day (z {z})").format(
        series=series_name(s["series"]), n=l10n.number(s["value"]), ratio=crisis_ratio(s),
        usual=l10n.number(round(s["baseline_mean"])), z=l10n.decimal(s["z"], 1)) for s in c["series"] if s["alert"]))
    return text


# -- the sections -------------------------------------------------------------------------------------
def goal_value(metric: str, value: float | None) -> str:
    if value is None:
        return not_enough()
    if metric == "median_response_minutes":
        return duration(value * 60)
    if metric.endswith("_pct"):
        return f"{l10n.decimal(value, 1)} %"
    if metric.startswith("inbox_zero_"):
        return ngettext("{n} item", "{n} items", round(value)).format(n=l10n.number(round(value)))
    return l10n.number(round(value))


def goals_text(data: dict, width: int) -> Text:
    goals = data["goals"]
    text = Text()
    if not goals:
        text.append(_("No goals yet: g adds one (a target and a due date; the forecast follows the trend)."),
                    style="dim")
        return text
    bar_w = max(10, min(30, width // 3))
    for n, g in enumerate(goals):
        if n:
            text.append("\n")
        # The forecast is what the line is for: on a narrow screen the name and account give way.
        forecast = g["forecast"]
        said = forecast_word(forecast)
        room = max(0, width - display_width(said) - 1)
        name = cut(g["name"], room)
        head = Text()
        head.append(name, style="bold")
        head.append(cut("  " + (g["account"] or _("all accounts")), room - display_width(name)), style="dim")
        pad = max(1, width - display_width(head.plain) - display_width(said))
        text.append_text(head)
        text.append(" " * pad)
        text.append(said, style=FORECAST_STYLE.get(forecast, ""))
        text.append("\n")
        style = FORECAST_STYLE.get(forecast, "") if forecast != NOT_ENOUGH else "dim"
        text.append_text(progress_bar(g["progress"], bar_w, style or "cyan"))
        text.append(" " + l10n.percent(g["progress"]).rjust(4) + "  ", style="bold")
        text.append(_("now {current} / target {target}").format(current=goal_value(g["metric"], g["current"]),
                                                                 target=goal_value(g["metric"], g["target"])))
        text.append(" · " + _("due {date}").format(date=due_date(g["due_date"])), style="dim")
        if g.get("projected") is not None and forecast in ("on track", "at risk"):
            text.append(" · " + _("trend → {value}").format(value=goal_value(g["metric"], g["projected"])), style="dim")
    return text


def growth_text(data: dict, width: int) -> Text:
    followers, calm = data["followers"], data["calm"]
    text = Text()
    if not any(f["daily"] for f in followers.values()):
        text.append(_("No follower snapshots in the range: {reason} (one is taken at each sync pass).").format(
            reason=not_enough()), style="dim")
        return text
    name_w = min(14, max(display_width(n) for n in followers))
    for n, (name, f) in enumerate(followers.items()):
        if n:
            text.append("\n")
        text.append(fit(name, name_w) + " ", style="bold")
        current = f["current"] or 0
        tail = "" if calm else "  " + ngettext("{n} follower", "{n} followers", current).format(
            n=l10n.number(current).rjust(7)) + " " + signed(f["change"]).rjust(6) + (
            f" ({signed_decimal(f['change_pct'])} %)" if f["change_pct"] is not None else "")
        text.append(sparkline([d["followers"] for d in f["daily"]], max(8, width - name_w - 1 - len(tail) - 1)),
                    style="cyan")
        text.append(tail)
        if not calm and f["weekly"]:
            text.append("\n" + " " * (name_w + 1))
            text.append(_("net per week") + " ", style="dim")
            for w in f["weekly"][-8:]:
                text.append(f" {week_label(w['week'])} ", style="dim")
                text.append(signed(w["net"]), style="green" if (w["net"] or 0) >= 0 else "red")
    if calm:
        text.append("\n" + _("the lines show the trend; counts are hidden in calm mode"), style="dim")
    return text


def _groups(label: str, groups: list[dict], calm: bool, fmt=str, pad: int = 9) -> Text:
    text = Text()
    text.append(label.ljust(pad), style="bold")
    if not groups:
        text.append(" –", style="dim")
    for g in groups[:6]:
        text.append("  ")
        text.append(fmt(g["group"]), style="bold green" if g["best"] else "")
        text.append(" " + (posts_short(g["posts"]) if calm else f"{l10n.decimal(g['average'], 1)}/{posts_short(g['posts'])}"),
                    style="dim")
        if g["best"]:
            text.append(" ★", style="green")
    return text


def engagement_text(data: dict, width: int) -> Text:
    e, calm, words = data["engagement"], data["calm"], data["words"]
    text = Text()
    totals = e["totals"]
    if not totals["posts"]:
        text.append(_("No published posts in the range: {reason}.").format(reason=not_enough()), style="dim")
        return text
    posts = totals["posts"]
    if calm:
        text.append(ngettext("{n} post in the range (totals and top posts hidden in calm mode)",
                             "{n} posts in the range (totals and top posts hidden in calm mode)", posts).format(
            n=l10n.number(posts)), style="dim")
    else:
        interactions = totals["interactions"]
        text.append(" · ".join((
            ngettext("{n} post", "{n} posts", posts).format(n=l10n.number(posts)),
            # i18n: {likes} and {shares} are the platform's words (favourites, boosts…)
            ngettext("{n} interaction ({likes} + {shares} + replies)", "{n} interactions ({likes} + {shares} + replies)",
                     interactions).format(n=l10n.number(interactions), likes=_(words["likes"]), shares=_(words["shares"])),
            _("{n} per post").format(n=l10n.decimal(totals["average"] or 0, 1)))))
        text.append("\n" + _("per week") + " ", style="bold")
        for w in e["weekly"][-8:]:
            text.append(f" {week_label(w['week'])} ", style="dim")
            text.append(l10n.number(w["interactions"]))
            text.append("/" + posts_short(w["posts"]), style="dim")
            if w["average_rate"] is not None:
                text.append(" " + l10n.percent(w["average_rate"], 1), style="dim")
        text.append("\n" + _("top posts"), style="bold")
        for p in e["top"]:
            row = Text()
            row.append(" " + l10n.number(p["total"]).rjust(6) + " ", style="bold")
            row.append(short_date(p["posted_at"]) + " ", style="dim")
            row.append(f"{p['account']} ", style="cyan")
            # one row per post: a long first paragraph (post texts are stored) must not wrap
            room = max(1, width - row.cell_len)
            row.append(first_line(p["text"] or "", room) or _("(no text kept)"), style="" if p["text"] else "dim")
            text.append("\n")
            text.append_text(row)
    text.append("\n" + _("what does best (average interactions / posts, ★ best with 3+ posts)"), style="dim")
    labels = (_("language"), _("campaign"), _("hour"))
    pad = max(9, *(len(label) + 1 for label in labels))
    text.append("\n")
    text.append_text(_groups(labels[0], e["by_language"], calm, pad=pad))
    text.append("\n")
    text.append_text(_groups(labels[1], e["by_campaign"], calm, pad=pad))
    text.append("\n")
    text.append_text(_groups(labels[2], e["by_hour"], calm, lambda h: l10n.clock(time(h)), pad=pad))
    return text


def response_text(data: dict, width: int) -> Text:
    r = data["response"]
    text = Text()
    # i18n: the response table's column headings (items arrived, answered, the share answered, response times)
    heads = (_("arrived"), _("answered"), _("rate"), _("median"), _("p90"))
    widths = [max(least, len(head) + 1) for least, head in zip((9, 10, 7, 10, 10), heads)]
    text.append(" " * 16 + "".join(head.rjust(w) for head, w in zip(heads, widths)), style="dim")
    rows = [(pgettext("accounts", "all") if not data["range"]["account"] else data["range"]["account"], r, "bold")]
    if not data["range"]["account"]:
        rows += [(name, s, "") for name, s in r["per_account"].items()]
    for name, s, style in rows:
        text.append("\n")
        text.append(fit(name, 15) + " ", style=style or "cyan")
        values = (l10n.number(s["arrived"]), l10n.number(s["answered"]), pct(s["rate"]), duration(s["median_seconds"]),
                  duration(s["p90_seconds"]))
        text.append("".join(value.rjust(w) for value, w in zip(values, widths)), style=style)
    if not r["arrived"]:
        text.append("\n" + _("nothing arrived in the range: {reason}").format(reason=not_enough()), style="dim")
    overdue = r.get("overdue", 0)
    text.append("\n")
    text.append(ngettext("{n} item overdue now", "{n} items overdue now", overdue).format(n=l10n.number(overdue)),
                style="bold red" if overdue else "green")
    text.append(" " + _("(unanswered past the {n} min target)").format(n=l10n.number(r.get("target_minutes", 120))),
                style="dim")
    if r.get("method") == "histogram":
        text.append(" · " + _("percentiles from the kept histogram (within a few %)"), style="dim")
    return text


def _member_cell(rows: list[dict], n: int, count: str, calm: bool, empty: str, width: int) -> Text:
    """One member, padded to width: the author, and the count right-aligned (none when calm)."""
    cell = Text()
    if n < len(rows):
        number = "" if calm else " " + l10n.number(rows[n][count]).rjust(5)
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
        text.append(_("counting…"), style="dim")
        return text
    active, helpful = members["most_active"], members["most_helpful"]
    col = max(24, min(48, width // 2))
    text.append(_("most active").ljust(col), style="bold")
    text.append(_("most helpful (threads where they answered someone's question)"), style="bold")
    if calm:  # recognition without a ranking: names in alphabetical order, no counts
        active = sorted(active, key=lambda m: m["author"])
        helpful = sorted(helpful, key=lambda m: m["author"])
    for n in range(max(len(active), len(helpful), 1)):
        text.append("\n")
        text.append_text(_member_cell(active, n, "items", calm, _("nobody in the range"), col - 1))
        text.append(" ")
        text.append_text(_member_cell(helpful, n, "threads_helped", calm, _("nobody yet"), col - 1))
    if calm:
        text.append("\n" + _("in alphabetical order: ranks are hidden in calm mode"), style="dim")
    return text


def crisis_text(data: dict, width: int) -> Text:
    c = data["crisis"]
    text = Text()
    if c["status"] == "not enough data yet":
        # i18n: "not enough data yet: 5 days of history…"
        text.append(_("{status}: {reason}").format(status=not_enough(), reason=c.get("reason") or _("too little history")),
                    style="dim")
        return text
    text.append(ngettext("last 24 h against the {n} day before ({start} to {end}); alert at z ≥ {z} and {min}+ items",
                         "last 24 h against the {n} days before ({start} to {end}); alert at z ≥ {z} and {min}+ items",
                         c["baseline_days"]).format(
        n=l10n.number(c["baseline_days"]), start=short_date(c["baseline_from"]), end=short_date(c["baseline_to"]),
        z=l10n.number(c["z_alert"]), min=l10n.number(c["min_volume"])), style="dim")
    heads = (_("series"), _("last 24 h"), _("usual a day"), "z")
    name_w = max(16, len(heads[0]) + 1, *(len(series_name(s["series"])) + 1 for s in c["series"]))
    last_w, usual_w = max(10, len(heads[1]) + 1), max(16, len(heads[2]) + 1)
    text.append("\n" + heads[0].ljust(name_w) + heads[1].rjust(last_w) + heads[2].rjust(usual_w) + heads[3].rjust(8),
                style="dim")
    for s in c["series"]:
        style = "bold red" if s["alert"] else ""
        text.append("\n")
        text.append(series_name(s["series"]).ljust(name_w), style=style or "cyan")
        text.append(l10n.number(s["value"]).rjust(last_w) + l10n.decimal(s["baseline_mean"], 1).rjust(usual_w - 6)
                    + " ±" + l10n.number(round(s["baseline_stdev"])).ljust(5) + l10n.decimal(s["z"], 1).rjust(8),
                    style=style)
        if s["alert"]:
            text.append("  " + _("ALERT") + " " + crisis_ratio(s), style="bold white on red")
    return text
