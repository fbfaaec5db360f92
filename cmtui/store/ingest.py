"""Storing what the sync engine pulled: upserts by (account, remote id), never duplicates.

A remotely edited item gets its new text and keeps its triage state; the cursor that moves
past a page is written in the same transaction as the page. The store only stores: the
rules run on the new items are the caller's (cmtui.sync.ingest), in the caller's transaction.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from cmtui.store.base import Repo, now
from cmtui.store.db import transaction
from cmtui.store.rules import RuleItem
from cmtui.text import sanitize


class Stored(NamedTuple):
    """What one page added to the store (not what it held)."""
    items: int
    events: int
    after_id: int = 0  # the page's new items took the ids above this one
    written: list[tuple] | None = None  # the rows written, when every item of the page was new

    def new_items(self) -> list[RuleItem] | None:
        """The page's new items as the rules read them, from the values just written (None
        when some items were already stored: read them back by id then). Made only when
        asked (only when some rule is enabled): the rows took ids after_id+1, after_id+2, ...
        in order, as an INTEGER PRIMARY KEY gives max(id) + 1 and nothing else inserts
        meanwhile. The positions are _UPSERT_ITEM's columns."""
        if self.written is None:
            return None
        # RuleItem(id, account_id, kind, author, text, language, created_at, person_id)
        return [RuleItem(self.after_id + n, r[0], r[1], r[5], r[7], r[8], r[12], r[4])
                for n, r in enumerate(self.written, 1)]


_UPSERT_ITEM = (
    "INSERT INTO inbox_items (account_id, kind, remote_id, url, person_id, author, author_name, text, language,"
    " visibility, in_reply_to_remote_id, is_question, created_at, first_seen_at, edited_at, place)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (account_id, remote_id) DO UPDATE SET"
    " text = excluded.text, author_name = excluded.author_name, edited_at = excluded.edited_at,"
    " is_question = excluded.is_question, url = coalesce(excluded.url, url),"
    " language = coalesce(excluded.language, language)"
    " WHERE inbox_items.text IS NOT excluded.text OR inbox_items.edited_at IS NOT excluded.edited_at"
    " OR inbox_items.author_name IS NOT excluded.author_name"
)
_UPSERT_PERSON = (
    "INSERT INTO people (platform, acct, display_name, remote_id, url, account_created_at, bot, first_seen_at,"
    " last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (platform, acct) DO UPDATE SET display_name = excluded.display_name,"
    " remote_id = coalesce(excluded.remote_id, remote_id), url = coalesce(excluded.url, url),"
    " account_created_at = coalesce(excluded.account_created_at, account_created_at), bot = excluded.bot,"
    " last_seen_at = max(last_seen_at, excluded.last_seen_at)"
)


def _language(code) -> str | None:
    """A language tag as sent (en, pt-BR), or None for anything that is not one."""
    if isinstance(code, str) and 0 < len(code) <= 16 and code.isascii() and code.replace("-", "").isalnum():
        return code
    return None


