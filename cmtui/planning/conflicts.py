"""Calendar conflicts: posts of one account too close together, and days with too many.

Two posts for one account less than the settings' `min_gap_minutes` apart are both marked
(exactly the gap apart is fine); a local day with more than `max_posts_per_day` posts for
one account is marked as a day. Posts are the occurrences the views show (single entries,
materialized and expanded occurrences of series), except skipped ones and cancelled or
failed entries; an entry counts for its account and for each account a variant of it
(or of its series) posts to. A setting of 0 turns its check off.

Computed for a window from one `occurrences_between` read, widened by a day each side so
that a post just outside the window still counts against one inside it. The reasons are
short sentences ("42 min after ‘Launch post’ on fernleaf (minimum gap 60 min)"), translated
when they are found.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.i18n import _, ngettext
from cmtui.text import first_line

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.planning.recurrence import Occurrence
    from cmtui.store import Store



def _reason(minutes: int, before: bool, other: str, account: str, gap: int) -> str:
    """Why a post is too close to another one of its account."""
    fields = dict(minutes=l10n.number(minutes), other=other, account=account, gap=l10n.number(gap))
    if minutes == 0:
        # i18n: a post too close to another post ({other}: its first words) of an account
        return _("at the same time as ‘{other}’ on {account} (minimum gap {gap} min)").format(**fields)
    if before:
        # i18n: this post comes {minutes} minutes after the post {other} (its first words)
        return _("{minutes} min after ‘{other}’ on {account} (minimum gap {gap} min)").format(**fields)
    # i18n: this post comes {minutes} minutes before the post {other} (its first words)
    return _("{minutes} min before ‘{other}’ on {account} (minimum gap {gap} min)").format(**fields)


NOT_POSTS = ("cancelled", "failed")
MARGIN = timedelta(days=1)  # around a window: the neighbours of its first and last posts


def key(occurrence) -> tuple:
    """What identifies an occurrence across the views: its row and its time."""
    return occurrence.entry["id"], occurrence.at


@dataclass
class Conflicts:
    """The conflicts of a window: the occurrences (by key()) too close to another post of an
    account, and per local day the accounts over the maximum. Which posts an occurrence is
    too close to is found when asked for, from its account's posts in time order (a dense
    plan has thousands of pairs and a view shows the reasons of one)."""

    marks: set[tuple] = field(default_factory=set)  # keys of the occurrences too close to another
    days: dict[date, dict[str, str]] = field(default_factory=dict)  # day -> account -> reason
    accounts_of: dict[int, list[str]] = field(default_factory=dict)  # entry id -> the accounts it posts to
    gap: int = 0
    # account -> (its posts' times in seconds, the posts), in time order
    posts: dict[str, tuple[list[float], list]] = field(default_factory=dict)

    def reasons(self, occurrence) -> list[str]:
        if not self.marked(occurrence):
            return []
        said: list[str] = []
        mine = self.accounts_of.get(occurrence.entry["id"], ())
        for account, (times, items) in self.posts.items():  # (in the order the accounts were met)
            if account not in mine:
                continue
            for other, minutes, before in _close(times, items, occurrence, self.gap * 60):
                reason = _reason(minutes, before, first_line(other.entry["text"], 40), account, self.gap)
                if reason not in said:
                    said.append(reason)
        return said

    def marked(self, occurrence) -> bool:
        return occurrence is not None and occurrence.at is not None and key(occurrence) in self.marks

    def all_for(self, occurrence, tz: tzinfo) -> list[str]:
        """Its own reasons, then those of its day for the accounts it posts to."""
        if occurrence is None or occurrence.at is None or not counts(occurrence):
            return []
        day = self.day(occurrence.at.astimezone(tz).date(), self.accounts_of.get(occurrence.entry["id"], ()))
        return self.reasons(occurrence) + day

    def day(self, day: date, accounts=None) -> list[str]:
        """Why a day is over the maximum (for these accounts only, when given)."""
        return [reason for account, reason in self.days.get(day, {}).items() if accounts is None or account in accounts]


def _close(times: list[float], items: list, occurrence, gap_seconds: int) -> list[tuple]:
    """The posts of one account (in time order) closer than the gap to this occurrence, as
    (other, minutes apart, other is before): the earlier ones first, each in time order."""
    at, mine = occurrence.at.timestamp(), key(occurrence)
    here = bisect_left(times, at)
    while here < len(items) and key(items[here]) != mine:  # (several posts at one time)
        here += 1
    if here == len(items):
        return []
    before, after = here, here + 1
    while before > 0 and at - times[before - 1] < gap_seconds:
        before -= 1
    while after < len(items) and times[after] - at < gap_seconds:
        after += 1
    return [(items[n], int(abs(times[n] - at) // 60), n < here) for n in range(before, after)
            if n != here and key(items[n]) != mine]


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
    """The conflicts among these occurrences (in time order; the posts among them, see counts()):
    one pass per account, each post compared with its neighbours only; the pairs behind a
    mark are found when its reasons are asked for (Conflicts.reasons)."""
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
            times = [o.at.timestamp() for o in items]
            found.posts[account] = times, items
            _mark(found.marks, times, items, gap_minutes * 60)
        if most_a_day > 0:
            per_day = Counter(o.at.astimezone(tz).date() for o in items)
            for day, count in sorted(per_day.items()):
                if count > most_a_day:
                    found.days.setdefault(day, {})[account] = ngettext(
                        "{count} post on {account} on {day} (maximum {most} a day)",
                        "{count} posts on {account} on {day} (maximum {most} a day)", count).format(
                        count=l10n.number(count), account=account, day=l10n.day(day), most=l10n.number(most_a_day))
    return found


def _mark(marks: set, times: list[float], items: list, gap_seconds: int) -> None:
    """Mark this account's posts (in time order) that have a neighbour closer than the gap:
    comparing neighbours is enough, a post closer than the gap to any is to the next one
    (posts with one key, the same occurrence twice, do not count against each other)."""
    keys = [key(o) for o in items]
    for n in range(1, len(items)):
        if times[n] - times[n - 1] < gap_seconds and keys[n] != keys[n - 1]:
            marks.add(keys[n])
            marks.add(keys[n - 1])


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
