"""Triage decisions: done, undo, snooze wake-up — in the store, the CLI and the TUI."""

from __future__ import annotations

import json

import pytest

from cmtui.cli import main
from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.store import InboxFilter
from cmtui.tui.app import CmtuiApp
from cmtui.tui.widgets.inbox_list import InboxList
from factory import NOW


def test_done_is_logged_and_undone(store):
    log_id = store.triage.done([1, 2], "ana")
    assert [store.inbox.get(i)["state"] for i in (1, 2)] == ["done", "done"]
    assert store.inbox.get(1)["done_at"] is not None and log_id
    before_counts = store.inbox.state_counts()
    undone = store.triage.undo()
    assert undone == {"action": "done", "items": [1, 2]}
    assert store.inbox.get(1)["state"] == "open" and store.inbox.get(2)["state"] == "new"
    assert store.inbox.get(1)["done_at"] is None
    assert store.inbox.state_counts()["done"] == before_counts["done"] - 2
    assert store.triage.undo() is None  # nothing left: the only decision was undone


def test_undo_reaches_back_twenty_decisions(store):
    for item_id in range(1, 26):
        store.triage.done([item_id], "ana")
    undone = [store.triage.undo() for _ in range(21)]
    assert [u["items"] for u in undone[:20]] == [[i] for i in range(25, 5, -1)]
    assert undone[20] is None
    assert store.inbox.get(5)["state"] == "done" and store.inbox.get(6)["state"] != "done"


def test_a_bad_id_changes_nothing(store):
    with pytest.raises(InputError, match="no inbox item with id 99999"):
        store.triage.done([1, 99999], "ana")
    assert store.inbox.get(1)["state"] != "done"
    assert store.conn.execute("SELECT count(*) FROM triage_log").fetchone()[0] == 0


def test_snoozed_items_wake_as_new(store):
    store.triage.apply([3, 4], "snooze", {"state": "snoozed", "snooze_until": "2026-11-20T13:00:00Z"}, "ana")
    store.triage.apply([5], "snooze", {"state": "snoozed", "snooze_until": "2026-11-21T09:00:00Z"}, "ana")
    assert store.triage.wake_snoozed("2026-11-20T12:59:59Z") == 0
    assert store.triage.wake_snoozed("2026-11-20T13:00:00Z") == 2
    assert [store.inbox.get(i)["state"] for i in (3, 4, 5)] == ["new", "new", "snoozed"]
    assert store.inbox.get(3)["snooze_until"] is None


