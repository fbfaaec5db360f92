"""Saved replies (canned answers) in several languages."""

from __future__ import annotations

from cmtui.store.base import Repo, now
from cmtui.store.db import transaction


class SavedReplyRepo(Repo):
    def add(self, name: str, language: str, body: str) -> int:
        stamp = now()
        with transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO saved_replies (name, language, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (name, language) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at"
                " RETURNING id",
                (name, language, body, stamp, stamp),
            )
            return cur.fetchone()[0]

    def list(self, language: str | None = None):
        if language:
            return self._all("SELECT * FROM saved_replies WHERE language = ? ORDER BY name", (language,))
        return self._all("SELECT * FROM saved_replies ORDER BY language, name")
