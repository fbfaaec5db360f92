"""Where state lives, the TOML settings file and the credentials file.

Nothing here touches the disk at import time; directories are created only when a
file is written.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from cmtui.errors import ConfigError

APP_NAME = "cmtui"
SETTINGS_FILE = "settings.toml"
CREDENTIALS_FILE = "credentials.toml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
    approval_required: bool = False
    approvers: list[str] = field(default_factory=list)
    teammates: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # offered by `l` besides the labels in use
    posting_slots: dict[str, list[str]] = field(default_factory=_default_slots)
    sync_interval_seconds: int = 60
    http_timeout_seconds: int = 30  # a platform that has not answered by then is retried later
    backfill_days: int = 30
    calm_mode: bool = False  # the Metrics panel hides numbers that invite comparison (data stays complete)
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys, e.g. "inbox.done" = "d"

    @property
    def username(self) -> str:
        if self.user:
            return self.user
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # no login name in some containers
            return "me"

    def tzinfo(self):
        """The settings' timezone as a tzinfo (the system's when unset)."""
        if self.timezone:
            from zoneinfo import ZoneInfo

            return ZoneInfo(self.timezone)
        from datetime import datetime

        return datetime.now().astimezone().tzinfo


_TYPES = {f.name: f.type for f in fields(Settings)}


def _check(name: str, value, path: Path):
    expected = {"str": str, "int": int, "bool": bool}.get(_TYPES[name])
    if expected is int and isinstance(value, bool) or expected and not isinstance(value, expected):
        raise ConfigError(f"{path}: setting '{name}' must be {_TYPES[name]}, got {value!r}")
    if _TYPES[name].startswith("list") and not (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ):
        raise ConfigError(f"{path}: setting '{name}' must be a list of strings")
    if _TYPES[name].startswith("dict") and not isinstance(value, dict):
        raise ConfigError(f"{path}: setting '{name}' must be a table")


def load_settings(directory: Path | None = None) -> Settings:
    path = (directory or config_dir()) / SETTINGS_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML ({exc}); fix or remove it") from None
    settings = Settings()
    for name, value in raw.items():
        if name not in _TYPES:
            raise ConfigError(f"{path}: unknown setting '{name}'")
        _check(name, value, path)
        setattr(settings, name, value)
    if settings.timezone:
        try:
            settings.tzinfo()
        except Exception:
            raise ConfigError(f"{path}: unknown timezone '{settings.timezone}'") from None
    for day, slots in settings.posting_slots.items():
        if day not in WEEKDAYS or not isinstance(slots, list):
            raise ConfigError(f"{path}: posting_slots keys are {', '.join(WEEKDAYS)} with lists of HH:MM")
    return settings


class Credentials:
    """Tokens per account name, in a TOML file of mode 0600 in the config directory."""

    def __init__(self, directory: Path | None = None):
        self.path = (directory or config_dir()) / CREDENTIALS_FILE

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ConfigError(f"cannot read credentials file {self.path}: {exc.strerror}") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            # Never echo the parser's message: it may quote a token.
            raise ConfigError(f"credentials file {self.path} is not valid TOML; fix or remove it") from None
        return data.get("accounts", {})

    def get(self, account: str) -> str | None:
        return self._read().get(account, {}).get("token")

    def set(self, account: str, token: str) -> None:
        data = self._read()
        data[account] = {"token": token}
        self._write(data)

    def remove(self, account: str) -> None:
        data = self._read()
        if data.pop(account, None) is not None:
            self._write(data)

    def _write(self, accounts: dict) -> None:
        import tomli_w

        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(tomli_w.dumps({"accounts": accounts}))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
        os.replace(tmp, self.path)
