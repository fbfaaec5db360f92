"""The demo community built from data/: what it holds, and that it always looks current."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from cmtui.config import Settings
from cmtui.demo import build_demo, is_demo
from cmtui.errors import InputError
from cmtui.model import iso, parse_iso
from cmtui.store import InboxFilter, Store
from cmtui.store.base import loads
from cmtui.tui.app import CmtuiApp
from factory import NOW

ALL = ("new", "open", "snoozed", "done")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, ZoneInfo("UTC"), now=NOW)
    store = Store.open(path)
    yield store
    store.close()


def test_demo_holds_a_believable_community(demo):
    assert len(demo.accounts.list()) == 4  # two on the fediverse, one in chat rooms, one on an AT network
    assert demo.inbox.count(InboxFilter(states=ALL)) >= 300
    langs = {r[0] for r in demo.conn.execute("SELECT DISTINCT language FROM inbox_items")}
    assert {"en", "es", "fr", "sl"} <= langs
    kinds = {r[0] for r in demo.conn.execute("SELECT DISTINCT kind FROM inbox_items")}
    assert {"mention", "reply", "direct"} <= kinds
    assert all(demo.inbox.state_counts()[s] > 0 for s in ALL)
    assert demo.moderation.open_count() >= 15  # spam and vulgarity for moderation to catch
    threads = demo.conn.execute("SELECT count(*) FROM threads t WHERE (SELECT count(*) FROM thread_posts p"
                                " WHERE p.thread_id = t.id) >= 3").fetchone()[0]
    assert threads >= 5
    statuses = demo.entries.status_counts()
    assert sum(statuses.values()) >= 40
    assert set(statuses) == {"idea", "draft", "needs_approval", "approved", "scheduled", "published", "failed",
                             "cancelled"}
    for account in demo.accounts.list():
        days = demo.metrics.daily_followers(account.id, iso(NOW - timedelta(days=91)))
        assert len(days) >= 90
    assert len(demo.metrics.goals()) == 3
    assert {r["language"] for r in demo.replies.list()} == {"en", "es", "fr", "sl"}
    assert demo.conn.execute("SELECT count(*) FROM post_stats").fetchone()[0] >= 20


def test_demo_dates_are_shifted_to_now(demo):
    newest = demo.inbox.page(InboxFilter(states=ALL), 0, 1)[0]
    oldest = demo.inbox.page(InboxFilter(states=ALL, sort="oldest"), 0, 1)[0]
    assert NOW - timedelta(days=1) < parse_iso(newest["created_at"]) <= NOW
    assert NOW - timedelta(days=31) < parse_iso(oldest["created_at"])
    snoozed = demo.inbox.page(InboxFilter(states=("snoozed",)), 0, 100)
    assert snoozed and all(parse_iso(r["snooze_until"]) > NOW for r in snoozed)
    scheduled = demo.entries.between(iso(NOW), None)
    assert any(r["status"] == "scheduled" for r in scheduled)
    answered = demo.conn.execute("SELECT count(*) FROM inbox_items WHERE answered_at > ?", (iso(NOW),)).fetchone()[0]
    assert answered == 0


def test_the_demo_has_a_chat_account_with_a_support_room_in_the_four_languages(demo):
    [chat] = [a for a in demo.accounts.list() if a.places]
    assert chat.offline and chat.name == "fernleaf-chat"
    support = [p for p in chat.places if p.support]
    assert support and any(p.direct for p in chat.places) and any(p.refused for p in chat.places)
    items = demo.conn.execute("SELECT kind, language, place, state FROM inbox_items WHERE account_id = ?",
                              (chat.id,)).fetchall()
    questions = [i for i in items if i["place"] == support[0].id and i["kind"] == "comment"]
    assert {i["language"] for i in questions} == {"en", "es", "fr", "sl"}
    assert {"comment", "mention", "direct"} <= {i["kind"] for i in items}
    assert {i["state"] for i in items if i["place"] != support[0].id} - {"done"}  # something to answer elsewhere
    kicked = [r for r in demo.moderation.log() if r["action"] == "kick"]
    assert kicked and demo.outbox.get(kicked[0]["outbox_id"])["state"] == "done"
    # Its metrics: member counts as the audience, reactions on its announcements.
    assert demo.conn.execute("SELECT count(*) FROM follower_snapshots WHERE account_id = ?",
                             (chat.id,)).fetchone()[0] >= 90
    assert demo.conn.execute("SELECT sum(likes) FROM post_stats WHERE account_id = ?", (chat.id,)).fetchone()[0] > 0
    waiting = [loads(o["payload"], {}) for o in demo.outbox.list() if o["account_id"] == chat.id
               and o["state"] == "pending"]
    assert waiting and all(p["place"] for p in waiting)  # its scheduled announcement knows its room


def test_the_demo_has_an_account_whose_items_are_records_named_by_their_author(demo):
    """The fourth account: its platform names an item by its author's id and a record key
    (community.json "links"), counts a post in graphemes and has no rooms."""
    import re

    [sky] = [a for a in demo.accounts.list() if a.name == "fernleaf-sky"]
    assert sky.offline and not sky.places and sky.limits["max_chars"] == 300
    items = demo.conn.execute("SELECT i.id, kind, language, state, i.remote_id, i.url, author, text, p.remote_id AS"
                              " author_id, in_reply_to_remote_id FROM inbox_items i JOIN people p ON"
                              " p.id = i.person_id WHERE account_id = ?", (sky.id,)).fetchall()
    assert len(items) >= 30
    assert {i["language"] for i in items} == {"en", "es", "fr", "sl"}
    assert {i["kind"] for i in items} == {"mention", "reply"} and {i["state"] for i in items} == set(ALL)
    for item in items:  # at://AUTHOR/collection/KEY, and its address names the same key under the handle
        uri = re.fullmatch(r"at://(did:plc:[a-z2-7]{24})/app\.bsky\.feed\.post/([a-z2-7]{13})", item["remote_id"])
        assert uri and uri[1] == item["author_id"], item["remote_id"]
        assert item["url"] == f"https://bsky.app/profile/{item['author']}/post/{uri[2]}"
    assert len({i["remote_id"] for i in items}) == len(items)
    parents = {i["remote_id"] for i in items}
    assert any(i["in_reply_to_remote_id"] in parents for i in items)  # a conversation under our post
    assert any(len(i["text"]) > 300 for i in items)  # links shown in full make a text longer than the post was
    assert any("https://" in i["text"] for i in items)
    answered = demo.conn.execute("SELECT p.remote_id, p.url FROM thread_posts p JOIN threads t ON t.id = p.thread_id"
                                 " WHERE t.account_id = ? AND p.ours = 1", (sky.id,)).fetchall()
    assert len(answered) >= 5 and all(r["url"].startswith("https://bsky.app/profile/fernleaf.") for r in answered)
    flagged = {r["item_id"]: r["state"] for r in demo.conn.execute(
        "SELECT item_id, f.state FROM moderation_flags f JOIN inbox_items i ON i.id = f.item_id"
        " WHERE i.account_id = ?", (sky.id,))}
    assert sorted(set(flagged.values())) == ["blocked", "open"]  # one spammer blocked, one waiting
    assert [r["action"] for r in demo.moderation.log() if r["item_id"] in flagged] == ["block"]
    # Its metrics: followers, likes and reposts on its own posts; a post waits with its language.
    assert demo.conn.execute("SELECT count(*) FROM follower_snapshots WHERE account_id = ?",
                             (sky.id,)).fetchone()[0] >= 90
    stats = demo.conn.execute("SELECT sum(likes), sum(shares) FROM post_stats WHERE account_id = ?",
                              (sky.id,)).fetchone()
    assert stats[0] > 0 and stats[1] > 0
    waiting = [loads(o["payload"], {}) for o in demo.outbox.list() if o["account_id"] == sky.id
               and o["state"] == "pending"]
    assert [p["language"] for p in waiting] == ["fr"]


def test_demo_is_marked_as_such(demo):
    assert is_demo(demo.path)


def test_demo_inbox(snap_compare, tmp_path):
    """The README's screenshot."""
    path = tmp_path / "demo.db"
    build_demo(path, ZoneInfo("UTC"), now=NOW)
    store = Store.open(path)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["j", "j", "j"], terminal_size=(120, 34))
    store.close()


