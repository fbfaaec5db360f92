"""Accounts, sync and replies from the command line, and what the sync engine pulls, against a
real Mastodon-compatible peer (mastodon_mock on 127.0.0.1).

Every name lookup in this module is checked: only this machine may be reached.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import os
import socket
import stat
import threading
import tomllib
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from cmtui.cli import main
from loopback_guard import refuse_lookups
from cmtui.config import Credentials
from cmtui.model import iso, utcnow
from cmtui.store import InboxFilter, Store
from cmtui.sync.connectors.mastodon import oauth
from cmtui.sync.connectors.base import PermanentError
from cmtui.sync.connectors.mastodon import MastodonConnector
from cmtui.sync.engine import SyncEngine

ALL = ("new", "open", "snoozed", "done")
OOB = "urn:ietf:wg:oauth:2.0:oob"


# -- guards and small servers ----------------------------------------------------------------
@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Refuse (and record) any name lookup for a host other than this machine."""
    return refuse_lookups(monkeypatch)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, read back, closed)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@contextmanager
def tiny_server(routes: dict | None = None, default=(200, "text/html; charset=utf-8", b"<html>Welcome</html>")):
    """An HTTP server on 127.0.0.1 answering `routes` {path: (status, type, body)}, else `default`."""
    routes = routes or {}
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            path = urlsplit(self.path).path
            seen.append((self.command, path))
            status, ctype, body = routes.get(path, default)
            body = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        yield url, seen
    finally:
        server.shutdown()
        server.server_close()


# -- the command line ---------------------------------------------------------------------------
def credentials_path() -> Path:
    return Path(os.environ["CMTUI_CONFIG_DIR"]) / "credentials.toml"


def tokens() -> dict[str, str]:
    path = credentials_path()
    if not path.exists():
        return {}
    return {name: entry["token"] for name, entry in tomllib.loads(path.read_text()).get("accounts", {}).items()}


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch):
    """Run `cmtui ARGS --db <tmp>/cli.db`; return (exit code, stdout, stderr)."""
    db = tmp_path / "cli.db"

    def run(*argv, stdin: str | None = None):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin if stdin is not None else ""))
        capsys.readouterr()
        code = main([*argv, "--db", str(db)])
        out, err = capsys.readouterr()
        return code, out, err

    run.db = db
    return run


def add_account(cli, monkeypatch, instance: str, name: str, token: str):
    var = f"CMTUI_TEST_TOKEN_{name.upper()}"
    monkeypatch.setenv(var, token)
    return cli("account", "add", "mastodon", name, "--instance", instance, "--token-env", var)


def accounts_json(cli) -> list[dict]:
    code, out, err = cli("account", "list", "--json")
    assert code == 0, err
    return json.loads(out)


def inbox_json(cli) -> list[dict]:
    code, out, err = cli("inbox", "list", "--state", "all", "--json")
    assert code == 0, err
    return json.loads(out)


def outbox_json(cli) -> list[dict]:
    code, out, err = cli("outbox", "list", "--json")
    assert code == 0, err
    return json.loads(out)


def host_of(peer) -> str:
    return urlsplit(peer.base_url).netloc


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("cmtui: ") and "Traceback" not in err
    return lines[0]


# -- peer helpers (as the other users of the instance) -------------------------------------------
def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def oauth_token(peer, username: str) -> str:
    """A fresh token minted by the server's OAuth endpoint (gone after the next reset)."""
    response = peer.http.post("/oauth/token", data={"grant_type": "authorization_code",
                                                    "code": f"mockcode_{username}", "redirect_uri": OOB})
    response.raise_for_status()
    return response.json()["access_token"]


def revoke(peer, token: str) -> None:
    peer.http.post("/oauth/revoke", data={"token": token}).raise_for_status()


def act(peer, token: str, method: str, path: str, **body) -> dict:
    response = peer.http.request(method, path, headers=auth(token), json=body or None)
    response.raise_for_status()
    return response.json()


def server_time(text: str) -> str:
    return iso(datetime.fromisoformat(text.replace("Z", "+00:00")))


