"""The status line's live part: per account, how new items arrive now (engine.live.status,
in-process): live (pushed as they happen), connecting, or polling every N s. Said here,
calmly, never as an error. Nothing without an engine or while its feeds are not running."""

from __future__ import annotations

from rich.text import Text

from cmtui import l10n
from cmtui.i18n import _, ngettext
from cmtui.tui.fitting import Part

# cmtui.sync.live's modes, spelled here: importing it (and the connectors' contract) costs
# start-up ~30 ms, and the status line is on the first frame. tests/test_live_tui.py checks them.
PUSH, CONNECTING, POLL = "push", "connecting", "poll"  # i18n: not shown

KEEP_LIVE = 30  # after the accounts' own state (50), before "last sync" (20)
GROUP = "  │  "  # i18n: not shown (the status line's separator)
MARK = {PUSH: ("●", "green"), CONNECTING: ("◌", "cyan"), POLL: ("↻", "dim")}


def _forms(name: str, status) -> tuple[Text, Text, Text]:
    """(in words, the mark and name, the mark only) for one account."""
    mark, style = MARK.get(status.mode, ("?", "dim"))
    if status.mode == PUSH:
        # i18n: status line: new items reach this account as they happen (streaming)
        words = _("{account} live").format(account=name)
    elif status.mode == CONNECTING:
        # i18n: status line: the account's live connection is being (re)opened
        words = _("{account} connecting").format(account=name)
    else:
        every = status.every or 0
        # i18n: status line: no live connection; new items are fetched every {n} seconds
        words = ngettext("{account} polling every {n} s", "{account} polling every {n} s", every).format(
            account=name, n=l10n.number(every))
    full = Text.assemble((f"{mark} ", style), words)
    short = Text.assemble((f"{mark} ", style), name)
    return full, short, Text(mark, style=style)


def live_part(app) -> Part | None:
    engine = getattr(app, "engine", None)
    live = getattr(engine, "live", None)
    statuses = dict(getattr(live, "status", None) or {})  # (a copy: the feeds change it as they go)
    if not statuses:
        return None
    forms = [_forms(name, statuses[name]) for name in sorted(statuses)]
    gap = "  "  # i18n: not shown
    return Part.of(Text(gap).join(f[0] for f in forms), KEEP_LIVE, Text(gap).join(f[1] for f in forms),
                   Text(" ").join(f[2] for f in forms), lead=GROUP)
