"""Writing a text in the user's own editor ($VISUAL, $EDITOR, else vi).

run_editor does the work and needs no app: temp file (0600), editor, read back, delete.
edit_in_editor wraps it in app.suspend() so the editor gets the terminal.

A reply written there may start with front matter naming images to attach, one per line,
each with its alt text (split_front_matter reads it when the reply is queued):

    ---
    media: ~/Pictures/chart.png | A chart of this month's growth
    ---
    Thanks! Here is the chart.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping

from cmtui.errors import CmtuiError
from cmtui.i18n import _

FALLBACK = "vi"


class EditorError(CmtuiError):
    """The editor could not be started (or the terminal cannot be handed over); str() is
    the message for the user."""


def split_front_matter(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(the text without its front matter, [(path, alt text)] in order). Front matter is a
    first line `---`, then only `media: PATH | ALT` lines (or blank ones), then `---`;
    anything else is left as text. A path without `|` has no alt text."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text, []
    files: list[tuple[str, str]] = []
    for index, line in enumerate(lines[1:], start=1):
        stripped = line.strip()
        if stripped == "---":
            return "\n".join(lines[index + 1:]).lstrip("\n"), files
        if not stripped:
            continue
        key, colon, value = stripped.partition(":")
        if not colon or key.strip().lower() != "media":
            return text, []
        path, _bar, alt = value.partition("|")
        if path.strip():
            files.append((os.path.expanduser(path.strip()), alt.strip()))
    return text, []  # never closed: plain text


def editor_command(env: Mapping[str, str] | None = None) -> list[str]:
    """The editor command as an argument list: $VISUAL, else $EDITOR, else vi."""
    env = os.environ if env is None else env
    value = (env.get("VISUAL") or "").strip() or (env.get("EDITOR") or "").strip() or FALLBACK
    try:
        command = shlex.split(value)
    except ValueError as exc:
        raise EditorError(_("cannot read the editor command {command}: {reason}").format(command=repr(value),
                                                                                          reason=exc)) from None
    return command or [FALLBACK]


def run_editor(text: str, suffix: str = ".txt", env: Mapping[str, str] | None = None) -> str | None:
    """Let the user edit text in their editor; the edited text, or None if the editor
    exited with an error (vim's :cq). EditorError if it could not be started.

    env is where $VISUAL/$EDITOR are looked up (default: os.environ); the editor itself
    runs in this process's environment."""
    command = editor_command(env)
    fd, name = tempfile.mkstemp(prefix="cmtui-", suffix=suffix)  # mode 0600
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            result = subprocess.run([*command, name], check=False)
        except FileNotFoundError:
            raise EditorError(_("could not start editor '{editor}': not found").format(editor=command[0])) from None
        except PermissionError:
            raise EditorError(_("could not start editor '{editor}': not executable").format(
                editor=command[0])) from None
        except OSError as exc:
            raise EditorError(_("could not start editor '{editor}': {reason}").format(
                editor=command[0], reason=exc.strerror or exc)) from None
        if result.returncode != 0:
            return None
        with open(name, encoding="utf-8", errors="replace", newline="") as fh:
            edited = fh.read().replace("\r\n", "\n")
    finally:
        try:
            os.unlink(name)
        except OSError:
            pass
    if not text.endswith("\n"):
        edited = edited.rstrip("\n")  # editors end the file with a newline; a reply does not need it
    return edited


def edit_in_editor(app, text: str, suffix: str = ".txt") -> str | None:
    """run_editor with the terminal handed to the editor (call from the app's thread).
    None if the editor exited with an error; EditorError if it could not be started."""
    from textual.app import SuspendNotSupported

    try:
        with app.suspend():
            return run_editor(text, suffix)
    except SuspendNotSupported:
        raise EditorError(_("this terminal cannot be handed over to an external editor")) from None
