"""How calendar conflicts (cmtui.planning.conflicts) look: the mark on a conflicting entry or
an over-full day, and the warning after a save or a move into a conflict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style

from cmtui import l10n
from cmtui.i18n import _, ngettext

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

MARK = "⚠"
MARK_STYLE = "bold dark_orange"  # i18n: not shown
CHIP_STYLE = Style(color="dark_orange", bold=True)


def warn_conflicts(app, store: Store, settings: Settings, entry_id: int) -> None:
    """A warning notification when a saved or moved entry conflicts with the plan (too close
    to another post of its account, or a day over the maximum); it is saved all the same."""
    from cmtui.planning.conflicts import of_entry

    reasons = of_entry(store, settings, entry_id, app.now())
    if reasons:
        shown = "\n".join(f"⚠ {reason}" for reason in reasons[:3])
        hidden = len(reasons) - 3
        more = "\n" + ngettext("(+{n} more)", "(+{n} more)", hidden).format(n=l10n.number(hidden)) if hidden > 0 else ""
        app.notify(_("Saved, but it conflicts with the plan:") + f"\n{shown}{more}", severity="warning", timeout=8,
                   markup=False)
