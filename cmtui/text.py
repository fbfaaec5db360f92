"""Making remote text safe to store and show.

Remote text is hostile: it may carry terminal escape sequences, control characters,
bidi overrides or floods of combining marks. It is cleaned once, at ingest, and the
screens render it as text objects, never as markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Rich is not Textual (core may use it): its measure is what Textual draws with, so widths
# here come from it rather than from a second rule that drifts (soft hyphen, Indic joiners).
from rich.cells import cell_len, get_character_cell_size

MAX_TEXT = 20_000  # characters kept of one remote text; the rest is cut with a "…" marker
# Megabytes of remote text are cut before cleaning (cleaning only shrinks a text, so this
# prefix still fills MAX_TEXT unless it is mostly escapes): work stays bounded.
_RAW_FACTOR = 4

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC (ESC ] ... BEL or ST;
# unterminated, to the end, as a terminal would swallow it), and two-character escapes.
# The 8-bit forms: CSI, and strings only when terminated within 512 characters (a stray C1
# byte from mis-decoded cp1252 text must not eat the rest); their lone C1 introducers go
# with the other controls.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|$)"  # OSC, DCS, SOS, PM, APC up to BEL or ST
    r"|\x1b[ -/]*[0-~]"  # other escapes (charset selection, RIS, ...)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x90\x9d\x98\x9e\x9f][^\x07\x9c\x1b]{0,512}(?:\x07|\x9c|\x1b\\)",  # 8-bit OSC/DCS/... to BEL or ST
    re.DOTALL,
)
# C0 controls except tab and newline, DEL, C1 controls, a lone ESC left over.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embeddings/overrides/isolates/marks, invisible formatting characters, interlinear
# annotations, and lone surrogates (JSON "\\ud800" decodes to one; SQLite cannot store it).
# Joiners (U+200C/D) are kept only between two non-ASCII characters, where emoji sequences
# and Indic/Persian words need them, one per run.
_INVISIBLE = re.compile(
    "[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c\u180e\ufff9-\ufffb\ud800-\udfff]")
_STRAY_JOINERS = re.compile("(?<![^\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\u200c\u200d])")
MAX_COMBINING = 2  # combining marks kept after one base character ("zalgo" floods)
# Runs of more than MAX_COMBINING marks from the combining blocks floods are made of
# (diacritics, their extensions and supplements, marks for symbols, half marks).
_COMBINING_RUN = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{%d,}"
    % (MAX_COMBINING + 1)
)


# Scripts whose words stack several marks on one letter (Hebrew points and cantillation,
# Arabic harakat, Thai and Lao vowels and tones, Devanagari signs): a run is capped higher,
# so real text keeps its marks while a flood of them (Thai "zalgo") does not.
MAX_SCRIPT_MARKS = 4
_SCRIPT_MARK_RUN = re.compile(
    "[\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u0900-\u0903\u093a-\u094f"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd]{%d,}" % (MAX_SCRIPT_MARKS + 1)
)


def _limit_combining(text: str) -> str:
    text = _COMBINING_RUN.sub(lambda m: m.group(0)[:MAX_COMBINING], text)
    return _SCRIPT_MARK_RUN.sub(lambda m: m.group(0)[:MAX_SCRIPT_MARKS], text)


def sanitize(value: str | bytes | None, *, max_len: int = MAX_TEXT, single_line: bool = False) -> str:
    """Return remote text safe to store and show literally (markup stays as typed: screens
    render it as Text, never parse it)."""
    if value is None:
        return ""
    cut = len(value) > _RAW_FACTOR * max_len
    if cut:
        value = value[: _RAW_FACTOR * max_len]
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    ascii_only = text.isascii()
    if "\x1b" in text or not ascii_only:
        text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    if not ascii_only:
        # Line/paragraph separators: a terminal shows no break where splitlines() sees one.
        text = _INVISIBLE.sub("", text).replace("\u2028", "\n").replace("\u2029", "\n")
        if "\u200d" in text or "\u200c" in text:  # rare: the slower lookaround pattern only then
            text = _STRAY_JOINERS.sub("", text)
        text = _limit_combining(text)
    if single_line:
        text = " ".join(text.split())
    if cut or len(text) > max_len:
        text = _cut_chars(text, max_len - 1) + "…"
    return text


# -- display width: what a terminal shows, one grapheme cluster at a time ----------------------
# A cluster is a base character and what attaches to it: combining marks, variation selectors,
# skin tones, tag characters, and whatever a zero-width joiner glues on; two regional
# indicators make one flag. Cutting inside a cluster leaves a lone "✍" of another width, or
# a stray selector that some terminals draw as a box: a cut is always between clusters.
_ZWJ = "\u200d"
_RI = range(0x1F1E6, 0x1F200)


def _extends(ch: str) -> bool:
    code = ord(ch)
    return (0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F
            or 0xE0100 <= code <= 0xE01EF or code == 0x200C
            or unicodedata.category(ch) in ("Mn", "Me", "Mc")
            # what the renderer draws in no cell (decomposed Hangul vowels and finals) sits
            # on the character before it, so no cut leaves it alone; controls excepted
            or (code >= 0xA0 and get_character_cell_size(ch) == 0))


def graphemes(text: str) -> Iterator[str]:
    """The grapheme clusters of a text, in order (UAX #29, enough of it for names and posts)."""
    start, i, n = 0, 0, len(text)
    while i < n:
        j = i + 1
        if ord(text[i]) in _RI and j < n and ord(text[j]) in _RI:
            j += 1  # a flag: one pair of regional indicators
        while j < n:
            if text[j] == _ZWJ:  # first: a joiner is zero-width too, but takes its partner
                j += 2 if j + 1 < n else 1  # the joiner and the character it joins
            elif _extends(text[j]):
                j += 1
            else:
                break
        yield text[start:j]
        start = i = j


def cluster_width(cluster: str) -> int:
    """Cells one cluster takes, exactly as Rich (and so Textual) measures it."""
    return cell_len(cluster)


# Printable Latin (ASCII, Latin-1, Latin Extended, IPA): a cell each, never in a cluster with
# a neighbour (what joins comes later in Unicode), so most names and posts in European
# languages measure as their length without the walk above (15 ms a screen of rows otherwise).
_ONE_CELL_EACH = re.compile(r"[\x20-\x7e\xa0-\u02ff]*\Z")


def display_width(text: str) -> int:
    """Terminal cells a one-line text takes."""
    if text.isascii() or _ONE_CELL_EACH.match(text):
        return len(text)
    return sum(cluster_width(cluster) for cluster in graphemes(text))


def cut(text: str, width: int, marker: str = "…") -> str:
    """A one-line text cut to at most width cells, between grapheme clusters, ending in one
    marker when cut (a text already ending in "…", cut at ingest, does not get a second)."""
    if width <= 0:
        return ""
    if display_width(text) <= width:
        return text
    if _ONE_CELL_EACH.match(text):  # a character a cluster a cell: the cut is a slice
        return text[:max(0, width - display_width(marker))].rstrip().rstrip("…").rstrip() + marker
    room, used, kept = width - display_width(marker), 0, []
    for cluster in graphemes(text):
        size = cluster_width(cluster)
        if used + size > room:
            break
        kept.append(cluster)
        used += size
    return "".join(kept).rstrip().rstrip("…").rstrip() + marker


def fit(text: str, width: int) -> str:
    """A one-line text cut or padded with spaces to exactly width cells (a table cell)."""
    text = cut(text, width)
    return text + " " * (width - display_width(text)) if width > 0 else ""


def _cut_chars(text: str, limit: int) -> str:
    """At most limit characters of a text, ending on a whole grapheme cluster."""
    if len(text) <= limit:
        return text
    kept = 0
    for cluster in graphemes(text[: limit + 16]):
        if kept + len(cluster) > limit:
            break
        kept += len(cluster)
    return text[:kept]


def first_line(text: str, width: int = 200) -> str:
    """The first non-empty line of a text, cut to width cells, for one-row list cells."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return cut(line, width)
    return ""


def one_line(text: str) -> str:
    """A text folded to one line for a list row; control characters dropped again as a
    second guard, since list rows are written to the terminal as raw segments."""
    return " ".join(_CONTROLS.sub("", text).split())


def short_duration(seconds: float, under_a_minute: str | None = None) -> str:
    """5m, 3h, 2d, 7w: the largest whole unit; under a minute, `under_a_minute` or "Ns"."""
    from cmtui.i18n import pgettext

    seconds = max(0, int(seconds))
    for size in (604800, 86400, 3600, 60):
        if seconds >= size:
            n = seconds // size
            # i18n: compact durations for narrow columns: 3 weeks, days, hours, minutes, seconds
            return {604800: pgettext("compact duration", "{n}w"), 86400: pgettext("compact duration", "{n}d"),
                    3600: pgettext("compact duration", "{n}h"), 60: pgettext("compact duration", "{n}m")}[size].format(n=n)
    return under_a_minute if under_a_minute is not None else pgettext("compact duration", "{n}s").format(n=seconds)
