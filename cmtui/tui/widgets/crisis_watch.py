"""The crisis watch behind the status line's "crisis: mentions ×4" marker, on every screen.

The crisis part of the metrics alone (~30 ms on a million items: kept day totals and the
flags of four weeks), in a worker thread on a read-only store, first a couple of seconds
after start-up, then after a sync change at most once a minute (a change within the minute
waits for the minute's end), and with nothing new every RECHECK seconds on the app's clock:
the 24 hours move on, and a spike leaves them slowly."""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.i18n import N_, _
from cmtui.tui.background import read_in_thread

if TYPE_CHECKING:
    from cmtui.store import Store

MIN_INTERVAL = 60.0
RECHECK = 5 * 60.0
FIRST_CHECK = 2.0  # after the first frame and the first keys: start-up is not slowed


# The crisis watch's series (values of the metrics data) in a word, as the marker and card show them.
SERIES_SHORT = {"flagged": N_("flagged"), "negative": N_("negative"), "mentions": N_("mentions")}


def series_short(series: str) -> str:
    return _(SERIES_SHORT[series]) if series in SERIES_SHORT else series


def crisis_ratio(series: dict) -> str:
    """×4: the last 24 h against the usual day (its baseline mean, at least 1)."""
    return "×" + l10n.number(round(series["value"] / max(series["baseline_mean"], 1.0)))


def crisis_marker(crisis: dict | None) -> str | None:
    """"crisis: mentions ×4" while a series is in alert, else None."""
    if not crisis or crisis.get("status") != "alert":
        return None
    # i18n: the status line's marker while a series spikes: "crisis: mentions ×4"
    return _("crisis: {series}").format(series=", ".join(f"{series_short(s['series'])} {crisis_ratio(s)}"
                                                          for s in crisis["series"] if s["alert"]))


def check(store: Store, now) -> str | None:
    from cmtui.metrics.crisis import crisis
    from cmtui.metrics.window import window

    return crisis_marker(crisis(store, window(store, 30, None, now)))


class CrisisWatch:
    def __init__(self, app):
        self.app = app
        self.marker: str | None = None
        self.checks = 0  # how many checks ran (tests read it)
        self._last = float("-inf")
        self._pending = None

    def start(self) -> None:
        self.app.set_timer(FIRST_CHECK, self.request)

    def clock_tick(self) -> None:
        """The app's clock (each minute): a check if the last is RECHECK seconds old."""
        if time.monotonic() - self._last >= RECHECK - 1.0:  # (a tick a little early counts)
            self.request()

    def request(self) -> None:
        """Check now, or at the end of the minute since the last check (once)."""
        elapsed = time.monotonic() - self._last
        if elapsed >= MIN_INTERVAL:
            self.run()
        elif self._pending is None:
            self._pending = self.app.set_timer(MIN_INTERVAL - elapsed, self.run)

    def run(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        self._last = time.monotonic()
        self.checks += 1
        now = self.app.now()
        reader = self.app.store.reader()
        if reader is None:  # an in-memory store: small, checked here
            self._done(check(self.app.store, now))
            return
        read_in_thread(self.app, reader, partial(check, now=now), self._done, group="crisis")

    def _done(self, marker: str | None) -> None:
        if marker == self.marker:
            return
        self.marker = marker
        self.app.refresh_status_lines()
