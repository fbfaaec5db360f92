"""The inbox for items said in places (chat rooms): the detail says where ("message in #support
on fernleaf-chat"), a room's name is shown literally, and the reply pane of a platform with no
visibilities and no content warnings offers neither. Mastodon's items read as before."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from textual.widgets import TextArea

from cmtui.config import Settings
from cmtui.model import Place, iso
from cmtui.store.base import loads
from cmtui.tui.app import CmtuiApp
from cmtui.tui.places import addressed
from factory import NOW
from place_community import DM, NEWS, SUPPORT, add_room_account, add_room_items, room_snap_app

SIZE = (120, 40)


def add_room_questions(store):
    """Three items newer than the factory's (first in the inbox): a support question, a
    mention in the announcements room, a direct message."""
    account = add_room_account(store)
    at = [iso(NOW - timedelta(minutes=m)) for m in (2, 3, 4)]
    return add_room_items(store, account, [
        (SUPPORT, "marta", "Kako izvozim zapiske v Markdown?", "comment", at[0]),
        (NEWS, "lucia", "@fernleaf ¿cuándo sale la 4.3?", "mention", at[1]),
        (DM, "marta", "Hvala za pomoč!", "direct", at[2]),
    ])


def preview_of(app, item_id) -> str:
    return app.screen.preview(app.store.inbox.get(item_id)).plain


async def open_inbox(app, pilot):
    await pilot.press("2")
    await pilot.pause()


async def test_the_detail_says_where_the_item_was_said(store):
    support, mention, direct = add_room_questions(store)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(app, pilot)
        assert "# message in #support on fernleaf-chat" in preview_of(app, support)
        assert "@ mention to fernleaf-chat in #announcements" in preview_of(app, mention)
        assert "✉ direct message to fernleaf-chat" in preview_of(app, direct)
        mastodon = store.conn.execute("SELECT id, kind FROM inbox_items WHERE account_id = 1 LIMIT 1").fetchone()
        assert f" {mastodon['kind']} to tidewater · " in preview_of(app, mastodon["id"])


async def test_the_list_row_names_the_room_but_not_a_direct_chat(store):
    support, mention, direct = add_room_questions(store)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(app, pilot)
        inbox = app.screen.inbox
        lines = {inbox.row_at(y)["id"]: inbox.render_line(y).text for y in range(5)}
        assert re.search(r"# +Marta +#support +Kako izvozim", lines[support])
        assert re.search(r"@ +Lucia +#announcements +@fernleaf", lines[mention])
        assert "Marta Kovač" not in lines[direct] and "✉" in lines[direct]


def test_a_room_the_account_has_not_reported_yet_and_a_hostile_name_read_literally():
    row = {"kind": "mention", "account": "fernleaf-chat", "place": "!new:x"}
    assert addressed(row, Place("!new:x")) == "mention to fernleaf-chat in !new:x"
    assert addressed(row, Place("!x", "[b]#help[/b]")) == "mention to fernleaf-chat in [b]#help[/b]"
    assert addressed({**row, "place": None}, None) == "mention to fernleaf-chat"


async def test_the_reply_pane_offers_no_visibility_or_content_warning_and_names_the_room(store):
    support, _, _ = add_room_questions(store)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_inbox(app, pilot)
        assert app.screen.inbox.select_item(support)
        await pilot.pause()
        assert app.screen.inbox.current_row["id"] == support
        await pilot.press("r")
        await pilot.pause()
        pane = app.screen.composer
        assert pane is not None
        assert not pane.query("#composer-visibility") and not pane.query("#composer-cw")
        assert "message in #support on fernleaf-chat" in str(pane.query_one("#composer-title").render())
        assert pane.query_one(TextArea).text == ""  # no "@user " prefix: the reply addresses its author
        pane.query_one(TextArea).text = "Z ukazom Izvozi → Markdown."
        await pilot.press("ctrl+s")
        await pilot.pause()
    [op] = [o for o in store.outbox.list() if o["kind"] == "reply"]
    payload = loads(op["payload"], {})
    assert payload["text"] == "Z ukazom Izvozi → Markdown." and "visibility" not in payload
    assert "spoiler_text" not in payload


@pytest.fixture
def snap_app(tmp_path):
    yield from room_snap_app(tmp_path, add_room_questions)


def test_snapshot_inbox_detail_of_a_support_room_question(snap_compare, snap_app):
    assert snap_compare(snap_app, press=["2"], terminal_size=SIZE)
