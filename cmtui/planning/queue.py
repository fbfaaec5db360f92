"""Posting slots ("Add to queue", as in Buffer): times per weekday in the settings, in the
settings' timezone; an entry goes to the first slot of its account that nothing else takes."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext
from cmtui.planning.recurrence import occurrences_between
from cmtui.planning.timeparse import localize

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

OCCUPYING = ("draft", "needs_approval", "approved", "scheduled", "published")  # they take a posting slot
QUEUE_WEEKS = 8
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _slots(settings: Settings) -> dict[int, list[time]]:
    from cmtui.config import WEEKDAYS

    found: dict[int, list[time]] = {}
    for day, values in (settings.posting_slots or {}).items():
        if day not in WEEKDAYS:
            raise InputError(_("posting_slots: '{day}' is not a weekday ({weekdays})").format(
                day=day, weekdays=", ".join(WEEKDAYS)))
        for value in values:
            match = _HHMM.match(str(value).strip())
            if not match:
                raise InputError(_("posting_slots: '{value}' ({day}) is not a time like 09:30").format(
                    value=value, day=day))
            found.setdefault(WEEKDAYS.index(day), []).append(time(int(match.group(1)), int(match.group(2))))
    return {day: sorted(set(times)) for day, times in found.items() if times}


def free_slot(store: Store, settings: Settings, acc, after: datetime, *, exclude_entry: int | None = None) -> datetime:
    """"Add to queue": the first posting slot (settings.posting_slots, local times per
    weekday) after `after` at which the account (an Account, None for none chosen) has no
    entry (draft or further along, or a series' occurrence). Returned as an aware time in
    the settings' timezone. cmtui.planning.entries.next_free_slot takes an account's name."""
    if acc is None:
        raise InputError(_("the queue is per account; choose an account"))
    slots = _slots(settings)
    if not slots:
        raise InputError(_("no posting slots are set (posting_slots in the settings)"))
    if after.tzinfo is None:
        raise InputError(_("the queue needs a time with a timezone"))
    tz = settings.tzinfo()
    day = after.astimezone(tz).date()
    for week in range(QUEUE_WEEKS):
        first = day + timedelta(days=7 * week)
        start = localize(datetime.combine(first, time()), tz)
        end = localize(datetime.combine(first + timedelta(days=7), time()), tz)
        taken = {o.at.replace(second=0) for o in occurrences_between(store, start, end, tz)
                 if o.entry["account_id"] == acc.id and not o.skipped and o.entry["status"] in OCCUPYING
                 and (exclude_entry is None or exclude_entry not in (o.entry["id"], o.entry["parent_id"]))}
        for offset in range(7):
            current = first + timedelta(days=offset)
            for slot in slots.get(current.weekday(), []):
                at = localize(datetime.combine(current, slot), tz)
                if at > after and at.astimezone(timezone.utc).replace(second=0) not in taken:
                    return at
    raise InputError(ngettext("every posting slot of {account} in the next {n} week is taken",
                              "every posting slot of {account} in the next {n} weeks is taken", QUEUE_WEEKS).format(
        account=acc.name, n=l10n.number(QUEUE_WEEKS)))


def default_time(store: Store, settings: Settings, account: str | None, day: date, now: datetime,
                 hour: int | None = None) -> datetime:
    """The time a new post for `day` starts with (aware, in the settings' timezone): the
    hour asked for (the week view's row) while it is ahead; else the account's first free
    posting slot on that day still ahead; else, today, the next whole hour; another day 09:00."""
    tz = settings.tzinfo()
    local_now = now.astimezone(tz)
    if hour is not None:
        asked = localize(datetime.combine(day, time(hour)), tz)
        if asked > now or day < local_now.date():
            return asked
    acc = store.accounts.get(account.strip()) if account and account.strip() else None
    if acc is not None:  # (an unknown account has no slots either: the fallbacks below)
        midnight = localize(datetime.combine(day, time()), tz)
        try:
            slot = free_slot(store, settings, acc, max(now, midnight - timedelta(seconds=1)))
        except InputError:  # no slots, or none free: the fallbacks below
            slot = None
        if slot is not None and slot.astimezone(tz).date() == day:
            return slot
    if day == local_now.date():
        return localize(datetime.combine(day, time(local_now.hour)), tz) + timedelta(hours=1)
    return localize(datetime.combine(day, time(9)), tz)
