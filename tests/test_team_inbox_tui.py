"""A team answering one inbox, in the TUI: two apps on one database file (two Store
connections, as two people's cmtui on one host). Luka's composer shows "Ana is replying" within
the data_version poll; ctrl+s then asks (No keeps the draft, Yes queues with who = Luka); the
presence ends with the composer; the preview marks an item someone is replying to; the status
line counts what is assigned to the person and what waits for their approval; assigned:me; the
assign dialog offers the team; u undoes one's own decisions only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmtui.compose import queue_reply
from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.model import iso
from cmtui.store import Store
from cmtui.tui.app import CmtuiApp
from cmtui.tui.dialogs.choose import ChooseDialog
from cmtui.tui.dialogs.second_answer import SecondAnswerDialog
from cmtui.tui.screens.inbox_team import assign_choices, assignee
from cmtui.tui.widgets.collision import CollisionLine
from cmtui.tui.widgets.inbox_list import InboxList
from cmtui.tui.widgets.status_line import StatusLine
from factory import NOW, build_store

SIZE = (120, 40)
TEAM = ["Ana", "Luka", "Marie"]


@pytest.fixture
def two(tmp_path):
    """Luka's store and Ana's: two connections to one file."""
    path = tmp_path / "team.db"
    luka = build_store(path)
    ana = Store.open(path)
    yield luka, ana
    ana.close()
    luka.close()


def app_for(store, user: str, **settings) -> CmtuiApp:
    return CmtuiApp(store, Settings(timezone="UTC", user=user, teammates=TEAM, **settings), clock=lambda: NOW)


def shown(widget) -> str:
    return str(widget.render())


def warning(app) -> str | None:
    lines = app.screen.query(CollisionLine)
    if not lines or not lines.first().display:
        return None
    return shown(lines.first())


async def until(pilot, check, seconds: float = 3.0):
    """Wait (as the app runs: its 1 s data_version poll included) until check() is true."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    assert check()


async def reply_to_first(app, pilot) -> int:
    """Open the composer on the first item of the list; its id."""
    item = app.screen.query_one(InboxList).current_row["id"]
    await pilot.press("r")
    await pilot.pause()
    return item


def presence(store) -> list[tuple]:
    return [tuple(r) for r in store.conn.execute("SELECT item_id, who FROM presence ORDER BY who")]


async def test_luka_sees_ana_replying_and_a_second_answer_is_asked(two):
    luka_store, ana_store = two
    luka, ana = app_for(luka_store, "Luka"), app_for(ana_store, "Ana")
    async with luka.run_test(size=SIZE) as lp:
        item = await reply_to_first(luka, lp)
        assert warning(luka) is None  # nobody else yet
        assert presence(luka_store) == [(item, "Luka")]
        async with ana.run_test(size=SIZE) as ap:
            assert ana.screen.query_one(InboxList).current_row["id"] == item
            await ap.press("r")
            await ap.pause()
            assert warning(ana) == "⚠ Luka is replying"  # Luka was there first
            await until(lp, lambda: warning(luka) == "⚠ Ana is replying")  # Luka's poll saw Ana begin
            await lp.press(*"on it")
            await lp.press("ctrl+s")
            await lp.pause()
            dialog = luka.screen
            assert isinstance(dialog, SecondAnswerDialog)
            assert "Ana is replying" in " ".join(shown(s) for s in dialog.query("Static"))
            await lp.press("enter")  # the default: No
            await lp.pause()
            assert not isinstance(luka.screen, SecondAnswerDialog)
            assert luka_store.outbox.for_item(item) == []  # nothing queued
            composer = luka.screen.query_one("ComposerPane")
            assert composer.text.endswith("on it")  # the draft stays, in the composer and the store
            assert luka_store.drafts.get(f"reply:{item}", "Luka").endswith("on it")
            await lp.press("ctrl+s")
            await lp.pause()
            assert isinstance(luka.screen, SecondAnswerDialog)
            await lp.press("y")
            await lp.pause()
            [op] = luka_store.outbox.for_item(item)
            assert (op["kind"], op["who"]) == ("reply", "Luka")
            assert not luka.screen.query("ComposerPane")  # sent: the composer closed...
            assert presence(luka_store) == [(item, "Ana")]  # ...and Luka's presence ended with it
            # Ana's screen learns that Luka answered (his queued reply is only seconds old: its
            # queue time is real, the apps' clock is the tests' fixed NOW)
            await until(ap, lambda: "answered by Luka" in (warning(ana) or ""))
        assert presence(luka_store) == []  # Ana's app closed: her presence went with it


async def test_an_answer_shows_with_its_age_and_esc_or_n_keeps_the_draft(two):
    luka_store, ana_store = two
    luka = app_for(luka_store, "Luka")
    async with luka.run_test(size=SIZE) as lp:
        item = await reply_to_first(luka, lp)
        op = queue_reply(ana_store, item, "done already", who="Ana")  # another process answers
        ana_store.conn.execute("UPDATE outbox SET created_at = ? WHERE id = ?", (iso(NOW - timedelta(minutes=2)), op))
        await until(lp, lambda: warning(luka) == "⚠ answered by Ana 2 min ago")
        for key in ("n", "escape"):
            await lp.press("ctrl+s")
            await lp.pause()
            assert isinstance(luka.screen, SecondAnswerDialog)
            await lp.press(key)
            await lp.pause()
            assert luka.screen.query("ComposerPane") and len(luka_store.outbox.for_item(item)) == 1


