"""CmtuiApp: five modes (Calendar, Inbox, Moderation, Metrics, Accounts) over one store.

The store and settings are injected through the constructor; screens read and write
the store and never touch the network.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import os
import sqlite3
import time
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from weakref import WeakKeyDictionary

from textual import events, work
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.binding import Binding
from textual.message import Message

from cmtui import l10n
from cmtui.i18n import N_, _
from cmtui.model import iso, parse_iso, utcnow
from cmtui.tui.commands import CmtuiCommands
from cmtui.tui.messages import DataChanged
from cmtui.sync.states import state_word as sync_state_word
from cmtui.tui.widgets.crisis_watch import CrisisWatch

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store
    from cmtui.tui.screens.metrics import Prefetch


def _inbox():
    from cmtui.tui.screens.inbox import InboxScreen

    return InboxScreen()


def _calendar():
    from cmtui.tui.screens.calendar import CalendarScreen

    return CalendarScreen()


def _moderation():
    from cmtui.tui.screens.moderation import ModerationScreen

    return ModerationScreen()


def _metrics():
    from cmtui.tui.screens.metrics import MetricsScreen

    return MetricsScreen()


def _accounts():
    from cmtui.tui.screens.accounts import AccountsScreen

    return AccountsScreen()


def _approvals():
    from cmtui.tui.screens.approvals import ApprovalsScreen

    return ApprovalsScreen()


def check_keymap(keymap: dict[str, str]) -> None:
    """Refuse a keymap that binds two actions to one key (or names no binding), before
    the app takes the terminal: raises ConfigError naming the settings file."""
    from cmtui.config import SETTINGS_FILE, config_dir, keymap_problem
    from cmtui.errors import ConfigError
    from cmtui.tui.keymap import default_bindings

    problem = keymap_problem(keymap, default_bindings())
    if problem:
        raise ConfigError(f"{config_dir() / SETTINGS_FILE}: {problem}")


def _takes_an_argument(callback: Callable) -> bool:
    """Whether a dialog's callback takes its result (lambda: ..., a method with no argument
    and an async callback are all accepted, as Textual's push_screen accepts them)."""
    try:
        parameters = inspect.signature(callback).parameters.values()
    except (TypeError, ValueError):  # no signature to read (a builtin): give it the result
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                  inspect.Parameter.VAR_POSITIONAL)
    return any(p.kind in positional for p in parameters)


METRICS_PREFETCH_AFTER = 3.0  # seconds after start-up: the first keys are not slowed
STORE_ERROR_RETRY_SECONDS = 60  # after the store refused a sync's writes
QUIET_DRIVER_TEXTUAL = "8.2."  # cmtui.tui.quiet_driver.COPIED_FROM (not imported unless used)
EXTERNAL_POLL_SECONDS = 1.0  # how soon another process's writes show on the screen
# The clock: snoozed items wake, the status line's overdue count and day move on, the crisis
# watch's 24 hours too. With the poll above, the only timers that run while nothing happens.
CLOCK_SECONDS = 60.0


