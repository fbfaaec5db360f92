"""Our like and share of an inbox item (what the platform calls them: its profile's words),
queued in the outbox with the local mark, and taken back.

Each is one transaction: the item's mark (inbox_items.liked_at / shared_at, set when queued),
the outbox operation and the triage log row (so `u` can take it back). Taking back a like that
has not left yet withdraws it: nothing is sent at all. Otherwise the undo is an operation of
its own, sent after the like (outbox_ops waits for it) with what the like's result says it
needs (the like's own id on platforms where a like is a record or an event).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.store.base import loads, now
from cmtui.sync.connectors import profile_for
from cmtui.sync.connectors.platform_profile import Capability, PlatformProfile

if TYPE_CHECKING:
    from cmtui.store import Store

WHATS = ("like", "share")
UNDO_KIND = {"like": "unlike", "share": "unshare"}
KIND_OF = {"like": "like", "unlike": "like", "share": "share", "unshare": "share"}  # op kind -> what
KINDS = tuple(KIND_OF)  # the outbox kinds of this module
_CAPABILITY = {"like": Capability.LIKE, "share": Capability.SHARE}


def pair(what: str) -> tuple[str, str]:
    """The outbox kinds of one what: doing it and taking it back."""
    return what, UNDO_KIND[what]


def verb(profile: PlatformProfile, what: str, undo: bool = False) -> str:
    """The platform's verb in the interface's language: favourite, boost, unfavourite..."""
    return profile.verb(what, undo)


def past(profile: PlatformProfile, what: str) -> str:
    """favourited, boosted... in the interface's language."""
    return profile.past(what)


def can(platform: str, what: str) -> bool:
    return _CAPABILITY[what] in profile_for(platform).capabilities


def is_done(item, what: str) -> bool:
    """Whether the item carries our like (share), queued or sent."""
    return item["liked_at" if what == "like" else "shared_at"] is not None


@dataclass(frozen=True)
class Reaction:
    """What one call changed for one item."""

    item_id: int
    what: str  # like / share
    undo: bool  # taken back (else done)
    op_id: int | None = None  # the operation queued; None when a waiting one was withdrawn instead
    withdrawn: int | None = None  # the operation withdrawn (nothing is sent)

    def message(self, profile: PlatformProfile) -> str:
        said = verb(profile, self.what, self.undo)
        if self.withdrawn is not None:
            # i18n: {action} and {other} are the platform's verbs ("unfavourite", "favourite")
            return _("item {id}: {action} — the {other} had not been sent, so nothing is sent").format(
                id=self.item_id, action=said, other=verb(profile, self.what, not self.undo))
        # i18n: {action} is the platform's verb ("favourite", "boost")
        return _("item {id}: {action} queued as outbox operation {op}; the next sync sends it").format(
            id=self.item_id, action=said, op=self.op_id)


def check(store: Store, item_id, what: str):
    """The item, if the platform can do `what` to it; InputError (one sentence) otherwise."""
    if what not in WHATS:
        raise InputError(_("unknown action '{what}' (like, share)").format(what=what))
    item = store.inbox.require(item_id)
    profile = profile_for(item["platform"])
    profile.require(_CAPABILITY[what], verb(profile, what))
    return item


def _not_deleted(item, what: str) -> None:
    """A deleted item can have our like taken back (already gone is done), not given."""
    if item["deleted_at"]:
        # i18n: {done} is the platform's past participle ("favourited", "boosted")
        raise InputError(_("item {id} was deleted on its platform; it cannot be {done}").format(
            id=item["id"], done=past(profile_for(item["platform"]), what)))


def react(store: Store, item_id, what: str, *, undo: bool, answers: bool = False, who: str = "",
          log: bool = True) -> Reaction | None:
    """Like (share) an item, or take it back (undo). None when it already is so (nothing
    changes). answers: the like counts as the item's answer once sent (like_answers).
    who: logged for `u` (log=False: this call is itself an undo)."""
    item = check(store, item_id, what)
    if is_done(item, what) != undo:
        return None
    if not undo:
        _not_deleted(item, what)
    with store.transaction():
        reaction = _react(store, item, what, undo, answers, who or None)
        if log:
            store.triage.log([item["id"]], UNDO_KIND[what] if undo else what, who or "me")
    return reaction


