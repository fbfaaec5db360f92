"""The frame every small dialog shares: centred, bordered, above the screen it came from."""

from __future__ import annotations

from textual.screen import ModalScreen


class Dialog(ModalScreen):
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 56; height: auto; border: round $accent; background: $surface; padding: 1 2;
    }
    """
