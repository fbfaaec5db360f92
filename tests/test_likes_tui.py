"""`f` like and `b` share in the inbox (Pilot): toggles queued through the outbox, named in the
highlighted item's platform's words in the key bar and `?`, marked in the list, undone by `u`;
a platform that cannot share says so."""

from __future__ import annotations

from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from cmtui.tui.dialogs.help import describe_bindings
from cmtui.tui.widgets.inbox_list import LIKED_MARK, SHARED_MARK, InboxList
from cmtui.tui.widgets.key_bar import KeyBar
from factory import NOW

SIZE = (120, 40)


def make_app(store, **settings):
    return CmtuiApp(store, Settings(timezone="UTC", **settings), clock=lambda: NOW)


def ops(store) -> list[tuple[str, int, str]]:
    return [(o["kind"], o["item_id"], o["state"]) for o in store.outbox.list()]


def key_bar(app) -> str:
    return str(app.screen.query_one(KeyBar).render())


def b_says(app) -> str:
    """What `b` is called for the highlighted item (in ? help: the key bar leaves it out)."""
    return app.screen.active_bindings["b"].binding.description


def line(inbox: InboxList, index: int) -> str:
    return "".join(segment.text for segment in inbox.render_line(index - round(inbox.scroll_offset.y)))


def preview(app) -> str:
    return str(app.screen.query_one("#inbox-preview").render())


async def test_f_favourites_b_boosts_and_the_keys_say_so(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        item = inbox.current_row["id"]
        assert "f Favourite" in key_bar(app) and b_says(app) == "Boost"
        assert LIKED_MARK not in line(inbox, 0)
        await pilot.press("f")
        await pilot.pause()
        assert ops(store) == [("like", item, "pending")]
        assert store.inbox.get(item)["liked_at"] is not None
        assert inbox.current_row["id"] == item  # the highlight stays on the item
        assert LIKED_MARK in line(inbox, inbox.cursor)
        assert "f Unfavourite" in key_bar(app) and "favourited" in preview(app)
        assert "favourite pending" in preview(app)
        await pilot.press("b")
        await pilot.pause()
        assert SHARED_MARK in line(inbox, inbox.cursor)
        assert ops(store) == [("like", item, "pending"), ("share", item, "pending")]
        rows = {description: binding_id for _, description, binding_id in describe_bindings(app.screen)}
        assert rows["Unfavourite"] == "inbox.like" and rows["Unboost"] == "inbox.share"
        assert rows["Filter"] == "inbox.filters"
        # f again takes the like back: it had not left, so nothing will be sent.
        await pilot.press("f")
        await pilot.pause()
        assert ops(store) == [("share", item, "pending")]
        assert store.inbox.get(item)["liked_at"] is None and LIKED_MARK not in line(inbox, inbox.cursor)
        assert "f Favourite" in key_bar(app)


async def test_u_takes_back_a_like_that_was_sent(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        item = inbox.current_row["id"]
        await pilot.press("f")
        await pilot.pause()
        store.conn.execute("UPDATE outbox SET state = 'done', result = '{}'")  # as a sync would
        await pilot.press("j", "e")  # another decision after it: u undoes that first
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert ops(store) == [("like", item, "done")]
        await pilot.press("u")
        await pilot.pause()
        assert ops(store) == [("like", item, "done"), ("unlike", item, "pending")]
        assert store.inbox.get(item)["liked_at"] is None
        assert inbox.current_row["id"] == item


async def test_bulk_selection_likes_every_selected_item(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        first = inbox.current_row["id"]
        await pilot.press("x", "x", "x")
        await pilot.pause()
        picked = sorted(inbox.selected)
        assert len(picked) == 3 and first in picked
        await pilot.press("f")
        await pilot.pause()
        assert sorted(i for _, i, _ in ops(store)) == picked and not inbox.selected
        await pilot.press("u")  # one step takes all three back (none was sent: withdrawn)
        await pilot.pause()
        assert ops(store) == []
        assert all(store.inbox.get(i)["liked_at"] is None for i in picked)


async def test_a_platform_without_shares_says_so(store):
    room = store.accounts.add("chat", "matrix", "https://matrix.example", handle="@me:matrix.example")
    chat = store.inbox.insert(room.id, kind="mention", remote_id="!r:matrix.example/$e1", author="@bo:matrix.example",
                              text="nice work", created_at="2026-11-21T11:59:00Z", state="new")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        assert inbox.current_row["id"] == chat  # the newest
        assert "f React 👍" in key_bar(app) and " b " not in key_bar(app)
        await pilot.press("b")
        await pilot.pause()
        assert ops(store) == []
        assert any("Matrix accounts cannot share" in str(n.message) for n in app._notifications)
        await pilot.press("f")
        await pilot.pause()
        assert ops(store) == [("like", chat, "pending")]
        await pilot.press("j")  # a Mastodon item: its words
        await pilot.pause()
        assert "f Favourite" in key_bar(app) and b_says(app) == "Boost"


async def test_shift_f_opens_the_filters(store):
    from cmtui.tui.dialogs.filters import FilterDialog

    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FilterDialog)
        await pilot.press("F")  # applies and closes, as esc
        await pilot.pause()
        assert not isinstance(app.screen, FilterDialog)


async def test_f_in_the_thread_pane_keeps_it_open_and_like_answers_is_carried(store):
    import json

    app = make_app(store, like_answers=True)
    async with app.run_test(size=SIZE) as pilot:
        item = app.screen.query_one(InboxList).current_row["id"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.thread_pane is not None
        await pilot.press("f")
        await pilot.pause()
        assert app.screen.thread_pane is not None  # a like is often followed by a reply
        [op] = store.outbox.list()
        assert op["item_id"] == item and json.loads(op["payload"])["answers"] is True
