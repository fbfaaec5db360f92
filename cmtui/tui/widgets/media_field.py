"""The composer's "media" row: images a post carries, each with its alt text.

Type a file's path and its alt text, enter adds it (the file is checked and copied beside the
database at once, so a moved original does not matter later). With the path empty, enter
gives the alt text to the first image still without one. The line under the row says what
is attached ("2 images, alt text missing on 1"); its picker removes one. `problem()` is what
blocks a save: alt text missing (unless the settings relax it) or the platform's limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.media import alt_problem, as_attachments, check_for_account, keep, summary
from cmtui.model import Attachment

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


class MediaField(Vertical):
    DEFAULT_CSS = """
    MediaField { height: auto; }
    MediaField > .row { height: 1; margin-top: 1; }
    MediaField .label { width: auto; padding: 0 1 0 0; color: $text-muted; }
    MediaField #media-path { width: 2fr; }
    MediaField #media-alt { width: 3fr; }
    MediaField #media-list { height: 1; display: none; }
    MediaField #media-summary { width: 1fr; height: 1; }
    MediaField #media-remove { width: 30; }
    """

    class Changed(Message):
        """The images changed (the composer keeps its form)."""

    def __init__(self, store: Store, settings: Settings, attachments=(), *, id: str | None = None):
        super().__init__(id=id)
        self.store, self.settings = store, settings
        self.attachments: list[Attachment] = as_attachments(attachments)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Static(_("media"), classes="label")
            yield Input(placeholder=_("e.g. ~/Pictures/poster.png (enter adds)"), compact=True, id="media-path")
            yield Static(_("alt text"), classes="label")
            yield Input(placeholder=_("e.g. two people at a table (what it shows)"), compact=True,
                        id="media-alt")
        with Horizontal(id="media-list"):
            yield Static(id="media-summary")
            yield Select([], prompt=_("remove an image…"), compact=True, id="media-remove")

    def on_mount(self) -> None:
        self._show()

    @property
    def value(self) -> list[dict]:
        """The form value: Attachment dicts, in order."""
        return [a.to_json() for a in self.attachments]

    def problem(self, account) -> str | None:
        """Why the post cannot be saved with these images (None: it can)."""
        missing = alt_problem(self.attachments, self.settings.media_alt_required)
        if missing:
            return _("{problem}: type it and press enter with the path empty").format(problem=missing)
        try:
            check_for_account(self.attachments, account, alt_required=self.settings.media_alt_required)
        except InputError as exc:
            return str(exc)
        return None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id not in ("media-path", "media-alt"):
            return
        event.stop()
        path_input, alt_input = self.query_one("#media-path", Input), self.query_one("#media-alt", Input)
        path, alt = path_input.value.strip(), alt_input.value
        try:
            if path:
                # Kept now even without alt text: the summary says it is missing and save waits for it.
                self.attachments.append(keep(path, alt, self.store.media_dir(), alt_required=False))
            elif alt.strip():
                index = next((i for i, a in enumerate(self.attachments) if not a.alt), None)
                if index is None:
                    raise InputError(_("every image has its alt text; type a path to add another"))
                old = self.attachments[index]
                self.attachments[index] = Attachment(old.file, " ".join(alt.split()), old.mime, old.size, old.part)
            else:
                return
        except InputError as exc:
            self.app.notify(str(exc), severity="error", timeout=6, markup=False)
            return
        path_input.value = alt_input.value = ""
        self._changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "media-remove":
            return
        event.stop()
        if isinstance(event.value, int) and 0 <= event.value < len(self.attachments):
            del self.attachments[event.value]
            self._changed()

    def _changed(self) -> None:
        self._show()
        self.post_message(self.Changed())

    def _show(self) -> None:
        shown = Text(summary(self.attachments), style="yellow" if alt_problem(self.attachments, True) else "dim")
        self.query_one("#media-summary", Static).update(shown)
        picker = self.query_one("#media-remove", Select)
        with picker.prevent(Select.Changed):
            picker.set_options([(Text(f"{i + 1}. {a.alt or _('(no alt text)')}"), i)  # typed text: shown literally
                                for i, a in enumerate(self.attachments)])
        self.query_one("#media-list").display = bool(self.attachments)
