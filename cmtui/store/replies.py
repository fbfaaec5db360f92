"""Saved replies (canned answers) in several languages."""

from __future__ import annotations

import re
import sqlite3

from cmtui.i18n import _
from cmtui.errors import InputError
from cmtui.store.activity import ActivityRepo
from cmtui.store.base import Repo, now
from cmtui.store.db import transaction
from cmtui.text import sanitize

_LANGUAGE = re.compile(r"[a-z]{2,3}")
MAX_NAME = 80


def _clean(name: str, language: str, body: str) -> tuple[str, str, str]:
    name = sanitize(name or "", max_len=MAX_NAME, single_line=True).strip()
    language = (language or "").strip().lower()
    body = sanitize(body or "").strip()
    if not name:
        raise InputError(_("a saved reply needs a name"))
    if not _LANGUAGE.fullmatch(language):
        raise InputError(_("language must be a 2-letter code such as en, es, fr or sl (not {language})").format(
            language=repr(language)) if language else _("a saved reply needs a language, such as en"))
    if not body:
        raise InputError(_("a saved reply needs some text"))
    return name, language, body


class SavedReplyRepo(Repo):
    def add(self, name: str, language: str, body: str, *, who: str | None = None) -> int:
        """Store a new saved reply; InputError if a field is empty or the name is taken in
        that language."""
        name, language, body = _clean(name, language, body)
        stamp = now()
        with transaction(self.conn):
            self._check_free(name, language, None)
            cur = self.conn.execute(
                "INSERT INTO saved_replies (name, language, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
                " RETURNING id",
                (name, language, body, stamp, stamp),
            )
            reply_id = cur.fetchone()[0]
            ActivityRepo(self.conn).record(who, "reply.add", f"saved reply {reply_id}",  # i18n: not shown
                                           {"name": name, "language": language, "body": body})
            return reply_id

    def update(self, reply_id: int, name: str, language: str, body: str, *, who: str | None = None) -> None:
        name, language, body = _clean(name, language, body)
        with transaction(self.conn):
            if self.get(reply_id) is None:
                raise InputError(_("no saved reply with id {id}").format(id=reply_id))
            self._check_free(name, language, reply_id)
            self.conn.execute(
                "UPDATE saved_replies SET name = ?, language = ?, body = ?, updated_at = ? WHERE id = ?",
                (name, language, body, now(), reply_id),
            )
            ActivityRepo(self.conn).record(who, "reply.edit", f"saved reply {reply_id}",  # i18n: not shown
                                           {"name": name, "language": language, "body": body})

    def delete(self, reply_id: int, *, who: str | None = None) -> bool:
        """Remove a saved reply; False if there was none with that id."""
        with transaction(self.conn):
            row = self.get(reply_id)
            if row is None:
                return False
            self.conn.execute("DELETE FROM saved_replies WHERE id = ?", (reply_id,))
            ActivityRepo(self.conn).record(who, "reply.delete", f"saved reply {reply_id}", row["name"])  # i18n: not shown
            return True

    def get(self, reply_id: int) -> sqlite3.Row | None:
        return self._one("SELECT * FROM saved_replies WHERE id = ?", (reply_id,))

    def count(self) -> int:
        return self._scalar("SELECT count(*) FROM saved_replies")

    def list(self, language: str | None = None):
        if language:
            return self._all("SELECT * FROM saved_replies WHERE language = ? ORDER BY name", (language,))
        return self._all("SELECT * FROM saved_replies ORDER BY language, name")

    def _check_free(self, name: str, language: str, reply_id: int | None) -> None:
        clash = self._scalar(
            "SELECT id FROM saved_replies WHERE name = ? AND language = ? AND id IS NOT ?",
            (name, language, reply_id),
        )
        if clash is not None:
            raise InputError(_("there is already a saved reply named {name} in {language}").format(name=repr(name), language=language))
