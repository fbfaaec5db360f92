"""Opening the SQLite file: checks first, then pragmas, then migrations.

Every check that can refuse a file runs before anything is written to it, so a file
that is not ours, damaged, or from a newer cmtui is left byte-for-byte untouched.
"""

from __future__ import annotations

import math
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from cmtui import l10n
from cmtui.i18n import _
from cmtui.errors import StoreError
from cmtui.store.migrations import LATEST, MIGRATIONS

HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def _check_file(path: Path) -> bool:
    """Refuse what cannot be a usable database; return whether the file exists."""
    if path.is_dir():
        raise StoreError(_("database {path} is a directory, not a file").format(path=path))
    if not path.exists():
        if not path.parent.is_dir():
            raise StoreError(_("cannot create database {path}: folder {folder} does not exist").format(path=path, folder=path.parent))
        if not os.access(path.parent, os.W_OK):
            raise StoreError(_("cannot create database {path}: folder {folder} is not writable").format(path=path, folder=path.parent))
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StoreError(_("cannot read database {path}: {reason}").format(path=path, reason=exc.strerror)) from None
    if not head:
        return True  # an empty file is an empty database
    if not head.startswith(HEADER[: len(head)]) or len(head) < len(HEADER):
        raise StoreError(_("{path} is not an SQLite database (cmtui left it untouched); "
                           "give --db your cmtui database, or restore it from a backup").format(path=path))
    if len(head) < 100:
        raise StoreError(_("database {path} is damaged: its header is cut short").format(path=path))
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = head[24:28]
    pages = int.from_bytes(head[28:32], "big")
    valid_for = head[92:96]
    size = path.stat().st_size
    wal = Path(f"{path}-wal")
    if (
        valid_for == change_counter
        and pages * page_size > size
        and not (wal.exists() and wal.stat().st_size > 0)
    ):
        raise StoreError(
            _("database {path} is damaged: it is {size} bytes but should be {expected}; "
              "restore it from a backup").format(path=path, size=l10n.number(size), expected=l10n.number(pages * page_size))
        )
    return True


def read_only_reason(path: Path) -> str | None:
    """Why cmtui cannot write this existing database, or None when it can. WAL mode writes
    beside the file (-wal, -shm), so a read-only folder is enough to stop it unless both
    already exist and are writable."""
    if not os.access(path, os.W_OK):
        return _("the file is read-only")
    if os.access(path.parent, os.W_OK):
        return None
    sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    if all(s.exists() and os.access(s, os.W_OK) for s in sidecars):
        return None
    return _("its folder {folder} is read-only").format(folder=path.parent)


def _read_only_uri(path: Path) -> str:
    # A -wal file means a cmtui may be writing, or changes wait there: mode=ro reads them
    # and takes the usual locks. Without one, immutable=1 reads the file alone and creates
    # nothing beside it (a read-only folder allows nothing else; mode=ro would leave empty
    # -wal and -shm files behind).
    return _uri(path, "mode=ro" if Path(f"{path}-wal").exists() else "immutable=1")


def _uri(path: Path, query: str) -> str:
    # Quoted: a '?', '#' or '%' in a folder name would otherwise end the file name early.
    return f"file:{quote(Path(path).absolute().as_posix())}?{query}"


def _math_functions(conn: sqlite3.Connection) -> None:
    """The response-time triggers bucket with ln() and floor(): built into SQLite since 3.35
    when compiled with math functions; an SQLite without them gets Python's."""
    try:
        conn.execute("SELECT ln(2.0), floor(1.5)")
    except sqlite3.OperationalError:
        conn.create_function("ln", 1, lambda x: None if x is None or x <= 0 else math.log(x), deterministic=True)
        conn.create_function("floor", 1, lambda x: None if x is None else math.floor(x), deterministic=True)


