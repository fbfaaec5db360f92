"""Moderation in places (chat rooms): kick, ban and unban of an item's author in its room, hide
that also removes the item on the server, refusal by the account's permissions there, and
the account actions on a room platform's report. Store level and CLI, no network."""

from __future__ import annotations

import pytest

from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.moderation.actions import act, act_report, queue_place_action
from cmtui.store import Store
from cmtui.store.base import loads
from cmtui.sync.connectors.base import Person, RemoteItem, RemoteReport
from cli_helpers import run
from place_community import DM, NEWS, SUPPORT, add_room_account, add_room_items

SETTINGS = Settings(timezone="UTC")
AT = "2026-11-20T10:00:00Z"


@pytest.fixture
def room(store):
    account = add_room_account(store)
    ids = add_room_items(store, account, [
        (SUPPORT, "spammer", "buy crypto now", "comment", AT),
        (NEWS, "troll", "@fernleaf you are useless", "mention", AT),
        (SUPPORT, "spammer", "buy more crypto", "comment", AT),
        (DM, "marta", "hi, a question?", "direct", AT),
    ])
    return account, ids


def ops(store, kind=None):
    return [r for r in store.outbox.list() if kind is None or r["kind"] == kind]


def counts(store):
    return tuple(store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("outbox", "moderation_log", "moderation_flags"))


def counts_in(db):
    store = Store.open(db)
    try:
        return counts(store)
    finally:
        store.close()


def test_kick_ban_unban_queue_their_operation_in_the_items_room(store, room):
    account, (spam, _, _, _) = room
    store.moderation.add_flag(spam, "spam", "Spam")
    [kick] = act(store, SETTINGS, [spam], "kick", who="ana", comment="spam links")
    op = store.outbox.get(kick.outbox_id)
    assert op["kind"] == "kick" and op["item_id"] == spam
    assert loads(op["payload"], {}) == {"account_remote_id": "@spammer:fernleaf.example",
                                        "acct": "@spammer:fernleaf.example", "place": SUPPORT.id,
                                        "reason": "spam links"}
    assert store.conn.execute("SELECT state FROM moderation_flags WHERE item_id = ?", (spam,)).fetchone()[0] == "kicked"
    [entry] = store.moderation.log()
    assert (entry["action"], entry["outbox_id"], entry["comment"]) == ("kick", op["id"], "spam links")
    [ban] = act(store, SETTINGS, [spam], "ban", who="ana")
    [unban] = act(store, SETTINGS, [spam], "unban", who="ana")
    assert [o["kind"] for o in ops(store)] == ["kick", "ban", "unban"]
    assert loads(store.outbox.get(unban.outbox_id)["payload"], {})["place"] == SUPPORT.id
    assert ban.outbox_id != unban.outbox_id


def test_the_same_kick_still_waiting_is_reused_but_another_room_is_not(store, room):
    account, (spam, troll, spam2, dm) = room
    first = queue_place_action(store, spam, "kick", "one", "ana")
    again = queue_place_action(store, spam2, "kick", "two", "ana")  # same author, same room
    assert again.reused and again.outbox_id == first.outbox_id and len(ops(store, "kick")) == 1
    other = queue_place_action(store, dm, "kick", "", "ana")  # another author, another room
    assert not other.reused and len(ops(store, "kick")) == 2
    assert len(store.moderation.log()) == 3  # each decision is in the log, reused or not


@pytest.mark.parametrize("action", ["kick", "ban", "unban", "hide"])
def test_an_action_beyond_the_accounts_power_level_is_refused_and_nothing_stored(store, room, action):
    _, (_, troll, _, _) = room
    before = counts(store)
    with pytest.raises(InputError) as refused:
        act(store, SETTINGS, [troll], action, who="ana", comment="abuse")
    assert str(refused.value) == NEWS.refused[action]
    assert counts(store) == before and store.inbox.get(troll)["hidden"] == 0


def test_the_cli_says_the_refusal_in_one_line(room, db, capsys):
    _, (_, troll, _, _) = room
    before = counts_in(db)
    code, out, err = run(capsys, "moderation", "act", str(troll), "ban", "--db", db)
    assert code != 0 and out == ""
    assert err.strip().endswith(NEWS.refused["ban"]) and len(err.strip().splitlines()) == 1
    assert counts_in(db) == before


def test_a_bulk_decision_with_one_refused_item_changes_nothing(store, room):
    _, (spam, troll, _, _) = room
    before = counts(store)
    with pytest.raises(InputError):
        act(store, SETTINGS, [spam, troll], "ban", who="ana")
    assert counts(store) == before


def test_hide_on_a_room_platform_also_removes_the_item_on_the_server(store, room):
    _, (spam, _, spam2, _) = room
    [outcome] = act(store, SETTINGS, [spam], "hide", who="ana", comment="spam", all_items=True)[:1]
    removes = ops(store, "remove")
    assert [loads(o["payload"], {}) for o in removes] == [
        {"remote_id": store.inbox.get(spam)["remote_id"], "reason": "spam"},
        {"remote_id": store.inbox.get(spam2)["remote_id"], "reason": "spam"}]  # the moderator's words
    assert outcome.outbox_id == removes[0]["id"] and store.inbox.get(spam)["hidden"] == 1
    assert store.inbox.get(spam2)["hidden"] == 1