# ================================================================================================
# cmtui account add / list / remove
# ================================================================================================
def test_account_add_with_token_env(cli, monkeypatch, peer):
    code, out, err = add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")
    assert code == 0, err
    assert err == f"cmtui: new database at {cli.db}\n"  # the first command on a path says it starts one
    assert out.splitlines() == [f"added ada: ada@{host_of(peer)} on {peer.base_url} (3 followers, admin)"]

    code, out, err = cli("account", "list", "--json")
    assert code == 0 and "ada_token" not in out + err
    [account] = json.loads(out)
    assert account["name"] == "ada" and account["platform"] == "mastodon"
    assert account["instance"] == peer.base_url
    assert account["state"] == "idle" and account["last_error"] is None
    assert account["handle"] == f"ada@{host_of(peer)}"
    assert account["admin"] is True
    assert account["limits"]["max_chars"] == 500  # what the instance advertises
    code, table, _ = cli("account", "list")
    assert code == 0 and "ada_token" not in table and f"ada@{host_of(peer)}" in table

    path = credentials_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tokens() == {"ada": "ada_token"}
    db_files = list(cli.db.parent.glob(cli.db.name + "*"))
    assert cli.db in db_files
    for file in db_files:
        assert b"ada_token" not in file.read_bytes(), file


def test_account_add_with_oauth_out_of_band(cli, monkeypatch, peer):
    seen = {}
    real_finish = oauth.finish

    def spy(pending, code, timeout=30.0):
        seen["pending"], seen["code"] = pending, code
        return real_finish(pending, code, timeout)

    monkeypatch.setattr(oauth, "finish", spy)
    code, out, err = cli("account", "add", "mastodon", "grace", "--instance", peer.base_url,
                         stdin="mockcode_grace\n")
    assert code == 0, err
    url, added = out.splitlines()
    assert "code_challenge=" in url and "code_challenge_method=S256" in url and "response_type=code" in url
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == peer.base_url and parts.path == "/oauth/authorize"
    query = parse_qs(parts.query)
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [OOB]
    assert set(query["scope"][0].split()) >= {"read", "write"}
    # PKCE: the challenge in the URL is S256 of the verifier sent with the code.
    verifier = seen["pending"].verifier
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert query["code_challenge"] == [expected] and query["client_id"] == [seen["pending"].client_id]
    assert seen["code"] == "mockcode_grace"
    assert "Open this address" in err and "authorization code" in err
    # The page the user opens exists on the server and offers the sign-in.
    page = peer.http.get(url[len(peer.base_url):])
    assert page.status_code == 200 and 'value="grace"' in page.text

    assert added == f"added grace: grace@{host_of(peer)} on {peer.base_url} (2 followers)"
    [account] = accounts_json(cli)
    assert account["name"] == "grace" and account["handle"] == f"grace@{host_of(peer)}"
    assert account["admin"] is False
    token = tokens()["grace"]
    assert token and token != "grace_token"  # minted by the server for cmtui
    assert peer.me(token)["username"] == "grace"
    assert stat.S_IMODE(credentials_path().stat().st_mode) == 0o600


def _html(stack):
    return stack.enter_context(tiny_server())[0]


def _not_found(stack):
    return stack.enter_context(tiny_server(default=(404, "text/html", b"<h1>Not Found</h1>")))[0]


def _json_not_mastodon(stack):
    return stack.enter_context(tiny_server(default=(200, "application/json", {"hello": "world"})))[0]


# (instance, name, token: str for --token-env / None for OAuth / "" empty / UNSET, stdin, message)
UNSET = object()
BAD_ADDS = [
    pytest.param("not a url", "other", "ada_token", None, "not a url", id="malformed-spaces"),
    pytest.param("ftp://x", "other", "ada_token", None, "is not an instance URL", id="malformed-scheme"),
    pytest.param("https://", "other", "ada_token", None, "is not an instance URL", id="malformed-no-host"),
    pytest.param("http://mastodon.example", "other", "ada_token", None, "plain http", id="plain-http"),
    pytest.param("{peer}/api/v1", "other", "ada_token", None, "has a path", id="path"),
    pytest.param("https://mastodon.example/@ada", "other", "ada_token", None, "has a path", id="path-profile"),
    pytest.param("{dead}", "other", "ada_token", None, "cannot reach 127.0.0.1:", id="dead-instance"),
    pytest.param(_html, "other", "ada_token", None, "does not look like a Mastodon server", id="html-200"),
    pytest.param(_not_found, "other", "ada_token", None, "does not look like a Mastodon server", id="html-404"),
    pytest.param(_json_not_mastodon, "other", "ada_token", None, "does not look like a Mastodon server",
                 id="json-not-mastodon"),
    pytest.param(_html, "other", None, "code\n", "does not look like a Mastodon server", id="oauth-html-200"),
    pytest.param(_not_found, "other", None, "code\n", "does not look like a Mastodon server", id="oauth-404"),
    pytest.param("{dead}", "other", None, "code\n", "cannot reach", id="oauth-dead-instance"),
    pytest.param("{peer}", "other", "nope", None, "token was refused", id="wrong-token"),
    pytest.param("{peer}", "other", "", None, "is not set or empty", id="empty-env-var"),
    pytest.param("{peer}", "other", UNSET, None, "is not set or empty", id="unset-env-var"),
    pytest.param("{peer}", "ada", "grace_token", None, "that token belongs to grace", id="duplicate-name"),
    pytest.param("{peer}", "other", None, "\n", "no authorization code", id="oauth-empty-code"),
    pytest.param("{peer}", "other", None, "", "no authorization code", id="oauth-no-input"),
    pytest.param("{peer}", "other", None, "not-a-code\n", "refused", id="oauth-wrong-code"),
    pytest.param("{peer}", "bad name!", "ada_token", None, "not a usable account name", id="bad-name"),
]