async def test_the_presence_is_touched_while_composing_and_ends_on_keep(two, monkeypatch):
    import cmtui.tui.widgets.collision as collision_module

    monkeypatch.setattr(collision_module, "PRESENCE_TOUCH", 0.2)
    luka_store, ana_store = two
    luka = app_for(luka_store, "Luka")
    async with luka.run_test(size=SIZE) as lp:
        await reply_to_first(luka, lp)
        luka_store.conn.execute("UPDATE presence SET seen_at = '2000-01-01T00:00:00Z'")
        await until(lp, lambda: luka_store.conn.execute("SELECT seen_at FROM presence").fetchone()[0] == iso(NOW))
        await lp.press("escape")  # keep the draft: the composer closes
        await lp.pause()
        assert presence(luka_store) == []
        assert len(luka.screen.query(CollisionLine)) == 0  # no timer left behind either


async def test_the_list_and_preview_mark_an_item_someone_is_replying_to(two):
    luka_store, ana_store = two
    luka = app_for(luka_store, "Luka")
    async with luka.run_test(size=SIZE) as lp:
        item = luka.screen.query_one(InboxList).current_row["id"]
        assert "replying" not in shown(luka.screen.query_one("#inbox-preview"))
        inbox = luka.screen.query_one(InboxList)
        assert "✎" not in inbox.render_line(0).text
        ana_store.presence.begin(item, "Ana", now=NOW)
        await until(lp, lambda: "✎ Ana is replying" in shown(luka.screen.query_one("#inbox-preview")))
        assert "✎" in inbox.render_line(0).text and "✎" not in inbox.render_line(1).text  # the row's mark
        ana_store.presence.end(item, "Ana")
        await until(lp, lambda: "replying" not in shown(luka.screen.query_one("#inbox-preview")))
        assert "✎" not in inbox.render_line(0).text


async def test_the_status_line_counts_assigned_to_you_and_to_approve(two):
    luka_store, ana_store = two
    luka = app_for(luka_store, "Luka", approvers=["luka"])
    async with luka.run_test(size=SIZE) as lp:
        line = luka.screen.query_one(StatusLine)
        await until(lp, lambda: "2 to approve" in shown(line))  # the factory's two entries waiting
        assert "assigned to you" not in shown(line)
        ana_store.triage.apply([1, 2, 3], "assign", {"assignee": "Luka"}, "Ana")  # another process
        await until(lp, lambda: "3 assigned to you" in shown(line))
        luka_store.triage.done([3], "Luka")  # this one: its own write counts too
        await until(lp, lambda: "2 assigned to you" in shown(line))
    marie = app_for(luka_store, "Marie")
    async with marie.run_test(size=SIZE) as mp:
        line = marie.screen.query_one(StatusLine)
        await until(mp, lambda: "overdue" in shown(line))
        assert "to approve" not in shown(line) and "assigned to you" not in shown(line)


async def test_assigned_me_in_the_search(two):
    luka_store, _ = two
    luka_store.triage.apply([4, 9], "assign", {"assignee": "Luka"}, "Ana")
    luka = app_for(luka_store, "Luka")
    async with luka.run_test(size=SIZE) as lp:
        await lp.press("slash", *"assigned:me")
        await luka.workers.wait_for_complete()
        await lp.pause()
        inbox = luka.screen.query_one(InboxList)
        assert sorted(inbox.row_at(i)["id"] for i in range(inbox.total)) == [4, 9]


async def test_assign_offers_the_team_and_u_undoes_only_ones_own(two):
    luka_store, ana_store = two
    luka = app_for(luka_store, "Luka", approvers=["Nina"])
    async with luka.run_test(size=SIZE) as lp:
        inbox = luka.screen.query_one(InboxList)
        first, before = inbox.current_row["id"], inbox.current_row["assignee"]
        await lp.press("a")
        await lp.pause()
        dialog = luka.screen
        assert isinstance(dialog, ChooseDialog)
        assert [value for _, value in dialog.choices] == ["Ana", "Luka", "Marie", "Nina", ""]
        await lp.press("down", "enter")  # Luka
        await lp.pause()
        assert luka_store.inbox.get(first)["assignee"] == "Luka"
        other = inbox.row_at(3)["id"]
        ana_store.triage.done([other], "Ana")  # Ana's decision, after Luka's
        await lp.pause(1.3)
        await lp.press("u")
        await lp.pause()
        assert luka_store.inbox.get(first)["assignee"] == before  # Luka's own undone
        assert luka_store.inbox.get(other)["state"] == "done"  # Ana's stays
        await lp.press("u")
        await lp.pause()
        assert luka_store.inbox.get(other)["state"] == "done"  # nothing of Luka's left to undo


def test_an_assignee_must_be_on_the_team():
    settings = Settings(user="Luka", teammates=TEAM)
    assert assignee(settings, "ana") == "Ana" and assignee(settings, "") is None
    with pytest.raises(InputError, match="not on the team"):
        assignee(settings, "zoran")
    assert assign_choices(Settings(user="solo")) == []  # nobody to assign to: the screen says how
