"""The frame every small dialog shares: centred, bordered, above the screen it came from."""

from __future__ import annotations

import re

from rich.text import Text
from textual.screen import ModalScreen

_FIELD = re.compile(r"\{(\w+)\}")


class Dialog(ModalScreen):
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Vertical {
        width: 56; height: auto; border: round $accent; background: $surface; padding: 1 2;
    }
    """


def styled(message: str, style: str = "", **values: str | Text | tuple[str, str]) -> Text:
    """A translated message with its {fields} filled as Text, each value literal (never markup)
    and styled on its own when given as (text, style): the translation may put them anywhere.
    styled(_("Edit rule {name}"), "bold", name=(name, "bold cyan"))."""
    text = Text(style=style)
    position = 0
    for match in _FIELD.finditer(message):
        text.append(message[position:match.start()])
        value = values.get(match.group(1), match.group(0))
        if isinstance(value, tuple):
            text.append(value[0], style=value[1])
        else:
            text.append(value)
        position = match.end()
    text.append(message[position:])
    return text
