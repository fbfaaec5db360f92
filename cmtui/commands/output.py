"""Printing lists for people (aligned columns) and for scripts (JSON)."""

from __future__ import annotations

import json
import sys
from datetime import datetime

from cmtui.model import parse_iso, utcnow
# The one width rule (Rich's, per grapheme cluster): a second one split emoji in CLI tables.
from cmtui.text import display_width, fit, short_duration


def print_json(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _one_line(value) -> str:
    return " ".join(str(value).split())


def print_table(headers: list[str], rows: list[list[str]], widths: list[int | None]) -> None:
    """Columns with a fixed width are cut; None means as wide as the longest value."""
    resolved = []
    for i, width in enumerate(widths):
        if width is None:
            width = max([display_width(headers[i])] + [display_width(_one_line(r[i])) for r in rows])
        resolved.append(width)
    lines = ["  ".join(fit(_one_line(h), w) for h, w in zip(headers, resolved)).rstrip()]
    for row in rows:
        lines.append("  ".join(fit(_one_line(v), w) for v, w in zip(row, resolved)).rstrip())
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
