"""What `cmtui team list` reads about each teammate: the open items and flags assigned to them
(who is busy with an item right now is cmtui.store.presence's `active`)."""

from __future__ import annotations

from cmtui.store.base import Repo


class TeamRepo(Repo):
    def open_assigned(self) -> dict[str, int]:
        """Assignee -> their items still in the inbox (new or open, not hidden)."""
        return self._pairs("SELECT assignee, count(*) FROM inbox_items WHERE state IN ('new', 'open')"
                           " AND hidden = 0 AND assignee IS NOT NULL GROUP BY assignee")

    def open_flags_assigned(self) -> dict[str, int]:
        """Assignee -> their moderation flags still open."""
        return self._pairs("SELECT assignee, count(*) FROM moderation_flags WHERE state = 'open'"
                           " AND assignee IS NOT NULL GROUP BY assignee")
