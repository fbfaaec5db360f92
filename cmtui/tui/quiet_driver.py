"""Textual's Linux driver with an input thread that sleeps while no key comes.

Textual's thread wakes ten times a second to look for input (`select(0.1)`), whether or
not any came: ~600 wake-ups, about 60 ms of CPU, a minute of doing nothing. The wait is
there for the parser's escape-key timeout (a lone `esc` is told from the start of a
sequence by the time that follows it) and for the exit flag. Here the thread waits that way
only for a second after the last byte it read, or once it is asked to stop; otherwise it
sleeps until a byte comes or `disable_input` writes to its wake-up pipe.

The one place cmtui reaches into Textual's private modules (its xterm parser): there is no
public way to change that wait, and it alone costs more than the idle budget (0.05 s of CPU
a minute). So it is fenced: the app uses this driver only with the Textual release it was
copied from (COPIED_FROM, checked at start-up), and tests/test_idle.py fails when that
release's input thread is not the one copied here (TEXTUAL_SOURCE_SHA256).
"""

from __future__ import annotations

import os
import selectors
import time
from codecs import getincrementaldecoder

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

COPIED_FROM = "8.2."  # the Textual releases whose LinuxDriver.run_input_thread this copies
# sha256 of inspect.getsource(LinuxDriver.run_input_thread) in those releases
TEXTUAL_SOURCE_SHA256 = "d796af6d69db337d6fa6bd463984f7d17188d991dbb22f60efb92a8a9619507c"

TICK = 0.1  # Textual's own wait, while the parser may be waiting for the rest of a sequence
AWAKE_AFTER_INPUT = 1.0  # seconds: well past the parser's escape delay (0.1 s by default)


class QuietLinuxDriver(LinuxDriver):
    _wake: tuple[int, int] | None = None  # the input thread's wake-up pipe (read end, write end)

    def disable_input(self) -> None:
        # Wake the thread first: it then waits as Textual's does, and sees the exit flag.
        if self._wake is not None:
            try:
                os.write(self._wake[1], b"x")
            except BlockingIOError:  # already full of wake-ups
                pass
        super().disable_input()

    def close(self) -> None:
        super().close()
        if self._wake is not None:
            for fd in self._wake:
                os.close(fd)
            self._wake = None

    def run_input_thread(self) -> None:
        """Textual's LinuxDriver.run_input_thread (8.2), its idle wait made a sleep."""
        if self._wake is None:  # (kept across a suspend: a new thread on resume)
            self._wake = os.pipe()
            for fd in self._wake:
                os.set_blocking(fd, False)
        wake_r = self._wake[0]
        _drain(wake_r)  # a wake-up the last thread left unread
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(wake_r, selectors.EVENT_READ)

        fileno = self.fileno
        EVENT_READ = selectors.EVENT_READ

        parser = XTermParser(self._debug)
        feed = parser.feed
        tick = parser.tick

        decode = getincrementaldecoder("utf-8")().decode
        read = os.read
        awake_until = time.monotonic() + AWAKE_AFTER_INPUT
        stopping = False

        def process_selector_events(selector_events, final: bool = False) -> None:
            nonlocal awake_until, stopping
            for last, (selector_key, mask) in _with_last(selector_events):
                if selector_key.fd == wake_r:
                    _drain(wake_r)
                    stopping = True
                    continue
                if mask & EVENT_READ:
                    awake_until = time.monotonic() + AWAKE_AFTER_INPUT
                    unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        # This can occur if the stdin is piped
                        break
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                idle = not stopping and time.monotonic() >= awake_until
                process_selector_events(selector.select(None if idle else TICK))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(TICK), final=True)

        finally:
            selector.close()
            try:
                for event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass


def _with_last(events: list):
    """(is it the last, event) for each event."""
    for index, event in enumerate(events):
        yield index == len(events) - 1, event


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass
