"""The calendar's entry composer for an account whose platform posts to places (chat rooms):
a room picker with the account's rooms by name stands where the visibility is, there is no
content-warning field, the room chosen is stored, and saving to schedule without one says
"choose a room". Mastodon's composer is unchanged (its snapshot is test_snapshots')."""

from __future__ import annotations

import pytest
from textual.widgets import Select, TextArea

from cmtui.config import Settings
from cmtui.tui.dialogs.entry_composer import EntryComposer
from factory import NOW
from place_community import NEWS, add_room_account, room_snap_app
from tui_helpers import RecordingApp

SIZE = (120, 44)


async def compose_new(pilot):
    await pilot.press("1")
    await pilot.pause()
    await pilot.press("l", "c")
    await pilot.pause()
    return pilot.app.screen


def shown(composer, widget: str) -> bool:
    return composer.query_one(widget).display


async def test_a_room_account_gets_a_room_picker_and_no_content_warning(store):
    account = add_room_account(store)  # (first by name: the new post's account)
    app = RecordingApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        composer = await compose_new(pilot)
        assert isinstance(composer, EntryComposer)
        assert composer.query_one("#entry-account", Select).value == account.name
        assert shown(composer, "#entry-place") and not shown(composer, "#entry-visibility")
        assert not shown(composer, "#entry-cw") and not shown(composer, "#entry-cw-label")
        assert str(composer.query_one("#entry-place-label").render()) == "room"
        picker = composer.query_one("#entry-place", Select)
        assert [str(label) for label, _ in picker._options[1:]] == ["#support", "#announcements"]  # no DM
        # Another account (Mastodon): the visibility and the content warning come back.
        composer.query_one("#entry-account", Select).value = "tidewater"
        await pilot.pause()
        assert shown(composer, "#entry-visibility") and shown(composer, "#entry-cw")
        assert not shown(composer, "#entry-place")
        composer.query_one("#entry-account", Select).value = account.name
        await pilot.pause()
        composer.query_one("#entry-text", TextArea).text = "Version 4.3 is out"
        composer.query_one("#entry-then", Select).value = "scheduled"
        await pilot.pause()
        await pilot.press("ctrl+s")  # no room yet: refused, the form stays
        await pilot.pause()
        assert app.screen is composer
        assert "choose a room" in str(composer.query_one("#entry-error").render())
        composer.query_one("#entry-place", Select).value = NEWS.id
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not composer
    [row] = store.conn.execute("SELECT status, place, visibility, content_warning FROM calendar_entries"
                               " WHERE account_id = ?", (account.id,)).fetchall()
    assert tuple(row)[:2] == ("scheduled", NEWS.id) and row["content_warning"] is None


async def test_editing_an_entry_shows_its_room(store):
    from cmtui.planning.entries import create_entry

    account = add_room_account(store)
    entry_id = create_entry(store, Settings(timezone="UTC"), text="News", account=account.name, place="#announcements",
                            who="ana", now=NOW)
    app = RecordingApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(EntryComposer(app, store.entries.require(entry_id)))
        await pilot.pause()
        assert app.screen.query_one("#entry-place", Select).value == NEWS.id


@pytest.fixture
def snap_app(tmp_path):
    yield from room_snap_app(tmp_path, add_room_account)


def test_snapshot_composer_with_the_room_picker(snap_compare, snap_app):
    async def open_picker(pilot):
        await pilot.press("1", "l", "c", *"Release notes for 4.3")
        await pilot.pause()
        pilot.app.screen.query_one("#entry-place", Select).focus()
        await pilot.press("enter")  # the rooms, by name
        await pilot.pause()

    assert snap_compare(snap_app, run_before=open_picker, terminal_size=SIZE)


async def test_the_calendar_detail_says_the_room_or_that_none_is_chosen(store):
    from types import SimpleNamespace

    from cmtui.planning.entries import create_entry

    account = add_room_account(store)
    settings = Settings(timezone="UTC", user="ana")
    chosen = create_entry(store, settings, text="News", account=account.name, place="#announcements", who="ana",
                          now=NOW, when=NOW)
    app = RecordingApp(store, settings, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()

        def shown_for(entry_id) -> str:
            app.screen._show_detail(SimpleNamespace(entry=store.entries.require(entry_id), at=NOW))
            return str(app.screen.query_one("#entry-detail").render()).splitlines()[0]

        assert shown_for(chosen).endswith("fernleaf-chat · ? · in #announcements")
        store.entries.update(chosen, {"place": None})
        assert shown_for(chosen).endswith("fernleaf-chat · ? · no room chosen yet")
        mastodon = store.conn.execute("SELECT id FROM calendar_entries WHERE account_id = 1 LIMIT 1").fetchone()[0]
        assert shown_for(mastodon).endswith(f" · {store.entries.require(mastodon)['visibility']}")
