"""Helpers shared by the repositories."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from cmtui.model import iso, utcnow


class Repo:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def _one(self, sql: str, params=()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def _all(self, sql: str, params=()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def _pairs(self, sql: str, params=()) -> dict[Any, Any]:
        """The first column of each row -> its second (a Row is not a pair to dict())."""
        return {row[0]: row[1] for row in self.conn.execute(sql, params)}

    def _insert(self, sql: str, params=()) -> int:
        return inserted_id(self.conn.execute(sql, params))

    def _scalar(self, sql: str, params=()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote (sqlite3 types lastrowid as Optional: no row yet)."""
    if cur.lastrowid is None:
        raise sqlite3.InterfaceError("no row was inserted")  # i18n: not shown (a bug)
    return cur.lastrowid


def marks(values) -> str:
    """The ?, ?, ? of an IN (...) or VALUES (...) of these values."""
    return ",".join("?" * len(values))


def now() -> str:
    return iso(utcnow())


def loads(value: str | None, default):
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