def test_cli_inbox_done(capsys, store, tmp_path):
    store.close()
    db = str(tmp_path / "community.db")
    assert main(["inbox", "done", "1", "--db", db]) == 0
    assert capsys.readouterr().out.strip() == "item 1 marked done"
    assert main(["inbox", "done", "1", "--db", db]) == 0
    assert "already done" in capsys.readouterr().out
    for bad, message in (("99999", "no inbox item with id 99999"), ("x1", "not an inbox item id")):
        assert main(["inbox", "done", bad, "--db", db]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


async def test_e_marks_done_and_u_undoes_in_the_tui(store):
    app = CmtuiApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one(InboxList)
        await pilot.press("j")
        first = inbox.current_row["id"]
        following = inbox.row_at(2)["id"]
        await pilot.press("e")
        await pilot.pause()
        assert store.inbox.get(first)["state"] == "done"
        assert inbox.total == 149 and inbox.cursor == 1 and inbox.current_row["id"] == following
        assert str(following) and following != first
        await pilot.press("u")
        await pilot.pause()
        assert store.inbox.get(first)["state"] != "done" and inbox.total == 150
        assert store.triage.undo() is None  # the TUI's undo used it up
        await pilot.press("u")
        await pilot.pause()
        assert inbox.total == 150


async def test_the_tui_wakes_snoozed_items(store):
    store.triage.apply([7], "snooze", {"state": "snoozed", "snooze_until": "2026-11-20T11:00:00Z"}, "ana")
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one(InboxList)
        assert inbox.total == 149
        app.wake_snoozed()
        await pilot.pause()
        assert inbox.total == 150 and store.inbox.get(7)["state"] == "new"
        assert store.inbox.count(InboxFilter(states=("snoozed",))) == 0


# -- snooze presets and typed times -------------------------------------------------------------
def test_snooze_presets_are_in_the_future_in_the_settings_timezone():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cmtui.triage.snooze import presets

    tz = ZoneInfo("Europe/Ljubljana")
    friday_afternoon = datetime(2026, 11, 20, 15, 30, tzinfo=tz)
    labels = dict(presets(friday_afternoon, tz))
    assert labels["in 1 hour"] == datetime(2026, 11, 20, 16, 30, tzinfo=tz)
    assert labels["this evening"] == datetime(2026, 11, 20, 18, 0, tzinfo=tz)
    assert labels["tomorrow 9:00"] == datetime(2026, 11, 21, 9, 0, tzinfo=tz)
    assert labels["next Monday 9:00"] == datetime(2026, 11, 23, 9, 0, tzinfo=tz)
    late = dict(presets(datetime(2026, 11, 23, 20, 0, tzinfo=tz), tz))  # a Monday evening
    assert late["tomorrow evening"] == datetime(2026, 11, 24, 18, 0, tzinfo=tz)
    assert late["next Monday 9:00"] == datetime(2026, 11, 30, 9, 0, tzinfo=tz)


def test_a_typed_snooze_must_be_readable_and_ahead():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cmtui.triage.snooze import parse_snooze

    tz = ZoneInfo("UTC")
    now = datetime(2026, 11, 20, 12, 0, tzinfo=tz)
    assert parse_snooze("in 3 days", now, tz) == datetime(2026, 11, 23, 12, 0, tzinfo=tz)
    with pytest.raises(InputError, match="not in the future"):
        parse_snooze("yesterday", now, tz)
    with pytest.raises(InputError, match="cannot read"):
        parse_snooze("when pigs fly", now, tz)


# -- the TUI dialogs and bulk actions -----------------------------------------------------------------
async def test_s_snoozes_with_a_preset_or_a_typed_time(store):
    from cmtui.tui.dialogs.snooze import SnoozeDialog

    app = CmtuiApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one(InboxList)
        first = inbox.current_row["id"]
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SnoozeDialog)
        await pilot.press("down", "down", "enter")  # tomorrow 9:00
        await pilot.pause()
        item = store.inbox.get(first)
        assert item["state"] == "snoozed" and item["snooze_until"] == "2026-11-21T09:00:00Z"
        assert inbox.total == 149
        second = inbox.current_row["id"]
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("tab", *"the day after never", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SnoozeDialog)  # a clear error, the dialog stays, nothing changed
        assert "cannot read" in str(app.screen.query_one("#snooze-error").render())
        assert store.inbox.get(second)["state"] != "snoozed"
        app.screen.query_one("#snooze-input").value = ""
        await pilot.press(*"in 2 hours", "enter")
        await pilot.pause()
        assert store.inbox.get(second)["snooze_until"] == "2026-11-20T14:00:00Z"
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("escape")  # cancel: nothing changes
        await pilot.pause()
        assert inbox.total == 148


async def test_the_snooze_error_goes_once_the_typed_time_changes(store):
    app = CmtuiApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("tab", *"the day after never", "enter")
        await pilot.pause()
        error = app.screen.query_one("#snooze-error")
        assert "cannot read" in str(error.render())
        await pilot.press(*["backspace"] * len("the day after never"), *"in 2 hours")
        await pilot.pause()
        assert app.screen.query_one("#snooze-input").value == "in 2 hours"
        assert str(error.render()).strip() == ""  # no red refusal under a time that now reads fine


async def test_x_selects_several_and_e_and_a_act_on_all(store):
    app = CmtuiApp(store, Settings(timezone="UTC", user="ana", teammates=["luka", "marie"]), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one(InboxList)
        picked = [inbox.row_at(i)["id"] for i in (0, 1, 2)]
        await pilot.press("x", "x", "x")
        assert inbox.selected == set(picked)
        assert "3 selected" in str(app.screen.query_one("#inbox-counts").render())
        assert inbox.render_line(0).text.startswith("▶")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("down", "enter")  # marie
        await pilot.pause()
        assert [store.inbox.get(i)["assignee"] for i in picked] == ["marie"] * 3
        assert inbox.selected == set()
        await pilot.press("x", "x", "e")
        await pilot.pause()
        assert inbox.total == 148
        await pilot.press("u")
        await pilot.pause()
        assert inbox.total == 150


async def test_assign_without_teammates_says_how_and_o_opens_the_item(store, monkeypatch):
    import webbrowser

    from test_open_and_screenshot import FakeBrowser

    browser = FakeBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen.query_one(InboxList), InboxList)  # no dialog opened
        await pilot.press("o")
        await pilot.pause()
        assert browser.opened == [app.screen.query_one(InboxList).current_row["url"]]


