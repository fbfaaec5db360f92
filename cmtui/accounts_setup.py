"""Adding, connecting and removing accounts: the one path `cmtui account add|remove` and the
TUI's Accounts screen share. Nothing here prints or reads a terminal: the caller says how the
user proves who they are (a Credential) and shows the outcome.

An account may be added offline (planning before the credentials arrive): no request, no
token. Adding it again later with a way to sign in connects it: verified exactly like a new
account, then its server, remote id, handle and limits are filled in and its entries,
variants and plans stay. A failure anywhere changes nothing stored.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Mapping

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext
from cmtui.model import iso, utcnow
from cmtui.sync.connectors.base import (AccountInfo, AuthError, ConnectorError, Limits, PermanentError,
                                        PlatformProfile, SignIn, TransientError)

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store
    from cmtui.store.accounts import Account

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
PLACE_ROLES = ("places", "support_places")


@dataclass(frozen=True)
class Credential:
    """How the user signs in, at most one of: a secret given (a token, or the app password of
    platforms that exchange one for a session), a password prompt (platforms with password
    sign-in), or ask_code for the platform's authorize flow (shows the URL, returns the code
    pasted). Never stored, never shown."""

    secret: str | None = None
    password: Callable[[str], str] | None = None
    ask_code: Callable[[str], str] | None = None

    def __repr__(self) -> str:
        return f"Credential(secret={'<set>' if self.secret else None})"


@dataclass(frozen=True)
class Added:
    """What an add did: "added" a new account, "connected" an offline one, or "signed in
    again" on a connected one (a new token)."""

    how: str
    name: str
    acct: str
    server: str
    followers: int = 0
    is_admin: bool = False
    places: str = ""  # "3 rooms (1 for support)" when places were chosen

    def summary(self) -> str:
        if self.how == "signed in again":
            return _("signed in again as {acct}: new token saved for {name}").format(acct=self.acct, name=self.name)
        followers = ngettext("{n} follower", "{n} followers", self.followers).format(n=l10n.number(self.followers))
        # i18n: the details after an account's handle: "1,204 followers, admin, 3 rooms"
        details = ", ".join([followers, *([_("admin")] if self.is_admin else []), *([self.places] if self.places else [])])
        said = _("connected {name}: {acct} on {server} ({details})") if self.how == "connected" else \
            _("added {name}: {acct} on {server} ({details})")
        return said.format(name=self.name, acct=self.acct, server=self.server, details=details)


@dataclass(frozen=True)
class Removal:
    """What removing an account takes with it (said before the yes, and after)."""

    name: str
    items: int  # inbox items: removed
    entries: int  # calendar entries: kept, without an account
    variants: int  # variant wordings for it: removed
    pending: int  # operations not sent yet: dropped
    has_token: bool

    def question(self) -> str:
        # (English keeps its "item(s)" wording; the other languages count with their own forms.)
        parts = [ngettext("its {n} inbox item(s)", "its {n} inbox item(s)", self.items).format(
            n=l10n.number(self.items))]
        if self.variants:
            parts.append(ngettext("{n} variant wording(s)", "{n} variant wording(s)", self.variants).format(
                n=l10n.number(self.variants)))
        if self.pending:
            parts.append(ngettext("{n} unsent operation(s)", "{n} unsent operation(s)", self.pending).format(
                n=l10n.number(self.pending)))
        if self.has_token:
            parts.append(_("its token"))
        what = ", ".join(parts)
        if self.entries:
            # i18n: {what} lists what goes: "its 12 inbox item(s), its token"
            return ngettext("Remove {name}: {what}; its {n} calendar entry stays, without an account?",
                            "Remove {name}: {what}; its {n} calendar entries stay, without an account?",
                            self.entries).format(name=self.name, what=what, n=l10n.number(self.entries))
        return _("Remove {name}: {what}?").format(name=self.name, what=what)

    def summary(self) -> str:
        said = ngettext("removed {name} and its {n} inbox item(s)", "removed {name} and its {n} inbox item(s)",
                        self.items).format(name=self.name, n=l10n.number(self.items))
        # i18n: joins two clauses of one line: "removed ada and its 3 inbox item(s); 1 unsent operation(s) dropped"
        clauses = _("{said}; {more}")
        if self.pending:
            said = clauses.format(said=said, more=ngettext("{n} unsent operation(s) dropped",
                                                           "{n} unsent operation(s) dropped",
                                                           self.pending).format(n=l10n.number(self.pending)))
        if self.entries:
            said = clauses.format(said=said, more=ngettext("{n} calendar entry kept without an account",
                                                           "{n} calendar entries kept without an account",
                                                           self.entries).format(n=l10n.number(self.entries)))
        return said


