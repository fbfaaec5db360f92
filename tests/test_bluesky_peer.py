"""The Bluesky harness works: the reference servers answer on loopback, and what the peer does
shows where a client would look for it (notifications, sessions, ozone's reports, records)."""

from __future__ import annotations

import pytest

from bluesky_peer import XrpcError, mention_facets


def test_the_network_is_on_loopback(bluesky_server):
    peer = bluesky_server
    for url in (peer.pds_url, peer.appview_url, peer.plc_url, peer.ozone_url):
        assert url.startswith("http://127.0.0.1:"), url
    described = peer.xrpc("GET", "com.atproto.server.describeServer")
    assert ".test" in described["availableUserDomains"]
    assert peer.ozone_did.startswith("did:plc:")


def test_a_mention_is_notified_to_the_mentioned_account(bluesky_server):
    peer = bluesky_server
    alice, bob = peer.create_account("alice"), peer.create_account("bob")
    assert alice.handle.endswith(".test") and alice.handle != bob.handle
    text = f"ça va, @{bob.handle}? 👋"
    post = peer.post(alice, text, mention=[bob], langs=["fr"])

    [notification] = peer.wait_for_notifications(bob, 1)

    assert notification["reason"] == "mention"
    assert notification["uri"] == post.uri
    assert notification["author"]["did"] == alice.did
    record = notification["record"]
    assert record["text"] == text and record["langs"] == ["fr"]
    [facet] = record["facets"]  # byte offsets, past the multi-byte "ç"
    assert text.encode()[facet["index"]["byteStart"]:facet["index"]["byteEnd"]] == f"@{bob.handle}".encode()
    assert peer.notifications(alice) == []


def test_a_reply_to_a_reply_keeps_the_thread_root(bluesky_server):
    peer = bluesky_server
    alice, bob = peer.create_account("alice"), peer.create_account("bob")
    root = peer.post(alice, "root")
    first = peer.post(bob, "first reply", reply_to=root)
    second = peer.post(alice, "second reply", reply_to=first)

    reply = peer.get_record(second.uri)["value"]["reply"]

    assert reply == {"root": root.strong, "parent": first.strong}
    [to_bob] = peer.wait_for_notifications(bob, 1)
    assert (to_bob["reason"], to_bob["uri"], to_bob["reasonSubject"]) == ("reply", second.uri, first.uri)
    [to_alice] = peer.wait_for_notifications(alice, 1)
    assert (to_alice["reason"], to_alice["uri"]) == ("reply", first.uri)


def test_likes_reposts_follows_and_quotes_are_notified(bluesky_server):
    peer = bluesky_server
    alice, bob = peer.create_account("alice"), peer.create_account("bob")
    post = peer.post(alice, "something worth sharing")
    peer.like(bob, post)
    peer.repost(bob, post)
    peer.follow(bob, alice)
    quote = peer.post(bob, "look at this", quote=post)

    found = peer.wait_for_notifications(alice, 4)

    assert sorted(n["reason"] for n in found) == ["follow", "like", "quote", "repost"]
    [quoted] = [n for n in found if n["reason"] == "quote"]
    assert quoted["uri"] == quote.uri and quoted["record"]["embed"]["record"] == post.strong


def test_an_app_password_signs_in_and_a_wrong_one_does_not(bluesky_server):
    peer = bluesky_server
    carol = peer.create_account("carol")
    app_password = peer.app_password(carol)

    session = peer.sign_in(carol, app_password)

    assert session.did == carol.did and session.access_jwt != carol.access_jwt
    assert peer.xrpc("GET", "com.atproto.server.getSession", token=session.access_jwt)["handle"] == carol.handle
    with pytest.raises(XrpcError) as refused:
        peer.sign_in(carol, "not-the-password")
    assert refused.value.status == 401 and refused.value.error == "AuthenticationRequired"