class CmtuiPalette(CommandPalette):
    """Textual's command palette with its own words in the interface's language."""

    def __init__(self, *args, placeholder: str | None = None, **kwargs) -> None:
        super().__init__(*args, placeholder=placeholder or _("Search for commands…"), **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual says "No matches found" in English: the same countdown, in our words.
        from rich.align import Align
        from rich.text import Text
        from textual.command import CommandList
        from textual.widgets.option_list import Option

        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_("No matches found"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class CmtuiApp(App):
    TITLE = "cmtui"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    # Screens are imported when their mode is first opened, to keep start-up light.
    MODES = {"calendar": _calendar, "inbox": _inbox, "moderation": _moderation, "metrics": _metrics,
             "accounts": _accounts, "approvals": _approvals}
    DEFAULT_MODE = "inbox"
    COMMANDS = App.COMMANDS | {CmtuiCommands}

    BINDINGS = [
        Binding("1", "switch_mode('calendar')", N_("Calendar"), id="app.calendar"),
        Binding("2", "switch_mode('inbox')", N_("Inbox"), id="app.inbox"),
        Binding("3", "switch_mode('moderation')", N_("Moderation"), id="app.moderation"),
        Binding("4", "switch_mode('metrics')", N_("Metrics"), id="app.metrics"),
        # Not in the key bar (full at 120 columns); in help (?) and the palette.
        Binding("5", "switch_mode('accounts')", N_("Accounts"), id="app.accounts", show=False),
        # i18n: key bar: start a sync now (keep it short)
        Binding("ctrl+r", "sync_now", N_("Sync"), id="app.sync"),
        Binding("question_mark", "help", N_("Help"), id="app.help"),
        Binding("q", "quit", N_("Quit"), id="app.quit"),
    ]

    class SyncChanged(Message):
        """The sync engine changed something in the store (an account's state, new items)."""

    def __init__(self, store: Store, settings: Settings, *, clock: Callable[[], datetime] = utcnow, engine=None):
        # The first screen: CMTUI_OPEN=approvals (a browser session, `cmtui serve`) or another mode.
        self._opening = os.environ.get("CMTUI_OPEN", "").strip()
        # A browser session (`cmtui serve`): the approvals screen only, no sync, no other commands.
        self.served = os.environ.get("CMTUI_SERVED") == "1"
        if self.served:
            self._opening = "approvals"
            self.COMMANDS = App.COMMANDS  # the palette: get_system_commands only
        if self._opening in self.MODES:
            self.DEFAULT_MODE = self._opening
        self.approvals_back = "calendar"  # where esc goes from the approvals screen
        super().__init__()
        self.store = store
        self.settings = settings
        self.engine = engine  # None: no account can sync (no tokens), or the demo
        self._clock = clock
        self._tz = settings.tzinfo()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._account_errors: dict[str, str | None] = {}
        self._manual_pass = False  # the next pass was asked for with ctrl+r
        # Bumped on every change to the store made elsewhere (another process, the engine);
        # each screen remembers the last it showed, and catches up when it is shown again.
        self.store_version = 0
        self.clock_ticks = 0  # minutes of the app's clock (CLOCK_SECONDS) so far
        self._store_mark: tuple | None = None  # (data_version, own changes) when the screens last re-read
        self._seen: WeakKeyDictionary = WeakKeyDictionary()
        self.crisis_watch = CrisisWatch(self)  # the status line's crisis marker, checked after start-up
        self.metrics_prefetch: Prefetch | None = None  # set by a worker, taken by the Metrics mode
        if engine is not None:
            engine.on_change = lambda name: self.post_message(self.SyncChanged())
            engine.attention = self.attention  # the live feeds' short poll follows the person
        self._last_action = time.monotonic()  # the person's last key or click (attention)
        self._in_front = True  # False between the terminal's AppBlur and AppFocus
        self.alerts = None  # cmtui.tui.alerts.Alerts when settings.alerts is on
        if settings.keymap:
            check_keymap(settings.keymap)
            self.set_keymap(settings.keymap)

    def get_driver_class(self):
        """Textual's driver, but on Linux and macOS one whose input thread sleeps while no key
        comes (Textual's looks for input ten times a second)."""
        import textual
        from textual.drivers.linux_driver import LinuxDriver

        driver = super().get_driver_class()
        if driver is LinuxDriver and textual.__version__.startswith(QUIET_DRIVER_TEXTUAL):
            from cmtui.tui.quiet_driver import QuietLinuxDriver  # (a copy of that release's input thread)

            return QuietLinuxDriver
        return driver

    def on_mount(self) -> None:
        self.set_interval(CLOCK_SECONDS, self.clock_tick)
        # `cmtui sync` (or a second TUI) may write to the same file: PRAGMA data_version
        # changes when another connection commits, and costs no I/O to read. This process's
        # own writes (a decision, the engine's pass) show in the connection's change count.
        self._data_version = self._read_data_version()
        self._own_changes = self.store.own_changes()
        self._store_mark = (self._data_version, self._own_changes)
        self.set_interval(EXTERNAL_POLL_SECONDS, self.poll_external_changes)
        self.screen_change_signal.subscribe(self, self._screen_shown)
        self._seen[self.screen] = self.store_version  # the first screen, shown before this
        self.call_after_refresh(self._after_first_frame)
        if self.engine is not None and not self.served:  # a browser session: the team's `cmtui sync` sends
            # After the first frame: the first pass imports httpx and writes to the store.
            self.set_timer(0.5, self.sync_loop)
        self.crisis_watch.start()
        if self.settings.alerts and not self.served:  # seeded now: what is already there never rings
            from cmtui.tui.alerts import Alerts

            self.alerts = Alerts(self)
        self.set_timer(METRICS_PREFETCH_AFTER, self._prefetch_metrics)
        if self.store.is_empty() and not self.served:
            self.call_after_refresh(self._welcome)
        if self._opening and self._opening not in self.MODES:
            self.notify(_("CMTUI_OPEN={value}: no such screen (approvals, calendar, inbox, …); the inbox is open.")
                        .format(value=self._opening), severity="warning", markup=False)

    def _after_first_frame(self) -> None:
        # What start-up built (widgets, styles, imported modules) lives as long as the app:
        # moved out of the collector's reach, full collections stop walking it (they cost
        # 20-40 ms pauses on keys otherwise). Start-up's own garbage is collected first (with
        # the collector paused for start-up by cli.run_tui, freezing would keep ~0.5 MB of it
        # for good); then collecting resumes.
        gc.collect()
        gc.freeze()
        gc.enable()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A browser session has no other mode and no sync: those keys are absent."""
        if self.served and action in ("switch_mode", "sync_now") and parameters != ("approvals",):
            return False
        return True

    def switch_mode(self, mode: str):
        if self.served and mode != "approvals":  # esc, the palette: a browser session stays here
            from textual.widget import AwaitMount

            self.notify(_("A browser session shows only the posts waiting for approval."), markup=False)
            return AwaitMount(self.screen, [])
        return super().switch_mode(mode)

    def open_approvals(self) -> None:
        """The posts waiting for approval (A in the calendar, the palette); esc comes back."""
        if self.current_mode != "approvals":
            self.approvals_back = self.current_mode
        self.switch_mode("approvals")

    def leave_approvals(self) -> None:
        self.switch_mode(self.approvals_back if self.approvals_back in self.MODES else "calendar")

    def _welcome(self) -> None:
        from cmtui.tui.dialogs.welcome import WelcomeDialog

        def opened(mode: str | None) -> None:
            if mode:
                self.switch_mode(mode)

        self.push_screen(WelcomeDialog(str(self.store.path) if self.store.path else None), opened)

    def _prefetch_metrics(self) -> None:
        """The Metrics mode's first figures, ready before it is opened (large stores only:
        a small one computes them in a few milliseconds when asked)."""
        from cmtui.tui.screens.metrics import SMALL_STORE

        if self.store.path is None or sum(self.store.inbox.state_counts().values()) < SMALL_STORE:
            return
        if self.current_mode == "metrics":
            return  # already open: it computed its own
        from cmtui.tui.screens.metrics import prefetch

        self.run_worker(partial(prefetch, self), thread=True, group="metrics-prefetch", exit_on_error=False)

    def _read_data_version(self) -> int | None:
        try:
            return self.store.data_version()
        except sqlite3.Error:  # a closed or busy connection: try again on the next tick
            return None

    def poll_external_changes(self) -> None:
        version = self._read_data_version()
        if version is not None and version != self._data_version:
            self._data_version = version
            self.post_message(self.SyncChanged())  # (the screen's status line re-reads with it)
        elif self.store.own_changes() != self._own_changes:
            self._own_changes = self.store.own_changes()
            self.refresh_status_lines()

    def clock_tick(self) -> None:
        self.clock_ticks += 1
        self.wake_snoozed()
        self.crisis_watch.clock_tick()
        self.refresh_status_lines()

    def status_key(self) -> tuple[int, int, int]:
        """What the status line's figures depend on: the store's changes and the clock."""
        return self.store_version, self.store.own_changes(), self.clock_ticks

    def refresh_status_lines(self) -> None:
        """The status lines in view (the screen's, and one under a dialog) re-read the store;
        each repaints only if what it shows changed."""
        from cmtui.tui.widgets.status_line import StatusLine

        for screen in self.screen_stack:
            for line in screen.query(StatusLine):
                line.refresh_status()

    def wake_snoozed(self) -> None:
        """Snoozed items whose time has come are new again (with or without a sync engine)."""
        if self.store.triage.wake_snoozed(iso(self.now())):
            self.post_message(self.SyncChanged())
        if self.alerts is not None:  # an item whose response target passed meanwhile
            self.alerts.check()

    @work(exclusive=True, group="sync")
    async def sync_loop(self) -> None:
        while not self._stop.is_set():
            try:
                await self.engine.run_forever(self._stop, self._wake, on_pass=self._after_pass)
            except sqlite3.DatabaseError as exc:  # a full disk, say: the screen stays, sync waits
                from cmtui.store.db import describe_error

                self.notify(describe_error(exc, self.store.path), title=_("Sync stopped"), severity="error",
                            markup=False, timeout=30)
                await asyncio.sleep(STORE_ERROR_RETRY_SECONDS)

    def _after_pass(self, results) -> None:
        manual, self._manual_pass = self._manual_pass, False
        offline = [result.summary() for result in results if result.offline]
        if manual and offline:  # asked for with ctrl+r: say why nothing went out (calmly, once)
            self.notify("\n".join(offline), title=_("Offline accounts"), markup=False, timeout=6)
        for result in results:
            for failure in result.failed:
                self.notify(_("{account}: {reason}").format(account=result.name, reason=failure), title=_("Not sent"),
                            severity="error", markup=False,
                            timeout=15)
            error = None if result.ok else result.error
            if error and self._account_errors.get(result.name) != error:
                self.notify(_("{account}: {reason}").format(account=result.name, reason=error),
                            title=_("Sync {state}").format(state=sync_state_word(result.state)), severity="warning",
                            markup=False, timeout=10)
            self._account_errors[result.name] = error
        self.post_message(self.SyncChanged())

    def on_cmtui_app_sync_changed(self, _message: SyncChanged) -> None:
        # A pass that stored nothing, a live feed's new status: the status line says it, and
        # the screens have nothing to re-read.
        mark = (self._read_data_version(), self.store.own_changes())
        if mark != self._store_mark:
            self._store_mark = mark
            self.crisis_watch.request()
            if self.alerts is not None:
                self.alerts.check()
            self.store_version += 1
            self._catch_up(self.screen)  # (a dialog on top: the screen under it catches up when shown)
        self.refresh_status_lines()

    def _screen_shown(self, screen) -> None:
        """A mode switch or a closed dialog shows a screen: it re-reads what changed while
        it was hidden. A screen shown for the first time has just read the store."""
        if screen not in self._seen:
            self._seen[screen] = self.store_version
        else:
            self._catch_up(screen)
            from cmtui.tui.widgets.status_line import StatusLine

            for line in screen.query(StatusLine):  # this process's writes, the clock
                line.catch_up()

    def _catch_up(self, screen) -> None:
        # A screen without a DataChanged handler (a dialog) shows nothing to re-read.
        if self._seen.get(screen) != self.store_version:
            self._seen[screen] = self.store_version
            screen.post_message(DataChanged(self.store_version))

    # -- the person's attention, for the live feeds' short poll (cmtui.sync.live) -------------
    def attention(self) -> float | None:
        """Seconds since the person's last key or click; None while the terminal says the
        app is in the background."""
        return time.monotonic() - self._last_action if self._in_front else None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            # per key: a time stored, little more
            now = time.monotonic()
            idle, self._last_action = now - self._last_action, now
            if idle >= 1.0 and self.engine is not None:  # (not between the keys of a word)
                self._back_after(idle)
        await super().on_event(event)

    def _back_after(self, idle: float) -> None:
        """The first key after idling IDLE_AFTER or more: short polls shorten now."""
        if getattr(self.engine, "live", None) is not None:
            from cmtui.sync.live import IDLE_AFTER  # (imported with the feeds already)

            if idle >= IDLE_AFTER:
                self._nudge_live()

    def on_app_blur(self, _event: events.AppBlur) -> None:
        self._in_front = False

    def on_app_focus(self, _event: events.AppFocus) -> None:
        self._in_front = True
        self._last_action = time.monotonic()
        self._nudge_live()

    def _nudge_live(self) -> None:
        live = getattr(self.engine, "live", None)
        if live is not None:
            live.nudge()

    # -- a store that refuses a write (full disk, damaged page) -----------------------------------
    def store_failed(self, exc: sqlite3.DatabaseError) -> None:
        """One notification naming the database; the decision's transaction was rolled back
        whole, and the screen stays usable."""
        from cmtui.store.db import describe_error

        self.notify(describe_error(exc, self.store.path or _("in memory")), title=_("Not saved"), severity="error",
                    markup=False, timeout=20)

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        # Every key binding comes through here: a store failure in an action must not end
        # the app (Textual stops on any exception that reaches it).
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except sqlite3.DatabaseError as exc:
            self.store_failed(exc)
            return True

    def push_screen(self, screen, callback=None, wait_for_dismiss: bool = False):
        """Dialogs' answers are decisions too (a comment, a confirmation): guarded the same way."""
        if callback is not None:
            callback = self._guarded(callback)
        return super().push_screen(screen, callback, wait_for_dismiss=wait_for_dismiss)

    def _guarded(self, callback):
        takes_result = _takes_an_argument(callback)  # as Textual calls it: with the result if it takes one

        async def guarded(result):
            try:
                outcome = callback(result) if takes_result else callback()
                if inspect.isawaitable(outcome):
                    await outcome
            except sqlite3.DatabaseError as exc:
                self.store_failed(exc)

        return guarded

    def action_sync_now(self) -> None:
        if self.engine is None:
            from cmtui.sync.connectors import PLATFORMS

            message = _("Nothing to sync: no account has a token ({command})")
            command = f"cmtui account add {'|'.join(PLATFORMS)} NAME --instance URL"  # i18n: not shown
            self.notify(message.format(command=command), severity="warning", markup=False)
            return
        self._manual_pass = True
        self._wake.set()
        self.notify(_("Syncing now…"), timeout=2)

    def now(self) -> datetime:
        return self._clock()

    def format_time(self, stamp: str | None) -> str:
        """A stored UTC time as local wall-clock time in the language's conventions, short when
        it is today ("today 09:30")."""
        dt = parse_iso(stamp)
        if dt is None:
            return "–"
        local = dt.astimezone(self._tz)
        today = self.now().astimezone(self._tz).date()
        if local.date() == today:
            # i18n: a time today, e.g. "today 09:30"
            return _("today {time}").format(time=l10n.clock(local))
        # Short enough for a 17-cell column ("aujourd’hui 04:12"): "19 Nov, 21:00" / "19. nov., 21:00"; another year's
        # in the language's numeric date ("19/11/2025, 21:00").
        return l10n.day_month_time(local, this_year=local.year == today.year)

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """The palette's screenshot, saved in cmtui's data directory (created if needed; the
        Downloads folder Textual uses may not exist), and the notification says where."""
        if self.is_web:  # served in a browser (cmtui serve): the browser downloads it
            return super().deliver_screenshot(filename, path, time_format)
        from cmtui.config import data_dir

        folder = Path(path) if path else data_dir() / "screenshots"
        stamp = datetime.now().strftime(time_format or "%Y-%m-%dT%H_%M_%S")
        target = folder / (filename or f"{self.title}-{stamp}.svg")
        for n in range(2, 100):  # two in one second: neither is lost
            if filename or not target.exists():
                break
            target = folder / f"{self.title}-{stamp}-{n}.svg"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target.write_text(self.export_screenshot(), encoding="utf-8")
        except OSError as exc:
            self.notify(_("Screenshot not saved to {path}: {reason}").format(path=target, reason=exc.strerror or exc),
                        title=_("Screenshot"),
                        severity="error", markup=False)
            return None
        self.notify(_("Screenshot saved to {path}").format(path=target), title=_("Screenshot"), timeout=8,
                    markup=False)
        return str(target)

    # -- Textual's own words, in the interface's language -------------------------------------
    def action_command_palette(self) -> None:
        if self.use_command_palette and not CmtuiPalette.is_open(self):
            self.push_screen(CmtuiPalette(id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(CmtuiPalette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    def get_system_commands(self, screen):
        """Textual's commands in the palette (theme, quit, maximize, screenshot) in our words;
        its keys panel (in English, and beside `?` help) is left out."""
        yield SystemCommand(_("Posts waiting for approval"), _("read them with their variants; approve or send back"),
                            self.open_approvals)
        if self.served:
            return
        yield SystemCommand(_("Theme"), _("Change the colour theme"), self.action_change_theme)
        if screen.maximized is not None:
            yield SystemCommand(_("Minimize"), _("Give the widget its normal size again"), screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(_("Maximize"), _("Show the focused widget on the whole screen"),
                                screen.action_maximize)
        yield SystemCommand(_("Screenshot"), _("Save an SVG picture of the screen"),
                            lambda: self.set_timer(0.1, self.deliver_screenshot))

    def action_help(self) -> None:
        from cmtui.tui.dialogs.help import HelpScreen, describe_bindings

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(describe_bindings(self.screen)))
