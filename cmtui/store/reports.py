"""Instance reports (admin tokens): the open reports of the instance, kept in step by sync."""

from __future__ import annotations

from cmtui.errors import InputError
from cmtui.store.base import Repo, dumps, now
from cmtui.store.db import transaction
from cmtui.text import sanitize


def _acct(account: dict | None) -> tuple[str, str | None]:
    """(acct, remote id) of an admin account entity (or a plain account)."""
    if not account:
        return "", None
    inner = account.get("account") or account
    acct = inner.get("acct") or account.get("username") or ""
    return sanitize(str(acct), max_len=300, single_line=True), str(inner.get("id") or account.get("id") or "") or None


class ReportRepo(Repo):
    def get(self, report_id: int):
        return self._one("SELECT * FROM instance_reports WHERE id = ?", (report_id,))

    def require(self, report_id):
        text = str(report_id)
        if text[:1] in ("r", "R"):
            text = text[1:]
        try:
            number = int(text)
        except ValueError:
            raise InputError(f"'{report_id}' is not a report id (like r12 or 12)") from None
        row = self.get(number)
        if row is None:
            raise InputError(f"no instance report with id {number}")
        return row

    def open(self) -> list:
        return self._all("SELECT * FROM instance_reports WHERE state = 'open' ORDER BY created_at, id")

    def sync(self, account_id: int, reports: list[dict]) -> int:
        """Store the instance's open reports (from GET /api/v1/admin/reports); each new one joins
        the moderation queue as a flag. A report we hold open that the server no longer lists
        was resolved elsewhere; one we resolved here stays resolved. Returns how many are new."""
        new = 0
        seen: list[str] = []
        stamp = now()
        with transaction(self.conn):
            for r in reports:
                remote_id = str(r.get("id") or "")
                if not remote_id:
                    continue
                seen.append(remote_id)
                target, target_id = _acct(r.get("target_account"))
                assigned = _acct(r.get("assigned_account"))[0] or None
                comment = sanitize(r.get("comment") or "", max_len=5000)
                r["category"] = sanitize(str(r.get("category") or "other"), max_len=40, single_line=True)
                status_ids = [str(s.get("id")) for s in r.get("statuses") or [] if isinstance(s, dict)]
                status_ids += [str(s) for s in r.get("status_ids") or []]
                row = self.conn.execute(
                    "INSERT INTO instance_reports (account_id, remote_id, category, comment, target_acct,"
                    " target_remote_id, status_ids, created_at, assigned_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (account_id, remote_id) DO UPDATE SET comment = excluded.comment,"
                    " category = excluded.category, assigned_to = coalesce(excluded.assigned_to, assigned_to)"
                    " RETURNING id, (SELECT count(*) FROM moderation_flags f WHERE f.report_id = instance_reports.id)",
                    (account_id, remote_id, r.get("category") or "other", comment, target or "?", target_id,
                     dumps(status_ids), r.get("created_at") or stamp, assigned)).fetchone()
                if row[1] == 0:
                    category = r.get("category") or "other"
                    reason = f"reported ({category})" + (f": {comment}" if comment else "")
                    self.conn.execute(
                        "INSERT INTO moderation_flags (report_id, rule, reason, created_at) VALUES (?, ?, ?, ?)",
                        (row[0], "instance report", reason[:500], r.get("created_at") or stamp))
                    new += 1
            gone = self._all(
                "SELECT id FROM instance_reports WHERE account_id = ? AND state = 'open'"
                " AND remote_id NOT IN (SELECT value FROM json_each(?))", (account_id, dumps(seen)))
            for (report_id,) in gone:
                self.conn.execute("UPDATE instance_reports SET state = 'resolved' WHERE id = ?", (report_id,))
                self.conn.execute("UPDATE moderation_flags SET state = 'resolved', resolved_at = ?"
                                  " WHERE report_id = ? AND state = 'open'", (stamp, report_id))
        return new

