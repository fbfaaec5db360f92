"""Command-line entry point: parses arguments, builds settings and the store, runs a command.

Errors meant for the user end as one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from cmtui import __version__
from cmtui.errors import CmtuiError, StoreError
from cmtui.i18n import _
from cmtui.sync.connectors import PLATFORMS

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def _db_option(parser: argparse.ArgumentParser, top: bool = False) -> None:
    # On subparsers the default is SUPPRESS so that "--db" given before the subcommand
    # is not overwritten by the subparser's default.
    parser.add_argument("--db", metavar="PATH", type=Path,
                        default=None if top else argparse.SUPPRESS,
                        help=_("database file (default: $CMTUI_DB, else cmtui.db in the user data directory)"))


def _json_option(parser: argparse.ArgumentParser, one_object: bool = False) -> None:
    parser.add_argument("--json", action="store_true",
                        help=_("print a JSON object on stdout") if one_object else _("print a JSON array on stdout"))


def _as_option(parser: argparse.ArgumentParser) -> None:
    """--as NAME: the decision is recorded for a teammate (only with act_for_others = true)."""
    parser.add_argument("--as", dest="as_", metavar="NAME",
                        help=_("record it as done by this teammate (the settings must allow acting for others)"))


@dataclass(frozen=True)
class Run:
    """A command on the database: target is 'module:function', imported when it runs
    (start-up pays for one command only) and called with the values named in uses (store,
    settings, credentials), then args."""

    target: str
    uses: tuple[str, ...] = ("store",)

    def __call__(self, args, store: Store, settings: Settings) -> int:
        values = {"store": store, "settings": settings}
        if "credentials" in self.uses:
            values["credentials"] = _credentials()
        module, _sep, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)(*(values[u] for u in self.uses), args)


def _command(parser: argparse.ArgumentParser, func: Callable[..., int], *, reads_only: bool = False,
             creates: bool = False, own_file: bool = False) -> None:
    """What a (sub)command runs, declared beside its arguments. reads_only: it still works on
    a database cmtui cannot write; creates: it may start a new database (the others need
    data to work on, and a missing file means a wrong --db or $CMTUI_DB); own_file: it opens
    no store, the function takes args alone. Every flag is set on every command: a
    subparser's defaults replace the top level's ones only where it sets them."""
    parser.set_defaults(func=func, reads_only=reads_only, creates=creates, own_file=own_file)


class _InOrder(argparse.Action):
    """Options whose order matters (--media PATH --alt TEXT ...): kept as (option, value)
    pairs in one list, for the command to pair up and check."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, [*getattr(namespace, self.dest, []), (option_string, values)])


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the language chosen (cli._choose_language runs first)."""
    from cmtui.cli_argparse import use_catalog

    use_catalog()  # argparse's own words ("usage: ", "invalid choice: …") too
    parser = argparse.ArgumentParser(
        prog="cmtui", description=_("A keyboard-driven terminal workspace for online community managers.")
    )
    parser.add_argument("--version", action="version", version=f"cmtui {__version__}",
                        help=_("show program's version number and exit"))
    _db_option(parser, top=True)
    _command(parser, _tui, creates=True)  # no COMMAND: the TUI
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help=_("open the TUI on the demo community (its own database)"))
    demo.add_argument("--db", metavar="PATH", type=Path, default=argparse.SUPPRESS,
                      help=_("the demo database file (default: demo.db in the user data directory;"
                           " never the database of $CMTUI_DB or cmtui.db)"))
    demo.add_argument("--reset", action="store_true", help=_("rebuild the demo database from data/"))
    _command(demo, _demo, own_file=True)

    gen = sub.add_parser("generate", help=_("write a synthetic community for scale tests (no TUI)"))
    _db_option(gen)
    gen.add_argument("--items", type=int, required=True, metavar="N", help=_("number of inbox items"))
    gen.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    _command(gen, _generate, own_file=True)

    inbox = sub.add_parser("inbox", help=_("the inbox of items to answer"))
    _db_option(inbox)
    inbox_sub = inbox.add_subparsers(dest="action", metavar="ACTION", required=True)
    ilist = inbox_sub.add_parser("list", help=_("list inbox items (default: new and open)"))
    _db_option(ilist)
    ilist.add_argument("--state", choices=["new", "open", "snoozed", "done", "all"])
    ilist.add_argument("--search", metavar="Q",
                       help=_("search text and authors (the last word a prefix); filters: from:NAME label:X"
                            " lang:XX is:question state:S kind:K assigned:NAME"))
    ilist.add_argument("--limit", type=int, metavar="N")
    ilist.add_argument("--assigned", metavar="NAME", help=_("only items assigned to NAME (me: to you)"))
    _json_option(ilist)
    _command(ilist, Run("cmtui.commands.lists:inbox_list", ("store", "settings")), reads_only=True)
    idone = inbox_sub.add_parser("done", help=_("mark an item done (archive it)"))
    _db_option(idone)
    idone.add_argument("item_id", metavar="ITEM_ID")
    _as_option(idone)
    _command(idone, Run("cmtui.commands.inbox:inbox_done", ("store", "settings")))
    ireply = inbox_sub.add_parser("reply", help=_("queue a reply (sent by the next sync)"))
    _db_option(ireply)
    ireply.add_argument("item_id", metavar="ITEM_ID")
    ireply.add_argument("text", metavar="TEXT")
    ireply.add_argument("--again", action="store_true",
                        help=_("send it even though a teammate answered the item or is replying to it"))
    _as_option(ireply)
    _command(ireply, Run("cmtui.commands.inbox:inbox_reply", ("store", "settings")))
    for name, helps in (("like", _("like an item as its platform does; queued, sent by the next sync")),
                        ("boost", _("share an item with the account's followers as its platform does; queued,"
                                    " sent by the next sync"))):
        ireact = inbox_sub.add_parser(name, help=helps)
        _db_option(ireact)
        ireact.add_argument("item_id", metavar="ITEM_ID")
        ireact.add_argument("--undo", action="store_true", help=_("take it back"))
        _as_option(ireact)
        _command(ireact, Run(f"cmtui.commands.inbox:inbox_{name}", ("store", "settings")))

    cal = sub.add_parser("calendar", help=_("the content calendar"))
    _db_option(cal)
    cal_sub = cal.add_subparsers(dest="action", metavar="ACTION", required=True)
    clist = cal_sub.add_parser("list", help=_("list calendar entries (default: from today on, and undated ones)"))
    _db_option(clist)
    clist.add_argument("--from", dest="from_", metavar="DATE")
    clist.add_argument("--to", metavar="DATE")
    from cmtui.model import EntryStatus

    clist.add_argument("--status", choices=[s.value for s in EntryStatus],
                       help=_("only entries in this status; needs_approval without --from lists every entry waiting,"
                              " whatever its date"))
    _json_option(clist)
    _command(clist, Run("cmtui.commands.lists:calendar_list", ("store", "settings")), reads_only=True)
    cexport = cal_sub.add_parser("export", help=_("write every calendar entry as iCalendar, CSV or JSON"))
    _db_option(cexport)
    cexport.add_argument("--format", required=True, choices=["ics", "csv", "json"])
    cexport.add_argument("-o", "--output", metavar="FILE", type=Path,
                         help=_("write to FILE (replaced atomically if it exists) instead of stdout"))
    _command(cexport, Run("cmtui.commands.calendar_files:calendar_export", ("store", "settings")), reads_only=True)
    cimport = cal_sub.add_parser("import", help=_("add or update calendar entries from a .csv, .ics or .json file"))
    _db_option(cimport)
    cimport.add_argument("file", metavar="FILE", type=Path)
    cimport.add_argument("--create-accounts", action="store_true",
                         help=_("create each account the file names that the database lacks, offline (to plan for;"
                              " its platform from the file's platform field, else the default)"))
    _command(cimport, Run("cmtui.commands.calendar_files:calendar_import", ("store", "settings")), creates=True)

    post = sub.add_parser("post", help=_("posts for the content calendar"))
    _db_option(post)
    post_sub = post.add_subparsers(dest="action", metavar="ACTION", required=True)
    padd = post_sub.add_parser("add", help=_("add a post: published at the next sync, or at --at, or kept as a draft"))
    _db_option(padd)
    padd.add_argument("text", metavar="TEXT")
    padd.add_argument("--account", required=True, metavar="NAME", help=_("the account it goes to"))
    padd.add_argument("--at", metavar="WHEN",
                      help=_("when to publish, in the settings' timezone (2026-12-01 09:30, 'tomorrow 9:00', 'fri 18:30')"))
    padd.add_argument("--draft", action="store_true", help=_("keep it as a draft in the calendar"))
    padd.add_argument("--place", metavar="NAME", help=_("where it goes on platforms that post to places (a room):"
                      " its name or id (default: the account's only place that is neither a support place nor a"
                      " direct chat)"))
    padd.add_argument("--media", dest="media_args", action=_InOrder, metavar="PATH", default=[],
                      help=_("an image to attach (PNG, JPEG, GIF, WebP), copied beside the database; repeatable"))
    padd.add_argument("--alt", dest="media_args", action=_InOrder, metavar="TEXT", default=[],
                      help=_("the alt text of the --media just before it (required unless media_alt_required = false)"))
    padd.add_argument("--thread", action="store_true",
                      help=_("publish TEXT as a thread: its parts are separated by a line holding only ---, each"
                      " checked against the account's limit and posted as a reply to the one before (without"
                      " --thread a --- line is just text)"))
    padd.add_argument("--as", dest="as_", metavar="NAME",
                      help=_("record a teammate as its author (only where act_for_others = true)"))
    _command(padd, Run("cmtui.commands.posts:post_add", ("store", "settings")))
    for name, helps in (("submit", _("ask for approval of a post (an idea, draft, failed or cancelled one)")),
                        ("approve", _("approve a post waiting for approval (approvers only)")),
                        ("reject", _("send a post back to draft, saying why (approvers only)"))):
        pact = post_sub.add_parser(name, help=helps)
        _db_option(pact)
        pact.add_argument("entry_id", metavar="ID", help=_("the calendar entry's id"))
        pact.add_argument("--comment", metavar="TEXT", required=name == "reject",
                          help=_("why: kept with the decision in the entry's history"))
        pact.add_argument("--as", dest="as_", metavar="NAME",
                          help=_("record a teammate as the one acting (only where act_for_others = true)"))
        _command(pact, Run(f"cmtui.commands.posts:post_{name}", ("store", "settings")))

    mod = sub.add_parser("moderation", help=_("the moderation queue and its audit log"))
    _db_option(mod)
    mod_sub = mod.add_subparsers(dest="action", metavar="ACTION", required=True)
    mlist = mod_sub.add_parser("list", help=_("the moderation queue: flagged items and platform reports"))
    _db_option(mlist)
    _json_option(mlist)
    _command(mlist, Run("cmtui.commands.moderation:moderation_list"), reads_only=True)
    mact = mod_sub.add_parser("act", help=_("decide on a flagged item (platform actions go through the outbox)"))
    _db_option(mact)
    mact.add_argument("item_id", metavar="ITEM_ID", help=_("an inbox item id (rN: an instance report)"))
    mact.add_argument("decision", choices=["approve", "hide", "mute", "block", "report", "kick", "ban", "unban"])
    mact.add_argument("--comment", metavar="TEXT", default="", help=_("why (kept in the audit log; sent with a report)"))
    mact.add_argument("--all-items", action="store_true",
                      help=_("hide, mute, block: also every other open item of the author on that account"
                           " (they leave the queue and the inbox)"))
    mact.add_argument("--as", dest="as_name", metavar="NAME",
                      help=_("record the decision as a teammate's (only where act_for_others = true)"))
    _command(mact, Run("cmtui.commands.moderation:moderation_act", ("store", "settings")))
    mlog = mod_sub.add_parser("log", help=_("the audit log of moderation actions"))
    _db_option(mlog)
    _json_option(mlog)
    _command(mlog, Run("cmtui.commands.moderation:moderation_log"), reads_only=True)
    _rules_parsers(mod_sub)

    outbox = sub.add_parser("outbox", help=_("operations waiting to reach a platform"))
    _db_option(outbox)
    out_sub = outbox.add_subparsers(dest="action", metavar="ACTION", required=True)
    olist = out_sub.add_parser("list", help=_("list outbox operations"))
    _db_option(olist)
    _json_option(olist)
    _command(olist, Run("cmtui.commands.lists:outbox_list"), reads_only=True)

    team = sub.add_parser("team", help=_("the team on this database: who is on it, who approves, what each has open"))
    _db_option(team)
    team_sub = team.add_subparsers(dest="action", metavar="ACTION", required=True)
    tlist = team_sub.add_parser("list", help=_("the team: approvers, open items assigned to each, who is busy now,"
                                " the approval rule"))
    _db_option(tlist)
    _json_option(tlist, one_object=True)
    _command(tlist, Run("cmtui.commands.team:team_list", ("store", "settings")), reads_only=True)
    tset = team_sub.add_parser("set", help=_("store a team setting in the database, for everyone who uses it"))
    _db_option(tset)
    tset.add_argument("name", metavar="NAME", help=_("teammates, approvers (names, comma-separated), approval"
                      " (any, other, off) or act_for_others (on, off)"))
    tset.add_argument("value", metavar="VALUE")
    _command(tset, Run("cmtui.commands.team:team_set", ("store", "settings")))

    account = sub.add_parser("account", help=_("platform accounts"))
    _db_option(account)
    acc_sub = account.add_subparsers(dest="action", metavar="ACTION", required=True)
    aadd = acc_sub.add_parser("add", help=_("add an account, verifying its token first (or --offline: plan for it,"
                              " connect it later by adding it again)"))
    _db_option(aadd)
    aadd.add_argument("platform", choices=PLATFORMS)
    aadd.add_argument("name", metavar="NAME")
    aadd.add_argument("--instance", metavar="URL", help=_("the account's server (optional with --offline)"))
    aadd.add_argument("--offline", action="store_true",
                      help=_("an account to plan for: no connection, no token, nothing sent until it is connected"))
    aadd.add_argument("--token-env", metavar="VAR",
                      help=_("read the token from this environment variable, or the app password on platforms"
                           " that sign in with one (it is exchanged for a session; only the session's tokens"
                           " are kept); else: the platform's sign-in, OAuth in the browser or a password read"
                           " without echo"))
    aadd.add_argument("--user", metavar="ID",
                      help=_("the account's own user id or handle, on platforms that sign in as a user"
                           " (@me:server, me.example.org)"))
    aadd.add_argument("--rooms", metavar="A,B",
                      help=_("only these rooms (or channels) count, by id or alias (default: every joined one;"
                           " '' again: every one)"))
    aadd.add_argument("--support-rooms", metavar="C,D",
                      help=_("rooms whose every new top-level message is a question for the inbox"))
    _command(aadd, Run("cmtui.commands.accounts:account_add", ("store", "settings", "credentials")), creates=True)
    alist = acc_sub.add_parser("list", help=_("list accounts and their sync state"))
    _db_option(alist)
    _json_option(alist)
    _command(alist, Run("cmtui.commands.lists:account_list"), reads_only=True)
    aremove = acc_sub.add_parser("remove", help=_("remove an account, its token and its items"))
    _db_option(aremove)
    aremove.add_argument("name", metavar="NAME")
    _command(aremove, Run("cmtui.commands.accounts:account_remove", ("store", "credentials")))

    metrics = sub.add_parser("metrics", help=_("growth, engagement, response times, best times, goals; a report"))
    _db_option(metrics)
    _json_option(metrics, one_object=True)
    metrics.add_argument("--days", default="30", metavar="N", help=_("the range: 7, 30, 90 (any 1-365; default 30)"))
    metrics.add_argument("--account", metavar="NAME", help=_("only this account (default: all)"))
    metrics.add_argument("--export", metavar="FILE", type=Path,
                         help=_("write a community-management report: .md (Markdown) or .csv (metric,scope,value)"))
    _command(metrics, Run("cmtui.commands.metrics:metrics_command", ("store", "settings")), reads_only=True)
    metrics_sub = metrics.add_subparsers(dest="action", metavar="ACTION")
    goal = metrics_sub.add_parser("goal", help=_("objectives with a target and a due date"))
    _db_option(goal)
    goal_sub = goal.add_subparsers(dest="goal_action", metavar="ACTION", required=True)
    gadd = goal_sub.add_parser("add", help=_("add a goal"))
    _db_option(gadd)
    gadd.add_argument("name", metavar="NAME")
    gadd.add_argument("--metric", required=True, metavar="M",
                      help=_("followers_growth_pct, median_response_minutes, posts_per_week, response_rate_pct,"
                           " inbox_zero_mon .. inbox_zero_sun"))
    gadd.add_argument("--target", required=True, metavar="N", help=_("the number to reach"))
    gadd.add_argument("--by", required=True, metavar="DATE", help=_("due date, YYYY-MM-DD"))
    gadd.add_argument("--account", metavar="A", help=_("one account (default: all)"))
    _command(gadd, Run("cmtui.commands.metrics:goal_command", ("store", "settings")), creates=True)
    glist = goal_sub.add_parser("list", help=_("goals with progress and forecast"))
    _db_option(glist)
    _json_option(glist)
    _command(glist, Run("cmtui.commands.metrics:goal_command", ("store", "settings")), reads_only=True)
    gremove = goal_sub.add_parser("remove", help=_("remove a goal"))
    _db_option(gremove)
    gremove.add_argument("goal_id", metavar="ID")
    _command(gremove, Run("cmtui.commands.metrics:goal_command", ("store", "settings")))

    doctor = sub.add_parser("doctor", help=_("check the database, settings, credentials and each account's connection"))
    _db_option(doctor)
    _json_option(doctor)
    _command(doctor, _doctor, own_file=True)

    sync = sub.add_parser("sync", help=_("run the sync loop headless"))
    _db_option(sync)
    sync.add_argument("--once", action="store_true",
                      help=_("one full pass; exit 0 if every account synced, 1 if any failed"))
    sync.add_argument("--account", metavar="NAME", help=_("only this account"))
    _command(sync, Run("cmtui.commands.sync:sync_command", ("store", "settings", "credentials")))

    serve = sub.add_parser("serve", help=_("the app in a web browser, for approvers (one app process per browser tab)"))
    _db_option(serve)
    serve.add_argument("--host", default="127.0.0.1",
                       help=_("the address to listen on (default: 127.0.0.1, this machine only; any other needs"
                            " --password-env)"))
    serve.add_argument("--port", type=int, default=8000, help=_("the port to listen on (default: 8000)"))
    serve.add_argument("--password-env", metavar="VAR",
                       help=_("read the password browsers must give (HTTP Basic) from this environment variable"))
    serve.add_argument("--as", dest="as_name", metavar="NAME",
                       help=_("the teammate the browser acts as (only where act_for_others = true; default: you)"))
    _command(serve, Run("cmtui.tui.serve:serve_command", ("store", "settings")))
    return parser


def _rules_parsers(mod_sub) -> None:
    """cmtui moderation rules ...: the rules editor's decisions (cmtui/commands/rules.py)."""
    rules = mod_sub.add_parser("rules", help=_("the moderation rules: list, dry-run, switch on or off, export, import"))
    _db_option(rules)
    rules_sub = rules.add_subparsers(dest="rules_action", metavar="ACTION", required=True)
    target = "cmtui.commands.rules:rules_"
    rlist = rules_sub.add_parser("list", help=_("the rules in the order they run, with their dry-run state"))
    _db_option(rlist)
    _json_option(rlist)
    _command(rlist, Run(target + "list"), reads_only=True)
    rtest = rules_sub.add_parser("test", help=_("dry-run a rule over every stored item (nothing is acted on);"
                                 " recorded, so the rule may then be switched on"))
    _db_option(rtest)
    rtest.add_argument("name", metavar="NAME")
    rtest.add_argument("--samples", type=int, default=5, metavar="N", help=_("list up to N caught items (default 5)"))
    _json_option(rtest, one_object=True)
    _command(rtest, Run(target + "test"))
    renable = rules_sub.add_parser("enable", help=_("switch a rule on (only after a current dry-run)"))
    _db_option(renable)
    renable.add_argument("name", metavar="NAME")
    renable.add_argument("--after-dry-run", action="store_true",
                         help=_("without a current dry-run, run one first and switch the rule on once it finishes"))
    _command(renable, Run(target + "enable", ("store", "settings")))
    rdisable = rules_sub.add_parser("disable", help=_("switch a rule off"))
    _db_option(rdisable)
    rdisable.add_argument("name", metavar="NAME")
    _command(rdisable, Run(target + "disable", ("store", "settings")))
    rexport = rules_sub.add_parser("export", help=_("every rule as TOML (the rules editor's format)"))
    _db_option(rexport)
    rexport.add_argument("-o", "--output", metavar="FILE", type=Path,
                         help=_("write to FILE (replaced atomically if it exists) instead of stdout"))
    _command(rexport, Run(target + "export"), reads_only=True)
    rimport = rules_sub.add_parser("import", help=_("replace the rules with a TOML file's (all or nothing)"))
    _db_option(rimport)
    rimport.add_argument("file", metavar="FILE", type=Path)
    _command(rimport, Run(target + "import", ("store", "settings")))


