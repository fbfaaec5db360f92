"""cmtui account add | remove: adding verifies the token with the platform first."""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import sys
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.model import iso, utcnow
from cmtui.sync.connectors.base import AuthError, ConnectorError, PermanentError, SignIn, TransientError

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def _ask_code(url: str) -> str:
    """The sign-in flow's prompt: where to approve cmtui, then the code the user pastes."""
    print("Open this address, sign in and approve cmtui:", file=sys.stderr)
    print(url)
    # On a terminal the user's Enter ends the prompt's line; piped, we end it ourselves.
    print("Then paste the authorization code here: ", end="" if sys.stdin.isatty() else "\n", file=sys.stderr,
          flush=True)
    return sys.stdin.readline().strip()


# Every option `account add` has beyond the platform and the name: a platform takes the ones
# its profile declares (AccountOption.dest) and refuses the others.
FLAGS = ("instance", "user", "token_env", "rooms", "support_rooms")
_PLACE_ROLES = ("places", "support_places")


def _flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _options(cls, args) -> dict[str, str | None]:
    """The values of the options the connector declares, by role (server, user, token_env,
    places, support_places); a flag the platform does not take is refused."""
    declared = {option.dest for option in cls.profile.options}
    for dest in FLAGS:
        if dest not in declared and getattr(args, dest, None) is not None:
            raise InputError(f"{cls.profile.label} accounts take no {_flag(dest)}")
    values: dict[str, str | None] = {}
    for option in cls.profile.options:
        value = getattr(args, option.dest, None)
        if option.required and not value:
            raise InputError(f"{cls.profile.label} needs {_flag(option.dest)}")
        values[option.role] = value
    return values


def _names(value: str | None) -> list[str] | None:
    """A comma-separated list of places as typed (None: the flag was not given)."""
    if value is None:
        return None
    return list(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))


def _password(prompt: str) -> str:
    """Read without echo on a terminal; piped (scripts, tests), one line. Never stored."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt, stream=sys.stderr)
    return sys.stdin.readline().rstrip("\r\n")


def _sign_in(cls, token_env: str | None, server: str, user: str | None, timeout: float) -> SignIn:
    if token_env:
        secret = os.environ.get(token_env, "").strip()
        if not secret:
            raise InputError(f"environment variable {token_env} is not set or empty")
        return _awaited(cls.token_login(server, user, secret, timeout))
    if not cls.has_password_login():
        return SignIn(cls.authorize(server, timeout, _ask_code))
    if not user:
        raise InputError(f"{cls.profile.label} needs --user to sign in with a password (or --token-env)")
    password = _password(f"Password for {user}: ")
    if not password:
        raise InputError("no password given")
    return _awaited(cls.password_login(server, user, password, timeout))


def _awaited(signed):
    """A connector's sign-in may be async."""
    return asyncio.run(signed) if inspect.iscoroutine(signed) else signed


async def _verify(platform: str, server: str, token: str, timeout: float, wanted: dict[str, list[str]]):
    """The account's details and limits, and the places the user named as ids (each one the
    account is in: else one clear line)."""
    from cmtui.sync.connectors import connector_for

    connector = connector_for(platform, server, token, timeout=timeout)
    try:
        info = await connector.verify()
        limits = await connector.limits()
        chosen: dict[str, list[str]] = {}
        for role, names in wanted.items():
            try:
                chosen[role] = list(dict.fromkeys([await connector.resolve_place(n) for n in names]))
            except PermanentError as exc:
                raise InputError(str(exc)) from None
        return info, limits, chosen
    finally:
        await connector.close()


def _clean(info):
    """The account's remote names, sanitised before they are printed or stored."""
    from dataclasses import replace

    from cmtui.text import sanitize

    return replace(info, acct=sanitize(info.acct, max_len=300, single_line=True),
                   display_name=sanitize(info.display_name, max_len=200, single_line=True))


def _chosen_options(previous: dict, chosen: dict[str, list[str]]) -> dict:
    """The account's options after this `account add`: a flag given replaces its list (empty:
    every place counts again), one not given keeps it. Support places always count."""
    options = dict(previous)
    for role, ids in chosen.items():
        if ids:
            options[role] = ids
        else:
            options.pop(role, None)
    if options.get("places"):
        options["places"] = list(dict.fromkeys([*options["places"], *options.get("support_places", [])]))
    return options


