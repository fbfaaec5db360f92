"""The calendar entry lifecycle: idea → draft → needs_approval → approved → scheduled →
published, or failed / cancelled. No Textual: the calendar screen and `cmtui post add` call
these functions.

Every function checks its input first (InputError, one sentence, nothing changed), then
writes the local decision in one transaction with the outbox operations it implies
(cmtui.planning.publishing): the decision is in SQLite before anything else happens, and
nothing is sent twice. Every status change is recorded (who, when, from, to, comment).

Approval: when the settings require it, nothing is scheduled or published until one of the
approvers named in the settings approves it (with approval = "other", one who is not its
author: cmtui.planning.approval). Editing the content (text, variants, account,
language, visibility, content warning, place) of an approved entry, or of a scheduled one while
approval is required, sends it back to needs_approval. Moving it in time does not.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.i18n import N_, _
from cmtui.model import iso, parse_iso, status_name, utcnow
# The field checks live beside (a sibling module of this one, private to the two).
from cmtui.planning.approval import authors, check_not_author
from cmtui.planning.entry_fields import (_PLAIN_FIELDS, _account, _approvers, _check_approver, _check_future,
                                         _check_length, _check_place, _color, _language, _local, _media,
                                         _needs_approval, _optional, _text, _variants, _visibility, _when)
from cmtui.planning.lifecycle import EDITED, cancel, live_children, record, revive_occurrence, transition, utc
from cmtui.planning.platforms import missing_place, resolve_place
from cmtui.planning.publishing import cancel_for_deletion, queue_posts, sync_server
from cmtui.planning.queue import QUEUE_WEEKS, free_slot
from cmtui.planning.recurrence import parse_rule
from cmtui.planning.threads import normalised

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

__all__ = [
    "create_entry", "update_entry", "move_entry", "duplicate_entry", "delete_entry", "restore_entry",
    "submit_for_approval", "approve", "reject", "schedule_entry", "publish_now", "cancel_entry",
    "revive_occurrence", "next_free_slot", "add_to_queue", "QUEUE_WEEKS",
]

CREATE_STATUSES = ("idea", "draft", "needs_approval", "approved", "scheduled")
CONTENT_FIELDS = ("text", "account", "language", "visibility", "content_warning", "variants", "place", "media",
                  "thread")
EDITABLE = set(CONTENT_FIELDS) | {"when", "rrule", "notes", "campaign", "campaign_color"}
PUBLISHED_EDITABLE = {"text", "content_warning", "notes", "campaign", "campaign_color"}
TO_BE_SCHEDULED = ("needs_approval", "approved", "scheduled")  # a time for these must lie ahead


# -- creating and editing ----------------------------------------------------------------------
def create_entry(store: Store, settings: Settings, *, text, account: str | None, when: datetime | None = None,
                 status: str = "draft", language=None, visibility=None, content_warning=None, campaign=None,
                 campaign_color=None, notes="", rrule: str | None = None, variants: dict[str, str] | None = None,
                 place: str | None = None, media=None, thread: bool = False, who: str, now: datetime | None = None) -> int:
    """A new calendar entry; returns its id. status "scheduled" without a time publishes at
    the next sync; with a time the next sync schedules it (on the server when 5 minutes or
    more ahead). A repeating entry (rrule) starts at `when`; its occurrences are published
    one by one. thread: the text holds parts split by `---` lines, each checked on its own
    and published as a reply to the one before (one part: a plain post)."""
    now, tz = utc(now), settings.tzinfo()
    if status not in CREATE_STATUSES:
        raise InputError(_("a new entry is one of {statuses}, not '{status}'").format(
            statuses=", ".join(CREATE_STATUSES), status=status))
    main = _account(store, account)
    text = _text(text)
    if thread:
        text, thread = normalised(text)
    _check_length(text, main, thread=thread)
    extra = _variants(store, variants, main)
    for acc, variant in extra.values():
        _check_length(variant, acc, N_("the variant"), thread)
    fields = {
        "account_id": main.id if main else None, "text": text, "status": status,
        "language": _language(language), "visibility": _visibility(visibility, main),
        "content_warning": _optional(content_warning), "campaign": _optional(campaign),
        "campaign_color": _color(campaign_color), "notes": (notes or "").strip(),
        "rrule": parse_rule(rrule) if rrule else None, "created_by": who,
        "notes_by": who if (notes or "").strip() else None, "place": resolve_place(place, main),
        "media": _media(settings, media, [a for a in [main, *(v[0] for v in extra.values())] if a is not None]),
        "thread": int(thread),
    }
    at = _when(when, tz)
    if fields["rrule"] and at is None:
        raise InputError(_("a repeating entry needs a start time"))
    if status in TO_BE_SCHEDULED and main is None:
        raise InputError(_("an entry {status} needs an account to go to").format(
            status=status_name(status)))
    problem = missing_place(N_("the entry"), main, fields["place"]) if status in TO_BE_SCHEDULED and main else None
    if problem:
        raise InputError(problem)
    publish_now = False
    if status == "scheduled":
        if settings.approval_required:
            raise InputError(_("approval is required: the entry must be approved before it is scheduled "
                               "(approvers: {approvers})").format(
                approvers=", ".join(_approvers(settings)) or _("nobody is named yet")))
        if at is None and fields["rrule"] is None:
            at = now.replace(second=0, microsecond=0)  # publish at the next sync (the calendar counts minutes)
            publish_now = True
    if status == "approved":
        _check_approver(settings, who)
        check_not_author(settings, None, {who}, who)  # its author is who creates it
    if status in TO_BE_SCHEDULED and not publish_now:
        _check_future(at, now, tz, fields["rrule"])
    fields["scheduled_at"] = iso(at)
    with store.transaction():
        entry_id = store.entries.insert(fields)
        record(store, entry_id, None, status, who, now=now)
        if extra:
            store.entries.set_variants(entry_id, {k: v[1] for k, v in extra.items()})
        if status == "scheduled" and not fields["rrule"]:
            queue_posts(store, store.entries.require(entry_id), now, publish_now=publish_now, who=who)
    return entry_id


def update_entry(store: Store, settings: Settings, entry_id, *, who, now: datetime | None = None, **changes) -> None:
    """Change an entry's fields: text, when, account, language, visibility, content_warning,
    campaign, campaign_color, notes, rrule, variants (a dict that replaces the variants).
    A scheduled entry is kept in step on the server; content changes of an approved entry
    (or a scheduled one while approval is required) send it back to needs_approval."""
    now, tz = utc(now), settings.tzinfo()
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise InputError(_("cannot change '{field}' of an entry (fields: {fields})").format(
            field=unknown[0], fields=", ".join(sorted(EDITABLE))))
    entry = store.entries.require(entry_id)
    status = entry["status"]
    fields: dict = {}
    main = store.accounts.by_id(entry["account_id"]) if entry["account_id"] is not None else None
    if "account" in changes:
        main = _account(store, changes["account"])
        fields["account_id"] = main.id if main else None
    for name, checked in _PLAIN_FIELDS.items():
        if name in changes:
            fields[name] = checked(changes[name])
    if "thread" in changes or ("text" in changes and entry["thread"]):
        thread = bool(changes.get("thread", entry["thread"]))
        if thread:
            fields["text"], thread = normalised(fields.get("text", entry["text"]))
        fields["thread"] = int(thread)
    if "rrule" in changes:
        if entry["parent_id"] is not None and changes["rrule"]:
            raise InputError(_("entry {id} is one occurrence of entry {series}; change the series' rule").format(
                id=entry["id"], series=entry["parent_id"]))
        fields["rrule"] = parse_rule(changes["rrule"]) if changes["rrule"] else None
    if "when" in changes:
        fields["scheduled_at"] = iso(_when(changes["when"], tz))
    current_variants = {v["account_id"]: v["text"] for v in store.entries.variants(entry["id"])}
    new_variants = current_variants
    if "variants" in changes:
        new_variants = {k: v[1] for k, v in _variants(store, changes["variants"], main).items()}
    elif main is not None and main.id in current_variants:
        raise InputError(_("entry {id} has a variant for {account}; remove it before moving the entry there").format(
            id=entry["id"], account=main.name))
    if changes.keys() & {"visibility", "account"}:  # checked again where the entry now goes
        fields["visibility"] = _visibility(changes.get("visibility", entry["visibility"]), main)
    if "place" in changes:
        fields["place"] = resolve_place(changes["place"], main)
    elif "account" in changes and entry["place"]:  # kept only where the new account has it
        fields["place"] = entry["place"] if main is not None and main.place(entry["place"]) else None
    if changes.keys() & {"media", "account", "variants"}:  # checked again where the entry now goes
        goes_to = [main, *(store.accounts.by_id(a) for a in new_variants)]
        fields["media"] = _media(settings, changes.get("media", store.entries.media(entry)),
                                 [a for a in goes_to if a is not None])
    merged = {**dict(entry), **fields}
    _check_length(merged["text"], main, thread=merged["thread"])
    for account_id, variant in new_variants.items():
        _check_length(variant, store.accounts.by_id(account_id), N_("the variant"), merged["thread"])
    changed = {k for k, v in fields.items() if entry[k] != v} | ({"variants"} if new_variants != current_variants else set())
    if status == "published" and entry["thread"] and changed & {"text", "content_warning", "thread"}:
        # Its parts are separate posts on the platform: an edit would have to find each one.
        raise InputError(_("entry {id} is a published thread; its parts cannot be edited from cmtui "
                           "(edit each post on the platform)").format(id=entry["id"]))
    if status == "published" and changed - PUBLISHED_EDITABLE:
        raise InputError(_("entry {id} is already published; only its text, content warning, notes "
                           "and campaign can change").format(id=entry["id"]))
    content_changed = bool(changed & {"text", "account_id", "language", "visibility", "content_warning", "variants",
                                      "place", "media", "thread"})
    new_status = status
    if content_changed and (status == "approved" or (status == "scheduled" and settings.approval_required)):
        new_status = "needs_approval"
    if new_status in TO_BE_SCHEDULED:
        if merged["account_id"] is None:
            raise InputError(_("entry {id} is {status}; it needs an account").format(
                id=entry["id"], status=status_name(status)))
        _check_place(store, merged)
        if status == "scheduled" and merged["scheduled_at"] is None:
            raise InputError(_("entry {id} is scheduled; it needs a time (cancel it to remove the time)").format(
                id=entry["id"]))
        if changed & {"scheduled_at", "rrule"}:
            _check_future(parse_iso(merged["scheduled_at"]), now, tz, merged["rrule"])
    if not changed:
        return
    with store.transaction():
        store.entries.update(entry["id"], {k: v for k, v in fields.items() if k in changed} |
                             ({"status": new_status} if new_status != status else {}))
        if "variants" in changed:
            store.entries.set_variants(entry["id"], new_variants)
        if "notes" in changed:  # who wrote them, on the entry and in the team's activity log
            store.entries.update(entry["id"], {"notes_by": who}, touch=False)
            store.activity.record(who, "entry.notes", f"entry {entry['id']}", fields["notes"])  # i18n: not shown
        if content_changed:  # who changed the words: an author, who may not approve them (approval = "other")
            record(store, entry["id"], status, new_status, who, EDITED, now)
        after = store.entries.require(entry["id"])
        if status == "published":
            if changed & {"text", "content_warning"} and entry["remote_id"] and entry["account_id"]:
                payload = {"remote_id": entry["remote_id"], "text": after["text"]}
                if after["content_warning"] is not None or entry["content_warning"] is not None:
                    payload["spoiler_text"] = after["content_warning"] or ""
                store.outbox.enqueue(entry["account_id"], "edit", payload, entry_id=entry["id"])
        elif after["rrule"] or entry["rrule"]:
            if not (after["rrule"] and entry["rrule"]):  # became a series (its copy goes) or a single entry
                sync_server(store, entry, after, now, who=who)
            _follow_series(store, settings, entry, after, changed, changes, who=who, now=now)
        else:
            sync_server(store, entry, after, now, who=who)


def _follow_series(store: Store, settings: Settings, before, after, changed: set, changes: dict, *, who: str,
                   now: datetime) -> None:
    """A series changed: its occurrences already materialized follow (content edits), and
    those its new time or rule no longer has are cancelled (the next sync makes the new ones)."""
    if before["status"] == "scheduled" and after["status"] != "scheduled":
        for child in live_children(store, after["id"], now):
            transition(store, child, after["status"], who=who, comment=_("the series was edited"), now=now)
    content = {k: changes[k] for k in CONTENT_FIELDS if k in changes}
    if content:
        for child in live_children(store, after["id"], now):
            update_entry(store, settings, child["id"], who=who, now=now, **content)
    if changed & {"scheduled_at", "rrule"}:
        from cmtui.planning.recurrence import occurrences

        tz = settings.tzinfo()
        for child in live_children(store, after["id"], now):
            at = parse_iso(child["occurrence_at"])
            if at not in occurrences(after, at - timedelta(minutes=1), at + timedelta(minutes=1), tz):
                cancel(store, store.entries.require(child["id"]), who=who, comment=_("the series moved"), now=now)


def move_entry(store: Store, settings: Settings, entry_id, delta: timedelta, *, who,
               now: datetime | None = None) -> None:
    """Shift an entry in time (shift+arrows: a day or an hour). Whole days keep the local
    time of day across a daylight-saving change; hours are hours. A series moves with its
    skipped occurrences."""
    entry = store.entries.require(entry_id)
    if entry["status"] == "published":
        raise InputError(_("entry {id} is already published; it cannot move").format(id=entry["id"]))
    if not entry["scheduled_at"]:
        raise InputError(_("entry {id} has no time yet; give it one first").format(id=entry["id"]))
    tz = settings.tzinfo()

    def shift(at: datetime) -> datetime:
        if delta % timedelta(days=1) == timedelta(0):
            from cmtui.planning.timeparse import localize

            local = at.astimezone(tz).replace(tzinfo=None) + delta
            return localize(local, tz).astimezone(timezone.utc)
        return at + delta

    new_at = shift(parse_iso(entry["scheduled_at"]))
    with store.transaction():
        update_entry(store, settings, entry["id"], who=who, now=now, when=new_at)
        if entry["rrule"]:
            skips = store.entries.skips(entry["id"])
            store.entries.replace_skips(entry["id"], [iso(shift(parse_iso(s))) for s in skips])


def duplicate_entry(store: Store, entry_id, *, who) -> int:
    """A new draft with the same content, time, rule and variants (no remote ids)."""
    entry = store.entries.require(entry_id)
    fields = {k: entry[k] for k in ("account_id", "text", "scheduled_at", "language", "visibility", "content_warning",
                                    "campaign", "campaign_color", "notes", "rrule", "place", "thread")}
    fields |= {"status": "draft", "created_by": who}
    with store.transaction():
        copy_id = store.entries.insert(fields)
        record(store, copy_id, None, "draft", who, _("copy of entry {id}").format(id=entry["id"]))
        store.entries.set_variants(copy_id, {v["account_id"]: v["text"] for v in store.entries.variants(entry["id"])})
        if entry["rrule"]:
            store.entries.replace_skips(copy_id, store.entries.skips(entry["id"]))
    return copy_id


def delete_entry(store: Store, entry_id, *, who) -> dict:
    """Delete an entry (a series with its occurrences); returns what restore_entry needs to
    undo it (JSON-able). A copy the server holds as scheduled is cancelled; deleting one
    occurrence of a series skips it."""
    entry = store.entries.require(entry_id)
    ids = [entry["id"]] + [c["id"] for c in store.entries.children(entry["id"])]
    with store.transaction():
        undo = store.entries.snapshot(ids)
        undo.update(who=who, unsent_ops=[], cancel_ops=[], skip=None)
        for row_id in ids:
            row = store.entries.require(row_id)
            unsent = [dict(op) for op in store.outbox.for_entry(row_id)
                      if op["state"] == "pending" and op["attempts"] == 0]
            try:
                undo["cancel_ops"] += [[op_id, row_id] for op_id in cancel_for_deletion(store, row, who=who)]
            except ValueError as exc:
                raise InputError(_("entry {id} may be reaching its platform right now (outbox operation "
                                   "{operation}); cancel it instead, or delete it after the next sync").format(
                    id=row_id, operation=exc.args[0])) from None
            undo["unsent_ops"] += unsent
        withdrawn = {op["id"] for op in undo["unsent_ops"]}
        undo["linked_ops"] = [pair for pair in undo["linked_ops"] if pair[0] not in withdrawn]
        if entry["parent_id"] is not None:
            store.entries.add_skip(entry["parent_id"], entry["occurrence_at"])
            undo["skip"] = [entry["parent_id"], entry["occurrence_at"]]
        store.entries.delete(entry["id"])
    return undo


def restore_entry(store: Store, undo: dict) -> int:
    """Undo delete_entry: the rows, variants, skips and transitions come back (under the
    same id unless it was taken since); operations that never left are queued again, and a
    server copy whose cancel already went out is posted again. Returns the entry's id."""
    now = utcnow()
    with store.transaction():
        if undo["entries"][0].get("parent_id") is not None and store.entries.get(
                undo["entries"][0]["parent_id"]) is None:
            raise InputError(_("the series this occurrence belonged to is gone; restore the series first"))
        mapping = store.entries.restore(undo)
        for op in undo.get("unsent_ops") or []:
            store.outbox.requeue(op, mapping[op["entry_id"]])
        repost = set()
        for op_id, row_id in undo.get("cancel_ops") or []:
            if store.outbox.withdraw(op_id):
                continue  # the cancel never left: the server's copy is still there
            store.outbox.link_entry(op_id, mapping[row_id])
            repost.add(mapping[row_id])
        if undo.get("skip"):
            store.entries.remove_skip(undo["skip"][0], undo["skip"][1])
        for row_id in sorted(repost):
            row = store.entries.require(row_id)
            store.entries.update(row_id, {"server_scheduled_id": None})
            if row["status"] == "scheduled" and not row["rrule"]:
                queue_posts(store, store.entries.require(row_id), now, who=undo.get("who"))
        return mapping[undo["entries"][0]["id"]]