# -- a demo that does not contradict itself ---------------------------------------------------
WEEK = [NOW + timedelta(days=n) for n in range(7)]  # every weekday as "today"


@pytest.mark.parametrize("today", WEEK, ids=[d.strftime("%a") for d in WEEK])
def test_repeating_entries_start_on_an_occurrence_of_their_own_rule(tmp_path, today):
    from dateutil.rrule import rrulestr

    tz = ZoneInfo("Europe/Ljubljana")
    build_demo(tmp_path / "demo.db", tz, now=today)
    store = Store.open(tmp_path / "demo.db")
    series = store.conn.execute("SELECT rrule, scheduled_at FROM calendar_entries WHERE rrule IS NOT NULL").fetchall()
    store.close()
    assert len(series) >= 3
    for rule, start in series:
        local = parse_iso(start).astimezone(tz).replace(tzinfo=None)
        assert rrulestr(rule, dtstart=local).after(local, inc=True) == local, (rule, local.strftime("%a %d"))


def _settings(store):
    from cmtui.config import with_database_settings

    return with_database_settings(Settings(timezone="UTC"), store.database_settings(), store.path)


def test_the_demo_comes_with_its_team_and_an_approver(demo):
    from cmtui.planning.entries import approve

    settings = _settings(demo)
    assert len(settings.teammates) >= 3 and settings.user in settings.teammates
    assert settings.approval_required and settings.user in settings.approvers
    assignees = {r[0] for r in demo.conn.execute(
        "SELECT assignee FROM inbox_items WHERE assignee IS NOT NULL"
        " UNION SELECT assignee FROM moderation_flags WHERE assignee IS NOT NULL")}
    assert assignees and assignees <= set(settings.teammates)
    movers = {r[0] for r in demo.conn.execute("SELECT who FROM entry_transitions UNION SELECT created_by"
                                               " FROM calendar_entries UNION SELECT who FROM moderation_log")}
    assert movers <= set(settings.teammates)
    waiting = [r for r in demo.conn.execute("SELECT id, created_by FROM calendar_entries"
                                            " WHERE status = 'needs_approval'")]
    theirs = [entry_id for entry_id, author in waiting if author != settings.user]
    assert theirs  # a teammate's post waits for the user's approval, which the user may give
    with pytest.raises(InputError, match="may approve"):  # (what the demo said before: nobody may)
        approve(demo, Settings(approvers=["someone"]), theirs[0], who=settings.user, now=NOW)
    demo.conn.execute("SAVEPOINT try_approving")
    approve(demo, settings, theirs[0], who=settings.user, now=NOW)
    assert demo.entries.get(theirs[0])["status"] == "approved"
    demo.conn.execute("ROLLBACK TO try_approving")
    demo.conn.execute("RELEASE try_approving")
    assert demo.entries.get(theirs[0])["status"] == "needs_approval"  # the shared demo unchanged


