"""Media kept beside the database (cmtui.media): type and size checks, copying, alt text rules,
the platform's limits (profile and server), what the outbox payload and PostRequest carry."""

from __future__ import annotations

import pytest

from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.media import alt_problem, check_for_account, inspect, keep, keep_all, sniff, summary
from cmtui.model import Attachment
from cmtui.planning import entries as E
from cmtui.store.base import loads
from cmtui.sync.connectors import profile_for
from cmtui.sync.connectors.base import Capability, Limits
from cmtui.sync.connectors.mastodon.media import media_limits
from cmtui.sync.outbox_ops import media_files
from media_files import gif, png


@pytest.mark.parametrize("head,mime", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d", "image/png"), (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "image/jpeg"),
    (b"GIF89a\x01\x00\x01\x00\x80\x00", "image/gif"), (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None), (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", None), (b"", None),
])
def test_the_type_comes_from_the_first_bytes(head, mime):
    assert sniff(head) == mime


def test_a_misnamed_file_is_judged_by_its_content(tmp_path):
    fake = tmp_path / "photo.png"
    fake.write_text("<html>not an image</html>")
    with pytest.raises(InputError, match="is not a PNG, JPEG, GIF or WebP image"):
        inspect(fake)
    real = png(tmp_path / "photo.jpg")  # a PNG named .jpg: kept as a .png
    assert inspect(real)[0] == "image/png"
    assert keep(real, "dot", tmp_path / "media").file.endswith(".png")


def test_missing_empty_and_folder_are_refused(tmp_path):
    (tmp_path / "empty.gif").write_bytes(b"")
    for path, words in ((tmp_path / "nope.png", "no file"), (tmp_path / "empty.gif", "is empty"),
                        (tmp_path, "is not a file")):
        with pytest.raises(InputError, match=words):
            inspect(path)


def test_copies_are_content_addressed_and_shared(tmp_path):
    folder = tmp_path / "media"
    first = keep(png(tmp_path / "a.png", (1, 2, 3)), "one", folder)
    second = keep(png(tmp_path / "b.png", (1, 2, 3)), "same picture, other name", folder)
    other = keep(png(tmp_path / "c.png", (9, 9, 9)), "another", folder)
    assert first.file == second.file != other.file
    assert sorted(p.name for p in folder.iterdir()) == sorted({first.file, other.file})
    assert (folder / first.file).read_bytes() == (tmp_path / "a.png").read_bytes()
    assert first.size == (tmp_path / "a.png").stat().st_size and first.mime == "image/png"


def test_alt_text_is_required_unless_relaxed(tmp_path):
    folder = tmp_path / "media"
    with pytest.raises(InputError, match="a.png needs alt text"):
        keep(png(tmp_path / "a.png"), "  ", folder)
    assert not folder.exists()  # nothing stored
    assert keep(tmp_path / "a.png", None, folder, alt_required=False).alt == ""
    assert keep(tmp_path / "a.png", "  two\n lines ", folder).alt == "two lines"


def test_keep_all_copies_nothing_when_one_fails(tmp_path, store):
    folder = tmp_path / "media"
    good, bad = png(tmp_path / "good.png"), tmp_path / "missing.png"
    with pytest.raises(InputError, match="no file"):
        keep_all([(good, "fine"), (bad, "gone")], folder, store.accounts.get("tidewater"))
    with pytest.raises(InputError, match="missing.png needs alt text"):
        keep_all([(good, "fine"), (bad, "")], folder, store.accounts.get("tidewater"))
    assert not folder.exists()


def test_summary_and_alt_problem():
    items = [Attachment("a.png", "A chart"), Attachment("b.png", ""), {"file": "c.gif", "alt": ""}]
    assert summary(items) == "3 images, alt text missing on 2"
    assert summary(items[:1]) == "1 image" and summary([]) == ""
    assert alt_problem(items, True) == "alt text missing on 2 images" and alt_problem(items, False) is None


def test_the_profile_checks_count_type_and_size_against_the_servers_limits():
    profile = profile_for("mastodon")
    one = Attachment("a.png", "x", "image/png", 1000)
    assert profile.media_problem([one] * 4, {}) is None
    assert profile.media_problem([one] * 5, {}) == "5 images, over the limit of 4 per post"
    assert profile.media_problem([one] * 3, {"max_media": 2}) == "3 images, over the limit of 2 per post"
    # a thread's parts each carry their own
    assert profile.media_problem([one] * 4 + [Attachment("b.png", "x", "image/png", 10, part=1)], {}) is None
    assert "over the limit of 999" in profile.media_problem([one], {"media_size": 999})
    webp = Attachment("w.webp", "x", "image/webp", 10)
    assert "takes image/png, image/jpeg" in profile.media_problem([webp], {"media_types": ["image/png", "image/jpeg"]})
    assert profile.media_problem([webp], {}) is None


