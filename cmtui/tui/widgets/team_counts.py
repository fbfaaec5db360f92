"""The status line's team counts: "3 assigned to you" (new and open items assigned to the
person working) and, for an approver, "2 to approve" (what the approvals screen lists for
them to decide: a series once, and under approval = "other" not their own posts).

Both are index reads (V16's inbox_assigned for the assignee, the status index for the waiting
entries), yet on a big inbox they run in a worker thread on a read-only store, so a busy
database never stalls the screen; and only when the store changed: another process committed
(the app's store_version) or this one did (the connection's total_changes). The status line
shows the last counts meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from rich.text import Text

from cmtui import l10n
from cmtui.i18n import ngettext
from cmtui.planning.approval import OTHER
from cmtui.team import is_approver
from cmtui.tui.background import read_in_thread

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

SMALL_STORE = 20_000  # active items counted on the UI thread below this (well under a millisecond each)


@dataclass(frozen=True)
class Counts:
    assigned: int = 0
    to_approve: int | None = None  # None: the person is no approver


def count(store: Store, settings: Settings) -> Counts:
    me = settings.username
    assigned = store.inbox.assigned_count(me)
    to_approve = store.entries.awaiting_count(not_by=me if settings.approval == OTHER else None) \
        if is_approver(settings, me) else None
    return Counts(assigned, to_approve)


def words(counts: Counts) -> Text | None:
    """"3 assigned to you · 2 to approve", or None when there is nothing to say."""
    parts: list[str] = []
    if counts.assigned:
        # i18n: status line: new and open inbox items assigned to the person working
        parts.append(ngettext("{n} assigned to you", "{n} assigned to you", counts.assigned).format(
            n=l10n.number(counts.assigned)))
    if counts.to_approve:
        # i18n: status line, for an approver: posts waiting for their approval
        parts.append(ngettext("{n} to approve", "{n} to approve", counts.to_approve).format(
            n=l10n.number(counts.to_approve)))
    return Text(" · ".join(parts), style="bold") if parts else None


class TeamCounts:
    """One per app, shared by every screen's status line (`TeamCounts.of(app)`): `current`
    now, recounted in the background after a change."""

    _apps: WeakKeyDictionary = WeakKeyDictionary()

    def __init__(self, app):
        self.app = app
        self.current = Counts()
        self._key: tuple | None = None

    @classmethod
    def of(cls, app) -> "TeamCounts":
        if app not in cls._apps:
            cls._apps[app] = cls(app)
        return cls._apps[app]

    def request(self) -> None:
        store = self.app.store
        key = (self.app.store_version, store.own_changes())
        if key == self._key:
            return
        self._key = key
        settings = self.app.settings
        counts = store.inbox.state_counts()
        reader = store.reader() if counts["new"] + counts["open"] >= SMALL_STORE else None
        if reader is None:
            self._done(count(store, settings))
            return
        read_in_thread(self.app, reader, partial(count, settings=settings), self._done, group="team-counts",
                       failed=self._forget)

    def _forget(self) -> None:
        self._key = None

    def _done(self, counts: Counts) -> None:
        if counts != self.current:
            self.current = counts
            self.app.refresh_status_lines()
