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
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.commands.output import DOCTOR_CHECK, DOCTOR_STATUS, shown
from cmtui.errors import CmtuiError
from cmtui.i18n import _, ngettext, pgettext

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
    """One line of the report. check and status are the words of --json (English in every
    language); shown_check is check as the plain report names it."""

    check: str
    status: str
    detail: str
    action: str = ""
    shown_check: str = ""

    def as_json(self) -> dict:
        return {"check": self.check, "status": self.status, "detail": self.detail, "action": self.action}

    @property
    def name(self) -> str:
        return self.shown_check or shown(DOCTOR_CHECK, self.check)

    def line(self, width: int = 12, status_width: int = 8) -> str:
        todo = f" — {self.action}" if self.action else ""
        return f"{_fill(shown(DOCTOR_STATUS, self.status), status_width)} {_fill(self.name, width)} {self.detail}{todo}"


def _fill(text: str, width: int) -> str:
    from cmtui.text import display_width

    return text + " " * max(0, width - display_width(text))


def _account_check(account, status: str, detail: str, action: str = "") -> Check:
    return Check(f"account {account.name}", status, detail, action,  # i18n: not shown
                 shown_check=pgettext("doctor check", "account {name}").format(name=account.name))


def _size(n: float) -> str:
    if n < 1024:
        return ngettext("{n} byte", "{n} bytes", int(n)).format(n=l10n.number(int(n)))
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024 or unit == "GB":
            break
    # i18n: file sizes; French writes Ko, Mo, Go
    units = {"KB": _("{n} KB"), "MB": _("{n} MB"), "GB": _("{n} GB")}
    return units[unit].format(n=l10n.decimal(n, 1))