def test_server_media_limits_are_read_and_stored():
    body = {"configuration": {"statuses": {"max_media_attachments": 6},
                              "media_attachments": {"supported_mime_types": ["image/png", "video/mp4"],
                                                    "image_size_limit": 2048}}}
    found = media_limits(body)
    assert found == {"max_media": 6, "media_types": ("image/png",), "media_size": 2048}
    stored = Limits(max_chars=500, **found).to_json()
    assert stored["max_media"] == 6 and stored["media_types"] == ["image/png"] and stored["media_size"] == 2048
    assert "max_media" not in Limits().to_json()  # unknown: the profile's defaults hold
    assert media_limits({"configuration": {"statuses": {"max_media_attachments": "many"}}}) == {}


def test_platforms_without_media_refuse_them(store, monkeypatch):
    from dataclasses import replace

    from cmtui.sync import connectors

    matrix = profile_for("matrix")
    monkeypatch.setattr(connectors, "profile_for", lambda platform: replace(
        matrix, capabilities=matrix.capabilities & ~Capability.MEDIA) if platform == "matrix" else profile_for(platform))
    account = store.accounts.get("tidewater")

    class Room:
        platform, name, limits = "matrix", "room", {}

    with pytest.raises(InputError, match="^Matrix posts cannot carry media from cmtui$"):
        check_for_account([Attachment("a.png", "x", "image/png", 1)], Room())
    check_for_account([Attachment("a.png", "x", "image/png", 1)], account)


def test_media_files_picks_each_parts_files_in_order():
    payload = {"text": "x", "media": [{"file": "/m/a.png", "alt": "A", "mime": "image/png", "part": 0},
                                      {"file": "/m/b.png", "alt": "B", "part": 1},
                                      {"file": "/m/c.png", "alt": "C", "mime": "image/png"}]}
    assert [(m.path, m.alt) for m in media_files(payload, 0)] == [("/m/a.png", "A"), ("/m/c.png", "C")]
    assert [m.path for m in media_files(payload, 1)] == ["/m/b.png"]
    assert media_files({"text": "x"}, 0) == ()


def test_an_entry_keeps_its_media_and_a_media_change_rewrites_the_queued_post(store, tmp_path, now):
    settings = Settings(timezone="UTC")
    folder = store.media_dir()
    first = keep(png(tmp_path / "a.png", (5, 5, 5)), "first", folder)
    entry_id = E.create_entry(store, settings, text="Hello", account="tidewater", status="scheduled", who="ana",
                              media=[first], now=now)
    [op] = [o for o in store.outbox.for_entry(entry_id)]
    assert [m["alt"] for m in loads(op["payload"], {})["media"]] == ["first"]
    second = keep(png(tmp_path / "b.png", (6, 6, 6)), "second", folder)
    E.update_entry(store, settings, entry_id, who="ana", now=now, media=[first, second])
    [op] = [o for o in store.outbox.for_entry(entry_id) if o["state"] == "pending"]
    assert [m["alt"] for m in loads(op["payload"], {})["media"]] == ["first", "second"]
    assert [m["alt"] for m in loads(store.entries.get(entry_id)["media"], [])] == ["first", "second"]
    with pytest.raises(InputError, match="alt text missing on 1 image"):
        E.update_entry(store, settings, entry_id, who="ana", now=now, media=[Attachment(first.file, "", "image/png", 9)])
    assert [m["alt"] for m in loads(store.entries.get(entry_id)["media"], [])] == ["first", "second"]


def test_alt_text_is_plain_and_bounded(tmp_path):
    kept = keep(png(tmp_path / "a.png"), "A \x1b[31mred\x1b[0m\tdot\x07", tmp_path / "media")
    assert "\x1b" not in kept.alt and "\x07" not in kept.alt and "red" in kept.alt
    long = Attachment("a.png", "x" * 1501, "image/png", 10)
    assert "over the limit of 1,500" in profile_for("mastodon").media_problem([long], {})
    assert not [p for p in (tmp_path / "media").iterdir() if p.name.startswith(".incoming-")]  # no temporary left
