"""`cmtui inbox like | boost ITEM_ID [--undo]` and the `liked` / `shared` of `inbox list --json`
(in-process, on the small test community, as tests/test_cli_contract.py runs the others).

Decided: doing what is already so (a like of a liked item, an --undo of one not liked) is not
an error: one line says nothing was queued, exit 0 (as `inbox done` of a done item). An
unknown item, or a platform that cannot do it, is one line on stderr, exit 2, nothing changed."""

from __future__ import annotations

import json
import shutil

import pytest

from cmtui.cli import main
from cmtui.store import Store
from factory import build_store

OK, BAD = 0, 2


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    path = tmp_path_factory.mktemp("likes") / "community.db"
    store = build_store(path)
    item = store.conn.execute("SELECT id FROM inbox_items WHERE state = 'new' ORDER BY id LIMIT 1").fetchone()[0]
    room = store.accounts.add("chat", "matrix", "https://matrix.example", handle="@me:matrix.example")
    chat = store.inbox.insert(room.id, kind="mention", remote_id="!r:matrix.example/$e1", author="@bo:matrix.example",
                              text="nice work", created_at="2026-11-20T10:00:00Z")
    store.close()
    return path, {"ITEM": str(item), "CHAT": str(chat)}


@pytest.fixture
def cli(community, tmp_path, capsys):
    source, ids = community
    db = tmp_path / "community.db"
    shutil.copy(source, db)

    def run(*argv: str):
        argv = tuple(a.format(**ids) for a in argv)
        capsys.readouterr()
        try:
            code = main([*argv, "--db", str(db)])
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        if code == BAD:
            assert len(err.strip().splitlines()) == 1, err
        return code, out, err

    run.db, run.ids = db, ids
    return run


CASES = [
    (OK, ["inbox", "like", "{ITEM}"]), (OK, ["inbox", "like", "{ITEM}", "--undo"]),
    (OK, ["inbox", "boost", "{ITEM}"]), (OK, ["inbox", "boost", "{ITEM}", "--undo"]),
    (OK, ["inbox", "like", "{CHAT}"]), (OK, ["inbox", "like", "{CHAT}", "--undo"]),
    (BAD, ["inbox", "boost", "{CHAT}"]), (BAD, ["inbox", "boost", "{CHAT}", "--undo"]),
    (BAD, ["inbox", "like", "999999"]), (BAD, ["inbox", "like", "x"]), (BAD, ["inbox", "boost", "999999", "--undo"]),
]


@pytest.mark.parametrize("code, argv", CASES, ids=[" ".join(a) for _, a in CASES])
def test_each_combination_exits_as_documented(cli, code, argv):
    assert cli(*argv)[0] == code


def outbox(cli) -> list[tuple[str, str]]:
    code, out, _ = cli("outbox", "list", "--json")
    return [(op["kind"], op["state"]) for op in json.loads(out)]


def listed(cli, item: str) -> dict:
    code, out, _ = cli("inbox", "list", "--state", "all", "--json")
    return next(i for i in json.loads(out) if str(i["id"]) == item)


def test_like_and_boost_are_queued_in_the_platforms_words_and_listed(cli):
    item = cli.ids["ITEM"]
    assert listed(cli, item)["liked"] is False and listed(cli, item)["shared"] is False
    code, out, _ = cli("inbox", "like", item)
    assert code == OK and out.startswith(f"item {item}: favourite queued as outbox operation ")
    code, out, _ = cli("inbox", "boost", item)
    assert code == OK and out.startswith(f"item {item}: boost queued as outbox operation ")
    assert listed(cli, item)["liked"] is True and listed(cli, item)["shared"] is True
    assert outbox(cli) == [("like", "pending"), ("share", "pending")]


def test_liking_twice_queues_once_and_says_so(cli):
    item = cli.ids["ITEM"]
    cli("inbox", "like", item)
    code, out, err = cli("inbox", "like", item)
    assert (code, out, err) == (OK, f"item {item} is already favourited; nothing queued\n", "")
    code, out, _ = cli("inbox", "boost", item, "--undo")
    assert (code, out) == (OK, f"item {item} is not boosted; nothing queued\n")
    assert outbox(cli) == [("like", "pending")]


def test_undo_before_the_sync_withdraws_the_like(cli):
    item = cli.ids["ITEM"]
    cli("inbox", "like", item)
    code, out, _ = cli("inbox", "like", item, "--undo")
    assert code == OK and "unfavourite" in out and "nothing is sent" in out
    assert outbox(cli) == [] and listed(cli, item)["liked"] is False


def test_a_platform_without_shares_says_so_and_changes_nothing(cli):
    before = cli.db.read_bytes()
    code, out, err = cli("inbox", "boost", cli.ids["CHAT"])
    assert code == BAD and out == "" and err == "cmtui: Matrix accounts cannot share from cmtui\n"
    assert cli.db.read_bytes() == before
    code, out, _ = cli("inbox", "like", cli.ids["CHAT"])
    assert code == OK and "react 👍 queued" in out


def test_unknown_item_is_one_line(cli):
    code, _, err = cli("inbox", "like", "999999")
    assert code == BAD and err == "cmtui: no inbox item with id 999999\n"


def test_like_answers_is_carried_by_the_queued_like(cli, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text("like_answers = true\n")
    monkeypatch.setenv("CMTUI_CONFIG_DIR", str(config))
    cli("inbox", "like", cli.ids["ITEM"])
    store = Store.open(cli.db)
    try:
        [op] = store.outbox.list()
        assert json.loads(op["payload"]) == {"remote_id": store.inbox.get(int(cli.ids["ITEM"]))["remote_id"],
                                             "answers": True}
    finally:
        store.close()


def test_a_deleted_item_cannot_be_liked_but_a_like_can_be_taken_back(cli):
    item = cli.ids["ITEM"]
    cli("inbox", "like", item)
    store = Store.open(cli.db)
    store.conn.execute("UPDATE inbox_items SET deleted_at = '2026-11-21T00:00:00Z'")
    store.close()
    code, _, err = cli("inbox", "boost", item)
    assert code == BAD and err == f"cmtui: item {item} was deleted on its platform; it cannot be boosted\n"
    code, out, _ = cli("inbox", "like", item, "--undo")
    assert code == OK and "nothing is sent" in out
