"""Members of the community (authors), with the team's notes about them."""

from __future__ import annotations

from cmtui.store.base import Repo, now
from cmtui.store.db import transaction


class PeopleRepo(Repo):
    def upsert(
        self,
        platform: str,
        acct: str,
        display_name: str = "",
        remote_id: str | None = None,
        url: str | None = None,
        account_created_at: str | None = None,
        bot: bool = False,
        seen_at: str | None = None,
    ) -> int:
        """Insert or refresh a person; return its id. Notes and the watch flag are kept."""
        seen = seen_at or now()
        row = self.conn.execute(
            "INSERT INTO people (platform, acct, display_name, remote_id, url, account_created_at, bot,"
            " first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (platform, acct) DO UPDATE SET"
            " display_name = excluded.display_name,"
            " remote_id = coalesce(excluded.remote_id, remote_id),"
            " url = coalesce(excluded.url, url),"
            " account_created_at = coalesce(excluded.account_created_at, account_created_at),"
            " bot = excluded.bot,"
            " first_seen_at = min(first_seen_at, excluded.first_seen_at),"
            " last_seen_at = max(last_seen_at, excluded.last_seen_at)"
            " RETURNING id",
            (platform, acct, display_name, remote_id, url, account_created_at, int(bot), seen, seen),
        ).fetchone()
        return row[0]

    def get(self, person_id: int):
        return self._one("SELECT * FROM people WHERE id = ?", (person_id,))

    def by_acct(self, platform: str, acct: str):
        return self._one("SELECT * FROM people WHERE platform = ? AND acct = ?", (platform, acct))

    def set_notes(self, person_id: int, notes: str) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE people SET notes = ? WHERE id = ?", (notes, person_id))
