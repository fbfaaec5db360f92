"""`o`: open an address in the user's browser, and say what was opened or why not.

A graphical browser starts in the background; a terminal one (lynx, w3m) gets the
terminal while the app is suspended, as $EDITOR does."""

from __future__ import annotations

import os
import webbrowser

from textual.app import SuspendNotSupported

from cmtui.i18n import _

# Browsers that draw in the terminal: they get the screen while the app is suspended.
TERMINAL_BROWSERS = {"lynx", "w3m", "links", "elinks", "www-browser", "browsh", "carbonyl"}


def _in_terminal(browser: webbrowser.BaseBrowser) -> bool:
    """A browser Python runs and waits for: a terminal one when it is named as one, or when
    there is no graphical display to draw on."""
    if not isinstance(browser, webbrowser.GenericBrowser) or isinstance(browser, webbrowser.BackgroundBrowser):
        return False
    name = os.path.basename(getattr(browser, "name", "") or "")
    return name in TERMINAL_BROWSERS or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_in_browser(app, url: str | None) -> bool:
    """Open url and notify the user either way; True when a browser took it."""
    if not url:
        app.notify(_("This item has no address to open."), severity="warning")
        return False
    if app.is_web:  # served in a browser (cmtui serve): that browser opens it
        app.open_url(url)
        app.notify(_("Opened {url}").format(url=url), timeout=4, markup=False)
        return True
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        app.notify(_("No browser found to open {url} (set $BROWSER to one).").format(url=url), severity="warning",
                   timeout=8, markup=False)
        return False
    name = getattr(browser, "name", "") or _("the browser")
    try:
        if _in_terminal(browser):
            with app.suspend():  # it needs the screen until it exits
                opened = browser.open(url)
        elif isinstance(browser, webbrowser.GenericBrowser) and not isinstance(browser, webbrowser.BackgroundBrowser):
            # A graphical $BROWSER Python does not know: started in the background, not waited for.
            opened = webbrowser.BackgroundBrowser([browser.name, *browser.args]).open(url)
        else:
            opened = browser.open(url, new=2)
    except (OSError, SuspendNotSupported) as exc:
        opened, why = False, str(exc) or type(exc).__name__
    else:
        why = _("{browser} refused it").format(browser=name)
    if opened:
        app.notify(_("Opened {url} in {browser}.").format(url=url, browser=name), timeout=4, markup=False)
    else:
        app.notify(_("Could not open {url}: {reason}.").format(url=url, reason=why), severity="error", timeout=8,
                   markup=False)
    return opened
