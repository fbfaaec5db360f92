"""mypy passes over the core (pyproject.toml [tool.mypy]: the package but cmtui/tui)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _mypy(cache: Path, *args: str) -> subprocess.CompletedProcess:
    # The incremental cache in a directory of the test's own: a stale .mypy_cache of the
    # developer's cannot hide an error, and parallel workers do not share one.
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_mypy_passes_over_the_core(tmp_path):
    result = _mypy(tmp_path / "mypy_cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_fails_on_a_type_error(tmp_path):
    """The configuration checks what it says: an error in a core module is reported (a check
    that cannot fail is no check), and the TUI stays out of it."""
    core = tmp_path / "core.py"
    core.write_text("from cmtui.model import parse_iso\n\nparse_iso(1)\n")
    result = _mypy(tmp_path / "mypy_cache", str(core))
    assert result.returncode == 1 and "core.py:3: error" in result.stdout, result.stdout + result.stderr
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["files"] == ["cmtui"] and config["exclude"] == ["^cmtui/tui/"]