def _resolve_db(args) -> tuple[Path, bool]:
    """The database path and whether it is a default location (whose folder we may create)."""
    from cmtui import config

    if args.db is not None:
        return args.db.expanduser(), False
    return config.default_db_path(), True


def _open_store(path: Path, create_parent: bool, read_only_ok: bool = False, may_create: bool = True):
    """The store, and whether its database is new (created now)."""
    from cmtui.store import Store
    from cmtui.store.db import connect

    new = not path.exists() or (path.is_file() and path.stat().st_size == 0)
    if new and not may_create:
        if path.exists():
            message = _("no database at {path} (the file is empty): give --db (or $CMTUI_DB), or start one with"
                        " 'cmtui' or 'cmtui account add' ('cmtui demo' has its own)")
        else:
            message = _("no database at {path}: give --db (or $CMTUI_DB), or start one with 'cmtui' or"
                        " 'cmtui account add' ('cmtui demo' has its own)")
        raise StoreError(message.format(path=path))
    if create_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(connect(path, read_only_ok=read_only_ok), path)
    if new:  # a new user's database starts with the saved replies and moderation rules in data/, and guidelines
        from cmtui.moderation.guidelines import seed_guidelines
        from cmtui.moderation.toml_io import seed_rules
        from cmtui.saved_replies import seed

        for starter in (seed, seed_rules, seed_guidelines):  # (rules all off: each is enabled after a dry-run)
            try:
                starter(store)
            except CmtuiError:
                pass  # a convenience: a missing data folder must not block a first start
    return store, new


