"""Saved replies: pick one to insert, or add, edit and delete them.

SavedRepliesDialog dismisses with the picked reply's body (the template, variables not yet
filled in: cmtui.saved_replies.expand does that) or None. SavedReplyEditor writes one reply
to the store and dismisses with its id, or None when cancelled.
"""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from cmtui.errors import InputError
from cmtui.i18n import N_, _, pgettext
from cmtui.saved_replies import VARIABLES
from cmtui.text import first_line, one_line
from cmtui.tui.dialogs.base import Dialog

if TYPE_CHECKING:
    from cmtui.store import Store



def variable_hint() -> str:
    """The variables a saved reply may use, named as they are typed (never translated)."""
    # i18n: {names} are the variables as typed in a reply ({author} …): they stay in English.
    return _("variables: {names}").format(names=" ".join("{%s}" % name for name in VARIABLES))


def _base_language(language: str | None) -> str | None:
    """'en-GB' -> 'en'; None or '' -> None."""
    if not language:
        return None
    return language.replace("_", "-").split("-", 1)[0].strip().lower() or None


def _matches(reply, words: list[str]) -> bool:
    haystack = f"{reply['name']}\n{reply['body']}".casefold()
    return all(word in haystack for word in words)


class SavedRepliesDialog(Dialog):
    CSS_PATH = Path(__file__).with_name("saved_replies.tcss")  # read when first shown
    BINDINGS = [
        Binding("enter", "pick", N_("Insert / edit"), priority=True, id="saved.pick"),
        Binding("ctrl+n", "add", N_("New saved reply"), priority=True, id="saved.add"),
        Binding("f2,ctrl+o", "edit", N_("Edit saved reply"), priority=True, id="saved.edit"),
        Binding("ctrl+d", "delete", N_("Delete saved reply"), priority=True, id="saved.delete"),
        Binding("delete", "delete", N_("Delete saved reply"), show=False, id="saved.delete_key"),
        Binding("down", "cursor(1)", N_("Next"), show=False, id="saved.down"),
        Binding("up", "cursor(-1)", N_("Previous"), show=False, id="saved.up"),
        Binding("escape", "close", N_("Close"), id="saved.close"),
    ]

    def __init__(self, store: Store, language: str | None, pick: bool):
        """language: the item's language, whose replies come first; pick: enter returns the
        highlighted body (else enter edits it)."""
        super().__init__()
        self.store = store
        self.language = _base_language(language)
        self.pick = pick
        self._all: list = []  # every saved reply, the item's language first
        self.shown: list = []  # the replies in the list (those the filter lets through), in order
        self._confirm_id: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(_("Insert a saved reply") if self.pick else _("Saved replies"), style="bold"))
            yield Input(placeholder=_("type to filter by name or text"), id="saved-filter")
            yield OptionList(id="saved-list")
            yield Static(id="saved-status")
            keys = (_("enter insert · ctrl+n new · f2 edit · ctrl+d delete · esc close") if self.pick
                    else _("enter edit · ctrl+n new · f2 edit · ctrl+d delete · esc close"))
            yield Static(Text(f"{keys}\n{variable_hint()}"), id="saved-hint")

    def on_mount(self) -> None:
        self._reload()
        self.query_one("#saved-filter", Input).focus()

    # -- the list ---------------------------------------------------------------------

    def _reload(self, select_id: int | None = None) -> None:
        replies = self.store.replies.list()
        # The item's language first, then the others by language and name.
        self._all = sorted(replies, key=lambda r: (r["language"] != self.language, r["language"], r["name"].casefold()))
        self._apply_filter(select_id)

    def _apply_filter(self, select_id: int | None = None) -> None:
        if select_id is None and (current := self.highlighted()) is not None:
            select_id = current["id"]
        words = self.query_one("#saved-filter", Input).value.casefold().split()
        self.shown = [r for r in self._all if _matches(r, words)]
        options = self.query_one("#saved-list", OptionList)
        options.clear_options()
        options.add_options([self._option(r) for r in self.shown])
        if self.shown:
            ids = [r["id"] for r in self.shown]
            options.highlighted = ids.index(select_id) if select_id in ids else 0
        self._cancel_confirm()
        if not self._all:
            self._status(Text(_("No saved replies yet: ctrl+n adds one."), style="dim"))
        elif not self.shown:
            self._status(Text(_("No saved reply matches."), style="dim"))

    @staticmethod
    def _option(reply) -> Option:
        prompt = Text.assemble((one_line(reply["name"]), "bold"), "  ", (reply["language"], "cyan"), "\n")
        prompt.append(f"  {first_line(reply['body'], 200)}", style="dim")
        return Option(prompt, id=str(reply["id"]))

    def highlighted(self):
        """The highlighted saved reply (a row), or None."""
        index = self.query_one("#saved-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    def _status(self, text: Text | str = "") -> None:
        self.query_one("#saved-status", Static).update(text)

    def _cancel_confirm(self) -> None:
        if self._confirm_id is not None:
            self._confirm_id = None
            self._status()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "saved-filter":
            self._status()
            self._apply_filter()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self._confirm_id is not None and event.option.id != str(self._confirm_id):
            self._cancel_confirm()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # A click on a row (enter is the screen's own binding).
        event.stop()
        self.action_pick()

    # -- actions ----------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        options = self.query_one("#saved-list", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_pick(self) -> None:
        reply = self.highlighted()
        if reply is None:
            return
        if self.pick:
            self.dismiss(reply["body"])
        else:
            self.action_edit()

    def action_add(self) -> None:
        self._cancel_confirm()
        self.app.push_screen(SavedReplyEditor(self.store, None, self.language or "en"), self._edited)

    def action_edit(self) -> None:
        self._cancel_confirm()
        reply = self.highlighted()
        if reply is not None:
            self.app.push_screen(SavedReplyEditor(self.store, reply), self._edited)

    def _edited(self, reply_id: int | None) -> None:
        if reply_id is None:
            return
        reply = self.store.replies.get(reply_id)
        filter_input = self.query_one("#saved-filter", Input)
        if reply is not None and not _matches(reply, filter_input.value.casefold().split()):
            with filter_input.prevent(Input.Changed):
                filter_input.value = ""  # show the reply just written even if the filter hides it
        self._reload(reply_id)
        if reply is not None:
            self._status(Text(_("Saved “{name}”.").format(name=one_line(reply["name"])), style="green"))

    def action_delete(self) -> None:
        reply = self.highlighted()
        if reply is None:
            return
        name = one_line(reply["name"])
        if self._confirm_id != reply["id"]:
            self._confirm_id = reply["id"]
            self._status(Text(_("Delete “{name}”? Press ctrl+d again to delete, esc to keep it.").format(name=name),
                              style="bold red"))
            return
        self._confirm_id = None
        self.store.replies.delete(reply["id"], who=self.app.settings.username)
        index = self.query_one("#saved-list", OptionList).highlighted or 0
        self._reload()
        if self.shown:
            self.query_one("#saved-list", OptionList).highlighted = min(index, len(self.shown) - 1)
        self._status(Text(_("Deleted “{name}”.").format(name=name), style="dim"))

    def action_close(self) -> None:
        if self._confirm_id is not None:
            self._cancel_confirm()  # esc first takes back a pending delete
            return
        self.dismiss(None)


class SavedReplyEditor(Dialog):
    CSS_PATH = Path(__file__).with_name("saved_replies.tcss")  # read when first shown
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True, id="saved_editor.save"),
        Binding("ctrl+e", "external", N_("Edit text in $EDITOR"), priority=True, id="saved_editor.external"),
        Binding("escape", "cancel", N_("Cancel"), priority=True, id="saved_editor.cancel"),
    ]

    def __init__(self, store: Store, reply=None, language: str = "en"):
        """reply: the row to edit, or None for a new one in language."""
        super().__init__()
        self.store = store
        self.reply = reply
        self.language = reply["language"] if reply is not None else language

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(_("Edit saved reply") if self.reply is not None else _("New saved reply"), style="bold"))
            with Horizontal(id="saved-editor-fields"):
                yield Input(self.reply["name"] if self.reply is not None else "", placeholder=pgettext("saved reply", "name"), id="saved-name")
                yield Input(self.language, placeholder="en", max_length=3, id="saved-language")
            yield TextArea(self.reply["body"] if self.reply is not None else "", id="saved-body",
                           soft_wrap=True, show_line_numbers=False)
            yield Static(id="saved-editor-status")

    def on_mount(self) -> None:
        if self.reply is None:
            self.query_one("#saved-name", Input).focus()
        else:
            area = self.query_one("#saved-body", TextArea)
            area.focus()
            area.move_cursor(area.document.end)
        self._show_status()

    def _show_status(self, error: str | None = None) -> None:
        if error:
            text = Text(error, style="bold red")
        else:
            keys = _("ctrl+s save · ctrl+e edit in $EDITOR · esc cancel")
            text = Text(f"{keys}\n{variable_hint()}", style="dim")
        self.query_one("#saved-editor-status", Static).update(text)

    def action_save(self) -> None:
        name = self.query_one("#saved-name", Input).value
        language = self.query_one("#saved-language", Input).value
        body = self.query_one("#saved-body", TextArea).text
        try:
            if self.reply is None:
                reply_id = self.store.replies.add(name, language, body, who=self.app.settings.username)
            else:
                reply_id = self.reply["id"]
                self.store.replies.update(reply_id, name, language, body, who=self.app.settings.username)
        except InputError as exc:
            self._show_status(str(exc))  # nothing stored; the fields keep what was typed
            return
        self.dismiss(reply_id)

    def action_external(self) -> None:
        from cmtui.tui.external_editor import EditorError, edit_in_editor

        area = self.query_one("#saved-body", TextArea)
        try:
            edited = edit_in_editor(self.app, area.text)
        except EditorError as exc:
            self._show_status(str(exc))
            return
        if edited is None:
            self._show_status(_("the editor exited with an error; the text is unchanged"))
            return
        area.text = edited
        area.move_cursor(area.document.end)
        area.focus()
        self._show_status()

    def action_cancel(self) -> None:
        self.dismiss(None)
