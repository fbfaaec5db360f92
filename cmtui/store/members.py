"""Members (authors) of the community, the one repository of the people table: their rows,
record, the team's notes, the most active and most helpful ones; the community guidelines
(numbered, editable) and the servers' own rules. (The sync path's bulk upsert of a page's
authors is cmtui.store.ingest's, for speed.)

Most helpful, in a date range: the replies a member wrote (not us) in threads that hold a
question from someone else (is_question), counted once per thread. Likes are not counted:
the platforms do not tell us who liked a member's reply.
"""

from __future__ import annotations

from datetime import datetime

from cmtui.i18n import _
from cmtui.errors import InputError
from cmtui.model import parse_iso, utcnow
from cmtui.store.activity import ActivityRepo
from cmtui.store.base import Repo, loads, now as _stamp
from cmtui.store.db import transaction


class MemberRepo(Repo):
    # -- one member ---------------------------------------------------------------------
    def upsert(self, platform: str, acct: str, display_name: str = "", remote_id: str | None = None,
               url: str | None = None, account_created_at: str | None = None, bot: bool = False,
               seen_at: str | None = None) -> int:
        """Insert or refresh a person; return its id. Notes and the watch flag are kept."""
        seen = seen_at or _stamp()
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

    def of_item(self, item_id: int) -> tuple[int | None, str | None]:
        """(person id, platform account id) of an inbox item's author, (None, None) if unknown."""
        row = self._one("SELECT p.id, p.remote_id FROM inbox_items i JOIN people p ON p.id = i.person_id"
                        " WHERE i.id = ?", (item_id,))
        return (row[0], row[1]) if row else (None, None)

    def require(self, person):
        """A person row by id or acct (user@instance)."""
        if isinstance(person, int) or str(person).isdigit():
            row = self._one("SELECT * FROM people WHERE id = ?", (int(person),))
        else:
            row = self._one("SELECT * FROM people WHERE acct = ? ORDER BY id LIMIT 1", (str(person).lstrip("@"),))
        if row is None:
            raise InputError(_("no member '{name}'").format(name=person))
        return row

    def record(self, person, now: datetime | None = None) -> dict:
        """The author's record: items, earlier flags, account age, notes, watch."""
        p = self.require(person)
        items = self._scalar("SELECT count(*) FROM inbox_items WHERE person_id = ?", (p["id"],))
        flags = self._all("SELECT f.state, count(*) FROM moderation_flags f JOIN inbox_items i ON i.id = f.item_id"
                          " WHERE i.person_id = ? GROUP BY f.state", (p["id"],))
        by_state = {state: n for state, n in flags}
        created = parse_iso(p["account_created_at"])
        age = ((now or utcnow()) - created).days if created else None
        actions = self._scalar("SELECT count(*) FROM moderation_log WHERE person_id = ?", (p["id"],))
        return {"id": p["id"], "acct": p["acct"], "display_name": p["display_name"], "platform": p["platform"],
                "items": items, "flags": sum(by_state.values()), "flags_by_state": by_state,
                "moderation_actions": actions, "account_created_at": p["account_created_at"],
                "account_age_days": age, "notes": p["notes"], "notes_by": p["notes_by"],
                "notes_at": p["notes_at"], "watch": bool(p["watch"]), "bot": bool(p["bot"]),
                "first_seen_at": p["first_seen_at"], "last_seen_at": p["last_seen_at"]}

    def history(self, person, limit: int = 50) -> list:
        p = self.require(person)
        return self._all("SELECT id, kind, text, created_at, state, hidden FROM inbox_items WHERE person_id = ?"
                         " ORDER BY created_at DESC, id DESC LIMIT ?", (p["id"], limit))

    def set_notes(self, person, notes: str, *, who: str | None = None) -> None:
        """The team's notes on a member, with who wrote them and when (who None: cmtui's own)."""
        p = self.require(person)
        with transaction(self.conn):
            self.conn.execute("UPDATE people SET notes = ?, notes_by = ?, notes_at = ? WHERE id = ?",
                              (notes, who, _stamp() if who is not None else None, p["id"]))
            ActivityRepo(self.conn).record(who, "member.notes", f"member {p['id']}", notes)  # i18n: not shown

    def set_watch(self, person, watch: bool, *, who: str | None = None) -> None:
        p = self.require(person)
        with transaction(self.conn):
            self.conn.execute("UPDATE people SET watch = ? WHERE id = ?", (int(watch), p["id"]))
            ActivityRepo(self.conn).record(who, "member.watch", f"member {p['id']}", "on" if watch else "off")  # i18n: not shown

    # -- recognition ------------------------------------------------------------------------
    def most_active(self, start: str, end: str, limit: int = 10) -> list[dict]:
        """Authors with the most items in [start, end)."""
        rows = self._all("SELECT author, count(*) AS n FROM inbox_items WHERE created_at >= ? AND created_at < ?"
                         " GROUP BY author ORDER BY n DESC, author LIMIT ?", (start, end, limit))
        return [{"author": r[0], "items": r[1]} for r in rows]

    def most_helpful(self, start: str, end: str, limit: int = 10) -> list[dict]:
        """Members who answered others' questions in [start, end): threads they replied in
        that hold someone else's question (see the module's docstring)."""
        rows = self._all(
            "SELECT tp.author, count(DISTINCT tp.thread_id) AS n FROM thread_posts tp"
            " WHERE tp.ours = 0 AND tp.created_at >= ? AND tp.created_at < ? AND tp.in_reply_to_remote_id IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM inbox_items q WHERE q.thread_id = tp.thread_id AND q.is_question = 1"
            "  AND q.author <> tp.author)"
            " GROUP BY tp.author ORDER BY n DESC, tp.author LIMIT ?", (start, end, limit))
        return [{"author": r[0], "threads_helped": r[1]} for r in rows]

    # -- guidelines ---------------------------------------------------------------------------
    def guidelines(self) -> list:
        return self._all("SELECT * FROM guidelines ORDER BY position, id")

    def guideline(self, number: int):
        return self._one("SELECT * FROM guidelines WHERE position = ?", (number,))

    def add_guideline(self, title: str, body: str = "", position: int | None = None, *,
                      who: str | None = None) -> int:
        if not title.strip():
            raise InputError(_("a guideline needs a title"))
        with transaction(self.conn):
            last = self._scalar("SELECT coalesce(max(position), 0) FROM guidelines")
            position = last + 1 if position is None else max(1, min(position, last + 1))
            self.conn.execute("UPDATE guidelines SET position = position + 1 WHERE position >= ?", (position,))
            guideline_id = self._insert("INSERT INTO guidelines (position, title, body) VALUES (?, ?, ?)",
                                        (position, title.strip(), body.strip()))
            ActivityRepo(self.conn).record(who, "guideline.add", f"guideline {position}",  # i18n: not shown
                                           {"title": title.strip(), "body": body.strip()})
            return guideline_id

    def edit_guideline(self, number: int, title: str | None = None, body: str | None = None, *,
                       who: str | None = None) -> None:
        row = self.guideline(number)
        if row is None:
            raise InputError(_("no guideline number {number}").format(number=number))
        title, body = (title or row["title"]).strip(), (row["body"] if body is None else body).strip()
        with transaction(self.conn):
            self.conn.execute("UPDATE guidelines SET title = ?, body = ? WHERE id = ?", (title, body, row["id"]))
            ActivityRepo(self.conn).record(who, "guideline.edit", f"guideline {number}",  # i18n: not shown
                                           {"title": title, "body": body})

    def remove_guideline(self, number: int, *, who: str | None = None) -> None:
        row = self.guideline(number)
        if row is None:
            raise InputError(_("no guideline number {number}").format(number=number))
        with transaction(self.conn):
            self._take_out(row)
            ActivityRepo(self.conn).record(who, "guideline.remove", f"guideline {number}", row["title"])  # i18n: not shown

    def move_guideline(self, number: int, to: int, *, who: str | None = None) -> None:
        """Put guideline `number` at position `to` (the others shift), in one transaction."""
        row = self.guideline(number)
        if row is None:
            raise InputError(_("no guideline number {number}").format(number=number))
        with transaction(self.conn):
            self._take_out(row)
            self.add_guideline(row["title"], row["body"], position=to)
            ActivityRepo(self.conn).record(who, "guideline.move", f"guideline {number}", str(to))  # i18n: not shown

    def _take_out(self, row) -> None:
        self.conn.execute("DELETE FROM guidelines WHERE id = ?", (row["id"],))
        self.conn.execute("UPDATE guidelines SET position = position - 1 WHERE position > ?", (row["position"],))

    def server_rules(self) -> dict[str, list[dict]]:
        """The servers' own rules per account, as cached by the last limits check of a sync."""
        out = {}
        for name, limits in self._all("SELECT name, limits FROM accounts ORDER BY name"):
            rules = loads(limits, {}).get("rules") or []
            if rules:
                out[name] = rules
        return out
