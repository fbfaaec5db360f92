"""The Matrix connector against a real Synapse on loopback (the `matrix_server` fixture).

Each test brings its own rooms; the account under test is registered per test where what it
pulls would see other tests' rooms, and the people who talk to it are shared by the module.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

import pytest

from cmtui.sync.connectors.base import (
    AccountContext, AuthError, OfflineError, PermanentError, Place, PostRequest, RateLimited,
)
from cmtui.sync.connectors.matrix.connector import MatrixConnector
from matrix_peer import free_port

LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


def connect(server, user, *, known: bool = True, options: dict | None = None, places=(), admin: bool = False,
            **kw) -> MatrixConnector:
    context = AccountContext(remote_id=user.user_id, handle=user.user_id, is_admin=admin, options=options or {},
                             places=tuple(places)) if known else None
    return MatrixConnector(server.base_url, user.access_token, account=context, timeout=20, **kw)


async def pull(connector: MatrixConnector, cursor: str | None = None, since: datetime = LONG_AGO):
    return [page async for page in connector.pull(cursor, since)]


def items_of(pages) -> dict:
    return {i.remote_id: i for p in pages for i in p.items}


def state(server, token: str, room: str, kind: str, key: str = "") -> dict:
    return server._call("GET", f"/_matrix/client/v3/rooms/{room}/state/{kind}/{key}", token)


@pytest.fixture(scope="module")
def people(matrix_server):
    """Who talks to the account: ada (a room owner), bob; and an admin of the homeserver."""
    return {"ada": matrix_server.register("ada"), "bob": matrix_server.register("bob"),
            "admin": matrix_server.register("admin", admin=True)}


@pytest.fixture(scope="module")
def scene(matrix_server, people):
    """One account's rooms with one of everything, pulled twice: a backfill, then (after
    more happened) from its cursor."""
    m, ada, bob = matrix_server, people["ada"], people["bob"]
    me = m.register("me")
    support = m.create_room(ada.access_token, name="Support", preset="public_chat")
    lounge = m.create_room(ada.access_token, preset="public_chat", alias=f"lounge{me.localpart}")
    for room in (support, lounge):
        m.join(me.access_token, room)
        m.join(bob.access_token, room)
    dm = m.create_room(ada.access_token, invite=[me.user_id], is_direct=True, preset="trusted_private_chat")
    m.join(me.access_token, dm)
    ids = {"support": support, "lounge": lounge, "dm": dm}
    ids["ours"] = m.send_message(me.access_token, lounge, "Welcome to the lounge")
    ids["question"] = m.send_message(ada.access_token, support, "How do I sync?")
    ids["chatter"] = m.send_message(bob.access_token, lounge, "nice weather")
    ids["intentional"] = m.send_message(ada.access_token, lounge, "have a look", **{
        "m.mentions": {"user_ids": [me.user_id]}, "format": "org.matrix.custom.html",
        "formatted_body": "have a <b>look</b> <script>x</script>"})
    ids["plain"] = m.send_message(bob.access_token, lounge, f"ping {me.user_id} old client")
    ids["reply"] = m.send_message(bob.access_token, lounge, "thanks!",
                                  **{"m.relates_to": {"m.in_reply_to": {"event_id": ids["ours"]}}})
    ids["answer"] = m.send_message(bob.access_token, support, "try restarting",
                                   **{"m.relates_to": {"m.in_reply_to": {"event_id": ids["question"]}}})
    ids["in_thread"] = m.send_message(bob.access_token, support, "me too", **{"m.relates_to": {
        "rel_type": "m.thread", "event_id": ids["question"], "is_falling_back": True,
        "m.in_reply_to": {"event_id": ids["question"]}}})
    ids["private"] = m.send_message(ada.access_token, dm, "a private question")
    ids["like"] = m.send(bob.access_token, lounge, {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": ids["ours"], "key": "+1"}}, event_type="m.reaction")
    ids["other_like"] = m.send(ada.access_token, lounge, {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": ids["chatter"], "key": "+1"}}, event_type="m.reaction")
    options = {"support_places": [support]}
    async def backfill_pass():
        first = connect(m, me, options=options)
        pages = await pull(first)
        return pages, await first.own_posts(me.user_id, LONG_AGO), first.places()

    backfill, own, places = asyncio.run(backfill_pass())

    # Later: an edit, a redaction, a newcomer, a new mention, a reaction.
    m.send(ada.access_token, support, {"msgtype": "m.text", "body": "* How do I sync my notes?",
                                       "m.new_content": {"msgtype": "m.text", "body": "How do I sync my notes?"},
                                       "m.relates_to": {"rel_type": "m.replace", "event_id": ids["question"]}})
    m._call("PUT", f"/_matrix/client/v3/rooms/{lounge}/redact/{ids['plain']}/r1", bob.access_token,
            json={"reason": "typo"})
    newcomer = m.register("newcomer")
    m.join(newcomer.access_token, lounge)
    ids["later"] = m.send_message(newcomer.access_token, lounge, f"hello {me.user_id}")
    ids["late_reply"] = m.send_message(bob.access_token, lounge, "still true?", **{  # as clients send it now
        "m.relates_to": {"m.in_reply_to": {"event_id": ids["ours"]}}, "m.mentions": {"user_ids": [me.user_id]}})
    ids["late_like"] = m.send(newcomer.access_token, lounge, {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": ids["ours"], "key": "+1"}}, event_type="m.reaction")
    async def next_pass(cursor):
        connector = connect(m, me, options=options, places=places)
        pages = await pull(connector, cursor)
        await connector.close()
        return pages, connector.requests

    incremental, second_requests = asyncio.run(next_pass(backfill[-1].cursor))
    quiet, quiet_requests = asyncio.run(next_pass(incremental[-1].cursor))
    return {"me": me, "ids": ids, "backfill": backfill, "own": own, "places": places, "incremental": incremental,
            "second_requests": second_requests, "quiet": quiet, "quiet_requests": quiet_requests,
            "newcomer": newcomer}


def rid(scene, room: str, event: str) -> str:
    return f"{scene['ids'][room]}/{scene['ids'][event]}"


async def test_backfill_finds_mentions_replies_direct_messages_and_support_questions(scene, people):
    items = items_of(scene["backfill"])
    kinds = {remote_id: item.kind for remote_id, item in items.items()}
    assert kinds == {
        rid(scene, "lounge", "intentional"): "mention",
        rid(scene, "lounge", "plain"): "mention",
        rid(scene, "lounge", "reply"): "reply",
        rid(scene, "support", "question"): "comment",
        rid(scene, "dm", "private"): "direct",
    }  # not: our own message, chatter, answers in the support room (replies, threads)
    mention = items[rid(scene, "lounge", "intentional")]
    assert mention.text == "have a look"  # the HTML body as text, the script dropped
    assert mention.author.acct == people["ada"].user_id and mention.author.display_name == people["ada"].localpart
    assert mention.place == scene["ids"]["lounge"]
    assert mention.url == f"https://matrix.to/#/{scene['ids']['lounge']}/{scene['ids']['intentional']}"
    assert items[rid(scene, "lounge", "reply")].in_reply_to_remote_id == rid(scene, "lounge", "ours")
    assert [p.final for p in scene["backfill"]] == [False] * (len(scene["backfill"]) - 1) + [True]
    assert all(p.cursor is None for p in scene["backfill"][:-1]) and scene["backfill"][-1].cursor


async def test_backfill_counts_reactions_to_our_messages_as_likes_and_joins_as_follows(scene, people):
    events = [e for p in scene["backfill"] for e in p.events]
    likes = [e for e in events if e.kind == "like"]
    assert [(e.actor, e.post_remote_id) for e in likes] == [(people["bob"].user_id, rid(scene, "lounge", "ours"))]
    follows = {(e.actor, e.remote_id.partition("/")[0]) for e in events if e.kind == "follow"}
    assert (people["bob"].user_id, scene["ids"]["lounge"]) in follows
    assert all(actor != scene["me"].user_id for actor, _ in follows)
    [own] = scene["own"]
    assert own.remote_id == rid(scene, "lounge", "ours") and own.text == "Welcome to the lounge"


async def test_places_have_names_members_and_refusals_from_power_levels(scene, people):
    places = {p.id: p for p in scene["places"]}
    ids = scene["ids"]
    assert set(places) == {ids["support"], ids["lounge"], ids["dm"]}
    assert places[ids["support"]].name == "Support" and places[ids["support"]].support
    assert places[ids["lounge"]].name == f"#lounge{scene['me'].localpart}:synapse.test"
    assert places[ids["dm"]].direct and places[ids["dm"]].name == people["ada"].localpart
    assert places[ids["lounge"]].members == 3
    assert places[ids["lounge"]].refused == {
        action: f"{action} needs power level 50 in #lounge{scene['me'].localpart}:synapse.test; yours is 0"
        for action in ("hide", "kick", "ban", "unban")}


async def test_the_next_pass_reads_edits_redactions_and_new_items_from_the_cursor(scene):
    [page] = scene["incremental"]
    assert page.final and page.cursor and page.cursor != scene["backfill"][-1].cursor
    items = items_of(scene["incremental"])
    edited = items[rid(scene, "support", "question")]
    assert edited.text == "How do I sync my notes?" and edited.edited_at and edited.kind == "comment"
    assert items[rid(scene, "lounge", "later")].kind == "mention"
    assert items[rid(scene, "lounge", "late_reply")].kind == "reply"  # its target looked up: ours
    assert page.deleted == [rid(scene, "lounge", "plain")]
    assert [e.actor for e in page.events if e.kind == "follow"] == [scene["newcomer"].user_id]
    # A reaction to our message of an earlier pass: the message is looked up to know it is ours
    # (once for the reaction and the reply).
    assert [(e.actor, e.post_remote_id) for e in page.events if e.kind == "like"] == [
        (scene["newcomer"].user_id, rid(scene, "lounge", "ours"))]
    assert scene["second_requests"] == 3  # /sync, the edited message and the liked one


async def test_a_pass_with_nothing_new_is_one_request_and_returns_nothing(scene):
    [page] = scene["quiet"]
    assert (page.items, page.events, page.deleted) == ([], [], [])
    assert page.final and page.cursor
    assert scene["quiet_requests"] == 1


async def test_a_sync_token_the_server_no_longer_takes_reads_back_to_the_horizon(matrix_server, scene):
    connector = connect(matrix_server, scene["me"], options={"support_places": [scene["ids"]["support"]]},
                        places=scene["places"])
    pages = await pull(connector, "s1_not_a_token_any_more")
    await connector.close()
    # The same items as the backfill (the store matches them, so nothing is doubled), and a
    # fresh cursor to go on from.
    assert rid(scene, "support", "question") in items_of(pages)
    assert rid(scene, "lounge", "intentional") in items_of(pages)
    assert pages[-1].final and pages[-1].cursor not in ("", "s1_not_a_token_any_more")


async def test_verify_without_context_asks_the_server_and_with_context_asks_nothing(matrix_server, people):
    me = matrix_server.register("me")
    unknown = connect(matrix_server, me, known=False)
    info = await unknown.verify()
    assert (info.remote_id, info.acct, info.display_name, info.is_admin) == (me.user_id, me.user_id, me.localpart, False)
    assert unknown.requests == 3  # whoami, the admin check, the display name
    admin = await connect(matrix_server, people["admin"], known=False).verify()
    assert admin.is_admin
    known = connect(matrix_server, me, places=[Place("!a:x", "A", members=4), Place("!b:x", "B", members=3)])
    info = await known.verify()
    assert (info.remote_id, info.followers, known.requests) == (me.user_id, 7, 0)
    assert (await known.limits()).max_chars == 15000 and known.requests == 0


async def test_backfill_pages_back_with_messages_to_the_horizon(matrix_server, people):
    m, ada = matrix_server, people["ada"]
    me = m.register("me")
    room = m.create_room(ada.access_token, preset="public_chat")
    m.join(me.access_token, room)
    sent = [m.send_message(ada.access_token, room, f"{me.user_id} question {n}") for n in range(2)]
    time.sleep(1.05)  # the horizon is a time to the second: the first two are before it
    sent += [m.send_message(ada.access_token, room, f"{me.user_id} question {n}") for n in range(2, 7)]
    third = next(e for e in m.messages(ada.access_token, room) if e["event_id"] == sent[2])
    since = datetime.fromtimestamp(third["origin_server_ts"] // 1000, tz=timezone.utc)
    connector = connect(m, me)
    connector.timeline_limit, connector.messages_page = 2, 2
    pages = await pull(connector, since=since)
    texts = sorted(i.text for i in items_of(pages).values())
    assert texts == [f"{me.user_id} question {n}" for n in range(2, 7)]
    assert connector.requests >= 3  # /sync, then more than one /messages page


async def test_a_gap_in_an_incremental_sync_is_read_with_messages(matrix_server, people):
    m, ada = matrix_server, people["ada"]
    me = m.register("me")
    room = m.create_room(ada.access_token, preset="public_chat")
    m.join(me.access_token, room)
    first = connect(m, me)
    cursor = (await pull(first))[-1].cursor
    sent = {m.send_message(ada.access_token, room, f"{me.user_id} n{n}") for n in range(6)}
    second = connect(m, me)
    second.timeline_limit, second.messages_page = 2, 2
    pages = await pull(second, cursor)
    assert {i.remote_id.partition("/")[2] for i in items_of(pages).values()} == sent


async def test_pull_is_narrowed_to_the_chosen_rooms(matrix_server, people):
    m, ada = matrix_server, people["ada"]
    me = m.register("me")
    chosen = m.create_room(ada.access_token, preset="public_chat")
    other = m.create_room(ada.access_token, preset="public_chat")
    for room in (chosen, other):
        m.join(me.access_token, room)
        m.send_message(ada.access_token, room, f"hi {me.user_id}")
    connector = connect(m, me, options={"places": [chosen]})
    pages = await pull(connector)
    assert {i.place for i in items_of(pages).values()} == {chosen}
    assert [p.id for p in connector.places()] == [chosen]


@pytest.fixture
def room_with_me(matrix_server, people):
    """A public room of ada's that a new account joined; (me, room)."""
    me = matrix_server.register("me")
    room = matrix_server.create_room(people["ada"].access_token, name="Help", preset="public_chat")
    matrix_server.join(me.access_token, room)
    matrix_server.join(people["bob"].access_token, room)
    return me, room


