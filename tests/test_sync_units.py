"""Unit tests of the sync logic that needs no peer: parsing, backoff, lengths."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from cmtui.compose import length_problem
from cmtui.errors import InputError
from cmtui.sync.connectors.mastodon import PROFILE
from cmtui.sync.connectors.mastodon.connector import MastodonConnector, _retry_at, id_key, normalize_instance
from cmtui.sync.backoff import BACKOFF_CAP, backoff
from cmtui.text_html import html_to_text
from cmtui.sync.outbox_ops import _post_request

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def test_backoff_doubles_with_jitter_and_is_capped():
    rng = random.Random(1)
    delays = [backoff(n, rng) for n in range(1, 12)]
    assert 2.5 <= delays[0] <= 5 and 5 <= delays[1] <= 10 and 10 <= delays[2] <= 20
    assert all(d <= BACKOFF_CAP for d in delays) and delays[-1] >= BACKOFF_CAP / 2


@pytest.mark.parametrize("headers, expected", [
    ({"Retry-After": "30"}, NOW + timedelta(seconds=30)),
    ({"Retry-After": "Sat, 21 Nov 2026 12:02:00 GMT"}, NOW + timedelta(minutes=2)),
    ({"X-RateLimit-Reset": "2026-11-21T12:05:00.000Z"}, NOW + timedelta(minutes=5)),  # real Mastodon
    ({"X-RateLimit-Reset": str(int((NOW + timedelta(minutes=3)).timestamp()))}, NOW + timedelta(minutes=3)),
    ({"Retry-After": "10", "X-RateLimit-Reset": "2026-11-21T12:05:00Z"}, NOW + timedelta(minutes=5)),  # later wins
    ({"Retry-After": "soon"}, None),
    ({}, None),
])
def test_retry_at_reads_every_rate_limit_header_form(headers, expected):
    assert _retry_at(httpx.Headers(headers), NOW) == expected


@pytest.mark.parametrize("url, expected", [
    ("mastodon.example", "https://mastodon.example"),
    ("https://mastodon.example/", "https://mastodon.example"),
    ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
    ("http://localhost:8080/", "http://localhost:8080"),
])
def test_instance_urls_are_normalised(url, expected):
    assert normalize_instance(url) == expected


@pytest.mark.parametrize("url, message", [
    ("ftp://mastodon.example", "not an instance URL"),
    ("https://", "not an instance URL"),
    ("http://mastodon.example", "plain http"),
    ("https://mastodon.example/@ana", "has a path"),
])
def test_bad_instance_urls_are_refused(url, message):
    with pytest.raises(InputError, match=message):
        normalize_instance(url)


def test_ids_sort_like_the_server():
    assert sorted(["999", "1000", "10"], key=id_key) == ["10", "999", "1000"]


def test_html_becomes_plain_text():
    html = ('<p><span class="h-card"><a href="https://x.example/@ana" class="u-url mention">@<span>ana</span></a>'
            '</span> see <a href="https://docs.example/sync">https://docs.example/sync</a> &amp; more</p>'
            '<p>line one<br />line two</p><script>alert(1)</script>')
    assert html_to_text(html) == "@ana see https://docs.example/sync & more\n\nline one\nline two"
    assert html_to_text("plain & simple") == "plain & simple"
    assert html_to_text(None) == ""


def test_preformatted_text_keeps_its_blank_lines():
    assert html_to_text("<pre>a\n\n\nb</pre>") == "a\n\n\nb"
    assert html_to_text("<pre><code>\nx = 1\n\n\ny = 2\n</code></pre><p>done</p>") == "x = 1\n\n\ny = 2\n\ndone"
    assert html_to_text("<blockquote><pre>a\n\nb</pre></blockquote>") == "> a\n>\n> b"
    assert html_to_text("<p>a</p><br><br><br><p>b</p>") == "a\n\nb"  # outside <pre> runs still become one


def test_an_odd_list_start_counts_from_one():
    assert html_to_text('<ol start="²"><li>a</li><li>b</li></ol>') == "1. a\n2. b"
    assert html_to_text('<ol start="٣"><li>a</li></ol>') == "1. a"  # Arabic-Indic three: not ASCII
    assert html_to_text('<ol start="3"><li>a</li><li>b</li></ol>') == "3. a\n4. b"
    assert html_to_text('<ol start="-1"><li>a</li></ol>') == "-1. a"


def test_status_length_counts_urls_and_remote_mentions_like_mastodon():
    text = "hi @ana@fedi.example see https://example.com/a/very/long/path/that/goes/on/and/on"
    assert PROFILE.text_length(text, {}) == len("hi @ana see ") + 23
    assert length_problem("x" * 500, {"max_chars": 500}, "mastodon") is None
    assert "over the limit of 500" in length_problem("x" * 501, {"max_chars": 500}, "mastodon")
    assert length_problem("   ", {"max_chars": 500}, "mastodon") == "the text is empty"


def test_a_post_due_within_five_minutes_is_published_at_once():
    op = {"idempotency_key": "k"}
    soon = _post_request(MastodonConnector, op, {"text": "x", "scheduled_at": "2026-11-21T12:03:00Z"}, NOW)
    later = _post_request(MastodonConnector, op, {"text": "x", "scheduled_at": "2026-11-21T12:30:00Z"}, NOW)
    late = _post_request(MastodonConnector, op, {"text": "x", "scheduled_at": "2026-11-21T09:00:00Z"}, NOW)
    assert soon.scheduled_at is None and late.scheduled_at is None
    assert later.scheduled_at == "2026-11-21T12:30:00Z"


def test_the_registry_picks_a_connector_by_platform_name_and_refuses_others():
    from cmtui.errors import CmtuiError
    from cmtui.sync.connectors import PLATFORMS, connector_class
    from cmtui.sync.connectors.mastodon import MastodonConnector

    assert "mastodon" in PLATFORMS
    assert connector_class("mastodon") is MastodonConnector
    with pytest.raises(CmtuiError, match="no connector for platform 'myspace' \\(known: mastodon"):
        connector_class("myspace")
