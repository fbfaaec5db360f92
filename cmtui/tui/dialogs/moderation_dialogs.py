"""The questions a moderation decision asks: report (category, comment, forward), an account
action on an instance report (which action, a text), and a warning (which guideline, with
the reply it will send). Each dismisses with the answers, or None on esc."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _, ngettext
from cmtui.tui.dialogs.base import Dialog

if TYPE_CHECKING:
    from cmtui.store import Store


def scope_choices(items: int, others: int) -> list[tuple[str, str]]:
    """The two answers to "this item or all of the author's open items?" (values one / all)."""
    if items == 1:
        this = _("this item only")
    else:
        # i18n: several items (never one: "this item only" is said then).
        this = ngettext("these {n} item only", "these {n} items only", items).format(n=l10n.number(items))
    total = items + others
    every = ngettext("all {n} of the author's open items", "all {n} of the author's open items", total)
    return [(this, "one"), (every.format(n=l10n.number(total)), "all")]


_PLACE_ACTIONS = {"kick": N_("kick — remove them from it (they may join again)"),
                  "ban": N_("ban — remove them and keep them out"),
                  "unban": N_("unban — lift their ban (they may join again)")}


def place_action_choices(actions: tuple[str, ...]) -> list[tuple[str, str]]:
    """The place actions (kick, ban, unban) a platform offers, as a picker's (label, value) pairs."""
    return [(_(_PLACE_ACTIONS[a]), a) for a in actions]


class PickDialog(Dialog):
    """One of a few choices, a line of text and optionally a yes/no box. Dismisses with
    {"choice", "text", "checked"} on enter in the text (or ctrl+s), None on esc."""
    CSS_PATH = Path(__file__).with_name("moderation_dialogs.tcss")  # read when first shown

    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Cancel"), id="moderation_pick.cancel"),
        Binding("ctrl+s", "done", N_("Confirm"), priority=True, id="moderation_pick.confirm"),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str]], *, default: str = "", hint: str = "",
                 checkbox: str = "", can_check: bool = True, note: str = ""):
        """choices: (label, value); checkbox: its label ("" for none)."""
        super().__init__()
        self.title_text, self.choices, self.default, self.hint = title, choices, default, hint
        self.checkbox, self.can_check, self.note = checkbox, can_check, note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))  # may quote remote names: never markup
            if self.note:
                yield Static(Text(self.note, style="dim"))
            with RadioSet(id="pick-choice"):
                for label, value in self.choices:
                    yield RadioButton(Text(label), value=value == self.default, name=value)
            yield Input(placeholder=self.hint, id="pick-text")
            if self.checkbox:
                yield Checkbox(Text(self.checkbox), False, id="pick-check", disabled=not self.can_check)
            yield Static(Text(_("↑↓ choose · tab next · enter (in the text) or ctrl+s confirms · esc cancels"),
                              style="dim"))

    def on_mount(self) -> None:
        choice = self.query_one("#pick-choice", RadioSet)
        # The keyboard highlight starts on the first button: move it to the default one.
        for _ in range(next((n for n, (_, value) in enumerate(self.choices) if value == self.default), 0)):
            choice.action_next_button()
        choice.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_done()

    def action_done(self) -> None:
        pressed = self.query_one("#pick-choice", RadioSet).pressed_button
        if pressed is None:
            self.notify(_("Choose one first (↑↓ then enter)."), severity="warning")
            return
        boxes = self.query("#pick-check")
        self.dismiss({"choice": pressed.name, "text": self.query_one("#pick-text", Input).value.strip(),
                      "checked": bool(boxes and boxes.first(Checkbox).value)})


class WarnDialog(Dialog):
    """`w`: pick a guideline, read the reply it will send, add a sentence if needed.
    Dismisses with (guideline number, added sentence), or None."""
    CSS_PATH = Path(__file__).with_name("moderation_dialogs.tcss")  # read when first shown

    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Cancel"), id="moderation_warn.cancel"),
        Binding("ctrl+s", "done", N_("Queue the warning"), priority=True, id="moderation_warn.confirm"),
    ]
    def __init__(self, store: Store, guidelines: list, author: str, count: int):
        super().__init__()
        self.store, self.guidelines, self.author, self.count = store, guidelines, author, count

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.count == 1:
                title = _("Warn {author}: a reply citing a guideline (sent at the next sync)").format(
                    author=self.author)
            else:
                # i18n: several items (never one: the author's name is said then).
                title = ngettext("Warn the authors of {n} item: a reply citing a guideline (sent at the next sync)",
                                 "Warn the authors of {n} items: a reply citing a guideline (sent at the next sync)",
                                 self.count).format(n=l10n.number(self.count))
            yield Static(Text(title, style="bold"))
            yield OptionList(*(Option(Text(f"{g['position']}. {g['title']}"), id=str(g["position"]))
                               for g in self.guidelines), id="warn-guideline")
            yield Static(id="warn-preview")
            yield Input(placeholder=_("a sentence to add to the reply (optional)"), id="warn-text")
            yield Static(Text(_("↑↓ guideline · tab to the text · enter or ctrl+s queues it · esc cancels"),
                              style="dim"))

    def on_mount(self) -> None:
        options = self.query_one("#warn-guideline", OptionList)
        options.highlighted = 0
        options.focus()
        self._preview()

    @property
    def number(self) -> int | None:
        options = self.query_one("#warn-guideline", OptionList)
        if options.highlighted is None:
            return None
        return int(options.get_option_at_index(options.highlighted).id)

    def _preview(self) -> None:
        from cmtui.moderation.actions import guideline_warning

        number = self.number
        try:
            text = guideline_warning(self.store, number, self.author,
                                     self.query_one("#warn-text", Input).value) if number else ""
        except CmtuiError as exc:  # the guideline went away meanwhile
            text = str(exc)
        self.query_one("#warn-preview", Static).update(Text(text))  # guideline text: literal

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._preview()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#warn-text", Input).focus()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_done()

    def action_done(self) -> None:
        if self.number is not None:
            self.dismiss((self.number, self.query_one("#warn-text", Input).value.strip()))