@pytest.mark.parametrize("instance, name, token, stdin, message", BAD_ADDS)
def test_account_add_refuses_bad_input(cli, monkeypatch, peer, instance, name, token, stdin, message):
    code, _, err = add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")
    assert code == 0, err
    before_accounts = accounts_json(cli)
    before_credentials = credentials_path().read_bytes()

    with ExitStack() as stack:
        if callable(instance):
            url = instance(stack)
        else:
            url = instance.format(peer=peer.base_url, dead=f"http://127.0.0.1:{closed_port()}")
        argv = ["account", "add", "mastodon", name, "--instance", url]
        if token is UNSET:
            monkeypatch.delenv("CMTUI_TEST_TOKEN_UNSET", raising=False)
            argv += ["--token-env", "CMTUI_TEST_TOKEN_UNSET"]
        elif token is not None:
            monkeypatch.setenv("CMTUI_TEST_TOKEN_OTHER", token)
            argv += ["--token-env", "CMTUI_TEST_TOKEN_OTHER"]
        code, out, err = cli(*argv, stdin=stdin)

    assert code == 2, (out, err)
    if token is None:  # the OAuth prompt comes first (ended by a newline when stdin is not a terminal)
        err = err.split("paste the authorization code here:")[-1].lstrip(" \n")
    line = one_line(err)
    assert message in line, line
    if isinstance(token, str) and token:
        assert token not in line  # a refused token is never echoed
    if token is None and "/oauth/authorize?" in out:
        assert len(out.splitlines()) == 1  # just the address to open
    else:
        assert out == ""
    assert accounts_json(cli) == before_accounts
    assert credentials_path().read_bytes() == before_credentials


def test_malformed_instance_url_is_refused_before_any_lookup(cli, monkeypatch, loopback_only):
    monkeypatch.setenv("CMTUI_TEST_TOKEN", "whatever")
    code, out, err = cli("account", "add", "mastodon", "other", "--instance", "not a url",
                         "--token-env", "CMTUI_TEST_TOKEN")
    assert code == 2
    assert loopback_only == []
    assert "is not an instance URL" in one_line(err)


def test_account_remove(cli, monkeypatch, peer):
    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    assert add_account(cli, monkeypatch, peer.base_url, "grace", "grace_token")[0] == 0
    peer.post("grace_token", "@ada one")
    peer.post("alan_token", "@ada two")
    peer.post("ada_token", "@grace three")
    code, _, err = cli("sync", "--once")
    assert code == 0, err
    items = inbox_json(cli)
    assert sorted(i["account"] for i in items) == ["ada", "ada", "grace"]
    reply_to = next(i for i in items if i["account"] == "ada")
    assert cli("inbox", "reply", str(reply_to["id"]), "thanks")[0] == 0

    code, out, err = cli("account", "remove", "ada")
    assert code == 0, err
    assert out.splitlines() == ["removed ada and its 2 inbox item(s); 1 unsent operation(s) dropped"]
    assert [a["name"] for a in accounts_json(cli)] == ["grace"]
    assert tokens() == {"grace": "grace_token"}
    assert [i["account"] for i in inbox_json(cli)] == ["grace"]
    assert outbox_json(cli) == []

    before = credentials_path().read_bytes()
    code, out, err = cli("account", "remove", "ada")
    assert code == 2 and out == ""
    assert "unknown account 'ada'" in one_line(err)
    assert credentials_path().read_bytes() == before
    assert [a["name"] for a in accounts_json(cli)] == ["grace"]


