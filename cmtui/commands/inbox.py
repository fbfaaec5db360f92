"""cmtui inbox reply | done | like | boost: local decisions, stored before anything else happens; a reply
is queued in the outbox with them. Each is recorded for the person working, or with --as NAME
a teammate (only where the settings allow acting for others)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from cmtui.compose import queue_reply
from cmtui.i18n import _
from cmtui.model import utcnow
from cmtui.team import acting
from cmtui.triage.collisions import collision, refusal

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def inbox_reply(store: Store, settings: Settings, args) -> int:
    """A second answer (a teammate answered the item, or is writing one) is refused with one
    line and exit 1, nothing queued, unless --again says it is meant."""
    who = acting(settings, args.as_)
    item = store.inbox.require(args.item_id)
    with store.transaction():  # checked and queued under one write lock: a teammate cannot slip in between
        found = None if args.again else collision(store, item["id"], who, utcnow())
        op_id = None if found else queue_reply(store, item["id"], args.text, who=who)
    if found is not None:
        print(f"cmtui: {refusal(found)}", file=sys.stderr)
        return 1
    print(_("reply queued as outbox operation {id}; the next sync sends it").format(id=op_id))
    return 0


def inbox_done(store: Store, settings: Settings, args) -> int:
    who = acting(settings, args.as_)
    item = store.inbox.require(args.item_id)
    if item["state"] == "done":
        print(_("item {id} was already done").format(id=item["id"]))
        return 0
    store.triage.done([item["id"]], who)
    print(_("item {id} marked done").format(id=item["id"]))
    return 0


def _react(store: Store, settings: Settings, args, what: str) -> int:
    """`inbox like|boost ITEM_ID [--undo]`: queued with the item's mark. Already so (or not
    liked, for --undo): a line saying so, exit 0, nothing queued (as `inbox done` does)."""
    from cmtui.sync.connectors import profile_for
    from cmtui.triage.likes import check, past, react

    who = acting(settings, args.as_)
    item = check(store, args.item_id, what)
    profile = profile_for(item["platform"])
    reaction = react(store, item["id"], what, undo=args.undo, answers=settings.like_answers, who=who)
    if reaction is None:
        # i18n: {done} is what the platform calls the reaction, done: liked, favourited, boosted
        said = _("item {id} is not {done}; nothing queued") if args.undo else \
            _("item {id} is already {done}; nothing queued")
        print(said.format(id=item["id"], done=past(profile, what)))
        return 0
    print(reaction.message(profile))
    return 0


def inbox_like(store: Store, settings: Settings, args) -> int:
    return _react(store, settings, args, "like")


def inbox_boost(store: Store, settings: Settings, args) -> int:
    return _react(store, settings, args, "share")
