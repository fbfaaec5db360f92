"""A calendar entry's history as lines of text: who moved it from which status to which, and
why; a content edit that kept its status reads as an edit. Shared by the calendar's detail
and the approvals screen."""

from __future__ import annotations

from rich.text import Text

from cmtui.i18n import _, pgettext
from cmtui.model import status_name
from cmtui.planning.lifecycle import EDITED
from cmtui.text import sanitize


def history_line(when: str, who: str | None, before: str | None, after: str, comment: str | None) -> Text:
    """One step of the history (names and comments are data: shown literally, dimmed)."""
    who = sanitize(who or "", single_line=True) or "?"
    if before == after and comment == EDITED:
        return Text(_("{when} {who} edited it").format(when=when, who=who), style="dim")
    shown = status_name(before) if before else pgettext("entry status", "new")
    line = Text(f"{when} {who}: {shown} → {status_name(after)}", style="dim")
    if comment:
        line.append(f" “{sanitize(comment, single_line=True)}”", style="italic dim")
    return line
