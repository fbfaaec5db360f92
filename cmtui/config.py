"""Where state lives, the TOML settings file and the credentials file.

Nothing here touches the disk at import time; directories are created only when a
file is written.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from cmtui.errors import ConfigError
from cmtui.i18n import _, ngettext
from cmtui.model import WEEKDAYS

APP_NAME = "cmtui"
SETTINGS_FILE = "settings.toml"
CREDENTIALS_FILE = "credentials.toml"


def config_dir() -> Path:
    env = os.environ.get("CMTUI_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    env = os.environ.get("CMTUI_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / "cmtui.db"


def demo_db_path() -> Path:
    """The demo's own database: never the user's."""
    return data_dir() / "demo.db"


def _default_slots() -> dict[str, list[str]]:
    return {day: ["09:30", "13:00", "17:30"] for day in WEEKDAYS[:5]} | {"sat": [], "sun": []}


@dataclass
class Settings:
    """Settings with their defaults; every field can be set in settings.toml."""

    timezone: str = ""  # IANA name; empty: the system's timezone
    user: str = ""  # who is working (audit log, approvals); empty: the login name
    response_target_minutes: int = 120
    like_answers: bool = False  # a like (in the platform's words) from the inbox counts as the item's answer once sent
    approval_required: bool = False
    # Who may approve a post: "any" of the approvers, or "other": an approver who is not its
    # author (who wrote it or asked for its approval). Either turns approval_required on.
    approval: str = ""
    act_for_others: bool = False  # the command line's --as NAME may record a teammate as the one acting
    media_alt_required: bool = True  # an image without alt text is refused (false: allowed)
    approvers: list[str] = field(default_factory=list)
    teammates: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # offered by `l` besides the labels in use
    posting_slots: dict[str, list[str]] = field(default_factory=_default_slots)
    sync_interval_seconds: int = 60
    http_timeout_seconds: int = 30  # a platform that has not answered by then is retried later
    backfill_days: int = 30
    # While the TUI or `cmtui sync` runs, new notifications arrive as they happen: a stream or
    # a long poll where the platform pushes, else a short poll while the TUI is in front.
    live: bool = True
    live_poll_seconds: int = 15  # the short poll of a platform without push (backing off as the person idles)
    # A new direct message or an item gone overdue: "bell" rings the terminal's bell,
    # "desktop" shows a desktop notification; "" (the default): neither.
    alerts: str = ""
    calm_mode: bool = False  # the Metrics panel hides numbers that invite comparison (data stays complete)
    language: str = ""  # of the interface ("es", "sl_SI"); empty: the environment's (LC_ALL, LC_MESSAGES, LANG)
    default_language: str = ""  # of new posts ("en", "sl"); empty: the system's (LANG)
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys, e.g. "inbox.done" = "d"
    # Calendar conflicts (marked in every view, warned about when saving): two posts of one
    # account closer than this (0: no check), and more posts than this for one account on
    # one day (0: no maximum).
    min_gap_minutes: int = 60
    max_posts_per_day: int = 4
    # [accounts.NAME] places = [...], support_places = [...]: which places of an account count
    # (ids or names, resolved by the next sync), over what `account add --rooms` chose.
    accounts: dict[str, dict] = field(default_factory=dict)

    @property
    def username(self) -> str:
        if os.environ.get("CMTUI_USER"):  # a browser session of `cmtui serve` acts for whoever serves it
            return os.environ["CMTUI_USER"]
        if self.user:
            return self.user
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # no login name in some containers
            return "me"

    def post_language(self) -> str | None:
        """The language a new post starts with: default_language, else the system's
        (LC_ALL / LC_MESSAGES / LANG, "sl_SI.UTF-8" -> "sl"), else None."""
        if self.default_language:
            return self.default_language.lower()
        for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
            value = os.environ.get(name, "")
            if value:
                code = re.split(r"[_.@-]", value, maxsplit=1)[0].lower()
                return code if re.fullmatch(r"[a-z]{2,3}", code) else None
        return None

    def tzinfo(self):
        """The settings' timezone as a tzinfo (the system's when unset)."""
        if self.timezone:
            from zoneinfo import ZoneInfo

            return ZoneInfo(self.timezone)
        from datetime import datetime

        return datetime.now().astimezone().tzinfo


_TYPES = {f.name: str(f.type) for f in fields(Settings)}  # annotations are strings here (__future__)


APPROVAL_CHOICES = ("", "any", "other")
ALERT_CHOICES = ("", "bell", "desktop")
ACCOUNT_KEYS = ("places", "support_places")  # what [accounts.NAME] may set
_LIMITS = {"min_gap_minutes": 24 * 60, "max_posts_per_day": 1000}  # 0 turns the check off
_POSITIVE = {"response_target_minutes", "sync_interval_seconds", "http_timeout_seconds", "live_poll_seconds"}


def _check(name: str, value, path: Path | str):
    expected = {"str": str, "int": int, "bool": bool}.get(_TYPES[name])
    if expected is int and isinstance(value, bool) or expected and not isinstance(value, expected):
        # i18n: {type} is a Python type (str, int, bool, list[str]): keep it as it is
        raise ConfigError(_("{path}: setting '{name}' must be {type}, got {value}").format(
            path=path, name=name, type=_TYPES[name], value=repr(value)))
    if _TYPES[name].startswith("list") and not (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ):
        raise ConfigError(_("{path}: setting '{name}' must be a list of strings").format(path=path, name=name))
    if _TYPES[name].startswith("dict") and not isinstance(value, dict):
        raise ConfigError(_("{path}: setting '{name}' must be a table").format(path=path, name=name))
    # A zero interval or time-out would make the sync loop spin or give up at once.
    if name in _POSITIVE and value <= 0 or name == "backfill_days" and value < 0:
        raise ConfigError(_("{path}: setting '{name}' must be a positive number, got {value}").format(
            path=path, name=name, value=value))
    if name in _LIMITS and not 0 <= value <= _LIMITS[name]:
        raise ConfigError(_("{path}: setting '{name}' must be a whole number from 0 (no check) to {most},"
                            " got {value}").format(path=path, name=name, most=_LIMITS[name], value=value))
    if name == "accounts":
        for account, table in value.items():
            if not isinstance(table, dict) or not all(
                key in ACCOUNT_KEYS and isinstance(names, list) and all(isinstance(n, str) for n in names)
                for key, names in table.items()
            ):
                raise ConfigError(_("{path}: [accounts.{account}] takes {first} and {second}, lists of place"
                                    " ids or names").format(path=path, account=account, first=ACCOUNT_KEYS[0],
                                                            second=ACCOUNT_KEYS[1]))
    if name == "approval" and value not in APPROVAL_CHOICES:
        raise ConfigError(_("{path}: setting 'approval' is \"any\" (any approver) or \"other\" (an approver who is"
                            " not the post's author), not {value}").format(path=path, value=repr(value)))
    if name == "alerts" and value not in ALERT_CHOICES:
        raise ConfigError(_("{path}: setting 'alerts' is \"bell\" (the terminal's bell), \"desktop\" (a desktop"
                            " notification) or \"\" (none), not {value}").format(path=path, value=repr(value)))
    if name == "keymap" and not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(_("{path}: [keymap] values must be key names in quotes, like \"inbox.done\" = \"d\"")
                          .format(path=path))


def _toml_line(exc: tomllib.TOMLDecodeError) -> str:
    """'line N' from the parser's message (Python < 3.14 has no lineno attribute), and no
    more of it: for the credentials file the rest could quote part of a token."""
    found = re.search(r"at line (\d+)", str(exc))
    return _("line {number}").format(number=found.group(1)) if found else _("somewhere")


def load_settings(directory: Path | None = None) -> Settings:
    path = (directory or config_dir()) / SETTINGS_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise ConfigError(_("cannot read settings file {path} ({reason}); make it readable or remove it to use"
                            " the defaults").format(path=path, reason=exc.strerror)) from None
    except UnicodeDecodeError:
        raise ConfigError(_("settings file {path} is not UTF-8 text; fix or remove it").format(path=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("settings file {path} is not valid TOML ({problem}); fix or remove it").format(
            path=path, problem=exc)) from None
    unknown = [name for name in raw if name not in _TYPES]
    if unknown:
        names = ", ".join(f"'{n}'" for n in unknown)
        # Like English before: one unknown setting is "setting", more are "settings".
        raise ConfigError(ngettext("{path}: unknown setting {names} (known: {known})",
                                   "{path}: unknown settings {names} (known: {known})",
                                   len(unknown)).format(path=path, names=names, known=", ".join(_TYPES)))
    settings = Settings()
    for name, value in raw.items():
        _check(name, value, path)
        setattr(settings, name, value)
    _imply_approval(settings)
    _team_spelling(settings)
    if settings.default_language and not re.fullmatch(r"[A-Za-z]{2,3}", settings.default_language):
        raise ConfigError(_("{path}: default_language is a language code of two or three letters (like en or"
                            " sl), not '{value}'").format(path=path, value=settings.default_language))
    if settings.language:
        from cmtui import i18n

        if i18n.from_environment({"LANG": settings.language})[0] not in i18n.available_languages():
            raise ConfigError(_("{path}: language '{value}' has no translation (available: {available})").format(
                path=path, value=settings.language, available=", ".join(i18n.available_languages())))
    if settings.timezone:
        try:
            settings.tzinfo()
        except Exception:
            raise ConfigError(_("{path}: unknown timezone '{value}'").format(path=path, value=settings.timezone)) \
                from None
    for day, slots in settings.posting_slots.items():
        if day not in WEEKDAYS or not isinstance(slots, list) or not all(
            isinstance(t, str) and re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", t) for t in slots
        ):
            raise ConfigError(_("{path}: posting_slots keys are {days} with lists of HH:MM").format(
                path=path, days=", ".join(WEEKDAYS)))
    return settings


# Binding ids are named "<where>.<action>". Ids with the same <where> are active at once;
# the thread and composer panes sit inside the inbox; "app" bindings are active everywhere.
_KEY_SCOPE = {"thread": "inbox", "composer": "inbox"}


def keymap_problem(keymap: dict[str, str], bindings: dict[str, tuple[str, str]]) -> str | None:
    """What is wrong with a [keymap], or None. bindings: every binding id the interface
    defines, id -> (default keys, description). A key may do one thing where it is active:
    two actions on one key lose one silently, so that is refused (keys two bindings share
    by default shadow one another on purpose, like j in the list and in the thread)."""
    unknown = sorted(set(keymap) - set(bindings))
    if unknown:
        return ngettext("[keymap] unknown binding id {ids} (? in the TUI lists the ids)",
                        "[keymap] unknown binding ids {ids} (? in the TUI lists the ids)",
                        len(unknown)).format(ids=", ".join(repr(u) for u in unknown))
    by_key: dict[str, list[str]] = {}  # key -> the ids it is bound to, the user's entries first
    for binding_id in [*sorted(keymap), *sorted(set(bindings) - set(keymap))]:
        for key in keymap.get(binding_id, bindings[binding_id][0]).split(","):
            if key.strip():
                by_key.setdefault(key.strip(), []).append(binding_id)
    for key, ids in by_key.items():
        for n, first in enumerate(ids):
            for second in ids[n + 1:]:
                if not (_default(key, first, bindings) and _default(key, second, bindings)) \
                        and _active_together(first, second):
                    # i18n: {first} and {second} are binding ids (inbox.done), each followed by what it does
                    return _("[keymap] key '{key}' is bound to both {first} ({first_does}) and {second}"
                             " ({second_does}); give one of them another key").format(
                        key=key, first=first, first_does=_(bindings[first][1]), second=second,
                        second_does=_(bindings[second][1]))
    return None


def _default(key: str, binding_id: str, bindings: dict[str, tuple[str, str]]) -> bool:
    return key in (k.strip() for k in bindings[binding_id][0].split(","))


def _active_together(first: str, second: str) -> bool:
    scopes = {_KEY_SCOPE.get(name.split(".", 1)[0], name.split(".", 1)[0]) for name in (first, second)}
    return len(scopes) == 1 or "app" in scopes


def with_database_settings(settings: Settings, values: dict, source) -> Settings:
    """The settings a database carries (the demo's team, approvers and user) laid over the
    user's own, checked as the file's are; `source` names the database in messages. The
    result is a copy: the user's settings file is never written."""
    from dataclasses import replace

    if not values:
        return settings
    where = _("settings stored in {database}").format(database=source)
    unknown = [name for name in values if name not in _TYPES]
    if unknown:
        raise ConfigError(ngettext("{where}: unknown setting {names}", "{where}: unknown settings {names}",
                                   len(unknown)).format(where=where, names=", ".join(unknown)))
    for name, value in values.items():
        _check(name, value, where)
    return _team_spelling(_imply_approval(replace(settings, **values)))


def _team_spelling(settings: Settings) -> Settings:
    """The person working as the team spells them: `user = "ana"` with a teammate "Ana" is
    that teammate (one person in every list, count and check, not two differing in case)."""
    from cmtui.team import team_spelling

    spelled = team_spelling(settings.username, [*settings.teammates, *settings.approvers])
    if spelled != settings.username and not os.environ.get("CMTUI_USER"):  # (a browser session's is served)
        settings.user = spelled
    return settings


def _imply_approval(settings: Settings) -> Settings:
    """`approval = "any"` or `"other"` says who approves, so approval is required."""
    settings.approval_required = settings.approval_required or bool(settings.approval)
    return settings


def _warn(message: str) -> None:
    print("cmtui: " + _("warning: {message}").format(message=message), file=sys.stderr)


_CREDENTIAL_KEYS = ("token", "device_id", "refresh")


class Credentials:
    """Tokens (and the device a sign-in issued one to) per account name, in a TOML file of
    mode 0600 in the config directory."""

    def __init__(self, directory: Path | None = None, warn=_warn):
        self.path = (directory or config_dir()) / CREDENTIALS_FILE
        self.warn = warn  # told when the file's mode was fixed

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            # O_NOFOLLOW: a link could hand us tokens from, or lead our checks to, a file
            # that is not this user's own.
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return {}
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ConfigError(_("credentials file {path} is a symbolic link; cmtui does not follow it: replace"
                                    " it with the file itself").format(path=self.path)) from None
            raise ConfigError(_("cannot read credentials file {path} ({reason}); make it yours and readable:"
                                " chmod 600 {path}").format(path=self.path, reason=exc.strerror)) from None
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            self._check_owner_and_mode(info, fh.fileno())
            raw = fh.read()
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            # Never echo the parser's message: it may quote a token.
            where = _toml_line(exc) if isinstance(exc, tomllib.TOMLDecodeError) else _("not UTF-8")
            raise ConfigError(_("credentials file {path} is not valid TOML ({where}); fix or remove it (then add"
                                " the accounts again)").format(path=self.path, where=where)) from None
        accounts = data.get("accounts", {})
        if not isinstance(accounts, dict) or not all(
            isinstance(v, dict) and all(isinstance(v.get(key, ""), str) for key in _CREDENTIAL_KEYS)
            for v in accounts.values()
        ):
            raise ConfigError(_('credentials file {path} has an unexpected layout (each account is [accounts.NAME]'
                                ' with token = "..." and maybe device_id and refresh); fix or remove it')
                              .format(path=self.path))
        return accounts

    def _check_owner_and_mode(self, info: os.stat_result, fd: int) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(_("credentials file {path} is not a regular file; remove it").format(path=self.path))
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise ConfigError(_("credentials file {path} belongs to another user (uid {uid}); tokens must be in a"
                                " file of your own: remove it and add the accounts again").format(
                path=self.path, uid=info.st_uid))
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            os.fchmod(fd, 0o600)
            self.warn(_("credentials file {path} could be read by others (mode {mode}); fixed to 0600").format(
                path=self.path, mode=f"{mode:04o}"))

    def check(self) -> list[str]:
        """Read the file now (ConfigError when it cannot be used, the mode fixed with a
        warning); the account names it holds. Commands call it before any work."""
        return list(self._read())

    def get(self, account: str) -> str | None:
        return self._read().get(account, {}).get("token")

    def device_id(self, account: str) -> str | None:
        """The device the token was issued to (platforms whose sign-in names one), if kept."""
        return self._read().get(account, {}).get("device_id")

    def sign_in(self, account: str):
        """Everything kept for the account (a SignIn), or None."""
        from cmtui.sync.connectors.base import SignIn

        kept = self._read().get(account)
        if not kept or not kept.get("token"):
            return None
        return SignIn(kept["token"], kept.get("device_id") or None, kept.get("refresh") or None)

    def set(self, account: str, token: str, device_id: str | None = None, refresh: str | None = None) -> None:
        data = self._read()
        data[account] = ({"token": token} | ({"device_id": device_id} if device_id else {})
                         | ({"refresh": refresh} if refresh else {}))
        self._write(data)

    def keep(self, account: str, signed) -> None:
        """Store a sign-in (a SignIn) for the account, replacing what was kept."""
        self.set(account, signed.token, signed.device_id, signed.refresh)

    def remove(self, account: str) -> None:
        data = self._read()
        if data.pop(account, None) is not None:
            self._write(data)

    def _write(self, accounts: dict) -> None:
        import tomli_w

        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(tomli_w.dumps({"accounts": accounts}))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
        os.replace(tmp, self.path)
