"""Versioned schema migrations: versions 1 to 8 (later ones are in `migrations`).

The version lives in PRAGMA user_version. Migration N upgrades a file at version N-1
to N; each runs in one transaction, so a failure leaves the file at N-1. A file with a
higher version than `migrations.MIGRATIONS` knows was written by a newer cmtui and is refused.
"""

from __future__ import annotations

# Version 1: every aggregate the product needs. Times are ISO 8601 UTC text
# ("2026-11-21T10:15:00Z"), which sorts as it reads.
V1 = """
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    instance TEXT NOT NULL,                    -- the server's URL (named `server` since V13)
    handle TEXT,
    display_name TEXT,
    remote_account_id TEXT,
    sync_state TEXT NOT NULL DEFAULT 'idle',
    last_error TEXT,
    last_sync_at TEXT,
    limits TEXT NOT NULL DEFAULT '{}',          -- JSON: max_chars, url_weight, ...
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE sync_cursors (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    stream TEXT NOT NULL,                      -- notifications, reports, posts, ...
    cursor TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, stream)
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    acct TEXT NOT NULL,                        -- the platform's handle (user@server, ...)
    remote_id TEXT,
    display_name TEXT NOT NULL DEFAULT '',
    url TEXT,
    account_created_at TEXT,
    bot INTEGER NOT NULL DEFAULT 0,
    watch INTEGER NOT NULL DEFAULT 0,          -- on the moderation watch list
    notes TEXT NOT NULL DEFAULT '',
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    UNIQUE (platform, acct)
);

CREATE TABLE threads (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    root_remote_id TEXT NOT NULL,
    fetched_at TEXT,
    UNIQUE (account_id, root_remote_id)
);

CREATE TABLE thread_posts (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    remote_id TEXT NOT NULL,
    in_reply_to_remote_id TEXT,
    author TEXT NOT NULL,
    author_name TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    url TEXT,
    created_at TEXT NOT NULL,
    ours INTEGER NOT NULL DEFAULT 0,           -- written by one of our accounts
    UNIQUE (thread_id, remote_id)
);

CREATE TABLE inbox_items (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('mention', 'reply', 'direct', 'comment')),
    remote_id TEXT NOT NULL,
    url TEXT,
    person_id INTEGER REFERENCES people(id),
    author TEXT NOT NULL,
    author_name TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    language TEXT,
    visibility TEXT,
    in_reply_to_remote_id TEXT,
    thread_id INTEGER REFERENCES threads(id) ON DELETE SET NULL,
    is_question INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'open', 'snoozed', 'done')),
    snooze_until TEXT,
    assignee TEXT,
    labels TEXT NOT NULL DEFAULT '[]',         -- JSON array of strings
    answered_at TEXT,
    done_at TEXT,
    hidden INTEGER NOT NULL DEFAULT 0,         -- hidden locally by moderation
    edited_at TEXT,
    deleted_at TEXT,
    UNIQUE (account_id, remote_id)
);
CREATE INDEX inbox_state_created ON inbox_items (state, created_at DESC, id DESC);
CREATE INDEX inbox_created ON inbox_items (created_at DESC, id DESC);
CREATE INDEX inbox_person ON inbox_items (person_id);
CREATE INDEX inbox_thread ON inbox_items (thread_id);
CREATE INDEX inbox_snoozed ON inbox_items (snooze_until) WHERE state = 'snoozed';

CREATE VIRTUAL TABLE inbox_fts USING fts5 (
    text, author, author_name,
    content = 'inbox_items', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

CREATE TABLE saved_replies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'en',
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (name, language)
);

CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    context TEXT NOT NULL UNIQUE,              -- 'reply:<item id>', 'entry:<entry id>', ...
    text TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);

CREATE TABLE calendar_entries (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
        ('idea', 'draft', 'needs_approval', 'approved', 'scheduled', 'published', 'failed', 'cancelled')),
    scheduled_at TEXT,
    published_at TEXT,
    remote_id TEXT,
    url TEXT,
    server_scheduled_id TEXT,                  -- id of a server-side scheduled status
    language TEXT,
    visibility TEXT NOT NULL DEFAULT 'public',
    content_warning TEXT,
    campaign TEXT,
    campaign_color TEXT,
    notes TEXT NOT NULL DEFAULT '',
    rrule TEXT,                                -- RFC 5545 recurrence rule
    parent_id INTEGER REFERENCES calendar_entries(id) ON DELETE CASCADE,  -- occurrence of a series
    occurrence_at TEXT,
    late INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX entries_scheduled ON calendar_entries (scheduled_at);
CREATE INDEX entries_status ON calendar_entries (status);
CREATE UNIQUE INDEX entries_occurrence ON calendar_entries (parent_id, occurrence_at)
    WHERE parent_id IS NOT NULL;

CREATE TABLE entry_variants (
    entry_id INTEGER NOT NULL REFERENCES calendar_entries(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    PRIMARY KEY (entry_id, account_id)
);

CREATE TABLE entry_skips (
    entry_id INTEGER NOT NULL REFERENCES calendar_entries(id) ON DELETE CASCADE,
    occurrence_at TEXT NOT NULL,
    PRIMARY KEY (entry_id, occurrence_at)
);

CREATE TABLE entry_transitions (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES calendar_entries(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX transitions_entry ON entry_transitions (entry_id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- post, reply, schedule, edit, cancel, mute, block, report, ...
    payload TEXT NOT NULL DEFAULT '{}',        -- JSON
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    claimed_by TEXT,
    claimed_at TEXT,
    result TEXT,                               -- JSON returned by the platform
    item_id INTEGER REFERENCES inbox_items(id) ON DELETE SET NULL,
    entry_id INTEGER REFERENCES calendar_entries(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_state ON outbox (state, next_attempt_at);
CREATE INDEX outbox_item ON outbox (item_id);
CREATE INDEX outbox_entry ON outbox (entry_id);

CREATE TABLE triage_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    item_ids TEXT NOT NULL,                    -- JSON array
    before TEXT NOT NULL,                      -- JSON: the fields as they were, per item
    undone INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE moderation_rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 0,
    automatic INTEGER NOT NULL DEFAULT 0,      -- platform actions run without confirmation
    match TEXT NOT NULL DEFAULT 'all' CHECK (match IN ('all', 'any')),
    conditions TEXT NOT NULL DEFAULT '[]',     -- JSON
    actions TEXT NOT NULL DEFAULT '[]',        -- JSON
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE instance_reports (              -- platform_reports since V13
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    remote_id TEXT NOT NULL,
    category TEXT,
    comment TEXT NOT NULL DEFAULT '',
    target_acct TEXT NOT NULL,                 -- the reported person's handle
    target_remote_id TEXT,
    status_ids TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',
    assigned_to TEXT,
    UNIQUE (account_id, remote_id)
);

CREATE TABLE moderation_flags (
    id INTEGER PRIMARY KEY,
    item_id INTEGER REFERENCES inbox_items(id) ON DELETE CASCADE,
    report_id INTEGER REFERENCES instance_reports(id) ON DELETE CASCADE,
    rule_id INTEGER REFERENCES moderation_rules(id) ON DELETE SET NULL,
    rule TEXT NOT NULL DEFAULT '',             -- rule name at the time of the flag
    reason TEXT NOT NULL,
    matched TEXT NOT NULL DEFAULT '[]',        -- JSON: words or spans that matched
    state TEXT NOT NULL DEFAULT 'open',
    assignee TEXT,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    CHECK (item_id IS NOT NULL OR report_id IS NOT NULL)
);
CREATE INDEX flags_state ON moderation_flags (state, created_at);
CREATE INDEX flags_item ON moderation_flags (item_id);

CREATE TABLE moderation_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    item_id INTEGER REFERENCES inbox_items(id) ON DELETE SET NULL,
    report_id INTEGER REFERENCES instance_reports(id) ON DELETE SET NULL,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    rule_id INTEGER REFERENCES moderation_rules(id) ON DELETE SET NULL,
    comment TEXT NOT NULL DEFAULT '',
    outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL
);

CREATE TABLE guidelines (
    id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);

CREATE TABLE follower_snapshots (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    taken_at TEXT NOT NULL,
    followers INTEGER NOT NULL,
    following INTEGER,
    statuses INTEGER,                          -- posts since V13
    PRIMARY KEY (account_id, taken_at)
);

CREATE TABLE post_stats (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    remote_id TEXT NOT NULL,
    entry_id INTEGER REFERENCES calendar_entries(id) ON DELETE SET NULL,
    posted_at TEXT NOT NULL,
    language TEXT,
    campaign TEXT,
    favourites INTEGER NOT NULL DEFAULT 0,     -- likes since V13
    reblogs INTEGER NOT NULL DEFAULT 0,        -- shares since V13
    replies INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, remote_id)
);

CREATE TABLE account_events (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- favourite, reblog, follow (V13: like, share)
    remote_id TEXT NOT NULL,
    actor TEXT,
    status_remote_id TEXT,                     -- post_remote_id since V13
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, kind, remote_id)
);

CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    metric TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
    target REAL NOT NULL,
    direction TEXT NOT NULL DEFAULT 'up' CHECK (direction IN ('up', 'down')),
    baseline REAL,
    start_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# Version 2: keep the full-text index in step with inbox_items, and fill it from the
# rows an older file already holds.
V2 = """
CREATE TRIGGER inbox_fts_insert AFTER INSERT ON inbox_items BEGIN
    INSERT INTO inbox_fts (rowid, text, author, author_name)
    VALUES (new.id, new.text, new.author, new.author_name);
END;
CREATE TRIGGER inbox_fts_delete AFTER DELETE ON inbox_items BEGIN
    INSERT INTO inbox_fts (inbox_fts, rowid, text, author, author_name)
    VALUES ('delete', old.id, old.text, old.author, old.author_name);
END;
CREATE TRIGGER inbox_fts_update AFTER UPDATE OF text, author, author_name ON inbox_items BEGIN
    INSERT INTO inbox_fts (inbox_fts, rowid, text, author, author_name)
    VALUES ('delete', old.id, old.text, old.author, old.author_name);
    INSERT INTO inbox_fts (rowid, text, author, author_name)
    VALUES (new.id, new.text, new.author, new.author_name);
END;
INSERT INTO inbox_fts (inbox_fts) VALUES ('rebuild');
"""

# Version 3: what the default inbox view needs to stay fast on a million items. A partial
# index holds exactly the active rows (new and open, not hidden) in list order, and a
# counts table kept by triggers answers "how many per state" without a scan.
V3 = """
CREATE INDEX inbox_active ON inbox_items (created_at DESC, id DESC)
    WHERE state IN ('new', 'open') AND hidden = 0;

CREATE TABLE inbox_counts (
    state TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);
INSERT INTO inbox_counts (state, n) VALUES ('new', 0), ('open', 0), ('snoozed', 0), ('done', 0);
UPDATE inbox_counts SET n = (
    SELECT count(*) FROM inbox_items WHERE hidden = 0 AND inbox_items.state = inbox_counts.state);

