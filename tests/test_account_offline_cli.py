"""`cmtui account add PLATFORM NAME --offline`: an account to plan for before its credentials
arrive, and adding it again with a token connects it (against mastodon_mock on loopback):
the post whose time passed while it was offline goes out at the next sync, exactly once."""

from __future__ import annotations

import io
import json
import os
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from cmtui.cli import main
from cmtui.config import Settings
from cmtui.planning import entries as E
from cmtui.model import utcnow
from cmtui.store import Store
from loopback_guard import refuse_lookups

@pytest.fixture(autouse=True)
def no_lookups(monkeypatch):
    """An offline add must send nothing: any name lookup but loopback is refused and kept."""
    return refuse_lookups(monkeypatch)


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch):
    db = tmp_path / "cli.db"

    def run(*argv, stdin: str = ""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main([*argv, "--db", str(db)])
        out, err = capsys.readouterr()
        return code, out, err

    run.db = db
    return run


def credentials_file() -> Path:
    return Path(os.environ["CMTUI_CONFIG_DIR"]) / "credentials.toml"


def tokens() -> dict:
    path = credentials_file()
    return tomllib.loads(path.read_text()).get("accounts", {}) if path.exists() else {}


def accounts(cli) -> dict[str, dict]:
    code, out, err = cli("account", "list", "--json")
    assert code == 0, err
    return {a["name"]: a for a in json.loads(out)}


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cmtui: "), err
    return lines[0]


def test_offline_add_stores_an_account_without_a_token_or_a_request(cli, no_lookups):
    code, out, err = cli("account", "add", "mastodon", "launch", "--offline")
    assert code == 0, err
    assert "offline" in out and "not connected" in out
    code, out, err = cli("account", "add", "mastodon", "later", "--offline", "--instance", "https://social.example/")
    assert code == 0, err
    found = accounts(cli)
    assert found["launch"]["offline"] is True and found["launch"]["instance"] == ""
    assert found["later"]["instance"] == "https://social.example" and found["later"]["handle"] is None
    assert no_lookups == [] and tokens() == {}
    code, out, _ = cli("account", "list")
    [line] = [ln for ln in out.splitlines() if ln.startswith("launch")]
    assert "(not connected)" in line and "offline" in line


@pytest.mark.parametrize("argv, message", [
    pytest.param(["--instance", "not a url"], "not an instance URL", id="bad-url"),
    pytest.param(["--token-env", "SOME_VAR"], "--offline takes no --token-env", id="token-env"),
    pytest.param(["--user", "me"], "--offline takes no --user", id="user"),
])
def test_offline_add_refuses_bad_input_in_one_line(cli, argv, message):
    code, _, err = cli("account", "add", "mastodon", "launch", "--offline", *argv)
    assert code == 2 and message in one_error_line(err)
    assert not cli.db.exists() or accounts(cli) == {}


def test_offline_add_refuses_an_existing_name_and_a_bad_name(cli):
    assert cli("account", "add", "mastodon", "launch", "--offline")[0] == 0
    before = accounts(cli)
    code, _, err = cli("account", "add", "matrix", "launch", "--offline")
    assert code == 2 and "already exists" in one_error_line(err)
    code, _, err = cli("account", "add", "mastodon", "bad name!", "--offline")
    assert code == 2 and "not a usable account name" in one_error_line(err)
    assert accounts(cli) == before


def test_connecting_needs_an_instance_and_the_same_platform(cli, monkeypatch, peer):
    assert cli("account", "add", "mastodon", "launch", "--offline")[0] == 0
    monkeypatch.setenv("ADA_TOKEN", "ada_token")
    code, _, err = cli("account", "add", "mastodon", "launch", "--token-env", "ADA_TOKEN")
    assert code == 2 and "needs --instance" in one_error_line(err)
    code, _, err = cli("account", "add", "matrix", "launch", "--instance", peer.base_url, "--token-env", "ADA_TOKEN")
    assert code == 2 and "offline mastodon account" in one_error_line(err)
    assert accounts(cli)["launch"]["offline"] is True and tokens() == {}


def test_a_refused_token_leaves_the_offline_account_as_it_was(cli, monkeypatch, peer):
    assert cli("account", "add", "mastodon", "launch", "--offline")[0] == 0
    assert cli("post", "add", "Planned", "--account", "launch", "--draft")[0] == 0
    before = accounts(cli)
    monkeypatch.setenv("BAD_TOKEN", "not-a-token")
    code, out, err = cli("account", "add", "mastodon", "launch", "--instance", peer.base_url, "--token-env", "BAD_TOKEN")
    assert code == 2 and "the token was refused" in one_error_line(err) and "not-a-token" not in err
    assert accounts(cli) == before and tokens() == {}


def test_offline_then_connected_publishes_what_is_due_once(cli, monkeypatch, peer):
    assert cli("account", "add", "mastodon", "launch", "--offline")[0] == 0
    # `post add` refuses a past time: the due post was planned an hour ago for half an hour
    # ago, as time passing while the account waited offline leaves it.
    real = utcnow()
    store = Store.open(cli.db)
    E.create_entry(store, Settings(timezone="UTC"), text="Was due while offline", account="launch",
                   status="scheduled", when=(real - timedelta(minutes=30)).replace(second=0, microsecond=0),
                   who="ana", now=real - timedelta(hours=1))
    store.close()
    future = (real + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    for argv in (["Later this week", "--at", future], ["Still a draft", "--draft"]):
        code, _, err = cli("post", "add", *argv, "--account", "launch")
        assert code == 0, err
    code, out, err = cli("sync", "--once")
    assert code == 0 and "offline account" in out
    assert [s for s in peer.statuses("ada_token") if "offline" in s["content"]] == []

    monkeypatch.setenv("ADA_TOKEN", "ada_token")
    code, out, err = cli("account", "add", "mastodon", "launch", "--instance", peer.base_url, "--token-env", "ADA_TOKEN")
    assert code == 0, err
    assert out.startswith("connected launch: ada@")
    account = accounts(cli)["launch"]
    assert account["offline"] is False and account["handle"].startswith("ada@")
    assert account["instance"] == peer.base_url and account["limits"].get("max_chars")
    assert tokens()["launch"]["token"] == "ada_token"

    for _ in range(2):  # a second pass sends nothing again
        code, out, err = cli("sync", "--once")
        assert code == 0, err
    published = [s for s in peer.statuses("ada_token") if "Was due while offline" in s["content"]]
    assert len(published) == 1
    assert [s for s in peer.statuses("ada_token") if "Later this week" in s["content"] or "draft" in s["content"]] == []
    assert [s["params"]["text"] for s in peer.scheduled("ada_token")] == ["Later this week"]
    store = Store.open(cli.db)
    try:
        rows = {r["text"]: r for r in store.conn.execute("SELECT text, status, late FROM calendar_entries")}
    finally:
        store.close()
    assert rows["Was due while offline"]["status"] == "published" and rows["Was due while offline"]["late"] == 1
    assert rows["Later this week"]["status"] == "scheduled"
    assert rows["Still a draft"]["status"] == "draft"


def test_account_remove_says_what_it_keeps(cli):
    assert cli("account", "add", "mastodon", "launch", "--offline")[0] == 0
    assert cli("post", "add", "Planned", "--account", "launch", "--draft")[0] == 0
    code, out, err = cli("account", "remove", "launch")
    assert code == 0, err
    assert out.strip() == "removed launch and its 0 inbox item(s); 1 calendar entry kept without an account"
