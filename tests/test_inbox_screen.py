"""Pilot tests of the inbox screen: / search, the counting worker, the f filter dialog, sort
and conversations, response-target badges, the composer (options, saved replies, failed
replies, $EDITOR), the thread pane and R.

The factory's inbox (tests/factory.py): 250 items, ids 1-150 new/open (id 1 newest, created
5 + 37n minutes before NOW for n = id - 1), languages en/es/fr/sl by n % 4, "sync" label
when n % 7 == 0, questions when n % 4 != 2, kinds mention/reply/direct by n % 3."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from textual.widgets import Input, OptionList, Select, TextArea

from cmtui.compose import queue_reply
from cmtui.config import Settings
from cmtui.model import iso
from cmtui.store import InboxFilter
from cmtui.store.base import loads
from cmtui.store.inbox import ALL_STATES
from cmtui.tui.app import CmtuiApp
from cmtui.tui.dialogs.filters import FilterDialog
from cmtui.tui.dialogs.saved_replies import SavedRepliesDialog
from cmtui.tui.widgets.inbox_list import PAGE_SIZE, InboxList
from cmtui.tui.widgets.status_line import StatusLine
from factory import NOW
from tui_helpers import RecordingApp

SIZE = (120, 40)


# -- helpers -------------------------------------------------------------------------------------------
def make_app(store, cls=CmtuiApp, **settings):
    return cls(store, Settings(timezone="UTC", **settings), clock=lambda: NOW)


def shown(widget) -> str:
    """What a Static (or the status line) shows, as plain text."""
    return str(widget.render())


def counts_bar(screen) -> str:
    return shown(screen.query_one("#inbox-counts"))


def preview(screen) -> str:
    return shown(screen.query_one("#inbox-preview"))


def all_rows(inbox: InboxList) -> list:
    return [inbox.row_at(i) for i in range(inbox.total)]


def ids(rows) -> list[int]:
    return [r["id"] for r in rows]


async def settle(app, pilot) -> None:
    """Let the counting threads finish and their results land."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def search_for(app, pilot, text: str) -> None:
    """Open the search, empty it, type text key by key and wait for the counts."""
    await pilot.press("slash")
    search = app.screen.query_one("#inbox-search", Input)
    search.value = ""
    await pilot.pause()
    await pilot.press(*text)
    await settle(app, pilot)


def composing(screen) -> bool:
    return bool(screen.query("ComposerPane"))


def threading_(screen) -> bool:
    return screen.thread_pane is not None  # the pane is always there, shown by display


def thread(store, item_ids: list[int]) -> None:
    """Put items in one conversation (as tests/test_inbox_order.py does)."""
    account = store.inbox.get(item_ids[0])["account_id"]
    thread_id = store.conn.execute("INSERT INTO threads (account_id, root_remote_id) VALUES (?, 'r1')",
                                   (account,)).lastrowid
    store.conn.execute(f"UPDATE inbox_items SET thread_id = ? WHERE id IN ({','.join(map(str, item_ids))})",
                       (thread_id,))


@pytest.fixture
def gate(monkeypatch):
    """Hold the list's counting thread until the test sets the event: the list stays in its
    'counting' state, with the first page shown."""
    event = threading.Event()
    count = InboxList._count

    def held(self, reader, item_filter, generation):
        event.wait(5)
        count(self, reader, item_filter, generation)

    monkeypatch.setattr(InboxList, "_count", held)
    yield event
    event.set()  # never leave a thread waiting


