"""Reading calendar files: the checks every file gets (exists, not a folder, a known type,
UTF-8) and the CSV and JSON readers, which keep each record's line for the problem list."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext

SUFFIXES = {".csv": "csv", ".ics": "ics", ".ical": "ics", ".json": "json"}
# The CSV header, in this order; also every key an entry has in a JSON export.
CSV_COLUMNS = (
    "uid", "id", "account", "status", "scheduled_at", "published_at", "text", "variants", "language",
    "visibility", "content_warning", "campaign", "campaign_color", "notes", "rrule", "skipped", "parent_uid",
    "occurrence_at", "remote_id", "url", "last_error", "late", "created_by", "created_at", "updated_at",
    "place",  # added last (schema V14), so files written before it keep their column order
    "thread",  # (schema V15) 1: the text holds a thread's parts split by --- lines
)
READ_ONLY_COLUMNS = ("platform",)  # read by import (an unknown account's platform), never exported
MAX_PROBLEMS_SHOWN = 50


@dataclass
class Raw:
    """One record as read from a file, before checks: field -> value (str, or typed from JSON
    and iCalendar)."""

    line: int
    where: str  # "line 12", or "line 12, entry 3" in JSON
    values: dict
    empty_is_null: bool = False  # CSV: an empty cell means "no value"


def at_line(line: int) -> str:
    """Where a problem is: "line 12"."""
    return _("line {line}").format(line=line)


class Problems:
    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []
        self.bad_uids: set[str] = set()  # series whose records were refused (their occurrences are not blamed)
        self.note: str | None = None  # a last line: what would help

    def add(self, line: int, where: str, message: str) -> None:
        self.items.append((line, f"{where}: {message}"))

    def __bool__(self) -> bool:
        return bool(self.items)

    def fail(self, path: Path) -> InputError:
        items = sorted(self.items, key=lambda item: item[0])
        n = len(items)
        lines = [ngettext("{path}: {n} problem, nothing imported", "{path}: {n} problems, nothing imported", n).format(
            path=path, n=l10n.number(n))]
        lines += [text for _, text in items[:MAX_PROBLEMS_SHOWN]]
        if n > MAX_PROBLEMS_SHOWN:
            more = n - MAX_PROBLEMS_SHOWN
            lines.append(ngettext("... and {n} more", "... and {n} more", more).format(n=l10n.number(more)))
        if self.note:
            lines.append(self.note)
        return InputError("\n".join(lines))


def file_kind(path: Path) -> str:
    kind = SUFFIXES.get(path.suffix.lower())
    if path.is_dir():
        raise InputError(_("{path} is a directory, not a calendar file").format(path=path))
    if not path.exists():
        raise InputError(_("{path}: no such file").format(path=path))
    if kind is None:
        shown = f"'{path.suffix}'" if path.suffix else _("no extension")
        raise InputError(_("{path}: unknown file type ({suffix}); calendar import reads .csv, .ics and .json files")
                         .format(path=path, suffix=shown))
    return kind


def _open_error(path: Path, exc: OSError) -> InputError:
    return InputError(_("cannot read {path}: {problem}").format(path=path, problem=exc.strerror or exc))


def _not_utf8(path: Path, line: int) -> InputError:
    return InputError(_("{path}: not UTF-8 text (line {line}); save it as UTF-8 and import it again").format(
        path=path, line=line))


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _open_error(path, exc) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, data.count(b"\n", 0, exc.start) + 1) from None
    if not text.strip():
        raise InputError(_("{path}: the file is empty").format(path=path))
    return text.removeprefix("\ufeff")


def _check_utf8(path: Path) -> None:
    """Line by line, so a big file is never read whole (a newline byte is never part of a
    multi-byte UTF-8 character)."""
    try:
        with open(path, "rb") as fh:
            for number, line in enumerate(fh, 1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    raise _not_utf8(path, number) from None
    except OSError as exc:
        raise _open_error(path, exc) from None


def read_csv(path: Path, problems: Problems) -> list[Raw]:
    _check_utf8(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    if not first.strip():
        raise InputError(_("{path}: the file is empty (a CSV file starts with its header line)").format(path=path))
    # A spreadsheet set to a European locale saves with semicolons.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    raws: list[Raw] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        try:
            header = [name.strip().lower() for name in next(reader)]
            for name in sorted(set(header), key=header.index):
                if name not in CSV_COLUMNS and name not in READ_ONLY_COLUMNS:
                    problems.add(1, at_line(1), _("unknown column '{name}' (columns: {columns})").format(
                        name=name, columns=", ".join(CSV_COLUMNS)))
                elif header.count(name) > 1:
                    problems.add(1, at_line(1), ngettext("column '{name}' appears {n} time", "column '{name}' appears {n} times",
                                                           header.count(name)).format(name=name, n=header.count(name)))
            if "text" not in header:
                problems.add(1, at_line(1), _("there is no 'text' column"))
            if problems:
                return raws
            last = reader.line_num
            for row in reader:
                start, last = last + 1, reader.line_num
                if not any(cell.strip() for cell in row):
                    continue  # blank lines, and the empty rows spreadsheets leave at the end
                if len(row) > len(header):
                    problems.add(start, at_line(start),
                                 ngettext("{n} field, but the header has {columns} columns",
                                          "{n} fields, but the header has {columns} columns", len(row)).format(
                                     n=len(row), columns=len(header)))
                    continue
                raws.append(Raw(start, at_line(start), dict(zip(header, row)), empty_is_null=True))
        except csv.Error as exc:
            problems.add(reader.line_num, at_line(reader.line_num), _("cannot read the CSV: {problem}").format(problem=exc))
    return raws


def read_json(path: Path, text: str, problems: Problems) -> list[Raw]:
    """The array is decoded one element at a time, so each one's line is known."""
    decoder = json.JSONDecoder()
    raws: list[Raw] = []

    def skip_ws(pos: int) -> int:
        """Past the whitespace at pos (what \\s* matches: str.isspace)."""
        while pos < len(text) and text[pos].isspace():
            pos += 1
        return pos

    line, counted = 1, 0

    def line_at(pos: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, pos)
        counted = pos
        return line

    def bad(pos: int, message: str) -> list[Raw]:
        problems.add(line_at(pos), at_line(line_at(pos)), message)
        return raws

    pos = skip_ws(0)
    if not text.startswith("[", pos):
        return bad(pos, _("expected a JSON array of calendar entries (as `calendar export --format json` writes)"))
    pos = skip_ws(pos + 1)
    index = 0
    if text.startswith("]", pos):
        pos += 1
    else:
        while True:
            try:
                value, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                return bad(exc.pos, _("not valid JSON: {problem}").format(problem=exc.msg))
            index += 1
            at = line_at(pos)
            where = _("line {line}, entry {n}").format(line=at, n=index)
            if isinstance(value, dict):
                raws.append(Raw(at, where, value))
            else:
                problems.add(at, where, _("expected an object (an entry), got {type}").format(type=type(value).__name__))
            pos = skip_ws(end)
            if text.startswith(",", pos):
                pos = skip_ws(pos + 1)
            elif text.startswith("]", pos):
                pos += 1
                break
            else:
                return bad(pos, _("not valid JSON: expected ',' or ']' after an entry"))
    pos = skip_ws(pos)
    if pos != len(text):
        return bad(pos, _("not valid JSON: more text after the array"))
    return raws
