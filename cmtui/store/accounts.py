"""Accounts on platforms, their sync state and cursors. Tokens are never stored here."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cmtui.i18n import _, pgettext
from cmtui.errors import InputError
from cmtui.model import Place
from cmtui.store.base import Repo, dumps, loads, now
from cmtui.store.db import transaction
from cmtui.text import sanitize


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    platform: str
    server: str  # the server's URL
    handle: str | None
    display_name: str | None
    sync_state: str
    last_error: str | None
    last_sync_at: str | None
    limits: dict
    is_admin: bool
    offline: bool = False  # no connection by design: sync leaves it idle, its operations wait
    options: dict = field(default_factory=dict)  # what the user chose at `account add` (places, ...)
    places: tuple[Place, ...] = ()  # as its connector reported them on the last pass

    def place(self, place_id: str | None) -> Place | None:
        return next((p for p in self.places if p.id == place_id), None) if place_id else None

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "platform": self.platform,
            "instance": self.server,  # the --json contract keeps the name `--instance` set
            "handle": self.handle,
            "display_name": self.display_name,
            "state": self.sync_state,
            "last_error": self.last_error,
            "last_sync_at": self.last_sync_at,
            "limits": self.limits,
            "admin": self.is_admin,
            "offline": self.offline,
            "places": [p.to_json() for p in self.places],
        }


def _account(row) -> Account:
    return Account(
        id=row["id"],
        name=row["name"],
        platform=row["platform"],
        server=row["server"],
        handle=row["handle"],
        display_name=row["display_name"],
        sync_state=row["sync_state"],
        last_error=row["last_error"],
        last_sync_at=row["last_sync_at"],
        limits=loads(row["limits"], {}),
        is_admin=bool(row["is_admin"]),
        offline=bool(row["offline"]),
        options=loads(row["options"], {}),
        places=_places(row["places"]),
    )


def _places(raw: str | None) -> tuple[Place, ...]:
    found = loads(raw, [])
    try:
        return tuple(Place.from_json(p) for p in found if isinstance(p, dict)) if isinstance(found, list) else ()
    except (KeyError, TypeError, ValueError):  # damaged: the next pass writes them again
        return ()


def _clean_place(place: Place) -> Place:
    return replace(place, name=sanitize(place.name, max_len=200, single_line=True),
                   refused={sanitize(k, max_len=40, single_line=True): sanitize(v, max_len=300, single_line=True)
                            for k, v in place.refused.items()})


class AccountRepo(Repo):
    def add(
        self,
        name: str,
        platform: str,
        server: str,
        handle: str | None = None,
        display_name: str | None = None,
        remote_account_id: str | None = None,
        limits: dict | None = None,
        is_admin: bool = False,
        offline: bool = False,
    ) -> Account:
        if self.get(name) is not None:
            raise InputError(_("an account named '{name}' already exists").format(name=name))
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO accounts (name, platform, server, handle, display_name, remote_account_id,"
                " limits, is_admin, offline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, platform, server, handle, display_name, remote_account_id,
                 dumps(limits or {}), int(is_admin), int(offline), now()),
            )
        return self.require(name)

    def get(self, name: str) -> Account | None:
        row = self._one("SELECT * FROM accounts WHERE name = ?", (name,))
        return _account(row) if row else None

    def require(self, name: str) -> Account:
        account = self.get(name)
        if account is None:
            # i18n: the accounts listed in an error, when there is none
            known = ", ".join(a.name for a in self.list()) or pgettext("no accounts", "none yet")
            raise InputError(_("unknown account '{name}' (accounts: {known})").format(name=name, known=known))
        return account

    def by_id(self, account_id: int) -> Account | None:
        row = self._one("SELECT * FROM accounts WHERE id = ?", (account_id,))
        return _account(row) if row else None

    def require_id(self, account_id: int) -> Account:
        """The account a stored row names (account_id is a foreign key: it exists)."""
        account = self.by_id(account_id)
        if account is None:
            raise InputError(_("no account with id {id}").format(id=account_id))
        return account

    def list(self) -> list[Account]:
        return [_account(r) for r in self._all("SELECT * FROM accounts ORDER BY name")]

    def remove(self, name: str) -> None:
        account = self.require(name)
        with transaction(self.conn):
            self.conn.execute("DELETE FROM accounts WHERE id = ?", (account.id,))

    def connect(self, account_id: int, server: str, *, handle: str, display_name: str | None,
                remote_account_id: str, limits: dict, is_admin: bool) -> Account:
        """An offline account now connected: what the platform said of it; its entries,
        variants and options stay."""
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE accounts SET server = ?, handle = ?, display_name = ?, remote_account_id = ?, limits = ?,"
                " is_admin = ?, offline = 0, sync_state = 'idle', last_error = NULL WHERE id = ?",
                (server, handle, display_name, remote_account_id, dumps(limits), int(is_admin), account_id))
        return self.require_id(account_id)

    def usage(self, account_id: int) -> dict[str, int]:
        """The calendar's use of the account: entries it is the account of, variants for it."""
        return {"entries": self._scalar("SELECT count(*) FROM calendar_entries WHERE account_id = ?", (account_id,)),
                "variants": self._scalar("SELECT count(*) FROM entry_variants WHERE account_id = ?", (account_id,))}

    def set_sync_state(self, account_id: int, state: str, error: str | None = None, synced: bool = False) -> None:
        with transaction(self.conn):
            if synced:
                self.conn.execute(
                    "UPDATE accounts SET sync_state = ?, last_error = ?, last_sync_at = ? WHERE id = ?",
                    (state, error, now(), account_id),
                )
            else:
                self.conn.execute(
                    "UPDATE accounts SET sync_state = ?, last_error = ? WHERE id = ?", (state, error, account_id)
                )

    def remote_account_id(self, account_id: int) -> str | None:
        """The account's own id on its platform (learnt at the first sync), if known."""
        return self._scalar("SELECT remote_account_id FROM accounts WHERE id = ?", (account_id,))

    def set_limit(self, account_id: int, key: str, value) -> None:
        """One value in the account's limits (e.g. paused_until), the others kept."""
        with transaction(self.conn):
            self.conn.execute("UPDATE accounts SET limits = json_set(limits, '$.' || ?, ?) WHERE id = ?",
                              (key, value, account_id))

    def replace_limits(self, account_id: int, limits: dict, checked_at: str) -> None:
        """The platform's limits as just read, stamped with when (the old ones go)."""
        with transaction(self.conn):
            self.conn.execute("UPDATE accounts SET limits = json_set(?, '$.checked_at', ?) WHERE id = ?",
                              (dumps(limits), checked_at, account_id))

    def set_options(self, account_id: int, options: dict) -> None:
        with transaction(self.conn):
            self.conn.execute("UPDATE accounts SET options = ? WHERE id = ?", (dumps(options), account_id))

    def set_places(self, account_id: int, places) -> None:
        """The account's places as its connector just reported them (the old list goes); their
        names and reasons are remote text, sanitised like every item's."""
        with transaction(self.conn):
            self.conn.execute("UPDATE accounts SET places = ? WHERE id = ?",
                              (dumps([_clean_place(p).to_json() for p in places]), account_id))

    def cursor(self, account_id: int, stream: str) -> str | None:
        return self._scalar(
            "SELECT cursor FROM sync_cursors WHERE account_id = ? AND stream = ?", (account_id, stream)
        )

    def set_cursor(self, account_id: int, stream: str, cursor: str | None) -> None:
        """Call inside the transaction that stored the items the cursor moves past."""
        self.conn.execute(
            "INSERT INTO sync_cursors (account_id, stream, cursor, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (account_id, stream) DO UPDATE SET cursor = excluded.cursor,"
            " updated_at = excluded.updated_at",
            (account_id, stream, cursor, now()),
        )
