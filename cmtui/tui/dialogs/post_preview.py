"""The post as its platform will show it, before it is saved or sent (`p` or ctrl+o in a
composer): each part of a thread as a card, in order, with the account's name and handle and
the time; links and mentions marked where the platform's profile finds them; a content
warning folded as the platform folds it (the warning, "[show more]", the body hidden; `s`
unfolds); each image's alt text. Everything shown is the user's or a platform's text:
rich Text only, never markup."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from cmtui.i18n import N_, _, ngettext
from cmtui.sync.connectors.base import PlatformProfile
from cmtui.tui.dialogs.base import Dialog

STYLES = {"link": "underline bold cyan", "mention": "bold magenta"}


@dataclass(frozen=True)
class Preview:
    """What the preview shows: the parts (one for a plain post), who posts them and when."""

    parts: tuple[str, ...]
    profile: PlatformProfile
    name: str  # the account's display name (or its name here)
    handle: str
    when: str  # already in words ("Tue, 2 Dec 2026, 09:00": l10n.day_year_time)
    content_warning: str = ""
    media: tuple[tuple[int, str], ...] = ()  # (part, alt text) of each image, in order


def marked(text: str, profile: PlatformProfile) -> Text:
    """The text literally, its links and mentions styled as the platform shows them."""
    shown = Text(text)
    for start, end, kind in profile.highlights(text):
        shown.stylize(STYLES.get(kind, "bold"), start, end)
    return shown


def card(preview: Preview, index: int, unfolded: bool = False) -> Text:
    """One part as a card's content: header, the warning (folded) or the body, the images."""
    out = Text()
    out.append(preview.name or preview.handle, style="bold")
    if preview.handle and preview.handle != preview.name:
        out.append(f"  @{preview.handle.lstrip('@')}", style="dim")
    out.append(f"  · {preview.when}\n", style="dim")
    if index > 0:
        out.append("↳ " + _("in reply to the part above") + "\n", style="dim italic")
    text = preview.parts[index]
    if preview.content_warning:
        out.append("⚠ ", style="yellow")
        out.append(Text(preview.content_warning, style="bold yellow"))
        out.append("  " + (_("[show less]") if unfolded else _("[show more]")), style="reverse")
        out.append("\n")
    if not preview.content_warning or unfolded:
        out.append_text(marked(text, preview.profile) if text.strip() else Text(_("(empty part)"), style="red"))
        out.append("\n")
    for part, alt in preview.media:
        if part == index:
            # i18n: before an image's alt text in the preview of a post
            out.append("🖼 " + _("alt:") + " ", style="dim")
            out.append(Text(alt) if alt.strip() else Text(_("(no alt text)"), style="red"))
            out.append("\n")
    out.rstrip()
    return out


class PostPreview(Dialog):
    CSS_PATH = Path(__file__).with_name("post_preview.tcss")  # read when first shown
    BINDINGS = [
        Binding("escape,p,ctrl+o", "dismiss(None)", N_("Close"), id="preview.close"),
        Binding("s", "fold", N_("Show more/less"), id="preview.fold"),
    ]

    def __init__(self, preview: Preview):
        super().__init__()
        self.preview = preview
        self.unfolded = False

    def compose(self) -> ComposeResult:
        p, n = self.preview, len(self.preview.parts)
        with Vertical():
            title = (ngettext("Preview · {platform} · a thread of {n} part",
                              "Preview · {platform} · a thread of {n} parts", n).format(platform=p.profile.label, n=n)
                     if n > 1
                     else _("Preview · {platform}").format(platform=p.profile.label))
            yield Static(Text(title, style="bold"))
            with VerticalScroll(id="preview-cards"):
                for index in range(n):
                    box = Static(card(p, index), classes="preview-card", id=f"preview-part-{index + 1}")
                    box.border_title = f"{index + 1}/{n}" if n > 1 else None
                    yield box
            hint = (_("s show more") + " · " if p.content_warning else "") + _("esc close")
            yield Static(Text(hint, style="dim"), id="preview-hint")

    def action_fold(self) -> None:
        if not self.preview.content_warning:
            return
        self.unfolded = not self.unfolded
        for index in range(len(self.preview.parts)):
            self.query_one(f"#preview-part-{index + 1}", Static).update(card(self.preview, index, self.unfolded))
        hint = (_("s show less") if self.unfolded else _("s show more")) + " · " + _("esc close")
        self.query_one("#preview-hint", Static).update(Text(hint, style="dim"))


def preview_of(text: str, account, profile: PlatformProfile, when: str, content_warning: str = "",
               media=(), *, thread: bool = True) -> Preview:
    """A composer's form as the preview shows it: its parts (split where a line holds only
    ---, unless it is no thread: a reply), the account (None: not chosen yet), the images
    (model.Attachment dicts: part, alt)."""
    from cmtui.planning.threads import raw_parts

    name = (account.display_name or account.name) if account is not None else _("no account yet")
    handle = (account.handle or "") if account is not None else ""
    images = tuple((int(m.get("part") or 0), str(m.get("alt") or "")) for m in media or () if isinstance(m, dict))
    parts = tuple(raw_parts(text)) if thread else (text.strip(),)
    return Preview(parts, profile, name, handle, when, (content_warning or "").strip(), images)
