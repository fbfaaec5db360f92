"""cmtui metrics [--json] [--days N] [--account NAME] [--export FILE]; cmtui metrics goal add|list|remove."""

from __future__ import annotations
from typing import TYPE_CHECKING

from cmtui.commands.output import print_json, print_table
from cmtui.errors import InputError

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def _export_format(path) -> str:
    from cmtui.metrics.report import FORMATS

    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the report format from '{path.name}': use a .md or .csv file name")
    return fmt


def metrics_command(store: Store, settings: Settings, args) -> int:
    from cmtui.metrics.panel import panel_data
    from cmtui.metrics.window import parse_days

    days = parse_days(args.days)
    fmt = _export_format(args.export) if args.export else None  # checked before any work
    data = panel_data(store, settings, days, args.account)
    if fmt:
        from cmtui.commands.calendar_files import write_atomically
        from cmtui.metrics.report import to_csv, to_markdown

        path = args.export.expanduser()
        write_atomically(path, to_markdown(data) if fmt == "markdown" else to_csv(data))
        if not args.json:
            print(f"wrote the {days}-day report to {path}")
    if args.json:
        print_json(data)
    elif not fmt:
        _print_summary(data)
    return 0


def _print_summary(data: dict) -> None:
    from cmtui.metrics.report import duration
    from cmtui.text import first_line

    rng = data["range"]
    print(f"Last {rng['days']} days ({rng['start'][:10]} to {rng['end'][:10]}), {rng['account'] or 'all accounts'}")
    for name, f in data["followers"].items():
        change = "" if f["change"] is None else f" ({f['change']:+,})"
        current = "no data yet" if f["current"] is None else f"{f['current']:,}"
        print(f"  followers {name}: {current}{change}")
    r = data["response"]
    rate = "–" if r["rate"] is None else f"{r['rate']:.0%}"
    print(f"  response: answered {rate} of {r['arrived']:,}, median {duration(r['median_seconds'])},"
          f" p90 {duration(r['p90_seconds'])}, {r.get('overdue', 0):,} overdue now")
    e = data["engagement"]["totals"]
    print(f"  engagement: {e['posts']} posts, {e['interactions']:,} interactions")
    for p in data["engagement"]["top"]:
        print(f"  top post: {p['total']:,} {p['posted_at'][:10]} {p['account']}"
              f" {first_line(p['text'] or '', 60) or '(no text kept)'}")
    b = data["best_times"]
    best = ", ".join(f"{s['weekday']} {s['hour']:02d}:00" for s in b["best"][:3])
    print(f"  best times: {best}" + (" (default pattern: too few posts)" if b["fallback"] else ""))
    c = data["crisis"]
    print(f"  crisis watch: {c['status']}" + (f" ({', '.join(c['alerts'])})" if c["alerts"] else ""))
    for g in data["goals"]:
        current = "no data yet" if g["current"] is None else f"{g['current']:,.2f}"
        print(f"  goal {g['id']} {g['name']}: {current} / {g['target']:g} by {g['due_date']}, {g['forecast']}")


def goal_command(store: Store, args) -> int:
    from cmtui.metrics.goals import add_goal, delete_goal, goal_progress

    if args.goal_action == "add":
        goal_id = add_goal(store, args.name, args.metric, args.target, args.by, account=args.account)
        print(f"goal {goal_id} added")
        return 0
    if args.goal_action == "remove":
        delete_goal(store, args.goal_id)
        print(f"goal {args.goal_id} removed")
        return 0
    goals = [g.to_json() for g in goal_progress(store)]
    if args.json:
        print_json(goals)
        return 0
    print_table(["ID", "NAME", "METRIC", "ACCOUNT", "TARGET", "CURRENT", "DUE", "FORECAST"],
                [[g["id"], g["name"], g["metric"], g["account"] or "all", f"{g['target']:g}",
                  "-" if g["current"] is None else f"{g['current']:g}", g["due_date"], g["forecast"]] for g in goals],
                [None, 30, None, None, None, None, None, None])
    return 0
