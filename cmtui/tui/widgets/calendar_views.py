"""The calendar's month grid and week (hour rows), drawn line by line (Line API) from a
day → occurrences map the screen hands over: moving the day cursor repaints without a
query, and a new month costs one indexed read."""

from __future__ import annotations

from datetime import date, time, tzinfo

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import OptionList

from cmtui import l10n
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.planning.conflicts import Conflicts
from cmtui.text import fit, one_line
from cmtui.tui.widgets.conflict_marks import CHIP_STYLE, MARK

STATUS_COLOR = {
    "idea": "grey50", "draft": "white", "needs_approval": "yellow", "approved": "cyan",
    "scheduled": "dodger_blue1", "published": "green", "failed": "bold red", "cancelled": "grey42",
}
FIRST_HOUR = 6  # the week view's rows: earlier times share the first row


def visibility_name(visibility: str) -> str:
    """A post's visibility as shown (the stored value and the platform's word stay as they are)."""
    names = {
        "public": pgettext("visibility", "public"),
        "unlisted": pgettext("visibility", "unlisted"),
        "private": pgettext("visibility", "private"),
        "direct": pgettext("visibility", "direct"),
    }
    return names.get(visibility, visibility)


def weekday_labels(weekdays: list[int], width: int) -> list[str]:
    """The weekdays' names (Monday 0) as column headings: Babel's abbreviated names when the
    longest fits in width cells, else its short ones, else the narrow ones."""
    for form in ("abbreviated", "short"):
        names = [l10n.weekday_name(day, form) for day in weekdays]
        if max(len(name) for name in names) <= width:
            return names
    return [l10n.weekday_name(day, "narrow") for day in weekdays]


def chip_style(occurrence) -> Style:
    style = Style.parse(STATUS_COLOR.get(occurrence.entry["status"], "white"))
    if occurrence.skipped or occurrence.entry["status"] == "cancelled":
        style += Style(strike=True, dim=True)
    return style


def chip_text(occurrence, tz: tzinfo, with_time: bool = True) -> str:
    """'09:30 ↻ Tips for note takers': time, a mark for a series, the first words."""
    mark = "↻ " if occurrence.is_recurring else ""
    when = l10n.clock(occurrence.at.astimezone(tz)) + " " if with_time else ""
    return f"{when}{mark}{one_line(occurrence.entry['text'][:200])}"


def chip_segments(text: str, width: int, style: Style, marked: bool) -> list[Segment]:
    """A chip of exactly width cells: ' ⚠ 09:30 …' with the mark in its own colour when the
    entry conflicts with another post of its account."""
    if not marked or width < 3:
        return [Segment(fit(" " + text, width), style)]
    return [Segment(" ", style), Segment(MARK, style + CHIP_STYLE), Segment(fit(" " + text, width - 2), style)]


def columns(width: int, count: int = 7) -> list[int]:
    """Widths of count columns filling width, the remainder spread over the first ones."""
    base, extra = divmod(max(count, width), count)
    return [base + (1 if n < extra else 0) for n in range(count)]


class CalendarGrid(Widget, can_focus=True):
    """What the month and week views share: data, cursor, base styles."""

    DEFAULT_CSS = """
    CalendarGrid { height: 1fr; background: $surface; }
    """
    COMPONENT_CLASSES = {"grid--header", "grid--cursor", "grid--today", "grid--other", "grid--rule", "grid--daynum"}

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.days: dict[date, list] = {}
        self.cursor: date = date.today()
        self.today: date = date.today()
        self.hour = 9
        self.tz = None
        self.conflicts = Conflicts()  # the screen sets it with the days

    def show(self, days: dict[date, list], cursor: date, today: date, tz: tzinfo, hour: int | None = None) -> None:
        self.days, self.cursor, self.today, self.tz = days, cursor, today, tz
        if hour is not None:
            self.hour = hour
        self.refresh()

    def _styles(self) -> dict[str, Style]:
        c = self.get_component_rich_style
        base = self.rich_style
        return {"base": base, "header": base + c("grid--header"), "cursor": base + c("grid--cursor"),
                "today": base + c("grid--today"), "other": base + c("grid--other"), "rule": base + c("grid--rule"),
                "daynum": base + c("grid--daynum")}


