"""Schema changes after version 8, one constant per version, and the ordered list the
database is brought up to date with (`cmtui.store.db`)."""

from __future__ import annotations

from cmtui.store.schema import V1, V2, V3, V4, V5, V6, V7, V8, BUCKET_SQL, METRICS_ADD_SQL, _NEGATIVE

# Version 9: ingest speed again. The three row triggers that a bulk insert skips (full-text,
# counts, day totals) each ran a sub-program and looked the 'bulk_insert' flag up for every
# inserted row, bulk or not: one trigger now does the three, behind one test of the flag that
# reads the key's index alone (NOT EXISTS). What any insert ends up writing is unchanged.
# The insert trigger up to its day totals (V11 recreates it with its own).
_INSERT_TRIGGER = """
CREATE TRIGGER inbox_items_insert AFTER INSERT ON inbox_items
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk_insert') BEGIN
    INSERT INTO inbox_fts (rowid, text, author, author_name)
    VALUES (new.id, new.text, new.author, new.author_name);
    UPDATE inbox_counts SET n = n + 1, unanswered = unanswered + (new.answered_at IS NULL)
    WHERE new.hidden = 0 AND state = new.state;"""
V9 = """
DROP TRIGGER inbox_fts_insert;
DROP TRIGGER inbox_counts_insert;
DROP TRIGGER metrics_insert;""" + _INSERT_TRIGGER + METRICS_ADD_SQL + """
END;
"""

# Version 10: accounts without a connection (the demo's, and accounts planned before their
# credentials exist): sync leaves them idle and their operations wait in the outbox.
V10 = """
ALTER TABLE accounts ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;
"""


# Version 11: moderated items (hidden, or flagged and not approved: spam, abuse) are not
# conversations to answer, so they leave the response figures: inbox_items.moderated is kept
# by triggers on the flags and on `hidden` (whoever writes: the actions, the rules engine,
# the demo); the day totals count them apart (metrics_daily.moderated), `answered` and the
# response histogram count only the others, and overdue counts leave them out through a
# small partial index. Volume figures (arrived, mentions, backlog) still count every item.
def _share(row: str, sign: str) -> str:
    """A row's part of the day totals (V11), added (sign "") or taken away (sign "-")."""
    neg = f"(instr({row}.labels, '\"negative\"') > 0 OR instr({row}.labels, '\"complaint\"') > 0)"  # i18n: not shown (SQL)
    counted = f"({row}.answered_at IS NOT NULL AND {row}.moderated = 0)"  # i18n: not shown (SQL)
    return f"""
    INSERT INTO metrics_daily (day, account_id, arrived, mentions, negative, answered, moderated)
    VALUES (substr({row}.created_at, 1, 10), {row}.account_id, {sign}1, {sign}({row}.kind = 'mention'),
            {sign}{neg}, {sign}{counted}, {sign}({row}.moderated != 0))
    ON CONFLICT (day, account_id) DO UPDATE SET arrived = arrived + excluded.arrived,
        mentions = mentions + excluded.mentions, negative = negative + excluded.negative,
        answered = answered + excluded.answered, moderated = moderated + excluded.moderated;
    INSERT INTO metrics_daily (day, account_id, done)
    SELECT substr({row}.done_at, 1, 10), {row}.account_id, {sign}1 WHERE {row}.done_at IS NOT NULL
    ON CONFLICT (day, account_id) DO UPDATE SET done = done + excluded.done;
    INSERT INTO response_hist (day, account_id, bucket, n)
    SELECT substr({row}.created_at, 1, 10), {row}.account_id, {BUCKET_SQL.format(row=row)}, {sign}1
    WHERE {counted}
    ON CONFLICT (day, account_id, bucket) DO UPDATE SET n = n + excluded.n;"""


# Whether an item is moderated, from its row (alias i) and its flags.
_IS_MODERATED = ("({i}.hidden != 0 OR EXISTS (SELECT 1 FROM moderation_flags f WHERE f.item_id = {i}.id"  # i18n: not shown (SQL)
                 " AND f.state != 'approved'))")
