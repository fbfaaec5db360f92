"""`l`: tick the labels the items should carry, or type a new one. Dismisses with
(added, removed) label sets, or None."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, SelectionList, Static

from cmtui.text import sanitize
from cmtui.tui.dialogs.base import Dialog


class LabelDialog(Dialog):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="labels.cancel"),
        Binding("ctrl+s", "apply", "Apply", priority=True, id="labels.apply"),
    ]

    DEFAULT_CSS = """
    LabelDialog SelectionList { height: auto; max-height: 12; margin: 1 0; }
    """

    def __init__(self, vocabulary: list[str], on_all: set[str], count: int):
        """on_all: the labels every target item already has (shown ticked)."""
        super().__init__()
        self.vocabulary = sorted(set(vocabulary) | on_all)
        self.on_all = on_all
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical():
            what = "this item" if self.count == 1 else f"these {self.count} items"
            yield Static(Text(f"Labels of {what}", style="bold"))
            yield SelectionList[str](*((Text(label), label, label in self.on_all) for label in self.vocabulary))
            yield Input(placeholder="new label, enter to add", id="label-input")
            yield Static(Text("space ticks · ctrl+s applies · esc cancels", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        label = sanitize(event.value, max_len=40, single_line=True).lstrip("#").strip()
        if not label:
            return
        selection = self.query_one(SelectionList)
        if label not in self.vocabulary:
            self.vocabulary.append(label)
            selection.add_option((Text(label), label, True))
        else:
            selection.select(label)
        event.input.value = ""

    def action_apply(self) -> None:
        ticked = set(self.query_one(SelectionList).selected)
        self.dismiss((ticked - self.on_all, self.on_all - ticked))
