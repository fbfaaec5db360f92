"""One cmtui TUI in a process of its own, for the tests that need several people at once on
one database (tests/test_team_host.py): the app runs headless under Textual's Pilot, on its
own Store connection, with its own settings, and a test drives it over stdin/stdout.

    CMTUI_CONFIG_DIR=DIR python tests/tui_process.py DB [--sync]

The settings are read as `cmtui` reads them (DIR/settings.toml, then those the database
carries); the clock is the real one; nothing syncs (the team's `cmtui sync` does), unless
--sync: then the app runs its own sync engine, as `cmtui` does, with the tokens of
DIR/credentials.toml (passes, and the live feeds when the settings say `live`). Once the
first screen is up it prints {"ready": true, "pid": N}. Then one JSON command a line on
stdin, one JSON answer a line on stdout ({"ok": true, ...} or {"ok": false, "error": ...,
"screen": ...}):

    {"press": ["e"]}                      keys, as Pilot names them
    {"type": "thanks!"}                   each character pressed in turn
    {"select": "luka"}                    in a pick-one list on top: the option with that text
    {"wait": "text", "timeout": 5}        until the screen shows it; answers "after" (seconds)
                                          and "at" (the wall clock then, time.time())
    {"gone": "text", "timeout": 5}        until the screen no longer shows it
    {"screen": true}                      the screen's text, line by line
    {"row": true}                         the inbox's highlighted item: {"id", "text"} (or null)
    {"quit": true}                        ends the app (as `q` does: everything is saved)
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZE = (120, 40)


def screen_text(app) -> str:
    """The characters on the terminal now, the screens under a dialog included."""
    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


async def until(pilot, condition, timeout: float) -> float | None:
    """Seconds until condition() held (checked every 50 ms), or None after timeout."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            return None
        await pilot.pause(0.05)


async def select(pilot, app, text: str) -> dict:
    from textual.widgets import OptionList

    lists = list(app.screen.query(OptionList))
    if not lists:
        return {"ok": False, "error": "no pick-one list on the screen"}
    options = lists[0]
    for index in range(options.option_count):
        if str(options.get_option_at_index(index).prompt).strip() == text:
            options.highlighted = index
            await pilot.pause()
            await pilot.press("enter")
            return {"ok": True}
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return {"ok": False, "error": f"no option {text!r} in {labels}"}


async def run_command(pilot, app, command: dict) -> dict:
    if "press" in command:
        await pilot.press(*command["press"])
        await pilot.pause()
        return {"ok": True}
    if "type" in command:
        await pilot.press(*command["type"])
        await pilot.pause()
        return {"ok": True}
    if "select" in command:
        return await select(pilot, app, command["select"])
    if "wait" in command or "gone" in command:
        text = command.get("wait", command.get("gone"))
        shown = "wait" in command
        after = await until(pilot, lambda: (text in screen_text(app)) == shown, float(command.get("timeout", 5)))
        if after is None:
            return {"ok": False, "error": f"{'never shown' if shown else 'still shown'}: {text!r}",
                    "screen": screen_text(app)}
        return {"ok": True, "after": after, "at": time.time()}
    if "screen" in command:
        return {"ok": True, "screen": screen_text(app)}
    if "row" in command:
        from cmtui.tui.widgets.inbox_list import InboxList

        rows = list(app.screen.query(InboxList))
        row = rows[0].current_row if rows else None
        return {"ok": True, "row": None if row is None else {"id": row["id"], "text": row["text"]}}
    return {"ok": False, "error": f"unknown command {command!r}"}


def sync_engine(store, settings):
    """The engine `cmtui` would run on this store (cli.run_tui), or None: no account has a token."""
    from cmtui.config import Credentials
    from cmtui.sync.engine import SyncEngine

    credentials = Credentials()
    if not any(credentials.get(account.name) for account in store.accounts.list()):
        return None
    return SyncEngine(store, settings, credentials, timeout=float(settings.http_timeout_seconds))


async def main(db: str, sync: bool = False) -> None:
    from cmtui import config
    from cmtui.store import Store
    from cmtui.tui.app import CmtuiApp

    # Our own copies of stdin and stdout: Textual redirects sys.stdout while an app runs.
    commands = os.fdopen(os.dup(0), "r")
    answers = os.fdopen(os.dup(1), "w", buffering=1)

    def say(value: dict) -> None:
        answers.write(json.dumps(value) + "\n")
        answers.flush()

    store = Store.open(Path(db))
    settings = config.with_database_settings(config.load_settings(), store.database_settings(), db)
    app = CmtuiApp(store, settings, engine=sync_engine(store, settings) if sync else None)
    loop = asyncio.get_running_loop()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        say({"ready": True, "pid": os.getpid(), "user": settings.username})
        while True:
            line = await loop.run_in_executor(None, commands.readline)  # the app runs meanwhile
            if not line:
                break
            command = json.loads(line)
            if command.get("quit"):
                await pilot.press("q")
                say({"ok": True})
                break
            try:
                answer = await run_command(pilot, app, command)
            except Exception as exc:  # said to the test, which fails with it
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            say(answer)
    store.close()


class Client:
    """The other end, for a test or a benchmark: starts the process, sends commands, reads the
    answers (a thread reads its stdout, so a wait can be sent first and answered later)."""

    def __init__(self, db: Path, config: Path, *, sync: bool = False, errors: Path | None = None):
        self.errors = open(errors or config / "tui.err", "a+")
        args = [sys.executable, __file__, str(db)] + (["--sync"] if sync else [])
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
                                     text=True, bufsize=1, env={**os.environ, "CMTUI_CONFIG_DIR": str(config)})
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def answer(self, timeout: float) -> dict:
        try:
            return json.loads(self.lines.get(timeout=timeout))
        except queue.Empty:
            self.errors.seek(0)
            raise AssertionError(f"the TUI did not answer within {timeout} s; stderr:\n{self.errors.read()}") from None

    def ready(self, timeout: float = 60) -> dict:
        hello = self.answer(timeout)
        assert hello.get("ready"), hello
        return hello

    def ask(self, command: dict) -> None:
        """Sends a command; its answer is read by answer()."""
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def send(self, command: dict, timeout: float = 30) -> dict:
        self.ask(command)
        return self.answer(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send({"quit": True}, 20)
                self.proc.wait(timeout=20)
            except (AssertionError, OSError, ValueError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.errors.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sync="--sync" in sys.argv[2:]))