CREATE TRIGGER inbox_counts_insert AFTER INSERT ON inbox_items WHEN new.hidden = 0 BEGIN
    UPDATE inbox_counts SET n = n + 1 WHERE state = new.state;
END;
CREATE TRIGGER inbox_counts_delete AFTER DELETE ON inbox_items WHEN old.hidden = 0 BEGIN
    UPDATE inbox_counts SET n = n - 1 WHERE state = old.state;
END;
CREATE TRIGGER inbox_counts_update AFTER UPDATE OF state, hidden ON inbox_items BEGIN
    UPDATE inbox_counts SET n = n - 1 WHERE old.hidden = 0 AND state = old.state;
    UPDATE inbox_counts SET n = n + 1 WHERE new.hidden = 0 AND state = new.state;
END;
"""

# Version 4: ingest speed. A row-by-row full-text insert costs ~3.5x a set-based one, and
# trigger calls add up. A bulk writer (the sync ingest) sets meta 'bulk_insert' inside its
# transaction, inserts, indexes and counts the new rows in one statement each, and clears
# the flag before committing; every other insert still goes through the triggers, so the
# index and the counts stay in step whoever writes.
V4 = """
DROP TRIGGER inbox_fts_insert;
DROP TRIGGER inbox_fts_delete;
DROP TRIGGER inbox_fts_update;
DROP TABLE inbox_fts;
-- No prefix indexes: they cost ~25% of every insert each, and a prefix query ("syn*")
-- reads the few terms that start so straight from the term index anyway.
CREATE VIRTUAL TABLE inbox_fts USING fts5 (
    text, author, author_name,
    content = 'inbox_items', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO inbox_fts (inbox_fts) VALUES ('rebuild');
CREATE TRIGGER inbox_fts_delete AFTER DELETE ON inbox_items BEGIN
    INSERT INTO inbox_fts (inbox_fts, rowid, text, author, author_name)
    VALUES ('delete', old.id, old.text, old.author, old.author_name);
END;
CREATE TRIGGER inbox_fts_update AFTER UPDATE OF text, author, author_name ON inbox_items BEGIN
    INSERT INTO inbox_fts (inbox_fts, rowid, text, author, author_name)
    VALUES ('delete', old.id, old.text, old.author, old.author_name);
    INSERT INTO inbox_fts (rowid, text, author, author_name)
    VALUES (new.id, new.text, new.author, new.author_name);
END;
CREATE TRIGGER inbox_fts_insert AFTER INSERT ON inbox_items
WHEN (SELECT value FROM meta WHERE key = 'bulk_insert') IS NULL BEGIN
    INSERT INTO inbox_fts (rowid, text, author, author_name)
    VALUES (new.id, new.text, new.author, new.author_name);
END;

DROP TRIGGER inbox_counts_insert;
CREATE TRIGGER inbox_counts_insert AFTER INSERT ON inbox_items
WHEN new.hidden = 0 AND (SELECT value FROM meta WHERE key = 'bulk_insert') IS NULL BEGIN
    UPDATE inbox_counts SET n = n + 1 WHERE state = new.state;
END;

-- Lists read the active rows through inbox_active and everything else in time order
-- through inbox_created; the (state, created_at) index served neither better and cost
-- ~12% of every insert.
DROP INDEX inbox_state_created;

-- Most items belong to no thread: index only those that do.
DROP INDEX inbox_thread;
CREATE INDEX inbox_thread ON inbox_items (thread_id) WHERE thread_id IS NOT NULL;
"""

# Version 5: response-time targets. Overdue means active, unanswered and older than the
# target; the counts table also keeps the unanswered rows per state, so "how many are
# overdue" is that total minus the few recent ones (a short range of inbox_active), not a
# scan, and the "most overdue first" list (unanswered, oldest first) is counted for free.
V5 = """
ALTER TABLE inbox_counts ADD COLUMN unanswered INTEGER NOT NULL DEFAULT 0;
UPDATE inbox_counts SET unanswered = (SELECT count(*) FROM inbox_items WHERE hidden = 0
    AND answered_at IS NULL AND inbox_items.state = inbox_counts.state);

DROP TRIGGER inbox_counts_insert;
CREATE TRIGGER inbox_counts_insert AFTER INSERT ON inbox_items
WHEN new.hidden = 0 AND (SELECT value FROM meta WHERE key = 'bulk_insert') IS NULL BEGIN
    UPDATE inbox_counts SET n = n + 1, unanswered = unanswered + (new.answered_at IS NULL)
    WHERE state = new.state;
END;
DROP TRIGGER inbox_counts_delete;
CREATE TRIGGER inbox_counts_delete AFTER DELETE ON inbox_items WHEN old.hidden = 0 BEGIN
    UPDATE inbox_counts SET n = n - 1, unanswered = unanswered - (old.answered_at IS NULL)
    WHERE state = old.state;
END;
DROP TRIGGER inbox_counts_update;
CREATE TRIGGER inbox_counts_update AFTER UPDATE OF state, hidden, answered_at ON inbox_items BEGIN
    UPDATE inbox_counts SET n = n - 1, unanswered = unanswered - (old.answered_at IS NULL)
    WHERE old.hidden = 0 AND state = old.state;
    UPDATE inbox_counts SET n = n + 1, unanswered = unanswered + (new.answered_at IS NULL)
    WHERE new.hidden = 0 AND state = new.state;
END;
"""

# Version 6: calendar files. An entry imported from a file keeps the file's UID (iCalendar UID,
# the uid column of CSV and JSON), so importing the file again updates it instead of adding
# a copy; an entry made here has none stored and is exported as cmtui-entry-<id>@<database id>,
# the database id being a random name given to each database once.
V6 = """
ALTER TABLE calendar_entries ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX entries_uid ON calendar_entries (uid) WHERE uid IS NOT NULL;
INSERT OR IGNORE INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(8))));
"""

# Version 7: the calendar views expand every repeating series that starts before the end of
# the period they show; series are few, and this index holds only them (no scan of the table).
V7 = """
CREATE INDEX entries_series ON calendar_entries (scheduled_at) WHERE rrule IS NOT NULL;
"""


# Version 8: the metrics panel reads day totals instead of scanning a million items. One row
# per (UTC day, account) holds the items that arrived that day (all, mentions, negative ones:
# labelled "negative" or "complaint"), how many of those were answered, and the items
# archived (done_at) that day; response_hist counts the answered ones per log-spaced bucket
# of response time (bucket b holds [1.1^b, 1.1^(b+1)) seconds), so medians and 90th
# percentiles over any range cost a few hundred rows. Triggers keep both in step with every
# write; the bulk writer (ingest, schema V4's 'bulk_insert' flag) adds its new rows in one
# statement instead.
V8 = """
CREATE TABLE metrics_daily (
    day TEXT NOT NULL,                         -- YYYY-MM-DD, UTC
    account_id INTEGER NOT NULL,
    arrived INTEGER NOT NULL DEFAULT 0,        -- by created_at
    mentions INTEGER NOT NULL DEFAULT 0,
    negative INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,       -- of the items that arrived that day
    done INTEGER NOT NULL DEFAULT 0,           -- by done_at
    PRIMARY KEY (day, account_id)
) WITHOUT ROWID;

