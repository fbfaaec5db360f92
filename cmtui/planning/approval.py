"""Who may approve a calendar entry. No Textual: the lifecycle (cmtui.planning.entries), the
command line and the approvals screen ask here.

With `approval = "other"` an approver may not approve a post they are the author of. The
authors are whoever created the entry (`created_by`) and whoever last sent it to
needs_approval (the latest transition into it: asking for approval, or an edit of an
approved post that sent it back). Names are compared without regard to case ("Ana" is
"ana"). With `approval = "any"` (or only approval_required) any approver may approve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.team import same_person

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

OTHER = "other"  # i18n: not shown (the setting's value)


@dataclass(frozen=True)
class Request:
    """The latest request for approval of an entry: who sent it to needs_approval, and when
    (an ISO time in UTC)."""

    who: str
    at: str


def requests(store: Store, entry_ids) -> dict[int, Request]:
    """Entry id -> its latest request for approval (entries never sent there are left out);
    one query for all of them."""
    return {entry_id: Request(who, at) for entry_id, (who, at) in store.entries.approval_requests(entry_ids).items()}


def authors(store: Store, entry) -> set[str]:
    """Who counts as the entry's author: who created it, who last sent it to needs_approval and
    whoever changed its content; for one occurrence of a series (made by the sync) the
    series' authors too. (Four eyes: nobody approves words they wrote or changed.)"""
    return authors_of(store, [entry])[entry["id"]]


def authors_of(store: Store, entries) -> dict[int, set[str]]:
    """authors() of several entries (the approvals list), their requests and edits read in
    one query each."""
    series = {}
    for entry in entries:
        if entry["parent_id"] is not None and entry["parent_id"] not in series:
            series[entry["parent_id"]] = store.entries.get(entry["parent_id"])
    ids = [e["id"] for e in entries] + list(series)
    asked, edited = requests(store, ids), store.entries.editors(ids)
    found = {}
    for entry in entries:
        rows = [entry] + [row for row in [series.get(entry["parent_id"])] if row is not None]
        names = {row["created_by"] or "" for row in rows} | {asked[row["id"]].who for row in rows if row["id"] in asked}
        names |= {name for row in rows for name in edited.get(row["id"], ())}
        found[entry["id"]] = {name for name in names if name}
    return found


def is_author(settings: Settings, entry_authors: set[str], who: str) -> bool:
    """Whether `who` may not approve an entry with these authors: approval = "other" and they
    are one of them."""
    return settings.approval == OTHER and any(same_person(who, author) for author in entry_authors)


def approvers_for(settings: Settings, entry_authors: set[str]) -> list[str]:
    """The approvers who may approve an entry with these authors, in the settings' order:
    all of them, or with approval = "other" those who are not among its authors."""
    approvers = [a for a in (settings.approvers or []) if a]
    if settings.approval != OTHER:
        return approvers
    return [a for a in approvers if not any(same_person(a, author) for author in entry_authors)]


def check_not_author(settings: Settings, entry_id: int | None, entry_authors: set[str], who: str) -> None:
    """InputError when approval = "other" and `who` is one of the entry's authors (entry_id
    None: a new entry), naming the approvers who may approve it instead."""
    if not is_author(settings, entry_authors, who):
        return
    others = ", ".join(approvers_for(settings, entry_authors))
    if entry_id is None:
        raise InputError(_("{who} cannot approve a new entry of their own: approval must come from another person;"
                           " ask for approval instead (approvers: {approvers})").format(
            who=who, approvers=others or _("nobody else is named yet")))
    if others:
        raise InputError(_("{who} cannot approve entry {id}: they wrote or changed it or asked for its approval, and approval"
                           " must come from another person (it may be approved by {approvers})").format(
            who=who, id=entry_id, approvers=others))
    raise InputError(_("{who} cannot approve entry {id}: they wrote or changed it or asked for its approval, and approval"
                       " must come from another person, but no other approver is named in the settings"
                       " (approvers = [...])").format(who=who, id=entry_id))
