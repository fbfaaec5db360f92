"""Damaged or unusable files: each ends in one line on stderr that names the file and says
what to do, a non-zero exit, no traceback, and the file left byte-for-byte as it was.

Run through main() as a user would. Permission cases run as root in some containers, where
chmod stops nothing: there `as_unprivileged` makes cmtui's own permission checks read the
mode bits as an ordinary owner would (SQLite is then really opened read-only by cmtui, so
a write would still fail); as an ordinary user the chmod alone does it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
from pathlib import Path

import pytest

from cmtui.config import Credentials
from cmtui.store import Store
from cmtui.store.migrations import LATEST
from cli_helpers import run

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
_BITS = {os.W_OK: stat.S_IWUSR, os.R_OK: stat.S_IRUSR, os.X_OK: stat.S_IXUSR}


@pytest.fixture
def as_unprivileged(monkeypatch):
    """Make root's permission checks behave like the file's owner's (no-op for a user)."""
    if not ROOT:
        return
    real_access, real_open = os.access, os.open

    def access(path, mode, *a, **kw):
        bits = os.stat(path).st_mode
        return all(bits & _BITS[m] for m in _BITS if mode & m) if mode else real_access(path, mode)

    def open_(path, flags, *a, **kw):
        wants = stat.S_IWUSR if flags & (os.O_WRONLY | os.O_RDWR) else stat.S_IRUSR
        if os.path.exists(path) and not os.stat(path).st_mode & wants:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *a, **kw)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "open", open_)
    real_read_text = Path.read_text

    def read_text(self, *a, **kw):
        if self.exists() and not self.stat().st_mode & stat.S_IRUSR:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_text(self, *a, **kw)

    monkeypatch.setattr(Path, "read_text", read_text)


@pytest.fixture
def no_tui(monkeypatch):
    """Fail the test if the TUI would take the terminal: errors must come before it."""
    from cmtui.tui.app import CmtuiApp

    def run(self, *a, **kw):
        raise AssertionError("the TUI started on a file it should have refused")

    monkeypatch.setattr(CmtuiApp, "run", run)


def _checkpointed(db) -> bytes:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return Path(db).read_bytes()


def _pages(db, table: str) -> list[int]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)).fetchall()
    conn.close()
    return [r[0] for r in rows]


