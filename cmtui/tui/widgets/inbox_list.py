"""The inbox list: a Line API widget that reads only the rows it shows.

The store is asked for pages of PAGE_SIZE rows around what is visible (LIMIT/OFFSET over
an index); a small LRU keeps recent pages, so moving the cursor costs no query at all
inside a page and one indexed query when it crosses into a new one.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Callable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cmtui.i18n import N_, pgettext
from cmtui.model import ItemKind
from cmtui.store import InboxFilter
from cmtui.team import same_person
from cmtui.text import fit, one_line, short_duration
from cmtui.triage.response import badge, time_left

if TYPE_CHECKING:
    from cmtui.store import Store

PAGE_SIZE = 100
MAX_PAGES = 16
KIND_MARK = {ItemKind.MENTION: "@", ItemKind.REPLY: "↩", ItemKind.DIRECT: "✉", ItemKind.COMMENT: "#"}
STATE_MARK = {"new": "●", "open": "○", "snoozed": "z", "done": "✓"}
LIKED_MARK, SHARED_MARK = "♥", "↻"  # our own like and share of the item (queued or sent)
REPLYING_MARK = "✎"  # a teammate is writing a reply to it now (the preview names them)


def state_word(state: str) -> str:
    """An inbox item's state as shown (stored in English: new, open, snoozed, done)."""
    words = {"new": pgettext("inbox state", "new"), "open": pgettext("inbox state", "open"),
             "snoozed": pgettext("inbox state", "snoozed"), "done": pgettext("inbox state", "done")}
    return words.get(state, state)


def kind_word(kind: str) -> str:
    """An inbox item's kind as shown (stored in English: mention, reply, direct, comment)."""
    words = {"mention": pgettext("item kind", "mention"), "reply": pgettext("item kind", "reply"),
             "direct": pgettext("item kind", "direct message"), "comment": pgettext("item kind", "message")}
    return words.get(kind, kind)


def short_age(created_at: str, now: datetime) -> str:
    # i18n: the inbox list's age column for an item under a minute old: at most 5 characters
    return short_duration((now - datetime.fromisoformat(created_at.replace("Z", "+00:00"))).total_seconds(),
                          pgettext("age", "now"))


