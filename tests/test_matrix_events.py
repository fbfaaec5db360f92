"""Reading Matrix events, and the HTTP layer's error mapping, without a homeserver.

tests/matrix_sync_sample.json is an initial /sync captured from the real Synapse of the test
harness (a support room with one of everything, and a direct room); the rest are events
written here for what that capture does not show. Live behaviour: test_matrix_connector.py.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from cmtui.errors import InputError
from cmtui.model import utcnow
from cmtui.sync.connectors.base import (
    AuthError, OfflineError, PermanentError, PullPage, RateLimited, TimedOut, TransientError,
)
from cmtui.sync.connectors.matrix.events import (
    Reader, composite, inline_text, message_text, split, strip_reply_fallback,
)
from cmtui.sync.connectors.matrix.http import MatrixHttp, normalize_homeserver
from cmtui.sync.connectors.matrix.rooms import Room
from cmtui.text_html import html_to_text

SAMPLE = json.loads((Path(__file__).parent / "matrix_sync_sample.json").read_text("utf-8"))
ME = "@me_1:synapse.test"
SUPPORT = "!W58YauZvuaiVoAaT85xvhlu0mTdlEB0nNRVa8fcILXQ"
DM = "!dmcGIeGwSYChiWLTmATMrEpk2SdHcfmGkCKFSrp9ZwQ"


def read_sample(support: bool = True) -> tuple[Reader, dict[str, Room], PullPage]:
    reader, page, rooms = Reader(me=ME, display_name="me_1"), PullPage(), {}
    for room_id, data in SAMPLE["rooms"]["join"].items():
        room = rooms[room_id] = Room(room_id, support=support and room_id == SUPPORT)
        room.apply_summary(data["summary"])
        reader.read(room, data["timeline"]["events"], page)
    return reader, rooms, page


def event(n: int, sender: str, content: dict, kind: str = "m.room.message", **extra) -> dict:
    return {"event_id": f"$e{n}", "sender": sender, "type": kind, "origin_server_ts": 1_796_236_820_000 + n,
            "content": content, **extra}


def test_the_captured_sync_reads_as_items_likes_follows_and_deletions():
    _, rooms, page = read_sample()
    kinds = {i.remote_id.partition("/$")[2]: (i.kind, i.text) for i in page.items}
    assert kinds == {
        "cwGHNhytdUgm_qovuJ9eLj6TJvFxvwQAvY4csU50At8": ("direct", "private question"),
        "E3bDkqNG5B9yVdb2Czz5wUa01JTgx3RbnwviKtJFWpE": ("comment", "How do I sync??"),  # edited in the page
        "EWZy6RgoNBDHCECX3P9XkWVGDDWjxJDN6B_5FLC-Xxc": ("mention", "hey me, look"),
        "-Vh3JEyIl3PaEEyg1f4UA6BY3avocRQSf3sJfB7U_I8": ("reply", "thanks!"),
    }  # the thread message answers the question (not a top-level one); ours is no item
    edited = next(i for i in page.items if i.kind == "comment")
    assert edited.edited_at and edited.edited_at >= edited.created_at and edited.place == SUPPORT
    [like] = [e for e in page.events if e.kind == "like"]
    assert (like.actor, like.post_remote_id) == ("@bob_3:synapse.test",
                                                 f"{SUPPORT}/$N7w8SGthU_Ng1ZYdYEnFnAabRXzlKJ9vslBo0A_zSUk")
    assert {e.actor for e in page.events if e.kind == "follow"} == {"@ada_2:synapse.test", "@bob_3:synapse.test"}
    assert page.deleted == [f"{SUPPORT}/$yUa5nJkREffirp52iHYMlOvSrC80fWjytJ5SeBZOB9g"]
    assert rooms[DM].direct and rooms[DM].title(ME) == "ada_2" and rooms[SUPPORT].title(ME) == "Support"


def test_outside_a_support_room_a_plain_question_is_not_an_item():
    _, _, page = read_sample(support=False)
    assert "comment" not in {i.kind for i in page.items}


def test_refusals_come_from_power_levels_and_modern_room_creators_are_never_refused():
    _, rooms, _ = read_sample()
    assert rooms[SUPPORT].refused(ME)["kick"] == "kick needs power level 50 in Support; yours is 0"
    assert set(rooms[SUPPORT].refused(ME)) == {"hide", "kick", "ban", "unban"}
    assert rooms[SUPPORT].refused("@ada_2:synapse.test") == {}  # the creator (room version 12)
    assert rooms[DM].refused(ME) == {}  # an invited creator of a direct room
    room = Room("!old:x")
    room.apply_state({"type": "m.room.power_levels", "state_key": "", "sender": "@a:x",
                      "content": {"users": {ME: 60}, "kick": 50, "ban": 75}}, ME)
    assert room.refused(ME) == {"ban": "ban needs power level 75 in !old:x; yours is 60",
                                "unban": "unban needs power level 75 in !old:x; yours is 60"}


def test_intentional_mentions_are_the_whole_truth_and_old_clients_are_read_from_the_text():
    reader = Reader(me=ME, display_name="Tide Water")
    assert reader.mentions_me({"body": "hi", "m.mentions": {"user_ids": [ME]}})
    assert not reader.mentions_me({"body": f"hi {ME}", "m.mentions": {}})  # a quote, not addressed to us
    assert reader.mentions_me({"body": f"hi {ME}"})
    assert reader.mentions_me({"body": "thanks tide water!"})
    assert not reader.mentions_me({"body": "thanks tide waterfall"})
    assert not reader.mentions_me({"body": f"> <{ME}> our post\n\nnice"})  # a reply's quote of us


def test_text_drops_reply_fallbacks_and_reads_html():
    assert strip_reply_fallback("> <@a:x> question\n> more\n\nanswer") == "answer"
    assert strip_reply_fallback("> a quote without a blank line") == "> a quote without a blank line"
    html = {"body": "x", "format": "org.matrix.custom.html",
            "formatted_body": "<mx-reply><blockquote>old</blockquote></mx-reply><p>new <b>text</b></p>"}
    assert message_text(html) == "new text"
    assert message_text({"msgtype": "m.image", "body": "cat.png"}) == "[image] cat.png"


def test_inline_html_is_read_without_the_parser_exactly_as_the_parser_reads_it():
    import random

    pieces = ["a", " ", "  ", "\n", "\t", "&amp;", "&lt;", "&nbsp;", "é", "<b>", "</b>", "<strong>", "</strong>",
              '<a href="https://matrix.to/#/@me:x">', "</a>", "<code>", "</code>", "<span data-x='1 > 0'>",
              "</span>", "<em>", "</em>", "<br>", "<p>", "</p>", "<script>", "</script>", "<", "&", "x<y"]
    rng = random.Random(3)
    quick = 0
    for _ in range(3000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        text = inline_text(html)
        if text is not None:
            quick += 1
            assert text == html_to_text(html), html
    assert quick > 500  # the quick path was really taken, and agreed each time
    assert inline_text("<p>x</p>") is None and inline_text("<script>x</script>") is None


def test_an_edit_by_someone_else_is_ignored_and_a_late_mention_makes_an_item():
    reader, room, page = Reader(me=ME), Room("!r:x"), PullPage()
    reader.read(room, [
        event(1, "@ana:x", {"body": "hello all"}),
        event(3, "@ana:x", {"body": "* hello", "m.new_content": {"body": f"hello {ME}"},
                            "m.relates_to": {"rel_type": "m.replace", "event_id": "$e1"}}),
        event(2, "@eve:x", {"body": "* pwned", "m.new_content": {"body": f"pwned {ME}"},
                            "m.relates_to": {"rel_type": "m.replace", "event_id": "$e1"}}),
        event(4, "@ana:x", {"redacts": "$e1"}, kind="m.room.redaction"),  # room version 11: in content
    ], page)
    [item] = page.items
    assert (item.remote_id, item.kind, item.text, item.author.acct) == ("!r:x/$e1", "mention", f"hello {ME}", "@ana:x")
    assert page.deleted == ["!r:x/$e1"]


def test_missing_names_only_what_needs_a_sender_we_do_not_know():
    reader, room = Reader(me=ME), Room("!r:x")
    events = [
        event(1, "@ana:x", {"body": "a", "m.relates_to": {"m.in_reply_to": {"event_id": "$old"}}}),
        event(2, "@ana:x", {"body": "b", "m.relates_to": {"m.in_reply_to": {"event_id": "$e1"}}}),  # in the batch
        event(3, "@ana:x", {"body": "c", "m.mentions": {"user_ids": [ME]},
                            "m.relates_to": {"m.in_reply_to": {"event_id": "$other"}}}),  # ours, or a mention?
        event(4, "@ana:x", {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$liked", "key": "+"}},
              kind="m.reaction"),
    ]
    assert reader.missing("!r:x", events) == ["$old", "$other", "$liked"]
    reader.learn(room, event(9, ME, {"body": "ours"}) | {"event_id": "$old"})
    page = PullPage()
    reader.read(room, events, page)
    assert {i.remote_id: i.kind for i in page.items} == {"!r:x/$e1": "reply", "!r:x/$e3": "mention"}


def test_composite_ids_split_back():
    assert split(composite("!r:x", "$ev/with/slashes")) == ("!r:x", "$ev/with/slashes")
    with pytest.raises(ValueError):
        split("12345")


def test_a_homeserver_address_is_checked():
    assert normalize_homeserver(" matrix.example.org/ ") == "https://matrix.example.org"
    assert normalize_homeserver("http://127.0.0.1:8008") == "http://127.0.0.1:8008"
    with pytest.raises(InputError):
        normalize_homeserver("ftp://example.org")


# -- HTTP: what the real server does not easily produce ------------------------------------
def call(handler, **kw):
    http = MatrixHttp("https://hs.example", "secret-token", timeout=5, clock=utcnow,
                      transport=httpx.MockTransport(handler))

    async def go():
        try:
            return await http.call("GET", "/sync", **kw)
        finally:
            await http.close()
    return asyncio.run(go()), http


def failing(status: int, body=None, headers=None, content: bytes | None = None):
    def handler(request):
        if content is not None:
            return httpx.Response(status, content=content, headers=headers)
        return httpx.Response(status, json=body, headers=headers)
    with pytest.raises(Exception) as raised:
        call(handler)
    return raised.value


def test_errors_map_from_errcode_and_status():
    assert isinstance(failing(401, {"errcode": "M_UNKNOWN_TOKEN", "error": "Unknown token"}), AuthError)
    forbidden = failing(403, {"errcode": "M_FORBIDDEN", "error": "You don't have permission to kick"})
    assert type(forbidden) is PermanentError and forbidden.status == 403 and "permission to kick" in str(forbidden)
    assert failing(404, {"errcode": "M_NOT_FOUND"}).status == 404
    assert type(failing(502, {"errcode": "M_UNKNOWN"})) is TransientError
    assert type(failing(200, content=b"<html>")) is TransientError
    hostile = failing(400, {"errcode": "M_BAD_JSON", "error": "bad \x1b[31mred\x1b[0m secret-token?"})
    assert "\x1b" not in str(hostile)


def test_a_rate_limit_waits_for_the_later_of_the_body_and_the_header():
    now = utcnow()
    limited = failing(429, {"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 2500}, headers={"Retry-After": "9"})
    assert isinstance(limited, RateLimited) and 8 <= (limited.retry_at - now).total_seconds() <= 11
    limited = failing(429, {"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 20_000})
    assert 19 <= (limited.retry_at - now).total_seconds() <= 22


def test_time_outs_and_refused_connections_are_told_apart_and_counted():
    def slow(request):
        raise httpx.ReadTimeout("read timed out", request=request)

    def refused(request):
        raise httpx.ConnectError("connection refused", request=request)
    with pytest.raises(TimedOut):
        call(slow)
    with pytest.raises(OfflineError):
        call(refused)
    body, http = call(lambda request: httpx.Response(200, json={"next_batch": "s1"}))
    assert body == {"next_batch": "s1"} and http.requests == 1
