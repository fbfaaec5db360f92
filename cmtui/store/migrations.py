"""Schema changes after version 8, one constant per version, and the ordered list the
database is brought up to date with (`cmtui.store.db`)."""

from __future__ import annotations

from cmtui.store.schema import V1, V2, V3, V4, V5, V6, V7, V8, METRICS_ADD_SQL

# Version 9: ingest speed again. The three row triggers that a bulk insert skips (full-text,
# counts, day totals) each ran a sub-program and looked the 'bulk_insert' flag up for every
# inserted row, bulk or not: one trigger now does the three, behind one test of the flag that
# reads the key's index alone (NOT EXISTS). What any insert ends up writing is unchanged.
V9 = """
DROP TRIGGER inbox_fts_insert;
DROP TRIGGER inbox_counts_insert;
DROP TRIGGER metrics_insert;
CREATE TRIGGER inbox_items_insert AFTER INSERT ON inbox_items
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk_insert') BEGIN
    INSERT INTO inbox_fts (rowid, text, author, author_name)
    VALUES (new.id, new.text, new.author, new.author_name);
    UPDATE inbox_counts SET n = n + 1, unanswered = unanswered + (new.answered_at IS NULL)
    WHERE new.hidden = 0 AND state = new.state;""" + METRICS_ADD_SQL + """
END;
"""

# Version 10: accounts without a connection (the demo's, and accounts planned before their
# credentials exist): sync leaves them idle and their operations wait in the outbox.
V10 = """
ALTER TABLE accounts ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;
"""

# Version 12: the text of our own posts as the server has it (sanitised plain text), so the
# metrics' top posts read for posts not made through cmtui too. Instance reports stored as
# the server sent them get the store's one time format (seconds, Z) and complete handles
# (a local account's "ana" becomes ana@ its instance, as the connector now names it).
V12 = """
ALTER TABLE post_stats ADD COLUMN text TEXT;
UPDATE instance_reports SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at)
WHERE created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'
AND strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS NOT NULL;
UPDATE moderation_flags SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at)
WHERE report_id IS NOT NULL
AND created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'
AND strftime('%Y-%m-%dT%H:%M:%SZ', created_at) IS NOT NULL;
UPDATE instance_reports SET target_acct = target_acct || '@' || (
    SELECT rtrim(substr(a.instance, instr(a.instance, '://') + 3), '/') FROM accounts a WHERE a.id = account_id)
WHERE instr(target_acct, '@') = 0 AND target_acct != '?'
AND (SELECT instr(a.instance, '://') FROM accounts a WHERE a.id = account_id) > 0;
"""

MIGRATIONS: list[str] = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V12]
LATEST = len(MIGRATIONS)