def check_name(name: str) -> None:
    if not _NAME.match(name):
        raise InputError(_("'{name}' is not a usable account name (letters, digits, . _ -; up to 40)").format(
            name=name))


def option_word(profile: PlatformProfile, role: str) -> str:
    """How an option's role is named in a message or a form: the profile's words (the CLI
    names its flags itself)."""
    return profile.option_label(role)


# -- offline ---------------------------------------------------------------------------------
def check_offline(store: Store, platform: str, name: str, server: str | None = None) -> str:
    """The checks of an offline add (InputError), nothing stored: the server's address as it
    would be stored (checked by the platform's connector when given; else empty)."""
    from cmtui.sync.connectors import connector_class

    cls = connector_class(platform)
    check_name(name)
    address = cls.normalize_server(server) if server and server.strip() else ""
    existing = store.accounts.get(name)
    if existing is not None:
        raise InputError(_("an account named '{name}' already exists ({where})").format(name=name,
                                                                                      where=_where(existing)))
    return address


def add_offline(store: Store, platform: str, name: str, server: str | None = None) -> Account:
    """An account to plan for: no connection, no token, no request."""
    return store.accounts.add(name, platform, check_offline(store, platform, name, server), offline=True)


def _where(account: Account) -> str:
    return _("offline, {platform}").format(platform=account.platform) if account.offline else \
        _("on {server}").format(server=account.server)


# -- signing in ------------------------------------------------------------------------------
def _awaited(signed):
    """A connector's sign-in may be async."""
    return asyncio.run(signed) if inspect.iscoroutine(signed) else signed


def _sign_in(cls, credential: Credential, server: str, user: str | None, timeout: float) -> SignIn:
    if credential.secret is not None:
        if not credential.secret.strip():
            raise InputError(_("no token given"))
        return _awaited(cls.token_login(server, user, credential.secret.strip(), timeout))
    if not cls.has_password_login():
        if credential.ask_code is None:
            raise InputError(_("{platform} needs a token here").format(platform=cls.profile.label))
        return SignIn(cls.authorize(server, timeout, credential.ask_code))
    if not user:
        raise InputError(_("{platform} needs --user to sign in with a password (or --token-env)").format(
            platform=cls.profile.label))
    if credential.password is None:
        raise InputError(_("{platform} needs a token or a password here").format(platform=cls.profile.label))
    password = credential.password(_("Password for {user}: ").format(user=user))
    if not password:
        raise InputError(_("no password given"))
    return _awaited(cls.password_login(server, user, password, timeout))


def sign_in_kind(platform: str) -> str:
    """How a platform signs in without a token given: "authorize" (a URL and a pasted code),
    "password", or "token" (a token is the only way)."""
    from cmtui.sync.connectors import connector_class
    from cmtui.sync.connectors.base import Connector

    cls = connector_class(platform)
    if any(o.role == "token_env" and o.required for o in cls.profile.options):
        return "token"
    if cls.has_password_login():
        return "password"
    overrides = any("authorize" in vars(k) for k in cls.__mro__ if k is not Connector)
    return "authorize" if overrides else "token"


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
    from cmtui.text import sanitize

    return replace(info, acct=sanitize(info.acct, max_len=300, single_line=True),
                   display_name=sanitize(info.display_name, max_len=200, single_line=True))


def _chosen_options(previous: Mapping, chosen: dict[str, list[str]]) -> dict:
    """The account's options after this add: a list given replaces its list (empty: every
    place counts again), one not given keeps it. Support places always count."""
    options = dict(previous)
    for role, ids in chosen.items():
        if ids:
            options[role] = ids
        else:
            options.pop(role, None)
    if options.get("places"):
        options["places"] = list(dict.fromkeys([*options["places"], *options.get("support_places", [])]))
    return options


def _input_error(cls, server: str, credential: Credential, exc: Exception) -> Exception:
    """The one line a failed sign-in or check gives (other errors pass unchanged)."""
    if isinstance(exc, AuthError):
        return InputError(_("the token was refused: {reason}").format(reason=exc) if credential.secret is not None
                          else str(exc))
    if isinstance(exc, PermanentError) and exc.status == 404:
        return InputError(cls.not_this_platform(server, _("no account API")))
    if isinstance(exc, TransientError) and str(exc).startswith("malformed"):
        return InputError(cls.not_this_platform(server, str(exc)))
    if isinstance(exc, ConnectorError):
        return InputError(str(exc))
    return exc


