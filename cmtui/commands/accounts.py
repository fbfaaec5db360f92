"""cmtui account add | remove: adding verifies the token with the platform first."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.model import iso, utcnow
from cmtui.sync.connectors.base import AuthError, ConnectorError, PermanentError, TransientError

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


def _options(cls, args) -> dict[str, str | None]:
    """The values of the options the connector declares, by role (server, user, token_env)."""
    values: dict[str, str | None] = {}
    for option in cls.profile.options:
        value = getattr(args, option.dest, None)
        if option.required and not value:
            raise InputError(f"{cls.profile.label} needs --{option.dest.replace('_', '-')}")
        values[option.role] = value
    return values


def _token(cls, token_env: str | None, server: str, timeout: float) -> str:
    if token_env:
        token = os.environ.get(token_env, "").strip()
        if not token:
            raise InputError(f"environment variable {token_env} is not set or empty")
        return token
    return cls.authorize(server, timeout, _ask_code)


async def _verify(platform: str, server: str, token: str, timeout: float):
    from cmtui.sync.connectors import connector_for

    connector = connector_for(platform, server, token, timeout=timeout)
    try:
        info = await connector.verify()
        limits = await connector.limits()
        return info, limits
    finally:
        await connector.close()


def _clean(info):
    """The account's remote names, sanitised before they are printed or stored."""
    from dataclasses import replace

    from cmtui.text import sanitize

    return replace(info, acct=sanitize(info.acct, max_len=300, single_line=True),
                   display_name=sanitize(info.display_name, max_len=200, single_line=True))


def account_add(store: Store, settings: Settings, credentials, args) -> int:
    from cmtui.sync.connectors import connector_class

    cls = connector_class(args.platform)
    if not _NAME.match(args.name):
        raise InputError(f"'{args.name}' is not a usable account name (letters, digits, . _ -; up to 40)")
    options = _options(cls, args)
    server = cls.normalize_server(options.get("server") or "")
    existing = store.accounts.get(args.name)
    if existing is not None and (existing.platform, existing.server) != (args.platform, server):
        raise InputError(f"an account named '{args.name}' already exists on {existing.server} "
                         f"(cmtui account remove {args.name} first, or choose another name)")
    timeout = float(settings.http_timeout_seconds)
    try:
        token = _token(cls, options.get("token_env"), server, timeout)
        info, limits = asyncio.run(_verify(args.platform, server, token, timeout))
        info = _clean(info)
    except AuthError as exc:
        raise InputError(f"the token was refused: {exc}") from None
    except PermanentError as exc:
        if exc.status == 404:
            raise InputError(cls.not_this_platform(server, "no account API")) from None
        raise InputError(str(exc)) from None
    except TransientError as exc:
        message = str(exc)
        if message.startswith("malformed"):
            message = cls.not_this_platform(server, message)
        raise InputError(message) from None
    except ConnectorError as exc:
        raise InputError(str(exc)) from None
    if existing is not None:
        # The same account again: a new token (signed in again, or the old one revoked).
        if existing.handle and existing.handle != info.acct:
            raise InputError(f"that token belongs to {info.acct}, but '{args.name}' is {existing.handle}")
        credentials.set(args.name, token)
        store.accounts.set_sync_state(existing.id, "idle", None)
        print(f"signed in again as {info.acct}: new token saved for {args.name}")
        return 0
    previous = credentials.get(args.name)
    credentials.set(args.name, token)  # the token goes to the credentials file only
    try:
        limits_json = limits.to_json() | {"checked_at": iso(utcnow())}
        account = store.accounts.add(args.name, args.platform, server, handle=info.acct,
                                     display_name=info.display_name, remote_account_id=info.remote_id,
                                     limits=limits_json, is_admin=info.is_admin)
        store.ingest.follower_snapshot(account.id, info)
    except BaseException:
        if previous:
            credentials.set(args.name, previous)
        else:
            credentials.remove(args.name)
        raise
    admin = ", admin" if info.is_admin else ""
    print(f"added {args.name}: {info.acct} on {server} ({info.followers:,} followers{admin})")
    return 0


def account_remove(store: Store, credentials, args) -> int:
    account = store.accounts.require(args.name)
    items = store.inbox.count_for_account(account.id)
    pending = sum(1 for op in store.outbox.list(("pending", "sending")) if op["account"] == account.name)
    store.accounts.remove(account.name)
    credentials.remove(account.name)
    note = f"; {pending} unsent operation(s) dropped" if pending else ""
    print(f"removed {account.name} and its {items:,} inbox item(s){note}")
    return 0
