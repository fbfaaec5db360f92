"""`account add` with the options a platform declares (a user, places, support places), a
password sign-in, and `account list` showing places; against a made-up platform with rooms
(the Matrix end-to-end tests drive the real one against Synapse)."""

from __future__ import annotations

import asyncio
import io
import json
import tomllib
from pathlib import Path

import pytest

from cmtui.cli import main
from cmtui.config import Credentials, Settings
from cmtui.errors import ConfigError, InputError
from cmtui.model import Place
from cmtui.store import Store
from cmtui.sync import connectors
from cmtui.sync.connectors.base import (
    AccountInfo, AccountOption, Connector, Limits, PermanentError, PlatformProfile, PullPage, SignIn,
)
from cmtui.sync.connectors.matrix.directory import user_id
from cmtui.sync.engine import SyncEngine

ROOMS = {"#help:chat.example": "!help:chat.example", "#news:chat.example": "!news:chat.example"}
PASSWORD = "pw-Zq8vX-never-shown"
JOINED = {"!help:chat.example", "!news:chat.example", "!dm:chat.example"}


class Roomnet(Connector):
    """Rooms, a user id, and a password sign-in: what account add needs of such a platform."""

    platform = "roomnet"
    profile = PlatformProfile(label="Roomnet", place_label="room", options=(
        AccountOption("instance", "server", required=True), AccountOption("user", "user"),
        AccountOption("token_env", "token_env"), AccountOption("rooms", "places"),
        AccountOption("support_rooms", "support_places")))
    logins: list = []
    requests_made: list = []

    def __init__(self, server, token, timeout=30.0, account=None):
        self.token, self.account, self.requests = token, account, 0

    @classmethod
    def normalize_user(cls, user):
        return user_id(user)

    @classmethod
    async def password_login(cls, server, user, password, timeout):
        cls.logins.append((user, password))
        if password != PASSWORD:
            raise PermanentError("Invalid username or password", status=403)
        return SignIn("tok-from-password", "DEVICE1")

    async def verify(self):
        self.requests += 1
        Roomnet.requests_made.append("verify")
        return AccountInfo(remote_id="@me:chat.example", acct="@me:chat.example", display_name="Me", followers=0,
                           following=0, posts=0)

    async def limits(self):
        return Limits(max_chars=1000)

    async def resolve_place(self, name):
        self.requests += 1
        Roomnet.requests_made.append(("resolve", name))
        room = ROOMS.get(name, name)
        if room not in JOINED:
            raise PermanentError(f"the account has not joined {name}: join it first", status=403)
        return room

    async def pull(self, cursor, since):
        yield PullPage(cursor="c", final=True)

    async def thread(self, remote_id):
        return []

    async def publish(self, post):
        raise AssertionError

    async def own_posts(self, account_remote_id, since):
        return []


@pytest.fixture
def roomnet(monkeypatch, tmp_path):
    monkeypatch.setitem(connectors.REGISTRY, "roomnet", Roomnet)
    monkeypatch.setattr(Roomnet, "logins", [])
    monkeypatch.setattr(Roomnet, "requests_made", [])
    monkeypatch.setenv("ROOMNET_TOKEN", "tok-from-env")
    return tmp_path / "rooms.db"


