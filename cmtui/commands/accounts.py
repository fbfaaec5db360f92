"""cmtui account add | remove: adding verifies the token with the platform first (the work is
cmtui.accounts_setup's, shared with the TUI); --offline adds one to plan for, no connection."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from cmtui.accounts_setup import Credential, add_account, add_offline, check_name, remove_account
from cmtui.errors import InputError
from cmtui.i18n import _

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def _ask_code(url: str) -> str:
    """The sign-in flow's prompt: where to approve cmtui, then the code the user pastes."""
    print(_("Open this address, sign in and approve cmtui:"), file=sys.stderr)
    print(url)
    # On a terminal the user's Enter ends the prompt's line; piped, we end it ourselves.
    print(_("Then paste the authorization code here: "), end="" if sys.stdin.isatty() else "\n", file=sys.stderr,
          flush=True)
    return sys.stdin.readline().strip()


# Every option `account add` has beyond the platform and the name: a platform takes the ones
# its profile declares (AccountOption.dest) and refuses the others.
FLAGS = ("instance", "user", "token_env", "rooms", "support_rooms")


def _flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _options(cls, args) -> dict[str, str | None]:
    """The values of the options the connector declares, by role (server, user, token_env,
    places, support_places); a flag the platform does not take is refused."""
    declared = {option.dest for option in cls.profile.options}
    for dest in FLAGS:
        if dest not in declared and getattr(args, dest, None) is not None:
            raise InputError(_("{platform} accounts take no {flag}").format(platform=cls.profile.label,
                                                                             flag=_flag(dest)))
    values: dict[str, str | None] = {}
    for option in cls.profile.options:
        value = getattr(args, option.dest, None)
        if option.required and not value:
            raise InputError(_("{platform} needs {flag}").format(platform=cls.profile.label, flag=_flag(option.dest)))
        values[option.role] = value
    return values


def _password(prompt: str) -> str:
    """Read without echo on a terminal; piped (scripts, tests), one line. Never stored."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt, stream=sys.stderr)
    return sys.stdin.readline().rstrip("\r\n")


def _credential(token_env: str | None) -> Credential:
    """--token-env VAR: its value; else the prompts of the platform's own sign-in."""
    if token_env:
        secret = os.environ.get(token_env, "").strip()
        if not secret:
            raise InputError(_("environment variable {name} is not set or empty").format(name=token_env))
        return Credential(secret=secret)
    return Credential(password=_password, ask_code=_ask_code)


def account_add(store: Store, settings: Settings, credentials, args) -> int:
    from cmtui.sync.connectors import connector_class

    cls = connector_class(args.platform)
    if getattr(args, "offline", False):
        return _add_offline(cls, store, args)
    check_name(args.name)
    values = _options(cls, args)
    server = cls.normalize_server(values.get("server") or "")  # bad input: said before any prompt
    if user := values.get("user"):
        cls.normalize_user(user)
    existing = store.accounts.get(args.name)
    if existing is not None and not existing.offline:
        if (existing.platform, existing.server) != (args.platform, server):
            raise InputError(_("an account named '{name}' already exists on {server} (cmtui account remove {name}"
                               " first, or choose another name)").format(name=args.name, server=existing.server))
    added = add_account(store, settings, credentials, args.platform, args.name, values,
                        _credential(values.get("token_env")))
    print(added.summary())
    return 0


def _add_offline(cls, store: Store, args) -> int:
    """--offline: planned, not connected; only --instance may come with it."""
    needing = [_flag(dest) for dest in FLAGS if dest != "instance" and getattr(args, dest, None) is not None]
    if needing:
        raise InputError(_("--offline takes no {flags} (they need a connection; add it again without --offline"
                           " to connect it)").format(flags=", ".join(needing)))
    account = add_offline(store, args.platform, args.name, args.instance)
    if account.server:
        said = _("added {name}: offline {platform} account ({server}), not connected; plan for it, then connect it"
                 " with {command}")
    else:
        said = _("added {name}: offline {platform} account, not connected; plan for it, then connect it with"
                 " {command}")
    print(said.format(name=account.name, platform=cls.profile.label, server=account.server,
                      command=f"cmtui account add {args.platform} {account.name} --instance URL"))  # i18n: not shown
    return 0


def account_remove(store: Store, credentials, args) -> int:
    print(remove_account(store, credentials, args.name).summary())
    return 0
