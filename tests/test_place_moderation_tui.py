"""Pilot tests and snapshots of moderation in places (chat rooms) in the Moderation mode: the
item's room in the detail, K (kick, ban, unban) with a reason, a refusal by the account's
permissions said in a notification with nothing stored, and hide that asks a reason when it
also removes the item on the server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmtui.config import Settings
from cmtui.model import iso
from cmtui.store.base import loads
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store
from place_community import NEWS, SUPPORT, add_room_account, add_room_items
from tui_helpers import RecordingApp

SIZE = (120, 40)


def add_flagged_room_items(store) -> tuple[int, int]:
    """A flagged spam question in #support and a flagged insult in #announcements (where the
    account may not kick or ban), first in the queue."""
    account = add_room_account(store)
    at = iso(NOW - timedelta(hours=30))
    spam, insult = add_room_items(store, account, [
        (SUPPORT, "spammer", "Free crypto for everyone who joins [link]!", "comment", at),
        (NEWS, "troll", "@fernleaf this release is garbage", "mention", at),
    ])
    store.moderation.add_flag(spam, "link farm", "Spam links", created_at=iso(NOW - timedelta(hours=25)))
    store.moderation.add_flag(insult, "insult", "Vulgarity", created_at=iso(NOW - timedelta(hours=24)))
    return spam, insult


@pytest.fixture
def room_items(store):
    return add_flagged_room_items(store)


def make_app(store):
    return RecordingApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)


def errors(app) -> list[str]:
    return [str(n["message"]) for n in app.notes if n.get("severity") == "error"]


async def open_queue(pilot, row: int = 0):
    """The queue, the cursor on its row-th row (0: the spam in #support, 1: the insult in
    #announcements)."""
    await pilot.press("3")
    await pilot.pause()
    if row:
        pilot.app.screen.query_one("#queue").move_cursor(row=row)
        await pilot.pause()
    return pilot.app.screen


async def test_the_detail_says_which_room_the_item_was_said_in(store, room_items):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        assert screen._current()["item_id"] == room_items[0]
        assert "@spammer:fernleaf.example in #support  flagged by Spam links" in screen.detail(screen._current()).plain
        mastodon = next(r for r in screen._rows.values() if r["item_id"] == 3)
        assert " in " not in screen.detail(mastodon).plain.split("flagged")[0]


async def test_K_bans_the_author_in_the_items_room_with_a_reason(store, room_items):
    spam, _ = room_items
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await pilot.press("K")
        await pilot.pause()
        await pilot.press("escape")  # changed my mind: nothing happens
        await pilot.pause()
        assert store.outbox.list() == []
        await pilot.press("K", "down")  # kick (the default), then ban
        await pilot.press("enter", "tab", *"spam bot", "enter")
        await pilot.pause()
        [op] = store.outbox.list()
        assert op["kind"] == "ban" and loads(op["payload"], {})["place"] == SUPPORT.id
        assert loads(op["payload"], {})["reason"] == "spam bot"
        assert store.conn.execute("SELECT state FROM moderation_flags WHERE item_id = ?", (spam,)).fetchone()[0] == "banned"
        assert screen.query_one("#queue").row_count == 4
        assert any("Banned: @spammer:fernleaf.example" in str(n["message"]) for n in app.notes)


async def test_K_where_the_account_may_not_kick_says_why_and_stores_nothing(store, room_items):
    _, insult = room_items
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot, row=1)
        assert screen._current()["item_id"] == insult
        await pilot.press("K")
        await pilot.pause()
        assert NEWS.refused["kick"] in str(app.screen.note)  # said before choosing
        await pilot.press("enter", "tab", *"abuse", "enter")
        await pilot.pause()
        assert errors(app) == [f"Nothing was changed: {NEWS.refused['kick']}"]
        assert store.outbox.list() == [] and store.moderation.log() == []
        assert screen.query_one("#queue").row_count == 5


async def test_K_on_a_mastodon_item_says_there_is_no_kick(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await pilot.press("K")
        await pilot.pause()
        assert any("Mastodon has no kick or ban" in str(n["message"]) for n in app.notes)
        assert store.outbox.list() == []


async def test_hide_in_a_room_asks_a_reason_and_removes_it_on_the_server(store, room_items):
    spam, _ = room_items
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await pilot.press("h")
        await pilot.pause()
        await pilot.press(*"spam", "enter")
        await pilot.pause()
        [op] = store.outbox.list()
        assert op["kind"] == "remove"
        assert loads(op["payload"], {}) == {"remote_id": store.inbox.get(spam)["remote_id"], "reason": "spam"}
        assert store.inbox.get(spam)["hidden"] == 1


@pytest.fixture
def snap_store(tmp_path):
    store = build_store(tmp_path / "snap.db")
    add_flagged_room_items(store)
    yield store
    store.close()


def test_snapshot_place_actions_for_a_room_item(snap_compare, snap_store):
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["3", "K"], terminal_size=(120, 36))


async def test_hide_where_the_account_may_not_remove_messages_says_so_before_asking(store, room_items):
    _, insult = room_items
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot, row=1)
        await pilot.press("h")
        await pilot.pause()
        assert app.screen is screen  # no question asked
        assert errors(app) == [f"Nothing was changed: {NEWS.refused['hide']}"]
        assert store.outbox.list() == [] and store.inbox.get(insult)["hidden"] == 0


async def test_x_on_a_room_platforms_report_offers_redact_and_deactivate(store):
    from cmtui.sync.connectors.base import Person, RemoteReport

    account = add_room_account(store, is_admin=True)
    troll = Person("@troll:fernleaf.example", "Troll", remote_id="@troll:fernleaf.example")
    store.reports.sync(account.id, [RemoteReport("77", troll, iso(NOW - timedelta(hours=40)), comment="abuse",
                                                 status_ids=(f"{SUPPORT.id}/$ev1",))])
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        assert screen._current()["item_id"] is None  # the report, oldest
        assert screen._report_detail(screen._current()).plain.startswith("Homeserver report r")
        await pilot.press("x")
        await pilot.pause()
        assert [label for label, _ in app.screen.choices] == [
            "redact — remove the reported message", "deactivate — close the sender's account on this server"]
        await pilot.press("enter", "tab", *"abuse", "enter")  # redact (the first)
        await pilot.pause()
    [op] = [o for o in store.outbox.list() if o["kind"] == "account_action"]
    assert loads(op["payload"], {}) == {"account_remote_id": "@troll:fernleaf.example", "action": "redact",
                                        "text": "abuse", "report_id": "77"}