async def test_publish_posts_to_a_room_and_the_same_key_twice_is_one_message(matrix_server, room_with_me):
    me, room = room_with_me
    connector = connect(matrix_server, me)
    posted = await connector.publish(PostRequest(text="Release today", idempotency_key="op-7", place=room))
    again = await (connect(matrix_server, me).publish(PostRequest(text="Release today", idempotency_key="op-7",
                                                                place=room)))
    assert posted.remote_id == again.remote_id and posted.remote_id.startswith(room + "/$")
    assert posted.url == f"https://matrix.to/#/{room}/{posted.remote_id.partition('/')[2]}"
    mine = [e for e in matrix_server.messages(me.access_token, room, event_type="m.room.message")
            if e["sender"] == me.user_id]
    assert [e["content"]["body"] for e in mine] == ["Release today"]
    with pytest.raises(PermanentError):
        await connector.publish(PostRequest(text="where?", idempotency_key="op-8"))


async def test_a_reply_carries_the_reply_relation_and_in_a_thread_the_thread_relation(matrix_server, people, room_with_me):
    me, room = room_with_me
    bob = people["bob"]
    question = matrix_server.send_message(bob.access_token, room, "How?")
    in_thread = matrix_server.send_message(bob.access_token, room, "And this?", **{"m.relates_to": {
        "rel_type": "m.thread", "event_id": question, "is_falling_back": True, "m.in_reply_to": {"event_id": question}}})
    connector = connect(matrix_server, me)
    plain = await (connector.publish(PostRequest(text="Like this", idempotency_key="r-1",
                                              in_reply_to_remote_id=f"{room}/{question}")))
    threaded = await (connector.publish(PostRequest(text="And so", idempotency_key="r-2",
                                                 in_reply_to_remote_id=f"{room}/{in_thread}")))
    sent = {e["event_id"]: e["content"] for e in matrix_server.messages(me.access_token, room)}
    first = sent[plain.remote_id.partition("/")[2]]
    assert first["m.relates_to"] == {"m.in_reply_to": {"event_id": question}}
    assert first["m.mentions"] == {"user_ids": [bob.user_id]} and first["body"] == "Like this"
    second = sent[threaded.remote_id.partition("/")[2]]
    assert second["m.relates_to"] == {"rel_type": "m.thread", "event_id": question, "is_falling_back": False,
                                      "m.in_reply_to": {"event_id": in_thread}}