def names(value: str | None) -> list[str] | None:
    """A comma-separated list of places as typed (None: not given)."""
    if value is None:
        return None
    return list(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))


def counted(profile: PlatformProfile, options: Mapping) -> str:
    """"3 rooms (1 for support)": the places an account's options choose, in the words of the
    profile's place_label (every profile that has one, not only those that count their own)."""
    places, support = len(options.get("places", [])), len(options.get("support_places", []))
    if profile.place_label:
        # i18n: {label} is what the platform calls a place (room, channel), translated
        words = ngettext("{n} {label}", "{n} {label}s", places).format(n=l10n.number(places),
                                                                     label=profile.word("place_label"))
    else:
        words = profile.places_counted(places)
    if support:
        return _("{places} ({n} for support)").format(places=words, n=l10n.number(support))
    return words


@dataclass(frozen=True)
class Plan:
    """An add checked against the store, before any request."""

    platform: str
    name: str
    server: str
    user: str | None
    wanted: dict[str, list[str]]  # places by role, as typed
    existing: Account | None  # the same name already stored (offline, or connected: a new token)


@dataclass(frozen=True)
class Verified:
    """A sign-in the platform accepted, not stored yet."""

    plan: Plan
    signed: SignIn
    info: AccountInfo  # sanitised
    limits: Limits
    chosen: dict[str, list[str]]  # places by role, as ids


def prepare(store: Store, platform: str, name: str, values: Mapping[str, str | None],
            credential: Credential) -> Plan:
    """The checks that need no request. values: the options the profile declares, by role
    (server, user, places, support_places; places comma-separated)."""
    from cmtui.sync.connectors import connector_class

    cls = connector_class(platform)
    check_name(name)
    for option in cls.profile.options:
        given = credential.secret if option.role == "token_env" else values.get(option.role)
        if option.required and not given:
            raise InputError(_("{platform} needs its {option}").format(platform=cls.profile.label,
                                                                        option=option_word(cls.profile, option.role)))
    server = cls.normalize_server(values.get("server") or "")
    given_user = values.get("user")
    user = cls.normalize_user(given_user) if given_user else None
    wanted = {role: found for role in PLACE_ROLES if (found := names(values.get(role))) is not None}
    existing = store.accounts.get(name)
    if existing is not None:
        if existing.offline and existing.platform != platform:
            raise InputError(_("'{name}' is an offline {platform} account, not {other}").format(
                name=name, platform=existing.platform, other=platform))
        if not existing.offline and (existing.platform, existing.server) != (platform, server):
            raise InputError(_("an account named '{name}' already exists on {server} (cmtui account remove {name}"
                               " first, or choose another name)").format(name=name, server=existing.server))
    return Plan(platform, name, server, user, wanted, existing)


def verify(plan: Plan, credential: Credential, timeout: float) -> Verified:
    """Sign in and ask the platform who this is: requests only, nothing stored (a TUI worker
    thread runs this part). Raises InputError with one line."""
    from cmtui.sync.connectors import connector_class

    cls = connector_class(plan.platform)
    signed: SignIn | None = None
    try:
        signed = _sign_in(cls, credential, plan.server, plan.user, timeout)
        info, limits, chosen = asyncio.run(_verify(plan.platform, plan.server, signed.token, timeout, plan.wanted))
        info = _clean(info)
        if plan.user is not None and plan.user not in (info.acct, info.remote_id):
            raise InputError(_("that token belongs to {acct}, not {user}").format(acct=info.acct, user=plan.user))
        existing = plan.existing
        if existing is not None and not existing.offline and existing.handle and existing.handle != info.acct:
            raise InputError(_("that token belongs to {acct}, but '{name}' is {handle}").format(
                acct=info.acct, name=plan.name, handle=existing.handle))
    except Exception as exc:
        if signed is not None:
            cls.sign_out(plan.server, signed, timeout)  # a session made for an account not added
        raise _input_error(cls, plan.server, credential, exc) from None
    return Verified(plan, signed, info, limits, chosen)