class MonthView(CalendarGrid):
    """Six weeks of seven days; each day its number and its entries as coloured chips."""

    DEFAULT_CSS = """
    MonthView > .grid--header { text-style: bold; color: $text-muted; }
    MonthView > .grid--cursor { background: $accent 50%; text-style: bold; }
    MonthView > .grid--today { color: $warning; text-style: bold reverse; }
    MonthView > .grid--other { color: $text-disabled; }
    MonthView > .grid--rule { color: $primary 40%; }
    MonthView > .grid--daynum { background: $boost; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.weeks: list[list[date]] = []

    def show_month(self, weeks, days, cursor, today, tz) -> None:
        if weeks == self.weeks and days is self.days and today == self.today and self.size.height >= 7:
            # Only the cursor moved: repaint the (one or two) weeks it left and entered.
            old, self.cursor = self.cursor, cursor
            blocks = self._blocks()
            for day in {old, cursor}:
                week = next((n for n, dates in enumerate(weeks) if day in dates), None)
                if week is not None:
                    top, height = blocks[week]
                    self.refresh(Region(0, top, self.size.width, height))
            return
        self.weeks = weeks
        self.show(days, cursor, today, tz)

    def _blocks(self) -> list[tuple[int, int]]:
        """(first line, height) of each of the six weeks: the lines under the header shared
        out, the first weeks taking one more when they do not divide evenly. Under 12 lines a
        week is its day numbers and counts on one line (the day list below has the entries);
        under 6, the weeks around the cursor's, and the last line says what is hidden."""
        lines = self.size.height - 1
        if lines >= 6:
            base, extra = divmod(lines, 6)
            blocks, top = [], 1
            for week in range(6):
                height = base + (week < extra)
                blocks.append((top, height))
                top += height
            return blocks
        shown = max(1, lines - 1)
        first = self._first_shown(shown)
        return [(1 + week - first, 1) if first <= week < first + shown else (0, 0) for week in range(6)]

    def _first_shown(self, shown: int) -> int:
        week = next((n for n, dates in enumerate(self.weeks) if self.cursor in dates), 0)
        return min(max(0, week - shown + 1), 6 - shown)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        st = self._styles()
        widths = columns(width)
        if not self.weeks:
            return Strip.blank(width, st["base"])
        if y == 0:  # the locale's week: Sunday first in the United States
            names = weekday_labels([day.weekday() for day in self.weeks[0]], min(widths) - 1)
            return Strip([Segment(fit(" " + name, w), st["header"]) for name, w in zip(names, widths)])
        lines = self.size.height - 1
        if lines < 6 and y == self.size.height - 1 and lines > 1:
            first = self._first_shown(lines - 1)
            hint = " " + _("weeks {first}–{last} of 6 shown (j/k move a week; a taller window shows the whole month)"
                           ).format(first=first + 1, last=first + lines - 1)
            return Strip([Segment(fit(hint, width), st["other"])])
        found = next(((n, y - top, height) for n, (top, height) in enumerate(self._blocks())
                      if top <= y < top + height), None)
        if found is None:
            return Strip.blank(width, st["base"])
        week, line, block = found
        month = self.cursor.month
        segments = []
        for day, w in zip(self.weeks[week], widths):
            inner = w - 1  # one cell of rule between days
            cell_style = st["cursor"] if day == self.cursor else st["base"]
            ruled = block >= 5  # a rule under each week only when there is room for it
            if ruled and line == block - 1:
                segments.append(Segment("─" * w, st["rule"]))
                continue
            if line == 0:
                number = f"{day.day:>2}"
                head = cell_style if day == self.cursor else st["daynum"]
                style = st["today"] if day == self.today else st["other"] if day.month != month else st["header"]
                segments.append(Segment(" ", head))
                segments.append(Segment(number, head + style))
                count = len(self.days.get(day, ()))
                label = f" · {count}" if count and inner > 8 else ""
                if self.conflicts.day(day) and inner - 5 >= len(label):  # over the day's maximum for an account
                    segments += [Segment(label, head), Segment(f" {MARK}", head + CHIP_STYLE),
                                 Segment(" " * (inner - 5 - len(label)), head)]
                else:
                    segments.append(Segment(fit(label, inner - 3), head))
            else:
                items = self.days.get(day, [])
                rows = block - (2 if ruled else 1)
                index = line - 1
                more = len(items) > rows and rows >= 2  # with one row, the day's count says it
                if index < len(items) and not (more and index == rows - 1):
                    occurrence = items[index]
                    segments += chip_segments(chip_text(occurrence, self.tz), inner,
                                              cell_style + chip_style(occurrence), self.conflicts.marked(occurrence))
                elif more and index == rows - 1:
                    hidden = len(items) - rows + 1
                    more_text = " " + ngettext("+{n} more", "+{n} more", hidden).format(n=l10n.number(hidden))
                    segments.append(Segment(fit(more_text, inner), cell_style + st["other"]))
                else:
                    segments.append(Segment(" " * inner, cell_style))
            segments.append(Segment("│", st["rule"]))
        return Strip(segments).crop(0, width)


