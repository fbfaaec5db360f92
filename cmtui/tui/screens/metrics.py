"""Metrics mode: headline figures, goals, growth, engagement, response, best time to post,
members and the crisis watch, over 7 / 30 / 90 days and one account or all.

The figures come from panel_data() in a worker thread on a read-only store, so the panel's
first frame is instant ("counting…") and the figures fill in ~100-200 ms later on a
million items; the members part (a scan of the range's items, 130-540 ms there) follows in
a second worker. A generation number drops the answer of a range or scope already left.
"""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _, ngettext
from cmtui.metrics.window import RANGES
from cmtui.tui.messages import DataChanged
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.widgets import metric_sections as sections
from cmtui.tui.widgets.metric_charts import ChartText, Heatmap

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

MAIN_PARTS = ("followers", "response", "engagement", "best_times", "crisis", "goals")
# These depend on the scope and the time, not on the range: `r` reuses them (~80 of the
# ~110 ms on a million items), a sync, a goal change or coming back to the mode does not.
SCOPE_PARTS = ("best_times", "crisis", "goals")
SMALL_STORE = 20_000  # items: below, the panel is computed in the event loop (under ~20 ms)


def compute(store: Store, settings: Settings, days: int, account: str | None, now, parts=MAIN_PARTS) -> dict:
    """panel_data plus the inbox counts of the headline (cheap: kept counts)."""
    from cmtui.metrics.panel import panel_data

    data = panel_data(store, settings, days, account, now, parts=parts)
    if "followers" in parts:
        data["inbox"] = {"counts": store.inbox.state_counts(), "flagged": store.moderation.open_count()}
    return data


PREFETCH_MAX_AGE = 120  # seconds: older figures are computed again when the mode opens


class Prefetch:
    """The panel's first view (30 days, all accounts), computed once the app has settled
    after start-up, in a thread on its own read-only store. The first `4` then draws the
    figures at once instead of importing, opening a cold connection and computing
    (~500 ms on a million items). Used only while nothing was written since (SQLite's
    data_version on that connection) and for at most PREFETCH_MAX_AGE seconds."""

    def __init__(self, store: Store, settings: Settings, now):
        self.now = now
        self.reader = store.reader()
        self.data = compute(self.reader, settings, 30, None, now)
        self.version = self._version()

    def _version(self) -> int:
        return self.reader.data_version()

    def usable(self, days: int, account: str | None, now) -> bool:
        try:
            current = self._version() == self.version
        except Exception:  # closed or busy: compute as usual
            return False
        return current and days == 30 and account is None and (now - self.now).total_seconds() < PREFETCH_MAX_AGE

    def close(self) -> None:
        self.reader.close()


def prefetch(app) -> None:
    """Run in a worker thread by the app (large stores only): leaves app.metrics_prefetch."""
    try:
        ready = Prefetch(app.store, app.settings, app.now())
    except Exception:  # a busy or damaged store: the mode computes when opened, as usual
        return
    try:
        app.call_from_thread(setattr, app, "metrics_prefetch", ready)
    except RuntimeError:  # the app closed meanwhile
        ready.close()