def add(db: Path, capsys, monkeypatch, *flags: str, stdin: str = "", platform: str = "roomnet"):
    """`cmtui account add` (the parser knows only the registered platforms: roomnet is added
    to its choices as a registered platform would be)."""
    monkeypatch.setattr("cmtui.cli.PLATFORMS", tuple(connectors.REGISTRY))
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(["account", "add", platform, "me", "--instance", "https://chat.example", *flags, "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out, err


def credentials_file() -> dict:
    path = Credentials().path
    return tomllib.loads(path.read_text()) if path.exists() else {}


def stored(db: Path):
    if not db.exists():
        return None
    store = Store.open(db)
    try:
        return [(a.name, a.options) for a in store.accounts.list()]
    finally:
        store.close()


def test_places_are_resolved_to_ids_and_kept_as_options(roomnet, capsys, monkeypatch):
    code, out, err = add(roomnet, capsys, monkeypatch, "--token-env", "ROOMNET_TOKEN", "--user", "@me:chat.example",
                         "--rooms", "#news:chat.example, !dm:chat.example", "--support-rooms", "#help:chat.example")
    assert code == 0, err
    assert out == "added me: @me:chat.example on https://chat.example (0 followers, 3 rooms (1 for support))\n"
    # the support room counts although --rooms did not name it
    assert stored(roomnet) == [("me", {"places": ["!news:chat.example", "!dm:chat.example", "!help:chat.example"],
                                       "support_places": ["!help:chat.example"]})]
    assert credentials_file() == {"accounts": {"me": {"token": "tok-from-env"}}}

    # again: the token and the places given now replace the old ones; '' counts every room again
    monkeypatch.setenv("ROOMNET_TOKEN", "tok-2")
    code, out, err = add(roomnet, capsys, monkeypatch, "--token-env", "ROOMNET_TOKEN", "--rooms", "")
    assert code == 0, err
    assert stored(roomnet) == [("me", {"support_places": ["!help:chat.example"]})]
    assert credentials_file()["accounts"]["me"]["token"] == "tok-2"


@pytest.mark.parametrize("flags, message", [
    (["--rooms", "#nowhere:chat.example"], "roomnet: the account has not joined #nowhere:chat.example: join it first"),
    (["--support-rooms", "!other:chat.example"], "the account has not joined !other:chat.example"),
    (["--user", "@someone:chat.example"], "that token belongs to @me:chat.example, not @someone:chat.example"),
])
def test_a_place_not_joined_or_another_user_is_one_line_and_nothing_stored(roomnet, capsys, monkeypatch, flags,
                                                                           message):
    code, out, err = add(roomnet, capsys, monkeypatch, "--token-env", "ROOMNET_TOKEN", *flags)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and message.split("roomnet: ")[-1] in err, err
    assert stored(roomnet) is None  # the new database went too
    assert credentials_file() == {}


def test_a_user_id_that_does_not_parse_is_refused_before_any_request(roomnet, capsys, monkeypatch):
    code, out, err = add(roomnet, capsys, monkeypatch, "--token-env", "ROOMNET_TOKEN", "--user", "me@chat.example")
    assert code == 2 and out == ""
    assert err == "cmtui: 'me@chat.example' is not a Matrix user id (like @me:example.org)\n"
    assert Roomnet.requests_made == [] and stored(roomnet) is None


@pytest.mark.parametrize("value", ["@me:chat.example", "@a.b_c=d/e+f-g:127.0.0.1:8448", "@me:[::1]:8008"])
def test_user_ids_that_parse(value):
    assert user_id(f" {value} ") == value


@pytest.mark.parametrize("value", ["me", "@me", "@:chat.example", "@me:", "#me:chat.example", "@m e:x.org",
                                   "@me:chat.example:port", "@" + "a" * 255 + ":x.org"])
def test_user_ids_that_do_not(value):
    with pytest.raises(InputError, match="is not a Matrix user id"):
        user_id(value)


def test_a_platform_that_declares_no_places_refuses_the_flags(tmp_path, capsys, monkeypatch):
    db = tmp_path / "m.db"
    for flag in ("--rooms", "--support-rooms", "--user"):
        code, out, err = add(db, capsys, monkeypatch, "--token-env", "X", flag, "#a:b.example", platform="mastodon")
        assert (code, out) == (2, "")
        assert err == f"cmtui: Mastodon accounts take no {flag}\n"
    assert not db.exists()


def test_a_password_is_read_once_never_echoed_and_only_the_token_and_device_are_kept(roomnet, capsys, monkeypatch):
    code, out, err = add(roomnet, capsys, monkeypatch, "--user", "@me:chat.example", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert Roomnet.logins == [("@me:chat.example", PASSWORD)]
    assert credentials_file() == {"accounts": {"me": {"token": "tok-from-password", "device_id": "DEVICE1"}}}
    assert Credentials().device_id("me") == "DEVICE1"
    assert PASSWORD not in out + err
    for path in roomnet.parent.rglob("*"):  # the database, its journal, the config: nowhere
        assert not path.is_file() or PASSWORD.encode() not in path.read_bytes(), path
    assert oct(Credentials().path.stat().st_mode & 0o777) == "0o600"


def test_a_refused_password_or_none_is_one_line_and_nothing_stored(roomnet, capsys, monkeypatch):
    code, out, err = add(roomnet, capsys, monkeypatch, "--user", "@me:chat.example", stdin="wrong\n")
    assert (code, out) == (2, "") and err == "cmtui: Invalid username or password\n"
    code, out, err = add(roomnet, capsys, monkeypatch, "--user", "@me:chat.example", stdin="")
    assert (code, out) == (2, "") and err == "cmtui: no password given\n"
    code, out, err = add(roomnet, capsys, monkeypatch, stdin=PASSWORD + "\n")
    assert (code, out) == (2, "") and err == "cmtui: Roomnet needs --user to sign in with a password (or --token-env)\n"
    assert Roomnet.logins == [("@me:chat.example", "wrong")]
    assert stored(roomnet) is None and credentials_file() == {}


def test_the_credentials_file_keeps_a_device_and_refuses_a_device_that_is_not_text(tmp_path):
    credentials = Credentials(tmp_path)
    credentials.set("a", "t1", "DEV")
    credentials.set("b", "t2")
    assert (credentials.get("a"), credentials.device_id("a"), credentials.device_id("b")) == ("t1", "DEV", None)
    credentials.set("a", "t3")  # signed in again without a device: the old one goes
    assert credentials.device_id("a") is None
    credentials.path.write_text('[accounts.a]\ntoken = "t"\ndevice_id = 3\n')
    with pytest.raises(ConfigError, match="unexpected layout"):
        credentials.get("a")


def test_account_list_shows_places_with_members_and_support(tmp_path, capsys):
    db = tmp_path / "l.db"
    store = Store.open(db)
    store.accounts.add("plain", "mastodon", "https://m.example", handle="me@m.example")
    account = store.accounts.add("rooms", "mastodon", "https://chat.example", handle="@me:chat.example")
    store.accounts.set_places(account.id, [
        Place("!h:x", "Help \x1b[31mdesk", members=12, support=True), Place("!n:x", "", members=1),
        Place("!d1:x", "Ana", members=2, direct=True), Place("!d2:x", "Bo", members=2, direct=True)])
    store.close()
    assert main(["account", "list", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "PLATFORM", "INSTANCE", "HANDLE", "STATE", "LAST", "SYNC", "ERROR"]
    assert len(lines) == 4 and lines[1].startswith("plain") and lines[2].startswith("rooms")
    assert lines[3] == "rooms places: Help desk (12 members, support); !n:x (1 member); 2 direct conversations"
    assert main(["account", "list", "--json", "--db", str(db)]) == 0
    listed = {a["name"]: a["places"] for a in json.loads(capsys.readouterr().out)}
    assert listed["plain"] == [] and [p["name"] for p in listed["rooms"]] == ["Help desk", "", "Ana", "Bo"]


def test_settings_places_are_resolved_once_and_narrow_the_account(roomnet, tmp_path):
    store = Store.open(roomnet)
    account = store.accounts.add("me", "roomnet", "https://chat.example", remote_account_id="@me:chat.example")
    store.accounts.set_options(account.id, {"places": ["!news:chat.example"]})
    credentials = Credentials(tmp_path / "config")
    credentials.set("me", "tok")
    seen = []

    def factory(platform, server, token, **kw):
        connector = Roomnet(server, token, **kw)
        seen.append(connector)
        return connector

    wanted = {"places": ["#help:chat.example"], "support_places": ["#help:chat.example"]}
    settings = Settings(timezone="UTC", accounts={"me": wanted})
    engine = SyncEngine(store, settings, credentials, connector_factory=factory)
    [first] = asyncio.run(engine.run_once())
    [second] = asyncio.run(engine.run_once())
    assert first.ok and second.ok
    assert len(seen) == 3  # the first pass resolved the names with a connector of its own
    assert seen[1].account.options == seen[2].account.options == {
        "places": ["!help:chat.example"], "support_places": ["!help:chat.example"]}
    resolved = [r for r in Roomnet.requests_made if r != "verify"]
    assert resolved == [("resolve", "#help:chat.example")] * 2  # once per list, on the first pass only
    assert first.requests == 3 and second.requests == 1
    # without the settings key, what account add chose counts again
    engine = SyncEngine(store, Settings(timezone="UTC"), credentials, connector_factory=factory)
    asyncio.run(engine.run_once())
    assert seen[-1].account.options == {"places": ["!news:chat.example"]}
    # one not joined: the pass fails with one line naming the settings, nothing changes
    bad = Settings(timezone="UTC", accounts={"me": {"places": ["#gone:chat.example"]}})
    [failed] = asyncio.run(SyncEngine(store, bad, credentials, connector_factory=factory).run_once())
    assert not failed.ok and failed.error == (
        "settings [accounts.me]: the account has not joined #gone:chat.example: join it first")
    store.close()


@pytest.mark.parametrize("content", ['[accounts.me]\nrooms = ["#a:b"]\n', '[accounts.me]\nplaces = "#a:b"\n',
                                     'accounts = 3\n'])
def test_a_bad_accounts_table_in_the_settings_is_one_line(tmp_path, content):
    from cmtui.config import load_settings

    (tmp_path / "settings.toml").write_text(content)
    with pytest.raises(ConfigError, match="accounts"):
        load_settings(tmp_path)