# -- the lifecycle ------------------------------------------------------------------------------
def submit_for_approval(store: Store, settings: Settings, entry_id, *, who, comment: str = "",
                        now: datetime | None = None) -> None:
    now = utc(now)
    entry = store.entries.require(entry_id)
    if entry["status"] not in ("idea", "draft", "failed", "cancelled"):
        raise InputError(_("entry {id} is {status}; only ideas, drafts and failed or cancelled entries go to "
                           "approval").format(id=entry["id"], status=status_name(entry["status"])))
    if entry["account_id"] is None:
        raise InputError(_("entry {id} has no account; choose the account it goes to").format(id=entry["id"]))
    _check_place(store, entry)
    at = parse_iso(entry["scheduled_at"])
    if at is not None:
        _check_future(at, now, settings.tzinfo(), entry["rrule"])
    with store.transaction():
        transition(store, entry, "needs_approval", who=who, comment=comment, now=now, fields={"last_error": None})


def approve(store: Store, settings: Settings, entry_id, *, who, comment: str = "", now: datetime | None = None) -> None:
    """An approver approves an entry waiting for approval (a series with its occurrences);
    with approval = "other" not one of its authors (cmtui.planning.approval)."""
    now = utc(now)
    entry = store.entries.require(entry_id)
    _check_approver(settings, who)
    if entry["status"] != "needs_approval":
        raise InputError(_("entry {id} is {status}, not waiting for approval").format(
            id=entry["id"], status=status_name(entry["status"])))
    check_not_author(settings, entry["id"], authors(store, entry), who)
    _check_place(store, entry)
    with store.transaction():
        transition(store, entry, "approved", who=who, comment=comment, now=now)
        for child in live_children(store, entry["id"], now):
            if child["status"] == "needs_approval":
                transition(store, child, "approved", who=who, comment=comment, now=now)


