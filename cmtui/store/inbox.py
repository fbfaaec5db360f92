"""Inbox items: filtering, paging and full-text search.

Lists read a window of rows (ORDER BY ... LIMIT/OFFSET over an index), never the table.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace

from cmtui.i18n import _
from cmtui.errors import InputError
from cmtui.model import ItemState
from cmtui.store.base import Repo, dumps, inserted_id, loads, now
from cmtui.store.db import transaction

ACTIVE_STATES = (ItemState.NEW.value, ItemState.OPEN.value)
ALL_STATES = tuple(s.value for s in ItemState)
SORTS = ("newest", "oldest", "overdue")
SEARCH_COUNT_CAP = 10_000  # a search lists (and counts) at most this many matches

_COLUMNS = (
    "i.id, i.account_id, a.name AS account, a.platform, i.kind, i.remote_id, i.url, i.author,"  # i18n: not shown (SQL)
    " i.author_name, i.text, i.language, i.visibility, i.created_at, i.state, i.snooze_until,"
    " i.assignee, i.labels, i.answered_at, i.thread_id, i.in_reply_to_remote_id, i.is_question,"
    " i.hidden, i.deleted_at, i.done_at, i.person_id, i.moderated, i.place, i.liked_at, i.shared_at"
)
# Our own like and share of an item (schema V15): when queued, NULL once taken back.
REACTED_COLUMN = {"like": "liked_at", "share": "shared_at"}


@dataclass(frozen=True)
class InboxFilter:
    states: tuple[str, ...] = ACTIVE_STATES
    account_id: int | None = None
    kind: str | None = None
    label: str | None = None
    assignee: str | None = None
    language: str | None = None
    questions_only: bool = False
    author: str | None = None  # acct prefix: "ana" matches ana@fedi.example
    search: str = ""
    sort: str = "newest"  # newest | oldest | overdue (those still waiting for an answer, oldest first)
    grouped: bool = False  # one row per conversation: its latest item
    backwards: bool = False  # read the same order from its far end (paging deep lists)

    def __post_init__(self):
        if self.sort not in SORTS:
            raise InputError(_("unknown sort '{sort}' (newest, oldest, overdue)").format(sort=self.sort))

    def with_(self, **changes) -> "InboxFilter":
        return replace(self, **changes)

    @property
    def active_only(self) -> bool:
        return set(self.states) <= set(ACTIVE_STATES)

    @property
    def only_states(self) -> bool:
        """True when nothing but states narrows the list (the counts table answers it)."""
        return self == InboxFilter(states=self.states, sort=self.sort, backwards=self.backwards)


_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str, author: str | None = None) -> str | None:
    """Turn what the user typed into a safe FTS5 query: every word must appear, the last one
    as a prefix (results update as the user types). FTS syntax characters are never passed on.
    An author prefix also narrows through the index (its first word, in the author column);
    the exact LIKE in the WHERE clause does the rest."""
    words = _TOKEN.findall(text)
    terms = [f'"{w}"' for w in words]
    if terms:
        terms[-1] += "*"
    author_words = _TOKEN.findall(author or "")
    if author_words:
        terms.append(f'author : "{author_words[0]}"*')
    return " AND ".join(terms) or None


def _uses_fts(f: "InboxFilter") -> bool:
    return fts_query(f.search, f.author) is not None


def _conditions(f: InboxFilter, a: str = "i") -> tuple[list[str], list]:
    """The filter's conditions on rows of inbox_items aliased a (grouping leaves out).
    The listed rows (a = "i") match words through the joined full-text table; another
    alias, a conversation's other items, through a lookup in it."""
    clauses: list[str] = []
    params: list = []
    states = tuple(s for s in ALL_STATES if s in f.states)  # validated, in a fixed order
    if len(states) != len(set(f.states)):
        raise InputError(_("unknown state in {states}").format(states=", ".join(f.states)))
    if states != ALL_STATES:
        # Literals, not parameters: SQLite can only use the partial index inbox_active
        # when the query spells out its very condition, state IN ('new', 'open').
        if set(states) < set(ACTIVE_STATES):
            clauses.append(f"{a}.state IN ({', '.join(repr(s) for s in ACTIVE_STATES)})")  # i18n: not shown (SQL)
        clauses.append(f"{a}.state IN ({', '.join(repr(s) for s in states)})")  # i18n: not shown (SQL)
    for column, value in (("account_id", f.account_id), ("kind", f.kind),
                          ("assignee", f.assignee), ("language", f.language)):
        if value is not None:
            clauses.append(f"{a}.{column} = ?")
            params.append(value)
    if f.author:
        clauses.append(f"{a}.author LIKE ? ESCAPE '\\'")  # i18n: not shown (SQL)
        params.append(f.author.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if f.label:
        clauses.append(f"EXISTS (SELECT 1 FROM json_each({a}.labels) WHERE value = ?)")  # i18n: not shown (SQL)
        params.append(f.label)
    clauses.append(f"{a}.hidden = 0")
    if f.sort == "overdue":
        clauses.append(f"{a}.answered_at IS NULL")  # i18n: not shown (SQL)
    if f.questions_only:
        clauses.append(f"{a}.is_question = 1")
    if f.search and not _TOKEN.search(f.search):
        clauses.append("0")  # only punctuation typed: nothing can match
    elif _uses_fts(f):
        clauses.append("inbox_fts MATCH ?" if a == "i" else  # i18n: not shown (SQL)
                       f"{a}.id IN (SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ?)")  # i18n: not shown (SQL)
        params.append(fts_query(f.search, f.author))
    return clauses, params


def _where(f: InboxFilter) -> tuple[str, list]:
    clauses, params = _conditions(f)
    if f.grouped:
        # The latest matching item of each conversation stands for it (items of no
        # thread, alone): no later item of its thread may match the filter too.
        same, more = _conditions(f, "j")
        clauses.append(
            "(i.thread_id IS NULL OR NOT EXISTS (SELECT 1 FROM inbox_items j INDEXED BY inbox_thread"  # i18n: not shown (SQL)
            f" WHERE j.thread_id = i.thread_id AND {' AND '.join(same)}"
            " AND (j.created_at, j.id) > (i.created_at, i.id)))")
        params += more
    return " AND ".join(clauses), params


def _source(f: InboxFilter) -> str:
    """The table to read, with the index named that keeps the list in order: without
    statistics (no ANALYZE yet) the planner would rather sort every matching row. A search
    starts from the full-text index, which hands its matches over newest-stored first."""
    if _uses_fts(f):
        return "inbox_fts JOIN inbox_items i ON i.id = inbox_fts.rowid"  # i18n: not shown (SQL)
    if f.active_only:
        return "inbox_items i INDEXED BY inbox_active"  # i18n: not shown (SQL)
    return "inbox_items i INDEXED BY inbox_created"  # i18n: not shown (SQL)


def _order(f: InboxFilter) -> str:
    ascending = f.sort != "newest"
    if f.backwards:
        ascending = not ascending
    way = "ASC" if ascending else "DESC"
    if _uses_fts(f):
        # Search results come in the full-text index's own order (arrival), which it
        # streams; sorting every match by time cost 100-300 ms at 1M items.
        return f"inbox_fts.rowid {way}"
    return f"i.created_at {way}, i.id {way}"


def item_json(row) -> dict:
    """The public JSON shape of an inbox item (command-line contract)."""
    return {
        "id": row["id"],
        "account": row["account"],
        "platform": row["platform"],
        "kind": row["kind"],
        "remote_id": row["remote_id"],
        "url": row["url"],
        "author": row["author"],
        "author_name": row["author_name"],
        "text": row["text"],
        "language": row["language"],
        "created_at": row["created_at"],
        "state": row["state"],
        "snooze_until": row["snooze_until"],
        "labels": loads(row["labels"], []),
        "assignee": row["assignee"],
        "answered_at": row["answered_at"],
        "liked": row["liked_at"] is not None,
        "shared": row["shared_at"] is not None,
    }


class InboxRepo(Repo):
    def count(self, f: InboxFilter = InboxFilter()) -> int:
        """How many rows the filter lists. Cheap only for states alone (the counts table);
        anything else reads the matching rows, so the TUI counts in a worker thread."""
        if f.only_states:
            counts = self.state_counts(unanswered=f.sort == "overdue")
            return sum(counts.get(state, 0) for state in set(f.states))
        where, params = _where(f)
        if f.search:  # counted up to a cap: a search that broad wants more words, not a total
            return self._scalar(
                f"SELECT count(*) FROM (SELECT 1 FROM {_source(f)} WHERE {where} LIMIT {SEARCH_COUNT_CAP})", params)
        return self._scalar(f"SELECT count(*) FROM {_source(f)} WHERE {where}", params)

    def page(self, f: InboxFilter, offset: int, limit: int) -> list:
        """Rows offset .. offset+limit of the filtered list in the filter's order. Grouped
        lists add group_size, the conversation's items in the list."""
        where, params = _where(f)
        columns = _COLUMNS
        if f.grouped:  # how many of the conversation's items the filter lists
            same, more = _conditions(f, "g")
            columns += (", CASE WHEN i.thread_id IS NULL THEN 1 ELSE (SELECT count(*) FROM inbox_items g"  # i18n: not shown (SQL)
                        f" INDEXED BY inbox_thread WHERE g.thread_id = i.thread_id AND {' AND '.join(same)})"
                        " END AS group_size")
            params = [*more, *params]  # the column's parameters come first in the statement
        return self._all(
            f"SELECT {columns} FROM {_source(f)} JOIN accounts a ON a.id = i.account_id"
            f" WHERE {where} ORDER BY {_order(f)} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )

    def group_members(self, item_id: int, f: InboxFilter) -> list[int]:
        """The items of an item's conversation that the grouped list stands for: those of
        its thread the filter lists (an action on the row acts on them all)."""
        item = self.get(item_id)
        if item is None or item["thread_id"] is None:
            return [item_id] if item is not None else []
        same, params = _conditions(f, "g")
        return [r[0] for r in self._all(
            f"SELECT g.id FROM inbox_items g INDEXED BY inbox_thread WHERE g.thread_id = ? AND {' AND '.join(same)}"
            " ORDER BY g.id", (item["thread_id"], *params))]

    def overdue_count(self, cutoff: str) -> int:
        """Active, unanswered items created before cutoff (now minus the response target),
        moderated ones (flagged spam, abuse) left out: the kept unanswered total minus the
        recent ones and the moderated old ones, two short index ranges (schema V11)."""
        total = self._scalar("SELECT sum(unanswered) FROM inbox_counts WHERE state IN ('new', 'open')") or 0
        recent = self._scalar(
            "SELECT count(*) FROM inbox_items INDEXED BY inbox_active WHERE state IN ('new', 'open')"
            " AND hidden = 0 AND created_at >= ? AND answered_at IS NULL", (cutoff,))
        moderated = self._scalar(
            "SELECT count(*) FROM inbox_items INDEXED BY inbox_moderated WHERE moderated != 0 AND created_at < ?"
            " AND state IN ('new', 'open') AND hidden = 0 AND answered_at IS NULL", (cutoff,))
        return max(0, total - recent - moderated)

    def assigned_count(self, who: str) -> int:
        """Active items (new, open, shown) assigned to who, however the assignee's name is
        cased ("ana" is "Ana"): the status line's "3 assigned to you". The index is by exact
        name, so the names stored are walked first (one index seek per distinct assignee)
        and the person's spellings among them counted through it."""
        return self._scalar(
            "WITH RECURSIVE spelled(name) AS (SELECT min(assignee) FROM inbox_items WHERE assignee IS NOT NULL"
            " UNION ALL SELECT (SELECT min(assignee) FROM inbox_items WHERE assignee > name) FROM spelled"
            " WHERE name IS NOT NULL)"
            " SELECT count(*) FROM inbox_items WHERE assignee IN (SELECT name FROM spelled WHERE name = ? COLLATE NOCASE)"
            " AND state IN ('new', 'open') AND hidden = 0", (who,)) or 0

    def facet_counts(self, f: InboxFilter, facet: str) -> dict:
        """Items per value of one facet (account_id, kind, language, assignee, label, state)
        under the filter with that facet left open, for the filter bar. Reads the matching
        rows: run it off the UI thread on a big inbox."""
        if facet == "state":
            if f.with_(states=ALL_STATES).only_states:
                return self.state_counts(unanswered=f.sort == "overdue")
            f = f.with_(states=ALL_STATES)
        elif facet == "label":
            f = f.with_(label=None)
        elif facet == "questions":
            f = f.with_(questions_only=False)
        else:
            f = f.with_(**{facet: None})
        f = f.with_(grouped=False, backwards=False)
        where, params = _where(f)
        if facet == "label":
            sql = (f"SELECT l.value, count(*) FROM {_source(f)}, json_each(i.labels) l"
                   f" WHERE {where} GROUP BY l.value")
        elif facet == "questions":
            sql = f"SELECT i.is_question, count(*) FROM {_source(f)} WHERE {where} GROUP BY i.is_question"
        else:
            sql = f"SELECT i.{facet}, count(*) FROM {_source(f)} WHERE {where} GROUP BY i.{facet}"
        return self._pairs(sql, params)

    def get(self, item_id: int) -> sqlite3.Row | None:
        return self._one(
            f"SELECT {_COLUMNS} FROM inbox_items i JOIN accounts a ON a.id = i.account_id WHERE i.id = ?",
            (item_id,),
        )

    # -- what the TUI's alerts look at (cmtui.triage.alerts) -------------------------------------
    def last_id(self) -> int:
        return self._scalar("SELECT coalesce(max(id), 0) FROM inbox_items")

    def arrived_after(self, after_id: int, kind: str, limit: int = 100) -> list:
        """Active, shown items of a kind stored after after_id, in the order stored (a
        short range of the primary key)."""
        return self._all(
            f"SELECT {_COLUMNS} FROM inbox_items i JOIN accounts a ON a.id = i.account_id WHERE i.id > ?"
            " AND i.kind = ? AND i.state IN ('new', 'open') AND i.hidden = 0 ORDER BY i.id LIMIT ?",
            (after_id, kind, limit))

    def came_due(self, since: str, until: str, limit: int = 100) -> list:
        """Active, shown, unanswered, unmoderated items created in [since, until): those
        whose response target passed between two looks (a short range of inbox_active)."""
        return self._all(
            f"SELECT {_COLUMNS} FROM inbox_items i INDEXED BY inbox_active JOIN accounts a ON a.id = i.account_id"
            " WHERE i.state IN ('new', 'open') AND i.created_at >= ? AND i.created_at < ? AND i.hidden = 0"
            " AND i.answered_at IS NULL AND i.moderated = 0 ORDER BY i.created_at, i.id LIMIT ?",
            (since, until, limit))

    def require(self, item_id) -> sqlite3.Row:
        try:
            number = int(item_id)
        except (TypeError, ValueError):
            raise InputError(_("'{id}' is not an inbox item id (ids are whole numbers)").format(id=item_id)) from None
        row = self.get(number)
        if row is None:
            raise InputError(_("no inbox item with id {id}").format(id=number))
        return row

    def state_counts(self, unanswered: bool = False) -> dict[str, int]:
        """Items per state (or those not answered yet), hidden ones left out: a table kept
        by triggers, no scan."""
        counts = {s: 0 for s in ALL_STATES}
        counts.update(self._pairs(f"SELECT state, {'unanswered' if unanswered else 'n'} FROM inbox_counts"))
        return counts

    def insert(self, account_id: int, **fields) -> int:
        """Insert one item (remote text already sanitised); return its id."""
        fields.setdefault("first_seen_at", now())
        if "labels" in fields and not isinstance(fields["labels"], str):
            fields["labels"] = dumps(list(fields["labels"]))
        columns = ["account_id", *fields]
        with transaction(self.conn):
            cur = self.conn.execute(
                f"INSERT INTO inbox_items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [account_id, *fields.values()],
            )
            return inserted_id(cur)

    def thread(self, item) -> list:
        """The stored conversation around an item: thread posts and inbox items of its thread."""
        if item["thread_id"] is None:
            return []
        return self._all(
            "SELECT remote_id, in_reply_to_remote_id, author, author_name, text, created_at, ours"
            " FROM thread_posts WHERE thread_id = ? ORDER BY created_at, id",
            (item["thread_id"],),
        )

    def set_hidden(self, item_ids, hidden: bool = True) -> None:
        """Hide items from the inbox (moderation), or show them again; in the caller's transaction."""
        self.conn.executemany("UPDATE inbox_items SET hidden = ? WHERE id = ?", [(int(hidden), i) for i in item_ids])

    def record_reply(self, item_id: int, *, remote_id: str | None, url: str | None, answered_at: str,
                     author: str, author_name: str, text: str) -> None:
        """Our reply to an item reached its platform: the item is answered (the first answer
        counts) and the reply joins the item's thread (one is started at the item if it has
        none yet). Inside the caller's transaction."""
        item = self._one("SELECT account_id, remote_id, thread_id FROM inbox_items WHERE id = ?", (item_id,))
        if item is None:
            return
        self.conn.execute("UPDATE inbox_items SET answered_at = coalesce(answered_at, ?) WHERE id = ?",
                          (answered_at, item_id))
        thread_id = item["thread_id"] or self.conn.execute(
            "INSERT INTO threads (account_id, root_remote_id) VALUES (?, ?)"
            " ON CONFLICT (account_id, root_remote_id) DO UPDATE SET root_remote_id = excluded.root_remote_id"
            " RETURNING id", (item["account_id"], item["remote_id"])).fetchone()[0]
        self.conn.execute("UPDATE inbox_items SET thread_id = ? WHERE id = ?", (thread_id, item_id))
        self.conn.execute(
            "INSERT OR IGNORE INTO thread_posts (thread_id, remote_id, in_reply_to_remote_id, author, author_name,"
            " text, url, created_at, ours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (thread_id, remote_id, item["remote_id"], author, author_name, text, url, answered_at))

    def set_state(self, item_id: int, state: str) -> None:
        if state not in ALL_STATES:
            raise InputError(_("unknown state '{state}'").format(state=state))
        stamp = now()
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE inbox_items SET state = ?, snooze_until = CASE WHEN ? = 'snoozed' THEN snooze_until END,"
                " done_at = CASE WHEN ? = 'done' THEN ? END WHERE id = ?",
                (state, state, state, stamp, item_id),
            )

    def count_for_account(self, account_id: int) -> int:
        return self._scalar("SELECT count(*) FROM inbox_items WHERE account_id = ?", (account_id,))

    def labels(self, item_id: int) -> list[str]:
        """An item's labels, decoded (none for an unknown item or an unreadable value)."""
        return loads(self._scalar("SELECT labels FROM inbox_items WHERE id = ?", (item_id,)), [])

    # -- our likes and shares (cmtui.triage.likes) ---------------------------------------------
    def set_reacted(self, item_id: int, what: str, at: str | None) -> None:
        """Mark an item liked or shared (what: like / share) at `at`, or not (None); in the
        caller's transaction."""
        self.conn.execute(f"UPDATE inbox_items SET {REACTED_COLUMN[what]} = ? WHERE id = ?", (at, item_id))  # i18n: not shown (SQL)

    def answer_by_like(self, item_id: int, at: str) -> bool:
        """A like that answers (the like_answers setting) reached the platform: the item is
        answered at `at` unless it already was, or the like was taken back meanwhile. Returns
        whether this like answered it."""
        return self.conn.execute(
            "UPDATE inbox_items SET answered_at = ? WHERE id = ? AND answered_at IS NULL AND liked_at IS NOT NULL",
            (at, item_id)).rowcount == 1

    def take_back_like_answer(self, item_id: int, answered_at: str) -> bool:
        """A like that answered the item is taken back before any reply of ours: unanswered
        again. A reply since (ours in its thread) keeps it answered."""
        return self.conn.execute(
            "UPDATE inbox_items SET answered_at = NULL WHERE id = ? AND answered_at = ? AND NOT EXISTS ("
            " SELECT 1 FROM thread_posts t WHERE t.thread_id = inbox_items.thread_id AND t.ours = 1"
            " AND t.in_reply_to_remote_id = inbox_items.remote_id)", (item_id, answered_at)).rowcount == 1

    def restore_answer(self, item_id: int, answered_at: str) -> None:
        """The like's answer comes back (its undo was withdrawn before it was sent)."""
        self.conn.execute("UPDATE inbox_items SET answered_at = coalesce(answered_at, ?) WHERE id = ?",
                          (answered_at, item_id))