class InboxList(ScrollView, can_focus=True):
    """The unified inbox list, one row per item."""

    BINDINGS = [
        Binding("j,down", "cursor_down", N_("Down"), show=False, id="inbox.down"),
        Binding("k,up", "cursor_up", N_("Up"), show=False, id="inbox.up"),
        Binding("g,home", "first", N_("First"), show=False, id="inbox.first"),
        Binding("G,end", "last", N_("Last"), show=False, id="inbox.last"),
        Binding("pagedown,ctrl+f", "page_down", N_("Page down"), show=False, id="inbox.page_down"),
        Binding("pageup,ctrl+b", "page_up", N_("Page up"), show=False, id="inbox.page_up"),
    ]

    COMPONENT_CLASSES = {
        "inbox-list--cursor",
        "inbox-list--new",
        "inbox-list--dim",
        "inbox-list--author",
        "inbox-list--late",
        "inbox-list--due",
    }

    DEFAULT_CSS = """
    /* No scrollbar: on a list of a million rows its thumb is one cell and tells nothing,
       and it costs ~40 ms of start-up; the screen shows the position as 'n of N' instead. */
    InboxList { background: $surface; overflow-x: hidden; scrollbar-size-vertical: 0; }
    InboxList > .inbox-list--cursor { background: $accent 40%; }
    InboxList:focus > .inbox-list--cursor { background: $accent 70%; text-style: bold; }
    InboxList > .inbox-list--new { color: $warning; }
    InboxList > .inbox-list--dim { color: $text-muted; }
    InboxList > .inbox-list--author { color: $text-secondary; }
    InboxList > .inbox-list--late { color: $error; text-style: bold; }
    InboxList > .inbox-list--due { color: $success; }
    """

    # repaint=False: watch_cursor refreshes just the two rows that change.
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    def __init__(self, store: Store, clock: Callable[[], datetime], item_filter: InboxFilter = InboxFilter(),
                 *, on_highlight: Callable[[object], None] | None = None,
                 on_counted: Callable[[], None] | None = None,
                 response_target: timedelta = timedelta(hours=2),
                 name: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        # A direct call rather than a message: the preview then changes in the same frame as
        # the cursor (a message is handled after that frame, ~17 ms later at 60 fps).
        self.on_highlight = on_highlight
        self.on_counted = on_counted  # the exact total arrived from the counting thread
        self.response_target = response_target
        self.store = store
        self.clock = clock
        self.filter = item_filter
        self.total = 0
        self.counting = False  # total is provisional: the rows read so far, the count runs in a thread
        self._generation = 0  # bumped by every reload, so a late count for an old filter is dropped
        self._counter = None  # the counting thread's read-only store (interrupted when superseded)
        self._pages: OrderedDict[int, list] = OrderedDict()
        self.pages_read = 0  # how many page queries ran (tests check the list pages)
        self.account_width = 12
        self.account_names: dict[int, str] = {}
        self.place_names: dict[str, str] = {}  # place id -> name, for rows said in a place (not a direct chat)
        self.place_width = 0
        self.selected: set[int] = set()  # item ids picked with x for a bulk action
        self.replying: set[int] = set()  # items a teammate is replying to (one look at the small presence table)
        self._styles: dict[bool, dict[str, Style]] = {}
        self._strips: dict[tuple, Strip] = {}

    # -- data ---------------------------------------------------------------
    def reload(self, item_filter: InboxFilter | None = None, accounts_changed: bool = True) -> None:
        """Re-read the list and drop cached pages (after a filter change or new data).

        A list narrowed by anything but states shows its first page at once; its exact
        size is counted in a worker thread (100-500 ms on a million items), so typing a
        search never waits for the count."""
        if item_filter is not None:
            self.filter = item_filter
        self._generation += 1
        self._stop_counting()
        if accounts_changed or not self.account_names:  # (a triage decision changes no account)
            accounts = self.store.accounts.list()
            self.account_names = {a.id: a.name for a in accounts}
            self.place_names = {p.id: one_line(p.shown) for a in accounts for p in a.places if not p.direct}
            self.place_width = min(16, max(map(len, self.place_names.values()), default=0))
            self.account_width = max(4, min(16, max(map(len, self.account_names.values()), default=4)))
        self._pages.clear()
        self.replying = {row["item_id"] for row in self.store.presence.active(self.clock())
                         if not same_person(row["who"], self.app.settings.username)}
        reader = None if self.filter.only_states else self.store.reader()
        if reader is None:
            self.total = self.store.inbox.count(self.filter)
        else:
            first = self.store.inbox.page(self.filter, 0, PAGE_SIZE)
            self.pages_read += 1
            self._pages[0] = first
            self.total = len(first)
            if len(first) == PAGE_SIZE:
                self.counting = True
                self._counter = reader
                self.run_worker(partial(self._count, reader, self.filter, self._generation),
                                thread=True, exclusive=True, group="count", exit_on_error=False)
            else:
                reader.close()
        self._resized()
        while self.cursor >= self.total and self._extend():  # keep the cursor's row while counting
            pass
        self.cursor = min(self.cursor, max(0, self.total - 1))
        self.refresh()

    def _resized(self) -> None:
        size = Size(self.size.width, self.total)
        if size != self.virtual_size:
            # Without the reactive's layout pass: CSS fixes the list's height, so a new row
            # count changes nothing around it, and a full layout made e/u cost ~8 ms more.
            self.set_reactive(InboxList.virtual_size, size)
            if self.scroll_y > self.max_scroll_y:
                self.scroll_y = self.max_scroll_y
            self.refresh()

    def _count(self, reader: Store, item_filter: InboxFilter, generation: int) -> None:
        """In a worker thread: count the filter's rows on a connection of its own."""
        try:
            total = reader.inbox.count(item_filter)
        except sqlite3.OperationalError:  # interrupted: a newer filter replaced this one
            return
        finally:
            reader.close()
        self.app.call_from_thread(self._counted, generation, total)

    def _counted(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self.counting = False
        self._counter = None
        self.total = total
        self._resized()
        self.refresh()
        if self.on_counted is not None:
            self.on_counted()

    def _stop_counting(self) -> None:
        if self._counter is not None:
            self._counter.interrupt()
            self._counter = None
        self.counting = False

    def on_unmount(self) -> None:
        self._stop_counting()

    def _extend(self) -> bool:
        """While the count runs, moving past the rows read so far reads the next page."""
        if not self.counting:
            return False
        more = self.store.inbox.page(self.filter, self.total, PAGE_SIZE)
        if not more:
            return False
        if self.total % PAGE_SIZE == 0:
            self._pages[self.total // PAGE_SIZE] = more
        else:  # (cannot happen: a provisional total is whole pages) read it again in place
            self._pages.pop(self.total // PAGE_SIZE, None)
        self.total += len(more)
        self._resized()
        return True

    def row_at(self, index: int):
        if not 0 <= index < self.total:
            return None
        number = index // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            start = number * PAGE_SIZE
            end = min(start + PAGE_SIZE, self.total)
            if start > self.total // 2 and not self.filter.search and not self.counting:
                # Deep in the list: read from the other end, so OFFSET stays small.
                # (Not for a search, whose total is capped, nor an unfinished count.)
                reverse = self.filter.with_(backwards=not self.filter.backwards)
                page = self.store.inbox.page(reverse, self.total - end, end - start)[::-1]
            else:
                page = self.store.inbox.page(self.filter, start, PAGE_SIZE)
            self.pages_read += 1
            self._pages[number] = page
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        offset = index - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def toggle_selected(self) -> None:
        row = self.current_row
        if row is not None:
            self.selected ^= {row["id"]}
            self.refresh_line(self.cursor)

    def targets(self) -> list[int]:
        """The items an action applies to: the selection, else the item under the cursor;
        in a grouped list, every item of each chosen conversation."""
        if self.selected:
            chosen = sorted(self.selected)
        else:
            row = self.current_row
            chosen = [row["id"]] if row is not None else []
        if not self.filter.grouped:
            return chosen
        return sorted({member for item in chosen for member in self.store.inbox.group_members(item, self.filter)})

    def select_item(self, item_id: int) -> bool:
        """Put the cursor on an item if it is among the rows near the cursor."""
        return self.select_first([item_id])

    def nearby_ids(self, reach: int = 10) -> list[int]:
        """The highlighted item, then the rows after it, then those before it (nearest
        first): where the highlight should go after a re-read, in order of preference."""
        order = [self.cursor, *range(self.cursor + 1, self.cursor + 1 + reach),
                 *range(self.cursor - 1, max(-1, self.cursor - 1 - reach), -1)]
        return [row["id"] for row in map(self.row_at, order) if row is not None]

    def select_first(self, item_ids: list[int]) -> bool:
        """Put the cursor on the first of item_ids found among the rows near the cursor
        (half a page either way: at most one page more to read than the cursor's own)."""
        reach = PAGE_SIZE // 2
        while self.cursor + reach > self.total and self._extend():  # (while counting)
            pass
        where = {}
        for index in range(max(0, self.cursor - reach), min(self.total, self.cursor + reach)):
            row = self.row_at(index)
            if row is not None:
                where.setdefault(row["id"], index)
        for item_id in item_ids:
            if item_id in where:
                self.cursor = where[item_id]
                return True
        return False

    @property
    def current_row(self):
        return self.row_at(self.cursor)

    # -- rendering ----------------------------------------------------------
    def on_mount(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        self._resized()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def _row_styles(self, cursor: bool) -> dict[str, Style]:
        """The row's styles, computed once per theme (not once per line)."""
        styles = self._styles.get(cursor)
        if styles is None:
            base = self.rich_style
            component = self.get_component_rich_style
            # The cursor style goes on last, so its background covers every cell of the row.
            top = component("inbox-list--cursor") if cursor else Style()
            styles = self._styles[cursor] = {
                "text": base + top,
                "new": base + component("inbox-list--new") + top,
                "dim": base + component("inbox-list--dim") + top,
                "author": base + component("inbox-list--author") + top,
                "late": base + component("inbox-list--late") + top,
                "due": base + component("inbox-list--due") + top,
            }
        return styles

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        cursor = index == self.cursor
        now = self.clock()
        # The first column: time left to answer, or how late; the age once nothing is due.
        left = time_left(row, now, self.response_target)
        when = short_age(row["created_at"], now) if left is None else badge(left)
        picked = row["id"] in self.selected
        group = row["group_size"] if self.filter.grouped else 1
        marks = (LIKED_MARK if row["liked_at"] else " ") + (SHARED_MARK if row["shared_at"] else " ") + (
            REPLYING_MARK if row["id"] in self.replying else " ")
        key = (row["id"], row["state"], cursor, width, when, picked, group, marks)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        st = self._row_styles(cursor)
        cells = [
            (("▶" if picked else " ") + f"{STATE_MARK.get(row['state'], ' ')} ",
             st["new"] if row["state"] == "new" else st["text"]),
            (set_cell_size(when, 5) + " ",
             st["dim"] if left is None else st["late"] if left < 0 else st["due"]),
            (fit(row["account"], self.account_width) + " ", st["dim"]),
            (KIND_MARK.get(row["kind"], "?") + marks, st["text"]),
            (fit(one_line(row["author_name"] or row["author"]), 22) + " ", st["author"]),
        ]
        if group > 1:
            cells.append((f"[{group}] ", st["new"] if row["state"] == "new" else st["dim"]))
        place = self.place_names.get(row["place"]) if row["place"] else None
        if place:  # where it was said (a room), before what was said
            cells.append((fit(place, self.place_width) + " ", st["dim"]))
        used = sum(cell_len(text) for text, _ in cells)
        # Only the start of a long text can show: fold just that much.
        text = one_line(row["text"][: width * 4])
        cells.append((fit(text, max(0, width - used)), st["text"]))
        strip = Strip([Segment(text, style) for text, style in cells]).crop(0, width)
        if len(self._strips) > 400:
            self._strips.clear()
        self._strips[key] = strip
        return strip

    # -- cursor -------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        top = self.scroll_offset.y
        if not top <= new < top + self.size.height:  # scroll only when the cursor leaves the view
            self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)
        if self.on_highlight is not None:
            self.on_highlight(self.row_at(new))

    def _move(self, to: int) -> None:
        while to >= self.total and self._extend():
            pass
        if self.total:
            self.cursor = max(0, min(self.total - 1, to))

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(self.total - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        self._move(self.cursor - max(1, self.size.height - 1))

    def on_click(self, event) -> None:
        self._move(self.scroll_offset.y + event.y)
