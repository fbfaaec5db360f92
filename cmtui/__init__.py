"""cmtui: a keyboard-driven terminal workspace for online community managers."""

__version__ = "0.1.0"