_RESET = ("UPDATE inbox_items SET moderated = " + _IS_MODERATED.format(i="inbox_items") +
          " WHERE id IN ({ids}) AND moderated != " + _IS_MODERATED.format(i="inbox_items") + ";")
# (Re)marks the moderated items, then rebuilds the day totals and the histogram from the
# items: the V11 migration, generate, and the tests' check of the triggers.
METRICS_FILL_SQL = f"""
UPDATE inbox_items SET moderated = 1 WHERE moderated = 0 AND (hidden != 0 OR id IN (
    SELECT item_id FROM moderation_flags WHERE item_id IS NOT NULL AND state != 'approved'));
UPDATE inbox_items SET moderated = 0 WHERE moderated != 0 AND NOT {_IS_MODERATED.format(i="inbox_items")};
DELETE FROM metrics_daily;
DELETE FROM response_hist;
INSERT INTO metrics_daily (day, account_id, arrived, mentions, negative, answered, moderated)
SELECT substr(created_at, 1, 10), account_id, count(*), sum(kind = 'mention'), sum({_NEGATIVE}),
       sum(answered_at IS NOT NULL AND moderated = 0), sum(moderated != 0) FROM inbox_items GROUP BY 1, 2;
INSERT INTO metrics_daily (day, account_id, done)
SELECT substr(done_at, 1, 10), account_id, count(*) FROM inbox_items WHERE done_at IS NOT NULL GROUP BY 1, 2
ON CONFLICT (day, account_id) DO UPDATE SET done = excluded.done;
INSERT INTO response_hist (day, account_id, bucket, n)
SELECT substr(created_at, 1, 10), account_id, {BUCKET_SQL.format(row="inbox_items")}, count(*)
FROM inbox_items WHERE answered_at IS NOT NULL AND moderated = 0 GROUP BY 1, 2, 3;
"""

