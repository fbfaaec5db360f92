"""cmtui moderation list | act | log: the moderation queue and its audit log."""

from __future__ import annotations
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.commands.output import DECISION, age, print_json, print_table, shown
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext
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
        ["ID", _("ITEM"), _("AGE"), _("RULE"), _("AUTHOR"), _("REASON"), _("TEXT")],
        [[e["id"], e["item_id"] if e["item_id"] else f"r{e['report_id']}", age(e["created_at"]), e["rule"],
          e["author"] or "", first_line(e["reason"]), first_line(e["text"] or "")] for e in entries],
        [None, None, 4, 18, 24, 30, 50],
    )
    return 0


def moderation_act(store: Store, settings: Settings, args) -> int:
    """ITEM_ID is an inbox item id; rN names an instance report (approve resolves it)."""
    from cmtui.moderation.actions import act, act_report

    from cmtui.team import acting

    who = acting(settings, getattr(args, "as_name", None))  # --as NAME: only where the team allows it
    comment = args.comment or ""
    if str(args.item_id)[:1] in ("r", "R"):
        if args.decision != "approve":
            raise InputError(_("an instance report is approved (resolved) here; account actions are in the TUI"))
        outcome = act_report(store, args.item_id, "resolve", who=who, text=comment)
        print(_("report r{report} resolved; outbox operation {op} tells the server").format(
            report=outcome.report_id, op=outcome.outbox_id))
        return 0
    all_items = getattr(args, "all_items", False)
    [outcome, *others] = act(store, settings, [args.item_id], args.decision, who=who, comment=comment,
                             all_items=all_items)
    decision = shown(DECISION, args.decision)
    if outcome.outbox_id is None:
        print(_("item {id}: {decision} recorded").format(id=outcome.item_id, decision=decision))
    elif outcome.reused:
        print(_("item {id}: {decision} already waiting as outbox operation {op}").format(
            id=outcome.item_id, decision=decision, op=outcome.outbox_id))
    else:
        print(_("item {id}: {decision} queued as outbox operation {op}; the next sync sends it").format(
            id=outcome.item_id, decision=decision, op=outcome.outbox_id))
    if all_items:
        ids = ", ".join(str(o.item_id) for o in others)
        print(ngettext("{n} other open item of the author left the queue and the inbox: {ids}",
                       "{n} other open items of the author left the queue and the inbox: {ids}",
                       len(others)).format(n=l10n.number(len(others)), ids=ids)
              if others else _("the author has no other open items"))
    return 0


def moderation_log(store: Store, args) -> int:
    rows = store.moderation.log()
    if args.json:
        print_json([log_json(r) for r in rows])
        return 0
    print_table(
        ["ID", _("AT"), _("WHO"), _("ACTION"), _("ITEM"), _("COMMENT")],
        [[r["id"], r["at"], r["who"], shown(DECISION, r["action"]),
          r["item_id"] or (f"r{r['report_id']}" if r["report_id"] else ""), first_line(r["comment"] or "")]
         for r in rows],
        [None, 20, 16, 16, None, 60],
    )
    return 0
