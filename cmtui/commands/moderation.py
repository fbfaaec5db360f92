"""cmtui moderation list | act | log: the moderation queue and its audit log."""

from __future__ import annotations
from typing import TYPE_CHECKING

from cmtui.commands.output import age, print_json, print_table
from cmtui.errors import InputError
from cmtui.store.moderation import flag_json, log_json
from cmtui.text import first_line

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

CLI_ACTIONS = ("approve", "hide", "mute", "block", "report", "kick", "ban", "unban")


def moderation_list(store: Store, args) -> int:
    rows = store.moderation.queue(limit=1_000_000_000)
    entries = [flag_json(r) | {"kind": "report" if r["report_id"] else "flag"} for r in rows]
    if args.json:
        print_json(entries)
        return 0
    print_table(
        ["ID", "ITEM", "AGE", "RULE", "AUTHOR", "REASON", "TEXT"],
        [[e["id"], e["item_id"] if e["item_id"] else f"r{e['report_id']}", age(e["created_at"]), e["rule"],
          e["author"] or "", first_line(e["reason"]), first_line(e["text"] or "")] for e in entries],
        [None, None, 4, 18, 24, 30, 50],
    )
    return 0


def moderation_act(store: Store, settings: Settings, args) -> int:
    """ITEM_ID is an inbox item id; rN names an instance report (approve resolves it)."""
    from cmtui.moderation.actions import act, act_report

    who = settings.username
    comment = args.comment or ""
    if str(args.item_id)[:1] in ("r", "R"):
        if args.decision != "approve":
            raise InputError("an instance report is approved (resolved) here; account actions are in the TUI")
        outcome = act_report(store, args.item_id, "resolve", who=who, text=comment)
        print(f"report r{outcome.report_id} resolved; outbox operation {outcome.outbox_id} tells the server")
        return 0
    all_items = getattr(args, "all_items", False)
    [outcome, *others] = act(store, settings, [args.item_id], args.decision, who=who, comment=comment,
                             all_items=all_items)
    if outcome.outbox_id is None:
        print(f"item {outcome.item_id}: {args.decision} recorded")
    elif outcome.reused:
        print(f"item {outcome.item_id}: {args.decision} already waiting as outbox operation {outcome.outbox_id}")
    else:
        print(f"item {outcome.item_id}: {args.decision} queued as outbox operation {outcome.outbox_id};"
              " the next sync sends it")
    if all_items:
        ids = ", ".join(str(o.item_id) for o in others)
        print(f"{len(others)} other open item{'s' if len(others) != 1 else ''} of the author left the queue"
              f" and the inbox: {ids}" if others else "the author has no other open items")
    return 0


def moderation_log(store: Store, args) -> int:
    rows = store.moderation.log()
    if args.json:
        print_json([log_json(r) for r in rows])
        return 0
    print_table(
        ["ID", "AT", "WHO", "ACTION", "ITEM", "COMMENT"],
        [[r["id"], r["at"], r["who"], r["action"], r["item_id"] or (f"r{r['report_id']}" if r["report_id"] else ""),
          first_line(r["comment"] or "")] for r in rows],
        [None, 20, 16, 16, None, 60],
    )
    return 0