CREATE TABLE response_hist (
    day TEXT NOT NULL,                         -- arrival day of the answered items
    account_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, account_id, bucket)
) WITHOUT ROWID;

CREATE TRIGGER metrics_insert AFTER INSERT ON inbox_items
WHEN (SELECT value FROM meta WHERE key = 'bulk_insert') IS NULL BEGIN
""" + "{add_new}" + """
END;
CREATE TRIGGER metrics_delete AFTER DELETE ON inbox_items BEGIN
""" + "{sub_old}" + """
END;
CREATE TRIGGER metrics_update AFTER UPDATE OF created_at, account_id, kind, labels, answered_at, done_at
ON inbox_items BEGIN
""" + "{sub_old}" + "{add_new}" + """
END;
""" + "{fill}"


def _metrics_sql() -> tuple[str, str, str]:
    """The trigger bodies (remove an old row's share, add a new row's) and the fill."""
    def share(row: str, sign: str) -> str:
        neg = f"(instr({row}.labels, '\"negative\"') > 0 OR instr({row}.labels, '\"complaint\"') > 0)"  # i18n: not shown (SQL)
        return f"""
    INSERT INTO metrics_daily (day, account_id, arrived, mentions, negative, answered)
    VALUES (substr({row}.created_at, 1, 10), {row}.account_id, {sign}1, {sign}({row}.kind = 'mention'),
            {sign}{neg}, {sign}({row}.answered_at IS NOT NULL))
    ON CONFLICT (day, account_id) DO UPDATE SET arrived = arrived + excluded.arrived,
        mentions = mentions + excluded.mentions, negative = negative + excluded.negative,
        answered = answered + excluded.answered;
    INSERT INTO metrics_daily (day, account_id, done)
    SELECT substr({row}.done_at, 1, 10), {row}.account_id, {sign}1 WHERE {row}.done_at IS NOT NULL
    ON CONFLICT (day, account_id) DO UPDATE SET done = done + excluded.done;
    INSERT INTO response_hist (day, account_id, bucket, n)
    SELECT substr({row}.created_at, 1, 10), {row}.account_id, {BUCKET_SQL.format(row=row)}, {sign}1
    WHERE {row}.answered_at IS NOT NULL
    ON CONFLICT (day, account_id, bucket) DO UPDATE SET n = n + excluded.n;"""
    return share("new", ""), share("old", "-"), METRICS_FILL_SQL


# Log-spaced response-time bucket of an answered row (seconds under 1 count as 1).
BUCKET_SQL = ("CAST(floor(ln(max(1.0, (julianday({row}.answered_at) - julianday({row}.created_at)) * 86400))"  # i18n: not shown (SQL)
              " / ln(1.1)) AS INTEGER)")
BUCKET_RATIO = 1.1
_NEGATIVE = "(instr(labels, '\"negative\"') > 0 OR instr(labels, '\"complaint\"') > 0)"  # i18n: not shown (SQL)
# (Re)builds both tables from inbox_items: migration v8, generate, and a bulk insert (with a
# WHERE on the new ids, see ingest).
METRICS_FILL_SQL = f"""
DELETE FROM metrics_daily;
DELETE FROM response_hist;
INSERT INTO metrics_daily (day, account_id, arrived, mentions, negative, answered)
SELECT substr(created_at, 1, 10), account_id, count(*), sum(kind = 'mention'), sum({_NEGATIVE}),
       sum(answered_at IS NOT NULL) FROM inbox_items GROUP BY 1, 2;