def test_mastodon_has_no_kick_and_its_hide_stays_local(store):
    with pytest.raises(InputError, match="Mastodon has no kick"):
        act(store, SETTINGS, [3], "kick", who="ana")
    act(store, SETTINGS, [3], "hide", who="ana")
    assert ops(store) == []


def test_a_room_platform_has_no_block(store, room):
    _, (spam, _, _, _) = room
    with pytest.raises(InputError, match="Matrix has no block"):
        act(store, SETTINGS, [spam], "block", who="ana")


def test_cli_kick_queues_it(room, db, capsys):
    _, (spam, _, _, _) = room
    code, out, _ = run(capsys, "moderation", "act", str(spam), "kick", "--comment", "spam", "--db", db)
    assert code == 0 and f"item {spam}: kick queued as outbox operation" in out
    store = Store.open(db)
    try:
        [op] = ops(store, "kick")
        assert loads(op["payload"], {})["reason"] == "spam"
    finally:
        store.close()


@pytest.mark.parametrize("action", ["redact", "deactivate"])
def test_a_room_platforms_report_offers_its_account_actions(store, action):
    account = add_room_account(store, is_admin=True)
    troll = Person("@troll:fernleaf.example", "Troll", remote_id="@troll:fernleaf.example")
    store.reports.sync(account.id, [RemoteReport("42", troll, AT, comment="abuse",
                                                 status_ids=(f"{SUPPORT.id}/$ev9",))])
    report_id = store.reports.open()[0]["id"]
    outcome = act_report(store, report_id, action, who="ana", text="gone")
    op = store.outbox.get(outcome.outbox_id)
    assert op["kind"] == "account_action"
    assert loads(op["payload"], {}) == {"account_remote_id": "@troll:fernleaf.example", "action": action,
                                        "text": "gone", "report_id": "42"}
    with pytest.raises(InputError):  # Mastodon's own account actions are not a room platform's
        act_report(store, report_id, "suspend", who="ana")


# -- automatic rules --------------------------------------------------------------------------------
def _rule_kicking(store, automatic=True):
    from cmtui.moderation.engine import dry_run, save_rule

    rule = {"name": "airdrop", "automatic": automatic, "conditions": [{"type": "keywords", "words": ["airdrop"]}],
            "actions": [{"type": "kick", "comment": "airdrop spam"}]}
    dry_run(store, rule)
    save_rule(store, {**rule, "enabled": True})


def test_an_automatic_rule_kicks_from_the_items_room_and_flags_where_it_may_not(store):
    from cmtui.sync.ingest import Ingest

    account = add_room_account(store)
    _rule_kicking(store)
    items = [RemoteItem(remote_id=f"{place.id}/$a{n}", kind="comment", text="free airdrop now",
                        created_at=AT, place=place.id,
                        author=Person(f"@bot{n}:spam.example", remote_id=f"@bot{n}:spam.example"))
             for n, place in enumerate((SUPPORT, NEWS))]
    Ingest(store).items(account.id, "matrix", items)
    [kick] = ops(store, "kick")
    assert loads(kick["payload"], {}) == {"account_remote_id": "@bot0:spam.example", "acct": "@bot0:spam.example",
                                          "place": SUPPORT.id, "reason": "airdrop spam"}
    assert store.moderation.log()[0]["who"] == "rules"
    [flag] = store.conn.execute("SELECT f.reason, f.state FROM moderation_flags f JOIN inbox_items i ON i.id = f.item_id"
                                " WHERE i.place = ?", (NEWS.id,)).fetchall()
    assert tuple(flag) == (f"kick not allowed here: {NEWS.refused['kick']}", "open")


def test_a_database_without_rooms_offers_rules_no_kick(store):
    from cmtui.moderation.engine import RuleError, rule_actions

    assert "kick" not in rule_actions(store)
    with pytest.raises(RuleError, match="unknown action 'kick'"):
        _rule_kicking(store)
    add_room_account(store)
    assert rule_actions(store)[-2:] == ("kick", "ban")  # never unban
    from cmtui.tui.dialogs.rule_editor import hint

    assert hint(rule_actions(store)).plain.endswith("stop, kick, ban")  # the rule editor says so


def test_bluesky_hides_on_the_server_only_a_reply_to_us_and_asks_no_reason(store):
    from cmtui.sync.connectors import profile_for

    account = store.accounts.add("sky", "bluesky", "https://pds.example", handle="us.test",
                                 remote_account_id="did:plc:us")
    uri = "at://did:plc:them/app.bsky.feed.post/"
    store.ingest.page(account.id, "bluesky", [
        RemoteItem(uri + "3kreply", "reply", Person("rude.test"), "you are useless", AT,
                   in_reply_to_remote_id="at://did:plc:us/app.bsky.feed.post/3kours"),
        RemoteItem(uri + "3kmention", "mention", Person("rude.test"), "@us.test useless", AT)],
        question=lambda text: False)
    reply, mention = (store.conn.execute("SELECT id FROM inbox_items WHERE remote_id = ?", (uri + key,)).fetchone()[0]
                      for key in ("3kreply", "3kmention"))
    act(store, SETTINGS, [reply, mention], "hide", who="ana", comment="rude")
    assert [loads(o["payload"], {}) for o in ops(store, "remove")] == [{"remote_id": uri + "3kreply", "reason": "rude"}]
    assert store.inbox.get(reply)["hidden"] == store.inbox.get(mention)["hidden"] == 1  # both off our screens
    assert profile_for("bluesky").server_hide_reason is False
