"""Printing lists for people (aligned columns) and for scripts (JSON)."""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import datetime

from cmtui.model import parse_iso, utcnow
from cmtui.text import short_duration


def print_json(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cell_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """Cut or pad a one-line text to a display width."""
    text = " ".join(str(text).split())
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - (1 if used + w < len(text) else 0):
            if used < width:
                out.append("…")
                used += 1
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * max(0, width - used)


def print_table(headers: list[str], rows: list[list[str]], widths: list[int | None]) -> None:
    """Columns with a fixed width are cut; None means as wide as the longest value."""
    resolved = []
    for i, width in enumerate(widths):
        if width is None:
            width = max([cell_width(headers[i])] + [cell_width(str(r[i])) for r in rows])
        resolved.append(width)
    lines = ["  ".join(fit(h, w) for h, w in zip(headers, resolved)).rstrip()]
    for row in rows:
        lines.append("  ".join(fit(str(v), w) for v, w in zip(row, resolved)).rstrip())
    sys.stdout.write("\n".join(lines) + "\n")


def age(stamp: str | None, now: datetime | None = None) -> str:
    """A short age like 5m, 3h, 2d, 7w for an ISO time in the past."""
    dt = parse_iso(stamp)
    if dt is None:
        return "-"
    return short_duration(((now or utcnow()) - dt).total_seconds())


def local_time(stamp: str | None, tz) -> str:
    dt = parse_iso(stamp)
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M") if dt else "-"
