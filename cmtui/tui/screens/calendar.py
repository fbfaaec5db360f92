"""Calendar mode: the content plan as an agenda, by day."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cmtui.model import iso, parse_iso
from cmtui.text import first_line
from cmtui.tui.screens.base import ModeScreen

STATUS_STYLE = {
    "idea": "dim", "draft": "white", "needs_approval": "yellow", "approved": "cyan",
    "scheduled": "blue", "published": "green", "failed": "bold red", "cancelled": "dim strike",
}
PAST_DAYS = 7
AHEAD_DAYS = 45


class CalendarScreen(ModeScreen):
    TITLE_SUFFIX = "Calendar"

    def compose_body(self) -> ComposeResult:
        yield Static(id="calendar-summary")
        yield OptionList(id="agenda")
        yield Static(id="entry-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.load()
        self.query_one("#agenda", OptionList).focus()

    def load(self) -> None:
        tz = self.app.settings.tzinfo()
        now = self.app.now().astimezone(tz)
        start = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=PAST_DAYS)
        rows = self.store.calendar.between(iso(start), iso(start + timedelta(days=PAST_DAYS + AHEAD_DAYS)),
                                           include_undated=True)
        self._rows = {}
        self._account_width = max((len(a.name) for a in self.store.accounts.list()), default=8)
        agenda = self.query_one("#agenda", OptionList)
        agenda.clear_options()
        options: list[Option | None] = []
        day = None
        highlight = None
        for row in rows:
            when = parse_iso(row["scheduled_at"] or row["published_at"])
            label = when.astimezone(tz).strftime("%A %d %B %Y") if when else "Unscheduled ideas and drafts"
            if label != day:
                day = label
                is_today = when is not None and when.astimezone(tz).date() == now.date()
                options.append(Option(Text(label + ("  · today" if is_today else ""), style="bold underline"),
                                      disabled=True))
            if highlight is None and when is not None and when >= now:
                highlight = len(options)
            options.append(Option(self._line(row, tz), id=str(row["id"])))
            self._rows[str(row["id"])] = row
        agenda.add_options(options)
        if highlight is not None:
            agenda.highlighted = highlight
        counts = self.store.calendar.status_counts()
        summary = Text(no_wrap=True)
        for status in STATUS_STYLE:
            if counts.get(status):
                summary.append(f" {status.replace('_', ' ')} ", style=STATUS_STYLE[status])
                summary.append(f"{counts[status]} ")
        summary.append(f"│ agenda from {PAST_DAYS} days ago to {AHEAD_DAYS} days ahead", style="dim")
        self.query_one("#calendar-summary", Static).update(summary)

    def _line(self, row, tz) -> Text:
        when = parse_iso(row["scheduled_at"] or row["published_at"])
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"  {when.astimezone(tz).strftime('%H:%M') if when else '     '}  ")
        text.append(f"{row['status'].replace('_', ' '):<14}", style=STATUS_STYLE.get(row["status"], ""))
        text.append(f"{(row['account'] or '-'):<{self._account_width}} ", style="dim")
        if row["campaign"]:
            text.append(f"[{row['campaign']}] ", style=row["campaign_color"] or "magenta")
        if row["rrule"]:
            text.append("↻ ", style="bold")
        text.append(first_line(row["text"]))
        return text

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        row = self._rows.get(event.option.id or "")
        detail = Text()
        if row is not None:
            detail.append(f"{row['status'].replace('_', ' ')}", style=STATUS_STYLE.get(row["status"], ""))
            detail.append(f" · {row['account'] or 'no account'} · {row['language'] or '?'}", style="dim")
            if row["last_error"]:
                detail.append(f"\nerror: {row['last_error']}", style="red")
            if row["notes"]:
                detail.append(f"\nnote: {row['notes']}", style="italic dim")
            detail.append("\n\n" + row["text"])
        self.query_one("#entry-detail", Static).update(detail)