# -- the reply composer ---------------------------------------------------------------------------------
def composing(app) -> bool:
    return bool(app.screen.query("ComposerPane"))


def threading_(app) -> bool:
    return app.screen.thread_pane is not None


async def test_r_composes_and_ctrl_s_queues_the_reply(store):
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        row = app.screen.query_one(InboxList).current_row
        await pilot.press("r")
        await pilot.pause()
        assert composing(app) and threading_(app)  # the composer, under the thread
        area = app.screen.query_one("#composer-text")
        assert area.has_focus
        assert area.text == f"@{row['author']} "
        await pilot.press(*"try File > Export")
        await pilot.pause()
        assert "/ 500" in str(app.screen.query_one("#composer-status").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not composing(app) and not threading_(app)
        [op] = store.outbox.for_item(row["id"])
        assert op["kind"] == "reply" and op["state"] == "pending"
        assert '"text":"@' + row["author"] + ' try File > Export"' in op["payload"]
        assert "reply pending" in str(app.screen.query_one("#inbox-preview").render())
        assert store.drafts.get(f"reply:{row['id']}", Settings().username) is None


async def test_esc_keeps_the_draft_and_bad_replies_are_refused(store):
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        row = app.screen.query_one(InboxList).current_row
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert not composing(app) and threading_(app)  # back to the thread
        await pilot.press("escape")
        await pilot.pause()
        assert not threading_(app) and app.screen.query_one(InboxList).has_focus
        assert store.drafts.get(f"reply:{row['id']}", Settings().username).endswith("half a thought")
        assert "draft reply saved" in str(app.screen.query_one("#inbox-preview").render())
        await pilot.press("r")
        await pilot.pause()
        area = app.screen.query_one("#composer-text")
        assert area.text.endswith("half a thought")  # the draft came back
        area.text = "x" * 501
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert composing(app)  # refused: the composer and the text stay
        assert "over the limit of 500" in str(app.screen.query_one("#composer-status").render())
        area.text = "   "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "empty" in str(app.screen.query_one("#composer-status").render())
        assert store.outbox.for_item(row["id"]) == []


async def test_the_draft_is_saved_while_typing(store):
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        row = app.screen.query_one(InboxList).current_row
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"typed before a crash")
        await pilot.pause(0.8)  # past the debounce, without leaving the composer
        assert store.drafts.get(f"reply:{row['id']}", Settings().username).endswith("typed before a crash")


# -- labels ------------------------------------------------------------------------------------------
def test_relabel_adds_and_removes_per_item_and_undoes(store):
    store.triage.apply([1], "label", {"labels": ["sync", "bug"]}, "ana")
    store.triage.apply([2], "label", {"labels": ["praise"]}, "ana")
    store.triage.relabel([1, 2], {"android"}, {"bug"}, "ana")
    assert store.inbox.get(1)["labels"] == '["sync","android"]'
    assert store.inbox.get(2)["labels"] == '["praise","android"]'
    store.triage.undo()
    assert store.inbox.get(1)["labels"] == '["sync","bug"]' and store.inbox.get(2)["labels"] == '["praise"]'
    assert "sync" in store.triage.recent_labels()


