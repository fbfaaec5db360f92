"""`cmtui account add matrix` and `account list` against a real Synapse on loopback: a token
or a password, the rooms that count, and bad input (one line, nothing stored)."""

from __future__ import annotations

import pytest

from matrix_cli_helpers import cli, credentials  # noqa: F401 (a fixture)
from matrix_peer import PASSWORD, free_port


@pytest.fixture(scope="module")
def ada(matrix_server):
    """The owner of the rooms the accounts under test join."""
    return matrix_server.register("ada")


@pytest.fixture
def rooms(matrix_server, ada):
    """A new user `me` in a support room (with an alias) and a lounge; a room it is not in."""
    me = matrix_server.register("me")
    alias = f"help{me.localpart}"
    support = matrix_server.create_room(ada.access_token, name="Help <desk>", preset="public_chat", alias=alias)
    lounge = matrix_server.create_room(ada.access_token, name="Lounge", preset="public_chat")
    other = matrix_server.create_room(ada.access_token, name="Other", preset="public_chat")
    for room in (support, lounge):
        matrix_server.join(me.access_token, room)
    return me, {"support": support, "lounge": lounge, "other": other,
                "alias": f"#{alias}:{matrix_server.server_name}"}


def test_add_with_a_token_and_rooms_then_list_them_after_a_sync(cli, matrix_server, rooms):
    me, ids = rooms
    code, out, err = cli.add("team", matrix_server, me, "--rooms", f"{ids['lounge']}", "--support-rooms", ids["alias"])
    assert code == 0, err
    assert out == f"added team: {me.user_id} on {matrix_server.base_url} (0 followers, 2 rooms (1 for support))\n"
    [account] = cli.json("account", "list")
    assert (account["platform"], account["handle"], account["places"]) == ("matrix", me.user_id, [])
    assert credentials() == {"team": {"token": me.access_token}}

    code, out, err = cli("sync", "--once")
    assert code == 0, err
    [account] = cli.json("account", "list")
    places = {p["id"]: p for p in account["places"]}
    assert set(places) == {ids["lounge"], ids["support"]}  # the other joined rooms do not count
    assert (places[ids["support"]]["name"], places[ids["support"]]["support"]) == ("Help <desk>", True)
    assert places[ids["lounge"]]["members"] == 2 and not places[ids["lounge"]]["support"]
    code, out, _ = cli("account", "list")
    assert out.splitlines()[-1] == "team rooms: " + "; ".join(
        f"{places[i]['name']} (2 members{', support' if i == ids['support'] else ''})"
        for i in places)


def test_add_with_a_password_keeps_only_the_token_and_the_device(cli, matrix_server, rooms):
    me, ids = rooms
    code, out, err = cli("account", "add", "matrix", "team", "--instance", matrix_server.base_url + "/",
                         "--user", me.user_id, stdin=PASSWORD + "\n")
    assert code == 0, err
    assert out.startswith(f"added team: {me.user_id} on {matrix_server.base_url} (")
    kept = credentials()["team"]
    assert set(kept) == {"token", "device_id"} and kept["token"] != me.access_token
    devices = matrix_server._call("GET", "/_matrix/client/v3/devices", kept["token"])["devices"]
    assert {d["device_id"]: d.get("display_name") for d in devices}[kept["device_id"]] == "cmtui"
    assert PASSWORD not in out + err
    assert PASSWORD.encode() not in cli.db.read_bytes()

    # Again, with rooms now: the same account, a new token, the rooms chosen kept.
    code, out, err = cli.add("team", matrix_server, me, "--rooms", ids["alias"])
    assert code == 0, err
    assert out == f"signed in again as {me.user_id}: new token saved for team\n"
    assert credentials() == {"team": {"token": me.access_token}}
    [account] = cli.json("account", "list")
    assert account["state"] == "idle"


BAD = [
    pytest.param(lambda s, me, ids: ["--instance", f"http://127.0.0.1:{free_port()}", "--user", me.user_id,
                                     "--token-env", "T"], "cannot reach 127.0.0.1", id="no-homeserver"),
    pytest.param(lambda s, me, ids: ["--instance", "not a url", "--user", me.user_id, "--token-env", "T"],
                 "is not a homeserver URL", id="bad-url"),
    pytest.param(lambda s, me, ids: ["--instance", s.base_url, "--user", me.user_id, "--token-env", "BAD"],
                 "the token was refused", id="refused-token"),
    pytest.param(lambda s, me, ids: ["--instance", s.base_url, "--user", me.localpart, "--token-env", "T"],
                 "is not a Matrix user id", id="user-id"),
    pytest.param(lambda s, me, ids: ["--instance", s.base_url, "--user", me.user_id, "--token-env", "T",
                                     "--rooms", ids["other"]], "has not joined", id="unjoined-room"),
    pytest.param(lambda s, me, ids: ["--instance", s.base_url, "--user", me.user_id, "--token-env", "T",
                                     "--support-rooms", f"#nowhere:{s.server_name}"], "M_NOT_FOUND",
                 id="unknown-alias"),
    pytest.param(lambda s, me, ids: ["--instance", s.base_url, "--user", me.user_id], "refused the user name",
                 id="wrong-password"),
    pytest.param(lambda s, me, ids: ["--instance", s.base_url, "--user", me.user_id, "--token-env", "T",
                                     "--offline"], "", id="unknown-flag"),
]


@pytest.mark.parametrize("flags, message", BAD)
def test_bad_input_is_one_line_and_changes_nothing(cli, matrix_server, rooms, flags, message):
    me, ids = rooms
    assert cli.add("first", matrix_server, me)[0] == 0
    before = (cli.db.read_bytes(), credentials(), cli.json("account", "list"))
    try:
        code, out, err = cli("account", "add", "matrix", "second", *flags(matrix_server, me, ids),
                             stdin="not the password\n", env={"T": me.access_token, "BAD": "syt_bad_token"})
    except SystemExit as exc:  # argparse: an unknown flag
        code, out, err = exc.code, "", cli.capsys.readouterr().err
    assert code == 2 and out == ""
    if message:
        assert len(err.strip().splitlines()) == 1 and message in err, err
        assert "syt_bad_token" not in err and me.access_token not in err
    assert (credentials(), cli.json("account", "list")) == before[1:]


def test_a_password_sign_in_for_an_account_not_added_leaves_no_device_behind(cli, matrix_server, rooms):
    me, ids = rooms
    devices_before = {d["device_id"] for d in
                      matrix_server._call("GET", "/_matrix/client/v3/devices", me.access_token)["devices"]}
    code, out, err = cli("account", "add", "matrix", "team", "--instance", matrix_server.base_url,
                         "--user", me.user_id, "--rooms", ids["other"], stdin=PASSWORD + "\n")
    assert code == 2 and "has not joined" in err
    devices_after = {d["device_id"] for d in
                     matrix_server._call("GET", "/_matrix/client/v3/devices", me.access_token)["devices"]}
    assert devices_after == devices_before
    assert credentials() == {} and not cli.db.exists()