def save(store: Store, credentials, verified: Verified, timeout: float) -> Added:
    """Store what verify found: a new account, an offline one connected (its entries,
    variants and plans stay), or a connected one's new token. The token goes to the
    credentials file only."""
    from cmtui.sync.connectors import connector_class

    plan, signed, info, limits, chosen = verified.plan, verified.signed, verified.info, verified.limits, verified.chosen
    name, server = plan.name, plan.server
    cls = connector_class(plan.platform)
    existing = store.accounts.get(name)
    before = plan.existing
    if (existing is None) != (before is None) or (existing and before and existing.offline != before.offline):
        cls.sign_out(server, signed, timeout)  # changed while the platform was asked (another window)
        raise InputError(_("'{name}' changed meanwhile; nothing was stored, try again").format(name=name))
    if existing is not None and not existing.offline:
        with store.transaction():
            store.accounts.set_options(existing.id, _chosen_options(existing.options, chosen))
            store.accounts.set_sync_state(existing.id, "idle", None)
        credentials.keep(name, signed)
        return Added("signed in again", name, info.acct, server)  # i18n: not shown
    previous = credentials.sign_in(name)
    credentials.keep(name, signed)
    try:
        limits_json = limits.to_json() | {"checked_at": iso(utcnow())}
        with store.transaction():
            if existing is None:
                account = store.accounts.add(name, plan.platform, server, handle=info.acct,
                                             display_name=info.display_name, remote_account_id=info.remote_id,
                                             limits=limits_json, is_admin=info.is_admin)
                options = _chosen_options({}, chosen)
            else:  # planned offline: it keeps its entries, variants and plans
                account = store.accounts.connect(existing.id, server, handle=info.acct,
                                                 display_name=info.display_name, remote_account_id=info.remote_id,
                                                 limits=limits_json, is_admin=info.is_admin)
                options = _chosen_options(existing.options, chosen)
            if options:
                store.accounts.set_options(account.id, options)
            store.ingest.follower_snapshot(account.id, info)
    except BaseException:
        if previous:
            credentials.keep(name, previous)
        else:
            credentials.remove(name)
        cls.sign_out(server, signed, timeout)
        raise
    places = counted(cls.profile, options) if options.get("places") else ""
    return Added("added" if existing is None else "connected", name, info.acct, server, info.followers,
                 info.is_admin, places)


def add_account(store: Store, settings: Settings, credentials, platform: str, name: str,
                values: Mapping[str, str | None], credential: Credential) -> Added:
    """prepare, verify, save: InputError with one line and nothing stored on any failure."""
    timeout = float(settings.http_timeout_seconds)
    plan = prepare(store, platform, name, values, credential)
    return save(store, credentials, verify(plan, credential, timeout), timeout)


# -- removing --------------------------------------------------------------------------------
def removal(store: Store, credentials, name: str) -> Removal:
    """What removing the account would take (nothing changes)."""
    account = store.accounts.require(name)
    usage = store.accounts.usage(account.id)
    return Removal(account.name, store.inbox.count_for_account(account.id), usage["entries"], usage["variants"],
                   store.outbox.waiting(account.id), bool(credentials.get(account.name)))


def remove_account(store: Store, credentials, name: str) -> Removal:
    """Remove the account, its items, variants and unsent operations, and its token; its
    calendar entries stay without an account."""
    said = removal(store, credentials, name)
    store.accounts.remove(said.name)
    credentials.remove(said.name)
    return said


# -- what the Accounts screen lists ------------------------------------------------------------
@dataclass(frozen=True)
class AccountRow:
    name: str
    platform: str
    label: str  # the platform as people write it (the profile's)
    server: str
    handle: str | None
    state: str  # idle, syncing, offline (no network), error, not connected (planned offline)
    last_sync_at: str | None
    last_error: str | None  # one line, sanitised
    paused_until: str | None  # the rate-limit pause the engine stored, while it lasts
    pending: int  # outbox operations not sent yet
    offline: bool


def overview(store: Store, now: datetime) -> list[AccountRow]:
    from cmtui.model import parse_iso
    from cmtui.sync.connectors import profile_for
    from cmtui.text import one_line, sanitize

    rows = []
    for account in store.accounts.list():
        paused = parse_iso(account.limits.get("paused_until")) if isinstance(account.limits, dict) else None
        error = one_line(sanitize(account.last_error, max_len=300)) if account.last_error else None
        rows.append(AccountRow(account.name, account.platform, profile_for(account.platform).label, account.server,
                               account.handle, "not connected" if account.offline else account.sync_state,  # i18n: not shown
                               account.last_sync_at, error, iso(paused) if paused and paused > now else None,
                               store.outbox.waiting(account.id), account.offline))
    return rows
