"""The reply composer for an item of a Bluesky account counts as Bluesky does (its profile:
graphemes, 300 at most): an emoji with a skin tone is one, and a reply of 301 is refused
with the profile's words, nothing queued."""

from __future__ import annotations

from textual.widgets import TextArea

from cmtui.config import Settings
from cmtui.model import iso
from cmtui.sync.connectors.base import Person, RemoteItem
from cmtui.sync.connectors.bluesky import PROFILE
from cmtui.tui.app import CmtuiApp
from cmtui.triage import is_question
from factory import NOW

CLAP = "👏🏽"  # two code points (the hand and its skin tone), one grapheme
AUTHOR = "maja.bsky.example"


def add_sky_item(store) -> int:
    """A reply to our post, newer than the test community's items: the inbox's first row."""
    account = store.accounts.add("sky", "bluesky", "https://pds.example", handle="us.bsky.example",
                                 remote_account_id="did:plc:us", limits={"max_chars": 300})
    uri = "at://did:plc:maja/app.bsky.feed.post/3n3qklaywghgh"
    item = RemoteItem(remote_id=uri, kind="reply", text="Does it sync over Wi-Fi only?", created_at=iso(NOW),
                      author=Person(AUTHOR, "Maja", remote_id="did:plc:maja"),
                      url=f"https://bsky.app/profile/{AUTHOR}/post/3n3qklaywghgh", language="en")
    store.ingest.page(account.id, "bluesky", [item], question=is_question)
    return store.conn.execute("SELECT id FROM inbox_items WHERE remote_id = ?", (uri,)).fetchone()[0]


def composer_status(app) -> str:
    return str(app.screen.query_one("#composer-status").render())


async def test_the_counter_counts_graphemes_and_301_is_refused_with_the_profiles_words(store):
    item_id = add_sky_item(store)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert "Reply to Maja" in str(app.screen.query_one("#composer-title").render())
        area = app.screen.query_one("#composer-text", TextArea)
        assert area.text == ""  # a reply notifies its author: no mention to start with
        area.load_text(CLAP)
        await pilot.pause()
        assert len(CLAP) == 2 and composer_status(app).startswith("1 / 300")
        area.load_text(CLAP + "x" * 299)  # 300 graphemes, 301 code points: within the limit
        await pilot.pause()
        assert composer_status(app).startswith("300 / 300")
        area.load_text(CLAP * 2 + "x" * 299)
        await pilot.pause()
        assert composer_status(app).startswith("301 / 300")
        await pilot.press("ctrl+s")
        await pilot.pause()
        problem = PROFILE.length_problem(CLAP * 2 + "x" * 299, {"max_chars": 300})
        assert problem == "the text is 301 characters, over the limit of 300 (counted in graphemes, as Bluesky counts them)"
        assert composer_status(app) == f"reply not queued: {problem}"
        assert not store.outbox.for_item(item_id)
        area.load_text(CLAP + "x" * 299)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        [op] = store.outbox.for_item(item_id)
        assert op["kind"] == "reply"
