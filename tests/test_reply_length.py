"""The reply composer's counter counts exactly what will be sent: the text with the
author's mention that queueing adds (one function, the profile's reply_text, builds both)."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from cmtui.compose import queue_reply
from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.store.base import loads
from cmtui.sync.connectors.mastodon import PROFILE
from cmtui.tui.app import CmtuiApp
from factory import NOW

mentions, reply_length, reply_text = PROFILE.mentions, PROFILE.reply_length, PROFILE.reply_text


def status_length(text: str) -> int:
    return PROFILE.text_length(text, {})


AUTHOR = "user0@fedi.example"  # the factory's item 1, on an account with the default 500 limit


@pytest.mark.parametrize("text", ["thanks!", "  thanks!  ", "@user0 thanks", "@USER0@fedi.example thanks",
                                  "@user01 is not them", "see https://example.com/" + "a" * 80, "x" * 493])
def test_the_count_is_the_length_of_the_queued_text(store, text):
    used, limit = reply_length(text, AUTHOR, {})
    assert limit == 500
    op = queue_reply(store, 1, text)
    payload = loads(store.outbox.get(op)["payload"], {})
    assert payload["text"] == reply_text(text, AUTHOR)
    assert status_length(payload["text"]) == used


def test_only_a_mention_of_the_author_on_their_own_server_counts():
    assert mentions("@user0 thanks", AUTHOR) and mentions("thanks @User0@FEDI.example.", AUTHOR)
    assert not mentions("@user0@other.example thanks", AUTHOR)  # same name, someone else
    assert not mentions("@user01 thanks", AUTHOR) and not mentions("mail user0@fedi.example", AUTHOR)
    assert mentions("@user0@other.example and @user0@fedi.example", AUTHOR)
    assert reply_text("@user0@other.example hi", AUTHOR) == "@user0@fedi.example @user0@other.example hi"


def test_a_user_name_with_dots_or_dashes_is_mentioned_once():
    """Mastodon user names may have dots and dashes inside (matej.k, ana-m): "@matej.k" is
    that author, "@matej" or "@matej.kx" is not, and a sentence's full stop is no part of it."""
    author = "matej.k@klepet.example"
    assert mentions("@matej.k thanks", author) and mentions("thanks @Matej.K@klepet.example.", author)
    assert mentions("thanks @matej.k.", author) and mentions("@ana-m hi", "ana-m@x.example")
    assert not mentions("@matej thanks", author) and not mentions("@matej.kx thanks", author)
    assert not mentions("@matej.k@other.example thanks", author)
    assert reply_text("@matej.k hvala", author) == "@matej.k hvala"
    assert reply_length("@matej.k hvala", author, {}) == (len("@matej.k hvala"), 500)  # counted once
    assert status_length("@matej.k@klepet.example hvala") == len("@matej.k hvala")
    assert status_length("@ana@fedi.example. ok") == len("@ana. ok")  # the full stop is not the domain's


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_reply_counts_nothing(text):
    assert reply_length(text, AUTHOR, {"max_chars": 300}) == (0, 300)


def test_a_text_under_the_limit_alone_is_over_it_with_the_mention(store):
    text = "x" * 495  # 495 alone, 502 with "@user0 " in front
    assert reply_length(text, AUTHOR, {}) == (502, 500)
    with pytest.raises(InputError, match="502 characters"):
        queue_reply(store, 1, text)
    assert reply_length("@user0 " + "x" * 493, AUTHOR, {}) == (500, 500)


def composer_status(app) -> str:
    return str(app.screen.query_one("#composer-status").render())


async def test_a_saved_reply_near_the_limit_keeps_the_mention_and_the_counter_says_so(store):
    store.replies.add("Long", "en", "x" * 495)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        area = app.screen.query_one("#composer-text", TextArea)
        assert area.text == f"@{AUTHOR} " + "x" * 495  # the mention the reply began with stays
        assert composer_status(app).startswith("502 / 500")
        await pilot.press("ctrl+s")  # refused: over the limit, as the counter said
        await pilot.pause()
        assert "502 characters" in composer_status(app) and not store.outbox.for_item(1)
        # Without the mention in the text, the counter still counts the one queueing adds.
        area.load_text("x" * 493)
        await pilot.pause()
        assert composer_status(app).startswith("500 / 500 incl. @user0")
        await pilot.press("ctrl+s")
        await pilot.pause()
        (op,) = store.outbox.for_item(1)
        assert status_length(loads(op["payload"], {})["text"]) == 500
