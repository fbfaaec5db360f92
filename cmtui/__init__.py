"""cmtui: a keyboard-driven terminal workspace for online community managers."""

__version__ = "0.1.0"

import logging as _logging

# A library stays quiet unless the program asks: `cmtui sync` logs to stderr, the TUI
# never writes log lines over its own screen.
_logging.getLogger("cmtui").addHandler(_logging.NullHandler())
