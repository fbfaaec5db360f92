"""Command-line entry point: parses arguments, builds settings and the store, runs a command.

Errors meant for the user end as one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from cmtui import __version__
from cmtui.errors import CmtuiError, StoreError
from cmtui.sync.connectors import PLATFORMS


def _db_option(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # On subparsers the default is SUPPRESS so that "--db" given before the subcommand
    # is not overwritten by the subparser's default.
    parser.add_argument("--db", metavar="PATH", type=Path,
                        default=None if top else argparse.SUPPRESS,
                        help="database file (default: $CMTUI_DB, else cmtui.db in the user data directory)")


def _json_option(parser: argparse.ArgumentParser, what: str = "a JSON array") -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} on stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cmtui", description="A keyboard-driven terminal workspace for online community managers."
    )
    parser.add_argument("--version", action="version", version=f"cmtui {__version__}")
    _db_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="open the TUI on the demo community (its own database)")
    demo.add_argument("--db", metavar="PATH", type=Path, default=argparse.SUPPRESS,
                      help="the demo database file (default: demo.db in the user data directory;"
                           " never the database of $CMTUI_DB or cmtui.db)")
    demo.add_argument("--reset", action="store_true", help="rebuild the demo database from data/")

    gen = sub.add_parser("generate", help="write a synthetic community for scale tests (no TUI)")
    _db_option(gen)
    gen.add_argument("--items", type=int, required=True, metavar="N", help="number of inbox items")
    gen.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)

    inbox = sub.add_parser("inbox", help="the inbox of items to answer")
    _db_option(inbox)
    inbox_sub = inbox.add_subparsers(dest="action", metavar="ACTION", required=True)
    ilist = inbox_sub.add_parser("list", help="list inbox items (default: new and open)")
    _db_option(ilist)
    ilist.add_argument("--state", choices=["new", "open", "snoozed", "done", "all"])
    ilist.add_argument("--search", metavar="Q",
                       help="search text and authors (the last word a prefix); filters: from:NAME label:X"
                            " lang:XX is:question state:S kind:K assigned:NAME")
    ilist.add_argument("--limit", type=int, metavar="N")
    _json_option(ilist)
    idone = inbox_sub.add_parser("done", help="mark an item done (archive it)")
    _db_option(idone)
    idone.add_argument("item_id", metavar="ITEM_ID")
    ireply = inbox_sub.add_parser("reply", help="queue a reply (sent by the next sync)")
    _db_option(ireply)
    ireply.add_argument("item_id", metavar="ITEM_ID")
    ireply.add_argument("text", metavar="TEXT")

    cal = sub.add_parser("calendar", help="the content calendar")
    _db_option(cal)
    cal_sub = cal.add_subparsers(dest="action", metavar="ACTION", required=True)
    clist = cal_sub.add_parser("list", help="list calendar entries (default: from today on, and undated ones)")
    _db_option(clist)
    clist.add_argument("--from", dest="from_", metavar="DATE")
    clist.add_argument("--to", metavar="DATE")
    _json_option(clist)
    cexport = cal_sub.add_parser("export", help="write every calendar entry as iCalendar, CSV or JSON")
    _db_option(cexport)
    cexport.add_argument("--format", required=True, choices=["ics", "csv", "json"])
    cexport.add_argument("-o", "--output", metavar="FILE", type=Path,
                         help="write to FILE (replaced atomically if it exists) instead of stdout")
    cimport = cal_sub.add_parser("import", help="add or update calendar entries from a .csv, .ics or .json file")
    _db_option(cimport)
    cimport.add_argument("file", metavar="FILE", type=Path)

    post = sub.add_parser("post", help="posts for the content calendar")
    _db_option(post)
    post_sub = post.add_subparsers(dest="action", metavar="ACTION", required=True)
    padd = post_sub.add_parser("add", help="add a post: published at the next sync, or at --at, or kept as a draft")
    _db_option(padd)
    padd.add_argument("text", metavar="TEXT")
    padd.add_argument("--account", required=True, metavar="NAME", help="the account it goes to")
    padd.add_argument("--at", metavar="WHEN",
                      help="when to publish, in the settings' timezone (2026-12-01 09:30, 'tomorrow 9:00', 'fri 18:30')")
    padd.add_argument("--draft", action="store_true", help="keep it as a draft in the calendar")

    mod = sub.add_parser("moderation", help="the moderation queue and its audit log")
    _db_option(mod)
    mod_sub = mod.add_subparsers(dest="action", metavar="ACTION", required=True)
    mlist = mod_sub.add_parser("list", help="the moderation queue: flagged items and platform reports")
    _db_option(mlist)
    _json_option(mlist)
    mact = mod_sub.add_parser("act", help="decide on a flagged item (platform actions go through the outbox)")
    _db_option(mact)
    mact.add_argument("item_id", metavar="ITEM_ID", help="an inbox item id (rN: an instance report)")
    mact.add_argument("decision", choices=["approve", "hide", "mute", "block", "report"])
    mact.add_argument("--comment", metavar="TEXT", default="", help="why (kept in the audit log; sent with a report)")
    mact.add_argument("--all-items", action="store_true",
                      help="hide, mute, block: also every other open item of the author on that account"
                           " (they leave the queue and the inbox)")
    mlog = mod_sub.add_parser("log", help="the audit log of moderation actions")
    _db_option(mlog)
    _json_option(mlog)

    outbox = sub.add_parser("outbox", help="operations waiting to reach a platform")
    _db_option(outbox)
    out_sub = outbox.add_subparsers(dest="action", metavar="ACTION", required=True)
    olist = out_sub.add_parser("list", help="list outbox operations")
    _db_option(olist)
    _json_option(olist)

    account = sub.add_parser("account", help="platform accounts")
    _db_option(account)
    acc_sub = account.add_subparsers(dest="action", metavar="ACTION", required=True)
    aadd = acc_sub.add_parser("add", help="add an account, verifying its token first")
    _db_option(aadd)
    aadd.add_argument("platform", choices=PLATFORMS)
    aadd.add_argument("name", metavar="NAME")
    aadd.add_argument("--instance", required=True, metavar="URL")
    aadd.add_argument("--token-env", metavar="VAR",
                      help="read the token from this environment variable (else: OAuth in the browser)")
    alist = acc_sub.add_parser("list", help="list accounts and their sync state")
    _db_option(alist)
    _json_option(alist)
    aremove = acc_sub.add_parser("remove", help="remove an account, its token and its items")
    _db_option(aremove)
    aremove.add_argument("name", metavar="NAME")

    metrics = sub.add_parser("metrics", help="growth, engagement, response times, best times, goals; a report")
    _db_option(metrics)
    _json_option(metrics, "a JSON object")
    metrics.add_argument("--days", default="30", metavar="N", help="the range: 7, 30, 90 (any 1-365; default 30)")
    metrics.add_argument("--account", metavar="NAME", help="only this account (default: all)")
    metrics.add_argument("--export", metavar="FILE", type=Path,
                         help="write a community-management report: .md (Markdown) or .csv (metric,scope,value)")
    metrics_sub = metrics.add_subparsers(dest="action", metavar="ACTION")
    goal = metrics_sub.add_parser("goal", help="objectives with a target and a due date")
    _db_option(goal)
    goal_sub = goal.add_subparsers(dest="goal_action", metavar="ACTION", required=True)
    gadd = goal_sub.add_parser("add", help="add a goal")
    _db_option(gadd)
    gadd.add_argument("name", metavar="NAME")
    gadd.add_argument("--metric", required=True, metavar="M",
                      help="followers_growth_pct, median_response_minutes, posts_per_week, response_rate_pct,"
                           " inbox_zero_mon .. inbox_zero_sun")
    gadd.add_argument("--target", required=True, metavar="N", help="the number to reach")
    gadd.add_argument("--by", required=True, metavar="DATE", help="due date, YYYY-MM-DD")
    gadd.add_argument("--account", metavar="A", help="one account (default: all)")
    glist = goal_sub.add_parser("list", help="goals with progress and forecast")
    _db_option(glist)
    _json_option(glist)
    gremove = goal_sub.add_parser("remove", help="remove a goal")
    _db_option(gremove)
    gremove.add_argument("goal_id", metavar="ID")

    doctor = sub.add_parser("doctor", help="check the database, settings, credentials and each account's connection")
    _db_option(doctor)
    _json_option(doctor)

    sync = sub.add_parser("sync", help="run the sync loop headless")
    _db_option(sync)
    sync.add_argument("--once", action="store_true",
                      help="one full pass; exit 0 if every account synced, 1 if any failed")
    sync.add_argument("--account", metavar="NAME", help="only this account")
    return parser


def _resolve_db(args) -> tuple[Path, bool]:
    """The database path and whether it is a default location (whose folder we may create)."""
    from cmtui import config

    if args.db is not None:
        return args.db.expanduser(), False
    return config.default_db_path(), True


# Commands that only read the database: they still work on a file cmtui cannot write.
READING_COMMANDS = {("inbox", "list"), ("calendar", "list"), ("calendar", "export"), ("outbox", "list"),
                    ("account", "list"), ("moderation", "list"), ("moderation", "log")}


def _reads_only(args) -> bool:
    if args.command == "metrics":  # the report and goal list read; goal add/remove write
        return getattr(args, "goal_action", "list") == "list"
    return (args.command, getattr(args, "action", None)) in READING_COMMANDS


# Commands that may start a new database (the TUI is args.command None); the others need
# data to work on, and a missing file means a wrong --db or $CMTUI_DB, not a new community.
CREATING_COMMANDS = {(None, None), ("account", "add"), ("calendar", "import"), ("metrics", "goal", "add")}


def _creates(args) -> bool:
    key = (args.command, getattr(args, "action", None))
    return key in CREATING_COMMANDS or (*key, getattr(args, "goal_action", None)) in CREATING_COMMANDS


def _open_store(path: Path, create_parent: bool, read_only_ok: bool = False, may_create: bool = True):
    """The store, and whether its database is new (created now)."""
    from cmtui.store import Store
    from cmtui.store.db import connect

    new = not path.exists() or (path.is_file() and path.stat().st_size == 0)
    if new and not may_create:
        raise StoreError(f"no database at {path}" + (" (the file is empty)" if path.exists() else "")
                         + ": give --db (or $CMTUI_DB), or start one with 'cmtui' or 'cmtui account add'"
                         " ('cmtui demo' has its own)")
    if create_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(connect(path, read_only_ok=read_only_ok), path)
    if new:  # a new user's database starts with the saved replies and moderation rules in data/
        from cmtui.moderation.toml_io import seed_rules
        from cmtui.saved_replies import seed

        for starter in (seed, seed_rules):  # (the rules all off: each is enabled after a dry-run)
            try:
                starter(store)
            except CmtuiError:
                pass  # a convenience: a missing data folder must not block a first start
    return store, new


QUICK_CHECK_BYTES = 64 * 2**20


def _preflight(store) -> None:
    """A damaged page deep in the file only shows when something reads it: inside the TUI
    that is a crash screen. Below QUICK_CHECK_BYTES (a fraction of a second to check) find
    it now, while the terminal is still ours to print one line on."""
    import os

    from cmtui.store.db import check_summary, describe_error

    if store.path is None or os.path.getsize(store.path) > QUICK_CHECK_BYTES:
        return
    try:
        found = store.conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(describe_error(exc, store.path)) from None
    if found != "ok":
        raise StoreError(f"database {store.path} is damaged ({check_summary(found)}); run 'cmtui doctor', "
                         "or restore it from a backup")


def run_tui(store, settings, *, sync: bool = True) -> int:
    from cmtui.tui.app import CmtuiApp

    _preflight(store)

    engine = None
    if sync:
        from cmtui.config import Credentials

        credentials = Credentials()
        accounts = store.accounts.list()
        connected = [a for a in accounts if not a.offline]
        if connected:
            credentials.check()  # before the TUI takes the terminal
        # Offline accounts need no token: the engine's pass says they are offline and moves on.
        if len(connected) < len(accounts) or any(credentials.get(a.name) for a in connected):
            from cmtui.sync.engine import SyncEngine

            engine = SyncEngine(store, settings, credentials, timeout=float(settings.http_timeout_seconds))
    CmtuiApp(store, settings, engine=engine).run()
    return 0


def _dispatch(args, parser: argparse.ArgumentParser) -> int:
    from cmtui import config

    if args.command == "doctor":  # before the settings and the store: it reports on both
        from cmtui.commands.doctor import doctor_command

        path, _ = _resolve_db(args)
        args.db_path = path
        return doctor_command(path, args)
    settings = config.load_settings()
    if args.command == "demo":
        from cmtui.demo import open_demo

        return open_demo(args, settings)
    if args.command == "generate":
        from cmtui.generate import generate_command

        return generate_command(args)
    path, default = _resolve_db(args)
    args.db_path = path  # named by main() in a message about an error on this file
    existed = path.exists()  # an empty file is "new" to the store, but it is the user's: never removed
    store, new = _open_store(path, default, read_only_ok=_reads_only(args), may_create=_creates(args))
    code = 2
    try:
        settings = config.with_database_settings(settings, store.database_settings(), path)
        if args.command is None:
            if new:
                print(f"cmtui: new database at {path}", file=sys.stderr)
            code = run_tui(store, settings)
        else:
            code = _command(args, store, settings)
        return code
    finally:
        store.close()
        if new and args.command is not None:  # a command that failed leaves no new file behind
            if code == 0:
                print(f"cmtui: new database at {path}", file=sys.stderr)  # stderr: not what scripts read
            elif not existed:
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)


def _command(args, store, settings) -> int:
    from cmtui.commands import lists

    action = getattr(args, "action", None)
    if (args.command, action) == ("inbox", "list"):
        return lists.inbox_list(store, args)
    if (args.command, action) == ("inbox", "reply"):
        from cmtui.commands.inbox import inbox_reply

        return inbox_reply(store, args)
    if (args.command, action) == ("inbox", "done"):
        from cmtui.commands.inbox import inbox_done

        return inbox_done(store, settings, args)
    if (args.command, action) == ("calendar", "list"):
        return lists.calendar_list(store, settings, args)
    if (args.command, action) == ("calendar", "export"):
        from cmtui.commands.calendar_files import calendar_export

        return calendar_export(store, settings, args)
    if (args.command, action) == ("calendar", "import"):
        from cmtui.commands.calendar_files import calendar_import

        return calendar_import(store, settings, args)
    if (args.command, action) == ("post", "add"):
        from cmtui.commands.posts import post_add

        return post_add(store, settings, args)
    if args.command == "moderation":
        from cmtui.commands import moderation

        if action == "list":
            return moderation.moderation_list(store, args)
        if action == "act":
            return moderation.moderation_act(store, settings, args)
        return moderation.moderation_log(store, args)
    if args.command == "metrics":
        from cmtui.commands import metrics

        return metrics.goal_command(store, args) if action == "goal" else metrics.metrics_command(store, settings, args)
    if (args.command, action) == ("outbox", "list"):
        return lists.outbox_list(store, args)
    if (args.command, action) == ("account", "list"):
        return lists.account_list(store, args)
    from cmtui.config import Credentials

    credentials = Credentials()
    credentials.check()  # a broken file: one line now, not one error per account later
    if (args.command, action) == ("account", "add"):
        from cmtui.commands.accounts import account_add

        return account_add(store, settings, credentials, args)
    if (args.command, action) == ("account", "remove"):
        from cmtui.commands.accounts import account_remove

        return account_remove(store, credentials, args)
    if args.command == "sync":
        from cmtui.commands.sync import sync_command

        return sync_command(store, settings, credentials, args)
    raise AssertionError(f"unhandled command {args.command} {action}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args, parser)
    except CmtuiError as exc:
        print(f"cmtui: {exc}", file=sys.stderr)
        return exc.exit_code
    except sqlite3.DatabaseError as exc:  # raised after opening: a damaged page, a full disk
        from cmtui.store.db import describe_error

        print(f"cmtui: {describe_error(exc, getattr(args, 'db_path', None) or 'the database')}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file the user named or owns that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cmtui: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