def reject(store: Store, settings: Settings, entry_id, *, who, comment: str, now: datetime | None = None) -> None:
    """An approver sends an entry back to draft, saying why (its author may: withdrawing it)."""
    now = utc(now)
    entry = store.entries.require(entry_id)
    _check_approver(settings, who)
    if not (comment or "").strip():
        raise InputError(_("say why the entry is rejected (a comment for its author)"))
    if entry["status"] not in ("needs_approval", "approved"):
        raise InputError(_("entry {id} is {status}; only entries waiting for approval or approved can be "
                           "rejected").format(id=entry["id"], status=status_name(entry["status"])))
    with store.transaction():
        transition(store, entry, "draft", who=who, comment=comment.strip(), now=now)
        for child in live_children(store, entry["id"], now):
            if child["status"] in ("needs_approval", "approved"):
                transition(store, child, "draft", who=who, comment=comment.strip(), now=now)


def _ready_to_post(store: Store, settings: Settings, entry, now: datetime, *, needs_time: bool) -> None:
    if entry["status"] == "published":
        raise InputError(_("entry {id} is already published").format(id=entry["id"]))
    _needs_approval(settings, entry)
    if entry["account_id"] is None:
        raise InputError(_("entry {id} has no account; choose the account it goes to").format(id=entry["id"]))
    _check_place(store, entry)
    account = store.accounts.by_id(entry["account_id"])
    _check_length(entry["text"], account, thread=entry["thread"])
    for variant in store.entries.variants(entry["id"]):
        _check_length(variant["text"], store.accounts.by_id(variant["account_id"]), N_("the variant"), entry["thread"])
    if needs_time:
        if not entry["scheduled_at"]:
            raise InputError(_("entry {id} has no time; give it one, add it to the queue, or publish it now").format(
                id=entry["id"]))
        tz = settings.tzinfo()
        at = parse_iso(entry["scheduled_at"])
        if entry["rrule"]:
            _check_future(at, now, tz, entry["rrule"])
        elif at < now:
            raise InputError(_("the time of entry {id} ({time}) has passed; move it or publish it now").format(
                id=entry["id"], time=_local(at, tz)))


