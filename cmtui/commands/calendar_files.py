"""cmtui calendar export | import: the content calendar as a file, and back."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext
from cmtui.planning.exchange import export_with_count, import_entries

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def calendar_export(store: Store, settings: Settings, args) -> int:
    text, count = export_with_count(store, args.format, settings.tzinfo())
    return emit(text, args.output, ngettext("exported {n} entry to {path}", "exported {n} entries to {path}", count),
                count)


def emit(text: str, output: Path | None, said: str, count: int) -> int:
    """An export on stdout, or written whole into output (a temporary file renamed over it)
    with a line saying what went there: said, with {n} for count and {path} for output."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    write_atomically(output.expanduser(), text)
    print(said.format(n=l10n.number(count), path=output))
    return 0


def calendar_import(store: Store, settings: Settings, args) -> int:
    report = import_entries(store, args.file.expanduser(), settings.tzinfo(), who=settings.username,
                            create_accounts=getattr(args, "create_accounts", False),
                            approval_required=settings.approval_required)
    for account in report.accounts:
        print(f"cmtui: {account.line()}", file=sys.stderr)
    if report.held:
        print("cmtui: " + ngettext(
            "{n} entry the file says is approved or scheduled waits for approval (approval is required)",
            "{n} entries the file says are approved or scheduled wait for approval (approval is required)",
            report.held).format(n=l10n.number(report.held)), file=sys.stderr)
    print(report.summary())
    return 0


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside path, then rename it over path: a reader (or a crash)
    sees the old file or the new one, never half of one. An existing file is replaced and
    keeps its permissions."""
    if path.is_dir():
        raise InputError(_("{path} is a directory; give a file name after -o").format(path=path))
    folder = path.parent
    if not folder.is_dir():
        raise InputError(_("cannot write {path}: folder {folder} does not exist").format(path=path, folder=folder))
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(_("cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(_("cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