def test_the_demo_accounts_are_offline(demo):
    assert all(a.offline for a in demo.accounts.list())
    assert demo.outbox.counts()["pending"] >= 3  # the scheduled posts, waiting to be sent


def test_every_flag_names_a_rule_whose_dry_run_catches_the_item(demo):
    from cmtui.moderation.engine import dry_run

    flags = demo.conn.execute("SELECT item_id, rule, rule_id FROM moderation_flags").fetchall()
    assert flags
    caught: dict[str, set[int]] = {}
    for item_id, rule, rule_id in flags:
        stored = demo.rules.get(rule)
        assert stored is not None and stored["id"] == rule_id, rule
        if rule not in caught:
            result = dry_run(demo, rule, samples=10_000, record=False)
            caught[rule] = set(result.sample_ids)
        assert item_id in caught[rule], (rule, item_id)


def test_members_are_first_seen_with_their_first_item(demo):
    rows = demo.conn.execute(
        "SELECT p.acct, p.first_seen_at, p.last_seen_at, p.account_created_at, min(i.created_at), max(i.created_at)"
        " FROM people p JOIN inbox_items i ON i.person_id = p.id GROUP BY p.id").fetchall()
    assert len(rows) > 50
    for acct, first, last, created, earliest, latest in rows:
        assert created <= first <= earliest, acct
        assert last >= latest, acct


NOTED_ACTIONS = {"warn": r"\bwarn(ed|ing)\b", "mute": r"\bmuted\b", "block": r"\bblocked\b",
                 "report": r"\breported to\b|\breported\.", "hide": r"\bhidden\b|\bremoved\b"}


def test_notes_about_a_moderation_action_have_its_audit_log_entry(demo):
    import re

    noted = 0
    for person_id, acct, notes in demo.conn.execute("SELECT id, acct, notes FROM people WHERE notes != ''"):
        logged = {r["action"] for r in demo.moderation.log(person_id=person_id)}
        for action, pattern in NOTED_ACTIONS.items():
            if re.search(pattern, notes, re.IGNORECASE):
                noted += 1
                assert action in logged, (acct, notes)
    assert noted >= 3
    for row in demo.moderation.log():  # and every decision closed what it decided on
        if row["item_id"] and row["action"] != "assign":
            assert demo.conn.execute("SELECT count(*) FROM moderation_flags WHERE item_id = ? AND state = 'open'",
                                     (row["item_id"],)).fetchone()[0] == 0


def test_every_history_is_in_time_order_and_in_the_past(demo):
    entries = demo.conn.execute("SELECT id, created_at, status, published_at FROM calendar_entries").fetchall()
    for entry_id, created, status, published in entries:
        steps = demo.entries.transitions(entry_id)
        by_id = sorted(steps, key=lambda s: s["id"])
        assert [s["at"] for s in by_id] == sorted(s["at"] for s in by_id), entry_id
        assert by_id[0]["from_status"] is None and by_id[0]["at"] == created
        assert by_id[-1]["to_status"] == status and by_id[-1]["at"] <= iso(NOW)
        if status == "published":
            assert by_id[-1]["at"] == published
    log = demo.conn.execute("SELECT l.at, f.created_at FROM moderation_log l"
                            " JOIN moderation_flags f ON f.item_id = l.item_id").fetchall()
    assert log and all(flagged < decided <= iso(NOW) for decided, flagged in log)


def test_demo_help_names_the_demos_own_database(capsys):
    from cmtui.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["demo", "--help"])
    out = capsys.readouterr().out
    assert "demo.db" in out and "default: $CMTUI_DB" not in out


def test_the_demo_never_writes_the_users_settings(tmp_path, monkeypatch):
    import cmtui.cli
    from cmtui.config import config_dir
    from cmtui.cli import main

    opened = {}
    monkeypatch.setattr(cmtui.cli, "run_tui", lambda store, settings, **kw: opened.setdefault("s", settings) and 0)
    assert main(["demo", "--db", str(tmp_path / "d.db")]) == 0
    assert opened["s"].user == "nina" and "jure" in opened["s"].teammates
    assert not config_dir().exists() or not any(config_dir().iterdir())
