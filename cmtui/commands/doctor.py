"""cmtui doctor: check the database, the settings, the credentials file, each account's
connection, the outbox and the disk; one line per check, and what to do.

Doctor reads and never writes the database (it opens it read-only and never migrates it),
so it is safe on a damaged file. The one thing it changes is the credentials file's mode:
a file readable by others is set to 0600 and the line says so, as every other command does.
Exit status: 0 when nothing is a problem (warnings allowed), 1 when something is.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cmtui.errors import CmtuiError

if TYPE_CHECKING:
    from cmtui.store import Store

OK, WARNING, PROBLEM = "ok", "warning", "problem"
CONNECT_TIMEOUT = 5.0  # seconds per account: doctor answers quickly even when offline
FULL_CHECK_BYTES = 256 * 2**20  # above this, quick_check (no index cross-checks) keeps doctor quick
BIG_WAL_BYTES = 64 * 2**20
LOW_DISK_BYTES = 256 * 2**20
NO_DISK_BYTES = 16 * 2**20
STALE_PENDING = timedelta(hours=1)


@dataclass
class Check:
    check: str
    status: str
    detail: str
    action: str = ""

    def line(self, width: int = 12) -> str:
        todo = f" — {self.action}" if self.action else ""
        return f"{self.status:<8} {self.check:<{width}} {self.detail}{todo}"


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""


# -- the database ----------------------------------------------------------------------
def check_database(path: Path) -> tuple[list[Check], sqlite3.Connection | None]:
    """The database checks, and a read-only connection when the schema is the current one
    (for the account and outbox checks)."""
    from cmtui.store import health
    from cmtui.store.db import check_summary, describe_error, read_only_reason
    from cmtui.store.migrations import LATEST

    if not path.exists():
        return [Check("database", WARNING, f"no database at {path} yet",
                      "cmtui creates it on first start (or pass --db PATH)")], None
    checks: list[Check] = []
    try:
        conn = health.open_read_only(path)
    except CmtuiError as exc:
        return [Check("database", PROBLEM, str(exc))], None  # the message says what to do
    try:
        version, tables = health.shape(conn)
        if version > LATEST:
            conn.close()
            return [Check("database", PROBLEM, f"{path} is schema {version}, newer than this cmtui ({LATEST})",
                          "upgrade cmtui")], None
        if version == 0 and tables:
            conn.close()
            return [Check("database", PROBLEM, f"{path} is an SQLite database but not a cmtui one",
                          "pass --db with your cmtui database")], None
        size = path.stat().st_size
        full = size <= FULL_CHECK_BYTES
        pragma = "integrity_check" if full else "quick_check"
        found = health.findings(conn, full, limit=5)
    except sqlite3.DatabaseError as exc:
        conn.close()
        return [Check("database", PROBLEM, describe_error(exc, path))], None
    if found != ["ok"]:
        conn.close()
        return [Check("database", PROBLEM, f"{path} is damaged ({pragma}: {check_summary(found[0])})",
                      "restore it from a backup; copy it aside first")], None
    detail = f"{path}: schema {version}, {pragma.replace('_', ' ')} ok, {_size(size)}"
    if version < LATEST:
        checks.append(Check("database", WARNING, detail + f" (this cmtui uses schema {LATEST})",
                            "the next start upgrades it and keeps a backup beside it"))
    else:
        checks.append(Check("database", OK, detail))
    read_only = read_only_reason(path)
    if read_only:
        checks.append(Check("writable", PROBLEM, f"{path}: {read_only}",
                            "make it writable: only reading commands work until then"))
    wal = Path(f"{path}-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    if wal_size > BIG_WAL_BYTES:
        checks.append(Check("wal", WARNING, f"write-ahead log is {_size(wal_size)}",
                            "it shrinks when every cmtui on this database has closed"))
    else:
        checks.append(Check("wal", OK, f"write-ahead log {_size(wal_size)}"))
    free = health.free_bytes(conn)
    if free > 16 * 2**20 and free > size / 4:
        checks.append(Check("free pages", WARNING, f"{_size(free)} unused inside the file",
                            f"to reclaim it, close cmtui and run: sqlite3 {path} VACUUM"))
    else:
        checks.append(Check("free pages", OK, f"{_size(free)} unused inside the file"))
    if version != LATEST:
        conn.close()
        return checks, None
    return checks, conn


def check_disk(path: Path) -> Check:
    folder = path.parent if path.parent.exists() else Path.cwd()
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        return Check("disk", WARNING, f"cannot tell the free space in {folder} ({exc.strerror})")
    detail = f"{_size(free)} free in {folder}"
    if free < NO_DISK_BYTES:
        return Check("disk", PROBLEM, detail, "free some space: writes will fail")
    if free < LOW_DISK_BYTES:
        return Check("disk", WARNING, detail, "free some space soon")
    return Check("disk", OK, detail)


# -- settings and credentials ------------------------------------------------------------
def check_settings():
    from cmtui import config

    path = config.config_dir() / config.SETTINGS_FILE
    try:
        settings = config.load_settings()
    except CmtuiError as exc:
        return Check("settings", PROBLEM, str(exc), "fix the file, or remove it to use the defaults"), None
    if not path.exists():
        return Check("settings", OK, f"no settings file ({path}): defaults in use"), settings
    return Check("settings", OK, f"{path} is valid"), settings


def check_credentials(accounts: list):
    from cmtui.config import Credentials

    fixed: list[str] = []
    credentials = Credentials(warn=fixed.append)
    try:
        tokens = {name: credentials.sign_in(name) for name in credentials.check()}
    except CmtuiError as exc:
        return Check("credentials", PROBLEM, str(exc)), None
    if not credentials.path.exists():
        if accounts:
            # Each account's own line is the problem and says what to run.
            return Check("credentials", WARNING, f"no credentials file at {credentials.path}"), tokens
        return Check("credentials", OK, f"no credentials file yet ({credentials.path}): no account needs a token"), tokens
    if fixed:
        return Check("credentials", WARNING, fixed[0]), tokens
    return Check("credentials", OK, f"{credentials.path}: mode 0600, {len(tokens)} token(s)"), tokens


# -- accounts and the outbox ------------------------------------------------------------------
async def _verify(account, signed) -> Check:
    from cmtui.config import Credentials
    from cmtui.sync.connectors import connector_for
    from cmtui.sync.connectors.base import AuthError, PermanentError, TransientError

    again = f"cmtui account add {account.platform} {account.name} --instance {account.server}"
    name = f"account {account.name}"
    try:
        connector = connector_for(account.platform, account.server, signed.token, timeout=CONNECT_TIMEOUT)
    except CmtuiError as exc:
        return Check(name, PROBLEM, str(exc))
    connector.use_session(signed, lambda renewed: Credentials().keep(account.name, renewed))
    try:
        info = await connector.verify()
    except AuthError:
        return Check(name, PROBLEM, f"token refused by {account.server}", f"run {again} again")
    except TransientError as exc:  # offline, a time-out, a 5xx: the sync retries by itself
        return Check(name, WARNING, f"cannot check now: {exc}", "check the network; sync retries later")
    except PermanentError as exc:
        return Check(name, PROBLEM, f"{account.server} refused the check: {exc}", f"run {again}")
    except Exception as exc:  # a connector bug must not hide the other checks
        return Check(name, WARNING, f"cannot check now: {type(exc).__name__}")
    finally:
        await connector.close()
    if account.handle and info.acct != account.handle:
        return Check(name, PROBLEM, f"the token belongs to {info.acct}, not {account.handle}", f"run {again}")
    return Check(name, OK, f"signed in as {info.acct} on {account.server}")


def check_accounts(accounts: list, tokens: dict | None) -> list[Check]:
    if tokens is None:
        return [Check(f"account {a.name}", WARNING, "not checked: the credentials file cannot be read")
                if not a.offline else Check(f"account {a.name}", OK, "offline account (no connection)")
                for a in accounts]
    checks: dict[str, Check] = {}
    jobs = []
    for account in accounts:
        token = tokens.get(account.name)
        if account.offline:  # by design: no token to check, nothing to connect to
            checks[account.name] = Check(f"account {account.name}", OK,
                                         "offline account (no connection): sync leaves it idle, "
                                         "its operations wait in the outbox")
        elif not token:
            checks[account.name] = Check(f"account {account.name}", PROBLEM, "no token in the credentials file",
                                         f"run cmtui account add {account.platform} {account.name} "
                                         f"--instance {account.server}")
        else:
            jobs.append((account, token))

    async def verify_all():
        return await asyncio.gather(*(_verify(a, t) for a, t in jobs))

    if jobs:
        for (account, _), result in zip(jobs, asyncio.run(verify_all())):
            checks[account.name] = result
    return [checks[a.name] for a in accounts]


def check_outbox(store: Store) -> Check:
    from cmtui.model import parse_iso, utcnow

    counts = store.outbox.counts()
    offline = {a.name for a in store.accounts.list() if a.offline}
    waiting = store.outbox.list(("pending", "sending"))
    held = sum(op["account"] in offline for op in waiting)  # they wait by design: not stale
    oldest = min((op["created_at"] for op in waiting if op["account"] not in offline), default=None)
    detail = f"{counts['failed']} failed, {len(waiting)} waiting"
    if held:
        detail += f" ({held} for offline accounts)"
    if oldest:
        detail += f" (oldest since {oldest})"
    if counts["failed"]:
        return Check("outbox", WARNING, detail, "see cmtui outbox list; retry or drop them in the TUI")
    if oldest and utcnow() - parse_iso(oldest) > STALE_PENDING:
        return Check("outbox", WARNING, detail, "is sync running? cmtui sync --once")
    return Check("outbox", OK, detail)


def run_checks(path: Path) -> list[Check]:
    from cmtui.store import Store

    checks, conn = check_database(path)
    checks.append(check_disk(path))
    settings_check, _ = check_settings()
    checks.append(settings_check)
    accounts: list = []
    store = None
    if conn is not None:
        store = Store(conn, path)
        try:
            accounts = store.accounts.list()
        except sqlite3.DatabaseError:  # a damaged page that the integrity check did not reach
            accounts = []
    try:
        credentials_check, tokens = check_credentials([a for a in accounts if not a.offline])
        checks.append(credentials_check)
        checks.extend(check_accounts(accounts, tokens))
        if store is not None:
            checks.append(check_outbox(store))
    finally:
        if store is not None:
            store.close()
    return checks


def doctor_command(path: Path, args) -> int:
    checks = run_checks(path)
    if args.json:
        print(json.dumps([asdict(c) for c in checks], indent=2, ensure_ascii=False))
    else:
        width = max(len(c.check) for c in checks)
        for check in checks:
            print(check.line(width))
    return 1 if any(c.status == PROBLEM for c in checks) else 0
