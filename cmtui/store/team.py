"""What `cmtui team list` reads about each teammate: the open items and flags assigned to them,
and who is busy with an item right now (the presence table, kept by the screens)."""

from __future__ import annotations

from datetime import timedelta

from cmtui.model import iso, utcnow
from cmtui.store.base import Repo

# A presence line not refreshed for this long is someone who left without saying so.
PRESENT_FOR = timedelta(minutes=2)


class TeamRepo(Repo):
    def open_assigned(self) -> dict[str, int]:
        """Assignee -> their items still in the inbox (new or open, not hidden)."""
        return self._pairs("SELECT assignee, count(*) FROM inbox_items WHERE state IN ('new', 'open')"
                           " AND hidden = 0 AND assignee IS NOT NULL GROUP BY assignee")

    def open_flags_assigned(self) -> dict[str, int]:
        """Assignee -> their moderation flags still open."""
        return self._pairs("SELECT assignee, count(*) FROM moderation_flags WHERE state = 'open'"
                           " AND assignee IS NOT NULL GROUP BY assignee")

    def present(self, now=None) -> list:
        """Who is busy with an item now (seen within PRESENT_FOR), oldest first."""
        cutoff = iso((now or utcnow()) - PRESENT_FOR)
        return self._all("SELECT item_id, who, activity, since, seen_at FROM presence WHERE seen_at >= ?"
                         " ORDER BY since, item_id", (cutoff,))
