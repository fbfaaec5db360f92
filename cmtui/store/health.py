"""Looking at a database file without changing it: the checks behind `cmtui doctor` and the
start-up check of the TUI.

Everything here reads; a connection from open_read_only() cannot write, so these checks are
safe on a damaged file or one from another cmtui.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

from cmtui.store.db import _check_file, _read_only_uri


class Shape(NamedTuple):
    """What a database file is before anything reads its tables."""

    version: int  # PRAGMA user_version: the schema it was written with (0: none yet)
    objects: int  # tables, indexes, triggers: 0 in a new file, more in any SQLite database


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write, with the same refusals as a normal start (not SQLite,
    cut short, ...): raises StoreError with a message that says what to do."""
    _check_file(path)
    conn = sqlite3.connect(_read_only_uri(path), uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    conn.row_factory = sqlite3.Row
    return conn


def shape(conn: sqlite3.Connection) -> Shape:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return Shape(version, objects)


def findings(conn: sqlite3.Connection, full: bool, limit: int) -> list[str]:
    """SQLite's own check, ["ok"] when it finds nothing. full: integrity_check (cross-checks
    the indexes); else quick_check, much faster on a big file."""
    pragma = "integrity_check" if full else "quick_check"
    return [row[0] for row in conn.execute(f"PRAGMA {pragma}({int(limit)})")]


def free_bytes(conn: sqlite3.Connection) -> int:
    """Space inside the file that no table uses (VACUUM gives it back)."""
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    return conn.execute("PRAGMA freelist_count").fetchone()[0] * page_size


def checkpoint(conn: sqlite3.Connection) -> None:
    """Fold the write-ahead log back into the file and empty it: a file just built is then
    whole on its own, and the next start does not read through the log."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