def _url(value) -> str | None:
    """A remote address kept only as a plain http(s) URL: it is opened in a browser."""
    if isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) <= 2000 \
            and value.isprintable() and " " not in value:
        return value
    return None


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class IngestRepo(Repo):
    def __init__(self, conn):
        super().__init__(conn)
        # People this repository has already written with these very details: their upsert
        # is skipped (most pages bring the same regulars again).
        self._known: dict[tuple, int] = {}
        # The cleaned details of authors as sent (the same regulars come on every page): each
        # is sanitised once, not once a batch. Bounded like _known.
        self._cleaned: dict[tuple, tuple] = {}

    def forget(self) -> None:
        """Drop what this repository remembers of people: a transaction that wrote them was
        rolled back (here or by the caller), so the ids it remembers may not exist."""
        self._known.clear()

    def _people(self, platform: str, people, seen: str) -> dict[str, tuple[str, str, int]]:
        """Upsert the authors of a page; return raw acct -> (clean acct, clean name, person id)."""
        clean: dict[str, tuple] = {}
        cleaned = self._cleaned
        if len(cleaned) > 5_000:
            cleaned.clear()
        for p in people:
            if p.acct not in clean:
                raw = (platform, p.acct, p.display_name, p.remote_id, p.url, p.created_at, p.bot)
                key = cleaned.get(raw)
                if key is None:
                    key = cleaned[raw] = (
                        platform, sanitize(p.acct, max_len=300, single_line=True),
                        sanitize(p.display_name, max_len=200, single_line=True), p.remote_id, p.url,
                        p.created_at, int(p.bot))
                clean[p.acct] = key
        if len(self._known) > 5_000:  # bounded: a backfill over many authors keeps memory flat
            self._known.clear()
        unknown = [key for key in clean.values() if key not in self._known]
        if unknown:
            self.conn.executemany(_UPSERT_PERSON, [(*key, seen, seen) for key in unknown])
            for chunk in _chunks(unknown):
                rows = self.conn.execute(
                    f"SELECT acct, id FROM people WHERE platform = ? AND acct IN ({','.join('?' * len(chunk))})",
                    [platform, *(key[1] for key in chunk)],
                )
                ids = dict(rows.fetchall())
                for key in chunk:
                    self._known[key] = ids[key[1]]
        return {raw: (key[1], key[2], self._known[key]) for raw, key in clean.items()}

    def page(self, account_id: int, platform: str, items, events=(), *, question: Callable[[str], bool],
             stream: str | None = None, cursor: str | None = None) -> Stored:
        """Store a page of items and events (and the stream's cursor); return what was new: a
        page read again (an interrupted backfill starts over) stores, and counts, nothing twice.
        question(text) says whether an item's cleaned text asks something (the triage's rule)."""
        seen = now()
        stored_events = 0
        before = 0
        written = None
        with transaction(self.conn):
            new = 0
            if items:
                people = self._people(platform, [i.author for i in items], seen)
                before = self.conn.execute("SELECT coalesce(max(id), 0) FROM inbox_items").fetchone()[0]
                rows = []
                for item in items:
                    text = sanitize(item.text)
                    acct, name, person_id = people[item.author.acct]
                    rows.append((
                        account_id, item.kind, item.remote_id, _url(item.url), person_id, acct, name, text,
                        _language(item.language), item.visibility,
                        item.in_reply_to_remote_id, int(question(text)), item.created_at, seen, item.edited_at,
                        item.place,
                    ))
                # New rows are indexed and counted in one statement each (schema V4); edited
                # ones go through the update triggers as usual.
                self.conn.execute("INSERT INTO meta (key, value) VALUES ('bulk_insert', '1')")
                self.conn.executemany(_UPSERT_ITEM, rows)
                new = self.conn.execute(
                    "INSERT INTO inbox_fts (rowid, text, author, author_name)"
                    " SELECT id, text, author, author_name FROM inbox_items WHERE id > ?", (before,)).rowcount
                self.conn.execute(
                    "UPDATE inbox_counts SET n = inbox_counts.n + c.n, unanswered = inbox_counts.unanswered + c.u FROM"
                    " (SELECT state, count(*) AS n, count(*) FILTER (WHERE answered_at IS NULL) AS u"
                    " FROM inbox_items WHERE id > ? AND hidden = 0 GROUP BY state) AS c"
                    " WHERE c.state = inbox_counts.state", (before,))
                # Day totals for the metrics (schema V8): new rows are never answered or done yet.
                self.conn.execute(
                    "INSERT INTO metrics_daily (day, account_id, arrived, mentions)"
                    " SELECT substr(created_at, 1, 10), account_id, count(*), sum(kind = 'mention')"
                    " FROM inbox_items WHERE id > ? GROUP BY 1, 2"
                    " ON CONFLICT (day, account_id) DO UPDATE SET arrived = arrived + excluded.arrived,"
                    " mentions = mentions + excluded.mentions", (before,))
                self.conn.execute("DELETE FROM meta WHERE key = 'bulk_insert'")
                if new and new == len(rows):
                    written = rows
            if events:
                stored_events = self.conn.executemany(  # rowcount: rows inserted, not ignored
                    "INSERT OR IGNORE INTO account_events (account_id, kind, remote_id, actor, post_remote_id,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [(account_id, e.kind, e.remote_id, sanitize(e.actor, max_len=300, single_line=True),
                      e.post_remote_id, e.created_at) for e in events],
                ).rowcount
            if stream and cursor is not None:
                self.conn.execute(
                    "INSERT INTO sync_cursors (account_id, stream, cursor, updated_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (account_id, stream) DO UPDATE SET cursor = excluded.cursor,"
                    " updated_at = excluded.updated_at",
                    (account_id, stream, cursor, seen),
                )
        return Stored(items=new, events=max(0, stored_events), after_id=before, written=written)

    def thread(self, account_id: int, own_acct: str, root_remote_id: str, posts) -> int:
        """Store a fetched conversation; link the inbox items it contains; return the thread id."""
        with transaction(self.conn):
            thread_id = self.conn.execute(
                "INSERT INTO threads (account_id, root_remote_id, fetched_at) VALUES (?, ?, ?)"
                " ON CONFLICT (account_id, root_remote_id) DO UPDATE SET fetched_at = excluded.fetched_at"
                " RETURNING id",
                (account_id, root_remote_id, now()),
            ).fetchone()[0]
            self.conn.executemany(
                "INSERT INTO thread_posts (thread_id, remote_id, in_reply_to_remote_id, author, author_name, text,"
                " url, created_at, ours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (thread_id, remote_id) DO UPDATE SET text = excluded.text,"
                " author_name = excluded.author_name",
                [(thread_id, p.remote_id, p.in_reply_to_remote_id, sanitize(p.author.acct, max_len=300,
                  single_line=True), sanitize(p.author.display_name, max_len=200, single_line=True),
                  sanitize(p.text), _url(p.url), p.created_at, int(p.author.acct == own_acct)) for p in posts],
            )
            for chunk in _chunks([p.remote_id for p in posts]):
                self.conn.execute(
                    f"UPDATE inbox_items SET thread_id = ? WHERE account_id = ? AND remote_id IN"
                    f" ({','.join('?' * len(chunk))})", [thread_id, account_id, *chunk])
        return thread_id

    def mark_deleted(self, account_id: int, remote_id: str) -> None:
        """What the platform removed: an item is kept, marked deleted; a like taken back (a
        removed reaction) no longer counts."""
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE inbox_items SET deleted_at = coalesce(deleted_at, ?) WHERE account_id = ? AND remote_id = ?",
                (now(), account_id, remote_id))
            self.conn.execute("DELETE FROM account_events WHERE account_id = ? AND kind = 'like' AND remote_id = ?",
                              (account_id, remote_id))

    def own_posts(self, account_id: int, posts, *, counted: bool = False) -> int:
        """Refresh our posts' counters, and mark inbox items we answered on the platform itself.
        counted: the platform does not say its counters (PlatformProfile.counts_from_events):
        every post's are counted from what is stored, the like events on it and the items
        replying to it."""
        stamp = now()
        with transaction(self.conn):
            for post in posts:
                entry = self.conn.execute(
                    "SELECT id, language, campaign FROM calendar_entries WHERE account_id = ? AND remote_id = ?",
                    (account_id, post.remote_id)).fetchone()
                if post.in_reply_to_remote_id is None or entry is not None:
                    self.conn.execute(
                        "INSERT INTO post_stats (account_id, remote_id, entry_id, posted_at, language, campaign,"
                        " likes, shares, replies, updated_at, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (account_id, remote_id) DO UPDATE SET likes = excluded.likes,"
                        " shares = excluded.shares, replies = excluded.replies, updated_at = excluded.updated_at,"
                        " text = excluded.text",  # an edit on the server shows
                        (account_id, post.remote_id, entry["id"] if entry else None, post.created_at,
                         post.language, entry["campaign"] if entry else None, post.likes, post.shares,
                         post.replies, stamp, sanitize(post.text) or None))
            answered = [(p.created_at, account_id, p.in_reply_to_remote_id, p.created_at)
                        for p in posts if p.in_reply_to_remote_id]
            self.conn.executemany(
                "UPDATE inbox_items SET answered_at = ? WHERE account_id = ? AND remote_id = ?"
                " AND (answered_at IS NULL OR answered_at > ?)", answered)
            if counted:
                self._count_from_events(account_id, stamp)
        return len(posts)

    def _count_from_events(self, account_id: int, stamp: str) -> None:
        """Every stored post's likes and replies counted from the events and items stored
        (one grouped pass over each: neither table is indexed by the post they are about)."""
        self.conn.execute(
            "WITH likes (rid, n) AS (SELECT post_remote_id, count(*) FROM account_events WHERE account_id = :a"
            "   AND kind = 'like' AND post_remote_id IS NOT NULL GROUP BY 1),"
            " replies (rid, n) AS (SELECT in_reply_to_remote_id, count(*) FROM inbox_items WHERE account_id = :a"
            "   AND in_reply_to_remote_id IS NOT NULL AND deleted_at IS NULL GROUP BY 1),"
            " counted (rid, likes, replies) AS (SELECT p.remote_id, coalesce(l.n, 0), coalesce(r.n, 0)"
            "   FROM post_stats p LEFT JOIN likes l ON l.rid = p.remote_id LEFT JOIN replies r ON r.rid = p.remote_id"
            "   WHERE p.account_id = :a)"
            " UPDATE post_stats SET likes = c.likes, replies = c.replies, updated_at = :at FROM counted c"
            " WHERE post_stats.account_id = :a AND post_stats.remote_id = c.rid"
            " AND (post_stats.likes, post_stats.replies) IS NOT (c.likes, c.replies)",
            {"a": account_id, "at": stamp})

    def follower_snapshot(self, account_id: int, info) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO follower_snapshots (account_id, taken_at, followers, following, posts)"
                " VALUES (?, ?, ?, ?, ?)", (account_id, now(), info.followers, info.following, info.posts))
            self.conn.execute(
                "UPDATE accounts SET remote_account_id = ?, handle = ?, is_admin = ? WHERE id = ?",
                (info.remote_id, sanitize(info.acct, max_len=300, single_line=True), int(info.is_admin),
                 account_id))
