"""The checks of a calendar entry's fields (account, text and its length, language,
visibility, colour, time, variants, media, approvers, place), shared by creating and editing
an entry (cmtui.planning.entries). Each refuses with an InputError that names the field."""


from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.media import as_attachments, check_for_account
from cmtui.model import iso
from cmtui.store.base import dumps
from cmtui.planning.platforms import (can_publish, default_visibility, missing_place, text_problem,
                                      visibility_problem)
from cmtui.planning.recurrence import next_occurrence
from cmtui.planning.threads import check_parts, split_parts

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

_COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]+)$")


def _account(store: Store, name: str | None):
    if name is None or str(name).strip() == "":
        return None
    account = store.accounts.get(str(name).strip())
    if account is None:
        known = [a.name for a in store.accounts.list()]
        if not known:
            from cmtui.sync.connectors import PLATFORMS

            raise InputError(f"unknown account '{name}'; there are none yet "
                             f"(add one with: cmtui account add {'|'.join(PLATFORMS)} NAME --instance URL)")
        raise InputError(f"unknown account '{name}' (known: {', '.join(known)})")
    can_publish(account)
    return account


def _text(text) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError("the text is empty")
    return text


def _check_length(text: str, account, what: str = "the text", thread=False) -> None:
    if thread:  # each part on its own (cmtui.planning.threads)
        return check_parts(split_parts(text), account, "the thread" if what == "the text" else what)
    problem = text_problem(text, account)
    if problem:
        where = f" for {account.name}" if account is not None else ""
        raise InputError(f"{what}{where} is too long: {problem.removeprefix('the text is ')}"
                         if "over the limit" in problem else f"{what}{where}: {problem}")


def _language(code) -> str | None:
    if code is None or str(code).strip() == "":
        return None
    code = str(code).strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise InputError(f"'{code}' is not a language code (two or three letters, like en or sl)")
    return code


def _visibility(value, account) -> str:
    """A visibility the account's platform has (no account yet: any platform's). A variant on
    a platform without it goes out with that platform's default (cmtui.planning.publishing)."""
    value = (value or "").strip().lower() or default_visibility(account)
    problem = visibility_problem(value, account)
    if problem:
        raise InputError(problem)
    return value


def _optional(value) -> str | None:
    value = (value or "").strip()
    return value or None


def _color(value) -> str | None:
    value = _optional(value)
    if value is not None and not _COLOR.match(value):
        raise InputError(f"'{value}' is not a colour (#rgb, #rrggbb or a colour name)")
    return value


# The fields an edit checks on their own, each with its check (in this order).
_PLAIN_FIELDS = {
    "text": _text,
    "language": _language,
    "content_warning": _optional,
    "campaign": _optional,
    "campaign_color": _color,
    "notes": lambda value: (value or "").strip(),
}


def _when(when, tz: tzinfo) -> datetime | None:
    if when is None:
        return None
    if not isinstance(when, datetime):
        raise InputError(f"'{when}' is not a date and time")
    if when.tzinfo is None:
        from cmtui.planning.timeparse import localize

        when = localize(when, tz)
    return when.astimezone(timezone.utc).replace(second=0, microsecond=0)  # the calendar counts minutes


def _local(at: datetime, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _variants(store: Store, variants, main) -> dict[int, tuple]:
    """account id -> (account, text); a variant with an empty text is dropped."""
    found: dict[int, tuple] = {}
    for name, text in (variants or {}).items():
        account = _account(store, name)
        if account is None:
            raise InputError("a variant needs an account name")
        if main is not None and account.id == main.id:
            raise InputError(f"the entry's own text goes to {account.name}; a variant is for another account")
        text = (text or "").strip()
        if text:
            found[account.id] = (account, text)
    return found


def _media(settings: Settings, media, accounts) -> str:
    """The attachments (model.Attachment or their dicts, copies already kept by cmtui.media)
    as the entry stores them, checked for every account they go to."""
    items = as_attachments(media)
    for account in accounts:
        check_for_account(items, account, alt_required=settings.media_alt_required)
    if items and not accounts:
        check_for_account(items, None, alt_required=settings.media_alt_required)
    return dumps([a.to_json() for a in items])


def _approvers(settings: Settings) -> list[str]:
    return [a for a in (settings.approvers or []) if a]


def _check_approver(settings: Settings, who: str) -> None:
    approvers = _approvers(settings)
    if not approvers:
        if settings.approval_required:
            raise InputError("approval is required but no approvers are named in the settings (approvers = [...])")
        return
    if who not in approvers:
        raise InputError(f"only {', '.join(approvers)} may approve or reject posts, not {who}")


def _needs_approval(settings: Settings, entry) -> None:
    if settings.approval_required and entry["status"] not in ("approved", "scheduled"):
        names = ", ".join(_approvers(settings)) or "nobody is named yet"
        raise InputError(f"entry {entry['id']} needs approval first (it is {entry['status']}; approvers: {names})")


def _check_place(store: Store, entry) -> None:
    """An entry for a platform that posts to places (rooms) goes out only with one chosen."""
    account = store.accounts.by_id(entry["account_id"]) if entry["account_id"] is not None else None
    problem = missing_place(f"entry {entry['id']}", account, entry["place"]) if account is not None else None
    if problem:
        raise InputError(problem)


def _check_future(at: datetime | None, now: datetime, tz: tzinfo, rule: str | None) -> None:
    if at is None:
        return
    if rule:
        probe = {"rrule": rule, "scheduled_at": iso(at), "published_at": None}
        if next_occurrence(probe, now, tz) is None:
            raise InputError("the series has no occurrence after now; change its start or its rule")
    elif at < now.replace(second=0, microsecond=0):
        raise InputError(f"{_local(at, tz)} is in the past; a post to be scheduled needs a later time")