async def test_edit_replaces_and_delete_redacts_our_message(matrix_server, room_with_me):
    me, room = room_with_me
    connector = connect(matrix_server, me)
    posted = await connector.publish(PostRequest(text="Relase today", idempotency_key="e-1", place=room))
    await connector.edit(posted.remote_id, "Release today")
    event_id = posted.remote_id.partition("/")[2]
    [edit] = [e for e in matrix_server.messages(me.access_token, room, event_type="m.room.message")
              if (e["content"].get("m.relates_to") or {}).get("rel_type") == "m.replace"]
    assert edit["content"]["m.new_content"]["body"] == "Release today"
    assert edit["content"]["m.relates_to"]["event_id"] == event_id
    await connector.delete(posted.remote_id)
    await (connector.delete(posted.remote_id))  # twice: already gone is fine
    original = matrix_server._call("GET", f"/_matrix/client/v3/rooms/{room}/event/{event_id}", me.access_token)
    assert original["content"] == {} and "redacted_because" in original["unsigned"]


async def test_remove_redacts_someone_elses_message_with_the_reason(matrix_server, people, room_with_me):
    me, room = room_with_me
    ada = people["ada"]  # the room's creator: allowed to redact
    spam = matrix_server.send_message(people["bob"].access_token, room, "buy now")
    await connect(matrix_server, ada).remove(f"{room}/{spam}", "spam")
    event = matrix_server._call("GET", f"/_matrix/client/v3/rooms/{room}/event/{spam}", me.access_token)
    assert event["content"] == {} and event["unsigned"]["redacted_because"]["content"]["reason"] == "spam"