def connect(path: Path, *, read_only_ok: bool = False) -> sqlite3.Connection:
    """Open, check and migrate a database file; return an autocommit connection.

    read_only_ok: a file cmtui cannot write is opened read-only (for commands that only
    read); otherwise it is refused with a message saying so."""
    path = Path(path)
    exists = _check_file(path)
    read_only = read_only_reason(path) if exists else None
    if read_only and not read_only_ok:
        raise StoreError(_("database {path} is read-only ({reason}); make it writable to use this "
                           "command (reading commands such as 'cmtui inbox list' still work)").format(path=path, reason=read_only))
    if read_only:
        uri = _read_only_uri(path)
    else:
        uri = _uri(path, f"mode={'rw' if exists else 'rwc'}")
    if not exists:  # made as any new file is (0666 less the umask), not SQLite's fixed 0644: a team's group writes it
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except OSError:
            pass  # (SQLite says why it cannot, below)
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(_("cannot open database {path}: {reason}").format(path=path, reason=exc)) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _math_functions(conn)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version > LATEST:
            raise StoreError(
                _("database {path} was written by a newer cmtui (schema {version}, this cmtui "
                  "knows up to {latest}); upgrade cmtui to open it").format(path=path, version=version, latest=LATEST)
            )
        if version == 0 and tables:
            raise StoreError(_("{path} is an SQLite database but not a cmtui one (cmtui left it untouched); "
                               "give --db your cmtui database").format(path=path))
        if read_only:
            if version == 0:
                raise StoreError(_("database {path} is empty and read-only ({reason}); "
                                   "cmtui cannot create its tables there").format(path=path, reason=read_only))
            if version < LATEST:
                raise StoreError(_("database {path} is read-only ({reason}) and needs an upgrade to "
                                   "schema {latest} (it is {version}); make it writable once").format(
                    path=path, reason=read_only, latest=LATEST, version=version))
            conn.execute("PRAGMA query_only = ON")
            conn.row_factory = sqlite3.Row
            return conn
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if version < LATEST:
            _migrate(conn, path, version, LATEST, backup=tables > 0)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(describe_error(exc, path)) from None
    except BaseException:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row
    return conn


def _migrate(conn: sqlite3.Connection, path: Path, current: int, target: int, backup: bool) -> None:
    if backup:
        # Keep the old file beside the new one until the user removes it.
        dest = sqlite3.connect(f"{path}.v{current}.bak")
        with dest:
            conn.backup(dest)
        dest.close()
    migrate(conn, current, target)
    # A migration can rewrite much of the file (v4 rebuilds the full-text index): fold the
    # WAL back in now, or every later start reads through hundreds of MB of it.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def migrate(conn: sqlite3.Connection, current: int, target: int) -> None:
    """Run migrations current+1 .. target, each in its own transaction."""
    for version in range(current + 1, target + 1):
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{MIGRATIONS[version - 1]}\nPRAGMA user_version = {version};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT: takes the write lock up front so that two processes
    wait for each other (busy_timeout) instead of failing with 'database is locked'."""
    if conn.in_transaction:  # nested use joins the outer transaction
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        # SQLite rolls back by itself after some errors (a full disk, an I/O error): a second
        # ROLLBACK would fail and hide the real error.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def connect_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection to an already opened store, for a worker thread: counts and
    facets run there so the screen never waits on them (interrupt() cancels one)."""
    conn = sqlite3.connect(_uri(path, "mode=ro"), uri=True, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.row_factory = sqlite3.Row
    return conn


def describe_error(exc: sqlite3.Error, path: Path | str) -> str:
    """One line for the user about an SQLite error on this database: what happened and what
    to do. Decided by SQLite's error code, not by the wording of its message."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == sqlite3.SQLITE_FULL:
        return _("the disk is full (or the database reached its size limit): the last change to {path} "
                 "was not saved, and nothing is half-written; free some space and try again").format(path=path)
    if primary == sqlite3.SQLITE_READONLY:
        return _("database {path} is read-only: nothing was changed; make the file and its folder writable").format(path=path)
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return _("database {path} stayed busy in another cmtui process; nothing was changed, try again").format(path=path)
    if primary == sqlite3.SQLITE_IOERR:
        return _("cannot read or write database {path} ({reason}); check the disk, then run 'cmtui doctor'").format(
            path=path, reason=exc)
    if primary == sqlite3.SQLITE_CANTOPEN:
        return _("cannot open database {path} ({reason}); check that its folder exists and is yours").format(
            path=path, reason=exc)
    return _("database {path} is damaged or unreadable ({reason}); run 'cmtui doctor', "
             "or restore it from a backup").format(path=path, reason=exc)


def check_summary(found: str) -> str:
    """An integrity_check / quick_check finding on one line (SQLite's span several)."""
    return " ".join(found.replace("*** in database main ***", "").split())
