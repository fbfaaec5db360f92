"""Bluesky's pure logic: facets on UTF-8 byte offsets both ways, record keys made from
idempotency keys, graphemes as Bluesky counts them, addresses and the saved mark."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from cmtui.errors import InputError
from cmtui.sync.connectors.bluesky import tid
from cmtui.sync.connectors.bluesky.http import normalize_pds, retry_at, scrub
from cmtui.sync.connectors.bluesky.notifications import Mark
from cmtui.sync.connectors.bluesky.profile import PROFILE, graphemes
from cmtui.sync.connectors.bluesky.session import expires_at
from cmtui.sync.connectors.bluesky.text import LINK, MENTION, TAG, facets, plain_text, spans
from cmtui.sync.connectors.bluesky.uris import AtUri, web_url

DID = "did:plc:abcdefghijklmnopqrstuvwx"


def link_facet(text: str, shown: str, uri: str) -> dict:
    start = text.encode().index(shown.encode())
    return {"index": {"byteStart": start, "byteEnd": start + len(shown.encode())},
            "features": [{"$type": LINK, "uri": uri}]}


def sliced(text: str, facet: dict) -> str:
    return text.encode()[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode()


# -- incoming -------------------------------------------------------------------------------
def test_a_shortened_link_becomes_its_full_url_after_emoji_and_accents():
    text = "Café 🎉👩‍👩‍👧 see example.com/docs/sy... and example.org/a..."
    full = "https://example.com/docs/sync-your-notes?lang=fr"
    other = "https://example.org/another/long/path"
    facets_in = [link_facet(text, "example.org/a...", other), link_facet(text, "example.com/docs/sy...", full)]
    assert plain_text(text, facets_in) == f"Café 🎉👩‍👩‍👧 see {full} and {other}"


def test_mentions_and_tags_stay_as_written():
    text = "hi @ana.test #rust"
    mention = {"index": {"byteStart": 3, "byteEnd": 12}, "features": [{"$type": MENTION, "did": DID}]}
    tag = {"index": {"byteStart": 13, "byteEnd": 18}, "features": [{"$type": TAG, "tag": "rust"}]}
    assert plain_text(text, [mention, tag]) == text


@pytest.mark.parametrize("bad", [
    {"index": {"byteStart": 5, "byteEnd": 500}},  # past the end
    {"index": {"byteStart": 8, "byteEnd": 12}},  # starts inside "é" (a continuation byte)
    {"index": {"byteStart": 9, "byteEnd": 3}},  # backwards
    {"index": {"byteStart": True, "byteEnd": 4}},
    {"index": "nonsense"},
    "not a facet",
])
def test_malformed_link_facets_are_ignored_and_the_text_kept(bad):
    text = "a link é here"
    facet = {**bad, "features": [{"$type": LINK, "uri": "https://evil.example"}]} if isinstance(bad, dict) else bad
    assert plain_text(text, [facet]) == text


def test_overlapping_link_facets_keep_the_first():
    text = "see example.com/x..."
    first = link_facet(text, "example.com/x...", "https://example.com/xyz")
    overlapping = {"index": {"byteStart": 6, "byteEnd": 10}, "features": [{"$type": LINK, "uri": "https://b"}]}
    assert plain_text(text, [first, overlapping]) == "see https://example.com/xyz"


def test_text_that_is_not_a_string_reads_as_empty():
    assert plain_text(None, None) == "" and plain_text("plain", "not a list") == "plain"


# -- outgoing ---------------------------------------------------------------------------------
def test_mentions_links_and_tags_get_utf8_byte_offsets():
    text = "🎉 Merci @Ana.Test! Voir https://example.com/a_(b). #café #2024 ok"
    found = spans(text)
    assert [(s.kind, s.value) for s in found] == [
        ("mention", "ana.test"), ("link", "https://example.com/a_(b)"), ("tag", "café")]
    made = facets(text, found, {"ana.test": DID})
    assert [sliced(text, f) for f in made] == ["@Ana.Test", "https://example.com/a_(b)", "#café"]
    assert made[0]["index"] == {"byteStart": 11, "byteEnd": 20}  # 🎉 is 4 bytes, "é" later is 2
    assert made[0]["features"] == [{"$type": MENTION, "did": DID}]
    assert made[1]["features"] == [{"$type": LINK, "uri": "https://example.com/a_(b)"}]
    assert made[2]["features"] == [{"$type": TAG, "tag": "café"}]


def test_an_unresolved_mention_stays_plain_text():
    text = "ask @nobody.test and @ana.test"
    made = facets(text, spans(text), {"ana.test": DID})
    assert [sliced(text, f) for f in made] == ["@ana.test"]


def test_what_is_not_a_mention_link_or_tag():
    text = "mail me@ana.test, a @word, 3#4, #123, http://nodot, email@x and C# too"
    assert spans(text) == []


def test_a_link_in_parentheses_and_at_a_sentence_end():
    text = "(see https://example.com/path) and https://example.org."
    assert [s.value for s in spans(text)] == ["https://example.com/path", "https://example.org"]


def test_round_trip_outgoing_facets_read_back_as_the_same_text():
    text = "Merci 🙏 https://example.com/very/long/path?x=1 #naïve @ana.test"
    made = facets(text, spans(text), {"ana.test": DID})
    assert plain_text(text, made) == text


# -- graphemes ----------------------------------------------------------------------------------
def test_graphemes_count_a_family_emoji_a_flag_and_combining_accents_as_one_each():
    assert graphemes("👩‍👩‍👧") == 1 and graphemes("🇫🇷") == 1 and graphemes("e\u0301") == 1
    assert graphemes("Café 🎉") == 6


def test_the_profile_limits_300_graphemes_and_3000_bytes():
    family = "👩‍👩‍👧"  # one grapheme, 18 bytes
    assert PROFILE.length_problem(family * 166, {}) is None  # 2,988 bytes
    assert PROFILE.length_problem(family * 167, {}) == "the text is 3,006 bytes, over Bluesky's limit of 3,000"
    assert PROFILE.length_problem("é" * 300, {}) is None
    assert PROFILE.length_problem("a" * 301, {}).startswith("the text is 301 characters, over the limit of 300")


# -- record keys ---------------------------------------------------------------------------------
def test_a_record_key_is_a_valid_tid_the_same_for_a_key_and_different_for_others():
    keys = [f"op-{n}" for n in range(2000)] + ["", "é🎉", "x" * 500]
    made = [tid.from_key(k) for k in keys]
    assert all(len(t) == 13 and tid.is_tid(t) for t in made)
    assert len(set(made)) == len(keys)
    assert tid.from_key("op-7") == tid.from_key("op-7") == made[7]


def test_a_record_keys_time_is_in_the_past_and_sorts_as_its_value():
    low, high = tid.make(1_700_000_000_000_000, 0), tid.make(1_700_000_000_000_001, 0)
    assert low < high and tid.decode(high) - tid.decode(low) == 1024
    micros = tid.decode(tid.from_key("op-1")) >> 10
    when = datetime.fromtimestamp(micros / 1e6, tz=timezone.utc)
    assert datetime(2023, 1, 1, tzinfo=timezone.utc) <= when < datetime(2024, 1, 1, tzinfo=timezone.utc)


def test_tid_encoding_matches_the_reference_alphabet():
    assert tid.encode(0) == "2222222222222"
    assert tid.encode((1 << 63) - 1) == "bzzzzzzzzzzzz"  # the top bit is always zero
    assert tid.decode("3jzfcijpj2z2a") == int("3jzfcijpj2z2a".translate(str.maketrans(tid.ALPHABET, "0123456789abcdefghijklmnopqrstuv")), 32)
    with pytest.raises(ValueError):
        tid.encode(1 << 63)
    with pytest.raises(ValueError):
        tid.decode("kzzzzzzzzzzzz")  # the top bit set


# -- addresses -------------------------------------------------------------------------------------
def test_at_uris_parse_and_give_the_web_address():
    uri = f"at://{DID}/app.bsky.feed.post/3jzfcijpj2z2a"
    assert AtUri.parse(uri) == AtUri(DID, "app.bsky.feed.post", "3jzfcijpj2z2a") and str(AtUri.parse(uri)) == uri
    assert web_url("ana.test", uri) == "https://bsky.app/profile/ana.test/post/3jzfcijpj2z2a"
    assert web_url("", uri) == f"https://bsky.app/profile/{DID}/post/3jzfcijpj2z2a"
    assert web_url("ana.test", f"at://{DID}/app.bsky.graph.follow/3jz") is None
    for bad in ("https://bsky.app/x", "at://did/x", "at://a b/c/d", ""):
        with pytest.raises(ValueError):
            AtUri.parse(bad)


@pytest.mark.parametrize("given, stored", [
    ("https://PDS.Example.com/", "https://pds.example.com"), ("bsky.social", "https://bsky.social"),
    ("http://127.0.0.1:2583", "http://127.0.0.1:2583"), ("http://localhost:2583/", "http://localhost:2583"),
])
def test_a_pds_address_is_stored_in_one_form(given, stored):
    assert normalize_pds(given) == stored


@pytest.mark.parametrize("bad", ["http://pds.example.com", "https://pds.example.com/xrpc", "ftp://x", "https://",
                                 "https://a b.example", "https://x:99999", "https://u:p@pds.example"])
def test_an_address_that_cannot_be_a_pds_is_one_clear_line(bad):
    with pytest.raises(InputError) as caught:
        normalize_pds(bad)
    assert "\n" not in str(caught.value) and str(caught.value)


# -- errors and sessions -----------------------------------------------------------------------------
NOW = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)


def limited(**headers) -> httpx.Response:
    return httpx.Response(429, headers=headers)


def test_a_429_waits_until_the_reset_or_the_retry_after_capped_at_an_hour():
    reset = int((NOW + timedelta(minutes=5)).timestamp())
    assert retry_at(limited(**{"ratelimit-reset": str(reset)}), NOW) == NOW + timedelta(minutes=5)
    assert retry_at(limited(**{"retry-after": "30"}), NOW) == NOW + timedelta(seconds=30)
    assert retry_at(limited(**{"ratelimit-reset": str(reset + 86400)}), NOW) == NOW + timedelta(hours=1)
    assert retry_at(limited(**{"ratelimit-reset": "1"}), NOW) == NOW  # in the past: now
    assert retry_at(limited(), NOW) == NOW + timedelta(seconds=60)


def jwt(claims: dict) -> str:
    part = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJIUzI1NiJ9.{part}.c2ln"


def test_a_tokens_end_is_read_from_its_claims_and_nonsense_has_none():
    assert expires_at(jwt({"exp": int(NOW.timestamp())})) == NOW
    assert expires_at("not a jwt") is None and expires_at(jwt({"sub": "x"})) is None and expires_at(None) is None


def test_a_token_in_a_server_message_never_reaches_an_error_text():
    token = jwt({"exp": 1, "sub": DID})
    assert scrub(f"bad token {token}\nend") == "bad token <token> end"


def test_the_saved_mark_reads_back_and_a_foreign_cursor_is_none():
    mark = Mark(at="2026-05-01T12:00:00.123Z", uri=f"at://{DID}/app.bsky.feed.like/3k", followers=12,
                profile_at="2026-05-01T12:00:00Z")
    assert Mark.from_text(mark.to_text()) == mark
    for foreign in (None, "", "s12345", "[1]", "12"):
        assert Mark.from_text(foreign) is None
    assert Mark.from_text('{"at": "yesterday", "uri": "x", "followers": 3}') == Mark(followers=3)
    assert Mark.from_text('{"at": "2026-05-01T12:00:00Z", "followers": -3}').followers is None