async def test_mute_adds_to_the_ignore_list_keeping_who_was_there(matrix_server, people):
    me = matrix_server.register("me")
    connector = connect(matrix_server, me)
    await connector.mute(people["bob"].user_id)
    await connector.mute(people["ada"].user_id)
    await connector.mute(people["ada"].user_id)
    data = matrix_server._call("GET", f"/_matrix/client/v3/user/{me.user_id}/account_data/m.ignored_user_list",
                               me.access_token)
    assert set(data["ignored_users"]) == {people["bob"].user_id, people["ada"].user_id}


async def test_kick_ban_and_unban_change_membership_and_a_low_power_level_is_refused(matrix_server, people, room_with_me):
    me, room = room_with_me
    ada, bob = people["ada"], people["bob"]
    with pytest.raises(PermanentError) as refused:
        await connect(matrix_server, me).kick(bob.user_id, room, "calm down")
    assert refused.value.status == 403 and not isinstance(refused.value, AuthError)
    owner = connect(matrix_server, ada)
    await owner.kick(bob.user_id, room, "calm down")
    member = state(matrix_server, ada.access_token, room, "m.room.member", bob.user_id)
    assert member == {"membership": "leave", "reason": "calm down"}
    await owner.ban(bob.user_id, room, "again")
    assert state(matrix_server, ada.access_token, room, "m.room.member", bob.user_id)["membership"] == "ban"
    await owner.unban(bob.user_id, room)
    assert state(matrix_server, ada.access_token, room, "m.room.member", bob.user_id)["membership"] == "leave"


