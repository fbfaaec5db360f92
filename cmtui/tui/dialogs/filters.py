"""`F`: the inbox filter bar's choices — state, account, kind, label, assignee, questions
only, language — each value with how many items it would list, plus sort and grouping.

enter sets a choice and keeps the dialog open (the counts follow); esc or f applies.
The counts read the matching rows, so they are computed in a worker thread on a
read-only connection and fill in as they arrive; the choices are usable at once."""

from __future__ import annotations

from pathlib import Path

import sqlite3
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cmtui import l10n
from cmtui.i18n import N_, _, pgettext
from cmtui.model import ITEM_KINDS
from cmtui.store import InboxFilter
from cmtui.store.inbox import ACTIVE_STATES, ALL_STATES
from cmtui.tui.dialogs.base import Dialog

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

# (key, states): the key is the choice's id; state_choice_label() says it in the language.
STATE_CHOICES = (("new and open", ACTIVE_STATES), ("new", ("new",)), ("open", ("open",)),  # i18n: not shown
                 ("snoozed", ("snoozed",)), ("done", ("done",)), ("all", ALL_STATES))
SORTS = ((N_("newest first"), "newest"), (N_("oldest first"), "oldest"),
         (N_("waiting for an answer, most overdue first"), "overdue"))
FACETS = ("state", "account_id", "kind", "label", "assignee", "language", "questions")


def state_choice_label(key: str) -> str:
    """A STATE_CHOICES key as the filter shows it (the stored states keep their English names)."""
    from cmtui.tui.widgets.inbox_list import state_word  # (the list's own words for the states)

    labels = {"new and open": _("new and open"), "all": pgettext("inbox states", "all")}
    return labels.get(key) or state_word(key)


def kind_label(kind: str) -> str:
    """An item kind (stored as mention, reply, direct, comment) as the filter shows it."""
    labels = {"mention": pgettext("inbox kind", "mention"), "reply": pgettext("inbox kind", "reply"),
              "direct": pgettext("inbox kind", "direct"), "comment": pgettext("inbox kind", "comment")}
    return labels.get(kind, kind)


def facet_values(store: Store, settings: Settings, counts: dict) -> dict[str, list]:
    """The values offered per facet: what the settings and the store know, plus any value
    the counts found (a language nobody configured, a label used once)."""
    values = {
        "account_id": [a.id for a in store.accounts.list()],
        "kind": list(ITEM_KINDS),
        "label": list(dict.fromkeys([*settings.labels, *store.triage.recent_labels(),
                                     *sorted(counts.get("label", {}))])),
        "assignee": list(dict.fromkeys([*settings.teammates, *sorted(v for v in counts.get("assignee", {}) if v)])),
        "language": list(dict.fromkeys([*sorted(v for v in counts.get("language", {}) if v)])),
    }
    return values