V11 = """
ALTER TABLE inbox_items ADD COLUMN moderated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE metrics_daily ADD COLUMN moderated INTEGER NOT NULL DEFAULT 0;
-- Only what the overdue count subtracts: hidden items are moderated too, and there may be many.
CREATE INDEX inbox_moderated ON inbox_items (created_at)
WHERE moderated != 0 AND state IN ('new', 'open') AND hidden = 0 AND answered_at IS NULL;
""" + METRICS_FILL_SQL + """

CREATE TRIGGER flags_moderated_insert AFTER INSERT ON moderation_flags
WHEN new.item_id IS NOT NULL AND new.state != 'approved' BEGIN
    UPDATE inbox_items SET moderated = 1 WHERE id = new.item_id AND moderated = 0;
END;
CREATE TRIGGER flags_moderated_update AFTER UPDATE OF state, item_id ON moderation_flags BEGIN
    """ + _RESET.format(ids="old.item_id, new.item_id") + """
END;
CREATE TRIGGER flags_moderated_delete AFTER DELETE ON moderation_flags BEGIN
    """ + _RESET.format(ids="old.item_id") + """
END;
CREATE TRIGGER inbox_moderated_hidden AFTER UPDATE OF hidden ON inbox_items BEGIN
    """ + _RESET.format(ids="new.id") + """
END;

DROP TRIGGER inbox_items_insert;""" + _INSERT_TRIGGER + _share("new", "") + """
END;
DROP TRIGGER metrics_delete;
CREATE TRIGGER metrics_delete AFTER DELETE ON inbox_items BEGIN""" + _share("old", "-") + """
END;
DROP TRIGGER metrics_update;
CREATE TRIGGER metrics_update AFTER UPDATE OF created_at, account_id, kind, labels, answered_at, done_at, moderated
ON inbox_items BEGIN""" + _share("old", "-") + _share("new", "") + """
END;
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

# Version 13: platform-neutral names where the first platform's were used for what every
# platform has (each connector maps its API's words to these): an account's `server`, a post's
# `likes` and `shares`, the events 'like' and 'share', `post_remote_id` and `posts` for
# statuses, and `platform_reports` for the reports a platform's moderators receive. RENAME
# keeps every value, index and foreign key (no trigger or view names these columns).
# `acct` keeps its name: it is the platform's handle of a person (user@server, ...).
V13 = """
ALTER TABLE accounts RENAME COLUMN instance TO server;
ALTER TABLE post_stats RENAME COLUMN favourites TO likes;
ALTER TABLE post_stats RENAME COLUMN reblogs TO shares;
ALTER TABLE follower_snapshots RENAME COLUMN statuses TO posts;
ALTER TABLE account_events RENAME COLUMN status_remote_id TO post_remote_id;
UPDATE account_events SET kind = 'like' WHERE kind = 'favourite';
UPDATE account_events SET kind = 'share' WHERE kind = 'reblog';
ALTER TABLE instance_reports RENAME TO platform_reports;
"""

# Version 14: places (chat rooms, channels) for platforms that have them. An account keeps the
# options its user chose (which places count, which are support places) and the places its
# connector reported on the last pass (names, members, what the account may not do there);
# an inbox item records the place it was said in, a calendar entry the place it goes to.
V14 = """
ALTER TABLE accounts ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN places TEXT NOT NULL DEFAULT '[]';
ALTER TABLE inbox_items ADD COLUMN place TEXT;
ALTER TABLE calendar_entries ADD COLUMN place TEXT;
"""

# Version 15: depth of posting and answering. A calendar entry may carry media (a JSON list of
# model.Attachment: copies kept beside the database, with alt text) and be a thread (its text
# holds the parts, split by a line holding only ---). An inbox item remembers our own like and
# share of it (when queued; NULL once taken back), so the inbox shows them and undo knows.
V15 = """
ALTER TABLE calendar_entries ADD COLUMN media TEXT NOT NULL DEFAULT '[]';
ALTER TABLE calendar_entries ADD COLUMN thread INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_items ADD COLUMN liked_at TEXT;
ALTER TABLE inbox_items ADD COLUMN shared_at TEXT;
"""

# Version 16: a team on one file. Who queued each outbox operation (a person's name; NULL:
# the sync itself, or queued before V16), so a reply says who answered. The items assigned to
# someone, indexed: the status line counts a person's on every data change (few items are
# assigned, so the index stays small). Presence: who is busy with an item right now (writing a
# reply), refreshed while they are and stale once seen_at is old, so a teammate is told before
# answering it too. Drafts are each person's own (the table is rebuilt for its new key).
# Notes on members and entries say who wrote them last; the activity log keeps the team's
# decisions that have no log of their own (team settings, notes), each with the person who
# made it.
V16 = """
ALTER TABLE outbox ADD COLUMN who TEXT;
CREATE INDEX inbox_assigned ON inbox_items (assignee, state) WHERE assignee IS NOT NULL;
CREATE TABLE presence (
    item_id INTEGER NOT NULL REFERENCES inbox_items(id) ON DELETE CASCADE,
    who TEXT NOT NULL,
    activity TEXT NOT NULL DEFAULT 'replying',
    since TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (item_id, who)
);
ALTER TABLE people ADD COLUMN notes_by TEXT;
ALTER TABLE people ADD COLUMN notes_at TEXT;
ALTER TABLE calendar_entries ADD COLUMN notes_by TEXT;
CREATE TABLE drafts_by_person (
    id INTEGER PRIMARY KEY,
    context TEXT NOT NULL,                     -- 'reply:<item id>', 'entry:<entry id>', ...
    who TEXT NOT NULL DEFAULT '',              -- whose draft ('': written before V16)
    text TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL,
    UNIQUE (context, who)
);
INSERT INTO drafts_by_person (id, context, text, meta, updated_at) SELECT id, context, text, meta, updated_at FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_by_person RENAME TO drafts;
CREATE TABLE activity_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,                      -- team.set, member.notes, entry.notes, flag.assign, ...
    subject TEXT NOT NULL DEFAULT '',          -- what it was done to ("entry 12", "member 4", a setting)
    detail TEXT NOT NULL DEFAULT ''            -- JSON or text: the new value
);
"""

MIGRATIONS: list[str] = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, V14, V15, V16]
LATEST = len(MIGRATIONS)
