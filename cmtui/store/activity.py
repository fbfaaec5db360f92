"""The team's activity log: decisions that have no log of their own (notes on members and
entries, guidelines, rules, goals, saved replies, the team's settings), each with the person
who made it. A line is written in the caller's transaction, beside the change it records:
both are kept or neither.

who None (in the repositories that take it) means cmtui itself wrote the change (the starter
guidelines and rules of a new database, the demo): no person decided it, so no line."""

from __future__ import annotations

from cmtui.store.base import Repo, dumps, now

# The actions written (action column); subject names what it was done to ("member 4").
ACTIONS = ("member.notes", "member.watch", "entry.notes", "guideline.add", "guideline.edit",  # i18n: not shown
           "guideline.remove", "guideline.move", "rule.save", "rule.delete", "rule.enable",  # i18n: not shown
           "rule.disable", "rule.reorder", "rule.import", "goal.add", "goal.edit", "goal.delete",  # i18n: not shown
           "reply.add", "reply.edit", "reply.delete", "team.set")  # i18n: not shown


def activity_json(row) -> dict:
    return {key: row[key] for key in ("id", "at", "who", "action", "subject", "detail")}


class ActivityRepo(Repo):
    def record(self, who: str | None, action: str, subject: str = "", detail="") -> int | None:
        """One line (inside the caller's transaction); detail: text, or a value stored as JSON.
        None for who: written by cmtui itself, not recorded."""
        if who is None:
            return None
        text = detail if isinstance(detail, str) else dumps(detail)
        return self._insert("INSERT INTO activity_log (at, who, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                            (now(), who, action, subject, text))

    def recent(self, limit: int = 100) -> list:
        """The newest lines first."""
        return self._all("SELECT * FROM activity_log ORDER BY at DESC, id DESC LIMIT ?", (limit,))
