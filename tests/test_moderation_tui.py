"""Pilot tests of the Moderation mode: the queue, the detail with the matched words, the
decisions (approve, hide, warn, assign, and the platform actions that ask first), bulk
selection, instance reports, the member page and the members list; and snapshots."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmtui.config import Settings
from cmtui.model import iso
from cmtui.store.base import loads
from cmtui.sync.connectors.mastodon import report_from_api
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store
from tui_helpers import RecordingApp

SIZE = (120, 40)
REPORT = {
    "id": "41", "category": "spam", "comment": "bot posting [bold]links[/bold] everywhere",
    "created_at": "2026-11-20T10:00:00Z",
    "target_account": {"id": "9", "username": "spammer", "account": {"id": "9", "acct": "spammer@bad.example"}},
    "assigned_account": None, "statuses": [{"id": "500"}],
}


async def open_queue(app, pilot):
    await pilot.press("3")
    await pilot.pause()
    return app.screen


def log_actions(store) -> list[str]:
    return [r["action"] for r in store.moderation.log()]


async def test_the_queue_shows_the_flag_the_author_and_the_matched_words(store):
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        table = screen.query_one("#queue")
        assert table.row_count == 3
        row = screen._current()
        detail = screen.detail(row)
        assert f"flagged by {row['rule']}" in detail.plain and row["text"] in detail.plain
        spam = next(r for r in screen._rows.values() if r["rule"] == "Spam links")
        shown = screen.detail(spam)
        assert "matched: crypto" in shown.plain


async def test_approve_sends_the_item_back_and_logs_it(store):
    app = RecordingApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        item = screen._current()["item_id"]
        await pilot.press("a")
        await pilot.pause()
        assert screen.query_one("#queue").row_count == 2
        assert store.moderation.open_count() == 2
        assert log_actions(store)[-1] == "approve" and store.moderation.log()[-1]["who"] == "ana"
        assert store.inbox.get(item)["hidden"] == 0


async def test_a_platform_action_asks_first_and_queues_one_operation(store):
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")  # changed my mind: nothing happens
        await pilot.pause()
        assert store.outbox.list() == [] and screen.query_one("#queue").row_count == 3
        await pilot.press("m")
        await pilot.pause()
        # The author has more open items: this one only (the default), then the comment.
        await pilot.press("tab", *"repeated spam", "enter")
        await pilot.pause()
        [op] = store.outbox.list()
        assert op["kind"] == "mute" and op["state"] == "pending"
        assert log_actions(store)[-1] == "mute"
        assert screen.query_one("#queue").row_count == 2


async def test_hide_twice_is_refused_with_a_message(store):
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        row = screen._current()
        await pilot.press("h", "enter")  # the author has more open items: this one only
        await pilot.pause()
        assert store.inbox.get(row["item_id"])["hidden"] == 1
        screen._decide([row], "hide", "")  # the same decision again, on the stale row
        assert any(n.get("severity") == "error" for n in app.notes)


# -- helpers for the tests below ---------------------------------------------------------------
def make_app(store, **settings):
    return RecordingApp(store, Settings(timezone="UTC", user="ana", **settings), clock=lambda: NOW)


def add_people(store):
    """A person row for every author (the factory has none), linked to their items."""
    with store.transaction():
        for (author,) in store.conn.execute("SELECT DISTINCT author FROM inbox_items").fetchall():
            number = int(author.split("@")[0].removeprefix("user"))
            pid = store.members.upsert("mastodon", author, f"User {number}", remote_id=str(700 + number),
                                      account_created_at=iso(NOW - timedelta(days=10 + number)),
                                      seen_at=iso(NOW - timedelta(days=5)))
            store.conn.execute("UPDATE inbox_items SET person_id = ? WHERE author = ?", (pid, author))


def add_reports(store, *reports):
    store.reports.sync(store.accounts.get("tidewater").id,
                       [report_from_api(r, "social.tidewater.example") for r in reports])


def flag_row(store, item_id):
    return store.conn.execute("SELECT state, assignee FROM moderation_flags WHERE item_id = ?", (item_id,)).fetchone()


def messages(app) -> str:
    return "\n".join(str(n["message"]) for n in app.notes)


async def move_to(pilot, screen, index):
    screen.query_one("#queue").move_cursor(row=index)
    await pilot.pause()


# -- bulk --------------------------------------------------------------------------------------
async def test_space_selects_rows_and_one_hide_decides_them_all(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        first = screen._current()["item_id"]
        await pilot.press("space")  # marks the row and moves down
        second = screen._current()["item_id"]
        await pilot.press("space")
        await pilot.pause()
        assert len(screen.selected) == 2
        assert "2 selected" in str(screen.query_one("#moderation-summary").render())
        await pilot.press("h", "enter")  # the author has more open items: this one only
        await pilot.pause()
        hidden = {r["item_id"] for r in store.moderation.log() if r["action"] == "hide"}
        assert hidden == {first, second} and store.inbox.get(first)["hidden"] == store.inbox.get(second)["hidden"] == 1
        assert screen.selected == set() and screen.query_one("#queue").row_count == 1
        assert "2 items" in app.notes[-1]["message"]


async def test_V_selects_all_and_clears_and_a_failing_bulk_changes_nothing(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await pilot.press("V")
        assert len(screen.selected) == 3
        await pilot.press("V")
        assert screen.selected == set()
        store.conn.execute("UPDATE inbox_items SET hidden = 1 WHERE id = 8")  # one cannot be hidden again
        await pilot.press("V", "h", "enter")
        await pilot.pause()
        assert app.notes[-1]["severity"] == "error" and "Nothing was changed" in app.notes[-1]["message"]
        assert store.moderation.log() == [] and len(screen.selected) == 3  # all or nothing; selection kept


async def test_a_mixed_selection_acts_on_the_items_and_says_the_reports_were_skipped(store):
    add_reports(store, REPORT)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await pilot.press("V", "h", "enter")
        await pilot.pause()
        assert log_actions(store) == ["hide"] * 3
        assert "1 instance report was skipped" in app.notes[-1]["message"]
        assert store.reports.open()[0]["state"] == "open" and screen.query_one("#queue").row_count == 1


# -- warn, assign, report --------------------------------------------------------------------------
async def test_warn_without_guidelines_says_to_add_them_with_g(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        assert "with g" in app.notes[-1]["message"] and store.outbox.list() == []


async def test_warn_picks_a_guideline_and_queues_a_reply_citing_it(store):
    store.members.add_guideline("Be kind", "No insults or personal attacks.")
    store.members.add_guideline("No spam", "Links to your own shop go in the Friday thread.")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        item = screen._current()["item_id"]
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        assert "guideline 1" in str(dialog.query_one("#warn-preview").render())
        await pilot.press("down", "enter", *"Thanks!")
        await pilot.pause()
        assert "Friday thread. Thanks!" in str(dialog.query_one("#warn-preview").render())
        await pilot.press("enter")
        await pilot.pause()
        [op] = store.outbox.list()
        text = loads(op["payload"], {})["text"]
        assert op["kind"] == "reply" and "guideline 2" in text and "No spam" in text
        assert text.endswith("Thanks!")
        assert flag_row(store, item)["state"] == "warned" and log_actions(store) == ["warn"]


async def test_warning_an_item_a_teammate_is_answering_asks_first(store):
    """A warning is a reply: with a teammate writing one to the item, it is queued only after
    an explicit yes (n keeps nothing queued)."""
    from cmtui.tui.dialogs.second_answer import SecondAnswerDialog

    store.members.add_guideline("Be kind", "No insults or personal attacks.")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        item = screen._current()["item_id"]
        store.presence.begin(item, "Luka", now=app.now())
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter", "enter")  # the first guideline, the warning as proposed
        await pilot.pause()
        assert isinstance(app.screen, SecondAnswerDialog) and store.outbox.list() == []
        await pilot.press("n")
        await pilot.pause()
        assert store.outbox.list() == [] and log_actions(store) == []
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        [op] = store.outbox.list()
        assert op["kind"] == "reply" and op["item_id"] == item and log_actions(store) == ["warn"]


async def test_assign_offers_only_the_team_and_keeps_the_flag_open(store):
    app = make_app(store, teammates=["bo"], approvers=["Nina"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        item = screen._current()["item_id"]
        await pilot.press("s")
        await pilot.pause()
        # The team only: nobody typed by hand (a typo would assign to nobody)
        assert [label for label, _name in app.screen.choices] == ["ana (me)", "bo", "Nina"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert tuple(flag_row(store, item)) == ("open", "bo")
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: nothing changed
        await pilot.pause()
        assert tuple(flag_row(store, item)) == ("open", "bo") and log_actions(store) == ["assign"]
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")  # me
        await pilot.pause()
        assert tuple(flag_row(store, item)) == ("open", "ana") and screen.query_one("#queue").row_count == 3
        await pilot.press("A")
        await pilot.pause()
        assert flag_row(store, item)["assignee"] == "ana"
        assert "assigned to ana" in screen.detail(screen._current()).plain
        assert log_actions(store) == ["assign"] * 3


async def test_report_asks_category_comment_and_forward_and_queues_them(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        item = screen._current()["item_id"]
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("escape")  # changed my mind: nothing happens
        await pilot.pause()
        assert store.outbox.list() == []
        await pilot.press("R")
        await pilot.pause()
        # The categories: spam, legal, violation, other (the default); then the comment, then forward.
        await pilot.press("up", "enter", "tab", *"abuse", "tab", "space", "ctrl+s")
        await pilot.pause()
        [op] = store.outbox.list()
        payload = loads(op["payload"], {})
        assert op["kind"] == "report" and op["item_id"] == item
        assert (payload["category"], payload["comment"], payload["forward"]) == ("violation", "abuse", True)
        assert flag_row(store, item)["state"] == "reported"


# -- instance reports ------------------------------------------------------------------------------
async def test_instance_report_assign_to_me_and_account_action_from_the_queue(store):
    add_reports(store, REPORT, REPORT | {"id": "42", "created_at": "2026-11-20T11:00:00Z"})
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await move_to(pilot, screen, 3)  # oldest first: the three flagged items, then the reports
        row = screen._current()
        detail = screen.detail(row).plain
        assert row["item_id"] is None and "category spam" in detail and "spammer@bad.example" in detail
        assert "[bold]links[/bold]" in detail  # the reporter's comment, literal
        await pilot.press("A")
        await pilot.pause()
        assert store.reports.get(row["report_id"])["assigned_to"] == "ana"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter", "tab", *"spam bot", "enter")  # silence
        await pilot.pause()
        account_op = [op for op in store.outbox.list() if op["kind"] == "account_action"]
        assert loads(account_op[0]["payload"], {}) == {"account_remote_id": "9", "action": "silence",
                                                       "text": "spam bot", "report_id": "41"}
        assert store.reports.get(row["report_id"])["state"] == "resolved" and screen.query_one("#queue").row_count == 4
        assert log_actions(store) == ["report:silence", "report:assign"]


async def test_a_on_an_instance_report_resolves_it_after_a_yes(store):
    add_reports(store, REPORT)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await move_to(pilot, screen, 3)
        await pilot.press("a", "n")  # no: nothing happens
        assert store.outbox.list() == []
        await pilot.press("a", "y")
        await pilot.pause()
        [op] = store.outbox.list()
        assert op["kind"] == "resolve_report" and loads(op["payload"], {}) == {"report_id": "41"}
        assert store.reports.open() == [] and screen.query_one("#queue").row_count == 3
        assert log_actions(store) == ["report:resolve"] and "Resolved" in app.notes[-1]["message"]


async def test_report_keys_on_an_item_and_item_keys_on_a_report_explain_themselves(store):
    add_reports(store, REPORT)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await pilot.press("x")
        await pilot.pause()
        assert "instance report" in app.notes[-1]["message"]
        await move_to(pilot, screen, 3)
        await pilot.press("h")
        await pilot.pause()
        assert "a (resolve)" in app.notes[-1]["message"]
        assert store.outbox.list() == [] and store.moderation.log() == []


# -- members ---------------------------------------------------------------------------------------
async def test_member_page_shows_the_record_saves_notes_and_toggles_the_watch_list(store):
    add_people(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        queue = await open_queue(app, pilot)
        author = queue._current()["author"]
        await pilot.press("enter")
        await pilot.pause()
        page = app.screen
        card = page.card().plain
        assert author in card and "items" in card and "no notes yet" in card
        assert page.query_one("#member-history").row_count == page.record["items"] + 1  # and the open flag
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"[red]x", "ctrl+s")
        await pilot.pause()
        assert store.members.record(author)["notes"] == "[red]x"
        assert store.members.record(author)["notes_by"] == "ana"  # the person working wrote them
        assert "(by ana, " in page.card().plain
        assert "notes: [red]x" in page.card().plain  # shown literally
        await pilot.press("w")
        await pilot.pause()
        assert store.members.record(author)["watch"] is True and "on the watch list" in page.card().plain
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is queue and "on the watch list" in str(queue.query_one("#flag-detail").render())


async def test_member_page_of_an_author_never_synced_is_refused_clearly(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        queue = await open_queue(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is queue and "No member page" in app.notes[-1]["message"]


async def test_members_list_shows_the_most_active_and_opens_a_page(store):
    add_people(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("M")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#active")
        top = store.members.most_active(iso(NOW - timedelta(days=30)), iso(NOW))
        assert table.row_count == len(top) == 10
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == top[0]["author"]
        assert screen.query_one("#helpful-note").display  # nobody answered anyone: said so
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.record["acct"] == top[0]["author"]


# -- snapshots ----------------------------------------------------------------------------------
@pytest.fixture
def snap_store(tmp_path):
    store = build_store(tmp_path / "snap.db")
    add_people(store)
    add_reports(store, REPORT)
    yield store
    store.close()


def test_snapshot_queue_with_a_selection(snap_compare, snap_store):
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["3", "space", "down", "space"], terminal_size=(120, 36))


def test_snapshot_member_page(snap_compare, snap_store):
    from cmtui.moderation.actions import act

    act(snap_store, Settings(), [43], "mute", who="ana", comment="insults again")  # user2's, not flagged
    snap_store.members.set_notes("user2@fedi.example", "Helpful on sync questions, [b]rude[/b] when tired.")
    snap_store.members.set_watch("user2@fedi.example", True)
    snap_store.conn.execute("UPDATE moderation_log SET at = ?", (iso(NOW - timedelta(hours=2)),))
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["3", "down", "down", "p"], terminal_size=(120, 36))


def test_snapshot_members_list(snap_compare, snap_store):
    app = CmtuiApp(snap_store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["3", "M"], terminal_size=(120, 36))


async def test_j_and_k_move_in_the_queue_the_rules_and_the_guidelines(store):
    """Like every list in cmtui, not only with the arrow keys."""
    from cmtui.moderation.toml_io import seed_rules
    from cmtui.tui.screens.guidelines import GuidelinesScreen
    from cmtui.tui.screens.rules_editor import RulesEditorScreen

    seed_rules(store)
    store.members.add_guideline("Be kind")
    store.members.add_guideline("No spam")
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        table = screen.query_one("#queue")
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0
        await app.push_screen(RulesEditorScreen())
        await pilot.pause()
        rules = app.screen.query_one("#rules")
        await pilot.press("j", "j")
        assert rules.cursor_row == 2
        await app.push_screen(GuidelinesScreen())
        await pilot.pause()
        guidelines = app.screen.query_one("#guidelines")
        start = guidelines.highlighted
        await pilot.press("j")
        assert guidelines.highlighted == start + 1


# -- follow-through on the author's other items --------------------------------------------------
async def test_block_asks_this_item_or_all_of_the_authors_open_items(store):
    # Item 15 (user14 on the main account, first in the queue) has two more open items: 95, 135.
    store.moderation.add_flag(95, "same text 5 times", "Flood")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        assert screen._current()["item_id"] == 15
        await pilot.press("b")
        await pilot.pause()
        dialog = app.screen
        assert "2 other open items" in " ".join(str(s.render()) for s in dialog.query("Static"))
        # "this item only" is the default; down picks "all 3 of the author's open items".
        await pilot.press("down", "enter", "tab", *"spam run", "enter")
        await pilot.pause()
        assert [op["kind"] for op in store.outbox.list()] == ["block"]
        assert sorted((e["action"], e["item_id"]) for e in store.moderation.log()) == [
            ("block", 15), ("block", 95), ("block", 135)]
        assert 95 not in [r["item_id"] for r in store.moderation.queue()]
        assert all(store.inbox.get(i)["hidden"] for i in (15, 95, 135))
        assert "2 more of the author's open items" in messages(app)


async def test_hide_this_item_only_leaves_the_others(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("h")
        await pilot.pause()
        assert "2 other open items" in app.screen.title_text
        await pilot.press("enter")  # the first choice: this item only
        await pilot.pause()
        assert store.inbox.get(15)["hidden"] == 1
        assert store.inbox.get(95)["hidden"] == 0 and [e["item_id"] for e in store.moderation.log()] == [15]
