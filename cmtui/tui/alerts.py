"""Ringing the alerts the watch finds (cmtui.triage.alerts): settings `alerts = "bell"` rings
the terminal's bell, `alerts = "desktop"` asks the desktop for a notification; both also show
a toast in the app.

Desktop notifications go through `notify-send` (libnotify) when it is on PATH. Textual has
no public way to write an escape sequence to the terminal (its driver is private), so the
terminals' own notifications (OSC 777 `notify`, OSC 9) are not used; without notify-send
the bell rings instead, said once.
"""

from __future__ import annotations

import html
import shutil
import sqlite3
import subprocess
from datetime import timedelta
from functools import partial

from textual.app import App

from cmtui.i18n import _
from cmtui.triage.alerts import Alert, AlertWatch, summary

BELL, DESKTOP = "bell", "desktop"
NOTIFIER = "notify-send"  # i18n: not shown (a program's name)


def _send(command: list[str]) -> None:
    """In a worker thread: the notifier is waited for, so no zombie is left."""
    try:
        subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        pass  # a desktop without a notification service: the toast and nothing more


class Alerts:
    """Started with the app when alerts are on (the marks seeded from the store then);
    check() after each change and on the app's 30 s timer."""

    def __init__(self, app: App):  # the CmtuiApp (its store, settings and now())
        self.app = app
        self.how = app.settings.alerts
        self.rung = 0  # alerts rung, for tests and the curious
        target = timedelta(minutes=app.settings.response_target_minutes)
        self.watch = AlertWatch(app.store, app.settings.username, target, app.now())
        self.notifier = shutil.which(NOTIFIER) if self.how == DESKTOP else None
        self._said_no_notifier = False

    def check(self) -> None:
        try:
            alerts = self.watch.check(self.app.now())
        except sqlite3.Error:  # a busy or closed store: the next look finds them
            return
        if alerts:
            self.ring(alerts)

    def ring(self, alerts: list[Alert]) -> None:
        line = summary(alerts)
        self.rung += len(alerts)
        # i18n: the title of an alert's toast
        self.app.notify(line, title=_("Alert"), markup=False, timeout=8)
        if self.how == DESKTOP and self.notifier:
            # The body is markup to notification daemons (links, images): remote text is escaped,
            # and "--" ends the options whatever the text starts with.
            body = html.escape(line, quote=False)
            self.app.run_worker(partial(_send, [self.notifier, "--app-name=cmtui", "--", "cmtui", body]),
                                thread=True, group="alerts", exit_on_error=False)
            return
        if self.how == DESKTOP and not self._said_no_notifier:
            self._said_no_notifier = True
            self.app.notify(_("Desktop notifications need {program}, not found: the bell rings instead.")
                            .format(program=NOTIFIER), severity="warning", markup=False, timeout=8)
        self.app.bell()
