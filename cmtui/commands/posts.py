"""cmtui post add: a calendar entry from the command line, stored (with its outbox post)
before anything else happens; the next sync publishes or schedules it. cmtui post submit,
approve and reject: the approval steps, recorded with the person acting (--as NAME for a
teammate where the settings allow it)."""

from __future__ import annotations
from typing import TYPE_CHECKING

from cmtui import l10n, team
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext
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
    who = team.acting(settings, getattr(args, "as_", None))
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
    local = _local(when.astimezone(tz)) if when else None
    where = f"{args.account}, {local}" if local else args.account
    parts = len(raw_parts(store.entries.require(entry_id)["text"])) if getattr(args, "thread", False) else 1
    # i18n: {label} below is "entry 12" or "entry 12 (a thread of 3 parts)"
    label = (ngettext("entry {id} (a thread of {n} part)", "entry {id} (a thread of {n} parts)", parts)
             if parts > 1 else _("entry {id}")).format(id=entry_id, n=l10n.number(parts))
    if status == "draft":
        print(_("{label} saved as a draft ({where})").format(label=label, where=where))
    elif status == "needs_approval":
        from cmtui.planning.approval import approvers_for

        approvers = ", ".join(approvers_for(settings, {who})) or _("none named in the settings")
        print(_("{label} ({where}) needs approval before it is published (approvers: {approvers})").format(
            label=label, where=where, approvers=approvers))
    elif when is None:
        print(_("{label} queued for {account}; the next sync publishes it").format(label=label, account=args.account))
    else:
        print(_("{label} scheduled for {when} on {account}; the next sync hands it to the server").format(
            label=label, when=local, account=args.account))
    _warn_conflicts(store, settings, entry_id)
    return 0


def post_submit(store: Store, settings: Settings, args) -> int:
    from cmtui.planning.approval import approvers_for, authors
    from cmtui.planning.entries import submit_for_approval

    who = team.acting(settings, args.as_)
    submit_for_approval(store, settings, args.entry_id, who=who, comment=(args.comment or "").strip())
    entry = store.entries.require(args.entry_id)
    approvers = ", ".join(approvers_for(settings, authors(store, entry))) or _("nobody is named yet")
    print(_("entry {id} is waiting for approval, asked by {who} (approvers: {approvers})").format(
        id=entry["id"], who=who, approvers=approvers))
    return 0


def post_approve(store: Store, settings: Settings, args) -> int:
    from cmtui.planning.entries import approve

    who = team.acting(settings, args.as_)
    approve(store, settings, args.entry_id, who=who, comment=(args.comment or "").strip())
    print(_("entry {id} approved by {who}").format(id=store.entries.require(args.entry_id)["id"], who=who))
    return 0


def post_reject(store: Store, settings: Settings, args) -> int:
    from cmtui.planning.entries import reject

    who = team.acting(settings, args.as_)
    reject(store, settings, args.entry_id, who=who, comment=args.comment)
    print(_("entry {id} sent back to draft by {who}").format(id=store.entries.require(args.entry_id)["id"], who=who))
    return 0


def _local(when) -> str:
    """A moment in the settings' timezone, as the language writes it, with the zone's name."""
    return f"{l10n.day_year_time(when)} {when.strftime('%Z')}".strip()


def media_pairs(options: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """--media PATH [--alt TEXT] ... as (path, alt) in order; InputError for an --alt with no
    --media before it, or a second --alt for one file."""
    pairs: list[tuple[str, str | None]] = []
    for option, value in options:
        if option == "--media":
            pairs.append((value, None))
        elif not pairs:
            raise InputError(_("--alt must follow the --media it describes"))
        elif pairs[-1][1] is not None:
            raise InputError(_("--alt given twice for {path}; give one --alt after each --media").format(
                path=pairs[-1][0]))
        else:
            pairs[-1] = (pairs[-1][0], value)
    return pairs


def _warn_conflicts(store: Store, settings: Settings, entry_id: int) -> None:
    """A warning line on stderr per calendar conflict (too close to another post of the
    account, or a day over the maximum); the entry is saved all the same."""
    import sys

    from cmtui.planning.conflicts import of_entry

    for reason in of_entry(store, settings, entry_id):
        print("cmtui: " + _("warning: entry {id}: {reason}").format(id=entry_id, reason=reason), file=sys.stderr)


def _place(store: Store, args, status: str) -> str | None:
    """--place, else the account's one announcements place; a post that must go to a place
    (not a draft) is refused when neither says where."""
    account = store.accounts.get(args.account)
    label = place_label(account)
    if args.place or not label or account is None:  # (an unknown account: create_entry says so)
        return args.place
    place = default_place(account)
    if place is None and status != "draft":
        names = ", ".join(p.shown for p in postable_places(account)) or _("none known yet: sync {account} first").format(
            account=account.name)
        # i18n: {place} is what the platform calls a place (a room)
        raise InputError(_("{account} posts to a {place}: choose one with --place ({names})").format(
            account=account.name, place=_(label), names=names))
    return place
