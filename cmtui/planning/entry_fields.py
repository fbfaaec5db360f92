"""The checks of a calendar entry's fields (account, text and its length, language,
visibility, colour, time, variants, media, approvers, place), shared by creating and editing
an entry (cmtui.planning.entries). Each refuses with an InputError that names the field."""


from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import N_, _, ngettext
from cmtui.media import as_attachments, check_for_account
from cmtui.model import iso, status_name
from cmtui.store.base import dumps
from cmtui.planning.platforms import (can_publish, default_visibility, missing_place, profile_of, text_problem,
                                      visibility_problem)
from cmtui.planning.recurrence import next_occurrence
from cmtui.planning.threads import check_parts, split_parts
from cmtui.team import same_person

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

            raise InputError(_("unknown account '{name}'; there are none yet "
                               "(add one with: cmtui account add {platforms} NAME --instance URL)").format(
                name=name, platforms="|".join(PLATFORMS)))
        raise InputError(_("unknown account '{name}' (known: {known})").format(name=name, known=", ".join(known)))
    can_publish(account)
    return account


def _text(text) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError(_("the text is empty"))
    return text


def _check_length(text: str, account, what: str = N_("the text"), thread=False) -> None:
    """what: N_("the text"), N_("the variant"), N_("the thread"): translated here."""
    if thread:  # each part on its own (cmtui.planning.threads)
        return check_parts(split_parts(text), account, N_("the thread") if what == "the text" else what)
    problem = text_problem(text, account)
    if not problem:
        return
    profile = profile_of(account)
    used = profile.text_length(text, account.limits) if profile is not None and text.strip() else 0
    if profile is not None and used > profile.limit(account.limits):
        # i18n: {what} is "the text", "the variant" or "the thread"; {note} says how the platform counts (or is empty)
        raise InputError(ngettext("{what} for {account} is too long: {used} character, over the limit of {limit}{note}",
                                  "{what} for {account} is too long: {used} characters, over the limit of {limit}{note}",
                                  used).format(what=_(what), account=account.name, used=l10n.number(used),
                                               limit=l10n.number(profile.limit(account.limits)),
                                               note=profile.length_note(account.limits)))
    if account is not None:
        raise InputError(_("{what} for {account}: {problem}").format(what=_(what), account=account.name,
                                                                      problem=problem))
    raise InputError(_("{what}: {problem}").format(what=_(what), problem=problem))


def _language(code) -> str | None:
    if code is None or str(code).strip() == "":
        return None
    code = str(code).strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise InputError(_("'{code}' is not a language code (two or three letters, like en or sl)").format(code=code))
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
        raise InputError(_("'{value}' is not a colour (#rgb, #rrggbb or a colour name)").format(value=value))
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
        raise InputError(_("'{when}' is not a date and time").format(when=when))
    if when.tzinfo is None:
        from cmtui.planning.timeparse import localize

        when = localize(when, tz)
    return when.astimezone(timezone.utc).replace(second=0, microsecond=0)  # the calendar counts minutes


def _local(at: datetime, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")  # (ISO: what a person types back)


def _variants(store: Store, variants, main) -> dict[int, tuple]:
    """account id -> (account, text); a variant with an empty text is dropped."""
    found: dict[int, tuple] = {}
    for name, text in (variants or {}).items():
        account = _account(store, name)
        if account is None:
            raise InputError(_("a variant needs an account name"))
        if main is not None and account.id == main.id:
            raise InputError(_("the entry's own text goes to {account}; a variant is for another account").format(
                account=account.name))
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
            raise InputError(_("approval is required but no approvers are named in the settings (approvers = [...])"))
        return
    if not any(same_person(who, a) for a in approvers):  # "Ana" is "ana"
        raise InputError(_("only {approvers} may approve or reject posts, not {who}").format(
            approvers=", ".join(approvers), who=who))


def _needs_approval(settings: Settings, entry) -> None:
    if settings.approval_required and entry["status"] not in ("approved", "scheduled"):
        names = ", ".join(_approvers(settings)) or _("nobody is named yet")
        raise InputError(_("entry {id} needs approval first (it is {status}; approvers: {names})").format(
            id=entry["id"], status=status_name(entry["status"]), names=names))


def _check_place(store: Store, entry) -> None:
    """An entry for a platform that posts to places (rooms) goes out only with one chosen."""
    account = store.accounts.by_id(entry["account_id"]) if entry["account_id"] is not None else None
    problem = missing_place(_("entry {id}").format(id=entry["id"]), account, entry["place"]) if account is not None else None
    if problem:
        raise InputError(problem)


def _check_future(at: datetime | None, now: datetime, tz: tzinfo, rule: str | None) -> None:
    if at is None:
        return
    if rule:
        probe = {"rrule": rule, "scheduled_at": iso(at), "published_at": None}
        if next_occurrence(probe, now, tz) is None:
            raise InputError(_("the series has no occurrence after now; change its start or its rule"))
    elif at < now.replace(second=0, microsecond=0):
        raise InputError(_("{time} is in the past; a post to be scheduled needs a later time").format(
            time=_local(at, tz)))
