"""Read-only list commands: inbox, calendar, outbox, accounts."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import TYPE_CHECKING

from cmtui import l10n, team
from cmtui.commands.output import (ENTRY_STATUS, INBOX_STATE, ITEM_KIND, OUTBOX_STATE, SYNC_STATE, age, json_language,
                                   local_time, print_json, print_table, shown, shown_width)
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext
from cmtui.model import iso
from cmtui.planning.approval import Request, requests
from cmtui.planning.threads import raw_parts
from cmtui.planning.timeparse import parse_when
from cmtui.store import InboxFilter, Store
from cmtui.store.calendar import entry_json
from cmtui.store.inbox import ALL_STATES, item_json
from cmtui.store.outbox import op_json
from cmtui.text import first_line
from cmtui.triage.search import narrow

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.planning.recurrence import Occurrence


def inbox_list(store: Store, settings: Settings, args) -> int:
    if args.limit is not None and args.limit < 1:
        raise InputError(_("--limit must be a positive number"))
    states = ALL_STATES if args.state == "all" else ((args.state,) if args.state else ("new", "open"))
    # --assigned me|NAME: a teammate's items (an unknown name is one clear error).
    assignee = team.resolve(settings, args.assigned) if args.assigned is not None else None
    # --search takes the TUI's syntax: words (the last one a prefix) and from: label: lang:
    # is:question state: kind: assigned: filters; a state: in the query overrides --state.
    item_filter = narrow(InboxFilter(states=states, assignee=assignee), args.search or "", me=settings.username)
    rows = store.inbox.page(item_filter, 0, args.limit or 1_000_000_000)
    if args.json:
        print_json([item_json(r) for r in rows])
        return 0
    print_table(
        ["ID", _("STATE"), _("AGE"), _("ACCOUNT"), _("KIND"), _("AUTHOR"), _("TEXT")],
        [[r["id"], shown(INBOX_STATE, r["state"]), age(r["created_at"]), r["account"], shown(ITEM_KIND, r["kind"]),
          r["author"], first_line(r["text"])] for r in rows],
        [None, shown_width(INBOX_STATE, 7), 4, None, shown_width(ITEM_KIND, 7), 24, 60],
    )
    return 0


def calendar_list(store: Store, settings: Settings, args) -> int:
    tz = settings.tzinfo()
    status = getattr(args, "status", None)
    # Without --from the range starts today; without either, the undated ideas and drafts
    # are listed too. Entries waiting for approval without --from: every one, whatever its
    # date (one left waiting in the past is exactly what an approver must see).
    waiting = status == "needs_approval" and not args.from_
    start = parse_when(args.from_, tz) if args.from_ else parse_when("today", tz)
    end = parse_when(args.to, tz) if args.to else None
    undated = not args.from_ and not args.to
    if end is not None and end.time().isoformat() == "00:00:00":
        end += timedelta(days=1)  # --to 2026-12-31 includes that day
    if end is not None and end <= start and not waiting:
        raise InputError(_("--to must be after --from ({to} is before {start})").format(to=args.to, start=args.from_)
                         if args.from_ else _("--to {to} is before today, where the list starts without --from;"
                                              " give --from too").format(to=args.to))
    # Repeating posts are listed once per occurrence, over the range or, without --to, the
    # next SERIES_HORIZON; single entries further out are listed too.
    from cmtui.planning.conflicts import Conflicts, in_window

    listed: list[tuple[sqlite3.Row, str | None, Occurrence | None]] = []
    horizon = end or start + SERIES_HORIZON
    conflicts = Conflicts()
    if horizon > start:
        with json_language(args.json):  # the conflicts' reasons and the repeat rules in words
            found, conflicts = in_window(store, settings, start, horizon, tz)
        listed += [(o.entry, iso(o.at), o) for o in found]
    if waiting:  # before the range, first; a series already listed by its occurrences is not repeated
        shown_ids = {o.series_id or o.entry_id for _row, _when, o in listed if o is not None}
        before = iso(min(start, horizon))
        earlier = [r for r in store.entries.awaiting_approval() if r["parent_id"] is None
                   and r["scheduled_at"] is not None and r["scheduled_at"] < before and r["id"] not in shown_ids]
        listed[:0] = [(r, r["scheduled_at"], None) for r in sorted(earlier, key=lambda r: (r["scheduled_at"], r["id"]))]
    if end is None:
        listed += [(r, r["scheduled_at"] or r["published_at"], None)
                   for r in store.entries.between(iso(horizon), None)]
    if undated or waiting:
        listed += [(r, None, None) for r in store.entries.undated()]
    if status:
        listed = [(row, when, o) for row, when, o in listed
                  if row["status"] == status and not (o is not None and o.skipped)]
    asked = requests(store, {row["id"] for row, _when, _o in listed if row["status"] == "needs_approval"})
    if args.json:
        with json_language(True):
            print_json([_occurrence_json(row, when, o, conflicts if o is not None else Conflicts(), tz,
                                         asked.get(row["id"])) for row, when, o in listed])
        return 0
    headers = ["ID", _("WHEN"), _("STATUS"), _("ACCOUNT"), _("TEXT")]
    rows = [[row["id"], local_time(when, tz), shown(ENTRY_STATUS, "skipped" if o is not None and o.skipped
                                                    else row["status"]),
             row["account"] or "-", ("↻ " if o is not None and o.is_recurring else "") + first_line(row["text"])]
            for row, when, o in listed]
    widths: list[int | None] = [None, 16, shown_width(ENTRY_STATUS, 14), None, 70]
    if status == "needs_approval":  # who asked, and how long ago
        headers.insert(4, _("ASKED BY"))
        widths.insert(4, None)
        for line, (row, _when, _o) in zip(rows, listed):
            request = asked.get(row["id"])
            line.insert(4, f"{request.who} ({age(request.at)})" if request else "-")
    print_table(headers, rows, widths)
    return 0


SERIES_HORIZON = timedelta(days=90)


def _occurrence_json(row, when: str | None, occurrence, conflicts, tz, request: Request | None = None) -> dict:
    """An entry as `calendar list --json` shows it; an occurrence of a repeating post carries
    its own time, and says which series it belongs to and whether it is skipped. `repeat`:
    the rule in words (null without one); `conflicts`: why it is too close to another post
    of its account, or on a day over the maximum (empty when neither); `created_by`; and for
    an entry waiting for approval who asked for it and when (`requested_by`, `requested_at`,
    null otherwise)."""
    from cmtui.model import parse_iso
    from cmtui.planning.rule_words import describe_or_none

    data = entry_json(row)
    data["parts"] = raw_parts(row["text"]) if row["thread"] else [row["text"]]  # what it publishes, in order
    data["repeat"] = describe_or_none(row["rrule"], parse_iso(row["scheduled_at"]), tz)
    data["conflicts"] = conflicts.all_for(occurrence, tz)
    if occurrence is not None and occurrence.is_recurring:
        data.update(scheduled_at=when, series_id=occurrence.series_id, skipped=occurrence.skipped)
    waiting = request if row["status"] == "needs_approval" else None
    data.update(created_by=row["created_by"], requested_by=waiting.who if waiting else None,
                requested_at=waiting.at if waiting else None)
    return data


def outbox_list(store: Store, args) -> int:
    rows = store.outbox.list()
    if args.json:
        print_json([op_json(r) for r in rows])
        return 0
    print_table(
        ["ID", _("KIND"), _("STATE"), _("TRIES"), _("ACCOUNT"), _("WHAT"), _("LAST ERROR")],
        [[r["id"], r["kind"], shown(OUTBOX_STATE, r["state"]), r["attempts"], r["account"], _what(r),
          r["last_error"] or ""]
         for r in rows],
        [None, 10, shown_width(OUTBOX_STATE, 8), 5, None, 40, 50],
    )
    return 0


def _what(op) -> str:
    """What the operation sends, in a few words: the text of a post or reply (with its time
    when scheduled), the author a mute, block or report is about."""
    payload = op_json(op)["payload"]
    acct = payload.get("acct") or ""
    what = first_line(payload.get("text") or "") or (acct if acct.startswith("@") else f"@{acct}" if acct else "")
    if payload.get("scheduled_at"):
        what = f"{payload['scheduled_at'][:16].replace('T', ' ')} {what}"
    return what


def account_list(store: Store, args) -> int:
    accounts = store.accounts.list()
    if args.json:
        print_json([a.to_json() for a in accounts])
        return 0
    print_table(
        [_("NAME"), _("PLATFORM"), _("INSTANCE"), _("HANDLE"), _("STATE"), _("LAST SYNC"), _("ERROR")],
        [[a.name, a.platform, a.server or _("(not connected)") if a.offline else a.server, a.handle or "",
          shown(SYNC_STATE, "offline" if a.offline else a.sync_state), age(a.last_sync_at), a.last_error or ""]
         for a in accounts],
        [None, None, None, None, shown_width(SYNC_STATE, 8), 9, 50],
    )
    for account in accounts:
        if account.places:
            print(_places_line(account))
    return 0


def _places_line(account) -> str:
    """An account's places in one line: names, members, support marked; private
    conversations only counted (there may be hundreds)."""
    from cmtui.sync.connectors import profile_for

    profile = profile_for(account.platform)
    places = []
    for place in account.places:
        if not place.direct:
            members = l10n.number(place.members)
            places.append((ngettext("{place} ({n} member, support)", "{place} ({n} members, support)", place.members)
                           if place.support else ngettext("{place} ({n} member)", "{place} ({n} members)",
                                                          place.members)).format(place=place.shown, n=members))
    direct = sum(1 for p in account.places if p.direct)
    if direct:
        places.append(ngettext("{n} direct conversation", "{n} direct conversations", direct).format(
            n=l10n.number(direct)))
    # i18n: {places} names the platform's places (rooms); {list}: each with its members
    return _("{account} {places}: {list}").format(account=account.name, places=profile.place_word(plural=True),
                                                   list="; ".join(places))
