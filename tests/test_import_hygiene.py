"""The core never imports Textual: it must run headless (cmtui sync, cron, tests)."""

from __future__ import annotations

import subprocess
import sys



def core_modules() -> list[str]:
    """Every module of the package outside the TUI (walked, so a new module is checked too)."""
    import pkgutil

    import cmtui

    return sorted(m.name for m in pkgutil.walk_packages(cmtui.__path__, "cmtui.")
                  if not m.name.startswith("cmtui.tui") and m.name != "cmtui.__main__")


CORE = core_modules()


def test_core_modules_do_not_import_textual():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "assert not bad, bad\n"
        + "print('clean')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "clean"


def test_importing_the_package_has_no_side_effects(tmp_path):
    """No directories created, nothing heavy loaded, just by importing."""
    tmp_path = tmp_path / "fresh"
    tmp_path.mkdir()
    code = (
        "import sys, cmtui.cli, cmtui.store, cmtui.config\n"
        "heavy = [m for m in ('httpx', 'sqlite_utils', 'dateutil', 'icalendar') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CONFIG_HOME": str(tmp_path / "c"),
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_inbox_screen_leaves_the_composer_widgets_for_the_first_reply():
    """TextArea costs ~10 ms of start-up; the inbox is the first screen shown."""
    code = (
        "import sys, cmtui.tui.app, cmtui.tui.screens.inbox\n"
        "heavy = [m for m in ('textual.widgets._text_area', 'cmtui.tui.widgets.composer_pane')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