def schedule_entry(store: Store, settings: Settings, entry_id, *, who, comment: str = "",
                   now: datetime | None = None) -> None:
    """Schedule an entry at its time: the next sync schedules it on the server (5 minutes or
    more ahead) or publishes it. A series is scheduled as a whole; each occurrence is posted
    on its own as it comes due."""
    now = utc(now)
    entry = store.entries.require(entry_id)
    if entry["status"] == "scheduled":
        raise InputError(_("entry {id} is already scheduled").format(id=entry["id"]))
    _ready_to_post(store, settings, entry, now, needs_time=True)
    with store.transaction():
        transition(store, entry, "scheduled", who=who, comment=comment, now=now, fields={"last_error": None})
        for child in live_children(store, entry["id"], now):
            if child["status"] in ("approved", "needs_approval", "draft", "idea") and (
                    child["status"] == "approved" or not settings.approval_required):
                transition(store, child, "scheduled", who=who, comment=comment, now=now)


def publish_now(store: Store, settings: Settings, entry_id, *, who, comment: str = "",
                now: datetime | None = None) -> None:
    """Publish at the next sync (a copy the server held for later is cancelled first)."""
    now = utc(now)
    entry = store.entries.require(entry_id)
    if entry["rrule"]:
        raise InputError(_("entry {id} repeats; publish one of its occurrences instead").format(id=entry["id"]))
    _ready_to_post(store, settings, entry, now, needs_time=False)
    with store.transaction():
        transition(store, entry, "scheduled", who=who, comment=comment or _("publish now"), now=now, publish_now=True,
                    fields={"scheduled_at": iso(now.replace(second=0, microsecond=0)), "last_error": None})


