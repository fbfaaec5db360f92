"""Our Server-Sent Events reader (cmtui/sync/connectors/sse.py) on bodies split anywhere, and
where a Mastodon instance's stream may be read from (streaming_base)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from cmtui.sync.connectors import sse
from cmtui.sync.connectors.mastodon.streaming import streaming_base
from cmtui.sync.connectors.sse import Event, read_events


@pytest.fixture(autouse=True)
def logs_reach_caplog(monkeypatch):
    """`cmtui sync` run in-process by another test stops cmtui's log at its own handler."""
    monkeypatch.setattr(logging.getLogger("cmtui"), "propagate", True)


async def _chunks(parts):
    for part in parts:
        yield part


def events(parts, limit: int = sse.MAX_EVENT_BYTES) -> list[Event]:
    async def collect():
        return [e async for e in read_events(_chunks(parts), limit)]

    return asyncio.run(collect())


BODY = (b":connected\r\n\r\n"
        b"event: notification\r\ndata: {\"id\": \"1\"}\r\n\r\n"
        b":thump\n\n"
        b"event: delete\rdata: 42\r\r"
        b"data: first\ndata: second\n\n")
EXPECTED = [Event("notification", '{"id": "1"}'), Event("delete", "42"), Event("message", "first\nsecond")]


def test_a_whole_body_gives_its_events_and_consumes_the_heartbeats():
    assert events([BODY]) == EXPECTED


@pytest.mark.parametrize("cut", range(1, len(BODY)))
def test_a_body_cut_anywhere_gives_the_same_events(cut):
    """Every place, including between the \\r and the \\n of a line end."""
    assert events([BODY[:cut], BODY[cut:]]) == EXPECTED


def test_a_body_read_a_byte_at_a_time_gives_the_same_events():
    assert events([BODY[i:i + 1] for i in range(len(BODY))]) == EXPECTED


def test_a_line_end_split_between_cr_and_lf_is_one_line_end():
    assert events([b"data: a\r", b"\n", b"\r", b"\n", b"data: b\r\n\r\n"]) == [Event("message", "a"),
                                                                             Event("message", "b")]


def test_bytes_that_are_not_utf8_are_kept_marked():
    assert events([b"event: notification\ndata: caf\xe9 \xff ok\n\n"]) == [
        Event("notification", "caf\ufffd \ufffd ok")]


def test_a_character_split_across_chunks_is_whole():
    text = "¡hola 🎉!".encode()
    assert events([b"data: " + text[:8], text[8:] + b"\n\n"]) == [Event("message", "¡hola 🎉!")]


def test_an_event_without_an_end_is_not_given():
    assert events([b"data: half an event\n"]) == []


def test_a_byte_order_mark_opening_the_stream_is_skipped():
    assert events([b"\xef\xbb\xbfevent: delete\ndata: 7\n\n"]) == [Event("delete", "7")]


def test_an_event_over_the_limit_is_dropped_whole_and_the_next_arrives(caplog):
    many_lines = b"event: notification\n" + b"data: xxxxxxxxxx\n" * 20 + b"\n"
    with caplog.at_level(logging.WARNING, "cmtui.sync"):
        got = events([many_lines, b"event: delete\ndata: 9\n\n"], limit=100)
    assert got == [Event("delete", "9")]
    assert len([r for r in caplog.records if "dropped" in r.message]) == 1


def test_a_line_that_never_ends_is_dropped_and_the_next_event_arrives(caplog):
    """A 2 MB line in 64 KiB chunks: the buffer is cleared whenever it passes the limit, the rest
    of the line skipped, the event it was in forgotten, and the stream goes on."""
    limit = 100_000
    chunk = b"y" * 65536
    parts = [b"event: notification\ndata: {\"id\": \"1\"}\ndata: "] + [chunk] * 32 + [
        b"\n\nevent: notification\ndata: {\"id\": \"2\"}\n\n"]
    with caplog.at_level(logging.WARNING, "cmtui.sync"):
        got = events(parts, limit=limit)
    assert got == [Event("notification", '{"id": "2"}')]
    assert len([r for r in caplog.records if "dropped" in r.message]) == 1


def test_the_buffer_never_holds_much_more_than_the_limit(monkeypatch):
    """Memory is bounded: the largest buffer the reader ever holds stays within the limit plus
    one chunk, whatever the stream sends."""
    limit, chunk = 50_000, b"z" * 4096
    largest = 0
    real = bytearray

    class Watched(real):
        def __iadd__(self, other):
            nonlocal largest
            result = real.__iadd__(self, other)
            largest = max(largest, len(self))
            return result

    monkeypatch.setattr(sse, "bytearray", Watched, raising=False)
    got = events([b"data: "] + [chunk] * 200 + [b"\n\ndata: after\n\n"], limit=limit)
    assert got == [Event("message", "after")]
    assert 0 < largest <= limit + len(chunk)


def test_a_long_line_in_tiny_chunks_is_read_in_linear_time():
    """A hostile server trickling a long line a few bytes at a time: each chunk is searched once."""
    import time

    parts = [b"data: "] + [b"abcd"] * 200_000 + [b"\n\ndata: next\n\n"]
    started = time.monotonic()
    got = events(parts, limit=2_000_000)
    assert [e.data[:4] for e in got] == ["abcd", "next"]
    assert time.monotonic() - started < 5


# -- where to stream from ------------------------------------------------------------------

@pytest.mark.parametrize("instance, advertised, expected", [
    ("https://mastodon.social", "wss://streaming.mastodon.social", "https://streaming.mastodon.social"),
    ("https://mastodon.social", "wss://mastodon.social/", "https://mastodon.social"),
    ("http://127.0.0.1:3000", "ws://127.0.0.1:3000", "http://127.0.0.1:3000"),
    ("http://127.0.0.1:3000", "ws://127.0.0.1:4000", "http://127.0.0.1:4000"),
    ("https://social.example.org", "wss://streaming.example.org", "https://streaming.example.org"),
    ("https://social.example.org", "https://social.example.org", "https://social.example.org"),
])
def test_the_advertised_streaming_address_is_used(instance, advertised, expected):
    assert streaming_base(instance, advertised) == expected


@pytest.mark.parametrize("instance, advertised", [
    ("https://mastodon.social", "wss://evil.example"),  # another domain: the token would go there
    ("https://mastodon.social", "wss://mastodon.social.evil.example"),
    ("https://social.example.co.uk", "wss://attacker.co.uk"),  # a public suffix is no shared domain
    ("https://example.co.uk", "wss://attacker.co.uk"),
    ("http://127.0.0.1:3000", "ws://10.0.0.1:3000"),
    ("http://127.0.0.1:3000", "ws://1.0.0.1:3000"),
    ("https://mastodon.social", "ws://streaming.mastodon.social"),  # a downgrade
    ("https://mastodon.social", "http://mastodon.social"),
    ("https://mastodon.social", "wss://streaming.mastodon.social/some/path"),  # a path
    ("https://mastodon.social", "ftp://mastodon.social"),
    ("https://mastodon.social", "wss://"),
    ("https://mastodon.social", None),  # absent
    ("https://mastodon.social", ""),
    ("https://mastodon.social", 42),
])
def test_an_unsafe_or_absent_streaming_address_means_the_instance(instance, advertised):
    assert streaming_base(instance, advertised) == instance