QUICK_CHECK_BYTES = 64 * 2**20


def _preflight(store: Store) -> None:
    """A damaged page deep in the file only shows when something reads it: inside the TUI
    that is a crash screen. Below QUICK_CHECK_BYTES (a fraction of a second to check) find
    it now, while the terminal is still ours to print one line on."""
    import os

    from cmtui.store.db import check_summary, describe_error

    if store.path is None or os.path.getsize(store.path) > QUICK_CHECK_BYTES:
        return
    try:
        found = store.quick_check()
    except sqlite3.DatabaseError as exc:
        raise StoreError(describe_error(exc, store.path)) from None
    if found != "ok":
        raise StoreError(_("database {path} is damaged ({problem}); run 'cmtui doctor', or restore it from a"
                           " backup").format(path=store.path, problem=check_summary(found)))


def run_tui(store: Store, settings: Settings, *, sync: bool = True) -> int:
    import gc

    # Start-up allocates most of what the app keeps (Textual, the screen, its styles), and
    # the collector walked it ~140 times on the way: 30-70 ms before the first frame. The
    # app turns it back on after its first frame (CmtuiApp.on_mount); on any exit, here.
    gc.disable()
    try:
        return _run_app(store, settings, sync)
    finally:
        gc.enable()


def _run_app(store: Store, settings: Settings, sync: bool) -> int:
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