# -- 1. / search -------------------------------------------------------------------------------------------
async def test_slash_focuses_the_search_and_typing_narrows_the_list(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        search = screen.query_one("#inbox-search", Input)
        assert inbox.total == 150 and inbox.has_focus
        await pilot.press("slash")
        await pilot.pause()
        assert search.has_focus and search.display
        # Every key re-reads the list: n -> no -> not -> note -> notes.
        totals = []
        for typed in ("n", "no", "not", "note", "notes"):
            await pilot.press(typed[-1])
            await settle(app, pilot)
            assert search.value == typed
            assert inbox.total == store.inbox.count(InboxFilter(search=typed)), typed
            totals.append(inbox.total)
        assert totals == [150, 113, 76, 38, 38]
        rows = all_rows(inbox)
        assert ids(rows) == ids(store.inbox.page(InboxFilter(search="notes"), 0, 500))
        assert all("notes" in r["text"] for r in rows)
        assert "“notes”" in counts_bar(screen) and "of 38" in counts_bar(screen)
        assert rows[0]["text"] in preview(screen)


# query typed -> what every row must satisfy, and the filter the store lists it with
QUERIES = [
    ("lang:es", lambda r: r["language"] == "es", InboxFilter(language="es")),
    ("from:user4", lambda r: r["author"] == "user4@fedi.example", InboxFilter(author="user4")),
    ("is:question", lambda r: r["is_question"] == 1, InboxFilter(questions_only=True)),
    ("state:done", lambda r: r["state"] == "done", InboxFilter(states=("done",))),
    ("label:sync", lambda r: "sync" in loads(r["labels"], []), InboxFilter(label="sync")),
    ("export from:user4", lambda r: r["author"].startswith("user4@") and "export" in r["text"],
     InboxFilter(author="user4", search="export")),
]


async def test_filters_in_the_search_apply(store):
    app = make_app(store)  # one app for every query: each is typed into an emptied search
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        for query, check, expected in QUERIES:
            await search_for(app, pilot, query)
            assert not inbox.counting, query
            assert inbox.total == store.inbox.count(expected) > 0, query
            assert inbox.total < 150 or expected.states == ("done",), query
            rows = all_rows(inbox)
            assert all(check(r) for r in rows), query
            assert ids(rows) == ids(store.inbox.page(expected, 0, 500)), query


async def test_a_bad_filter_shows_the_error_and_keeps_the_list(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        await search_for(app, pilot, "lang:es")
        before = ids(all_rows(inbox))
        assert len(before) == 38
        # Pasted in one go (typed key by key, "state" alone would be searched as a word first).
        app.screen.query_one("#inbox-search", Input).value = "lang:es state:nope"
        await settle(app, pilot)
        bar = counts_bar(screen)
        assert "state:nope is not a state" in bar
        assert inbox.filter.language == "es" and inbox.filter.states == ("new", "open")
        assert ids(all_rows(inbox)) == before
        # Mending the query takes the error away.
        await pilot.press("end")
        for _ in "nope":
            await pilot.press("backspace")
        await pilot.press(*"done")
        await settle(app, pilot)
        assert "is not a state" not in counts_bar(screen)
        assert inbox.filter.states == ("done",) and inbox.total == store.inbox.count(
            InboxFilter(states=("done",), language="es"))


async def test_enter_keeps_the_results_and_esc_clears_the_search(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        search = screen.query_one("#inbox-search", Input)
        await search_for(app, pilot, "lang:es")
        await pilot.press("enter")
        await pilot.pause()
        assert inbox.has_focus and not threading_(screen)  # enter in the search is not "open thread"
        assert inbox.filter.language == "es" and inbox.total == 38 and search.value == "lang:es"
        await pilot.press("j", "j")  # the list's keys work on the results
        assert inbox.cursor == 2 and inbox.current_row["language"] == "es"
        await pilot.press("escape")
        await settle(app, pilot)
        assert search.value == "" and not search.display
        assert inbox.filter == InboxFilter() and inbox.total == 150 and inbox.has_focus
        assert "“" not in counts_bar(screen)


async def test_esc_in_the_search_field_clears_it(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        await search_for(app, pilot, "notes")
        assert inbox.total == 38
        await pilot.press("escape")
        await settle(app, pilot)
        assert inbox.total == 150 and inbox.has_focus
        assert app.screen.query_one("#inbox-search", Input).value == ""


# -- 2. the count in a worker thread -------------------------------------------------------------------------
async def test_a_long_result_is_counted_in_a_thread(store, gate):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        await pilot.press("slash", *"is:question")
        await pilot.pause()
        exact = store.inbox.count(InboxFilter(questions_only=True))
        assert exact == 113 > PAGE_SIZE
        # The first page shows at once; the total is provisional while the count runs.
        assert inbox.counting and inbox.total == PAGE_SIZE
        assert "counting" in counts_bar(screen) and "1 of 100+" in counts_bar(screen)
        gate.set()
        await settle(app, pilot)
        assert not inbox.counting and inbox.total == exact
        assert "counting" not in counts_bar(screen) and "1 of 113" in counts_bar(screen)
        await pilot.press("enter", "G")
        assert inbox.cursor == exact - 1
        assert ids(all_rows(inbox)) == ids(store.inbox.page(InboxFilter(questions_only=True), 0, 500))


async def test_moving_past_the_first_page_while_counting_reads_on(store, gate):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        f = InboxFilter(states=ALL_STATES, questions_only=True)
        exact = store.inbox.count(f)
        assert exact == 188
        await pilot.press("slash", *"state:all is:question", "enter")
        await pilot.pause()
        assert inbox.counting and inbox.total == PAGE_SIZE and inbox.has_focus
        await pilot.press("G")
        assert inbox.cursor == PAGE_SIZE - 1
        await pilot.press("j")  # past the rows read so far: the next page is read
        assert inbox.cursor == PAGE_SIZE and inbox.total == exact and inbox.counting
        await pilot.press("G")
        assert inbox.cursor == exact - 1
        await pilot.press("j")  # nothing more to read: the cursor stays on the last row
        assert inbox.cursor == exact - 1
        assert ids(all_rows(inbox)) == ids(store.inbox.page(f, 0, 500))
        assert "counting" in counts_bar(screen)
        gate.set()
        await settle(app, pilot)
        assert not inbox.counting and inbox.total == exact and inbox.cursor == exact - 1
        assert "188 of 188" in counts_bar(screen) and "counting" not in counts_bar(screen)


async def test_page_down_reaches_past_the_provisional_rows(store, gate):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        await pilot.press("slash", *"user", "enter")  # every author: 150 active items
        await pilot.pause()
        assert inbox.counting and inbox.total == PAGE_SIZE
        for _ in range(10):
            await pilot.press("pagedown")
        assert inbox.cursor > PAGE_SIZE and inbox.total == 150
        await pilot.press("end")
        # (A search lists in the full-text index's order, newest stored first.)
        last = store.inbox.page(inbox.filter, 0, 500)[-1]
        assert inbox.cursor == 149 and inbox.current_row["id"] == last["id"]
        gate.set()


async def test_a_new_search_drops_the_old_count(store, gate):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        await pilot.press("slash", *"is:question")  # 113, held
        await pilot.pause()
        assert inbox.counting
        await pilot.press(*" lang:es")  # 38: no count needed; the held one must not land
        await pilot.pause()
        assert not inbox.counting and inbox.total == 38
        gate.set()
        await settle(app, pilot)
        assert inbox.total == 38 and not inbox.counting


# -- 3. the F filter dialog ----------------------------------------------------------------------------------
def option_text(dialog, option_id: str) -> str:
    return str(dialog.query_one(OptionList).get_option(option_id).prompt)


async def choose(pilot, dialog, option_id: str) -> None:
    options = dialog.query_one(OptionList)
    options.highlighted = options.get_option_index(option_id)
    await pilot.press("enter")
    await pilot.pause()


async def test_shift_f_opens_the_filters_with_counts_and_applies_the_choice(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        await pilot.press("F")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        await settle(app, pilot)
        assert not dialog.counting
        assert option_text(dialog, "state=new and open").startswith("● new and open")
        assert option_text(dialog, "state=new and open").endswith("150")
        assert option_text(dialog, "language=es").startswith("○ es") and option_text(
            dialog, "language=es").endswith(f"{store.inbox.count(InboxFilter(language='es'))}")
        assert option_text(dialog, "language=").startswith("● any language")
        # enter marks the choice, keeps the dialog open and counts again under it.
        await choose(pilot, dialog, "language=es")
        assert app.screen is dialog and dialog.filter.language == "es"
        assert option_text(dialog, "language=es").startswith("● es")
        assert option_text(dialog, "language=").startswith("○ any language")
        await settle(app, pilot)
        es = InboxFilter(language="es")
        assert sum(dialog.counts["kind"].values()) == store.inbox.count(es)
        assert option_text(dialog, "state=new and open").endswith(f"  {store.inbox.count(es)}")
        assert option_text(dialog, "kind=direct").endswith(f"  {store.inbox.count(es.with_(kind='direct'))}")
        # esc applies.
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and screen.base_filter == es
        assert inbox.filter.language == "es" and inbox.total == 38
        assert all(r["language"] == "es" for r in all_rows(inbox))
        assert "· es ·" in counts_bar(screen)
        # backspace clears every choice; esc applies that too.
        await pilot.press("F")
        await pilot.pause()
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.filter == InboxFilter()
        await pilot.press("escape")
        await settle(app, pilot)
        assert inbox.filter == InboxFilter() and inbox.total == 150


async def test_the_filters_dialog_keeps_the_sort_and_a_search_on_top(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        await pilot.press("O")  # oldest first
        await pilot.pause()
        await pilot.press("F")
        await settle(app, pilot)
        await choose(pilot, app.screen, "kind=direct")
        await pilot.press("backspace")  # clear all keeps sort and grouping
        await pilot.pause()
        assert app.screen.filter == InboxFilter(sort="oldest")
        await choose(pilot, app.screen, "kind=direct")
        await pilot.press("escape")
        await settle(app, pilot)
        assert inbox.filter == InboxFilter(kind="direct", sort="oldest")
        assert all(r["kind"] == "direct" for r in all_rows(inbox))
        assert ids(all_rows(inbox)) == ids(store.inbox.page(inbox.filter, 0, 500))


# -- 4. sort and conversations -------------------------------------------------------------------------------
async def test_capital_o_cycles_the_sort(store):
    from cmtui.tui.screens.inbox import SORT_WORDS

    # Id 150, the oldest active item, is answered: "oldest" and "most overdue" differ.
    store.conn.execute("UPDATE inbox_items SET answered_at = created_at WHERE id = 150")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        assert inbox.filter.sort == "newest" and inbox.current_row["id"] == 1
        seen = []
        for _ in range(3):
            await pilot.press("O")
            await settle(app, pilot)
            seen.append((inbox.filter.sort, inbox.current_row["id"]))
            assert screen.base_filter.sort == inbox.filter.sort
            assert inbox.total == store.inbox.count(inbox.filter)
            assert ids(all_rows(inbox)) == ids(store.inbox.page(inbox.filter, 0, 500))
            assert SORT_WORDS[inbox.filter.sort] in counts_bar(screen)
        assert seen == [("oldest", 150), ("overdue", 149), ("newest", 1)]


async def test_c_groups_a_conversation_and_e_and_u_act_on_all_of_it(store):
    thread(store, [2, 5, 8])
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        await pilot.press("c")
        await settle(app, pilot)
        assert inbox.filter.grouped and inbox.total == 148
        listed = ids(all_rows(inbox))
        assert listed.count(2) == 1 and 5 not in listed and 8 not in listed
        index = listed.index(2)
        assert index == 1
        assert "[3]" in inbox.render_line(index).text
        assert "[" not in inbox.render_line(0).text  # an item alone has no count
        assert "by conversation" in counts_bar(screen)
        await pilot.press("j")
        assert inbox.current_row["id"] == 2
        assert "3 items in this conversation" in preview(screen)
        await pilot.press("e")
        await settle(app, pilot)
        assert [store.inbox.get(i)["state"] for i in (2, 5, 8)] == ["done"] * 3
        assert inbox.total == 147 and 2 not in ids(all_rows(inbox))
        await pilot.press("u")
        await settle(app, pilot)
        assert [store.inbox.get(i)["state"] for i in (2, 5, 8)] == ["new"] * 3
        assert inbox.total == 148
        await pilot.press("c")  # back to one row per item
        await settle(app, pilot)
        assert not inbox.filter.grouped and inbox.total == 150
        assert "[3]" not in inbox.render_line(1).text



async def test_e_deep_in_a_counted_list_stays_on_the_next_row(store):
    thread(store, [2, 5, 8])  # grouped: 148 rows, counted in a thread
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        await pilot.press("c")
        await settle(app, pilot)
        inbox.cursor = 119  # (120 presses of j cost seconds)
        await pilot.press("j")
        assert inbox.cursor == 120
        following = inbox.row_at(121)["id"]
        await pilot.press("e")
        await settle(app, pilot)
        assert inbox.total == 147
        assert inbox.cursor == 120 and inbox.current_row["id"] == following


async def test_a_grouped_search_finds_an_older_item_of_a_conversation(store):
    thread(store, [2, 5, 8])  # es, en, sl: only item 5 says "notes"
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        await pilot.press("c")
        await search_for(app, pilot, "notes")
        assert inbox.filter.grouped and inbox.filter.search == "notes"
        assert 5 in ids(all_rows(inbox))


# -- 5. response-target badges and the overdue count ---------------------------------------------------------
@pytest.mark.parametrize("minutes, first_badge, late_row, late_badge, late_words", [
    (120, "◷1h", 4, "▲33m", "33 min past the 2 h response target"),  # id 5: 153 min old
    (60, "◷55m", 2, "▲19m", "19 min past the 1 h response target"),  # id 3: 79 min old
])
async def test_badges_preview_and_overdue_count_follow_the_target(store, minutes, first_badge, late_row,
                                                                  late_badge, late_words):
    store.conn.execute("DELETE FROM moderation_flags WHERE item_id = 3")  # flagged rows: see the test below
    app = make_app(store, response_target_minutes=minutes)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        first = inbox.render_line(0).text
        assert first_badge in first and "▲" not in first
        assert f"answer within {minutes - 5 if minutes < 120 else '1 h 55'}" in preview(screen)
        before_late = inbox.render_line(late_row - 1).text
        assert "◷" in before_late and "▲" not in before_late
        late = inbox.render_line(late_row).text
        assert late_badge in late and "◷" not in late
        for _ in range(late_row):
            await pilot.press("j")
        assert late_words in preview(screen)
        cutoff = iso(NOW - timedelta(minutes=minutes))
        overdue = store.inbox.overdue_count(cutoff)
        flagged = sum(store.inbox.get(i)["created_at"] < cutoff for i in (8, 15))  # moderated: not overdue
        assert overdue == 150 - late_row - flagged
        status = shown(screen.query_one(StatusLine))
        assert f"{overdue} overdue" in status


async def test_a_flagged_item_is_never_late(store):
    # Item 3 (the third row, 79 min old, flagged as spam) is past a 1 h target: no red badge, its age.
    app = make_app(store, response_target_minutes=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        inbox = app.screen.query_one(InboxList)
        line = inbox.render_line(2).text
        assert inbox.row_at(2)["id"] == 3 and "▲" not in line and "◷" not in line
        assert "▲" in inbox.render_line(3).text  # item 4, not flagged, is late
        await pilot.press("j", "j")
        await pilot.pause()
        assert inbox.current_row["id"] == 3 and "past the" not in preview(app.screen)
        await pilot.press("j")
        await pilot.pause()
        assert "past the" in preview(app.screen)


async def test_a_done_item_shows_its_age_not_a_badge(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        await search_for(app, pilot, "state:done")
        line = inbox.render_line(0).text
        assert "◷" not in line and "▲" not in line
        assert "answer within" not in preview(app.screen) and "past the" not in preview(app.screen)


# -- 6. the composer --------------------------------------------------------------------------------------------
async def test_the_composer_defaults_to_the_items_language_and_visibility(store):
    store.conn.execute("UPDATE inbox_items SET visibility = 'direct' WHERE id = 3")  # a direct message, in fr
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("j", "j", "r")
        await pilot.pause()
        assert screen.composer.item["id"] == 3
        assert screen.query_one("#composer-language", Select).value == "fr"
        assert screen.query_one("#composer-visibility", Select).value == "direct"
        await pilot.press("escape", "escape", "k", "k", "r")  # item 1: en, public
        await pilot.pause()
        assert screen.composer.item["id"] == 1
        assert screen.query_one("#composer-language", Select).value == "en"
        assert screen.query_one("#composer-visibility", Select).value == "public"


async def test_changed_language_and_visibility_are_queued_with_the_reply(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("r")
        await pilot.pause()
        screen.query_one("#composer-language", Select).value = "es"
        screen.query_one("#composer-visibility", Select).value = "unlisted"
        await pilot.pause()
        await pilot.press(*"hola", "ctrl+s")
        await pilot.pause()
        assert not composing(screen)
        [op] = store.outbox.for_item(1)
        payload = loads(op["payload"], {})
        assert payload["language"] == "es" and payload["visibility"] == "unlisted"
        assert payload["text"] == "@user0@fedi.example hola"


async def test_ctrl_t_inserts_a_saved_reply_with_its_variables_filled_in(store):
    store.conn.execute("UPDATE inbox_items SET author_name = 'Ana García' WHERE id = 1")
    store.replies.add("Thanks", "en", "Hi {first_name}, thanks for writing to {account}! ({author})")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SavedRepliesDialog) and dialog.pick and dialog.language == "en"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        area = screen.query_one("#composer-text", TextArea)
        expected = "Hi Ana, thanks for writing to tidewater_es! (@user0@fedi.example)"
        assert area.text == expected and area.has_focus
        assert store.drafts.get("reply:1", Settings().username) == expected
        # esc in the dialog inserts nothing.
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and area.text == expected


async def test_a_failed_reply_is_edited_and_retried_as_the_same_operation(store):
    op_id = queue_reply(store, 1, "a first, far too long try")
    key = store.outbox.get(op_id)["idempotency_key"]
    store.outbox.fail(op_id, "422 text too long")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        text = preview(screen)
        assert "reply failed" in text and "422 text too long" in text and "r edits and retries" in text
        await pilot.press("r")
        await pilot.pause()
        area = screen.query_one("#composer-text", TextArea)
        assert area.text == "@user0@fedi.example a first, far too long try"
        title = shown(screen.query_one("#composer-title"))
        assert "editing the failed reply" in title and "422 text too long" in title
        area.load_text("@user0@fedi.example shorter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not composing(screen)
        [op] = store.outbox.for_item(1)  # no second operation
        assert op["id"] == op_id and op["state"] == "pending" and op["last_error"] is None
        assert loads(op["payload"], {})["text"] == "@user0@fedi.example shorter"
        assert op["idempotency_key"] != key and op["attempts"] == 0
        assert "reply pending" in preview(screen) and "failed" not in preview(screen)


# -- 7. ctrl+e: the reply in $EDITOR ---------------------------------------------------------------------------
async def test_ctrl_e_in_the_list_writes_the_reply_in_the_editor(store, monkeypatch):
    import cmtui.tui.external_editor as external_editor

    given = []
    monkeypatch.setattr(external_editor, "edit_in_editor",
                        lambda app, text: given.append(text) or "written in the editor\n")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.pause()
        assert composing(screen)
        assert given == ["@user0@fedi.example "]  # the editor starts from the composer's text
        area = screen.query_one("#composer-text", TextArea)
        assert area.text == "written in the editor" and area.has_focus
        assert store.drafts.get("reply:1", Settings().username) == "written in the editor"


async def test_an_editor_that_cannot_start_is_reported_and_changes_nothing(store, monkeypatch):
    import cmtui.tui.external_editor as external_editor

    def broken(app, text):
        raise external_editor.EditorError("could not start editor 'nano': not found")

    monkeypatch.setattr(external_editor, "edit_in_editor", broken)
    app = make_app(store, cls=RecordingApp)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.pause()
        assert composing(screen)
        assert screen.query_one("#composer-text", TextArea).text == "@user0@fedi.example "
        assert [n["severity"] for n in app.notes if "could not start editor 'nano'" in n["message"]] == ["error"]
        assert store.drafts.get("reply:1", Settings().username) is None


async def test_ctrl_e_while_typing_in_the_composer_opens_the_editor(store, monkeypatch):
    """The composer's status line offers ctrl+e for $EDITOR while the text area has focus."""
    import cmtui.tui.external_editor as external_editor

    monkeypatch.setattr(external_editor, "edit_in_editor", lambda app, text: text + "and more\n")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("r")
        await pilot.pause()
        area = screen.query_one("#composer-text", TextArea)
        assert area.has_focus and "ctrl+e $EDITOR" in shown(screen.query_one("#composer-status"))
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert area.text == "@user0@fedi.example and more"


# -- 8. the thread pane -------------------------------------------------------------------------------------------
async def test_enter_opens_the_thread_e_decides_and_esc_closes(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        await pilot.press("enter")
        await pilot.pause()
        assert threading_(screen) and screen.query_one("#thread-posts").has_focus
        assert screen.thread_pane.item["id"] == 1
        await pilot.press("e")  # done, and back to the list on the next item
        await pilot.pause()
        assert store.inbox.get(1)["state"] == "done"
        assert not threading_(screen) and inbox.has_focus
        assert inbox.total == 149 and inbox.current_row["id"] == 2
        await pilot.press("enter")
        await pilot.pause()
        assert screen.thread_pane.item["id"] == 2
        await pilot.press("escape")
        await pilot.pause()
        assert not threading_(screen) and inbox.has_focus
        assert store.inbox.get(2)["state"] == "new" and inbox.total == 149


# -- 9. R: the saved replies, to manage ---------------------------------------------------------------------------
async def test_capital_r_opens_the_saved_replies_to_manage(store):
    store.replies.add("Thanks", "es", "¡Gracias, {first_name}!")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("j", "R")  # item 2 is in es
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SavedRepliesDialog) and not dialog.pick and dialog.language == "es"
        assert "Saved replies" in " ".join(shown(s) for s in dialog.query("Static"))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not composing(screen)
