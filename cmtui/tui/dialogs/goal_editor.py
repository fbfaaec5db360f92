"""`g` / `e` in the Metrics mode: a goal's name, metric, target, due date and account.

The due date is read like the calendar composer reads times ("2027-03-31", "in 6 weeks",
"next friday") in the settings' timezone. add_goal / update_goal check everything; their
error is shown in red and nothing is stored. Dismisses with the goal's id, or None."""

from __future__ import annotations

from pathlib import Path

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from cmtui import l10n
from cmtui.errors import CmtuiError, InputError
from cmtui.i18n import N_, _
from cmtui.metrics.goals import DIRECTIONS, GOAL_METRICS
from cmtui.planning.timeparse import parse_when
from cmtui.tui.dialogs.base import Dialog

UNITS = {"followers_growth_pct": "%", "median_response_minutes": N_("minutes"), "posts_per_week": N_("posts"),
         "response_rate_pct": "%"}


class GoalEditor(Dialog):
    CSS_PATH = Path(__file__).with_name("goal_editor.tcss")  # read when first shown
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True, id="goal.save"),
        Binding("escape", "dismiss(None)", N_("Cancel"), id="goal.cancel"),
    ]

    def __init__(self, cmtui_app, goal: dict | None = None, default_account: str | None = None):
        super().__init__()
        self.cmtui = cmtui_app
        self.store = cmtui_app.store
        self.tz = cmtui_app.settings.tzinfo()
        self.goal = goal
        self.default_account = default_account
        self.accounts = [a.name for a in self.store.accounts.list()]

    def compose(self) -> ComposeResult:
        g = self.goal or {}
        account = g.get("account") if self.goal else self.default_account
        with Vertical():
            yield Static(Text(_("New goal") if self.goal is None else _("Edit goal · {name}").format(name=g["name"]),
                              style="bold"))
            with Horizontal(classes="row"):
                yield Static(_("name"), classes="label")
                yield Input(g.get("name", ""), placeholder=_("Grow followers 10% by spring"), compact=True,
                            id="goal-name")
            with Horizontal(classes="row"):
                yield Static(_("metric"), classes="label")
                yield Select([(_(desc), key) for key, desc in GOAL_METRICS.items()],
                             value=g.get("metric", "followers_growth_pct"), allow_blank=False, compact=True,
                             id="goal-metric")
            yield Static(id="goal-metric-help")
            with Horizontal(classes="row"):
                yield Static(_("target"), classes="label")
                yield Input(f"{g['target']:g}" if self.goal else "", placeholder=_("a number: 10 · 120 · 3 · 0"),
                            compact=True, id="goal-target")
            with Horizontal(classes="row"):
                yield Static(_("due"), classes="label")
                yield Input(g.get("due_date", ""), placeholder=_("2027-03-31 · in 6 weeks · next friday"),
                            compact=True, id="goal-due")
            yield Static(id="goal-due-read")
            with Horizontal(classes="row"):
                yield Static(_("account"), classes="label")
                yield Select([(_("all accounts"), "")] + [(name, name) for name in self.accounts],
                             value=account if account in self.accounts else "", allow_blank=False, compact=True,
                             id="goal-account")
            yield Static(id="goal-error")
            yield Static(Text(_("ctrl+s or enter: save · esc: cancel"), style="dim"))

    def on_mount(self) -> None:
        self.query_one("#goal-name", Input).focus()
        self._refresh_help()

    # -- live help ----------------------------------------------------------------------------------
    def _metric(self) -> str:
        value = self.query_one("#goal-metric", Select).value
        return value if isinstance(value, str) else "followers_growth_pct"

    def _due(self) -> date:
        raw = self.query_one("#goal-due", Input).value.strip()
        if not raw:
            raise InputError(_("a goal needs a due date (2027-03-31, in 6 weeks, next friday)"))
        return parse_when(raw, self.tz, self.cmtui.now()).astimezone(self.tz).date()

    def _refresh_help(self) -> None:
        metric = self._metric()
        unit = _(UNITS.get(metric, N_("items")))
        better = _("lower is better") if DIRECTIONS[metric] == "down" else _("higher is better")
        target = _("target in {unit}").format(unit=unit)
        self.query_one("#goal-metric-help", Static).update(Text(f"{metric} · {target} · {better}"))
        read = Text()
        try:
            if self.query_one("#goal-due", Input).value.strip():
                read.append("→ " + l10n.long_day(self._due()))
        except InputError as exc:
            read.append(str(exc), style="red")
        self.query_one("#goal-due-read", Static).update(read)

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._refresh_help()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self._refresh_help()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    # -- saving -------------------------------------------------------------------------------------
    def action_save(self) -> None:
        from cmtui.metrics.goals import add_goal, update_goal

        q = self.query_one
        name = q("#goal-name", Input).value
        target = q("#goal-target", Input).value
        account = q("#goal-account", Select).value
        account = account if isinstance(account, str) and account else None
        now = self.cmtui.now()
        try:
            due = self._due()
            if self.goal is None:
                goal_id = add_goal(self.store, name, self._metric(), target, due, account, now=now,
                                   who=self.cmtui.settings.username)
            else:
                goal_id = self.goal["id"]
                # An unchanged due date may already be past: keep it without the "in the past" check.
                keep_due = due.isoformat() == str(self.goal["due_date"])[:10]
                update_goal(self.store, goal_id, name=name, metric=self._metric(), target=target,
                            due=None if keep_due else due, account=account, now=now,
                            who=self.cmtui.settings.username)
        except CmtuiError as exc:
            q("#goal-error", Static).update(Text(str(exc)))  # nothing stored; the form stays as typed
            return
        self.dismiss(goal_id)
