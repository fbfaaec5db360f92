"""data/systemd/cmtui-sync.service, the unit the README's "A team on one host" installs: it
parses, its command is one cmtui's own parser takes, its sandbox leaves writable what the
sync writes, `systemd-analyze verify` finds nothing wrong (where systemd is installed), and
what a team member writes with the umask the README sets stays writable by the group."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from media_files import png
from cmtui.cli import build_parser
from cmtui.commands.sync import STOP_GRACE_SECONDS

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "data" / "systemd" / "cmtui-sync.service"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(UNIT.read_text())
    return parser


def seconds(value: str) -> float:
    value = value.strip()
    for suffix, factor in (("min", 60), ("ms", 0.001), ("s", 1), ("h", 3600)):
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def exec_start() -> list[str]:
    return shlex.split(unit()["Service"]["ExecStart"])


def test_the_unit_runs_cmtui_sync_on_the_team_database_as_its_own_user():
    service = unit()["Service"]
    assert service["User"] == "cmtui" and service["Group"] == "cmtui-team"
    argv = exec_start()
    assert Path(argv[0]).is_absolute() and Path(argv[0]).name == "cmtui"
    args = build_parser().parse_args(argv[1:])  # the arguments cmtui itself takes
    assert args.command == "sync" and not args.once and args.account is None
    assert args.db == Path("/srv/cmtui/community.db")


def test_the_sandbox_leaves_writable_what_the_sync_writes():
    service = unit()["Service"]
    db = build_parser().parse_args(exec_start()[1:]).db
    assert service["ProtectSystem"] == "strict"
    writable = [Path(p) for p in service["ReadWritePaths"].split()]
    assert db.parent in writable  # the database, its -wal/-shm files, media/ and a migration's .bak
    # The credentials (a renewed session is written back) live in systemd's state folder,
    # which ProtectSystem=strict leaves writable, private to the user.
    env = dict(item.split("=", 1) for item in shlex.split(service["Environment"]))
    assert env["CMTUI_CONFIG_DIR"] == "/var/lib/" + service["StateDirectory"]
    assert service["StateDirectoryMode"] == "0700"
    for key in ("NoNewPrivileges", "ProtectHome", "PrivateTmp"):
        assert service[key] == "yes", key


def test_the_team_group_may_write_and_stops_and_restarts_are_bounded():
    parsed = unit()
    service = parsed["Service"]
    assert service["UMask"] == "0007"
    assert service["KillSignal"] == "SIGTERM"
    # cmtui sync gives a pass STOP_GRACE_SECONDS, then cuts it: well before systemd's SIGKILL.
    assert seconds(service["TimeoutStopSec"]) >= STOP_GRACE_SECONDS + 10
    assert service["Restart"] == "on-failure" and seconds(service["RestartSec"]) >= 10
    assert int(parsed["Unit"]["StartLimitBurst"]) >= 3
    assert "network-online.target" in parsed["Unit"]["After"]
    assert parsed["Install"]["WantedBy"] == "multi-user.target"


def test_the_readme_points_at_the_unit_and_its_paths():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## A team on one host"):]
    section = section[: section.index("\n## ", 1)]
    assert "data/systemd/cmtui-sync.service" in section
    assert "/srv/cmtui/community.db" in section and "/var/lib/cmtui" in section
    assert "cmtui-team" in section and "umask 007" in section
    assert "journalctl -u cmtui-sync" in section and "systemctl enable --now cmtui-sync" in section
    assert readme.index("## Syncing") < readme.index("## A team on one host") < readme.index("## Where data lives")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_analyze_verify_finds_nothing(tmp_path):
    # verify checks that the program exists: the installed cmtui stands in for /usr/local/bin/cmtui.
    program = Path(sys.executable).with_name("cmtui")
    if not program.exists():
        pytest.skip(f"no cmtui script beside {sys.executable} to stand in for the unit's")
    text = UNIT.read_text().replace(exec_start()[0], str(program), 1)
    copy = tmp_path / UNIT.name
    copy.write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60)
    # Unknown keys are only warnings (exit 0): any output at all is a finding.
    assert done.returncode == 0 and not done.stdout.strip() and not done.stderr.strip(), done.stdout + done.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_with_umask(mask: int, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cmtui", *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ), preexec_fn=lambda: os.umask(mask))


def test_with_the_readmes_umask_the_database_its_wal_and_images_are_group_writable(tmp_path):
    from cmtui.store import Store

    db = tmp_path / "team" / "community.db"
    db.parent.mkdir()
    made = run_with_umask(0o007, "account", "add", "mastodon", "main", "--offline", "--db", str(db))
    assert made.returncode == 0, made.stderr
    assert mode(db) == 0o660
    store = Store.open(db)  # held open, so the -wal and -shm files stay
    try:
        # Someone whose profile lacks the umask writes next: SQLite gives the -wal and -shm
        # files the database's own mode, so the group still reads and writes them.
        careless = run_with_umask(0o077, "post", "add", "hello", "--account", "main", "--draft", "--db", str(db))
        assert careless.returncode == 0, careless.stderr
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{db}{suffix}")) == 0o660, suffix
    finally:
        store.close()
    # An image attached to a post is copied beside the database: the service that uploads it
    # (another user, the same group) must read it (mkstemp alone makes it 0600).
    image = png(tmp_path / "logo.png")
    added = run_with_umask(0o007, "post", "add", "hello again", "--account", "main", "--draft",
                           "--media", str(image), "--alt", "the logo", "--db", str(db))
    assert added.returncode == 0, added.stderr
    [kept] = [p for p in (db.parent / "media").iterdir() if not p.name.startswith(".")]
    assert mode(kept) == 0o660 and mode(kept.parent) & 0o070 == 0o070