# -- the database ----------------------------------------------------------------------
def check_database(path: Path) -> tuple[list[Check], sqlite3.Connection | None]:
    """The database checks, and a read-only connection when the schema is the current one
    (for the account and outbox checks)."""
    from cmtui.store import health
    from cmtui.store.db import check_summary, describe_error, read_only_reason
    from cmtui.store.migrations import LATEST

    if not path.exists():
        return [Check("database", WARNING, _("no database at {path} yet").format(path=path),
                      _("cmtui creates it on first start (or pass --db PATH)"))], None
    checks: list[Check] = []
    try:
        conn = health.open_read_only(path)
    except CmtuiError as exc:
        return [Check("database", PROBLEM, str(exc))], None  # the message says what to do
    try:
        version, tables = health.shape(conn)
        if version > LATEST:
            conn.close()
            return [Check("database", PROBLEM, _("{path} is schema {version}, newer than this cmtui ({latest})").format(
                path=path, version=version, latest=LATEST), _("upgrade cmtui"))], None
        if version == 0 and tables:
            conn.close()
            return [Check("database", PROBLEM, _("{path} is an SQLite database but not a cmtui one").format(path=path),
                          _("pass --db with your cmtui database"))], None
        size = path.stat().st_size
        full = size <= FULL_CHECK_BYTES
        pragma = "integrity_check" if full else "quick_check"
        found = health.findings(conn, full, limit=5)
    except sqlite3.DatabaseError as exc:
        conn.close()
        return [Check("database", PROBLEM, describe_error(exc, path))], None
    if found != ["ok"]:
        conn.close()
        return [Check("database", PROBLEM, _("{path} is damaged ({check}: {problem})").format(
            path=path, check=pragma, problem=check_summary(found[0])),
            _("restore it from a backup; copy it aside first"))], None
    said = _("{path}: schema {version}, integrity check ok, {size}") if full else \
        _("{path}: schema {version}, quick check ok, {size}")
    detail = said.format(path=path, version=version, size=_size(size))
    if version < LATEST:
        checks.append(Check("database", WARNING, _("{detail} (this cmtui uses schema {latest})").format(
            detail=detail, latest=LATEST), _("the next start upgrades it and keeps a backup beside it")))
    else:
        checks.append(Check("database", OK, detail))
    read_only = read_only_reason(path)
    if read_only:
        checks.append(Check("writable", PROBLEM, f"{path}: {read_only}",
                            _("make it writable: only reading commands work until then")))
    wal = Path(f"{path}-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    if wal_size > BIG_WAL_BYTES:
        checks.append(Check("wal", WARNING, _("write-ahead log is {size}").format(size=_size(wal_size)),
                            _("it shrinks when every cmtui on this database has closed")))
    else:
        checks.append(Check("wal", OK, _("write-ahead log {size}").format(size=_size(wal_size))))
    free = health.free_bytes(conn)
    unused = _("{size} unused inside the file").format(size=_size(free))
    pages = "free pages"  # i18n: not shown (the check's name in --json)
    if free > 16 * 2**20 and free > size / 4:
        checks.append(Check(pages, WARNING, unused, _("to reclaim it, close cmtui and run: {command}").format(
            command=f"sqlite3 {path} VACUUM")))
    else:
        checks.append(Check(pages, OK, unused))
    if version != LATEST:
        conn.close()
        return checks, None
    return checks, conn


def check_disk(path: Path) -> Check:
    folder = path.parent if path.parent.exists() else Path.cwd()
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        return Check("disk", WARNING, _("cannot tell the free space in {folder} ({reason})").format(
            folder=folder, reason=exc.strerror))
    detail = _("{size} free in {folder}").format(size=_size(free), folder=folder)
    if free < NO_DISK_BYTES:
        return Check("disk", PROBLEM, detail, _("free some space: writes will fail"))
    if free < LOW_DISK_BYTES:
        return Check("disk", WARNING, detail, _("free some space soon"))
    return Check("disk", OK, detail)


# -- settings and credentials ------------------------------------------------------------
def check_settings():
    from cmtui import config

    path = config.config_dir() / config.SETTINGS_FILE
    try:
        settings = config.load_settings()
    except CmtuiError as exc:
        return Check("settings", PROBLEM, str(exc), _("fix the file, or remove it to use the defaults")), None
    if not path.exists():
        return Check("settings", OK, _("no settings file ({path}): defaults in use").format(path=path)), settings
    return Check("settings", OK, _("{path} is valid").format(path=path)), settings


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
            return Check("credentials", WARNING, _("no credentials file at {path}").format(path=credentials.path)), \
                tokens
        return Check("credentials", OK, _("no credentials file yet ({path}): no account needs a token").format(
            path=credentials.path)), tokens
    if fixed:
        return Check("credentials", WARNING, fixed[0]), tokens
    return Check("credentials", OK, ngettext("{path}: mode 0600, {n} token", "{path}: mode 0600, {n} tokens",
                                             len(tokens)).format(path=credentials.path, n=l10n.number(len(tokens)))), \
        tokens


# -- accounts and the outbox ------------------------------------------------------------------
async def _verify(account, signed) -> Check:
    from cmtui.config import Credentials
    from cmtui.sync.connectors import connector_for
    from cmtui.sync.connectors.base import AuthError, PermanentError, TransientError

    again = f"cmtui account add {account.platform} {account.name} --instance {account.server}"  # i18n: not shown
    try:
        connector = connector_for(account.platform, account.server, signed.token, timeout=CONNECT_TIMEOUT)
    except CmtuiError as exc:
        return _account_check(account, PROBLEM, str(exc))
    connector.use_session(signed, lambda renewed: Credentials().keep(account.name, renewed))
    try:
        info = await connector.verify()
    except AuthError:
        return _account_check(account, PROBLEM, _("token refused by {server}").format(server=account.server),
                              _("run {command} again").format(command=again))
    except TransientError as exc:  # offline, a time-out, a 5xx: the sync retries by itself
        return _account_check(account, WARNING, _("cannot check now: {reason}").format(reason=exc),
                              _("check the network; sync retries later"))
    except PermanentError as exc:
        return _account_check(account, PROBLEM, _("{server} refused the check: {reason}").format(
            server=account.server, reason=exc), _("run {command}").format(command=again))
    except Exception as exc:  # a connector bug must not hide the other checks
        return _account_check(account, WARNING, _("cannot check now: {reason}").format(reason=type(exc).__name__))
    finally:
        await connector.close()
    if account.handle and info.acct != account.handle:
        return _account_check(account, PROBLEM, _("the token belongs to {acct}, not {handle}").format(
            acct=info.acct, handle=account.handle), _("run {command}").format(command=again))
    return _account_check(account, OK, _("signed in as {acct} on {server}").format(acct=info.acct,
                                                                                  server=account.server))


def check_accounts(accounts: list, tokens: dict | None) -> list[Check]:
    if tokens is None:
        return [_account_check(a, WARNING, _("not checked: the credentials file cannot be read"))
                if not a.offline else _account_check(a, OK, _("offline account (no connection)"))
                for a in accounts]
    checks: dict[str, Check] = {}
    jobs = []
    for account in accounts:
        token = tokens.get(account.name)
        if account.offline:  # by design: no token to check, nothing to connect to
            checks[account.name] = _account_check(account, OK, _("offline account (no connection): sync leaves it"
                                                                 " idle, its operations wait in the outbox"))
        elif not token:
            command = f"cmtui account add {account.platform} {account.name} --instance {account.server}"  # i18n: not shown
            checks[account.name] = _account_check(account, PROBLEM, _("no token in the credentials file"),
                                                  _("run {command}").format(command=command))
        else:
            jobs.append((account, token))

    async def verify_all():
        return await asyncio.gather(*(_verify(a, t) for a, t in jobs))

    if jobs:
        for (account, _token), result in zip(jobs, asyncio.run(verify_all())):
            checks[account.name] = result
    return [checks[a.name] for a in accounts]


def check_outbox(store: Store) -> Check:
    from cmtui.model import parse_iso, utcnow

    counts = store.outbox.counts()
    offline = {a.name for a in store.accounts.list() if a.offline}
    waiting = store.outbox.list(("pending", "sending"))
    held = sum(op["account"] in offline for op in waiting)  # they wait by design: not stale
    oldest = min((op["created_at"] for op in waiting if op["account"] not in offline), default=None)
    detail = _("{failed} failed, {waiting} waiting").format(failed=l10n.number(counts["failed"]),
                                                           waiting=l10n.number(len(waiting)))
    if held:
        detail += " " + _("({n} for offline accounts)").format(n=l10n.number(held))
    if oldest:
        detail += " " + _("(oldest since {when})").format(when=oldest)
    if counts["failed"]:
        return Check("outbox", WARNING, detail, _("see cmtui outbox list; retry or drop them in the TUI"))
    if oldest and utcnow() - parse_iso(oldest) > STALE_PENDING:
        return Check("outbox", WARNING, detail, _("is sync running? cmtui sync --once"))
    return Check("outbox", OK, detail)


def run_checks(path: Path) -> list[Check]:
    from cmtui.store import Store

    checks, conn = check_database(path)
    checks.append(check_disk(path))
    settings_check, _settings = check_settings()
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
    from cmtui.commands.output import json_language
    from cmtui.text import display_width

    with json_language(args.json):  # --json: every detail in English, as scripts read it
        checks = run_checks(path)
    if args.json:
        print(json.dumps([c.as_json() for c in checks], indent=2, ensure_ascii=False))
    else:
        width = max(display_width(c.name) for c in checks)
        status_width = max(8, *(display_width(shown(DOCTOR_STATUS, status)) for status in (OK, WARNING, PROBLEM)))
        for check in checks:
            print(check.line(width, status_width))
    return 1 if any(c.status == PROBLEM for c in checks) else 0
