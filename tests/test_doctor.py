"""cmtui doctor against a real peer (mastodon_mock on 127.0.0.1): one line per check,
exit 0 when nothing is a problem, 1 when something is; never a token."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
from pathlib import Path

import pytest

from cli_helpers import run


@pytest.fixture
def setup(sync_env, tmp_path, monkeypatch):
    """(db path, store, credentials): ada on the peer, her token in a 0600 file."""
    store, _, credentials = sync_env
    monkeypatch.setenv("CMTUI_CONFIG_DIR", str(credentials.path.parent))
    return str(tmp_path / "sync.db"), store, credentials


def _doctor(capsys, db):
    code, out, err = run(capsys, "doctor", "--json", "--db", db)
    checks = {c["check"]: c for c in json.loads(out)}
    return code, checks, out + err


def _statuses(checks) -> dict:
    return {name: c["status"] for name, c in checks.items()}


def test_healthy_setup_is_all_ok(capsys, setup):
    db, _, _ = setup
    code, checks, text = _doctor(capsys, db)
    assert code == 0
    assert set(checks) == {"database", "wal", "free pages", "disk", "settings", "credentials", "account ada",
                           "outbox"}
    assert set(_statuses(checks).values()) == {"ok"}, checks
    assert "integrity check ok" in checks["database"]["detail"]
    assert "signed in as ada" in checks["account ada"]["detail"]
    assert "ada_token" not in text
    code, out, _ = run(capsys, "doctor", "--db", db)  # the plain form: one line per check
    assert code == 0 and len(out.splitlines()) == 8 and all(line.startswith("ok ") for line in out.splitlines())


def test_refused_token_is_a_problem(capsys, setup):
    db, _, credentials = setup
    credentials.set("ada", "not-a-valid-token")
    code, checks, text = _doctor(capsys, db)
    assert code == 1
    assert checks["account ada"]["status"] == "problem"
    assert "token refused" in checks["account ada"]["detail"]
    assert "cmtui account add mastodon ada --instance" in checks["account ada"]["action"]
    assert "not-a-valid-token" not in text


def test_unreachable_instance_is_a_warning(capsys, setup):
    db, store, _ = setup
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store.conn.execute("UPDATE accounts SET server = ?", (f"http://127.0.0.1:{port}",))
    code, checks, _ = _doctor(capsys, db)
    assert code == 0
    assert checks["account ada"]["status"] == "warning" and "cannot check now" in checks["account ada"]["detail"]


def test_credentials_readable_by_others_are_fixed_and_reported(capsys, setup):
    db, _, credentials = setup
    os.chmod(credentials.path, 0o644)
    code, checks, _ = _doctor(capsys, db)
    assert code == 0
    assert checks["credentials"]["status"] == "warning" and "fixed to 0600" in checks["credentials"]["detail"]
    assert stat.S_IMODE(credentials.path.stat().st_mode) == 0o600
    assert checks["account ada"]["status"] == "ok"


def test_damaged_database_is_a_problem_and_left_alone(capsys, setup):
    db, store, _ = setup
    store.close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = Path(db).read_bytes()
    Path(db).write_bytes(data[: len(data) // 2])
    before = Path(db).read_bytes()
    code, checks, _ = _doctor(capsys, db)
    assert code == 1
    assert checks["database"]["status"] == "problem" and "damaged" in checks["database"]["detail"]
    assert "disk" in checks and "settings" in checks  # the other checks still run
    assert Path(db).read_bytes() == before and not Path(f"{db}-wal").exists()


def test_bad_settings_and_failed_operations(capsys, setup):
    db, store, credentials = setup
    (credentials.path.parent / "settings.toml").write_text("timezone = \n")
    with store.transaction():
        op = store.outbox.enqueue(store.accounts.get("ada").id, "post", {"text": "hello"})
    store.outbox.fail(op, "422 text too long")
    code, checks, _ = _doctor(capsys, db)
    assert code == 1
    assert checks["settings"]["status"] == "problem" and "line 1" in checks["settings"]["detail"]
    assert checks["outbox"]["status"] == "warning" and checks["outbox"]["detail"].startswith("1 failed")


def test_the_read_only_checks_change_nothing_on_disk(tmp_path):
    # doctor's view of a file: no -wal or -shm left beside it, and no write gets through.
    from cmtui.store import Store
    from cmtui.store import health
    from cmtui.store.migrations import LATEST

    path = tmp_path / "c.db"
    Store.open(path).close()
    before = sorted(p.name for p in tmp_path.iterdir())
    conn = health.open_read_only(path)
    try:
        assert health.shape(conn) == (LATEST, health.shape(conn).objects) and health.shape(conn).objects > 10
        assert health.findings(conn, full=True, limit=5) == ["ok"] == health.findings(conn, full=False, limit=1)
        assert health.free_bytes(conn) >= 0
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM accounts")
    finally:
        conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
