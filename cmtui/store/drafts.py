"""Drafts being written (replies, posts), saved as the user types so nothing is lost.

Each person's own: on a team's shared file two people may write a reply to one item, or a
new post, at once, and neither may see or overwrite the other's words. A draft written
before drafts had a person (who = '') is taken over by whoever opens it next."""

from __future__ import annotations

from cmtui.store.base import Repo, dumps, loads, now
from cmtui.store.db import transaction

_UNOWNED = ""  # i18n: not shown (the person of a draft written before V16)


class DraftRepo(Repo):
    def get(self, context: str, who: str) -> str | None:
        """The person's draft for context (their own first, else an unowned one)."""
        return self._scalar("SELECT text FROM drafts WHERE context = ? AND who IN (?, ?)"
                            " ORDER BY who = ? LIMIT 1", (context, who, _UNOWNED, _UNOWNED))

    def save(self, context: str, text: str, who: str) -> None:
        with transaction(self.conn):
            self.conn.execute("DELETE FROM drafts WHERE context = ? AND who = ?", (context, _UNOWNED))
            if text.strip():
                self.conn.execute(
                    "INSERT INTO drafts (context, who, text, updated_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (context, who) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                    (context, who, text, now()))
            else:
                self.conn.execute("DELETE FROM drafts WHERE context = ? AND who = ?", (context, who))

    def get_form(self, context: str, who: str) -> dict | None:
        """A form kept as it was being filled in (the entry composer's fields), or None when
        there is none or it cannot be read."""
        value = loads(self.get(context, who), None)
        return value if isinstance(value, dict) else None

    def save_form(self, context: str, values: dict, who: str) -> None:
        self.save(context, dumps(values), who)

    def delete(self, context: str, who: str) -> None:
        with transaction(self.conn):
            self.conn.execute("DELETE FROM drafts WHERE context = ? AND who IN (?, ?)", (context, who, _UNOWNED))
