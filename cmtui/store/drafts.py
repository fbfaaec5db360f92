"""Drafts being written (replies, posts), saved as the user types so nothing is lost."""

from __future__ import annotations

from cmtui.store.base import Repo, dumps, loads, now
from cmtui.store.db import transaction


class DraftRepo(Repo):
    def get(self, context: str) -> str | None:
        return self._scalar("SELECT text FROM drafts WHERE context = ?", (context,))

    def save(self, context: str, text: str) -> None:
        with transaction(self.conn):
            if text.strip():
                self.conn.execute(
                    "INSERT INTO drafts (context, text, updated_at) VALUES (?, ?, ?) ON CONFLICT (context)"
                    " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at", (context, text, now()))
            else:
                self.conn.execute("DELETE FROM drafts WHERE context = ?", (context,))

    def get_form(self, context: str) -> dict | None:
        """A form kept as it was being filled in (the entry composer's fields), or None when
        there is none or it cannot be read."""
        value = loads(self.get(context), None)
        return value if isinstance(value, dict) else None

    def save_form(self, context: str, values: dict) -> None:
        self.save(context, dumps(values))

    def delete(self, context: str) -> None:
        with transaction(self.conn):
            self.conn.execute("DELETE FROM drafts WHERE context = ?", (context,))