def test_account_limits_come_from_the_instance(cli, monkeypatch):
    """A small instance that allows 100 characters: replies are checked against its limit."""
    me = {"id": "7", "username": "tiny", "acct": "tiny", "display_name": "Tiny", "followers_count": 5,
          "following_count": 1, "statuses_count": 0}
    instance = {"domain": "tiny.example", "configuration": {
        "statuses": {"max_characters": 100, "characters_reserved_per_url": 23}}}
    routes = {"/api/v1/accounts/verify_credentials": (200, "application/json", me),
              "/api/v2/instance": (200, "application/json", instance)}
    with tiny_server(routes, default=(404, "application/json", {"error": "Record not found"})) as (url, _):
        code, out, err = add_account(cli, monkeypatch, url, "tiny", "tiny_token")
    assert code == 0, err
    [account] = accounts_json(cli)
    assert account["limits"]["max_chars"] == 100
    store = Store.open(cli.db)
    try:
        item_id = store.inbox.insert(store.accounts.get("tiny").id, kind="mention", remote_id="99",
                                     author="bob@elsewhere.example", text="@tiny hi?", created_at=iso(utcnow()))
    finally:
        store.close()
    # The reply starts "@bob@elsewhere.example ", which counts as "@bob " (5) as on Mastodon.
    code, _, err = cli("inbox", "reply", str(item_id), "x" * 96)
    assert code == 2 and "101 characters, over the limit of 100" in one_line(err)
    assert outbox_json(cli) == []
    code, _, err = cli("inbox", "reply", str(item_id), "x" * 95)
    assert code == 0, err
    [op] = outbox_json(cli)
    assert op["payload"]["text"] == "@bob@elsewhere.example " + "x" * 95


# ================================================================================================
# cmtui sync --once
# ================================================================================================
def test_sync_once_every_account_synced(cli, monkeypatch, peer):
    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    assert add_account(cli, monkeypatch, peer.base_url, "grace", "grace_token")[0] == 0
    peer.post("grace_token", "@ada is the export broken?")
    peer.post("ada_token", "@grace can you look at the export?")
    code, out, err = cli("sync", "--once")
    assert code == 0, err
    assert sorted(out.splitlines()) == ["ada: 1 new item, 3 favourites/boosts/follows",
                                        "grace: 1 new item, 2 favourites/boosts/follows"]
    items = {i["account"]: i for i in inbox_json(cli)}
    assert items["ada"]["text"] == "@ada is the export broken?" and items["ada"]["author"].startswith("grace@")
    assert items["grace"]["text"] == "@grace can you look at the export?"
    for account in accounts_json(cli):
        assert account["state"] == "idle" and account["last_sync_at"] and account["last_error"] is None
    code, out, _ = cli("sync", "--once")
    assert code == 0 and sorted(out.splitlines()) == ["ada: 0 new items", "grace: 0 new items"]


def test_sync_once_reports_a_revoked_token_and_syncs_the_others(cli, monkeypatch, peer):
    code, _, err = cli("account", "add", "mastodon", "ada", "--instance", peer.base_url, stdin="mockcode_ada\n")
    assert code == 0, err
    assert add_account(cli, monkeypatch, peer.base_url, "grace", "grace_token")[0] == 0
    revoke(peer, tokens()["ada"])  # the user revoked cmtui's access on the instance
    peer.post("alan_token", "@grace @ada are you both there?")
    code, out, err = cli("sync", "--once")
    assert code == 1
    assert out.splitlines() == ["grace: 1 new item, 2 favourites/boosts/follows"]
    [line] = [line for line in err.splitlines() if line.startswith("cmtui: ada:")]
    assert "refused the token" in line and "401" in line
    items = inbox_json(cli)
    assert [(i["account"], i["text"]) for i in items] == [("grace", "@grace @ada are you both there?")]
    state = {a["name"]: a for a in accounts_json(cli)}
    assert state["ada"]["state"] == "error" and "401" in state["ada"]["last_error"]
    assert state["ada"]["last_sync_at"] is None
    assert state["grace"]["state"] == "idle" and state["grace"]["last_sync_at"]
    # An entry changed by hand in the credentials file fails the same way.
    Credentials().set("grace", "not-a-valid-token")
    code, out, err = cli("sync", "--once")
    assert code == 1 and out == ""
    assert {line.split(":")[1].strip() for line in err.splitlines() if line.startswith("cmtui: ")} >= {"ada", "grace"}


def test_sync_once_rate_limited(cli, monkeypatch, peer):
    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    peer.post("grace_token", "@ada hello")
    peer.fault({"type": "ratelimit", "headers": {"Retry-After": "120"}}, path="/api/v1/notifications", count=1)
    code, out, err = cli("sync", "--once")
    assert code == 1 and out == ""
    assert "asks us to slow down until" in one_line(err)
    [account] = accounts_json(cli)
    assert account["state"] == "idle" and "slow down" in account["last_error"]
    assert inbox_json(cli) == []


