"""What the platform did with a calendar entry's operations, as the sync engine reports it:
published, scheduled on the server, failed, cancelled there, and the server's scheduled posts
that came due (reconcile_scheduled). The entry lifecycle's last steps, written through the
entry repository inside the transaction that closes the operation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cmtui.i18n import N_, _
from cmtui.model import iso, parse_iso
from cmtui.store.base import loads
from cmtui.text import sanitize

if TYPE_CHECKING:
    from cmtui.store import Store

LATE_AFTER = timedelta(minutes=5)  # published later than this after its time: marked late

# The texts below are written into the entry (its last error, its history) in the language of
# the moment, as a comment a person writes is.
_FAILED = {"reschedule": N_("could not move it on the server: {error}"),
           "cancel": N_("could not cancel it on the server: {error}"),
           "edit": N_("could not edit the published post: {error}")}
# A result never undoes a local decision, except that what was published is recorded as such.
_PUBLISHED_ANYWAY = {"cancelled": N_("published before the cancellation reached the server"),
                     "needs_approval": N_("published before the change reached the server"),
                     "draft": N_("published before the change reached the server")}


def _set(store: Store, entry_id: int, stamp: str, **fields) -> None:
    store.entries.update(entry_id, {**fields, "updated_at": stamp}, touch=False)


def _move(store: Store, entry, to: str, stamp: str, comment: str = "", **fields) -> None:
    """A status change the platform made (recorded as by sync), with these fields."""
    if to != entry["status"]:
        store.entries.record_transition(entry["id"], entry["status"], to, "sync", comment)
    _set(store, entry["id"], stamp, status=to, **fields)


def operation_failed(store: Store, entry, op, error: str, stamp: str) -> None:
    """An entry's operation failed for good: the entry's own post fails it (if it was on its
    way); any other failure (a variant's account, a move, a cancel, an edit) is its last error."""
    main = op["account_id"] == entry["account_id"]
    said = _(_FAILED[op["kind"]]).format(error=error) if op["kind"] in _FAILED else error
    if not main:
        account = store.accounts.by_id(op["account_id"])
        # i18n: the failure of a variant's post: "{account}: {error}"
        said = _("{account}: {error}").format(account=account.name if account else _("another account"), error=said)
    if op["kind"] == "post" and main and entry["status"] in ("scheduled", "approved"):
        store.entries.record_transition(entry["id"], entry["status"], "failed", "sync", error)
        _set(store, entry["id"], stamp, status="failed", last_error=said)
    else:
        _set(store, entry["id"], stamp, last_error=said)


def cancelled_on_server(store: Store, entry, scheduled_id: str, stamp: str) -> None:
    store.entries.forget_server_scheduled(entry["id"], scheduled_id, stamp)


def scheduled_on_server(store: Store, entry, scheduled_id: str, stamp: str) -> None:
    """The server holds the entry's post until its time."""
    status = "scheduled" if entry["status"] in ("approved", "failed", "scheduled") else entry["status"]
    _move(store, entry, status, stamp, server_scheduled_id=scheduled_id, last_error=None)


def published(store: Store, entry, *, remote_id: str, url: str | None, at: str, planned: datetime | None, stamp: str,
              comment: str | None = None) -> None:
    """The entry's post is out (at `at`); late if more than LATE_AFTER after its planned time."""
    late = int(planned is not None and parse_iso(at) - planned > LATE_AFTER)
    if comment is None:
        comment = _(_PUBLISHED_ANYWAY[entry["status"]]) if entry["status"] in _PUBLISHED_ANYWAY else ""
    _move(store, entry, "published", stamp, comment, remote_id=remote_id, url=url, published_at=at,
          scheduled_at=entry["scheduled_at"] or at, server_scheduled_id=None, last_error=None,
          late=max(entry["late"] or 0, late))


def apply_to_entry(store: Store, op, outcome: dict | None, now: datetime, error: str | None) -> None:
    """A calendar entry's post, reschedule, cancel or edit came back (outcome) or failed for
    good (outcome None, error). The entry's own columns follow its account's post; a variant's
    post (another account) only reports a failure. The entry may have changed while the
    operation was on its way: a result never undoes a local decision (a cancelled entry stays
    cancelled, its cancel follows), except that what was published is recorded as published."""
    entry = store.entries.get(op["entry_id"])
    if entry is None:
        return
    kind, stamp = op["kind"], iso(now)
    if outcome is None:
        operation_failed(store, entry, op, error or "", stamp)
        return
    if kind == "cancel":
        if outcome.get("cancelled"):
            cancelled_on_server(store, entry, outcome["cancelled"], stamp)
        return
    if op["account_id"] != entry["account_id"] or kind == "edit" or outcome.get("skipped"):
        return
    if outcome.get("scheduled_id"):
        scheduled_on_server(store, entry, outcome["scheduled_id"], stamp)
    elif outcome.get("remote_id"):
        published(store, entry, remote_id=outcome["remote_id"], url=outcome.get("url"),
                  at=outcome.get("created_at") or stamp,
                  planned=parse_iso(loads(op["payload"], {}).get("scheduled_at")), stamp=stamp)


def reconcile_scheduled(store: Store, account_id: int, listed: set[str], posts, now: datetime) -> int:
    """Entries the server held as scheduled posts whose time has come and that it no longer
    lists: it published them (found among our posts by text and time: remote id, URL, time)
    or they were deleted there (failed, after an hour without a match). Returns how many
    entries changed."""

    def norm(text: str) -> str:
        return " ".join(sanitize(text or "").split())

    changed = 0
    stamp = iso(now)
    with store.transaction():
        known = store.entries.remote_ids(account_id)
        for entry in store.entries.server_scheduled_due(account_id, stamp):
            if entry["server_scheduled_id"] in listed or any(
                    op["state"] in ("pending", "sending") for op in store.outbox.for_entry(entry["id"])):
                continue
            planned = parse_iso(entry["scheduled_at"])
            candidates = [p for p in posts if p.remote_id not in known and norm(p.text) == norm(entry["text"])
                          and parse_iso(p.created_at) >= planned - timedelta(minutes=10)]
            match = min(candidates, key=lambda p: abs(parse_iso(p.created_at) - planned), default=None)
            if match is not None:
                known.add(match.remote_id)
                published(store, entry, remote_id=match.remote_id, url=match.url, at=match.created_at,
                          planned=planned, stamp=stamp, comment=_("published by the server"))
                changed += 1
            elif planned < now - timedelta(hours=1):
                message = _("no longer scheduled on the server and not among the account's posts (deleted there?)")
                _move(store, entry, "failed", stamp, message, server_scheduled_id=None, last_error=message)
                changed += 1
    return changed
