"""`cmtui serve` in a subprocess, and Debian's Chromium driven by Playwright to read its page.

textual-serve draws the terminal with xterm.js on a canvas: no text in the DOM. The test
browser gets textual.js with one change (route below): the xterm Terminal is kept as
`window.cmtuiTerminal`, so the test reads the screen from xterm's own buffer, as drawn."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
KEEP_TERMINAL = ("this.terminal.open(e)", "this.terminal.open(e),window.cmtuiTerminal=this.terminal")
SCREEN_JS = """() => { const t = window.cmtuiTerminal; if (!t) return "";
  const b = t.buffer.active, rows = [];
  for (let i = 0; i < b.length; i++) rows.push(b.getLine(i).translateToString(true));
  return rows.join("\\n"); }"""


def need_chromium() -> None:
    """Skip without Debian's Chromium, except on CI (.ci/run installs it): there it fails."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing on CI (.ci/run installs the chromium package)")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)")


class Served:
    """`cmtui serve --port 0 ...` (the port the system picks) until stop(); login_url from its
    line, url that address without its token."""

    def __init__(self, db: Path, *args: str, env: dict[str, str], timeout: float = 15.0):
        self.process = subprocess.Popen([sys.executable, "-m", "cmtui", "serve", "--db", str(db), "--port", "0",
                                         *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.first_line = ""
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if ready:
            self.first_line = self.process.stdout.readline()
        found = re.search(r"http://\S+", self.first_line)
        if not found:
            out, err = self.stop()
            raise AssertionError(f"no URL line: {self.first_line!r} {out!r} {err!r}")
        self.login_url = found.group(0)  # with `?token=` when there is no password
        self.url = self.login_url.split("?")[0]
        self.token = self.login_url.partition("?token=")[2] or None
        self.port = int(re.search(r":(\d+)/", self.url).group(1))
        self.local_url = f"http://127.0.0.1:{self.port}/"  # (the URL names the machine when on every address)

    def stop(self) -> tuple[str, str]:
        """ctrl+c, then everything it printed: (stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            out, err = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        return self.first_line + out, err


async def open_page(browser, url: str):
    """A page on the served app whose xterm buffer screen() can read."""
    page = await browser.new_page(viewport={"width": 1280, "height": 860})

    async def keep_terminal(route):
        response = await route.fetch()
        body = await response.text()
        assert KEEP_TERMINAL[0] in body, "textual.js changed: update KEEP_TERMINAL in tests/browser.py"
        await route.fulfill(response=response, body=body.replace(*KEEP_TERMINAL))

    await page.route("**/static/js/textual.js", keep_terminal)
    await page.goto(url, wait_until="domcontentloaded")
    return page


async def screen(page) -> str:
    return await page.evaluate(SCREEN_JS)


async def wait_for_text(page, *words: str, timeout: float = 20.0) -> str:
    """The screen once it shows every one of words (AssertionError with the screen if not)."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = await screen(page)
        if all(w in text for w in words):
            return text
        await page.wait_for_timeout(100)
    raise AssertionError(f"{words} not on the screen:\n{text}")
