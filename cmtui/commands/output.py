"""Printing lists for people (aligned columns) and for scripts (JSON)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache

from cmtui.i18n import pgettext
from cmtui.model import parse_iso, utcnow
# The one width rule (Rich's, per grapheme cluster): a second one split emoji in CLI tables.
from cmtui.text import display_width, fit, short_duration


@contextmanager
def json_language(as_json: bool) -> Iterator[None]:
    """--json speaks English in every language: its values are a stable interface for scripts,
    so words made while building them (a rule in words, a forecast, a check's detail) are
    made in English. Plain text keeps the interface's language."""
    from cmtui import i18n

    if not as_json or i18n.language() == i18n.SOURCE_LANGUAGE:
        yield
        return
    language, territory = i18n.language(), i18n.babel_locale().territory
    i18n.set_language(i18n.SOURCE_LANGUAGE)
    try:
        yield
    finally:
        i18n.set_language(language, territory)


# The kinds of stored words shown(): the pgettext contexts of their translations.
INBOX_STATE, ITEM_KIND, ENTRY_STATUS, OUTBOX_STATE, SYNC_STATE, SWITCH = (
    "inbox state", "item kind", "entry status", "outbox state", "sync state", "switch")  # i18n: not shown
DOCTOR_STATUS, DOCTOR_CHECK, DECISION, DRY_RUN, CRISIS = (
    "doctor status", "doctor check", "moderation decision", "dry-run", "crisis watch")  # i18n: not shown


@lru_cache(maxsize=8)
def _shown_words(language: str) -> dict[tuple[str, str], str]:
    return {
        ("inbox state", "new"): pgettext("inbox state", "new"),
        ("inbox state", "open"): pgettext("inbox state", "open"),
        ("inbox state", "snoozed"): pgettext("inbox state", "snoozed"),
        ("inbox state", "done"): pgettext("inbox state", "done"),
        ("item kind", "mention"): pgettext("item kind", "mention"),
        ("item kind", "reply"): pgettext("item kind", "reply"),
        ("item kind", "direct"): pgettext("item kind", "direct"),
        ("item kind", "comment"): pgettext("item kind", "comment"),
        ("entry status", "idea"): pgettext("entry status", "idea"),
        ("entry status", "draft"): pgettext("entry status", "draft"),
        ("entry status", "needs_approval"): pgettext("entry status", "needs approval"),
        ("entry status", "approved"): pgettext("entry status", "approved"),
        ("entry status", "scheduled"): pgettext("entry status", "scheduled"),
        ("entry status", "published"): pgettext("entry status", "published"),
        ("entry status", "failed"): pgettext("entry status", "failed"),
        ("entry status", "skipped"): pgettext("entry status", "skipped"),
        ("outbox state", "pending"): pgettext("outbox state", "pending"),
        ("outbox state", "sending"): pgettext("outbox state", "sending"),
        ("outbox state", "done"): pgettext("outbox state", "done"),
        ("outbox state", "failed"): pgettext("outbox state", "failed"),
        ("sync state", "idle"): pgettext("sync state", "idle"),
        ("sync state", "syncing"): pgettext("sync state", "syncing"),
        ("sync state", "error"): pgettext("sync state", "error"),
        ("sync state", "offline"): pgettext("sync state", "offline"),
        ("switch", "on"): pgettext("switch", "on"),
        ("switch", "off"): pgettext("switch", "off"),
        ("doctor status", "ok"): pgettext("doctor status", "ok"),
        ("doctor status", "warning"): pgettext("doctor status", "warning"),
        ("doctor status", "problem"): pgettext("doctor status", "problem"),
        ("doctor check", "database"): pgettext("doctor check", "database"),
        ("doctor check", "writable"): pgettext("doctor check", "writable"),
        ("doctor check", "wal"): pgettext("doctor check", "wal"),
        ("doctor check", "free pages"): pgettext("doctor check", "free pages"),
        ("doctor check", "disk"): pgettext("doctor check", "disk"),
        ("doctor check", "settings"): pgettext("doctor check", "settings"),
        ("doctor check", "credentials"): pgettext("doctor check", "credentials"),
        ("doctor check", "outbox"): pgettext("doctor check", "outbox"),
        ("moderation decision", "approve"): pgettext("moderation decision", "approve"),
        ("moderation decision", "hide"): pgettext("moderation decision", "hide"),
        ("moderation decision", "mute"): pgettext("moderation decision", "mute"),
        ("moderation decision", "block"): pgettext("moderation decision", "block"),
        ("moderation decision", "report"): pgettext("moderation decision", "report"),
        ("moderation decision", "kick"): pgettext("moderation decision", "kick"),
        ("moderation decision", "ban"): pgettext("moderation decision", "ban"),
        ("moderation decision", "unban"): pgettext("moderation decision", "unban"),
        ("dry-run", "none"): pgettext("dry-run", "none"),
        ("dry-run", "current"): pgettext("dry-run", "current"),
        ("dry-run", "stale"): pgettext("dry-run", "stale"),
        ("crisis watch", "ok"): pgettext("crisis watch", "ok"),
        ("crisis watch", "alert"): pgettext("crisis watch", "alert"),
        ("crisis watch", "not enough data yet"): pgettext("crisis watch", "not enough data yet"),
    }


def shown(context: str, value: str) -> str:
    """A stored word (an item's state "open", an entry's status, a doctor check's status) as
    plain text shows it, in the interface's language; a word without a translation is shown
    as stored. The stored word stays in --json."""
    from cmtui import i18n

    return _shown_words(i18n.language()).get((context, value), value)


def shown_width(context: str, at_least: int) -> int:
    """A column's width for the stored words of context: at_least, or the longest of them as
    the language shows them (a translated state is never cut)."""
    from cmtui import i18n

    words = [word for (kind, _value), word in _shown_words(i18n.language()).items() if kind == context]
    return max([at_least, *(display_width(word) for word in words)])


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
        resolved.append(max(width, display_width(headers[i])))  # a translated heading is never cut
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