def test_sync_once_without_a_token_for_the_account(cli, monkeypatch, peer):
    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    Credentials().remove("ada")
    code, out, err = cli("sync", "--once")
    assert code == 1 and out == ""
    line = one_line(err)
    assert "no token for 'ada'" in line and f"cmtui account add mastodon ada --instance {peer.base_url}" in line
    assert accounts_json(cli)[0]["state"] == "error"


def test_the_advice_for_a_missing_token_works(cli, monkeypatch, peer):
    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    Credentials().remove("ada")
    assert cli("sync", "--once")[0] == 1
    code, out, err = add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")
    assert code == 0, err
    assert tokens() == {"ada": "ada_token"}
    assert cli("sync", "--once")[0] == 0


def test_sync_once_does_not_log_every_request(cli, monkeypatch, peer):
    import subprocess
    import sys

    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    peer.post("grace_token", "@ada hello")
    done = subprocess.run([sys.executable, "-m", "cmtui", "sync", "--once", "--db", str(cli.db)],
                          capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ada: 1 new item, 3 favourites/boosts/follows"]
    assert "HTTP Request" not in done.stderr and "/api/v1/" not in done.stderr, done.stderr


def test_sync_once_offline_instance(cli, monkeypatch, peer):
    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    store = Store.open(cli.db)
    try:
        store.conn.execute("UPDATE accounts SET server = ? WHERE name = 'ada'",
                           (f"http://127.0.0.1:{closed_port()}",))
    finally:
        store.close()
    code, out, err = cli("sync", "--once")
    assert code == 1 and out == ""
    assert "cannot reach 127.0.0.1:" in one_line(err)
    assert accounts_json(cli)[0]["state"] == "offline"


def test_sync_once_one_account_and_unknown_account(cli, monkeypatch, peer):
    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    assert add_account(cli, monkeypatch, peer.base_url, "grace", "grace_token")[0] == 0
    peer.post("alan_token", "@grace @ada hello both")
    code, out, err = cli("sync", "--once", "--account", "grace")
    assert code == 0, err
    assert out.splitlines() == ["grace: 1 new item, 2 favourites/boosts/follows"]
    assert [i["account"] for i in inbox_json(cli)] == ["grace"]
    state = {a["name"]: a for a in accounts_json(cli)}
    assert state["ada"]["last_sync_at"] is None and state["grace"]["last_sync_at"]

    code, out, err = cli("sync", "--once", "--account", "nobody")
    assert code == 2 and out == ""
    assert "unknown account 'nobody'" in one_line(err)
    assert [i["account"] for i in inbox_json(cli)] == ["grace"]


def test_sync_once_without_accounts(cli):
    Store.open(cli.db).close()
    code, out, err = cli("sync", "--once")
    assert code == 0 and out == ""
    assert "no accounts to sync" in one_line(err)


# ================================================================================================
# cmtui inbox reply
# ================================================================================================
def test_inbox_reply_is_queued_then_sent(cli, monkeypatch, peer):
    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    question = peer.post("grace_token", "@ada is there a dark mode?", visibility="unlisted")
    assert cli("sync", "--once")[0] == 0
    [item] = inbox_json(cli)
    assert item["remote_id"] == question["id"] and item["state"] == "new"

    code, out, err = cli("inbox", "reply", str(item["id"]), "yes: Settings, Appearance")
    assert code == 0, err
    [op] = outbox_json(cli)
    assert out.splitlines() == [f"reply queued as outbox operation {op['id']}; the next sync sends it"]
    assert op["kind"] == "reply" and op["state"] == "pending" and op["attempts"] == 0
    assert op["account"] == "ada" and op["item_id"] == item["id"]
    assert op["payload"]["in_reply_to_id"] == question["id"]
    assert op["payload"]["visibility"] == "unlisted"
    assert op["payload"]["text"] == f"@{item['author']} yes: Settings, Appearance"
    assert inbox_json(cli)[0]["state"] == "open"
    assert not [s for s in peer.statuses("ada_token") if s["in_reply_to_id"] == question["id"]]

    code, out, err = cli("sync", "--once")
    assert code == 0, err
    assert out.splitlines() == ["ada: 0 new items, 1 sent"]
    replies = [s for s in peer.statuses("ada_token") if s["in_reply_to_id"] == question["id"]]
    assert len(replies) == 1 and "yes: Settings, Appearance" in replies[0]["content"]
    assert replies[0]["visibility"] == "unlisted"
    [op] = outbox_json(cli)
    assert op["state"] == "done" and op["attempts"] == 1 and op["result"]["remote_id"] == replies[0]["id"]
    assert inbox_json(cli)[0]["answered_at"] == server_time(replies[0]["created_at"])
    # Nothing goes twice.
    assert cli("sync", "--once")[0] == 0
    assert len([s for s in peer.statuses("ada_token") if s["in_reply_to_id"] == question["id"]]) == 1


@pytest.mark.parametrize("item_id, text, message", [
    pytest.param("99999", "hello", "no inbox item with id 99999", id="unknown-id"),
    pytest.param("abc", "hello", "is not an inbox item id", id="non-numeric-id"),
    pytest.param("{item}", "", "the reply is empty", id="empty-text"),
    pytest.param("{item}", "   \n ", "the reply is empty", id="blank-text"),
    pytest.param("{item}", "x" * 501, "over the limit of 500", id="too-long"),
    # 495 characters, but the reply also carries "@grace@127.0.0.1:PORT " (counted as "@grace:PORT ")
    pytest.param("{item}", "y" * 495, "over the limit of 500", id="too-long-with-mention"),
])
def test_inbox_reply_refuses_bad_input(cli, monkeypatch, peer, item_id, text, message):
    assert add_account(cli, monkeypatch, peer.base_url, "ada", "ada_token")[0] == 0
    peer.post("grace_token", "@ada hello?")
    assert cli("sync", "--once")[0] == 0
    [item] = inbox_json(cli)
    code, out, err = cli("inbox", "reply", item_id.format(item=item["id"]), text)
    assert code == 2 and out == ""
    assert message in one_line(err)
    assert outbox_json(cli) == []
    assert inbox_json(cli)[0]["state"] == "new"


# ================================================================================================
# What a pass pulls (the engine, as `cmtui sync` runs it)
# ================================================================================================
class Recorder(httpx.AsyncBaseTransport):
    """Passes requests on to the network and notes (method, path) of each."""

    def __init__(self, log: list):
        self.inner = httpx.AsyncHTTPTransport()
        self.log = log

    async def handle_async_request(self, request):
        self.log.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    async def aclose(self):
        await self.inner.aclose()


@pytest.fixture
def env(sync_env):
    """The shared sync set-up (conftest.sync_env)."""
    return sync_env


def engine_for(env, log: list | None = None, **kw) -> SyncEngine:
    store, settings, credentials = env

    def factory(platform, instance, token, **options):
        return MastodonConnector(instance, token, transport=Recorder(log if log is not None else []), **options)

    return SyncEngine(store, settings, credentials, connector_factory=factory, timeout=10.0, **kw)


def run(engine, names=None):
    results = asyncio.run(engine.run_once(names))
    for result in results:
        assert result.ok, result.error
    return results


def items(store) -> list:
    return store.inbox.page(InboxFilter(states=ALL), 0, 10_000)


def item_row(store, item_id: int):
    return store.conn.execute("SELECT * FROM inbox_items WHERE id = ?", (item_id,)).fetchone()


def post_mentions(peer, count: int, start: int = 0) -> list[dict]:
    posters = ("grace_token", "alan_token", "katherine_token")
    return [peer.post(posters[n % 3], f"@ada question number {n}?") for n in range(start, start + count)]


def test_backfill_over_pages_then_incremental_passes(env, peer):
    store = env[0]
    posted = post_mentions(peer, 100)
    log: list = []
    [first] = run(engine_for(env, log))
    assert first.new_items == 100
    rows = items(store)
    assert len(rows) == 100
    assert sorted(r["remote_id"] for r in rows) == sorted(p["id"] for p in posted)
    assert {r["author"].split("@")[0] for r in rows} == {"grace", "alan", "katherine"}
    notification_gets = [entry for entry in log if entry[1] == "/api/v1/notifications"]
    assert len(notification_gets) >= 3  # 103 notifications, at most 40 a page
    assert first.requests == len(log)

    more = post_mentions(peer, 5, start=100)
    [second] = run(engine_for(env))
    assert second.new_items == 5
    assert len(items(store)) == 105
    assert {p["id"] for p in more} <= {r["remote_id"] for r in items(store)}

    # A gap larger than one page of the server is walked forward page by page.
    many = post_mentions(peer, 45, start=105)
    [third] = run(engine_for(env))
    assert third.new_items == 45
    remote_ids = [r["remote_id"] for r in items(store)]
    assert len(remote_ids) == len(set(remote_ids)) == 150
    assert {p["id"] for p in many} <= set(remote_ids)

    log.clear()
    [idle] = run(engine_for(env, log))
    me = peer.me("ada_token")
    assert idle.new_items == 0 and idle.events == 0
    assert idle.requests == 3
    assert sorted(log) == sorted([("GET", "/api/v1/accounts/verify_credentials"),
                                  ("GET", "/api/v1/notifications"),
                                  ("GET", f"/api/v1/accounts/{me['id']}/statuses")])
    assert len(items(store)) == 150


class FailOnce(Recorder):
    """Like Recorder, but the network drops the `nth` request to `path` (1-based)."""

    def __init__(self, log: list, path: str, nth: int):
        super().__init__(log)
        self.path, self.nth, self.seen = path, nth, 0

    async def handle_async_request(self, request):
        if request.url.path == self.path:
            self.seen += 1
            if self.seen == self.nth:
                raise httpx.ConnectError("connection reset by the test", request=request)
        return await super().handle_async_request(request)


def test_interrupted_backfill_starts_again_without_gaps_or_duplicates(env, peer):
    store, settings, credentials = env
    posted = post_mentions(peer, 100)

    def failing(platform, instance, token, **options):
        return MastodonConnector(instance, token, transport=FailOnce([], "/api/v1/notifications", 2), **options)

    engine = SyncEngine(store, settings, credentials, connector_factory=failing, timeout=10.0)
    [broken] = asyncio.run(engine.run_once())
    assert not broken.ok and broken.state == "offline" and "connection reset" in broken.error
    assert store.accounts.get("ada").sync_state == "offline"
    assert store.accounts.cursor(store.accounts.get("ada").id, "notifications") is None  # no gap left behind
    assert 0 < len(items(store)) < 100  # the first page was kept
    [again] = run(engine_for(env))
    remote_ids = [r["remote_id"] for r in items(store)]
    assert len(remote_ids) == len(set(remote_ids)) == 100
    assert set(remote_ids) == {p["id"] for p in posted}
    assert again.new_items == 100 - broken.new_items
    assert store.accounts.cursor(store.accounts.get("ada").id, "notifications") is not None
    assert store.accounts.get("ada").sync_state == "idle"


def test_favourites_boosts_and_follows_become_account_events(env, peer):
    store = env[0]
    own = peer.post("ada_token", "Release 2.0 is out")
    act(peer, "grace_token", "POST", f"/api/v1/statuses/{own['id']}/favourite")
    act(peer, "alan_token", "POST", f"/api/v1/statuses/{own['id']}/reblog")
    [result] = run(engine_for(env))
    assert result.events == 5 and result.new_items == 0
    rows = store.conn.execute("SELECT kind, actor, post_remote_id FROM account_events ORDER BY kind, actor"
                              ).fetchall()
    host = host_of(peer)
    assert [tuple(r) for r in rows] == [  # Mastodon's favourite and reblog, in neutral words
        ("follow", f"alan@{host}", None), ("follow", f"grace@{host}", None), ("follow", f"katherine@{host}", None),
        ("like", f"grace@{host}", own["id"]),
        ("share", f"alan@{host}", own["id"]),
    ]
    assert items(store) == []
    act(peer, "katherine_token", "POST", f"/api/v1/statuses/{own['id']}/favourite")
    [again] = run(engine_for(env))
    assert again.events == 1
    assert store.conn.execute("SELECT count(*) FROM account_events").fetchone()[0] == 6
    stats = store.conn.execute("SELECT likes, shares FROM post_stats WHERE remote_id = ?", (own["id"],)
                               ).fetchone()
    assert tuple(stats) == (2, 1)


def test_remote_edit_updates_text_and_keeps_triage_state(env, peer):
    store = env[0]
    status = peer.post("grace_token", "@ada how do I export my notes?")
    run(engine_for(env))
    [item] = items(store)
    store.inbox.set_state(item["id"], "done")
    act(peer, "grace_token", "PUT", f"/api/v1/statuses/{status['id']}", status="@ada how do I export to PDF?")
    engine = engine_for(env)
    asyncio.run(engine.fetch_thread(item["id"]))
    row = item_row(store, item["id"])
    assert row["text"] == "@ada how do I export to PDF?"
    assert row["state"] == "done" and row["done_at"] is not None
    assert row["edited_at"] is not None
    # A later pass does not bring the old text back.
    run(engine)
    assert item_row(store, item["id"])["text"] == "@ada how do I export to PDF?"
    assert len(items(store)) == 1


def test_status_deleted_on_the_server_is_marked_not_removed(env, peer, capsys):
    store = env[0]
    status = peer.post("grace_token", "@ada oops, wrong account")
    run(engine_for(env))
    [item] = items(store)
    store.inbox.set_state(item["id"], "open")
    act(peer, "grace_token", "DELETE", f"/api/v1/statuses/{status['id']}")
    engine = engine_for(env)
    with pytest.raises(PermanentError) as exc:
        asyncio.run(engine.fetch_thread(item["id"]))
    assert exc.value.status == 404
    row = item_row(store, item["id"])
    assert row is not None and row["deleted_at"] is not None
    assert row["state"] == "open" and row["text"] == "@ada oops, wrong account"
    [result] = run(engine)  # the notification is still there, its status null: skipped
    assert result.new_items == 0 and len(items(store)) == 1
    # Such an item cannot be answered any more.
    code, out, err = main_with_db(capsys, store, "inbox", "reply", str(item["id"]), "sure")
    assert code == 2 and "was deleted" in one_line(err)
    assert store.outbox.list() == []


def main_with_db(capsys, store, *argv):
    """Run the command line on the env store's database file."""
    capsys.readouterr()
    code = main([*argv, "--db", str(store.path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_our_reply_on_the_server_marks_the_item_answered(env, peer):
    store = env[0]
    question = peer.post("grace_token", "@ada does sync work offline?")
    run(engine_for(env))
    [item] = items(store)
    assert item["answered_at"] is None
    answer = peer.post("ada_token", "@grace yes, it catches up later", in_reply_to_id=question["id"])
    [result] = run(engine_for(env))
    assert result.new_items == 0
    assert item_row(store, item["id"])["answered_at"] == server_time(answer["created_at"])


def test_first_backfill_is_bounded_by_backfill_days(env, peer, tmp_path):
    store = env[0]
    post_mentions(peer, 3)
    [result] = run(engine_for(env, clock=lambda: utcnow() + timedelta(days=40)))
    assert result.new_items == 0 and result.events == 0
    assert items(store) == []
    assert store.conn.execute("SELECT count(*) FROM account_events").fetchone()[0] == 0
    assert store.accounts.cursor(store.accounts.get("ada").id, "notifications") is not None
    # The same server, today: the three mentions are within the window.
    other = Store.open(tmp_path / "control.db")
    try:
        other.accounts.add("ada", "mastodon", peer.base_url, remote_account_id=peer.me("ada_token")["id"])
        [control] = run(engine_for((other, env[1], env[2])))
        assert control.new_items == 3
    finally:
        other.close()


# ================================================================================================
# Posts from the calendar
# ================================================================================================
def _queue_post(store, text: str, scheduled_at: str | None = None) -> tuple[int, int]:
    account = store.accounts.get("ada")
    entry_id = store.entries.add(account.id, text, "approved", who="test", scheduled_at=scheduled_at)
    payload = {"text": text, "visibility": "public"}
    if scheduled_at:
        payload["scheduled_at"] = scheduled_at
    with store.transaction():
        op_id = store.outbox.enqueue(account.id, "post", payload, entry_id=entry_id)
    return entry_id, op_id


def test_post_scheduled_on_the_server(env, peer):
    store = env[0]
    when = iso(utcnow() + timedelta(minutes=10))
    entry_id, op_id = _queue_post(store, "Office hours on Friday", when)
    [result] = run(engine_for(env))
    assert result.sent == 1 and result.failed == []
    [scheduled] = peer.scheduled("ada_token")
    assert scheduled["params"]["text"] == "Office hours on Friday"
    assert server_time(scheduled["scheduled_at"]) == when
    entry = store.entries.get(entry_id)
    assert entry["status"] == "scheduled" and entry["server_scheduled_id"] == scheduled["id"]
    assert entry["remote_id"] is None and entry["published_at"] is None
    assert [(t["from_status"], t["to_status"]) for t in store.entries.transitions(entry_id)] == [
        (None, "approved"), ("approved", "scheduled")]
    assert store.outbox.get(op_id)["state"] == "done"
    assert not [s for s in peer.statuses("ada_token") if "Office hours" in s["content"]]
    run(engine_for(env))
    assert len(peer.scheduled("ada_token")) == 1


def test_post_without_time_is_published_once(env, peer):
    store = env[0]
    entry_id, op_id = _queue_post(store, "Version 3 is out today")
    [result] = run(engine_for(env))
    assert result.sent == 1
    [status] = [s for s in peer.statuses("ada_token") if "Version 3 is out today" in s["content"]]
    entry = store.entries.get(entry_id)
    assert entry["status"] == "published"
    assert entry["remote_id"] == status["id"] and entry["url"] == status["url"]
    assert entry["published_at"] == server_time(status["created_at"])
    assert peer.scheduled("ada_token") == []
    run(engine_for(env))
    assert len([s for s in peer.statuses("ada_token") if "Version 3 is out today" in s["content"]]) == 1
    assert store.outbox.get(op_id)["attempts"] == 1
