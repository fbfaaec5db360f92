"""What deserves an alert (settings `alerts`): a new direct message, and an item whose
response target just passed, among items unassigned or assigned to the person working.

Each item rings once per reason. The watch keeps two high-water marks in memory, seeded
from the store when the TUI starts, so opening it never rings for what was already there:
the last item id seen (new direct messages are above it) and the overdue cutoff of the last
look (an item rings as overdue when its target passes between two looks). A direct message
that arrives already past its target (a backfill, a night away) does not ring: it is old news
the inbox shows anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.i18n import _, ngettext
from cmtui.team import same_person
from cmtui.text import cut, sanitize
from cmtui.triage.response import overdue_cutoff

if TYPE_CHECKING:
    from cmtui.store import Store

DIRECT, OVERDUE = "direct", "overdue"
TEXT_LIMIT = 100  # characters of a notification's text, at most
SEPARATOR = " · "  # i18n: not shown (punctuation)


@dataclass(frozen=True)
class Alert:
    item_id: int
    reason: str  # DIRECT or OVERDUE
    author: str
    text: str

    def words(self) -> str:
        """One line, at most TEXT_LIMIT characters, remote text sanitised (no escapes)."""
        author = sanitize(self.author, max_len=60, single_line=True)
        if author and not author.startswith("@"):
            author = "@" + author
        text = sanitize(self.text, max_len=TEXT_LIMIT, single_line=True)
        if self.reason == DIRECT:
            # i18n: a desktop notification or toast for a new direct message; {text} its start
            line = _("Direct message from {author}: {text}").format(author=author, text=text)
        else:
            # i18n: a desktop notification or toast: an item's response target just passed
            line = _("Overdue, from {author}: {text}").format(author=author, text=text)
        return cut(line, TEXT_LIMIT)  # (the words around are ours: their no-break spaces stay)


def summary(alerts: list[Alert]) -> str:
    """One line for one look's alerts: the first in words, then how many more."""
    first = alerts[0].words()
    if len(alerts) == 1:
        return first
    more = len(alerts) - 1
    # i18n: after the first alert's words: how many other alerts came at the same time
    tail = ngettext("and {n} more", "and {n} more", more).format(n=l10n.number(more))
    return cut(first, TEXT_LIMIT - len(tail) - len(SEPARATOR)) + SEPARATOR + tail


def concerns(row, who: str) -> bool:
    """Unassigned, or assigned to the person working."""
    return not row["assignee"] or same_person(row["assignee"], who)


class AlertWatch:
    """Looks at the store for what rang since the last look (check); seeded at start."""

    def __init__(self, store: Store, who: str, target: timedelta, now: datetime):
        self.store = store
        self.who = who
        self.target = target
        self.after_id = store.inbox.last_id()
        self.cutoff = overdue_cutoff(now, target)

    def check(self, now: datetime) -> list[Alert]:
        cutoff = max(self.cutoff, overdue_cutoff(now, self.target))  # (a clock set back: never twice)
        alerts: list[Alert] = []
        for row in self.store.inbox.arrived_after(self.after_id, DIRECT):
            self.after_id = max(self.after_id, row["id"])
            if concerns(row, self.who) and not row["moderated"] and row["created_at"] >= cutoff:
                alerts.append(Alert(row["id"], DIRECT, row["author"], row["text"]))
        if cutoff > self.cutoff:
            for row in self.store.inbox.came_due(self.cutoff, cutoff):
                if concerns(row, self.who):
                    alerts.append(Alert(row["id"], OVERDUE, row["author"], row["text"]))
            self.cutoff = cutoff
        return alerts