def _input_error(cls, server: str, options: dict, exc: Exception) -> Exception:
    """The one line a failed sign-in or check gives (other errors pass unchanged)."""
    if isinstance(exc, AuthError):
        return InputError(f"the token was refused: {exc}" if options.get("token_env") else str(exc))
    if isinstance(exc, PermanentError) and exc.status == 404:
        return InputError(cls.not_this_platform(server, "no account API"))
    if isinstance(exc, TransientError) and str(exc).startswith("malformed"):
        return InputError(cls.not_this_platform(server, str(exc)))
    if isinstance(exc, ConnectorError):
        return InputError(str(exc))
    return exc


def account_add(store: Store, settings: Settings, credentials, args) -> int:
    from cmtui.sync.connectors import connector_class

    cls = connector_class(args.platform)
    if not _NAME.match(args.name):
        raise InputError(f"'{args.name}' is not a usable account name (letters, digits, . _ -; up to 40)")
    options = _options(cls, args)
    server = cls.normalize_server(options.get("server") or "")
    given_user = options.get("user")
    user = cls.normalize_user(given_user) if given_user is not None else None
    wanted = {role: names for role in _PLACE_ROLES if (names := _names(options.get(role))) is not None}
    existing = store.accounts.get(args.name)
    if existing is not None and (existing.platform, existing.server) != (args.platform, server):
        raise InputError(f"an account named '{args.name}' already exists on {existing.server} "
                         f"(cmtui account remove {args.name} first, or choose another name)")
    timeout = float(settings.http_timeout_seconds)
    signed: SignIn | None = None
    try:
        signed = _sign_in(cls, options.get("token_env"), server, user, timeout)
        info, limits, chosen = asyncio.run(_verify(args.platform, server, signed.token, timeout, wanted))
        info = _clean(info)
        if user is not None and user not in (info.acct, info.remote_id):
            raise InputError(f"that token belongs to {info.acct}, not {user}")
        if existing is not None and existing.handle and existing.handle != info.acct:
            raise InputError(f"that token belongs to {info.acct}, but '{args.name}' is {existing.handle}")
    except Exception as exc:
        if signed is not None:
            cls.sign_out(server, signed, timeout)  # a session made for an account not added
        raise _input_error(cls, server, options, exc) from None
    if existing is not None:
        # The same account again: a new token (signed in again, or the old one revoked), and
        # the places chosen now.
        with store.transaction():
            store.accounts.set_options(existing.id, _chosen_options(existing.options, chosen))
            store.accounts.set_sync_state(existing.id, "idle", None)
        credentials.keep(args.name, signed)
        print(f"signed in again as {info.acct}: new token saved for {args.name}")
        return 0
    previous = credentials.sign_in(args.name)
    credentials.keep(args.name, signed)  # the token goes to the credentials file only
    try:
        limits_json = limits.to_json() | {"checked_at": iso(utcnow())}
        with store.transaction():
            account = store.accounts.add(args.name, args.platform, server, handle=info.acct,
                                         display_name=info.display_name, remote_account_id=info.remote_id,
                                         limits=limits_json, is_admin=info.is_admin)
            options = _chosen_options({}, chosen)
            if options:
                store.accounts.set_options(account.id, options)
            store.ingest.follower_snapshot(account.id, info)
    except BaseException:
        if previous:
            credentials.keep(args.name, previous)
        else:
            credentials.remove(args.name)
        cls.sign_out(server, signed, timeout)
        raise
    admin = ", admin" if info.is_admin else ""
    places = f", {_counted(cls.profile.place_label, options)}" if options.get("places") else ""
    print(f"added {args.name}: {info.acct} on {server} ({info.followers:,} followers{admin}{places})")
    return 0


def _counted(label: str, options: dict) -> str:
    places, support = len(options.get("places", [])), len(options.get("support_places", []))
    words = f"{places} {label or 'place'}{'s' if places != 1 else ''}"
    return words + (f" ({support} for support)" if support else "")


def account_remove(store: Store, credentials, args) -> int:
    account = store.accounts.require(args.name)
    items = store.inbox.count_for_account(account.id)
    pending = sum(1 for op in store.outbox.list(("pending", "sending")) if op["account"] == account.name)
    store.accounts.remove(account.name)
    credentials.remove(account.name)
    note = f"; {pending} unsent operation(s) dropped" if pending else ""
    print(f"removed {account.name} and its {items:,} inbox item(s){note}")
    return 0
