"""`cmtui post add ... --media PATH --alt TEXT`: each flag combination (the contract's way: no
traceback, the exit code, one line on refusal), what the entry stores, and `calendar list
--json`'s media."""

from __future__ import annotations

import json

import pytest

from cmtui.store import Store
from media_files import gif, png
from test_cli_contract import cli, community  # noqa: F401 (the contract's fixtures)

OK, BAD = 0, 2


@pytest.fixture
def images(tmp_path):
    png(tmp_path / "a.png", (10, 20, 30))
    gif(tmp_path / "b.gif")
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "empty.png").write_bytes(b"")
    return tmp_path


CASES = [
    (OK, ["--media", "{TMP}/a.png", "--alt", "A chart"]),
    (OK, ["--media", "{TMP}/a.png", "--alt", "A chart", "--media", "{TMP}/b.gif", "--alt", "A dot"]),
    (OK, ["--media", "{TMP}/a.png", "--alt", "A chart", "--draft"]),
    (OK, ["--media", "{TMP}/a.png", "--alt", "A chart", "--at", "tomorrow 9:00"]),
    (BAD, ["--media", "{TMP}/a.png"]),  # no alt text
    (BAD, ["--alt", "A chart"]),  # alt without media
    (BAD, ["--alt", "A chart", "--media", "{TMP}/a.png"]),  # alt before its media
    (BAD, ["--media", "{TMP}/a.png", "--alt", "One", "--alt", "Two"]),
    (BAD, ["--media", "{TMP}/a.png", "--alt", "A chart", "--media", "{TMP}/b.gif"]),  # the second lacks alt
    (BAD, ["--media", "{TMP}/missing.png", "--alt", "Gone"]),
    (BAD, ["--media", "{TMP}/notes.txt", "--alt", "Text"]),
    (BAD, ["--media", "{TMP}/empty.png", "--alt", "Empty"]),
    (BAD, ["--media", "{TMP}/a.png", "--alt", "   "]),
    (BAD, ["--media", "{TMP}/a.png", "--alt", "x", "--media", "{TMP}/a.png", "--alt", "x", "--media",
           "{TMP}/a.png", "--alt", "x", "--media", "{TMP}/a.png", "--alt", "x", "--media", "{TMP}/a.png",
           "--alt", "x"]),  # five: over the profile's four
]


@pytest.mark.parametrize("code,flags", CASES)
def test_each_media_combination_exits_as_documented(cli, images, code, flags):  # noqa: F811
    before = _entries(cli.db)
    result, out, err = cli("post", "add", "With a picture", "--account", "tidewater", *flags)
    assert result == code, err
    if code == BAD:
        assert _entries(cli.db) == before  # nothing stored
        assert not list((cli.db.parent / "media").glob("*")) if (cli.db.parent / "media").exists() else True


def test_media_are_stored_in_order_and_listed(cli, images):  # noqa: F811
    code, out, err = cli("post", "add", "Two pictures", "--account", "tidewater", "--draft",
                         "--media", "{TMP}/b.gif", "--alt", "A white dot", "--media", "{TMP}/a.png", "--alt", "A chart")
    assert code == OK, err
    (images / "a.png").unlink()  # the original may go: the copy is kept
    code, out, _ = cli("calendar", "list", "--json")
    [entry] = [e for e in json.loads(out) if e["text"] == "Two pictures"]
    assert [m["alt"] for m in entry["media"]] == ["A white dot", "A chart"]
    assert entry["media"][0]["file"].endswith(".gif") and entry["media"][1]["file"].endswith(".png")
    assert all((cli.db.parent / "media" / m["file"]).is_file() for m in entry["media"])
    plain = [e for e in json.loads(out) if e["text"] != "Two pictures"]
    assert plain and all(e["media"] == [] for e in plain)  # additive: every entry has the key


def test_a_scheduled_post_queues_its_media_with_the_copy_paths(cli, images):  # noqa: F811
    code, _, err = cli("post", "add", "Now with a picture", "--account", "tidewater",
                       "--media", "{TMP}/a.png", "--alt", "A chart")
    assert code == OK, err
    store = Store.open(cli.db)
    try:
        op = store.conn.execute("SELECT payload FROM outbox WHERE payload LIKE '%Now with a picture%'").fetchone()
        [sent] = json.loads(op["payload"])["media"]
        assert sent["alt"] == "A chart" and sent["mime"] == "image/png"
        assert sent["file"].startswith(str((cli.db.parent / "media").resolve()))
    finally:
        store.close()


def test_alt_text_may_be_left_out_when_the_settings_allow(cli, images, tmp_path):  # noqa: F811
    import os

    config = tmp_path / "home" / "config" / "cmtui"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text("media_alt_required = false\n")
    assert os.environ["CMTUI_CONFIG_DIR"] == str(config)
    code, _, err = cli("post", "add", "No alt", "--account", "tidewater", "--draft", "--media", "{TMP}/a.png")
    assert code == OK, err


def _entries(db) -> int:
    store = Store.open(db)
    try:
        return store.conn.execute("SELECT count(*) FROM calendar_entries").fetchone()[0]
    finally:
        store.close()


def test_a_post_refused_for_its_text_leaves_no_copy(cli, images):  # noqa: F811
    code, _, err = cli("post", "add", "x" * 501, "--account", "tidewater", "--media", "{TMP}/a.png", "--alt", "A chart")
    assert code == BAD and "too long" in err
    folder = cli.db.parent / "media"
    assert not folder.exists() or list(folder.iterdir()) == []
