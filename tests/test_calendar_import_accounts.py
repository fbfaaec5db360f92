"""`cmtui calendar import FILE --create-accounts`: a calendar planned elsewhere names accounts
this database lacks; with the flag each is created offline (its platform from the file, else
the default) and the rows import; without it the refusal says what the flag would do. A failed
import creates no account."""

from __future__ import annotations

import json

import pytest

from cli_helpers import run
from cmtui.store import Store
from cmtui.sync.connectors import default_platform

CSV = "account,platform,status,scheduled_at,text,variants\n" \
      'launch,matrix,draft,2026-12-01T09:00:00Z,Hello from the launch room,"{""launch_es"": ""Hola""}"\n' \
      "launch,,idea,,Another idea,\n"
JSON = json.dumps([{"account": "launch", "platform": "bluesky", "status": "draft", "text": "Planned post"},
                   {"account": "second", "status": "idea", "text": "Undated idea"}])
ICS = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
    "BEGIN:VEVENT", "UID:one@example.org", "DTSTART:20261201T090000Z", "SUMMARY:Launch day",
    "X-CMTUI-ACCOUNT:launch", "X-CMTUI-PLATFORM:matrix", "X-CMTUI-STATUS:draft", "END:VEVENT",
    "END:VCALENDAR", ""])
FILES = {"csv": (CSV, {"launch": "matrix", "launch_es": default_platform()}, 2),
         "json": (JSON, {"launch": "bluesky", "second": default_platform()}, 2),
         "ics": (ICS, {"launch": "matrix"}, 1)}


def accounts(db) -> dict[str, tuple[str, bool]]:
    store = Store.open(db)
    try:
        return {a.name: (a.platform, a.offline) for a in store.accounts.list()}
    finally:
        store.close()


@pytest.mark.parametrize("kind", list(FILES))
def test_create_accounts_makes_them_offline_and_imports(capsys, db, tmp_path, kind):
    text, expected, rows = FILES[kind]
    path = tmp_path / f"plan.{kind}"
    path.write_text(text, encoding="utf-8")
    before = accounts(db)
    code, out, err = run(capsys, "calendar", "import", str(path), "--db", db)
    assert code == 2 and "--create-accounts would create" in err and "unknown account 'launch'" in err
    assert accounts(db) == before

    code, out, err = run(capsys, "calendar", "import", str(path), "--create-accounts", "--db", db)
    assert code == 0, err
    assert out.strip() == f"imported {rows} {'entry' if rows == 1 else 'entries'} (0 updated)"
    lines = err.splitlines()
    assert len(lines) == len(expected)
    for name, platform in expected.items():
        assert any(f"created offline account {name} ({platform}," in line for line in lines), lines
    assert accounts(db) == before | {name: (platform, True) for name, platform in expected.items()}
    store = Store.open(db)
    try:
        names = {r["name"] for r in store.conn.execute(
            "SELECT a.name FROM calendar_entries e JOIN accounts a ON a.id = e.account_id")}
    finally:
        store.close()
    assert "launch" in names


def test_a_failed_import_creates_no_account(capsys, db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("account,status,text\nlaunch,draft,Fine\nother,nonsense,Bad status\n", encoding="utf-8")
    before = accounts(db)
    code, _, err = run(capsys, "calendar", "import", str(path), "--create-accounts", "--db", db)
    assert code == 2 and "unknown status" in err
    assert accounts(db) == before


@pytest.mark.parametrize("body, message", [
    ("account,platform,text\nlaunch,myspace,Hi\n", "unknown platform 'myspace'"),
    ("account,platform,text\nlaunch,matrix,Hi\nlaunch,bluesky,Ho\n", "is on bluesky here but on matrix"),
    ("account,text\nbad name!,Hi\n", "not a usable account name"),
])
def test_bad_accounts_in_the_file_are_refused_with_their_line(capsys, db, tmp_path, body, message):
    path = tmp_path / "plan.csv"
    path.write_text(body, encoding="utf-8")
    before = accounts(db)
    code, _, err = run(capsys, "calendar", "import", str(path), "--create-accounts", "--db", db)
    assert code == 2 and message in err and "line " in err
    assert accounts(db) == before


def test_known_accounts_need_no_flag_and_the_platform_column_is_ignored_for_them(capsys, db, tmp_path):
    known = next(iter(accounts(db)))
    path = tmp_path / "plan.csv"
    path.write_text(f"account,platform,status,text\n{known},bluesky,draft,Hi\n", encoding="utf-8")
    before = accounts(db)
    code, out, err = run(capsys, "calendar", "import", str(path), "--db", db)
    assert code == 0 and err == "" and out.strip() == "imported 1 entry (0 updated)"
    assert accounts(db) == before