async def test_reports_reach_the_admin_who_lists_and_resolves_them(matrix_server, people, room_with_me):
    me, room = room_with_me
    abuse = matrix_server.send_message(people["bob"].access_token, room, "you are all idiots")
    report_id = await connect(matrix_server, me).report(people["bob"].user_id, [f"{room}/{abuse}"], "insults")
    assert report_id == abuse
    admin = connect(matrix_server, people["admin"], admin=True)
    listed = await admin.admin_reports()
    [mine] = [r for r in listed.reports if r.status_ids == (f"{room}/{abuse}",)]
    assert (mine.target.acct, mine.comment, mine.category) == (people["bob"].user_id, "insults", "other")
    assert mine.created_at.endswith("Z")
    await admin.resolve_report(mine.remote_id)
    assert all(r.remote_id != mine.remote_id for r in (await admin.admin_reports()).reports)


async def test_an_admin_redacts_an_accounts_messages_and_deactivates_it(matrix_server, people, room_with_me):
    me, room = room_with_me
    spammer = matrix_server.register("spammer")
    matrix_server.join(spammer.access_token, room)
    spam = [matrix_server.send_message(spammer.access_token, room, f"buy {n}") for n in range(2)]
    admin = connect(matrix_server, people["admin"], admin=True)
    await admin.account_action(spammer.user_id, "redact", "spam")

    def content(event_id: str) -> dict:
        return matrix_server._call("GET", f"/_matrix/client/v3/rooms/{room}/event/{event_id}", me.access_token)["content"]
    deadline = time.monotonic() + 20  # Synapse redacts in a background task
    while time.monotonic() < deadline and any(content(e) for e in spam):
        await asyncio.sleep(0.2)
    assert [content(e) for e in spam] == [{}, {}]
    await admin.account_action(spammer.user_id, "deactivate")
    with pytest.raises(AuthError):
        await connect(matrix_server, spammer, known=False).verify()


