"""`o` says what it opened or why not; the palette's screenshot is saved in the data
directory (created when missing) and the notification says where."""

from __future__ import annotations

import webbrowser

from cmtui.config import Settings, data_dir
from cmtui.tui.messages import DataChanged
from factory import NOW
from tui_helpers import RecordingApp

SIZE = (120, 40)


class FakeBrowser(webbrowser.BaseBrowser):
    def __init__(self, accept: bool = True):
        super().__init__("firefox")
        self.accept = accept
        self.opened: list[str] = []

    def open(self, url, new=0, autoraise=True):
        self.opened.append(url)
        return self.accept


def make_app(store):
    return RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)


def last_note(app) -> dict:
    return app.notes[-1]


async def press_o(app, pilot) -> None:
    await pilot.press("o")
    await pilot.pause()


async def test_o_opens_the_items_address_and_says_so(store, monkeypatch):
    browser = FakeBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        url = app.screen.query_one("#inbox-list").current_row["url"]
        await press_o(app, pilot)
        assert browser.opened == [url]
        assert last_note(app)["message"] == f"Opened {url} in firefox."
        assert last_note(app)["markup"] is False  # the address is remote text


async def test_o_says_why_nothing_opened(store, monkeypatch):
    def no_browser(using=None):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        url = app.screen.query_one("#inbox-list").current_row["url"]
        await press_o(app, pilot)
        assert last_note(app)["message"] == f"No browser found to open {url} (set $BROWSER to one)."
        refusing = FakeBrowser(accept=False)
        monkeypatch.setattr(webbrowser, "get", lambda using=None: refusing)
        await press_o(app, pilot)
        assert last_note(app)["message"] == f"Could not open {url}: firefox refused it."
        assert last_note(app)["severity"] == "error"
        store.conn.execute("UPDATE inbox_items SET url = NULL WHERE id = 1")
        app.screen.post_message(DataChanged(app.store_version))  # (as when another process writes)
        await pilot.pause()
        await press_o(app, pilot)
        assert last_note(app)["message"] == "This item has no address to open." and refusing.opened == [url]


async def test_the_screenshot_goes_to_the_data_directory_and_says_where(store):
    folder = data_dir() / "screenshots"
    assert not folder.exists() and not data_dir().exists()  # a fresh home (conftest)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"screenshot")  # as a person asks for it: the palette
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)  # (the palette's command waits 0.1 s for the palette to close)
        (saved,) = folder.glob("*.svg")
        assert saved.read_text(encoding="utf-8").startswith("<svg")
        assert last_note(app)["message"] == f"Screenshot saved to {saved}"


def test_only_a_terminal_browser_takes_the_screen(monkeypatch):
    from cmtui.tui.browser import _in_terminal

    monkeypatch.setenv("DISPLAY", ":0")
    assert _in_terminal(webbrowser.GenericBrowser("lynx"))
    assert _in_terminal(webbrowser.GenericBrowser(["/usr/bin/w3m", "%s"]))
    assert not _in_terminal(webbrowser.GenericBrowser("/opt/shiny/browser"))  # graphical: not waited for
    assert not _in_terminal(webbrowser.BackgroundBrowser("firefox"))
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert _in_terminal(webbrowser.GenericBrowser("/opt/shiny/browser"))  # no display to draw on
