"""Instance reports (admin tokens): the open reports of the instance, kept in step by sync."""

from __future__ import annotations

from cmtui.i18n import _
from cmtui.errors import InputError
from cmtui.store.base import Repo, dumps, loads, now
from cmtui.store.db import transaction
from cmtui.text import sanitize


def _handle(acct: str | None) -> str:
    return sanitize(acct or "", max_len=300, single_line=True)


class ReportRepo(Repo):
    def get(self, report_id: int):
        return self._one("SELECT * FROM platform_reports WHERE id = ?", (report_id,))

    def require(self, report_id):
        text = str(report_id)
        if text[:1] in ("r", "R"):
            text = text[1:]
        try:
            number = int(text)
        except ValueError:
            raise InputError(_("'{id}' is not a report id (like r12 or 12)").format(id=report_id)) from None
        row = self.get(number)
        if row is None:
            raise InputError(_("no instance report with id {id}").format(id=number))
        return row

    def assign(self, report_id: int, who: str) -> None:
        self.conn.execute("UPDATE platform_reports SET assigned_to = ? WHERE id = ?", (who, report_id))

    def resolve(self, report_id: int) -> None:
        """Resolved here (the caller queues what tells the server)."""
        self.conn.execute("UPDATE platform_reports SET state = 'resolved' WHERE id = ?", (report_id,))

    def open(self) -> list:
        return self._all("SELECT * FROM platform_reports WHERE state = 'open' ORDER BY created_at, id")

    def sync(self, account_id: int, reports, unread=(), all_named: bool = True) -> int:
        """Store the instance's open reports (typed RemoteReport values from the connector);
        each new one joins the moderation queue as a flag. A report we hold open that the
        server no longer lists was resolved elsewhere; one we resolved here stays resolved.
        `unread` are ids the server still lists but sent malformed: still open, so kept open;
        with all_named False (a listed report without an id) nothing counts as gone.
        Returns how many are new."""
        new = 0
        seen: list[str] = [str(i) for i in unread]
        with transaction(self.conn):
            for r in reports:
                seen.append(r.remote_id)
                comment = sanitize(r.comment, max_len=5000)
                category = sanitize(r.category, max_len=40, single_line=True) or "other"
                row = self.conn.execute(
                    "INSERT INTO platform_reports (account_id, remote_id, category, comment, target_acct,"
                    " target_remote_id, status_ids, created_at, assigned_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (account_id, remote_id) DO UPDATE SET comment = excluded.comment,"
                    " category = excluded.category, assigned_to = coalesce(excluded.assigned_to, assigned_to)"
                    " RETURNING id, (SELECT count(*) FROM moderation_flags f WHERE f.report_id = platform_reports.id)",
                    (account_id, r.remote_id, category, comment, _handle(r.target.acct) or "?", r.target.remote_id,
                     dumps(list(r.status_ids)), r.created_at, _handle(r.assigned_to) or None)).fetchone()
                if row[1] == 0:
                    reason = f"reported ({category})" + (f": {comment}" if comment else "")
                    self.conn.execute(
                        "INSERT INTO moderation_flags (report_id, rule, reason, created_at) VALUES (?, ?, ?, ?)",
                        (row[0], "instance report", reason[:500], r.created_at))  # i18n: not shown (a stored value)
                    new += 1
            gone = [] if not all_named else self._all(
                "SELECT id FROM platform_reports WHERE account_id = ? AND state = 'open'"
                " AND remote_id NOT IN (SELECT value FROM json_each(?))", (account_id, dumps(seen)))
            stamp = now()
            for (report_id,) in gone:
                self.conn.execute("UPDATE platform_reports SET state = 'resolved' WHERE id = ?", (report_id,))
                self.conn.execute("UPDATE moderation_flags SET state = 'resolved', resolved_at = ?"
                                  " WHERE report_id = ? AND state = 'open'", (stamp, report_id))
        return new

    def status_ids(self, report_id: int) -> list[str]:
        """The remote ids of the posts attached to a report, decoded."""
        return loads(self._scalar("SELECT status_ids FROM platform_reports WHERE id = ?", (report_id,)), [])