def _damage(kind: str, db: str, path: Path) -> None:
    data = _checkpointed(db)
    page = int.from_bytes(data[16:18], "big")
    noise = random.Random(kind)
    if kind == "half":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "100 bytes":
        path.write_bytes(data[:100])
    elif kind in ("middle pages", "inbox pages"):
        # "middle pages": every third page from the third on (the schema is hit, so it fails
        # at open); "inbox pages": only two leaf pages of the inbox, found when read.
        pages = range(3, len(data) // page, 3) if kind == "middle pages" else _pages(db, "inbox_items")[2:4]
        buf = bytearray(data)
        for n in pages:
            start = (n - 1) * page
            buf[start:start + page] = noise.randbytes(page)
        path.write_bytes(bytes(buf))
    elif kind == "header page size":
        path.write_bytes(data[:16] + b"\x00\x03" + data[18:])  # 3 is not a power of two
    elif kind == "header magic":
        path.write_bytes(b"SQLite format 9\x00" + data[16:])
    elif kind == "text":
        path.write_text("meeting notes, not a database\n")
    elif kind == "newer schema":
        path.write_bytes(data)
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()


def _one_line(err: str, *names) -> None:
    assert err.startswith("cmtui: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for name in names:
        assert str(name) in err, err


DAMAGE = ["half", "100 bytes", "middle pages", "header page size", "header magic", "text", "newer schema"]
COMMANDS = [["inbox", "list"], ["sync", "--once"], []]  # [] opens the TUI


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_database_one_line_and_untouched(capsys, tmp_path, db, kind, no_tui):
    path = tmp_path / "damaged.db"
    _damage(kind, db, path)
    before = path.read_bytes()
    for command in COMMANDS:
        code, out, err = run(capsys, "--db", str(path), *command)
        assert code == 2 and out == "", (command, out, err)
        _one_line(err, path)
        assert "newer cmtui" in err if kind == "newer schema" else ("backup" in err or "--db" in err)
        assert path.read_bytes() == before, command
    assert not Path(f"{path}-wal").exists()


def test_damage_found_only_when_read_still_names_the_file(capsys, tmp_path, db, no_tui):
    """Two inbox pages overwritten: opening works, reading them does not."""
    path = tmp_path / "damaged.db"
    _damage("inbox pages", db, path)
    before = path.read_bytes()
    code, out, err = run(capsys, "--db", str(path), "inbox", "list", "--state", "all", "--limit", "1000")
    assert code == 2
    _one_line(err, path, "damaged", "cmtui doctor")
    code, _, err = run(capsys, "--db", str(path))  # the TUI: checked before it starts
    assert code == 2
    _one_line(err, path, "damaged")
    assert path.read_bytes() == before


def test_zero_byte_file_is_a_new_database(capsys, tmp_path):
    """SQLite reads an empty file as an empty database: a reading command refuses it as it
    refuses a missing file; one that starts a community makes it its own (e.g. a file made
    by `touch` for a path in a config)."""
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    code, out, err = run(capsys, "--db", str(path), "inbox", "list", "--json")
    assert code == 2 and out == "" and "(the file is empty)" in err and path.read_bytes() == b""
    code, out, err = run(capsys, "--db", str(path), "metrics", "goal", "add", "posts", "--metric", "posts_per_week",
                         "--target", "3", "--by", "2030-01-01")
    assert code == 0 and err == f"cmtui: new database at {path}\n"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    conn.close()


def test_read_only_file_reads_work_writes_refused(capsys, tmp_path, db, as_unprivileged, no_tui):
    data = _checkpointed(db)
    os.chmod(db, 0o444)
    try:
        code, out, err = run(capsys, "--db", db, "inbox", "list", "--json")
        assert code == 0 and err == "" and out.startswith("[")
        for command in (["inbox", "done", "2"], ["sync", "--once"], []):
            code, out, err = run(capsys, "--db", db, *command)
            assert code == 2 and out == "", command
            _one_line(err, db, "read-only", "make it writable")
        assert Path(db).read_bytes() == data
        assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()
    finally:
        os.chmod(db, 0o644)
    store = Store.open(db)
    assert store.inbox.require(2)["state"] != "done"
    store.close()


def test_read_only_folder_reads_work_writes_refused(capsys, tmp_path, db, as_unprivileged):
    data = _checkpointed(db)
    folder = Path(db).parent
    os.chmod(folder, 0o555)
    try:
        code, out, err = run(capsys, "--db", db, "inbox", "list", "--limit", "3")
        assert code == 0 and err == "" and len(out.splitlines()) == 4
        code, out, err = run(capsys, "--db", db, "inbox", "done", "2")
        assert code == 2
        _one_line(err, db, f"folder {folder} is read-only")
    finally:
        os.chmod(folder, 0o755)
    assert Path(db).read_bytes() == data


def test_full_disk_keeps_every_decision_whole(capsys, tmp_path, db, monkeypatch):
    """A full disk, without a tiny file system (that needs root to mount): SQLite's
    max_page_count makes the file unable to grow, and SQLite then fails the write with the
    same SQLITE_FULL it gives for ENOSPC. VACUUM first packs the pages, so the limit is
    reached within a few decisions."""
    import cmtui.store.db as db_module

    conn = sqlite3.connect(db)
    conn.execute("VACUUM")
    conn.close()
    real_connect = db_module.connect

    def capped(path, **kw):
        conn = real_connect(path, **kw)
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr(db_module, "connect", capped)
    failed = None
    for item in range(1, 60):
        code, out, err = run(capsys, "--db", db, "inbox", "done", str(item))
        if code:
            failed = item
            break
        assert err == ""
    assert failed is not None, "the capped database never filled up"
    assert code == 2 and out == ""  # not reported as done
    _one_line(err, db, "disk is full", "not saved")
    monkeypatch.setattr(db_module, "connect", real_connect)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    state = conn.execute("SELECT state FROM inbox_items WHERE id = ?", (failed,)).fetchone()[0]
    logged = conn.execute("SELECT count(*) FROM triage_log").fetchone()[0]
    conn.close()
    assert state != "done" and logged == failed - 1  # the failed decision left no trace


# -- the settings and credentials files ---------------------------------------------------
def _config(monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("CMTUI_CONFIG_DIR", str(folder))
    return folder


@pytest.mark.parametrize("content, says", [
    ('timezone = "UTC"\nresponse_target_minutes = \n', "line 2"),
    ("colour = 'blue'\nfont = 'mono'\n", "unknown settings 'colour', 'font'"),
    ("sync_interval_seconds = 'often'\n", "'sync_interval_seconds' must be int"),
    ("sync_interval_seconds = 0\n", "must be a positive number"),
    ("[posting_slots]\nmon = ['9h30']\n", "HH:MM"),
])
def test_bad_settings_file(capsys, tmp_path, db, monkeypatch, content, says, no_tui):
    settings = _config(monkeypatch, tmp_path) / "settings.toml"
    settings.write_text(content)
    for command in COMMANDS:
        code, out, err = run(capsys, "--db", db, *command)
        assert code == 2 and out == ""
        _one_line(err, settings, says)
    assert settings.read_text() == content


def test_unreadable_settings_file(capsys, tmp_path, db, monkeypatch, as_unprivileged, no_tui):
    settings = _config(monkeypatch, tmp_path) / "settings.toml"
    settings.write_text("calm_mode = true\n")
    os.chmod(settings, 0)
    for command in COMMANDS:
        code, _, err = run(capsys, "--db", db, *command)
        assert code == 2
        _one_line(err, settings, "cannot read", "Permission denied")


def _with_account(db, folder, token="ada_token", mode=0o600):
    Credentials(folder).set("tidewater", token)
    os.chmod(folder / "credentials.toml", mode)
    return folder / "credentials.toml"


def test_bad_credentials_toml_gives_the_line_and_no_token(capsys, tmp_path, db, monkeypatch, no_tui):
    path = _config(monkeypatch, tmp_path) / "credentials.toml"
    content = '[accounts.tidewater]\ntoken = "s3cret-not-closed\n'
    path.write_text(content)
    os.chmod(path, 0o600)
    for command in (["sync", "--once"], []):
        code, out, err = run(capsys, "--db", db, *command)
        assert code == 2
        _one_line(err, path, "line 2")
        assert "s3cret" not in err and "s3cret" not in out
    assert path.read_text() == content


def test_credentials_readable_by_others_are_fixed_with_a_warning(capsys, tmp_path, db, monkeypatch):
    path = _with_account(db, _config(monkeypatch, tmp_path), mode=0o644)
    code, out, err = run(capsys, "--db", db, "sync", "--once", "--account", "tidewater_es")
    assert "warning" in err and str(path) in err and "fixed to 0600" in err and "0644" in err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "ada_token" not in err + out


def test_credentials_symlink_is_not_followed(capsys, tmp_path, db, monkeypatch, no_tui):
    folder = _config(monkeypatch, tmp_path)
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text('[accounts.tidewater]\ntoken = "ada_token"\n')
    os.chmod(elsewhere, 0o644)
    (folder / "credentials.toml").symlink_to(elsewhere)
    for command in (["sync", "--once"], []):
        code, _, err = run(capsys, "--db", db, *command)
        assert code == 2
        _one_line(err, folder / "credentials.toml", "symbolic link")
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o644  # no chmod through the link


def test_credentials_of_another_user_are_refused(capsys, tmp_path, db, monkeypatch):
    path = _with_account(db, _config(monkeypatch, tmp_path))
    monkeypatch.setattr(os, "geteuid", lambda: path.stat().st_uid + 1)
    code, _, err = run(capsys, "--db", db, "sync", "--once")
    assert code == 2
    _one_line(err, path, "belongs to another user")


def test_unreadable_credentials(capsys, tmp_path, db, monkeypatch, as_unprivileged):
    path = _with_account(db, _config(monkeypatch, tmp_path), mode=0)
    code, _, err = run(capsys, "--db", db, "sync", "--once")
    assert code == 2
    _one_line(err, path, "cannot read credentials", "chmod 600")


def test_credentials_of_the_wrong_shape(capsys, tmp_path, db, monkeypatch):
    path = _config(monkeypatch, tmp_path) / "credentials.toml"
    path.write_text('accounts = "tidewater"\n')
    os.chmod(path, 0o600)
    code, _, err = run(capsys, "--db", db, "sync", "--once")
    assert code == 2
    _one_line(err, path, "unexpected layout")