def test_a_report_reaches_ozone(bluesky_server):
    peer = bluesky_server
    alice, troll = peer.create_account("alice"), peer.create_account("troll")
    post = peer.post(troll, "buy followers now")
    peer.wait_for_post(post)  # ozone looks the subject up in the AppView
    assert peer.reports_about(post.uri) == []

    peer.xrpc("POST", "com.atproto.moderation.createReport", token=alice.access_jwt,
              headers={"atproto-proxy": f"{peer.ozone_did}#atproto_labeler"},
              json={"reasonType": "com.atproto.moderation.defs#reasonSpam", "reason": "spam bot",
                    "subject": {"$type": "com.atproto.repo.strongRef", **post.strong}})
    peer.xrpc("POST", "com.atproto.moderation.createReport", token=alice.access_jwt,
              headers={"atproto-proxy": f"{peer.ozone_did}#atproto_labeler"},
              json={"reasonType": "com.atproto.moderation.defs#reasonRude",
                    "subject": {"$type": "com.atproto.admin.defs#repoRef", "did": troll.did}})

    [report] = peer.reports_about(post.uri)
    assert report["event"]["reportType"] == "com.atproto.moderation.defs#reasonSpam"
    assert report["event"]["comment"] == "spam bot"
    assert report["createdBy"] == alice.did
    [account_report] = peer.reports_about(troll.did)
    assert account_report["event"]["reportType"] == "com.atproto.moderation.defs#reasonRude"


def test_a_block_record_is_listed_and_a_threadgate_read(bluesky_server):
    peer = bluesky_server
    alice, troll = peer.create_account("alice"), peer.create_account("troll")
    assert peer.blocks_of(alice) == []
    peer.create_record(alice, "app.bsky.graph.block", {"subject": troll.did, "createdAt": "2026-12-01T10:00:00Z"})
    root = peer.post(alice, "my thread")
    reply = peer.post(troll, "rude reply", reply_to=root)
    assert peer.threadgate(root) is None

    peer.create_record(alice, "app.bsky.feed.threadgate",
                       {"post": root.uri, "hiddenReplies": [reply.uri], "createdAt": "2026-12-01T10:00:00Z"},
                       rkey=root.rkey)

    assert peer.blocks_of(alice) == [troll.did]
    assert peer.threadgate(root)["hiddenReplies"] == [reply.uri]


def test_mention_facets_count_utf8_bytes():
    from bluesky_peer import BskyUser

    bob = BskyUser("did:plc:bob", "bob-1.test", "pw", "a", "r")
    text = "👋 @bob-1.test and @bob-1.test"

    facets = mention_facets(text, bob)

    assert [(f["index"]["byteStart"], f["index"]["byteEnd"]) for f in facets] == [(5, 16), (21, 32)]


def test_an_expired_access_token_is_refused_as_expired_and_the_session_refreshes(bluesky_server):
    peer = bluesky_server
    dave = peer.sign_in(peer.create_account("dave"), None)
    with pytest.raises(XrpcError) as refused:
        peer.xrpc("GET", "com.atproto.server.getSession", token=peer.expired(dave.access_jwt))
    assert (refused.value.status, refused.value.error) == (400, "ExpiredToken")

    renewed = peer.xrpc("POST", "com.atproto.server.refreshSession", token=dave.refresh_jwt)

    assert peer.xrpc("GET", "com.atproto.server.getSession", token=renewed["accessJwt"])["did"] == dave.did


def test_a_revoked_app_password_ends_its_sessions(bluesky_server):
    peer = bluesky_server
    erin = peer.create_account("erin")
    session = peer.sign_in(erin, peer.app_password(erin, "cmtui"))

    peer.revoke_app_password(erin, "cmtui")

    # The PDS answers a revoked session's refresh as an expired one (400 ExpiredToken, "Token has
    # been revoked"); its access token still works until it expires.
    with pytest.raises(XrpcError) as refused:
        peer.xrpc("POST", "com.atproto.server.refreshSession", token=session.refresh_jwt)
    assert (refused.value.status, refused.value.error) == (400, "ExpiredToken")
    assert "revoked" in refused.value.message
