"""Rich text as HTML (statuses, formatted chat messages) to plain text, before sanitising.

Servers send rich text too (lists, quotes, code from Markdown-capable software): it keeps
its shape as plain text, the way a reader would type it: "• " bullets, "1. " numbers,
nested lists indented, quotes behind "> ", preformatted text with its own spacing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Blocks that start and end on a line of their own; "p" (and headings) leave a blank line.
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
_LINES = {"div", "ul", "ol", "li", "pre", "blockquote"}
_SPACE = re.compile(r"[ \t\r\n]+")  # not \f: a control, removed by the sanitiser
_INDENT = "  "  # one level of list nesting


def _start_number(value: str | None) -> int:
    """An <ol start>; anything but a plain (ASCII) integer counts from 1. isdigit() alone would
    let "²" through to int(), and that error would turn the whole status into raw HTML."""
    text = (value or "").strip()
    if not re.fullmatch(r"-?[0-9]{1,9}", text):
        return 1
    return int(text)


class _TextParser(HTMLParser):
    """Writes text line by line; each new line starts with the prefix of the blocks it is in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: str | None = None  # None: nothing written on the current line yet
        self._blank = False  # a blank line is owed before the next text
        self._blank_quote = 0  # ... at this quote depth
        self._skip = 0  # inside <script>/<style>
        self._pre = 0
        self._pre_opened = False  # no text yet since <pre>: a newline here is not content (HTML)
        self._pre_lines: set[int] = set()  # lines from inside <pre>: their blank lines are kept
        self._quote = 0
        self._lists: list[list] = []  # [kind, next number, marker width] per open ul/ol
        self._marker: str | None = None  # an <li>'s bullet or number, written with its first text

    # -- writing ---------------------------------------------------------------------------
    def _prefix(self) -> str:
        quote = "> " * self._quote
        depth = len(self._lists)
        if self._marker is not None:
            return quote + _INDENT * max(0, depth - 1) + self._marker
        if depth:  # a continuation line of a list item lines up under its text
            return quote + _INDENT * (depth - 1) + " " * self._lists[-1][2]
        return quote

    def _break(self, blank: bool = False) -> None:
        if self._line is not None:
            if self._pre:
                self._pre_lines.add(len(self.lines))
            self.lines.append(self._line.rstrip())
            self._line = None
        if blank and self.lines:  # the blank line is quoted only if inside every quote owing it
            self._blank_quote = min(self._blank_quote, self._quote) if self._blank else self._quote
            self._blank = True

    def _write(self, text: str) -> None:
        if not text:
            return
        line = self._line
        if line is None:
            if not self._pre:
                text = text.lstrip(" ")
                if not text:
                    return
            line = self._start()
        self._line = line + text

    def _start(self) -> str:
        """Open a new line (its quote and list prefix written) and return it."""
        if self._blank and self.lines:
            self.lines.append(("> " * self._blank_quote).rstrip())
        self._blank = False
        self._line = line = self._prefix()
        self._marker = None
        return line

    # -- parsing ---------------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            if self._line is None:  # an empty line of its own
                self._start()
            self._break()
        elif tag in _PARAGRAPHS:
            self._break(blank=True)
        elif tag in _LINES:
            self._break(blank=tag == "blockquote" or (tag in ("ul", "ol") and not self._lists))
            if tag == "pre":
                self._pre += 1
                self._pre_opened = True
            elif tag == "blockquote":
                self._quote += 1
            elif tag in ("ul", "ol"):
                self._lists.append([tag, _start_number(dict(attrs).get("start")), 2])
            elif tag == "li":
                if self._lists and self._lists[-1][0] == "ol":
                    self._marker = f"{self._lists[-1][1]}. "
                    self._lists[-1][1] += 1
                else:
                    self._marker = "• "
                if self._lists:
                    self._lists[-1][2] = len(self._marker)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _PARAGRAPHS:
            self._break(blank=True)
        elif tag in _LINES:
            if tag == "blockquote":  # the blank line after a quote is outside it
                self._quote = max(0, self._quote - 1)
            self._break(blank=tag == "blockquote" or (tag in ("ul", "ol") and len(self._lists) == 1))
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            elif tag in ("ul", "ol") and self._lists:
                self._lists.pop()
            elif tag == "li":
                self._marker = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._pre:
            if self._pre_opened and data.startswith("\n"):
                data = data[1:]
            self._pre_opened = False
            first, *rest = data.split("\n")
            self._write(first)
            for line in rest:
                if self._line is None:  # an empty line of the preformatted text: keep it
                    self._start()
                self._break()
                self._write(line)
        else:
            self._write(_SPACE.sub(" ", data))

    def text(self) -> str:
        self._break()
        out: list[str] = []
        for i, line in enumerate(self.lines):  # runs of empty lines become one, except in <pre>
            if line or i in self._pre_lines or (out and out[-1]):
                out.append(line)
        return "\n".join(out).strip("\n")


def html_to_text(html: str | None) -> str:
    """Plain text of rich text: paragraphs become blank lines, <br> a newline, links their text
    (fediverse servers put the whole URL in the text, shortening only with invisible spans, so
    "invisible" and "ellipsis" spans are kept: the text has the full address)."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return html
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient, but never let odd markup stop an ingest
        return html
    return parser.text()
