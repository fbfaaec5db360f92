"""The entry composer's media row (Pilot): a file added by path, its alt text, the summary
line, a missing alt text blocking ctrl+s with a notification, removal, the form kept with its
images, and the row hidden for a platform that cannot carry media."""

from __future__ import annotations

from textual.widgets import Input, Select, TextArea

from cmtui.config import Settings
from cmtui.store.base import loads
from cmtui.tui.dialogs.entry_composer import EntryComposer
from factory import NOW
from media_files import gif, png
from tui_helpers import RecordingApp

SIZE = (120, 48)


async def open_composer(app, pilot, entry=None) -> EntryComposer:
    app.push_screen(EntryComposer(app, entry))
    await pilot.pause()
    composer = app.screen
    assert isinstance(composer, EntryComposer)
    return composer


async def add(pilot, composer, path: str, alt: str) -> None:
    composer.query_one("#media-path", Input).value = path
    composer.query_one("#media-alt", Input).value = alt
    composer.query_one("#media-alt", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


def summary(composer) -> str:
    return str(composer.query_one("#media-summary").render())


async def test_missing_alt_text_blocks_the_save_until_it_is_given(store, tmp_path):
    app = RecordingApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    before = store.conn.execute("SELECT count(*) FROM calendar_entries").fetchone()[0]
    async with app.run_test(size=SIZE) as pilot:
        composer = await open_composer(app, pilot)
        assert not composer.query_one("#media-list").display  # nothing attached: no summary line
        composer.query_one("#entry-text", TextArea).text = "Photos from the meetup"
        await add(pilot, composer, str(png(tmp_path / "a.png")), "Twelve people around a table")
        await add(pilot, composer, str(gif(tmp_path / "b.gif")), "")
        assert summary(composer) == "2 images, alt text missing on 1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is composer
        assert "alt text missing on 1 image" in app.notes[-1]["message"] and app.notes[-1]["severity"] == "error"
        assert store.conn.execute("SELECT count(*) FROM calendar_entries").fetchone()[0] == before
        await add(pilot, composer, "", "A sticker of the mascot")  # path empty: the alt for the image without one
        assert summary(composer) == "2 images"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not composer
    row = store.conn.execute("SELECT media FROM calendar_entries ORDER BY id DESC LIMIT 1").fetchone()
    assert [m["alt"] for m in loads(row["media"], [])] == ["Twelve people around a table", "A sticker of the mascot"]
    assert all((store.media_dir() / m["file"]).is_file() for m in loads(row["media"], []))


async def test_a_bad_path_is_one_notification_and_removal_works(store, tmp_path):
    app = RecordingApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        composer = await open_composer(app, pilot)
        composer.query_one("#entry-text", TextArea).text = "Two pictures, then one"
        await add(pilot, composer, str(tmp_path / "nowhere.png"), "x")
        assert app.notes[-1]["message"].startswith("no file") and composer.query_one("#media-path", Input).value
        await add(pilot, composer, str(png(tmp_path / "a.png")), "one")
        await add(pilot, composer, str(png(tmp_path / "b.png", (1, 1, 1))), "two")
        assert summary(composer) == "2 images"
        composer.query_one("#media-remove", Select).value = 0
        await pilot.pause()
        assert summary(composer) == "1 image"
        assert [m["alt"] for m in composer._values()["media"]] == ["two"]  # the kept form's "media"
        await pilot.press("escape")  # kept as a draft of the form, images included
        await pilot.pause()
        composer = await open_composer(app, pilot)
        assert summary(composer) == "1 image"


async def test_a_platform_without_media_hides_the_row(store, monkeypatch):
    from dataclasses import replace

    import cmtui.tui.dialogs.entry_composer as composer_module
    from cmtui.sync.connectors import profile_for
    from cmtui.sync.connectors.base import Capability
    from place_community import add_room_account

    def without_media(platform):  # every platform cmtui knows carries media: one that does not
        profile = profile_for(platform)
        return replace(profile, capabilities=profile.capabilities & ~Capability.MEDIA) if platform == "matrix" \
            else profile

    monkeypatch.setattr(composer_module, "profile_for", without_media)
    account = add_room_account(store)
    app = RecordingApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        composer = await open_composer(app, pilot)
        composer.query_one("#entry-account", Select).value = account.name
        await pilot.pause()
        assert not composer.query_one("#entry-media").display
        composer.query_one("#entry-account", Select).value = "tidewater"
        await pilot.pause()
        assert composer.query_one("#entry-media").display
