"""Calendar conflicts: posts of one account too close together, and days with too many.

Two posts for one account less than the settings' `min_gap_minutes` apart are both marked
(exactly the gap apart is fine); a local day with more than `max_posts_per_day` posts for
one account is marked as a day. Posts are the occurrences the views show (single entries,
materialized and expanded occurrences of series), except skipped ones and cancelled or
failed entries; an entry counts for its account and for each account a variant of it
(or of its series) posts to. A setting of 0 turns its check off.

Computed for a window from one `occurrences_between` read, widened by a day each side so
that a post just outside the window still counts against one inside it. The reasons are
short sentences ("42 min after ‘Launch post’ on fernleaf (minimum gap 60 min)") kept in
WORDS for translation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from cmtui.text import first_line

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.planning.recurrence import Occurrence
    from cmtui.store import Store

WORDS = {
    "after": "{minutes} min after ‘{other}’ on {account} (minimum gap {gap} min)",
    "before": "{minutes} min before ‘{other}’ on {account} (minimum gap {gap} min)",
    "same_time": "at the same time as ‘{other}’ on {account} (minimum gap {gap} min)",
    "day": "{count} posts on {account} on {day} (maximum {most} a day)",
}
NOT_POSTS = ("cancelled", "failed")
MARGIN = timedelta(days=1)  # around a window: the neighbours of its first and last posts


def key(occurrence) -> tuple:
    """What identifies an occurrence across the views: its row and its time."""
    return occurrence.entry["id"], occurrence.at


@dataclass
class Conflicts:
    """The conflicts of a window: per occurrence (by key()) the posts it is too close to,
    and per local day the accounts over the maximum. The sentences are made when asked
    for (a dense plan has thousands of pairs and a view shows a few of them)."""

    # key -> [(other occurrence, minutes apart, other is before, account)]
    of: dict[tuple, list[tuple]] = field(default_factory=dict)
    days: dict[date, dict[str, str]] = field(default_factory=dict)  # day -> account -> reason
    accounts_of: dict[int, list[str]] = field(default_factory=dict)  # entry id -> the accounts it posts to
    gap: int = 0

    def reasons(self, occurrence) -> list[str]:
        if occurrence is None or occurrence.at is None:
            return []
        said: list[str] = []
        for other, minutes, before, account in self.of.get(key(occurrence), ()):
            words = "same_time" if minutes == 0 else "after" if before else "before"
            reason = WORDS[words].format(minutes=minutes, other=first_line(other.entry["text"], 40),
                                         account=account, gap=self.gap)
            if reason not in said:
                said.append(reason)
        return said

    def marked(self, occurrence) -> bool:
        return occurrence is not None and occurrence.at is not None and key(occurrence) in self.of

    def all_for(self, occurrence, tz: tzinfo) -> list[str]:
        """Its own reasons, then those of its day for the accounts it posts to."""
        if occurrence is None or occurrence.at is None or not counts(occurrence):
            return []
        day = self.day(occurrence.at.astimezone(tz).date(), self.accounts_of.get(occurrence.entry["id"], ()))
        return self.reasons(occurrence) + day

    def day(self, day: date, accounts=None) -> list[str]:
        """Why a day is over the maximum (for these accounts only, when given)."""
        return [reason for account, reason in self.days.get(day, {}).items() if accounts is None or account in accounts]


def counts(occurrence) -> bool:
    """Whether an occurrence is a post that takes a place in the plan."""
    return occurrence.at is not None and not getattr(occurrence, "skipped", False) \
        and occurrence.entry["status"] not in NOT_POSTS


def _accounts(entry, variants: dict[int, list[str]]) -> list[str]:
    """The accounts an entry posts to: its own and its (or its series') variants'."""
    names = [entry["account"]] if entry["account"] else []
    if variants:
        names += variants.get(entry["id"], [])
        if entry["parent_id"] is not None:
            names += variants.get(entry["parent_id"], [])
        names = list(dict.fromkeys(names))
    return names


def find(store: Store, occurrences: list[Occurrence], tz: tzinfo, *, gap_minutes: int,
         most_a_day: int) -> Conflicts:
    """The conflicts among these occurrences (in time order; the posts among them, see counts())."""
    found = Conflicts(gap=gap_minutes)
    posts = [o for o in occurrences if counts(o)]
    if not posts or (gap_minutes <= 0 and most_a_day <= 0):
        return found
    ids = {o.entry["id"] for o in posts} | {o.entry["parent_id"] for o in posts if o.entry["parent_id"]}
    variants = store.entries.variant_accounts(ids)
    accounts_of = found.accounts_of
    by_account: dict[str, list[Occurrence]] = defaultdict(list)
    for occurrence in posts:
        entry_id = occurrence.entry["id"]
        names = accounts_of.get(entry_id)
        if names is None:
            names = accounts_of[entry_id] = _accounts(occurrence.entry, variants)
        for account in names:
            by_account[account].append(occurrence)
    for account, items in by_account.items():  # each in time order, as occurrences_between gives them
        if gap_minutes > 0:
            _gaps(found.of, account, items, gap_minutes * 60)
        if most_a_day > 0:
            per_day: dict[date, int] = defaultdict(int)
            for occurrence in items:
                per_day[occurrence.at.astimezone(tz).date()] += 1
            for day, count in sorted(per_day.items()):
                if count > most_a_day:
                    found.days.setdefault(day, {})[account] = (WORDS["day"].format(
                        count=count, account=account, day=day.strftime("%a %d %b"), most=most_a_day))
    return found


def _gaps(of: dict, account: str, items: list, gap_seconds: int) -> None:
    """Note each pair of this account's posts (in time order) closer than the gap."""
    times = [o.at.timestamp() for o in items]
    keys = [key(o) for o in items]
    for n in range(len(items)):
        for m in range(n + 1, len(items)):
            apart = times[m] - times[n]
            if apart >= gap_seconds:
                break
            if keys[n] == keys[m]:
                continue
            minutes = int(apart // 60)
            of.setdefault(keys[m], []).append((items[n], minutes, True, account))
            of.setdefault(keys[n], []).append((items[m], minutes, False, account))


def in_window(store: Store, settings: Settings, start: datetime, end: datetime,
              tz: tzinfo | None = None) -> tuple[list[Occurrence], Conflicts]:
    """The occurrences of [start, end) (what occurrences_between gives) and their conflicts,
    from one read a day wider on each side."""
    from cmtui.planning.recurrence import occurrences_between

    tz = tz or settings.tzinfo()
    wide = occurrences_between(store, start - MARGIN, end + MARGIN, tz)
    found = find(store, wide, tz, gap_minutes=settings.min_gap_minutes, most_a_day=settings.max_posts_per_day)
    start, end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)  # (cheap comparisons)
    inside = [o for o in wide if start <= o.at < end]
    return inside, found


SERIES_AHEAD = timedelta(days=35)  # how far a new series is checked when it is saved


def of_entry(store: Store, settings: Settings, entry_id: int, now: datetime | None = None) -> list[str]:
    """What an entry (just saved or moved) conflicts with: its own reasons and those of the
    days it falls on, for a series over its next weeks (from now or its start)."""
    from cmtui.model import parse_iso

    entry = store.entries.get(entry_id)
    if entry is None or entry["status"] in NOT_POSTS:
        return []
    at = parse_iso(entry["scheduled_at"])
    if at is None:
        return []
    tz = settings.tzinfo()
    start = max(at, now) if entry["rrule"] and now is not None else at
    end = start + (SERIES_AHEAD if entry["rrule"] else timedelta(minutes=1))
    inside, found = in_window(store, settings, start - timedelta(minutes=1) if not entry["rrule"] else start, end, tz)
    mine = [o for o in inside if o.entry["id"] == entry_id or (entry["rrule"] and o.entry["parent_id"] == entry_id)]
    reasons: list[str] = []
    for occurrence in mine:
        for reason in found.all_for(occurrence, tz):
            if reason not in reasons:
                reasons.append(reason)
    return reasons
