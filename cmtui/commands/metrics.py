"""cmtui metrics [--json] [--days N] [--account NAME] [--export FILE]; cmtui metrics goal add|list|remove."""

from __future__ import annotations
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.commands.output import CRISIS, json_language, print_json, print_table, shown
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext, pgettext

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def _export_format(path) -> str:
    from cmtui.metrics.report import FORMATS

    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(_("cannot tell the report format from '{name}': use a .md or .csv file name").format(
            name=path.name))
    return fmt


def metrics_command(store: Store, settings: Settings, args) -> int:
    from cmtui.metrics.panel import panel_data
    from cmtui.metrics.window import parse_days

    days = parse_days(args.days)
    fmt = _export_format(args.export) if args.export else None  # checked before any work
    with json_language(args.json):  # --json: its words (forecasts, statuses) in English
        data = panel_data(store, settings, days, args.account)
    if fmt:
        from cmtui.commands.calendar_files import write_atomically
        from cmtui.metrics.report import to_csv, to_markdown

        report = panel_data(store, settings, days, args.account) if args.json else data  # the report: translated
        path = args.export.expanduser()
        write_atomically(path, to_markdown(report) if fmt == "markdown" else to_csv(report))
        if not args.json:
            print(ngettext("wrote the {n}-day report to {path}", "wrote the {n}-day report to {path}", days).format(
                n=l10n.number(days), path=path))
    if args.json:
        print_json(data)
    elif not fmt:
        _print_summary(data)
    return 0


def _day(iso_text: str) -> str:
    """An ISO date (or the date of an ISO time) as the language writes it."""
    from datetime import date

    return l10n.day_year(date.fromisoformat(iso_text[:10]))


def _weekday(name: str) -> str:
    """"Mon" (the metrics' English abbreviation) as the language abbreviates it."""
    english = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # i18n: not shown
    return l10n.weekday_name(english.index(name), "abbreviated") if name in english else name


def _print_summary(data: dict) -> None:
    from cmtui.metrics.report import duration
    from cmtui.text import first_line

    rng = data["range"]
    print(ngettext("Last {n} day ({start} to {end}), {scope}", "Last {n} days ({start} to {end}), {scope}",
                   rng["days"]).format(n=l10n.number(rng["days"]), start=_day(rng["start"]), end=_day(rng["end"]),
                                       scope=rng["account"] or _("all accounts")))
    for name, f in data["followers"].items():
        current = _("no data yet") if f["current"] is None else l10n.number(f["current"])
        if f["change"] is None:
            print("  " + _("followers {account}: {current}").format(account=name, current=current))
        else:
            change = ("+" if f["change"] > 0 else "") + l10n.number(f["change"])
            print("  " + _("followers {account}: {current} ({change})").format(account=name, current=current,
                                                                              change=change))
    r = data["response"]
    rate = "–" if r["rate"] is None else l10n.percent(r["rate"])
    print("  " + ngettext("response: answered {rate} of {n}, median {median}, p90 {p90}, {overdue} overdue now",
                          "response: answered {rate} of {n}, median {median}, p90 {p90}, {overdue} overdue now",
                          r["arrived"]).format(rate=rate, n=l10n.number(r["arrived"]),
                                               median=duration(r["median_seconds"]), p90=duration(r["p90_seconds"]),
                                               overdue=l10n.number(r.get("overdue", 0))))
    e = data["engagement"]["totals"]
    posts = ngettext("{n} post", "{n} posts", e["posts"]).format(n=l10n.number(e["posts"]))
    interactions = ngettext("{n} interaction", "{n} interactions", e["interactions"]).format(
        n=l10n.number(e["interactions"]))
    print("  " + _("engagement: {posts}, {interactions}").format(posts=posts, interactions=interactions))
    for p in data["engagement"]["top"]:
        print("  " + _("top post: {total} {day} {account} {text}").format(
            total=l10n.number(p["total"]), day=_day(p["posted_at"]), account=p["account"],
            text=first_line(p["text"] or "", 60) or _("(no text kept)")))
    b = data["best_times"]
    best = ", ".join(f"{_weekday(s['weekday'])} {s['hour']:02d}:00" for s in b["best"][:3])
    print("  " + (_("best times: {times} (default pattern: too few posts)") if b["fallback"]
                  else _("best times: {times}")).format(times=best))
    c = data["crisis"]
    if c["alerts"]:
        print("  " + _("crisis watch: {status} ({alerts})").format(status=shown(CRISIS, c["status"]),
                                                                  alerts=", ".join(c["alerts"])))
    else:
        print("  " + _("crisis watch: {status}").format(status=shown(CRISIS, c["status"])))
    for g in data["goals"]:
        current = _("no data yet") if g["current"] is None else l10n.decimal(g["current"], 2)
        print("  " + _("goal {id} {name}: {current} / {target} by {due}, {forecast}").format(
            id=g["id"], name=g["name"], current=current, target=l10n.number(g["target"]), due=_day(g["due_date"]),
            forecast=g["forecast"]))


def goal_command(store: Store, settings: Settings, args) -> int:
    from cmtui.metrics.goals import add_goal, delete_goal, goal_progress

    if args.goal_action == "add":
        goal_id = add_goal(store, args.name, args.metric, args.target, args.by, account=args.account,
                           who=settings.username)
        print(_("goal {id} added").format(id=goal_id))
        return 0
    if args.goal_action == "remove":
        delete_goal(store, args.goal_id, who=settings.username)
        print(_("goal {id} removed").format(id=args.goal_id))
        return 0
    with json_language(args.json):  # the forecasts in words
        goals = [g.to_json() for g in goal_progress(store)]
    if args.json:
        print_json(goals)
        return 0
    print_table(["ID", _("NAME"), _("METRIC"), _("ACCOUNT"), _("TARGET"), _("CURRENT"), _("DUE"), _("FORECAST")],
                [[g["id"], g["name"], g["metric"], g["account"] or pgettext("accounts", "all"), l10n.number(g["target"]),
                  "-" if g["current"] is None else l10n.number(g["current"]), _day(g["due_date"]), g["forecast"]]
                 for g in goals],
                [None, 30, None, None, None, None, None, None])
    return 0