def cancel_entry(store: Store, settings: Settings, entry_id, *, who, comment: str = "",
                 now: datetime | None = None) -> None:
    """Cancel an entry that is not published yet (a copy the server holds is cancelled)."""
    entry = store.entries.require(entry_id)
    if entry["status"] in ("published", "cancelled"):
        raise InputError(_("entry {id} is already {status}").format(id=entry["id"], status=status_name(entry["status"])))
    with store.transaction():
        cancel(store, entry, who=who, comment=comment, now=now)


# -- "Add to queue" (the slots are cmtui.planning.queue's) -------------------------------------
def next_free_slot(store: Store, settings: Settings, account: str, after: datetime, *,
                   exclude_entry: int | None = None) -> datetime:
    """The first free posting slot of the account named (see cmtui.planning.queue.free_slot)."""
    return free_slot(store, settings, _account(store, account), after, exclude_entry=exclude_entry)


def add_to_queue(store: Store, settings: Settings, entry_id, *, who, now: datetime) -> datetime:
    """Put an entry in the next free posting slot of its account; returns the slot."""
    entry = store.entries.require(entry_id)
    if entry["account_id"] is None:
        raise InputError(_("entry {id} has no account; the queue is per account").format(id=entry["id"]))
    if entry["status"] == "published":
        raise InputError(_("entry {id} is already published").format(id=entry["id"]))
    slot = next_free_slot(store, settings, entry["account"], utc(now), exclude_entry=entry["id"])
    update_entry(store, settings, entry["id"], who=who, now=now, when=slot)
    return slot
