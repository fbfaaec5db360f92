"""How calendar conflicts (cmtui.planning.conflicts) look: the mark on a conflicting entry or
an over-full day, and the warning after a save or a move into a conflict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

MARK = "⚠"
MARK_STYLE = "bold dark_orange"
CHIP_STYLE = Style(color="dark_orange", bold=True)


def warn_conflicts(app, store: Store, settings: Settings, entry_id: int) -> None:
    """A warning notification when a saved or moved entry conflicts with the plan (too close
    to another post of its account, or a day over the maximum); it is saved all the same."""
    from cmtui.planning.conflicts import of_entry

    reasons = of_entry(store, settings, entry_id, app.now())
    if reasons:
        shown = "\n".join(f"⚠ {reason}" for reason in reasons[:3])
        more = f"\n(+{len(reasons) - 3} more)" if len(reasons) > 3 else ""
        app.notify(f"Saved, but it conflicts with the plan:\n{shown}{more}", severity="warning", timeout=8,
                   markup=False)
