"""The status changes of a calendar entry, shared by the planning functions (entries,
recurrence, queue) and by the sync engine's results: each change is written, recorded (who,
when, from, to, comment) and followed by what the platform needs. Inside the caller's
transaction. Nothing here imports the other planning modules, so they may all import it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from cmtui.i18n import _
from cmtui.model import iso, parse_iso, utcnow
from cmtui.planning.publishing import sync_server

if TYPE_CHECKING:
    from cmtui.store import Store

EDITED = "edited"  # i18n: not shown (the stored comment of a transition made by a content edit)
LATE_GRACE = timedelta(hours=12)  # an occurrence missed for longer than this is not published late


def utc(now: datetime | None) -> datetime:
    """The time given (or now), in UTC."""
    return (now or utcnow()).astimezone(timezone.utc)


def record(store: Store, entry_id: int, before: str | None, after: str, who: str, comment: str = "",
           now: datetime | None = None) -> None:
    store.entries.record_transition(entry_id, before, after, who, comment or "", at=iso(now) if now else None)


def live_children(store: Store, series_id: int, now: datetime) -> list:
    """A series' materialized occurrences still to come (not published, cancelled or failed)."""
    return [c for c in store.entries.children(series_id)
            if c["status"] not in ("published", "cancelled", "failed")
            and parse_iso(c["scheduled_at"] or c["occurrence_at"]) >= now - LATE_GRACE]


def transition(store: Store, entry, to: str, *, who: str, comment: str = "", now: datetime,
               publish_now: bool = False, fields: dict | None = None) -> None:
    """Change an entry's status (and fields), record it, and queue what the platform needs."""
    store.entries.update(entry["id"], {"status": to, **(fields or {})})
    if to != entry["status"]:
        record(store, entry["id"], entry["status"], to, who, comment, now)
    after = store.entries.require(entry["id"])
    if not after["rrule"]:
        sync_server(store, entry, after, now, publish_now=publish_now, who=who)


def cancel(store: Store, entry, *, who: str, comment: str = "", now: datetime | None = None) -> None:
    """Cancel an entry and a series' occurrences still to come."""
    now = utc(now)
    transition(store, entry, "cancelled", who=who, comment=comment, now=now)
    for child in live_children(store, entry["id"], now):
        transition(store, child, "cancelled", who=who, comment=comment or _("the series was cancelled"), now=now)


def revive_occurrence(store: Store, child, *, who: str, now: datetime | None = None) -> None:
    """An occurrence cancelled by a skip is wanted again: scheduled again if still ahead."""
    now = utc(now)
    at = parse_iso(child["scheduled_at"] or child["occurrence_at"])
    if at is not None and at >= now:
        transition(store, child, "scheduled", who=who, comment=_("occurrence no longer skipped"), now=now)