INSERT INTO metrics_daily (day, account_id, done)
SELECT substr(done_at, 1, 10), account_id, count(*) FROM inbox_items WHERE done_at IS NOT NULL GROUP BY 1, 2
ON CONFLICT (day, account_id) DO UPDATE SET done = excluded.done;
INSERT INTO response_hist (day, account_id, bucket, n)
SELECT substr(created_at, 1, 10), account_id, {BUCKET_SQL.format(row="inbox_items")}, count(*)
FROM inbox_items WHERE answered_at IS NOT NULL GROUP BY 1, 2, 3;
"""
_add, _sub, _fill = _metrics_sql()
V8 = V8.replace("{add_new}", _add).replace("{sub_old}", _sub).replace("{fill}", _fill)
# What a counted insert adds to the day totals; later versions' triggers reuse it.
METRICS_ADD_SQL = _add

# (Since V9 the insert trigger also indexes the row and adds its day totals.)
COUNT_TRIGGERS = ("inbox_items_insert", "inbox_counts_delete", "inbox_counts_update")
RECOUNT_SQL = (
    "UPDATE inbox_counts SET n = (SELECT count(*) FROM inbox_items"
    " WHERE hidden = 0 AND inbox_items.state = inbox_counts.state),"
    " unanswered = (SELECT count(*) FROM inbox_items"
    " WHERE hidden = 0 AND answered_at IS NULL AND inbox_items.state = inbox_counts.state)"
)