async def test_l_ticks_labels_and_adds_a_new_one(store):
    from cmtui.tui.dialogs.labels import LabelDialog

    app = CmtuiApp(store, Settings(timezone="UTC", labels=["billing"]), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        row = app.screen.query_one(InboxList).current_row  # the factory labels it "sync"
        before = set(json.loads(row["labels"]))
        assert before == {"sync"}
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LabelDialog)
        options = [option.id for option in app.screen.query_one("LabelList").options]
        assert "billing" in options and "sync" in options
        await pilot.press("tab", *"[b]urgent[/b]", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        after = set(json.loads(store.inbox.get(row["id"])["labels"]))
        assert after == before | {"[b]urgent[/b]"}
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("escape")  # cancel: nothing changes
        await pilot.pause()
        assert set(json.loads(store.inbox.get(row["id"])["labels"])) == after


async def test_the_label_picker_marks_ticked_labels_with_a_tick_not_a_colour(store):
    app = CmtuiApp(store, Settings(timezone="UTC", labels=["billing"]), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")  # the first item carries "sync"
        await pilot.pause()
        labels = app.screen.query_one("LabelList")

        def line(label: str) -> str:
            return str(labels.get_option(label).prompt)

        assert line("sync") == "[✓] sync" and line("billing") == "[ ] billing"
        labels.highlighted = labels.get_option_index("billing")
        await pilot.press("space")
        await pilot.pause()
        assert line("billing") == "[✓] billing"
        await pilot.press("k" if labels.get_option_index("sync") < labels.highlighted else "j")
        assert labels.highlighted_option.id == "sync"  # (billing and sync are neighbours)
        await pilot.press("enter")
        await pilot.pause()
        assert line("sync") == "[ ] sync"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert json.loads(store.inbox.get(1)["labels"]) == ["billing"]


# -- the thread ----------------------------------------------------------------------------------------
async def test_enter_shows_the_stored_conversation_and_r_replies_from_it(store):
    item = store.inbox.page(InboxFilter(), 0, 1)[0]
    with store.transaction():
        thread_id = store.conn.execute(
            "INSERT INTO threads (account_id, root_remote_id) VALUES (?, 'root') RETURNING id",
            (item["account_id"],)).fetchone()[0]
        store.conn.executemany(
            "INSERT INTO thread_posts (thread_id, remote_id, author, author_name, text, created_at, ours)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(thread_id, "root", "tidewater@social.tidewater.example", "Tidewater", "[b]Release 4.2[/b] is out",
              "2026-11-20T08:00:00Z", 1),
             (thread_id, item["remote_id"], item["author"], item["author_name"], item["text"], item["created_at"], 0)])
        store.conn.execute("UPDATE inbox_items SET thread_id = ? WHERE id = ?", (thread_id, item["id"]))
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert threading_(app) and app.screen.query_one("#thread-posts").has_focus
        pane = app.screen.thread_pane
        assert [p["ours"] for p in pane.posts] == [1, 0]
        shown = str(pane.query_one("#thread-text").render())
        assert "◆ Tidewater" in shown and f"▶ {item['author_name']}" in shown  # ours, and this item
        assert "[b]Release 4.2[/b] is out" in shown  # literal, not markup
        await pilot.press("r")
        await pilot.pause()
        assert composing(app) and len(app.screen.thread_pane.posts) == 2


async def test_enter_without_a_thread_or_sync_shows_the_item_alone(store):
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert threading_(app)
        assert len(app.screen.thread_pane.posts) == 1
        assert "fetched when the account syncs" in str(app.screen.query_one("#thread-status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not threading_(app)


def test_response_target_time_left_badges_and_words():
    from datetime import datetime, timedelta, timezone

    from cmtui.triage.response import badge, describe, time_left

    now = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
    target = timedelta(hours=2)
    row = {"state": "new", "answered_at": None, "moderated": 0, "created_at": "2026-11-20T11:15:00Z"}
    assert time_left(row, now, target) == 75 * 60
    assert time_left({**row, "moderated": 1}, now, target) is None  # flagged spam is never due
    assert badge(75 * 60) == "◷1h" and badge(30) == "◷<1m"
    assert describe(75 * 60, target) == "answer within 1 h 15 min (target 2 h)"
    late = {**row, "created_at": "2026-11-17T08:00:00Z"}
    assert badge(time_left(late, now, target)) == "▲3d"
    assert describe(time_left(late, now, target), target) == "3 d 2 h past the 2 h response target"
    assert time_left({**row, "answered_at": "2026-11-20T11:20:00Z"}, now, target) is None
    assert time_left({**row, "state": "snoozed"}, now, target) is None
    assert time_left({**row, "state": "done"}, now, target) is None


async def test_words_typed_just_before_the_pane_goes_are_kept(store):
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        row = app.screen.query_one(InboxList).current_row
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"quick")
        await pilot.press("2")  # typed into the composer, not a mode switch
        await pilot.pause()
        await app.screen.query_one("ComposerPane").remove()  # gone before the debounced save
        await pilot.pause()
    assert store.drafts.get(f"reply:{row['id']}", Settings().username).endswith("quick2")
