"""Inbox items: filtering, paging and full-text search.

Lists read a window of rows (ORDER BY ... LIMIT/OFFSET over an index), never the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cmtui.errors import InputError
from cmtui.model import ItemState
from cmtui.store.base import Repo, dumps, loads, now
from cmtui.store.db import transaction

ACTIVE_STATES = (ItemState.NEW.value, ItemState.OPEN.value)
ALL_STATES = tuple(s.value for s in ItemState)
SEARCH_COUNT_CAP = 10_000  # a search lists (and counts) at most this many matches

_COLUMNS = (
    "i.id, i.account_id, a.name AS account, a.platform, i.kind, i.remote_id, i.url, i.author,"
    " i.author_name, i.text, i.language, i.visibility, i.created_at, i.state, i.snooze_until,"
    " i.assignee, i.labels, i.answered_at, i.thread_id, i.in_reply_to_remote_id, i.is_question,"
    " i.hidden, i.deleted_at, i.done_at"
)


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
    oldest_first: bool = False

    def with_(self, **changes) -> "InboxFilter":
        return replace(self, **changes)


_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Turn what the user typed into a safe FTS5 query: every word must appear, the last one
    as a prefix (results update as the user types). FTS syntax characters are never passed on."""
    words = _TOKEN.findall(text)
    if not words:
        return None
    terms = [f'"{w}"' for w in words]
    terms[-1] += "*"
    return " AND ".join(terms)


def _where(f: InboxFilter) -> tuple[str, list]:
    clauses: list[str] = []
    params: list = []
    states = tuple(s for s in ALL_STATES if s in f.states)  # validated, in a fixed order
    if len(states) != len(set(f.states)):
        raise InputError(f"unknown state in {', '.join(f.states)}")
    if states != ALL_STATES:
        # Literals, not parameters: SQLite can only use the partial index inbox_active
        # when the query spells out its very condition, state IN ('new', 'open').
        if set(states) < set(ACTIVE_STATES):
            clauses.append(f"i.state IN ({', '.join(repr(s) for s in ACTIVE_STATES)})")
        clauses.append(f"i.state IN ({', '.join(repr(s) for s in states)})")
    for column, value in (("i.account_id", f.account_id), ("i.kind", f.kind),
                          ("i.assignee", f.assignee), ("i.language", f.language)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if f.author:
        clauses.append("i.author LIKE ? ESCAPE '\\'")
        params.append(f.author.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if f.label:
        clauses.append("EXISTS (SELECT 1 FROM json_each(i.labels) WHERE value = ?)")
        params.append(f.label)
    clauses.append("i.hidden = 0")
    if f.questions_only:
        clauses.append("i.is_question = 1")
    if f.search:
        query = fts_query(f.search)
        if query is None:
            clauses.append("0")
        else:
            clauses.append("inbox_fts MATCH ?")
            params.append(query)
    return " AND ".join(clauses), params


def _source(f: InboxFilter) -> str:
    """The table to read, with the index named that keeps the list in time order: without
    statistics (no ANALYZE yet) the planner would rather sort every matching row. A search
    starts from the full-text index, which hands its matches over newest-stored first."""
    if f.search and fts_query(f.search):
        return "inbox_fts JOIN inbox_items i ON i.id = inbox_fts.rowid"
    if set(f.states) <= set(ACTIVE_STATES):
        return "inbox_items i INDEXED BY inbox_active"
    return "inbox_items i INDEXED BY inbox_created"


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
    }


class InboxRepo(Repo):
    def count(self, f: InboxFilter = InboxFilter()) -> int:
        if f == InboxFilter(states=f.states, oldest_first=f.oldest_first):  # only states: no scan
            counts = self.state_counts()
            return sum(counts.get(state, 0) for state in set(f.states))
        where, params = _where(f)
        if f.search:  # counted up to a cap: a search that broad wants more words, not a total
            return self._scalar(
                f"SELECT count(*) FROM (SELECT 1 FROM {_source(f)} WHERE {where} LIMIT {SEARCH_COUNT_CAP})", params)
        return self._scalar(f"SELECT count(*) FROM {_source(f)} WHERE {where}", params)

    def page(self, f: InboxFilter, offset: int, limit: int) -> list:
        """Rows offset .. offset+limit of the filtered list, newest first unless oldest_first."""
        where, params = _where(f)
        order = "ASC" if f.oldest_first else "DESC"
        # Search results come in the full-text index's own order (arrival: newest stored
        # first), which it streams; sorting every match by time cost 100-300 ms at 1M items.
        by = f"inbox_fts.rowid {order}" if f.search and fts_query(f.search) else \
            f"i.created_at {order}, i.id {order}"
        return self._all(
            f"SELECT {_COLUMNS} FROM {_source(f)} JOIN accounts a ON a.id = i.account_id"
            f" WHERE {where} ORDER BY {by} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )

    def get(self, item_id: int):
        return self._one(
            f"SELECT {_COLUMNS} FROM inbox_items i JOIN accounts a ON a.id = i.account_id WHERE i.id = ?",
            (item_id,),
        )

    def require(self, item_id) -> object:
        try:
            number = int(item_id)
        except (TypeError, ValueError):
            raise InputError(f"'{item_id}' is not an inbox item id (ids are whole numbers)") from None
        row = self.get(number)
        if row is None:
            raise InputError(f"no inbox item with id {number}")
        return row

    def state_counts(self) -> dict[str, int]:
        """Items per state, hidden ones left out (a table kept by triggers: no scan)."""
        counts = {s: 0 for s in ALL_STATES}
        counts.update(dict(self._all("SELECT state, n FROM inbox_counts")))
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
            return cur.lastrowid

    def thread(self, item) -> list:
        """The stored conversation around an item: thread posts and inbox items of its thread."""
        if item["thread_id"] is None:
            return []
        return self._all(
            "SELECT remote_id, in_reply_to_remote_id, author, author_name, text, created_at, ours"
            " FROM thread_posts WHERE thread_id = ? ORDER BY created_at, id",
            (item["thread_id"],),
        )

    def set_state(self, item_id: int, state: str) -> None:
        if state not in ALL_STATES:
            raise InputError(f"unknown state '{state}'")
        stamp = now()
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE inbox_items SET state = ?, snooze_until = CASE WHEN ? = 'snoozed' THEN snooze_until END,"
                " done_at = CASE WHEN ? = 'done' THEN ? END WHERE id = ?",
                (state, state, state, stamp, item_id),
            )

    def count_for_account(self, account_id: int) -> int:
        return self._scalar("SELECT count(*) FROM inbox_items WHERE account_id = ?", (account_id,))
