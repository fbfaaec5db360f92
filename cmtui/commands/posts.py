"""cmtui post add: a calendar entry from the command line, stored (with its outbox post)
before anything else happens; the next sync publishes or schedules it."""

from __future__ import annotations
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.planning.entries import create_entry
from cmtui.planning.platforms import default_place, place_label, postable_places
from cmtui.planning.threads import raw_parts
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
    pairs = media_pairs(getattr(args, "media_args", None) or [])
    media = []
    folder = store.media_dir()
    before = set(folder.iterdir()) if folder.is_dir() else set()
    if pairs:
        from cmtui.media import keep_all

        account = store.accounts.get(args.account)  # (unknown: create_entry says so, nothing copied)
        if account is not None:
            media = keep_all(pairs, folder, account, alt_required=settings.media_alt_required)
    try:
        entry_id = create_entry(store, settings, text=args.text, account=args.account, when=when, status=status,
                                who=who, place=place, media=media,
                                thread=getattr(args, "thread", False))
    except InputError:
        for copy in set(folder.iterdir()) - before if media else ():  # refused: the copies made for it go too
            copy.unlink(missing_ok=True)
        raise
    local = when.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z").strip() if when else None
    where = f"{args.account}, {local}" if local else args.account
    parts = len(raw_parts(store.entries.require(entry_id)["text"])) if getattr(args, "thread", False) else 1
    label = f"entry {entry_id}" + (f" (a thread of {parts} parts)" if parts > 1 else "")
    if status == "draft":
        print(f"{label} saved as a draft ({where})")
    elif status == "needs_approval":
        approvers = ", ".join(a for a in settings.approvers if a) or "none named in the settings"
        print(f"{label} ({where}) needs approval before it is published (approvers: {approvers})")
    elif when is None:
        print(f"{label} queued for {args.account}; the next sync publishes it")
    else:
        print(f"{label} scheduled for {local} on {args.account}; the next sync hands it to the server")
    _warn_conflicts(store, settings, entry_id)
    return 0


def media_pairs(options: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """--media PATH [--alt TEXT] ... as (path, alt) in order; InputError for an --alt with no
    --media before it, or a second --alt for one file."""
    pairs: list[tuple[str, str | None]] = []
    for option, value in options:
        if option == "--media":
            pairs.append((value, None))
        elif not pairs:
            raise InputError("--alt must follow the --media it describes")
        elif pairs[-1][1] is not None:
            raise InputError(f"--alt given twice for {pairs[-1][0]}; give one --alt after each --media")
        else:
            pairs[-1] = (pairs[-1][0], value)
    return pairs


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
