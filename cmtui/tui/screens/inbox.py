"""Inbox mode: the unified list of mentions, replies and direct messages to answer.

Layout, top to bottom: the filter bar (counts, filters, sort, position), the search line
(`/`), the list, and under it the preview — or, after enter or r, the thread pane with
the composer pane under it."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.model import OpState, iso
from cmtui.store import InboxFilter
from cmtui.triage.response import describe, time_left
from cmtui.triage.search import narrow
from cmtui.tui.messages import DataChanged
from cmtui.tui.places import addressed, item_place
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.screens.inbox_likes import LikeActions, op_words
from cmtui.tui.screens.inbox_team import assign_choices, assignee, replying_words
from cmtui.tui.widgets.inbox_list import KIND_MARK, InboxList, kind_word, state_word
from cmtui.tui.widgets.thread_pane import ThreadPane

SORT_WORDS = {"newest": N_("newest first"), "oldest": N_("oldest first"),
              "overdue": N_("unanswered, most overdue first")}
NEXT_SORT = {"newest": "oldest", "oldest": "overdue", "overdue": "newest"}
ADD_ACCOUNT, DEMO = "cmtui account add", "cmtui demo"  # i18n: not shown
SEARCH_FILTERS = "from:name label:x is:question lang:es state:done kind:direct"  # i18n: not shown


def describe_filter(f: InboxFilter, accounts: dict[int, str]) -> str:
    """'new and open · fernleaf · mention · #bug', for the filter bar."""
    chosen = tuple(sorted(f.states))
    if chosen == ("new", "open"):
        parts = [_("new and open")]
    elif chosen == ("done", "new", "open", "snoozed"):
        parts = [_("all states")]
    else:
        words = [state_word(state) for state in f.states]
        said = words[0] if words else ""
        for word in words[1:]:
            # i18n: the inbox filter bar: two states listed ("new and snoozed"); repeated for more
            said = _("{first} and {second}").format(first=said, second=word)
        parts = [said]
    if f.account_id is not None:
        parts.append(accounts.get(f.account_id, _("account {id}").format(id=f.account_id)))
    if f.kind:
        parts.append(kind_word(f.kind))
    if f.language:
        parts.append(f.language)
    if f.label:
        parts.append(f"#{f.label}")
    if f.assignee:
        parts.append(f"→ {f.assignee}")
    if f.author:
        # i18n: the inbox filter bar: only items by this author
        parts.append(_("from {author}").format(author=f.author))
    if f.questions_only:
        # i18n: the inbox filter bar: only items that ask a question
        parts.append(_("questions"))
    if f.grouped:
        # i18n: the inbox filter bar: one row per conversation
        parts.append(_("by conversation"))
    parts.append(_(SORT_WORDS[f.sort]))
    return " · ".join(parts)


def op_state_word(state: str) -> str:
    """An outbox operation's state as the preview says it (stored: pending, sending, done, failed)."""
    words = {OpState.PENDING: pgettext("outbox", "pending"), OpState.SENDING: pgettext("outbox", "sending"),
             OpState.DONE: pgettext("outbox", "sent"), OpState.FAILED: pgettext("outbox", "failed")}
    return words.get(state, state)


def triage_word(action: str) -> str:
    """A triage decision's name as `u` says it undid it (stored: done, snooze, assign, label)."""
    words = {"done": pgettext("undone", "done"), "snooze": pgettext("undone", "snooze"),
             "assign": pgettext("undone", "assign"), "label": pgettext("undone", "label")}
    return words.get(action, action)


