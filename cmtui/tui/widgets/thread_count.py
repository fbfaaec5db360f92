"""The composer's counter for a post written in parts (a thread): each part's characters
against the account's limit, as its platform counts them ("1/3 120/500 · 2/3 498/500 ·
3/3 612/500 ✗"); one part: "120/500" as before. Parts are split where a line holds only
`---` (cmtui.planning.threads)."""

from __future__ import annotations

from rich.text import Text

from cmtui import l10n
from cmtui.i18n import _

from cmtui.planning.threads import SEPARATOR, part_counts

# Inserted by ctrl+enter: a separator line of its own, the cursor on the new part's line.
NEW_PART = f"\n{SEPARATOR}\n"


def count_line(name: str, body: str, account, *, variant: bool = False) -> Text:
    """One account's counter: its name, then each part's count (red and ✗ when over)."""
    counts = part_counts(body, account.platform, account.limits)
    line = Text(f"{name} ", style="bold red" if any(used > limit for used, limit in counts) else "dim")
    for number, (used, limit) in enumerate(counts, 1):
        over = used > limit
        if len(counts) > 1:
            if number > 1:
                line.append(" · ", style="dim")
            line.append(f"{l10n.number(number)}/{l10n.number(len(counts))} ", style="dim")
        line.append(f"{l10n.number(used)}/{l10n.number(limit)}" + (" ✗" if over and len(counts) > 1 else ""),
                    style="bold red" if over or (len(counts) > 1 and used == 0) else "dim")
    if variant:
        # i18n: after an account's character count in the composer: it has its own wording of the post
        line.append(" " + _("(variant)"), style="italic dim")
    return line


def insert_separator(area) -> None:
    """ctrl+enter in a text area: a new part starts at the cursor (on a line of its own)."""
    row, column = area.cursor_location
    before = area.document.get_line(row)[:column]
    area.insert(NEW_PART if before.strip() else NEW_PART.lstrip("\n"))
