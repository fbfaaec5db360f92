"""An account's sync state (stored in English: idle, syncing, offline, error; "not connected"
for an account planned offline) in the interface's language: one table for the status line,
the Accounts screen and the sync's own summaries. No imports beyond i18n: the TUI reads it
at start-up."""

from __future__ import annotations

from cmtui.i18n import pgettext


def state_word(state: str) -> str:
    words = {
        "idle": pgettext("sync state", "idle"),
        "syncing": pgettext("sync state", "syncing…"),
        "offline": pgettext("sync state", "offline"),
        "error": pgettext("sync state", "error"),
        "not connected": pgettext("sync state", "not connected"),
    }
    return words.get(state, state)
