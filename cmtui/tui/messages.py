"""Messages between the app and its screens."""

from __future__ import annotations

from textual.message import Message


class DataChanged(Message, bubble=False):
    """Sent by the app to the screen shown: the store changed since that screen last read it
    (a sync, another process's writes, snoozed items waking up). The screen re-reads what
    it shows; `version` is the app's store version it now reflects."""

    def __init__(self, version: int) -> None:
        super().__init__()
        self.version = version
