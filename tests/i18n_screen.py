"""What a screen shows in a language: its lines of text, and the catalog's English messages
still on it (a message marked but not translated where shown, or shown before the language
was chosen)."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from functools import lru_cache

from cmtui import locale_tools

_TEXT = re.compile(r'<text[^>]*?\by="([\d.]+)"[^>]*>(.*?)</text>', re.S)
_FIELD = re.compile(r"\{[^{}]*\}")


def screen_lines(app) -> list[str]:
    """The screen's text, line by line (from Textual's own SVG export)."""
    rows: dict[float, list[str]] = defaultdict(list)
    for y, text in _TEXT.findall(app.export_screenshot()):
        rows[float(y)].append(html.unescape(text).replace("\xa0", " "))
    return ["".join(parts) for _, parts in sorted(rows.items())]


@lru_cache(maxsize=8)
def _telltales(language: str) -> tuple[tuple[str, str], ...]:
    """(English piece, its message) for each message whose translation differs: the longest
    run of words between its fields, when long enough not to be a word both languages use."""
    found = []
    for message in locale_tools.read(locale_tools.po_path(language)):
        if not message.id or isinstance(message.id, tuple) or message.string == message.id:
            continue
        piece = max((part.strip(" :;,.…→·") for part in _FIELD.split(message.id)), key=len)
        if len(piece) >= 10 and len(piece.split()) >= 2 and piece not in message.string:
            found.append((piece, message.id))
    return tuple(found)


def english_left(lines: list[str], language: str) -> list[str]:
    """Messages shown in English on a screen that should be in language."""
    text = "\n".join(" ".join(line.split()) for line in lines)
    return sorted({message for piece, message in _telltales(language) if piece in text})
