"""The approvals screen: the posts waiting for approval, read with their variants and history,
approved or sent back by an approver (and only read by anyone else), reached from the
calendar (A), the palette and CMTUI_OPEN=approvals; other people's decisions show within a
poll; in Spanish, French and Slovenian with no English left."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from cmtui import i18n
from cmtui.config import Settings
from cmtui.model import iso
from cmtui.planning.approvals_view import may_decide, waiting
from cmtui.store import Store
from cmtui.tui.dialogs.ask import AskDialog
from factory import NOW
from i18n_screen import english_left, screen_lines
from tui_helpers import RecordingApp, wait_for

SIZE = (120, 40)
TEAM = {"approvers": ["nina"], "teammates": ["ana", "luka"], "approval_required": True}
# The factory's community: "Post number 2" (entry 3) and "Post number 8" (entry 9) wait for
# approval, both asked by ana a week before NOW.
FIRST, SECOND = 3, 9


def make_app(store, user="nina", **settings):
    return RecordingApp(store, Settings(timezone="UTC", user=user, **(TEAM | settings)), clock=lambda: NOW)


async def open_approvals(app, pilot):
    app.open_approvals()
    await pilot.pause()
    await pilot.pause()
    return app.screen


def text_of(app) -> str:
    return "\n".join(" ".join(line.split()) for line in screen_lines(app))


def with_variant_and_image(store) -> None:
    main = store.accounts.get("tidewater")
    with store.transaction():
        store.entries.set_variants(FIRST, {main.id: "Tips for note takers, the English wording"})
        store.entries.update(FIRST, {"media": json.dumps([{"file": "ab12.png", "alt": "A heron on a post"}]),
                                     "notes": "check the link first", "content_warning": "long read"})


def transitions(store, entry_id) -> list[tuple]:
    return [tuple(t) for t in store.entries.transitions(entry_id)]


# -- the core: one query, oldest request first, a series as one row ------------------------------
def test_waiting_lists_every_entry_waiting_oldest_request_first_with_who_asked(store):
    main = store.accounts.get("tidewater")
    past = store.entries.add(main.id, "Last week's post, still waiting", "draft", who="luka",
                             scheduled_at=iso(NOW - timedelta(days=3)))
    with store.transaction():
        store.entries.record_transition(past, "draft", "needs_approval", "luka", at=iso(NOW - timedelta(days=9)))
        store.entries.update(past, {"status": "needs_approval"})
    series = store.entries.add(main.id, "Weekly tips", "needs_approval", who="ana", rrule="FREQ=WEEKLY",
                               scheduled_at=iso(NOW + timedelta(days=1)))
    with store.transaction():
        store.entries.add_child(store.entries.get(series), iso(NOW + timedelta(days=1)), who="ana",
                                status="needs_approval")
    rows = waiting(store)
    # luka's request (9 days ago) first, whatever the post's date; the series once, not its occurrence
    assert [r.entry_id for r in rows] == [past, FIRST, SECOND, series]
    assert (rows[0].requested_by, rows[0].at) == ("luka", NOW - timedelta(days=3))
    assert rows[-1].repeats and rows[1].accounts == ("tidewater_es",)


def test_who_may_decide():
    assert may_decide(Settings(approvers=["Nina"]), "nina")
    assert not may_decide(Settings(approvers=["nina"]), "luka")
    assert not may_decide(Settings(approval_required=True), "luka")  # required, nobody named
    assert may_decide(Settings(), "luka")  # no approval at all: anyone


# -- reading ------------------------------------------------------------------------------------
async def test_the_list_shows_the_waiting_entries_with_variants_images_and_history(store):
    with_variant_and_image(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(app, pilot)
        listing = screen.query_one("#approvals-list")
        assert listing.option_count == 2
        first = str(listing.get_option_at_index(0).prompt)
        assert "Post number 2" in first and "tidewater_es, tidewater" in first and "ana" in first
        text = text_of(app)
        assert "2 posts waiting for approval" in text
        assert "Variant for tidewater" in text and "the English wording" in text
        assert "alt text: A heron on a post" in text and "content warning: long read" in text
        assert "check the link first" in text and "History" in text and "ana: new → needs approval" in text
        await pilot.press("j")
        await pilot.pause()
        assert screen.selected().entry_id == SECOND
        assert "Post number 8" in str(screen.query_one("#approvals-entry").render())


async def test_a_thread_shows_its_parts(store):
    main = store.accounts.get("tidewater")
    store.entries.add(main.id, "First part\n---\nSecond part", "needs_approval", who="luka", thread=1,
                      scheduled_at=iso(NOW + timedelta(days=2)))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(app, pilot)
        screen.query_one("#approvals-list").highlighted = 2
        await pilot.pause()
        text = text_of(app)
        assert "part 1 of 2" in text and "part 2 of 2" in text and "Second part" in text


async def test_hostile_text_is_shown_literally(store):
    markup = "[@click=app.quit]x[/] [bold red]loud"
    main = store.accounts.get("tidewater")
    store.entries.add(main.id, f"{markup} a\x1b[2Jb\x1b]0;pwned\x07c", "needs_approval", who="luka",
                      notes="[b]note[/b]", scheduled_at=iso(NOW + timedelta(days=2)))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(app, pilot)
        screen.query_one("#approvals-list").highlighted = 2
        await pilot.pause()
        text = text_of(app)
        assert markup in text and "[b]note[/b]" in text and "abc" in text
        assert "pwned" not in text and "\x1b" not in app.export_screenshot()
        assert app.is_running


async def test_nothing_waiting_says_so_and_names_the_approvers_to_others(store):
    with store.transaction():
        for entry_id in (FIRST, SECOND):
            store.entries.update(entry_id, {"status": "draft"})
    app = make_app(store, user="luka")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(app, pilot)
        assert not screen.query_one("#approvals-list").display
        text = text_of(app)
        assert "Nothing is waiting for approval." in text and "The approvers: nina." in text
        await pilot.press("a")
        await pilot.pause()
        assert app.notes and "Nothing is waiting" in app.notes[-1]["message"]


# -- deciding -------------------------------------------------------------------------------------
async def test_a_approves_at_once_as_the_person_working_and_moves_to_the_next(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert store.entries.get(FIRST)["status"] == "approved"
        last = store.entries.transitions(FIRST)[-1]
        assert (last["who"], last["from_status"], last["to_status"]) == ("nina", "needs_approval", "approved")
        assert [r.entry_id for r in screen.rows] == [SECOND] and screen.selected().entry_id == SECOND
        assert any(n["message"] == "Approved." for n in app.notes)


async def test_shift_a_approves_with_a_comment(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_approvals(app, pilot)
        await pilot.press("A")
        await pilot.pause()
        await pilot.press(*"nice one", "enter")
        await pilot.pause()
        last = store.entries.transitions(FIRST)[-1]
        assert (last["who"], last["to_status"], last["comment"]) == ("nina", "approved", "nice one")


async def test_send_back_needs_a_comment_then_goes_back_to_draft(store):
    app = make_app(store)
    before = transitions(store, FIRST)
    async with app.run_test(size=SIZE) as pilot:
        await open_approvals(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # no comment: told so, and the dialog stays for it
        await pilot.pause()
        assert transitions(store, FIRST) == before and store.entries.get(FIRST)["status"] == "needs_approval"
        assert "comment" in app.notes[-1]["message"]
        assert isinstance(app.screen, AskDialog)
        # What is typed next is the comment, never the screen's keys ("a" would approve).
        await pilot.press(*"the link is broken", "enter")
        await pilot.pause()
        last = store.entries.transitions(FIRST)[-1]
        assert (last["who"], last["to_status"], last["comment"]) == ("nina", "draft", "the link is broken")
        assert app.screen.selected().entry_id == SECOND


async def test_someone_who_is_not_an_approver_reads_but_cannot_decide(store):
    app = make_app(store, user="luka")
    before = transitions(store, FIRST)
    async with app.run_test(size=SIZE) as pilot:
        await open_approvals(app, pilot)
        assert "Read only: you are not an approver." in text_of(app)
        for key in ("a", "r", "A"):
            await pilot.press(key)
            await pilot.pause()
            assert "not an approver" in app.notes[-1]["message"] and "nina" in app.notes[-1]["message"]
            assert len(app.screen_stack) == 1  # no dialog opened
        assert transitions(store, FIRST) == before


async def test_an_approver_cannot_approve_their_own_post_when_approval_is_other(store, monkeypatch):
    from cmtui.planning import entries

    def approve(*_args, **_kwargs):
        raise AssertionError("the screen said no itself: approve is not called")

    app = make_app(store, user="Ana", approvers=["ana", "nina"], approval="other")
    before = transitions(store, FIRST)
    async with app.run_test(size=SIZE) as pilot:
        await open_approvals(app, pilot)
        monkeypatch.setattr(entries, "approve", approve)
        assert "yours" in text_of(app)  # the rows ana asked for are marked, the detail says who decides
        assert "another approver decides. It may be approved by nina." in text_of(app)
        for key in ("a", "A"):
            await pilot.press(key)
            await pilot.pause()
            assert transitions(store, FIRST) == before and app.screen is not None
            assert app.notes[-1]["severity"] == "warning" and app.notes[-1]["message"] == (
                "This post is yours (you wrote it or asked for its approval): another approver decides."
                " It may be approved by nina.")


async def test_with_approval_any_an_approvers_own_post_is_not_marked(store):
    app = make_app(store, user="ana", approvers=["ana", "nina"], approval="any")
    async with app.run_test(size=SIZE) as pilot:
        await open_approvals(app, pilot)
        assert "yours" not in text_of(app)
        await pilot.press("a")
        await pilot.pause()
        assert app.notes[-1]["message"] == "Approved." and store.entries.get(FIRST)["status"] == "approved"


async def test_a_decision_someone_made_a_second_ago_is_a_notification(store, tmp_path):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_approvals(app, pilot)
        with store.transaction():  # approved meanwhile (before this screen re-read the store)
            store.entries.update(FIRST, {"status": "approved"})
        await pilot.press("a")
        await pilot.pause()
        assert app.notes[-1]["severity"] == "error" and "not waiting for approval" in app.notes[-1]["message"]
        assert [r.entry_id for r in app.screen.rows] == [SECOND]


async def test_another_process_approving_takes_the_entry_off_the_list(store, tmp_path):
    from cmtui.planning import entries

    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_approvals(app, pilot)
        assert len(screen.rows) == 2
        other = Store.open(tmp_path / "community.db")  # another person's cmtui on the same file
        try:
            entries.approve(other, Settings(timezone="UTC", **TEAM), FIRST, who="nina", now=NOW)
        finally:
            other.close()
        assert await wait_for(pilot, lambda: [r.entry_id for r in screen.rows] == [SECOND], tries=60)
        assert "Post number 2" not in text_of(app)


async def test_e_opens_the_entry_in_the_composer(store):
    from cmtui.tui.dialogs.entry_composer import EntryComposer

    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_approvals(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EntryComposer)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "approvals"


# -- reaching it ----------------------------------------------------------------------------------
async def test_A_in_the_calendar_opens_it_and_esc_goes_back(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        assert app.current_mode == "approvals"
        from cmtui.tui.dialogs.help import describe_bindings

        ids = {row[2] for row in describe_bindings(app.screen)}
        assert {"approvals.approve", "approvals.approve_comment", "approvals.send_back", "approvals.edit"} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "calendar"


async def test_the_palette_offers_it(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        [command] = [c for c in app.get_system_commands(app.screen) if c.title == "Posts waiting for approval"]
        command.callback()
        await pilot.pause()
        assert app.current_mode == "approvals"
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "inbox"  # back where it was opened from


async def test_cmtui_open_approvals_opens_it_first(store, monkeypatch):
    monkeypatch.setenv("CMTUI_OPEN", "approvals")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == "approvals" and "Post number 2" in text_of(app)


async def test_an_unknown_cmtui_open_is_ignored_with_a_notification(store, monkeypatch):
    monkeypatch.setenv("CMTUI_OPEN", "aprovals")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == "inbox"
        assert any("aprovals" in n["message"] for n in app.notes)


async def test_the_key_bar_fits_80_columns(store):
    from cmtui.tui.widgets.key_bar import KeyBar

    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_approvals(app, pilot)
        keys = app.screen.query_one(KeyBar).render().plain
        assert "a Approve" in keys and "r Send back" in keys and "? Help" in keys and len(keys) <= 80


# -- in other languages ---------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("language", ["es", "fr", "sl"])
async def test_the_screen_speaks_the_language(store, language, size):
    with_variant_and_image(store)
    i18n.set_language(language)
    for user in ("nina", "luka"):  # an approver, then someone who only reads
        app = make_app(store, user=user)
        async with app.run_test(size=size) as pilot:
            await open_approvals(app, pilot)
            assert english_left(screen_lines(app), language) == []
            assert i18n._("Approvals") in text_of(app)


@pytest.mark.parametrize("language", ["es", "fr", "sl"])
async def test_ones_own_post_is_marked_in_the_language(store, language):
    i18n.set_language(language)
    app = make_app(store, user="ana", approvers=["ana", "nina"], approval="other")
    async with app.run_test(size=SIZE) as pilot:
        await open_approvals(app, pilot)
        assert english_left(screen_lines(app), language) == []
        assert i18n._("yours") in text_of(app)
        await pilot.press("a")
        await pilot.pause()
        assert app.notes[-1]["message"].startswith(i18n._(
            "This post is yours (you wrote it or asked for its approval): another approver decides."))


def test_snapshot_at_120x40(snap_compare, tmp_path):
    from factory import build_store

    store = build_store(tmp_path / "snap.db")
    with_variant_and_image(store)
    app = RecordingApp(store, Settings(timezone="UTC", user="nina", **TEAM), clock=lambda: NOW)
    try:
        assert snap_compare(app, press=["1", "A"], terminal_size=(120, 40))
    finally:
        store.close()