class InboxScreen(LikeActions, ModeScreen):
    TITLE_SUFFIX = N_("Inbox")
    BINDINGS = [
        Binding("enter", "thread", N_("Thread"), show=False, id="inbox.thread"),
        Binding("r", "reply", N_("Reply"), id="inbox.reply"),
        # i18n: key bar: mark the item done (answered or needing nothing)
        Binding("e", "done", N_("Done"), id="inbox.done"),
        Binding("s", "snooze", N_("Snooze"), id="inbox.snooze"),
        Binding("a", "assign", N_("Assign"), show=False, id="inbox.assign"),
        Binding("l", "labels", N_("Labels"), show=False, id="inbox.labels"),
        Binding("slash", "search", N_("Search"), id="inbox.search"),
        Binding("f", "like", N_("Like"), id="inbox.like"),  # (the key bar says it in the item's platform's words)
        Binding("b", "share", N_("Share"), show=False, id="inbox.share"),  # (in ? help: the bar keeps the modes)
        Binding("F", "filters", N_("Filter"), show=False, id="inbox.filters"),
        Binding("O", "sort", N_("Sort"), show=False, id="inbox.sort"),
        Binding("c", "group", N_("Conversations"), show=False, id="inbox.group"),
        Binding("x", "select", N_("Select"), show=False, id="inbox.select"),
        Binding("u", "undo", N_("Undo"), show=False, id="inbox.undo"),
        # i18n: open the item in the web browser
        Binding("o", "open", N_("Open"), show=False, id="inbox.open"),
        Binding("ctrl+e", "edit_reply", N_("Reply in $EDITOR"), show=False, id="inbox.editor"),
        Binding("R", "saved_replies", N_("Saved replies"), show=False, id="inbox.saved_replies"),
        Binding("escape", "back", N_("Back"), show=False, id="inbox.back"),
    ]
    AUTO_FOCUS = "#inbox-list"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # app.tcss: a shorter preview and composer
    _counts: dict[str, int] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_filter = InboxFilter()  # what the filter dialog, sort and grouping chose
        self.search_text = ""  # what was typed after /
        self.search_error: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="inbox-counts")
        target = timedelta(minutes=self.app.settings.response_target_minutes)
        yield InboxList(self.store, self.app.now, on_highlight=self.show_item, on_counted=self._show_counts,
                        response_target=target, id="inbox-list")
        yield Static(id="inbox-preview")

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_counts()
        # The search line and the thread pane are built right after the first frame:
        # ready before any key, and the first frame does not wait for them (~15 ms).
        self.call_after_refresh(self._build_panes)

    def _build_panes(self) -> None:
        if self.query("#inbox-search"):
            return
        # i18n: the inbox search line's placeholder; the search's filters stay as written
        placeholder = _("search: words, {filters}").format(filters=SEARCH_FILTERS)
        self.mount(Input(placeholder=placeholder, id="inbox-search", compact=True),
                   after=self.query_one("#inbox-counts"))
        self.mount(ThreadPane(self.app, id="inbox-thread"), after=self.query_one("#inbox-preview"))

    @property
    def inbox(self) -> InboxList:
        return self.query_one(InboxList)

    # -- the filter bar -------------------------------------------------------------
    def on_resize(self) -> None:
        if self._counts is not None:  # the bar fits its words to the width (once shown)
            self.call_after_refresh(self._show_counts)

    def refresh_counts(self) -> None:
        self._counts = self.store.inbox.state_counts()
        self._show_counts()

    def _show_counts(self) -> None:
        if self._counts is None:
            self._counts = self.store.inbox.state_counts()
        counts = self._counts
        inbox = self.inbox
        text = Text(no_wrap=True, overflow="ellipsis")
        for state in ("new", "open", "snoozed", "done"):
            text.append(f"{state_word(state)} ", style="bold" if state in ("new", "open") else "dim")
            text.append(l10n.number(counts[state]), style="bold yellow" if state == "new" else "")
            text.append("  ")
        text.append("│ ", style="dim")
        rest = Text()
        if self.search_error:
            rest.append(f"  │ {self.search_error}", style="bold red")
        elif inbox.filter.search or self.search_text:
            # i18n: the text searched for, in the language's quotation marks
            rest.append("  │ " + _("“{text}”").format(text=self.search_text), style="italic")
        if inbox.selected:
            picked = len(inbox.selected)
            rest.append("  │ " + ngettext("{n} selected", "{n} selected", picked).format(n=l10n.number(picked)),
                        style="bold")
        if inbox.total:
            where = {"position": l10n.number(inbox.cursor + 1), "total": l10n.number(inbox.total)}
            # i18n: the inbox filter bar: the highlighted row's place in the list ("3 of 120");
            # the second form while the list is still being counted
            shown = _("{position} of {total}+ (counting…)") if inbox.counting else _("{position} of {total}")
            rest.append("  │ " + shown.format(**where), style="dim")
        elif not inbox.filter.only_states or inbox.filter.search:
            rest.append("  │ " + _("no matches"), style="dim")
        # On a narrow terminal the filter's words give way (cut with …) before the position.
        described = Text(describe_filter(inbox.filter, inbox.account_names), style="dim")
        room = self.query_one("#inbox-counts", Static).size.width - 1 - text.cell_len - rest.cell_len
        if 0 < room < described.cell_len:
            described.truncate(max(room, 8), overflow="ellipsis")
        text.append_text(described)
        text.append_text(rest)
        # layout=False: fixed-size panes, so the update needs no reflow and lands in the
        # same frame as the list's own repaint.
        self.query_one("#inbox-counts", Static).update(text, layout=False)

    def apply_filter(self) -> None:
        """Re-read the list under the filter and the typed search."""
        try:
            f = narrow(self.base_filter, self.search_text, me=self.app.settings.username)
        except InputError as exc:
            self.search_error = str(exc)  # the list stays as it was
            self._show_counts()
            return
        self.search_error = None
        self._close_panes()  # the thread shown belonged to the list as it was
        inbox = self.inbox
        inbox.selected.clear()
        inbox.cursor = 0
        inbox.reload(f)
        inbox.scroll_to(0, 0, animate=False, immediate=True)
        self.show_item(inbox.current_row)

    # -- search -----------------------------------------------------------------------
    def action_search(self) -> None:
        self._build_panes()
        search = self.query_one("#inbox-search", Input)
        search.display = True
        search.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "inbox-search":
            self.search_text = event.value
            self.apply_filter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "inbox-search":
            self.inbox.focus()  # the results stay; / edits the search again, esc clears it
            if not self.search_text.strip():
                event.input.display = False

    def _clear_search(self) -> None:
        self._build_panes()
        search = self.query_one("#inbox-search", Input)
        search.display = False
        if self.search_text or search.value:
            with search.prevent(Input.Changed):
                search.value = ""
            self.search_text = ""
            self.apply_filter()
        self.inbox.focus()

    # -- filters, sort, grouping --------------------------------------------------------
    def action_filters(self) -> None:
        from cmtui.tui.dialogs.filters import FilterDialog

        def chosen(f) -> None:
            if f is not None and f != self.base_filter:
                self.base_filter = f
                self.apply_filter()

        self.app.push_screen(FilterDialog(self.store, self.app.settings, self.base_filter), chosen)

    def action_sort(self) -> None:
        self.base_filter = self.base_filter.with_(sort=NEXT_SORT[self.base_filter.sort])
        self.apply_filter()
        # i18n: {order} is e.g. "newest first"
        self.notify(_("Sorted {order}.").format(order=_(SORT_WORDS[self.base_filter.sort])), timeout=2)

    def action_group(self) -> None:
        self.base_filter = self.base_filter.with_(grouped=not self.base_filter.grouped)
        self.apply_filter()
        self.notify(_("One row per conversation.") if self.base_filter.grouped else _("Every item on its own row."),
                    timeout=2)

    # -- keeping the list current ---------------------------------------------------------
    def on_data_changed(self, _message: DataChanged) -> None:
        self._reload(accounts_changed=True)
        for line in self.query("CollisionLine"):  # a teammate began replying, or answered: say so
            line.recheck()

    def _reload(self, accounts_changed: bool = False, prefer: list[int] = ()) -> None:
        """The store changed under the list: re-read it, keeping the highlight on its item
        (wherever new or removed rows moved it), else on the nearest row still listed.
        prefer: items to highlight first (what an undo brought back)."""
        inbox = self.inbox
        nearby = [*prefer, *inbox.nearby_ids()]
        self._counts = None  # re-read when shown
        inbox.reload(accounts_changed=accounts_changed)
        inbox.select_first(nearby)
        self.show_item(inbox.current_row)

    def show_item(self, row) -> None:
        """The cursor moved onto row (None when the list is empty)."""
        self._show_counts()
        self.query_one("#inbox-preview", Static).update(self.preview(row), layout=False)
        self._words_changed()

    def preview(self, row) -> Text:
        if row is None:
            if not self.inbox.filter.only_states or self.inbox.filter.search:
                return Text(_("Nothing matches. esc clears the search; F changes the filters."), style="dim")
            if not self.store.accounts.list():
                return Text(_("No accounts yet, so nothing to answer. In a shell, '{add}' connects one and "
                              "'{demo}' opens the demo community; 1 plans posts in the calendar.").format(
                                  add=ADD_ACCOUNT, demo=DEMO), style="dim")
            return Text(_("Inbox zero. Nothing new or open."), style="dim")
        text = Text()
        text.append(row["author_name"] or row["author"], style="bold")
        text.append(f"  {row['author']}", style="dim")
        text.append(f"\n{KIND_MARK.get(row['kind'], '')} {addressed(row, item_place(self.store, row))}",
                    style="dim")  # (a place's name is remote text: appended, never markup)
        text.append(f" · {self.app.format_time(row['created_at'])} · {state_word(row['state'])}", style="dim")
        if row["language"]:
            text.append(f" · {row['language']}", style="dim")
        labels = self.store.inbox.labels(row["id"])
        if labels:
            text.append("  " + " ".join(f"#{label}" for label in labels), style="italic")
        if row["assignee"]:
            text.append(f"  → {row['assignee']}", style="italic")
        text.append_text(replying_words(self.store, row["id"], self.app.settings.username, self.app.now()))
        target = timedelta(minutes=self.app.settings.response_target_minutes)
        left = time_left(row, self.app.now(), target)
        if left is not None:
            text.append(f"\n{describe(left, target)}", style="bold red" if left < 0 else "green")
        text.append(op_words(row), style="italic")  # "favourited", "boosted"
        for op in self.store.outbox.for_item(row["id"]):
            style = {OpState.FAILED: "bold red", OpState.DONE: "green"}.get(op["state"], "yellow")
            # i18n: the preview: an outbox operation on the item and its state ("reply sent")
            text.append("\n" + _("{operation} {state}").format(operation=op_words(row, op["kind"]),
                                                                state=op_state_word(op["state"])), style=style)
            if op["state"] == "failed":
                reason = op["last_error"] or pgettext("outbox", "refused")
                if op["kind"] == "reply":
                    said = _(": {reason} — r edits and retries it").format(reason=reason)
                else:
                    said = _(": {reason}").format(reason=reason)
                text.append(said, style="red")
        if self.store.drafts.get(f"reply:{row['id']}", self.app.settings.username):
            text.append("\n" + _("draft reply saved"), style="italic")
        if self.inbox.filter.grouped and row["group_size"] > 1:
            size = row["group_size"]
            text.append("\n" + ngettext("{n} item in this conversation: actions apply to all",
                                         "{n} items in this conversation: actions apply to all",
                                         size).format(n=l10n.number(size)), style="italic")
        text.append("\n\n")
        text.append(row["text"])  # remote text: appended as plain text, never parsed as markup
        return text

    # -- thread and composer panes ------------------------------------------------------------
    @property
    def thread_pane(self) -> ThreadPane | None:
        """The thread pane when it is open."""
        panes = self.query(ThreadPane)
        return panes.first() if panes and panes.first().display else None

    def _show_thread_pane(self, shown: bool) -> None:
        # Styles set on the three widgets, not a class on the screen: a screen class makes
        # Textual restyle every widget under it (~10 ms of the enter key).
        self.query_one(ThreadPane).display = shown
        self.query_one("#inbox-preview").display = not shown
        self.inbox.set_class(shown, "-with-thread")

    @property
    def composer(self):
        """The composer pane when one is open (imported on the first reply: TextArea and
        Select cost ~13 ms of start-up otherwise)."""
        panes = self.query("ComposerPane")
        return panes.first() if panes else None

    def _open_thread(self, row, focus: bool = True) -> ThreadPane:
        self._build_panes()
        pane = self.query_one(ThreadPane)
        if pane.display and pane.item is not None and pane.item["id"] == row["id"]:
            if focus:
                pane.query_one("#thread-posts").focus()
            return pane
        self._close_panes()
        self._show_thread_pane(True)
        pane.show(row, focus=focus)
        return pane

    def _close_panes(self) -> None:
        for widget in self.query("ComposerPane"):
            widget.remove()
        if self.thread_pane is not None:
            self._show_thread_pane(False)

    def action_thread(self) -> None:
        row = self.inbox.current_row
        if row is None:
            return
        self._open_thread(row)

    def action_reply(self) -> None:
        row = self.inbox.current_row
        if row is None:
            self.notify(_("Nothing to reply to: the inbox is empty."), severity="warning")
            return
        composer = self.composer
        if composer is not None and composer.item["id"] == row["id"]:
            composer.query_one("#composer-text").focus()
            return
        from cmtui.tui.widgets.composer_pane import ComposerPane

        self._open_thread(row, focus=False)
        for widget in self.query(ComposerPane):
            widget.remove()
        account = self.store.accounts.by_id(row["account_id"])
        composer = ComposerPane(self.store, row, account.limits, who=self.app.settings.username, id="inbox-composer")
        self.mount(composer, after=self.query_one(ThreadPane))
        return composer

    def action_edit_reply(self) -> None:
        composer = self.action_reply()
        if composer is None:
            composer = self.composer
        if composer is not None:
            self.call_after_refresh(composer.action_editor)

    def on_composer_pane_closed(self, event) -> None:
        event.stop()
        for widget in self.query("ComposerPane"):
            widget.remove()
        if event.op_id is not None:
            self.notify(_("Reply queued (operation {id}); the next sync sends it.").format(id=event.op_id), timeout=3)
            self._close_panes()
            self._reload()
            self.app.post_message(self.app.SyncChanged())
        else:
            self.show_item(self.inbox.current_row)  # the preview says a draft is kept
            pane = self.thread_pane
            if pane is not None:
                pane.query_one("#thread-posts").focus()
            else:
                self.inbox.focus()

    def action_back(self) -> None:
        """esc: leave the thread pane, else clear the search (the composer keeps its own esc)."""
        if self.thread_pane is not None:
            self._close_panes()
            self.inbox.focus()
        elif self.search_text or any(search.display for search in self.query("#inbox-search")):
            self._clear_search()

    def action_saved_replies(self) -> None:
        from cmtui.tui.dialogs.saved_replies import SavedRepliesDialog

        row = self.inbox.current_row
        self.app.push_screen(SavedRepliesDialog(self.store, row["language"] if row else None, pick=False))

    def _targets(self, nothing: str) -> list[int]:
        """The items to act on; none: says `nothing` (why nothing was done)."""
        targets = self.query_one(InboxList).targets()
        if not targets:
            self.notify(nothing, severity="warning")
        return targets

    def _say(self, message: str) -> None:
        """A toast after the repaint: the list changes first (a toast's layout cost the
        key's frame ~5 ms)."""
        self.call_after_refresh(self.notify, message, timeout=3, markup=False)  # names and labels as written

    def _decided(self, count: int, what: str) -> None:
        inbox = self.inbox
        inbox.selected.clear()
        if self.thread_pane is not None and self.composer is None:
            self._close_panes()  # the item was decided on: back to the list, on to the next one
            inbox.focus()
        self._reload()
        if count > 1:
            # i18n: after a decision on several items; {what} is e.g. "Done" or "Snoozed until …"
            self._say(ngettext("{what}: {n} item. u undoes it.", "{what}: {n} items. u undoes it.",
                               count).format(what=what, n=l10n.number(count)))

    def action_done(self) -> None:
        targets = self._targets(_("Nothing to mark done: the inbox is empty."))
        if targets:
            self.store.triage.done(targets, self.app.settings.username)
            # i18n: the items were marked done
            self._decided(len(targets), pgettext("decided", "Done"))

    def action_select(self) -> None:
        inbox = self.query_one(InboxList)
        inbox.toggle_selected()
        inbox.action_cursor_down()
        self._show_counts()

    def action_snooze(self) -> None:
        from cmtui.tui.dialogs.snooze import SnoozeDialog

        targets = self._targets(_("Nothing to snooze: the inbox is empty."))
        if not targets:
            return

        def snoozed(until) -> None:
            if until is not None:
                self.store.triage.apply(targets, "snooze", {"state": "snoozed", "snooze_until": iso(until)},
                                        self.app.settings.username)
                self._decided(len(targets), _("Snoozed until {when}").format(when=l10n.day_time(until)))

        self.app.push_screen(SnoozeDialog(self.app.now(), self.app.settings.tzinfo(), len(targets)), snoozed)

    def action_assign(self) -> None:
        from cmtui.tui.dialogs.choose import ChooseDialog

        choices = assign_choices(self.app.settings)
        if not choices:
            self.notify(_("No teammates yet: add {setting} to settings.toml.").format(
                setting='teammates = ["ana", "luka"]'), severity="warning", markup=False)
            return
        targets = self._targets(_("Nothing to assign: the inbox is empty."))
        if not targets:
            return

        def assigned(name) -> None:
            if name is not None:
                try:
                    name = assignee(self.app.settings, name)  # only the team (a stale list, a typo)
                except InputError as exc:
                    self.notify(str(exc), severity="error", markup=False)
                    return
                self.store.triage.apply(targets, "assign", {"assignee": name}, self.app.settings.username)
                self._decided(len(targets), _("Assigned to {name}").format(name=name) if name else _("Unassigned"))

        self.app.push_screen(ChooseDialog(_("Assign to…"), choices), assigned)

    def action_labels(self) -> None:
        from cmtui.tui.dialogs.labels import LabelDialog

        targets = self._targets(_("Nothing to label: the inbox is empty."))
        if not targets:
            return
        label_sets = [set(self.store.inbox.labels(i)) for i in targets]
        on_all = set.intersection(*label_sets)
        vocabulary = [*self.app.settings.labels, *self.store.triage.recent_labels(), *set.union(*label_sets)]

        def relabelled(change) -> None:
            if change is not None and (change[0] or change[1]):
                added, removed = change
                self.store.triage.relabel(targets, added, removed, self.app.settings.username)
                self._decided(len(targets), _("Labels changed"))

        self.app.push_screen(LabelDialog(vocabulary, on_all, len(targets)), relabelled)

    def action_open(self) -> None:
        from cmtui.tui.browser import open_in_browser

        row = self.inbox.current_row
        open_in_browser(self.app, row["url"] if row is not None else None)

    def action_undo(self) -> None:
        from cmtui.store.triage import Overtaken
        from cmtui.triage.likes import KINDS as REACTION_KINDS, undo_last

        try:
            undone = undo_last(self.store, answers=self.app.settings.like_answers, who=self.app.settings.username)
        except Overtaken as exc:  # a teammate's later decision stays; the name shown as written
            self.notify(str(exc), severity="warning", markup=False)
            return
        if undone is None:
            self.notify(_("Nothing to undo."), severity="warning")
            return
        count, action = len(undone["items"]), undone["action"]
        if action in REACTION_KINDS:  # taken back through the outbox; said in the platform's words
            self.app.post_message(self.app.SyncChanged())
            first = self.store.inbox.get(undone["items"][0])
            action = op_words(first, action) if first is not None else action
        else:
            action = triage_word(action)
        # i18n: {action} is what was undone: "done", "snooze", "favourite"…
        self._say(ngettext("Undone: {action} on {n} item.", "Undone: {action} on {n} items.", count).format(
            action=action, n=l10n.number(count)))
        self._reload(prefer=sorted(undone["items"]))