async def test_thread_gives_the_replied_to_chain_and_the_threads_events_oldest_first(matrix_server, people, room_with_me):
    me, room = room_with_me
    m, ada, bob = matrix_server, people["ada"], people["bob"]
    root = m.send_message(me.access_token, room, "Release notes")
    m.send_message(ada.access_token, room, "unrelated")
    question = m.send_message(bob.access_token, room, "What changed?",
                              **{"m.relates_to": {"m.in_reply_to": {"event_id": root}}})
    in_thread = m.send_message(ada.access_token, room, "see the thread", **{"m.relates_to": {
        "rel_type": "m.thread", "event_id": question, "is_falling_back": True, "m.in_reply_to": {"event_id": question}}})
    posts = await connect(m, me).thread(f"{room}/{question}")
    assert [p.remote_id.partition("/")[2] for p in posts] == [root, question, in_thread]
    assert [p.kind for p in posts] == ["comment", "reply", "comment"]
    assert posts[0].author.acct == me.user_id and posts[2].in_reply_to_remote_id == f"{room}/{question}"


async def test_a_rate_limit_says_when_to_come_back(matrix_server, people, room_with_me):
    me, room = room_with_me
    matrix_server.override_ratelimit(people["admin"].access_token, me.user_id, per_second=1, burst_count=1)
    connector = connect(matrix_server, me)
    before = datetime.now(timezone.utc)
    with pytest.raises(RateLimited) as limited:
        for n in range(6):
            await connector.publish(PostRequest(text=f"n{n}", idempotency_key=f"rl-{n}", place=room))
    assert before < limited.value.retry_at < before + timedelta(minutes=5)


async def test_a_refused_token_is_an_auth_error_and_a_dead_server_is_offline(matrix_server):
    me = matrix_server.register("me")
    with pytest.raises(AuthError) as refused:
        await MatrixConnector(matrix_server.base_url, "not-a-token", timeout=10).verify()
    assert "not-a-token" not in str(refused.value) and "M_UNKNOWN_TOKEN" in str(refused.value)
    with pytest.raises(OfflineError):
        await MatrixConnector(f"http://127.0.0.1:{free_port()}", me.access_token, timeout=5).verify()


def test_password_login_gives_a_new_devices_token_and_a_wrong_password_is_refused(matrix_server):
    me = matrix_server.register("me")
    signed = MatrixConnector.password_login(matrix_server.base_url, me.user_id, me.password, 20)
    assert signed.device_id and signed.token != me.access_token
    assert matrix_server.whoami(signed.token)["user_id"] == me.user_id
    devices = matrix_server._call("GET", "/_matrix/client/v3/devices", signed.token)["devices"]
    assert {d["device_id"]: d.get("display_name") for d in devices}[signed.device_id] == "cmtui"
    with pytest.raises(AuthError):
        MatrixConnector.password_login(matrix_server.base_url, me.user_id, "wrong", 20)


async def test_a_room_alias_resolves_to_its_id_and_an_unknown_one_is_refused(matrix_server, people):
    room = matrix_server.create_room(people["ada"].access_token, preset="public_chat", alias="resolveme")
    matrix_server.join(people["bob"].access_token, room)  # a room the account is not in is refused
    connector = connect(matrix_server, people["bob"])
    assert await connector.resolve_place("#resolveme:synapse.test") == room
    assert await connector.resolve_place(room) == room
    with pytest.raises(PermanentError) as unknown:
        await connector.resolve_place("#nowhere:synapse.test")
    assert unknown.value.status == 404


async def test_direct_rooms_from_account_data_and_our_display_name_as_a_mention(matrix_server, people):
    m, ada = matrix_server, people["ada"]
    me = m.register("me")
    m._call("PUT", f"/_matrix/client/v3/profile/{me.user_id}/displayname", me.access_token,
            json={"displayname": "Tide Water"})
    room = m.create_room(ada.access_token, preset="public_chat")
    chat = m.create_room(ada.access_token, invite=[me.user_id])  # a private room, not marked direct
    for joined in (room, chat):
        m.join(me.access_token, joined)
    m._call("PUT", f"/_matrix/client/v3/user/{me.user_id}/account_data/m.direct", me.access_token,
            json={ada.user_id: [chat, "!left-long-ago:synapse.test"]})
    m.send_message(ada.access_token, room, "thanks tide water!")
    m.send_message(ada.access_token, room, "tide waterfall pictures")
    m.send_message(ada.access_token, chat, "just us")
    connector = connect(m, me)
    items = items_of(await pull(connector))
    assert sorted((i.kind, i.text) for i in items.values()) == [("direct", "just us"), ("mention", "thanks tide water!")]
    assert {p.id: p.direct for p in connector.places()} == {room: False, chat: True}
