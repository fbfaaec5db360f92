"""The reply composer, a pane under the thread. ctrl+s queues the reply in the outbox (the
next sync sends it); esc keeps the draft for later. The draft is saved as the user types,
so a crash loses nothing; a failed reply comes back here to be edited and sent again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Select, Static, TextArea

from cmtui import l10n
from cmtui.compose import queue_reply
from cmtui.errors import InputError
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.sync.connectors import profile_for
from cmtui.tui.external_editor import split_front_matter
from cmtui.tui.places import addressed, item_place
from cmtui.tui.widgets.collision import CollisionLine

if TYPE_CHECKING:
    from cmtui.store import Store

SAVE_AFTER = 0.5  # seconds of quiet typing before the draft is written
LANGUAGES = ("en", "es", "fr", "sl", "de", "it", "pt", "nl")


class ComposerPane(Vertical):
    BINDINGS = [
        Binding("ctrl+s", "send", N_("Queue reply"), priority=True, id="composer.send"),
        Binding("escape", "keep", N_("Keep draft"), id="composer.keep"),
        # priority: the text area has its own ctrl+e (end of line), and keys reach it first.
        Binding("ctrl+t", "saved_reply", N_("Saved reply"), priority=True, id="composer.saved"),
        # i18n: the environment variable naming the user's editor: keep it as is
        Binding("ctrl+e", "editor", N_("$EDITOR"), priority=True, id="composer.editor"),
        Binding("ctrl+o", "preview", N_("Preview"), show=False, priority=True, id="composer.preview"),
    ]

    class Closed(Message):
        """The composer is done: op_id queued, or None when the draft was kept."""

        def __init__(self, op_id: int | None) -> None:
            super().__init__()
            self.op_id = op_id

    def __init__(self, store: Store, item, limits: dict, *, who: str, id: str | None = None):
        super().__init__(id=id)
        self.store = store
        self.who = who  # whose draft this is (each person's own on a shared file)
        self.item = item
        self.limits = limits
        self.profile = profile_for(item["platform"])  # how the reply is counted, addressed and seen
        self.context = f"reply:{item['id']}"
        self._save_timer = None
        self.sent = False
        self._latest: str | None = None  # the text as last typed (readable after unmount)
        self.failed = store.outbox.failed_reply(item["id"])

    def _start_text(self) -> str:
        draft = self.store.drafts.get(self.context, self.who)
        if draft is not None:
            return draft
        if self.failed is not None:
            return self.failed.text
        return self.profile.reply_prefix(self.item["author"])

    def compose(self) -> ComposeResult:
        # i18n: the composer's title: "Reply to Ada Lovelace"
        title = Text.assemble((_("Reply to {author}").format(author=self.item["author_name"] or self.item["author"]),
                               "bold"), (f"  {addressed(self.item, item_place(self.store, self.item))}", "dim"))
        if self.failed is not None:
            reason = self.failed.last_error or pgettext("outbox", "refused")
            title.append("  · " + _("editing the failed reply: {reason}").format(reason=reason), style="red")
        yield Static(title, id="composer-title")
        yield CollisionLine(self.store, self.item["id"], id="composer-collision")  # "⚠ Ana is replying"
        yield TextArea(self._start_text(), id="composer-text", soft_wrap=True, show_line_numbers=False, compact=True)
        language = self.item["language"] or "en"
        languages = [language, *(code for code in LANGUAGES if code != language)]
        with Horizontal(id="composer-options"):
            yield Static(_("language"))
            yield Select([(code, code) for code in languages], value=language, allow_blank=False,
                         compact=True, id="composer-language")
            if self.profile.visibilities:
                yield Static(_("visibility"))
                yield Select([(self.profile.visibility_label(v), v) for v in self.profile.visibilities],
                             value=self.profile.reply_visibility(self.item), allow_blank=False, compact=True,
                             id="composer-visibility")
        yield Static(id="composer-status")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self._show_count()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def _show_count(self, error: str | None = None) -> None:
        # Counted as it will be sent: with the author's mention that queueing adds.
        author = self.item["author"]
        body, files = split_front_matter(self.text)  # images named at the top ($EDITOR's front matter)
        used, limit = self.profile.reply_length(body, author, self.limits)
        status = Text(f"{used} / {limit}", style="bold red" if used > limit else "dim")
        if body.strip() and not self.profile.mentions(body, author):
            # i18n: the composer's count includes the author's mention that queueing adds
            status.append(" " + _("incl. {mention}").format(mention=self.profile.mention_shown(author)), style="dim")
        if files:
            status.append(" · " + ngettext("{n} image", "{n} images", len(files)).format(n=l10n.number(len(files))),
                          style="dim")
        status.append("   " + _("ctrl+s queue · ctrl+t saved reply · ctrl+e $EDITOR · esc keep draft"), style="dim")
        if error:
            status = Text(error, style="bold red")
        self.query_one("#composer-status", Static).update(status)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._latest = event.text_area.text
        self._show_count()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER, self._save_draft)

    def _save_draft(self) -> None:
        self.store.drafts.save(self.context, self.text, self.who)

    def set_text(self, text: str) -> None:
        area = self.query_one(TextArea)
        area.load_text(text)
        area.move_cursor(area.document.end)
        area.focus()
        self._save_draft()  # text from a saved reply or the editor is a decision too
        self._show_count()

    def action_send(self) -> None:
        found = self.query_one(CollisionLine).recheck()
        if found is None:
            self._queue()
            return

        def answered(yes: bool | None) -> None:  # a second answer: only on an explicit yes
            if not self.is_mounted:  # the pane went meanwhile (its draft is kept)
                return
            if yes:
                self._queue()
            else:
                self._save_draft()
                self.query_one(TextArea).focus()

        from cmtui.tui.dialogs.second_answer import SecondAnswerDialog

        self.app.push_screen(SecondAnswerDialog(found), answered)

    def _queue(self) -> None:
        from cmtui.media import keep_all

        alt_required = self.app.settings.media_alt_required
        try:
            body, files = split_front_matter(self.text)
            media = keep_all(files, self.store.media_dir(), self.store.accounts.require_id(self.item["account_id"]),
                             alt_required=alt_required) if files else []
            op_id = queue_reply(self.store, self.item["id"], body,
                                language=self.query_one("#composer-language", Select).value,
                                visibility=self._visibility(),
                                retry_op=self.failed.op_id if self.failed is not None else None,
                                media=media, alt_required=alt_required, who=self.who)
        except InputError as exc:
            self._show_count(str(exc))  # nothing queued, the text stays
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self.store.drafts.delete(self.context, self.who)
        self.sent = True
        self.post_message(self.Closed(op_id))

    def _visibility(self) -> str | None:
        if not self.profile.visibilities:
            return None
        return str(self.query_one("#composer-visibility", Select).value)

    def on_unmount(self) -> None:
        """However the pane goes (another item's reply, a mode switch, quitting), the
        words typed since the last debounced save are kept."""
        if not self.sent and self._latest is not None:
            if self._save_timer is not None:
                self._save_timer.stop()
            self.store.drafts.save(self.context, self._latest, self.who)

    def action_keep(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_draft()
        self.post_message(self.Closed(None))

    def action_saved_reply(self) -> None:
        from cmtui.saved_replies import expand
        from cmtui.tui.dialogs.saved_replies import SavedRepliesDialog

        def picked(body) -> None:
            if body:
                text = expand(body, self.item, self.item["account"])
                mention = self.profile.reply_prefix(self.item["author"]).strip()
                if mention and self.text.lstrip().startswith(mention) and not self.profile.mentions(
                        text, self.item["author"]):
                    text = f"{mention} {text}"  # the mention the reply started with stays in sight
                self.set_text(text)

        self.app.push_screen(SavedRepliesDialog(self.store, self.item["language"], pick=True), picked)

    def action_preview(self) -> None:
        """ctrl+o: the reply as its platform will show it (dialogs.post_preview)."""
        from cmtui.tui.dialogs.post_preview import PostPreview, preview_of

        account = self.store.accounts.by_id(self.item["account_id"])
        shown = l10n.day_year_time(self.app.now().astimezone(self.app.settings.tzinfo()))
        text = self.profile.reply_text(self.text, self.item["author"]) if self.text.strip() else ""
        self.app.push_screen(PostPreview(preview_of(text, account, self.profile, shown, thread=False)))

    def action_editor(self) -> None:
        from cmtui.tui.external_editor import EditorError, edit_in_editor

        try:
            text = edit_in_editor(self.app, self.text)
        except EditorError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        if text is not None:
            self.set_text(text.rstrip("\n"))