class FilterDialog(Dialog):
    CSS_PATH = Path(__file__).with_name("filters.tcss")  # read when first shown
    BINDINGS = [
        Binding("escape,F", "apply", N_("Apply"), id="filters.apply"),
        Binding("backspace,delete", "clear", N_("Clear all"), id="filters.clear"),
    ]

    def __init__(self, store: Store, settings: Settings, item_filter: InboxFilter):
        super().__init__()
        self.store = store
        self.settings = settings
        self.filter = item_filter
        self.counts: dict[str, dict] = {}
        self._reader = None
        self.counting = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(_("Filter the inbox"), style="bold"))
            yield Static(Text(
                # i18n: enter, backspace and esc are key names: keep them as they are.
                _("enter choose · backspace clear all · esc apply"), style="dim"), id="filters-hint")
            yield OptionList(id="filters")

    def on_mount(self) -> None:
        self._show()
        self._recount()

    # -- the counts -----------------------------------------------------------------
    def _recount(self) -> None:
        if self._reader is not None:
            self._reader.interrupt()
        self.counts = {}
        self._reader = self.store.reader()
        if self._reader is None:  # an in-memory store: count here (small by nature)
            self.counts = {facet: self.store.inbox.facet_counts(self.filter, facet) for facet in FACETS}
            self._show()
            return
        self.counting = True
        self.run_worker(partial(self._count, self._reader, self.filter), thread=True, exclusive=True,
                        group="facets", exit_on_error=False)

    def _count(self, reader: Store, item_filter: InboxFilter) -> None:
        try:
            for facet in FACETS:
                counts = reader.inbox.facet_counts(item_filter, facet)
                self.app.call_from_thread(self._counted, item_filter, facet, counts)
        except sqlite3.OperationalError:  # interrupted: the filter changed
            return
        finally:
            reader.close()
        self.app.call_from_thread(self._finished, item_filter)

    def _counted(self, item_filter: InboxFilter, facet: str, counts: dict) -> None:
        if item_filter == self.filter:
            self.counts[facet] = counts
            self._show()

    def _finished(self, item_filter: InboxFilter) -> None:
        if item_filter == self.filter:
            self.counting = False
            self._reader = None

    # -- the choices ----------------------------------------------------------------
    def _options(self) -> list:
        f = self.filter
        values = facet_values(self.store, self.settings, self.counts)
        accounts = {a.id: a.name for a in self.store.accounts.list()}
        options: list = []

        def group(title: str) -> None:
            if options:
                options.append(None)
            options.append(Option(Text(title, style="bold"), disabled=True))

        def choice(key: str, label: str, chosen: bool, count: int | None = None, counted: bool = True) -> None:
            line = Text(("● " if chosen else "○ ") + label)
            if counted:
                line.append("  " + l10n.number(count) if count is not None else "  …", style="dim")
            options.append(Option(line, id=key))

        def facet(name: str, title: str, current, pairs, any_label: str) -> None:
            group(title)
            counts = self.counts.get(name)
            choice(f"{name}=", any_label, current is None, None, counted=False)
            for value, label in pairs:
                choice(f"{name}={value}", label, current == value,
                       None if counts is None else counts.get(value, 0))

        group(_("State"))
        counts = self.counts.get("state")
        for label, states in STATE_CHOICES:
            total = None if counts is None else sum(counts.get(s, 0) for s in states)
            choice(f"state={label}", state_choice_label(label), tuple(sorted(f.states)) == tuple(sorted(states)), total)
        facet("account_id", _("Account"), f.account_id, [(i, n) for i, n in accounts.items()], _("every account"))
        facet("kind", _("Kind"), f.kind, [(k, kind_label(k)) for k in values["kind"]], _("every kind"))
        facet("label", _("Label"), f.label, [(v, f"#{v}") for v in values["label"]], _("any label"))
        facet("assignee", _("Assigned to"), f.assignee, [(v, v) for v in values["assignee"]], _("anyone or nobody"))
        facet("language", _("Language"), f.language, [(v, v) for v in values["language"]], _("any language"))
        group(_("Questions"))
        q = self.counts.get("questions")
        choice("questions=off", _("every item"), not f.questions_only, None, counted=False)
        choice("questions=on", _("questions only"), f.questions_only, None if q is None else q.get(1, 0))
        group(pgettext("inbox filter heading", "Sort"))
        for label, sort in SORTS:
            choice(f"sort={sort}", _(label), f.sort == sort, counted=False)
        group(_("Conversations"))
        choice("grouped=off", _("every item on its own row"), not f.grouped, counted=False)
        choice("grouped=on", _("one row per conversation"), f.grouped, counted=False)
        return options

    def _show(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._options())
        if highlighted is not None:
            options.highlighted = highlighted
        else:
            options.action_first()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        name, _, value = event.option.id.partition("=")
        f = self.filter
        if name == "state":
            f = f.with_(states=dict(STATE_CHOICES)[value])
        elif name == "account_id":
            f = f.with_(account_id=int(value) if value else None)
        elif name in ("kind", "label", "assignee", "language"):
            f = f.with_(**{name: value or None})
        elif name == "questions":
            f = f.with_(questions_only=value == "on")
        elif name == "sort":
            f = f.with_(sort=value)
        elif name == "grouped":
            f = f.with_(grouped=value == "on")
        self._change(f)

    def _change(self, f: InboxFilter) -> None:
        if f == self.filter:
            return
        counts_change = f.with_(sort=self.filter.sort, grouped=self.filter.grouped) != self.filter
        self.filter = f
        if counts_change:
            self._recount()
        self._show()

    def action_clear(self) -> None:
        self._change(InboxFilter(sort=self.filter.sort, grouped=self.filter.grouped))

    def action_apply(self) -> None:
        if self._reader is not None:
            self._reader.interrupt()
        self.dismiss(self.filter)