def react_many(store: Store, item_ids: list[int], what: str, *, answers: bool, who: str) -> tuple[bool, list[Reaction]]:
    """A toggle over several items (the inbox's selection): when every one already carries it,
    take it back from all; else do it to those without. One log row, so `u` takes back all.
    Returns (undone, the reactions). InputError if any item cannot take it (nothing changes)."""
    items = [check(store, item_id, what) for item_id in item_ids]
    undo = all(is_done(item, what) for item in items)
    if not undo:
        for item in items:
            if not is_done(item, what):
                _not_deleted(item, what)
    changed: list[Reaction] = []
    with store.transaction():
        for item in items:
            if is_done(item, what) == undo:
                changed.append(_react(store, item, what, undo, answers, who or None))
        if changed:
            store.triage.log([r.item_id for r in changed], UNDO_KIND[what] if undo else what, who or "me")
    return undo, changed


def _react(store: Store, item, what: str, undo: bool, answers: bool, who: str | None) -> Reaction:
    """In the caller's transaction; who queued it is kept on the operation (outbox.who)."""
    kind = UNDO_KIND[what] if undo else what
    latest = store.outbox.latest_for_item(item["id"], pair(what))
    if latest is not None and latest["kind"] != kind and store.outbox.withdraw(latest["id"]):
        # Its opposite had not left yet: the two cancel out, nothing is sent.
        store.inbox.set_reacted(item["id"], what, now() if not undo else None)
        if not undo:  # a like withdrawn while its undo waited: put back the answer it gave
            _restore_answer(store, item["id"], latest)
        return Reaction(item["id"], what, undo, withdrawn=latest["id"])
    payload: dict = {"remote_id": item["remote_id"]}
    if undo:
        if latest is not None:
            payload["undoes"] = latest["id"]  # the like whose receipt the undo needs
            if what == "like":
                answered = loads(latest["result"], {}).get("answered_at")
                if answered:
                    store.inbox.take_back_like_answer(item["id"], answered)
    elif what == "like" and answers:
        payload["answers"] = True
    op_id = store.outbox.enqueue(item["account_id"], kind, payload, item_id=item["id"], who=who)
    store.inbox.set_reacted(item["id"], what, None if undo else now())
    return Reaction(item["id"], what, undo, op_id=op_id)


def _restore_answer(store: Store, item_id: int, withdrawn_undo) -> None:
    """The undo withdrawn had taken back the answer of the like it undid: answered again."""
    undone = loads(withdrawn_undo["payload"], {}).get("undoes")
    like = store.outbox.row(undone) if undone else None
    answered = loads(like["result"], {}).get("answered_at") if like is not None else None
    if answered:
        store.inbox.restore_answer(item_id, answered)


def undo_last(store: Store, *, answers: bool, who: str | None = None) -> dict | None:
    """`u`: undo the latest decision (of `who`: the person's own, never a teammate's); a like
    or share is taken back (or done again, for an undo of one), anything else restores its
    fields. Returns {action, items} or None; Overtaken (nothing changed) when a teammate
    decided on its items since."""
    row = store.triage.latest(who)
    if row is None or row["action"] not in KINDS:
        return store.triage.undo(who)
    what = KIND_OF[row["action"]]
    undo = row["action"] == what  # the decision was doing it: undoing takes it back
    items = loads(row["item_ids"], [])
    with store.transaction():
        store.triage.check_not_overtaken(row, who)
        for item_id in items:
            item = store.inbox.get(item_id)
            if item is not None and is_done(item, what) == undo:
                _react(store, item, what, undo, answers, who or row["who"] or None)
        store.triage.mark_undone(row["id"])
    return {"action": row["action"], "items": items}
