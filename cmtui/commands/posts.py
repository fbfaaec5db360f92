"""cmtui post add: a calendar entry from the command line, stored (with its outbox post)
before anything else happens; the next sync publishes or schedules it."""

from __future__ import annotations
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.planning.entries import create_entry
from cmtui.planning.platforms import default_place, place_label, postable_places
from cmtui.planning.timeparse import parse_when

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def post_add(store: Store, settings: Settings, args) -> int:
    tz = settings.tzinfo()
    when = parse_when(args.at, tz) if args.at else None
    who = settings.username
    if args.draft:
        status = "draft"
    elif settings.approval_required:
        status = "needs_approval"
    else:
        status = "scheduled"
    place = _place(store, args, status)
    entry_id = create_entry(store, settings, text=args.text, account=args.account, when=when, status=status, who=who,
                            place=place)
    local = when.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z").strip() if when else None
    where = f"{args.account}, {local}" if local else args.account
    if status == "draft":
        print(f"entry {entry_id} saved as a draft ({where})")
    elif status == "needs_approval":
        approvers = ", ".join(a for a in settings.approvers if a) or "none named in the settings"
        print(f"entry {entry_id} ({where}) needs approval before it is published (approvers: {approvers})")
    elif when is None:
        print(f"entry {entry_id} queued for {args.account}; the next sync publishes it")
    else:
        print(f"entry {entry_id} scheduled for {local} on {args.account}; the next sync hands it to the server")
    _warn_conflicts(store, settings, entry_id)
    return 0


def _warn_conflicts(store: Store, settings: Settings, entry_id: int) -> None:
    """A warning line on stderr per calendar conflict (too close to another post of the
    account, or a day over the maximum); the entry is saved all the same."""
    import sys

    from cmtui.planning.conflicts import of_entry

    for reason in of_entry(store, settings, entry_id):
        print(f"cmtui: warning: entry {entry_id}: {reason}", file=sys.stderr)


def _place(store: Store, args, status: str) -> str | None:
    """--place, else the account's one announcements place; a post that must go to a place
    (not a draft) is refused when neither says where."""
    account = store.accounts.get(args.account)
    label = place_label(account)
    if args.place or not label or account is None:  # (an unknown account: create_entry says so)
        return args.place
    place = default_place(account)
    if place is None and status != "draft":
        names = ", ".join(p.shown for p in postable_places(account)) or f"none known yet: sync {account.name} first"
        raise InputError(f"{account.name} posts to a {label}: choose one with --place ({names})")
    return place
