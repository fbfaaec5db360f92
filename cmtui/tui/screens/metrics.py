"""Metrics mode: headline figures and goals."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, ProgressBar, Sparkline, Static

from cmtui.metrics import followers_summary, goal_progress, response_summary
from cmtui.model import iso
from cmtui.tui.screens.base import ModeScreen

RANGE_DAYS = 30


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


class MetricsScreen(ModeScreen):
    TITLE_SUFFIX = "Metrics"

    def compose_body(self) -> ComposeResult:
        now = self.app.now()
        target = self.app.settings.response_target_minutes
        with VerticalScroll(id="metrics"):
            yield Label(f"Last {RANGE_DAYS} days", classes="section-title")
            with Horizontal(id="headline"):
                for name, data in followers_summary(self.store, RANGE_DAYS, now).items():
                    with Vertical(classes="figure"):
                        yield Static(self._followers_text(name, data))
                        yield Sparkline([d["followers"] for d in data["daily"]] or [0], classes="followers-spark")
                response = response_summary(self.store, RANGE_DAYS, now)
                overdue = self.store.metrics.overdue(iso(now.replace(microsecond=0) - _minutes(target)))
                yield Static(self._response_text(response, overdue, target), classes="figure")
                yield Static(self._inbox_text(), classes="figure")
            yield Label("Goals", classes="section-title")
            goals = goal_progress(self.store, now)
            if not goals:
                yield Static(Text("No goals yet.", style="dim"))
            for goal in goals:
                with Horizontal(classes="goal"):
                    yield Static(self._goal_text(goal), classes="goal-text")
                    bar = ProgressBar(total=100, show_eta=False, classes="goal-bar")
                    bar.progress = round(goal.progress * 100)
                    yield bar

    def _followers_text(self, name: str, data: dict) -> Text:
        text = Text()
        text.append(f"{name}\n", style="bold")
        if data["current"] is None:
            text.append("no follower data yet", style="dim")
            return text
        text.append(f"{data['current']:,} followers")
        if data["change"] is not None:
            style = "green" if data["change"] >= 0 else "red"
            text.append(f"  {data['change']:+,}", style=style)
        return text

    def _response_text(self, response: dict, overdue: int, target: int) -> Text:
        text = Text()
        text.append("Response\n", style="bold")
        text.append(f"median {duration(response['median_seconds'])} · p90 {duration(response['p90_seconds'])}\n")
        rate = response["rate"]
        text.append(f"answered {'–' if rate is None else f'{rate:.0%}'} of {response['arrived']:,}\n")
        text.append(f"{overdue:,} over the {target} min target", style="bold red" if overdue else "green")
        return text

    def _inbox_text(self) -> Text:
        counts = self.store.inbox.state_counts()
        text = Text()
        text.append("Inbox\n", style="bold")
        text.append(f"{counts['new']:,} new · {counts['open']:,} open\n")
        text.append(f"{counts['snoozed']:,} snoozed · {counts['done']:,} done\n", style="dim")
        text.append(f"{self.store.moderation.open_count():,} flagged for review")
        return text

    def _goal_text(self, goal) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(goal.name, style="bold")
        current = "not enough data yet" if goal.current is None else f"{goal.current:,.1f}"
        text.append(f"  now {current} · target {goal.target:,g} · by {goal.due_date}", style="dim")
        return text


def _minutes(n: int):
    from datetime import timedelta

    return timedelta(minutes=n)
