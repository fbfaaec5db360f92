"""The status line's live words: per account, how new items arrive now (engine.live.status,
in-process): live (pushed as they happen), connecting, or polling every N s. An idle account
says them in place of "idle" (status_line.accounts_part), calmly, never as an error. Nothing
without an engine or while its feeds are not running."""

from __future__ import annotations

from rich.text import Text

from cmtui import l10n
from cmtui.i18n import _, ngettext

# cmtui.sync.live's modes, spelled here: importing it (and the connectors' contract) costs
# start-up ~30 ms, and the status line is on the first frame. tests/test_live_tui.py checks them.
PUSH, CONNECTING, POLL = "push", "connecting", "poll"  # i18n: not shown

MARK = {PUSH: ("●", "green"), CONNECTING: ("◌", "cyan"), POLL: ("↻", "dim")}


def live_forms(name: str, status) -> tuple[Text, Text]:
    """(in words, the mark and name) for one account."""
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
    return full, short


def live_statuses(app) -> dict:
    """account name -> its LiveStatus, from the app's engine (none without one)."""
    live = getattr(getattr(app, "engine", None), "live", None)
    return dict(getattr(live, "status", None) or {})  # (a copy: the feeds change it as they go)
