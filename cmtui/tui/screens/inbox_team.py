"""The inbox's team parts, kept out of inbox.py: who else is replying to the item shown
(the preview's "✎ Ana is replying"), and whom an item can be assigned to (the team)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from cmtui import team
from cmtui.i18n import _, ngettext

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

REPLYING_MARK = "✎"


def replying_words(store: Store, item_id: int, who: str, now: datetime) -> Text:
    """"\n✎ Ana is replying" for the preview when teammates are writing a reply to the item
    (one look-up in the small presence table), else nothing."""
    names = [name for name, _since in store.presence.others(item_id, who, now)]
    if not names:
        return Text()
    said = ngettext("{names} is replying", "{names} are replying", len(names)).format(names=", ".join(names))
    return Text(f"\n{REPLYING_MARK} {said}", style="bold yellow")  # names are plain text, never markup


def assign_choices(settings: Settings) -> list[tuple[str, str]]:
    """The team, teammates first as the settings list them, then the person working and the
    approvers; then unassigning. Empty when the person works alone (no one to assign to)."""
    names = team.once([*settings.teammates, *team.members(settings)])
    if len(names) < 2:
        return []
    return [(name, name) for name in names] + [(_("nobody (unassign)"), "")]


def assignee(settings: Settings, name: str) -> str | None:
    """The name to store (None: unassign); InputError for someone not on the team."""
    return team.resolve(settings, name) if name else None
