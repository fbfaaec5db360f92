"""`cmtui account add bluesky`, `account list` and `post add` against the reference AT Protocol
network on loopback: an app password becomes a session whose tokens alone are kept, and bad
input (a handle, an app password, an address that is not a PDS, a post too long, a flag
Bluesky has no use for) is one line with nothing stored."""

from __future__ import annotations

import time

import pytest

from bluesky_peer import XrpcError, free_port, mention_facets
from matrix_cli_helpers import Cli, credentials

pytestmark = pytest.mark.xdist_group("bluesky")

VAR = "CMTUI_BLUESKY_APP_PASSWORD"


class SkyCli(Cli):
    def add(self, name: str, server, user, *flags: str, secret: str = "", as_user: str | None = None):
        """`account add bluesky NAME` with an app password in a variable."""
        return self("account", "add", "bluesky", name, "--instance", server.pds_url, "--user",
                    as_user or user.handle, "--token-env", VAR, *flags, env={VAR: secret})


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> SkyCli:
    return SkyCli(tmp_path / "sky.db", capsys, monkeypatch)


def known(server, user, timeout: float = 10.0):
    """The account once the AppView has indexed it (it does so after the PDS, asynchronously;
    `account add` reads the profile there)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.xrpc("GET", "app.bsky.actor.getProfile", token=user.access_jwt, params={"actor": user.did})
            return user
        except XrpcError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture
def me(bluesky_server):
    """A new account, known to the AppView, and an app password made for cmtui."""
    user = known(bluesky_server, bluesky_server.create_account("me"))
    return user, bluesky_server.app_password(user)


def test_add_keeps_only_the_session_and_a_sync_brings_a_mention(cli, bluesky_server, me):
    user, secret = me
    fan = known(bluesky_server, bluesky_server.create_account("fan"))
    bluesky_server.follow(fan, user)
    code, out, err = cli.add("sky", bluesky_server, user, secret=secret)
    assert code == 0, err
    assert out == f"added sky: {user.handle} on {bluesky_server.pds_url} (1 follower)\n"
    kept = credentials()["sky"]
    assert set(kept) == {"token", "refresh"} and kept["token"] != kept["refresh"]
    assert secret not in str(credentials()) and secret not in out + err
    assert secret.encode() not in cli.db.read_bytes()
    [account] = cli.json("account", "list")
    assert (account["platform"], account["handle"], account["instance"]) == (
        "bluesky", user.handle, bluesky_server.pds_url)
    assert account["limits"]["max_chars"] == 300

    text = f"@{user.handle} does the beta sync over Wi-Fi only?"
    bluesky_server.post(fan, text, facets=mention_facets(text, user), langs=["en"])
    bluesky_server.wait_for_notifications(user, 2)  # the follow and the mention
    code, out, err = cli("sync", "--once")
    assert code == 0, err
    [account] = cli.json("account", "list")
    assert account["state"] == "idle" and account["last_sync_at"]
    [item] = cli.inbox()
    assert (item["platform"], item["kind"], item["author"], item["text"]) == ("bluesky", "mention", fan.handle, text)
    assert item["remote_id"].startswith(f"at://{fan.did}/app.bsky.feed.post/")
    assert item["url"] == f"https://bsky.app/profile/{fan.handle}/post/{item['remote_id'].rsplit('/', 1)[1]}"


@pytest.mark.parametrize("form", ["@handle", "HANDLE", "did"])
def test_the_user_may_be_given_as_at_handle_in_capitals_or_as_the_did(cli, bluesky_server, me, form):
    user, secret = me
    given = {"@handle": f"@{user.handle}", "HANDLE": user.handle.upper(), "did": user.did}[form]
    code, out, err = cli.add("sky", bluesky_server, user, secret=secret, as_user=given)
    assert code == 0, err
    assert out.startswith(f"added sky: {user.handle} on ")


BAD = [
    pytest.param(lambda b, user: ["--instance", b.pds_url, "--user", "nobody-here.test"],
                 "refused", id="unresolved-handle"),
    pytest.param(lambda b, user: ["--instance", b.pds_url, "--user", "not a handle!"],
                 "is not a Bluesky handle", id="not-a-handle"),
    pytest.param(lambda b, user: ["--instance", b.pds_url, "--user", user.handle, "--token-env", "WRONG"],
                 "refused", id="wrong-app-password"),
    pytest.param(lambda b, user: ["--instance", b.plc_url, "--user", user.handle],
                 "does not look like a Bluesky", id="not-a-pds"),
    pytest.param(lambda b, user: ["--instance", f"http://127.0.0.1:{free_port()}", "--user", user.handle],
                 "cannot reach 127.0.0.1", id="closed-port"),
    pytest.param(lambda b, user: ["--instance", "not a url", "--user", user.handle], "PDS",
                 id="bad-url"),
    pytest.param(lambda b, user: ["--instance", b.pds_url, "--user", user.handle, "--rooms", "#support"],
                 "Bluesky accounts take no --rooms", id="rooms"),
]


@pytest.mark.parametrize("flags, message", BAD)
def test_bad_input_is_one_line_and_changes_nothing(cli, bluesky_server, me, flags, message):
    user, secret = me
    code, _, err = cli.add("first", bluesky_server, user, secret=secret)
    assert code == 0, err
    before = (credentials(), cli.json("account", "list"))
    argv = flags(bluesky_server, user)
    if "--token-env" not in argv:
        argv = [*argv, "--token-env", VAR]
    code, out, err = cli("account", "add", "bluesky", "second", *argv,
                         env={VAR: secret, "WRONG": "abcd-efgh-ijkl-mnop"})
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert secret not in err and "abcd-efgh-ijkl-mnop" not in err and "eyJ" not in err  # no password, no JWT
    assert (credentials(), cli.json("account", "list")) == before


def test_a_post_over_300_graphemes_or_3000_bytes_is_refused_and_one_of_300_goes_out(cli, bluesky_server, me):
    user, secret = me
    assert cli.add("sky", bluesky_server, user, secret=secret)[0] == 0
    clap, family = "👏🏽", "👨‍👩‍👧‍👦"  # one grapheme each: 2 and 7 code points
    for text, problem in [(clap * 301, "301 characters, over the limit of 300 (counted in graphemes"),
                          (family * 150, "3,750 bytes, over Bluesky's limit of 3,000")]:
        code, out, err = cli("post", "add", text, "--account", "sky")
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and problem in err, err
    assert cli.json("calendar", "list") == [] and cli.json("outbox", "list") == []
    code, out, err = cli("post", "add", clap * 300, "--account", "sky")
    assert code == 0, err
    code, out, err = cli("sync", "--once")
    assert code == 0, err
    [entry] = cli.json("calendar", "list")
    assert entry["status"] == "published" and entry["remote_id"].startswith(f"at://{user.did}/app.bsky.feed.post/")
    record = bluesky_server.get_record(entry["remote_id"])
    assert record is not None and record["value"]["text"] == clap * 300
