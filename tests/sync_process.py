"""`cmtui sync` as the service runs it, a real subprocess, for the tests that stop it
(tests/test_sync_stop.py) or run it beside people's TUIs (tests/test_team_host.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def start_sync(db: Path, config: Path, folder: Path, *args: str) -> tuple[subprocess.Popen, object]:
    """The loop on db with the service's config folder (its token, its settings); its stderr
    goes to a file in folder (a pipe could fill)."""
    err = open(folder / "sync.err", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "cmtui", "sync", "--db", str(db), *args],
                            env={**os.environ, "CMTUI_CONFIG_DIR": str(config)},
                            stdout=subprocess.DEVNULL, stderr=err, text=True)
    return proc, err


def stop(proc: subprocess.Popen, err) -> tuple[int, float, str]:
    """SIGTERM, as systemd stops it; the exit status, the seconds it took, its stderr."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    took = time.monotonic() - started
    err.seek(0)
    text = err.read()
    err.close()
    return code, took, text


def wait_until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
