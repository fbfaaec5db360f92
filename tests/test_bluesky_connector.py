"""The Bluesky connector against the AT Protocol's reference servers on loopback (the
`bluesky_server` fixture: a PLC directory, a PDS, the AppView and ozone).

Each test brings its own accounts; the people who talk to them are shared by the module.
The AppView indexes what the PDS writes asynchronously: tests wait for it (the peer's
wait_for_* helpers) before they pull.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from cmtui.errors import InputError
from cmtui.sync.connectors import connector_class
from cmtui.sync.connectors.base import (
    AccountContext, AuthError, OfflineError, PermanentError, PostRequest, SignIn, TimedOut,
)
from cmtui.sync.connectors.bluesky import tid
from cmtui.sync.connectors.bluesky.connector import BlueskyConnector
from cmtui.sync.connectors.bluesky.notifications import Mark
from bluesky_peer import BlueskyPeer, Ref, free_port

expired = BlueskyPeer.expired  # an access token the PDS itself answers ExpiredToken for

LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


def connect(server, user, *, known: bool = True, options: dict | None = None, saved: list | None = None,
            token: str | None = None, refresh: str | None = None, **kw) -> BlueskyConnector:
    context = AccountContext(remote_id=user.did, handle=user.handle, options=options or {}) if known else None
    token = token or user.access_jwt
    connector = BlueskyConnector(server.pds_url, token, account=context, timeout=20, **kw)
    connector.use_session(SignIn(token, refresh=refresh or user.refresh_jwt),
                          (saved if saved is not None else []).append)
    return connector


async def pull(connector: BlueskyConnector, cursor: str | None = None, since: datetime = LONG_AGO):
    return [page async for page in connector.pull(cursor, since)]


def items_of(pages) -> dict:
    return {i.remote_id: i for p in pages for i in p.items}


def events_of(pages) -> list:
    return [e for p in pages for e in p.events]


def records(server, user, collection: str = "app.bsky.feed.post") -> list[dict]:
    return server.list_records(user, collection)


@pytest.fixture(scope="module")
def people(bluesky_server):
    return {"ana": bluesky_server.create_account("ana"), "bob": bluesky_server.create_account("bob")}


@pytest.fixture(scope="module")
def scene(bluesky_server, people):
    """An account with one of everything, pulled three times: a backfill, then (after a new
    mention) from its cursor, then with nothing new."""
    b, ana, bob = bluesky_server, people["ana"], people["bob"]
    me = b.create_account("me")
    refs = {"ours": b.post(me, "Welcome to the community")}
    b.wait_for_post(refs["ours"], timeout=60)  # (the AppView notifies replies to posts it has indexed)
    text = f"Café 🎉 @{me.handle} read example.com/docs/sy..."
    shown = "example.com/docs/sy..."
    start = text.encode().index(shown.encode())
    link = {"index": {"byteStart": start, "byteEnd": start + len(shown.encode())},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/docs/sync?x=1"}]}
    refs["mention"] = b.post(bob, text, mention=[me], facets=[link], langs=["fr"])
    refs["reply"] = b.post(ana, "thanks!", reply_to=refs["ours"], langs=["en"])
    refs["quote"] = b.post(bob, "worth reading", quote=refs["ours"])
    refs["like"] = b.like(ana, refs["ours"])
    refs["bob_like"] = b.like(bob, refs["ours"])
    refs["repost"] = b.repost(bob, refs["ours"])
    refs["follow"] = b.follow(ana, me)
    b.wait_for_notifications(me, 7, timeout=60)

    async def first_pass():
        connector = connect(b, me)
        verified = await connector.verify()  # a pass, in the engine's order: verify first
        pages = await pull(connector)
        info = await connector.audience(verified)
        own = await connector.own_posts(me.did, LONG_AGO)
        await connector.close()
        return pages, info, own, connector.requests

    backfill, info, own, backfill_requests = asyncio.run(first_pass())
    refs["later"] = b.post(ana, f"and @{me.handle} again", mention=[me])
    b.wait_for_notifications(me, 8, timeout=60)

    async def next_pass(cursor):
        connector = connect(b, me)
        verified = await connector.verify()
        pages = await pull(connector, cursor)
        info = await connector.audience(verified)
        own = await connector.own_posts(me.did, LONG_AGO)
        await connector.close()
        return pages, info, own, connector.requests

    incremental = asyncio.run(next_pass(backfill[-1].cursor))
    quiet = asyncio.run(next_pass(incremental[0][-1].cursor))
    return {"me": me, "refs": refs, "backfill": backfill, "info": info, "own": own, "incremental": incremental,
            "quiet": quiet, "backfill_requests": backfill_requests}


def test_connector_class_finds_bluesky():
    assert connector_class("bluesky") is BlueskyConnector


def test_backfill_finds_mentions_replies_and_quotes_with_full_links_and_language(scene, people):
    refs, me = scene["refs"], scene["me"]
    items = items_of(scene["backfill"])
    assert {uri: i.kind for uri, i in items.items()} == {
        refs["mention"].uri: "mention", refs["reply"].uri: "reply", refs["quote"].uri: "mention"}
    mention = items[refs["mention"].uri]
    assert mention.text == f"Café 🎉 @{me.handle} read https://example.com/docs/sync?x=1"
    assert mention.language == "fr" and mention.author.acct == people["bob"].handle
    assert mention.author.remote_id == people["bob"].did
    assert mention.url == f"https://bsky.app/profile/{people['bob'].handle}/post/{refs['mention'].rkey}"
    reply = items[refs["reply"].uri]
    assert reply.in_reply_to_remote_id == refs["ours"].uri and reply.language == "en" and reply.text == "thanks!"
    assert [p.final for p in scene["backfill"]] == [False] * (len(scene["backfill"]) - 1) + [True]
    assert Mark.from_text(scene["backfill"][-1].cursor).uri == refs["follow"].uri  # the newest one


def test_likes_reposts_and_follows_are_events(scene, people):
    refs = scene["refs"]
    events = {(e.kind, e.actor, e.post_remote_id) for e in events_of(scene["backfill"])}
    assert events == {("like", people["ana"].handle, refs["ours"].uri), ("like", people["bob"].handle, refs["ours"].uri),
                      ("share", people["bob"].handle, refs["ours"].uri), ("follow", people["ana"].handle, None)}
    assert {e.remote_id for e in events_of(scene["backfill"])} >= {refs["like"].uri, refs["follow"].uri}


def test_the_figures_and_counters_come_with_the_pass(scene):
    info, own, refs = scene["info"], scene["own"], scene["refs"]
    assert (info.remote_id, info.acct, info.followers) == (scene["me"].did, scene["me"].handle, 1)
    [ours] = [p for p in own if p.remote_id == refs["ours"].uri]
    assert (ours.likes, ours.shares, ours.replies, ours.text) == (2, 1, 1, "Welcome to the community")


def test_the_next_pass_reads_only_what_is_new_from_the_cursor(scene):
    pages, info, own, requests = scene["incremental"]
    assert list(items_of(pages)) == [scene["refs"]["later"].uri] and not events_of(pages)
    assert info.followers == 1  # remembered in the mark: not asked again
    assert own == [] and requests == 1  # a mention touches no counter: one request


def test_a_pass_with_nothing_new_is_one_request_and_returns_nothing(scene):
    pages, info, own, requests = scene["quiet"]
    assert requests == 1 and not items_of(pages) and not events_of(pages) and own == []
    assert info.followers == 1 and pages[-1].final
    assert Mark.from_text(pages[-1].cursor).uri == scene["refs"]["later"].uri


class Recording(httpx.AsyncBaseTransport):
    """Passes requests on, noting each XRPC method called."""

    def __init__(self):
        self.inner = httpx.AsyncHTTPTransport()
        self.calls: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.url.path.rsplit("/", 1)[-1])
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_figures_and_counters_are_read_again_after_an_hour(bluesky_server, scene):
    me, cursor = scene["me"], scene["quiet"][0][-1].cursor
    recording = Recording()
    later = connect(bluesky_server, me, transport=recording,
                    clock=lambda: datetime.now(timezone.utc) + timedelta(minutes=61))
    verified = await later.verify()  # (known: no request)
    pages = await pull(later, cursor)
    info = await later.audience(verified)
    posts = await later.own_posts(me.did, LONG_AGO)
    await later.close()
    assert recording.calls == ["app.bsky.notification.listNotifications", "app.bsky.actor.getProfile",
                               "app.bsky.feed.getAuthorFeed"]
    assert info.followers == 1 and [p.remote_id for p in posts] == [scene["refs"]["ours"].uri]
    assert Mark.from_text(pages[-1].cursor).profile_at > Mark.from_text(cursor).profile_at


async def test_a_follow_reads_the_figures_again_and_a_like_the_counters(bluesky_server, scene, people):
    b = bluesky_server
    me = b.create_account("watched")
    ours = b.post(me, "hi")
    b.wait_for_post(ours, timeout=60)  # the AppView knows the account (its profile) from here on
    first = connect(b, me)
    mark = (await pull(first))[-1].cursor
    await first.close()
    b.follow(people["bob"], me)
    b.like(people["bob"], ours)
    b.wait_for_notifications(me, 2, timeout=60)
    recording = Recording()
    again = connect(b, me, transport=recording)
    verified = await again.verify()
    await pull(again, mark)
    info = await again.audience(verified)
    [post] = await again.own_posts(me.did, LONG_AGO)
    await again.close()
    assert recording.calls == ["app.bsky.notification.listNotifications", "app.bsky.actor.getProfile",
                               "app.bsky.feed.getAuthorFeed"]
    assert info.followers == 1 and post.likes == 1


async def test_verify_without_context_asks_the_server_and_with_context_asks_nothing(bluesky_server, scene):
    me = scene["me"]
    unknown = connect(bluesky_server, me, known=False)
    info = await unknown.verify()
    assert (info.remote_id, info.acct, info.followers, unknown.requests) == (me.did, me.handle, 1, 2)
    known = connect(bluesky_server, me)
    assert (await known.verify()).remote_id == me.did and known.requests == 0
    await unknown.close()
    await known.close()


async def test_backfill_pages_back_to_the_horizon(bluesky_server, people):
    b = bluesky_server
    me = b.create_account("busy")
    ours = b.post(me, "hello")
    for n in range(7):
        b.like(b.create_account(f"fan{n}"), ours)
    b.wait_for_notifications(me, 7, timeout=60)
    connector = connect(b, me)
    connector_pages = await pull(connector)
    assert len(events_of(connector_pages)) == 7  # one page here: PAGE is 50
    import cmtui.sync.connectors.bluesky.connector as module
    small = connect(b, me)
    original, module.PAGE = module.PAGE, 3
    try:
        pages = await pull(small)
        newest = datetime.fromisoformat(b.notifications(me)[2]["indexedAt"].replace("Z", "+00:00"))
        horizon = await pull(connect(b, me), since=newest)
    finally:
        module.PAGE = original
    assert len(pages) == 3 and len(events_of(pages)) == 7 and small.requests == 4  # + the profile
    assert len(events_of(horizon)) == 3  # back to the horizon, not further


# -- publishing -----------------------------------------------------------------------------
@pytest.fixture
def me(bluesky_server):
    return bluesky_server.create_account("me")


async def test_publish_a_post_with_language_facets_and_the_same_key_twice_is_one_post(bluesky_server, me, people):
    ana = people["ana"]
    connector = connect(bluesky_server, me)
    text = f"Café 🎉 hi @{ana.handle} and @nobody-here.test, see https://example.com/x #naïve"
    request = PostRequest(text=text, idempotency_key="post-1", language="fr")
    first = await connector.publish(request)
    again = await connector.publish(request)
    await connector.close()
    assert first.remote_id == again.remote_id == f"at://{me.did}/app.bsky.feed.post/{tid.from_key('post-1')}"
    assert first.url == f"https://bsky.app/profile/{me.handle}/post/{tid.from_key('post-1')}"
    [record] = records(bluesky_server, me)
    value = record["value"]
    assert value["text"] == text and value["langs"] == ["fr"] and "reply" not in value
    found = {text.encode()[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode(): f["features"][0]
             for f in value["facets"]}
    assert found == {f"@{ana.handle}": {"$type": "app.bsky.richtext.facet#mention", "did": ana.did},
                     "https://example.com/x": {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/x"},
                     "#naïve": {"$type": "app.bsky.richtext.facet#tag", "tag": "naïve"}}
    view = bluesky_server.wait_for_post(Ref(first.remote_id, record["cid"]), timeout=60)  # the AppView read it too
    assert view["record"]["text"] == text


async def test_a_reply_names_the_threads_root_and_its_parent(bluesky_server, me, people):
    b, ana = bluesky_server, people["ana"]
    root = b.post(me, "What do you use for notes?")
    answer = b.post(ana, "paper", reply_to=root)
    connector = connect(b, me)
    posted = await connector.publish(PostRequest(text=f"@{ana.handle} same here", idempotency_key="reply-1",
                                                 in_reply_to_remote_id=answer.uri))
    direct = await connector.publish(PostRequest(text="and a note", idempotency_key="reply-2",
                                                 in_reply_to_remote_id=root.uri))
    await connector.close()
    value = b.get_record(posted.remote_id)["value"]
    assert value["reply"] == {"root": root.strong, "parent": answer.strong}
    assert value["facets"][0]["features"] == [{"$type": "app.bsky.richtext.facet#mention", "did": ana.did}]
    assert b.get_record(direct.remote_id)["value"]["reply"] == {"root": root.strong, "parent": root.strong}


async def test_a_post_over_the_limit_or_to_a_missing_parent_is_refused_and_nothing_is_sent(bluesky_server, me):
    connector = connect(bluesky_server, me)
    with pytest.raises(PermanentError, match="over the limit of 300"):
        await connector.publish(PostRequest(text="é" * 301, idempotency_key="long"))
    with pytest.raises(PermanentError, match="no longer exists"):
        await connector.publish(PostRequest(text="hi", idempotency_key="orphan",
                                            in_reply_to_remote_id=f"at://{me.did}/app.bsky.feed.post/3k2222222222a"))
    with pytest.raises(PermanentError, match="not a Bluesky post address"):
        await connector.publish(PostRequest(text="hi", idempotency_key="bad", in_reply_to_remote_id="12345"))
    await connector.close()
    assert records(bluesky_server, me) == []


class ForwardThenTimeOut(httpx.AsyncBaseTransport):
    """Sends the first createRecord to the PDS, then says the answer never came."""

    def __init__(self):
        self.inner = httpx.AsyncHTTPTransport()
        self.cut = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/com.atproto.repo.createRecord") and not self.cut:
            await response.aread()
            self.cut += 1
            raise httpx.ReadTimeout("no answer in time", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_retry_after_a_time_out_finds_the_post_it_made(bluesky_server, me):
    transport = ForwardThenTimeOut()
    connector = connect(bluesky_server, me, transport=transport)
    request = PostRequest(text="Sent once, whatever happens", idempotency_key="op-42")
    with pytest.raises(TimedOut):
        await connector.publish(request)
    assert transport.cut == 1 and len(records(bluesky_server, me)) == 1  # it did arrive
    posted = await connector.publish(request)  # the outbox's retry, same key
    await connector.close()
    [record] = records(bluesky_server, me)
    assert posted.remote_id == record["uri"] and record["value"]["text"] == "Sent once, whatever happens"


async def test_delete_removes_our_post(bluesky_server, me):
    connector = connect(bluesky_server, me)
    posted = await connector.publish(PostRequest(text="oops", idempotency_key="gone"))
    await connector.delete(posted.remote_id)
    await connector.close()
    assert records(bluesky_server, me) == []


# -- threads --------------------------------------------------------------------------------
async def test_thread_gives_the_parents_and_the_replies_oldest_first(bluesky_server, me, people):
    b, ana, bob = bluesky_server, people["ana"], people["bob"]
    root = b.post(me, "Release notes are out")
    first = b.post(ana, "great", reply_to=root)
    second = b.post(bob, "agreed", reply_to=first)
    below = b.post(ana, "thanks bob", reply_to=second)
    aside = b.post(bob, "also: dark mode?", reply_to=root)
    for ref in (root, first, second, below, aside):
        b.wait_for_post(ref, timeout=60)
    connector = connect(b, me)
    thread = await connector.thread(second.uri)
    await connector.close()
    assert [i.remote_id for i in thread][:3] == [root.uri, first.uri, second.uri]
    assert below.uri in {i.remote_id for i in thread}
    assert [i.created_at for i in thread] == sorted(i.created_at for i in thread)
    by_id = {i.remote_id: i for i in thread}
    assert by_id[second.uri].kind == "reply" and by_id[second.uri].in_reply_to_remote_id == first.uri
    assert by_id[root.uri].author.acct == me.handle


# -- moderation ------------------------------------------------------------------------------
async def test_lookup_resolves_a_handle_and_an_unknown_one_is_refused(bluesky_server, me, people):
    connector = connect(bluesky_server, me)
    found = await connector.lookup(f"@{people['ana'].handle.upper()}")
    assert (found.remote_id, found.handle) == (people["ana"].did, people["ana"].handle)
    with pytest.raises(PermanentError, match="no Bluesky account @nobody-at-all.test"):
        await connector.lookup("nobody-at-all.test")
    await connector.close()


async def test_mute_and_block_reach_the_server_and_a_second_block_makes_no_second_record(bluesky_server, me):
    b = bluesky_server
    pest, troll = b.create_account("pest"), b.create_account("troll")
    connector = connect(b, me)
    await connector.mute(pest.did)
    await connector.block(troll.did)
    await connector.block(troll.did)
    await connector.close()
    mutes = b.xrpc("GET", "app.bsky.graph.getMutes", token=me.access_jwt)["mutes"]
    assert [m["did"] for m in mutes] == [pest.did]
    assert b.blocks_of(me) == [troll.did]


async def test_a_report_about_a_post_and_one_about_an_account_reach_ozone(bluesky_server, me):
    b = bluesky_server
    spammer = b.create_account("spammer")
    spam = b.post(spammer, "buy followers")
    connector = connect(b, me, options={"labeler": b.ozone_did})
    await connector.report(spammer.did, [spam.uri], comment="ads again", category="spam")
    await connector.report(spammer.did, [], comment="an impostor", category="misleading")
    await connector.close()
    deadline = time.monotonic() + 10
    while not (about_post := b.reports_about(spam.uri)) and time.monotonic() < deadline:
        time.sleep(0.2)
    [event] = about_post
    assert event["event"]["reportType"] == "com.atproto.moderation.defs#reasonSpam"
    assert event["event"]["comment"] == "ads again" and event["createdBy"] == me.did
    [about_account] = b.reports_about(spammer.did)
    assert about_account["event"]["reportType"] == "com.atproto.moderation.defs#reasonMisleading"


async def test_hiding_a_reply_keeps_the_threadgates_rules_and_a_foreign_thread_is_refused(bluesky_server, me, people):
    b, ana, bob = bluesky_server, people["ana"], people["bob"]
    root = b.post(me, "Ask me anything")
    b.create_record(me, "app.bsky.feed.threadgate", {"post": root.uri, "createdAt": "2026-01-01T00:00:00.000Z",
                                                     "allow": [{"$type": "app.bsky.feed.threadgate#followingRule"}]},
                    rkey=root.rkey)
    rude, ruder = b.post(ana, "boring", reply_to=root), b.post(bob, "very", reply_to=root)
    theirs = b.post(bob, "my own thread")
    answer = b.post(ana, "nice", reply_to=theirs)
    connector = connect(b, me)
    await connector.remove(rude.uri, "rude")
    await connector.remove(ruder.uri)
    await connector.remove(ruder.uri)  # already hidden: no change
    with pytest.raises(PermanentError, match="only replies in a thread this account started"):
        await connector.remove(answer.uri)
    with pytest.raises(PermanentError, match="only replies in a thread this account started"):
        await connector.remove(root.uri)  # not a reply at all
    await connector.close()
    gate = b.threadgate(root)
    assert gate["hiddenReplies"] == [rude.uri, ruder.uri]
    assert gate["allow"] == [{"$type": "app.bsky.feed.threadgate#followingRule"}]
    assert b.threadgate(theirs) is None


async def test_a_new_threadgate_hides_without_limiting_who_replies(bluesky_server, me, people):
    b = bluesky_server
    root = b.post(me, "Open thread")
    rude = b.post(people["ana"], "meh", reply_to=root)
    connector = connect(b, me)
    await connector.remove(rude.uri)
    await connector.close()
    gate = b.threadgate(root)
    assert gate["hiddenReplies"] == [rude.uri] and "allow" not in gate and gate["post"] == root.uri


# -- sessions ----------------------------------------------------------------------------------
async def test_an_expired_access_token_is_renewed_saved_first_and_the_call_goes_through(bluesky_server, me):
    saved: list[SignIn] = []
    stale = expired(me.access_jwt)
    connector = connect(bluesky_server, me, saved=saved, token=stale)
    connector.http.expires = None  # so the server, not the claim, says it expired
    posted = await connector.publish(PostRequest(text="after a renewal", idempotency_key="renewed"))
    await connector.close()
    assert bluesky_server.get_record(posted.remote_id)["value"]["text"] == "after a renewal"
    [renewed] = saved
    assert renewed.token != stale and renewed.refresh and renewed.refresh != me.refresh_jwt
    assert connector.requests == 4  # getRecord (public), createRecord refused, renewed, sent again
    check = bluesky_server.xrpc("GET", "com.atproto.server.getSession", token=renewed.token)
    assert check["did"] == me.did


async def test_a_token_about_to_expire_is_renewed_before_the_call(bluesky_server, me):
    saved: list[SignIn] = []
    connector = connect(bluesky_server, me, saved=saved, token=expired(me.access_jwt))
    await connector.lookup(me.handle)
    await connector.close()
    assert len(saved) == 1 and connector.requests == 2  # renewed, then the call


async def test_a_revoked_app_password_or_refresh_token_is_an_auth_error(bluesky_server, me):
    b = bluesky_server
    secret = b.app_password(me, "cmtui")
    signed = await BlueskyConnector.token_login(b.pds_url, me.handle, secret, 20)
    b.revoke_app_password(me, "cmtui")
    connector = connect(b, me, token=expired(signed.token), refresh=signed.refresh)
    with pytest.raises(AuthError, match="would not renew the session") as caught:
        await connector.lookup(me.handle)
    await connector.close()
    assert "eyJ" not in str(caught.value)
    ended = b.sign_in(me)  # a session signed out elsewhere: its refresh token is refused
    b.xrpc("POST", "com.atproto.server.deleteSession", token=ended.refresh_jwt)
    again = connect(b, me, token=expired(ended.access_jwt), refresh=ended.refresh_jwt)
    with pytest.raises(AuthError):
        await again.lookup(me.handle)
    await again.close()


async def test_an_app_password_opens_a_session_and_a_wrong_one_is_one_line(bluesky_server, me):
    b = bluesky_server
    signed = await BlueskyConnector.token_login(b.pds_url, f"@{me.handle}", b.app_password(me, "laptop"), 20)
    assert signed.refresh and b.xrpc("GET", "com.atproto.server.getSession", token=signed.token)["did"] == me.did
    with pytest.raises(InputError, match=f"refused the handle or app password for {me.handle}"):
        await BlueskyConnector.token_login(b.pds_url, f"@{me.handle}", "wrong-wrong-wrong-wrong", 20)
    BlueskyConnector.sign_out(b.pds_url, signed, 20)
    with pytest.raises(Exception):
        b.xrpc("POST", "com.atproto.server.refreshSession", token=signed.refresh)


async def test_a_garbage_token_is_an_auth_error_and_a_dead_server_is_offline(bluesky_server, me):
    connector = BlueskyConnector(bluesky_server.pds_url, "garbage", account=AccountContext(me.did, me.handle), timeout=5)
    with pytest.raises(AuthError) as caught:
        await pull(connector)
    assert "garbage" not in str(caught.value)
    await connector.close()
    dead = BlueskyConnector(f"http://127.0.0.1:{free_port()}", "x", timeout=5)
    with pytest.raises(OfflineError):
        await dead.verify()
    await dead.close()
