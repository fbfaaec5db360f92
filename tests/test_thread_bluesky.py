"""A thread posted to Bluesky against the AT Protocol's reference servers on loopback: each
part a post replying to the one before (root: the first part), each once."""

from __future__ import annotations

import os

from matrix_cli_helpers import Cli
import pytest


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> Cli:
    return Cli(tmp_path / "bluesky.db", capsys, monkeypatch)


def test_a_thread_is_a_chain_of_replies_each_posted_once(cli, bluesky_server):
    b = bluesky_server
    me = b.create_account("threader")
    secret = b.app_password(me, f"cmtui-{os.urandom(3).hex()}")
    assert cli("account", "add", "bluesky", "team", "--instance", b.pds_url, "--user", me.handle,
               "--token-env", "BSKY_APP_PASSWORD", env={"BSKY_APP_PASSWORD": secret})[0] == 0
    code, _, err = cli("post", "add", "Part one\n---\nPart two\n---\nPart three", "--account", "team", "--thread")
    assert code == 0, err
    assert cli("sync", "--once")[0] == 0
    assert cli("sync", "--once")[0] == 0  # nothing sent again
    posts = {r["value"]["text"]: r for r in b.list_records(me, "app.bsky.feed.post")}
    assert sorted(posts) == ["Part one", "Part three", "Part two"]
    one, two, three = posts["Part one"], posts["Part two"], posts["Part three"]
    assert "reply" not in one["value"]
    assert two["value"]["reply"]["parent"]["uri"] == one["uri"] and two["value"]["reply"]["root"]["uri"] == one["uri"]
    assert three["value"]["reply"]["parent"]["uri"] == two["uri"]
    assert three["value"]["reply"]["root"]["uri"] == one["uri"]
    [entry] = [e for e in cli.json("calendar", "list") if e["thread"]]
    assert entry["status"] == "published" and entry["remote_id"] == one["uri"]