class WeekView(CalendarGrid):
    """Seven days side by side, a row per hour from FIRST_HOUR (earlier times in that row)."""

    DEFAULT_CSS = """
    WeekView > .grid--header { text-style: bold; color: $text-muted; }
    WeekView > .grid--cursor { background: $accent 50%; text-style: bold; }
    WeekView > .grid--today { color: $warning; text-style: bold; }
    WeekView > .grid--other { color: $text-disabled; }
    WeekView > .grid--rule { color: $primary 40%; }
    """
    GUTTER = 6

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.week: list[date] = []

    def show_week(self, week, days, cursor, today, tz, hour: int) -> None:
        self.week = week
        self.show(days, cursor, today, tz, hour)

    def _at(self, day: date, hour: int) -> list:
        row_of = lambda o: max(FIRST_HOUR, o.at.astimezone(self.tz).hour)  # noqa: E731
        return [o for o in self.days.get(day, ()) if row_of(o) == hour]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        st = self._styles()
        widths = columns(width - self.GUTTER)
        if not self.week:
            return Strip.blank(width, st["base"])
        if y == 0:
            segments = [Segment(" " * self.GUTTER, st["header"])]
            names = weekday_labels([day.weekday() for day in self.week], min(widths) - 4)
            for day, w, name in zip(self.week, widths, names):
                label = f" {name} {day.day:>2}"
                style = st["today"] if day == self.today else st["header"]
                if self.conflicts.day(day) and w >= len(label) + 2:  # over the day's maximum for an account
                    segments += [Segment(label + " ", style), Segment(MARK, style + CHIP_STYLE)]
                    segments.append(Segment(fit("", max(0, w - len(label) - 2)), style))
                    continue
                segments.append(Segment(fit(label, w), style))
            return Strip(segments).crop(0, width)
        hour = FIRST_HOUR + y - 1
        if hour > 23:
            return Strip.blank(width, st["base"])
        label = l10n.clock(time(hour)) + " " if hour > FIRST_HOUR else f"≤{FIRST_HOUR:02d}h "
        segments = [Segment(fit(label, self.GUTTER), st["other"])]
        for day, w in zip(self.week, widths):
            cell_style = st["cursor"] if (day == self.cursor and hour == self.hour) else st["base"]
            items = self._at(day, hour)
            marked = False
            if not items:
                text, style = "", cell_style
            else:
                marked = any(self.conflicts.marked(o) for o in items)
                # The gutter already says the hour: a post on the hour shows no time of its own.
                local = items[0].at.astimezone(self.tz)
                text = chip_text(items[0], self.tz, with_time=(local.hour, local.minute) != (hour, 0))
                if len(items) > 1:
                    text = f"+{len(items) - 1} " + text
                style = cell_style + chip_style(items[0])
            segments += chip_segments(text, w - 1, style, marked)
            segments.append(Segment("│", st["rule"]))
        return Strip(segments).crop(0, width)


class EntryList(OptionList):
    """The entries of a day (or the agenda): j/k move like everywhere else."""

    BINDINGS = [
        Binding("j", "cursor_down", N_("Down"), show=False, id="calendar.entry_down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="calendar.entry_up"),
    ]


def view_name(view: str) -> str:
    names = {"month": pgettext("calendar view", "month"), "week": pgettext("calendar view", "week"),
             "agenda": pgettext("calendar view", "agenda")}
    return names.get(view, view)
