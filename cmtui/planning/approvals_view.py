"""What the approvals screen shows: the posts waiting for approval (every one, whatever its
date, oldest request first, a series as one row) and the highlighted one in full. No Textual:
the screen (and a browser session of it, `cmtui serve`) reads these typed values.

The list is one query; only the highlighted entry's detail reads more (its variants, history
and conflicts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cmtui.errors import InputError
from cmtui.model import Attachment, parse_iso
from cmtui.planning.approval import approvers_for, authors_of, is_author
from cmtui.planning.threads import parts_of
from cmtui.team import same_person

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


@dataclass(frozen=True)
class Waiting:
    """One row of the list."""

    entry_id: int
    text: str
    account: str | None
    variant_accounts: tuple[str, ...]
    at: datetime | None  # when it goes out (a series: its start)
    repeats: bool
    requested_by: str  # who asked for approval (the latest transition into needs_approval)
    requested_at: datetime | None
    created_by: str
    authors: frozenset[str] = frozenset()  # who may not approve it with approval = "other" (approval.authors)

    @property
    def accounts(self) -> tuple[str, ...]:
        """Every account it goes to: its own, then those with a variant."""
        return tuple(dict.fromkeys(a for a in (self.account, *self.variant_accounts) if a))


@dataclass(frozen=True)
class Variant:
    account: str
    parts: list[str]  # a thread's parts (one for a plain post)


@dataclass(frozen=True)
class Step:
    """One change of status in the entry's history."""

    at: str
    who: str
    before: str | None
    after: str
    comment: str


@dataclass(frozen=True)
class Detail:
    """The highlighted entry in full."""

    entry: Any  # the entry's row (status, time, account, language, visibility, place, notes, ...)
    parts: list[str]
    variants: list[Variant]
    media: list[Attachment]
    conflicts: list[str]
    history: list[Step]


def waiting(store: Store) -> list[Waiting]:
    """The entries waiting for approval, oldest request first."""
    rows = store.entries.awaiting_approval()
    wrote = authors_of(store, rows)
    return [Waiting(entry_id=row["id"], text=row["text"], account=row["account"],
                    variant_accounts=tuple(sorted((row["variant_accounts"] or "").split("\n")) if row["variant_accounts"]
                                           else ()),
                    at=parse_iso(row["scheduled_at"]), repeats=bool(row["rrule"]),
                    requested_by=row["requested_by"] or row["created_by"] or "",
                    requested_at=parse_iso(row["requested_at"]), created_by=row["created_by"] or "",
                    authors=frozenset(wrote[row["id"]]))
            for row in rows]


def detail(store: Store, settings: Settings, entry_id: int, now: datetime | None = None) -> Detail | None:
    """An entry with its variants, images, the conflicts planning finds for it and its
    history; None when it is gone (deleted by someone else meanwhile)."""
    from cmtui.planning.conflicts import of_entry

    entry = store.entries.get(entry_id)
    if entry is None:
        return None
    media = []
    for found in store.entries.media(entry):
        try:
            media.append(Attachment.from_json(found))
        except (KeyError, TypeError, ValueError):  # a damaged record: the others still show
            continue
    return Detail(
        entry=entry, parts=_parts(entry["text"], entry["thread"]),
        variants=[Variant(v["account"], _parts(v["text"], entry["thread"])) for v in store.entries.variants(entry_id)],
        media=media, conflicts=of_entry(store, settings, entry_id, now),
        history=[Step(t["at"], t["who"] or "", t["from_status"], t["to_status"], t["comment"] or "")
                 for t in store.entries.transitions(entry_id)])


def _parts(text: str, thread) -> list[str]:
    """A thread's parts; a stored text with an empty part (written elsewhere) shows whole."""
    try:
        return parts_of(text, thread)
    except InputError:
        return [text]


def approvers(settings: Settings) -> list[str]:
    return [name for name in (settings.approvers or []) if name]


def may_decide(settings: Settings, who: str) -> bool:
    """Whether this person may approve or send back posts at all (the approval rules of
    cmtui.planning.entries decide each one: their own post with approval = "other")."""
    named = approvers(settings)
    if not named:
        return not settings.approval_required  # nobody named: anyone, unless approval is required
    return any(same_person(who, name) for name in named)


def own(settings: Settings, row: Waiting, who: str) -> bool:
    """Whether the post is this person's own and, with approval = "other", another approver
    decides (cmtui.planning.approval's rule)."""
    return is_author(settings, set(row.authors), who)


def who_else(settings: Settings, row: Waiting) -> list[str]:
    """The approvers who may approve this post (approval.approvers_for)."""
    return approvers_for(settings, set(row.authors))
