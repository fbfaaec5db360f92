"""What Pilot tests share: an app that records what it told the user, and a patient wait."""

from __future__ import annotations

from cmtui.tui.app import CmtuiApp


class RecordingApp(CmtuiApp):
    """Keeps every notification it shows, for the tests to read."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes: list[dict] = []

    def notify(self, message, **kwargs):
        self.notes.append({"message": message, **kwargs})
        super().notify(message, **kwargs)


async def wait_for(pilot, condition, tries=100):
    for _ in range(tries):
        await pilot.pause(0.05)
        if condition():
            return True
    return False
