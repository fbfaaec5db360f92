"""Triage decisions on inbox items, each logged with what it replaced so it can be undone.

Every decision is one transaction: the log row (with the fields as they were) and the
change are stored together, before anything else happens.
"""

from __future__ import annotations

from cmtui.i18n import _
from cmtui.errors import InputError
from cmtui.store.base import Repo, dumps, loads, now
from cmtui.store.db import transaction

UNDO_DEPTH = 20  # how many of the latest decisions `undo` can reach back
_FIELDS = ("state", "snooze_until", "assignee", "labels", "done_at")


class Overtaken(InputError):
    """An undo refused: a teammate decided on the same items since, and restoring the fields
    as they were before would silently wipe that decision."""

    def __init__(self, who: str):
        self.who = who
        # i18n: said when `u` is refused; {name} is the teammate who decided on the items later
        super().__init__(_("{name} changed it since: nothing undone").format(name=who))


class TriageRepo(Repo):
    def apply(self, item_ids: list[int], action: str, changes: dict, who: str) -> int:
        """Set fields on items (state, snooze_until, assignee, labels, done_at); return the log id."""
        unknown = set(changes) - set(_FIELDS)
        if unknown or not item_ids:
            raise InputError(_("cannot change {fields}").format(fields=", ".join(sorted(unknown))) if unknown
                             else _("cannot change no items"))
        ids = sorted(set(item_ids))
        marks = ",".join("?" * len(ids))
        with transaction(self.conn):
            rows = self.conn.execute(f"SELECT id, {', '.join(_FIELDS)} FROM inbox_items WHERE id IN ({marks})",
                                     ids).fetchall()
            missing = set(ids) - {r["id"] for r in rows}
            if missing:
                raise InputError(_("no inbox item with id {id}").format(id=min(missing)))
            before = {str(r["id"]): {f: r[f] for f in changes} for r in rows}
            log_id = self._insert(
                "INSERT INTO triage_log (at, who, action, item_ids, before) VALUES (?, ?, ?, ?, ?)",
                (now(), who, action, dumps(ids), dumps(before)))
            values = [dumps(v) if f == "labels" and not isinstance(v, str) and v is not None else v
                      for f, v in changes.items()]
            self.conn.execute(
                f"UPDATE inbox_items SET {', '.join(f'{f} = ?' for f in changes)} WHERE id IN ({marks})",
                [*values, *ids])
        return log_id

    def done(self, item_ids: list[int], who: str) -> int:
        return self.apply(item_ids, "done", {"state": "done", "snooze_until": None, "done_at": now()}, who)

    def relabel(self, item_ids: list[int], add: set[str], remove: set[str], who: str) -> int:
        """Add and remove labels on each item (keeping its other labels); return the log id."""
        ids = sorted(set(item_ids))
        marks = ",".join("?" * len(ids))
        with transaction(self.conn):
            rows = self.conn.execute(f"SELECT id, labels FROM inbox_items WHERE id IN ({marks})", ids).fetchall()
            if len(rows) != len(ids):
                raise InputError(_("no inbox item with id {id}").format(id=min(set(ids) - {r["id"] for r in rows})))
            log_id = self._insert(
                "INSERT INTO triage_log (at, who, action, item_ids, before) VALUES (?, ?, ?, ?, ?)",
                (now(), who, "label", dumps(ids), dumps({str(r["id"]): {"labels": r["labels"]} for r in rows}))
            )
            for row in rows:
                labels = [label for label in loads(row["labels"], []) if label not in remove]
                labels += sorted(add - set(labels))
                self.conn.execute("UPDATE inbox_items SET labels = ? WHERE id = ?", (dumps(labels), row["id"]))
        return log_id

    def recent_labels(self, limit: int = 2000) -> list[str]:
        """Labels used on the latest items (a vocabulary to pick from without a full scan)."""
        rows = self.conn.execute(
            "SELECT DISTINCT j.value FROM (SELECT labels FROM inbox_items ORDER BY id DESC LIMIT ?) i,"
            " json_each(i.labels) j", (limit,)).fetchall()
        return sorted(r[0] for r in rows if isinstance(r[0], str))

    def undo(self, who: str | None = None) -> dict | None:
        """Undo the latest decision not undone yet (among the last UNDO_DEPTH); return it, or None.
        who: only that person's decisions (a teammate's are theirs to undo), and Overtaken
        (nothing changed) when a teammate decided on any of its items since."""
        with transaction(self.conn):
            row = self.latest(who)
            if row is None:
                return None
            self.check_not_overtaken(row, who)
            for item_id, fields in loads(row["before"], {}).items():
                if fields:
                    self.conn.execute(
                        f"UPDATE inbox_items SET {', '.join(f'{f} = ?' for f in fields)} WHERE id = ?",
                        [*fields.values(), int(item_id)])
            self.conn.execute("UPDATE triage_log SET undone = 1 WHERE id = ?", (row["id"],))
        return {"action": row["action"], "items": loads(row["item_ids"], [])}

    # -- decisions that are not fields (a like: undone by taking it back, cmtui.triage.likes) ------
    def log(self, item_ids: list[int], action: str, who: str) -> int:
        """Log a decision whose undo is not restoring fields; in the caller's transaction."""
        return self._insert("INSERT INTO triage_log (at, who, action, item_ids, before) VALUES (?, ?, ?, ?, '{}')",
                            (now(), who, action, dumps(sorted(set(item_ids)))))

    def latest(self, who: str | None = None):
        """The decision `undo` would undo next (among the last UNDO_DEPTH, of `who` when given:
        that person's own), or None."""
        mine, params = ("WHERE who = ? COLLATE NOCASE ", (who,)) if who is not None else ("", ())
        return self._one(f"SELECT * FROM (SELECT * FROM triage_log {mine}ORDER BY id DESC LIMIT ?) WHERE undone = 0"
                         " ORDER BY id DESC LIMIT 1", (*params, UNDO_DEPTH))

    def check_not_overtaken(self, row, who: str | None) -> None:
        """Overtaken when someone other than `who` made a later decision, not undone, on any
        of the logged decision's items (naming the latest of them). No person: no check."""
        if who is None:
            return
        later = self._one(
            "SELECT who FROM triage_log l WHERE l.id > ? AND l.undone = 0 AND l.who != ? COLLATE NOCASE"
            " AND EXISTS (SELECT 1 FROM json_each(l.item_ids) j WHERE j.value IN (SELECT value FROM json_each(?)))"
            " ORDER BY l.id DESC LIMIT 1", (row["id"], who, row["item_ids"]))
        if later is not None:
            raise Overtaken(later["who"])

    def mark_undone(self, log_id: int) -> None:
        self.conn.execute("UPDATE triage_log SET undone = 1 WHERE id = ?", (log_id,))

    def wake_snoozed(self, now_text: str) -> int:
        """Snoozed items whose time has come are new again; return how many woke."""
        with transaction(self.conn):
            return self.conn.execute(
                "UPDATE inbox_items SET state = 'new', snooze_until = NULL"
                " WHERE state = 'snoozed' AND snooze_until <= ?", (now_text,)).rowcount