class MetricsScreen(ModeScreen):
    CSS_PATH = Path(__file__).with_name("metrics.tcss")  # read when first shown
    TITLE_SUFFIX = N_("Metrics")

    BINDINGS = [
        Binding("r", "cycle_range", N_("Range"), id="metrics.range"),
        Binding("a", "cycle_scope", N_("Scope"), id="metrics.scope"),
        Binding("g", "add_goal", N_("New goal"), id="metrics.goal_add"),
        Binding("e", "edit_goal", N_("Edit goal"), id="metrics.goal_edit"),
        Binding("d", "delete_goal", N_("Delete goal"), id="metrics.goal_delete"),
        Binding("x", "export", N_("Export report"), id="metrics.export"),
        Binding("j,down", "scroll(1)", N_("Scroll down"), show=False, id="metrics.down"),
        Binding("k,up", "scroll(-1)", N_("Scroll up"), show=False, id="metrics.up"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="metrics.page_down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="metrics.page_up"),
        Binding("home", "scroll_home", N_("Top"), show=False, id="metrics.top"),
        Binding("end", "scroll_end", N_("Bottom"), show=False, id="metrics.bottom"),
    ]

    # app.tcss: under 110 columns the headline cards stack (followers, then three in a row),
    # under 60 one per row, so no figure wraps inside its card.
    HORIZONTAL_BREAKPOINTS = [(0, "-cards-1"), (60, "-cards-3"), (110, "-cards-4")]

    def __init__(self):
        super().__init__()
        self.days = 30
        self.account: str | None = None
        self.data: dict | None = None  # the main parts (no members), or None while counting
        self.members: dict | None = None  # filled in by its own worker
        self.error: str | None = None
        self.counting = True
        self._generation = 0
        self._goal_ids: list[str] = []  # the goals as last listed, and the one acted on last:
        self._goal_acted: str | None = None  # the goal list opens on it (or its nearest neighbour)
        # One read-only store per worker kind, kept open: its page cache stays warm between
        # loads (a fresh connection made each load ~2x slower on a million items). The lock
        # makes a new load wait for the one it interrupted.
        self._readers: dict[str, object] = {}
        self._locks = {"main": threading.Lock(), "members": threading.Lock()}
        self._scope_cache: dict[tuple, dict] = {}  # (account, minute) -> SCOPE_PARTS
        self._left = False  # the mode was left once: coming back reads the figures again

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="metrics"):
            yield Static(id="metrics-range")
            yield Static(id="metrics-calm")
            yield Static(id="metrics-banner")
            with Horizontal(id="metrics-headline"):
                yield ChartText(id="card-followers", classes="metrics-card")
                yield Static(id="card-response", classes="metrics-card")
                yield Static(id="card-inbox", classes="metrics-card")
                yield Static(id="card-crisis", classes="metrics-card")
            for key, title in (("goals", _("Goals")), ("growth", _("Growth")), ("engagement", _("Engagement")),
                               ("response", _("Response")), ("best", _("Best time to post")), ("members", _("Members")),
                               ("crisis", _("Crisis watch"))):
                yield Static(Text(title), classes="metrics-title", id=f"title-{key}")
                widget = Heatmap if key == "best" else ChartText
                yield widget(id=f"section-{key}", classes="metrics-section")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#metrics").focus()
        self.reload()

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        # Coming back to the mode: the store may have changed since (the first load is on_mount's).
        if self._left and self.data is not None:
            self.reload(fresh=True)

    # -- data ---------------------------------------------------------------------------------------
    def reload(self, fresh: bool = False) -> None:
        """Read the panel's data again. The figures shown stay until the new ones arrive
        (no blank panel, no layout jump: one frame instead of two), the range line says
        "counting…" meanwhile; the members, slow to come, say "counting…" at once. fresh:
        the store changed (coming back to the mode, a sync, a goal saved), so nothing
        cached is reused."""
        self._generation += 1
        generation = self._generation
        self.error = None
        self.counting = True  # until the members of this generation are in
        self.members = None
        if fresh:
            self._scope_cache = {}
        if self.data is None:
            self._show_loading()
        else:
            self.query_one("#metrics-range", Static).update(self._range_text(_("counting…")))
            self.query_one("#section-members", ChartText).show(_("counting…"))
        for reader in self._readers.values():  # answers for the old range or scope: stop them
            reader.interrupt()
        args = (self.app.settings, self.days, self.account, self.app.now())
        ready = self.app.metrics_prefetch
        if ready is not None:  # used once: later loads compute (on its connection, kept warm)
            self.app.metrics_prefetch = None
            if ready.usable(self.days, self.account, args[3]) and "main" not in self._readers:
                self._readers["main"] = ready.reader
                self._filled(generation, ready.data)
                return
            ready.close()
        reader = None if self._small() else self._reader("main")
        if reader is None:  # in memory or small (a few ms): here and now, no "counting…" to see
            self._filled(generation, compute(self.store, *args))
            self._members_filled(generation, compute(self.store, *args, parts=("members",))["members"])
            return
        self.run_worker(partial(self._compute, reader, generation, args), thread=True, exclusive=True,
                        group="metrics", exit_on_error=False)

    def _small(self) -> bool:
        """Few enough items that the whole panel takes a few milliseconds (kept counts)."""
        return sum(self.store.inbox.state_counts().values()) < SMALL_STORE

    def _reader(self, kind: str):
        if kind not in self._readers:
            reader = self.store.reader()
            if reader is None:
                return None
            self._readers[kind] = reader
        return self._readers[kind]

    def on_unmount(self) -> None:
        for kind, reader in self._readers.items():
            reader.interrupt()
            with self._locks[kind]:
                reader.close()
        self._readers.clear()

    def _reply(self, method, *args) -> None:
        """Hand a thread's answer to the screen (dropped when the app has closed meanwhile)."""
        try:
            self.app.call_from_thread(method, *args)
        except RuntimeError:
            pass

    def _compute(self, reader: Store, generation: int, args) -> None:
        with self._locks["main"]:
            if generation != self._generation:  # already superseded: skip the work
                return
            settings, days, account, now = args
            key = (account, now.replace(second=0, microsecond=0))
            cached = self._scope_cache.get(key)
            try:
                if cached is None:
                    data = compute(reader, *args)
                    self._scope_cache = {key: {part: data[part] for part in SCOPE_PARTS}}
                else:
                    data = compute(reader, *args, parts=tuple(p for p in MAIN_PARTS if p not in SCOPE_PARTS))
                    data.update(cached)
            except Exception as exc:  # shown in the panel, not a crash: the screen stays usable
                self._reply(self._failed, generation, exc)
                return
        self._reply(self._filled, generation, data)

    def _compute_members(self, reader: Store, generation: int, args) -> None:
        with self._locks["members"]:
            if generation != self._generation:
                return
            try:
                members = compute(reader, *args, parts=("members",))["members"]
            except Exception:  # interrupted (the range changed) or failed: the next load tries again
                return
        self._reply(self._members_filled, generation, members)

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self.error = str(exc) if isinstance(exc, CmtuiError) else _("could not compute the metrics: {error}").format(
            error=exc)
        self.counting = False
        self.query_one("#metrics-range", Static).update(Text(self.error, style="bold red"))

    def _filled(self, generation: int, data: dict) -> None:
        if generation != self._generation:
            return
        self.data = data
        self._show()
        reader = None if self._small() else self._reader("members")
        args = (self.app.settings, self.days, self.account, self.app.now())
        if reader is None:
            self._members_filled(generation, compute(self.store, *args, parts=("members",))["members"])
        else:  # members next: their scan should not slow the figures above
            self.run_worker(partial(self._compute_members, reader, generation, args), thread=True, exclusive=True,
                            group="metrics-members", exit_on_error=False)

    def _members_filled(self, generation: int, members: dict) -> None:
        if generation != self._generation:
            return
        self.members = members
        self.counting = False
        calm = bool(self.app.settings.calm_mode)
        self.query_one("#section-members", ChartText).show(partial(sections.members_text, members, calm))

    # -- drawing ------------------------------------------------------------------------------------
    def _range_text(self, state: str = "") -> Text:
        text = Text()
        text.append(ngettext("Last {n} day", "Last {n} days", self.days).format(n=l10n.number(self.days)), style="bold")
        if self.data and not state:  # (the dates mean the figures below are this range's)
            rng = self.data["range"]
            text.append(f"  {sections.short_date(rng['start'])} → {sections.short_date(rng['end'])}", style="dim")
        text.append("  ·  ")
        text.append(self.account or _("all accounts"), style="bold")
        if state:
            text.append(f"  {state}", style="dim")
        text.append("    " + _("r range · a scope · g e d goals · x export"), style="dim")
        return text

    def _show_loading(self) -> None:
        self.query_one("#metrics-range", Static).update(self._range_text(_("counting…")))
        for widget in self.query(ChartText):
            widget.show(_("counting…"))
        for card in ("#card-response", "#card-inbox", "#card-crisis"):
            self.query_one(card, Static).update(Text(_("counting…"), style="dim"))

    def _show(self) -> None:
        data = self.data
        q = self.query_one
        q("#metrics-range", Static).update(self._range_text())
        calm = q("#metrics-calm", Static)
        calm.display = data["calm"]
        calm.update(Text(_("Calm mode: follower counts and changes, engagement totals, top posts and member ranks"
                           " are hidden (calm_mode in the settings); goals and response stay.")))
        banner = q("#metrics-banner", Static)
        banner.display = data["crisis"]["status"] == "alert"
        if banner.display:
            banner.update(sections.crisis_banner(data))
        q("#card-followers", ChartText).show(partial(sections.followers_card, data))
        q("#card-response", Static).update(sections.response_card(data))
        inbox = sections.inbox_card(data)
        if self.account:
            inbox.append("\n" + _("(all accounts)"), style="dim")
        q("#card-inbox", Static).update(inbox)
        q("#card-crisis", Static).update(sections.crisis_card(data))
        for key, build in (("goals", sections.goals_text), ("growth", sections.growth_text),
                           ("engagement", sections.engagement_text),
                           ("response", sections.response_text),
                           ("crisis", sections.crisis_text)):
            q(f"#section-{key}", ChartText).show(partial(build, data))
        q("#section-best", Heatmap).show_heatmap(data["best_times"])
        title = Text(_("Best time to post"))
        title.append("  " + (self.account or _("every account")), style="dim")
        q("#title-best", Static).update(title)

    def on_data_changed(self, _message: DataChanged) -> None:
        self.reload(fresh=True)

    # -- keys ---------------------------------------------------------------------------------------
    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#metrics", VerticalScroll)
        body.scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        body = self.query_one("#metrics", VerticalScroll)
        body.scroll_relative(y=pages * max(1, body.size.height - 2), animate=False)

    def action_scroll_home(self) -> None:
        self.query_one("#metrics", VerticalScroll).scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.query_one("#metrics", VerticalScroll).scroll_end(animate=False)

    def action_cycle_range(self) -> None:
        self.days = RANGES[(RANGES.index(self.days) + 1) % len(RANGES)] if self.days in RANGES else RANGES[0]
        self.reload()

    def action_cycle_scope(self) -> None:
        scopes = [None] + [a.name for a in self.store.accounts.list()]
        self.account = scopes[(scopes.index(self.account) + 1) % len(scopes)] if self.account in scopes else None
        self.reload()

    # -- goals --------------------------------------------------------------------------------------
    def _goals(self) -> list:
        return [dict(g) for g in self.store.metrics.goals()]

    def _pick_goal(self, question: str, then) -> None:
        """The goal to act on: the only one, or the one chosen from the list."""
        from cmtui.tui.dialogs.choose import ChooseDialog
        from cmtui.tui.widgets.key_lists import nearest

        goals = self._goals()
        if not goals:
            self.app.notify(_("No goals yet: g adds one."), severity="warning", markup=False)
            return
        if len(goals) == 1:
            then(goals[0])
            return
        by_id = {str(g["id"]): g for g in goals}
        choices = [(f"{g['name']}  ·  {g['account'] or _('all accounts')} · "
                    + _("due {date}").format(date=sections.due_date(g["due_date"])), str(g["id"])) for g in goals]
        highlight = nearest(self._goal_ids, list(by_id), self._goal_acted)
        self._goal_ids = list(by_id)

        def picked(value) -> None:
            if value in by_id:
                self._goal_acted = value
                then(by_id[value])

        self.app.push_screen(ChooseDialog(_(question), choices, highlight), picked)

    def action_add_goal(self) -> None:
        from cmtui.tui.dialogs.goal_editor import GoalEditor

        self.app.push_screen(GoalEditor(self.app, None, default_account=self.account), self._goal_saved)

    def action_edit_goal(self) -> None:
        from cmtui.tui.dialogs.goal_editor import GoalEditor

        self._pick_goal(N_("Edit which goal?"), lambda goal: self.app.push_screen(GoalEditor(self.app, goal), self._goal_saved))

    def _goal_saved(self, goal_id: int | None) -> None:
        if goal_id is not None:
            self._goal_acted = str(goal_id)
            self.app.notify(_("Goal saved."), timeout=3)
            self.reload(fresh=True)

    def action_delete_goal(self) -> None:
        from cmtui.tui.dialogs.ask import ConfirmDialog

        def ask(goal) -> None:
            self.app.push_screen(ConfirmDialog(_("Delete the goal “{name}”?").format(name=goal["name"])),
                                 lambda yes: self._delete(goal) if yes else None)
        self._pick_goal(N_("Delete which goal?"), ask)

    def _delete(self, goal) -> None:
        from cmtui.metrics.goals import delete_goal

        try:
            delete_goal(self.store, goal["id"], who=self.app.settings.username)
        except CmtuiError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.app.notify(_("Goal deleted: {name}").format(name=goal["name"]), timeout=3, markup=False)
        self.reload(fresh=True)

    # -- the report -----------------------------------------------------------------------------------
    def action_export(self) -> None:
        from cmtui.tui.dialogs.ask import AskDialog

        stamp = self.app.now().astimezone(self.app.settings.tzinfo()).date().isoformat()
        self.app.push_screen(AskDialog(_("Export the report to a file: .md (Markdown) or .csv"),
                                       "cmtui-report.md", f"cmtui-report-{stamp}.md"), self._export)

    def _export(self, raw: str | None) -> None:
        from cmtui.metrics.report import FORMATS, to_csv, to_markdown

        if not raw:
            return
        path = Path(raw).expanduser()
        kind = FORMATS.get(path.suffix.lower())
        if kind is None:
            self.app.notify(_("Not written: {name} should end in .md or .csv.").format(name=path.name), severity="error",
                            markup=False)
            return
        try:
            data = dict(self.data) if self.data else compute(self.store, self.app.settings, self.days, self.account,
                                                              self.app.now())
            data["members"] = self.members if self.members is not None else compute(
                self.store, self.app.settings, self.days, self.account, self.app.now(), parts=("members",))["members"]
            data.pop("inbox", None)
            path.write_text(to_markdown(data) if kind == "markdown" else to_csv(data), encoding="utf-8")
        except OSError as exc:
            self.app.notify(_("Could not write {path}: {error}").format(path=path, error=exc.strerror or exc),
                            severity="error", markup=False)
            return
        except CmtuiError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        self.app.notify(_("Report written to {path}").format(path=path.resolve()), timeout=5, markup=False)