def _credentials():
    from cmtui.config import Credentials

    credentials = Credentials()
    credentials.check()  # a broken file: one line now, not one error per account later
    return credentials


def _tui(args, store: Store, settings: Settings) -> int:
    return run_tui(store, settings)


def _demo(args) -> int:
    from cmtui import config
    from cmtui.demo import open_demo

    store, settings = open_demo(args, config.load_settings())
    try:
        return run_tui(store, settings)
    finally:
        store.close()


def _generate(args) -> int:
    from cmtui import config
    from cmtui.generate import generate_command

    config.load_settings()  # a broken settings file stops it as it stops every command but doctor
    return generate_command(args)


def _doctor(args) -> int:
    from cmtui.commands.doctor import doctor_command

    # Before the settings and the store: it reports on both.
    path, _default = _resolve_db(args)
    args.db_path = path
    return doctor_command(path, args)


def _dispatch(args) -> int:
    if args.own_file:
        return args.func(args)
    from cmtui import config

    settings = config.load_settings()
    path, default = _resolve_db(args)
    args.db_path = path  # named by main() in a message about an error on this file
    existed = path.exists()  # an empty file is "new" to the store, but it is the user's: never removed
    store, new = _open_store(path, default, read_only_ok=args.reads_only, may_create=args.creates)
    code = 2
    try:
        settings = config.with_database_settings(settings, store.database_settings(), path)
        if new and args.command is None:
            _say(_("new database at {path}").format(path=path))
        code = args.func(args, store, settings)
        return code
    finally:
        store.close()
        if new and args.command is not None:  # a command that failed leaves no new file behind
            if code == 0:
                _say(_("new database at {path}").format(path=path))  # stderr: not what scripts read
            elif not existed:
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)


def _say(message: str) -> None:
    """One line for the user on stderr, after the program's name."""
    print(f"cmtui: {message}", file=sys.stderr)


def _choose_language() -> None:
    """The interface's language, before the first message (--help included)."""
    from cmtui import config, i18n

    try:
        setting = config.load_settings().language
    except CmtuiError:  # the command reports a broken settings file, in the environment's language
        setting = None
    i18n.choose(setting)


def main(argv: list[str] | None = None) -> int:
    _choose_language()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except CmtuiError as exc:
        _say(str(exc))
        return exc.exit_code
    except sqlite3.DatabaseError as exc:  # raised after opening: a damaged page, a full disk
        from cmtui.store.db import describe_error

        _say(describe_error(exc, getattr(args, "db_path", None) or _("the database")))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file the user named or owns that cannot be read or written
        _say(f"{exc.filename}: {exc.strerror or exc}" if exc.filename else str(exc.strerror or exc))
        return 2
