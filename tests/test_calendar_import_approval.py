"""`calendar import` while approval is required: a file is no approver. An entry it says is
approved or scheduled comes in waiting for approval when it is new or changed (its transition
names the person importing and says it came from the file), the command says how many on
stderr; an unchanged re-import changes nothing; without approval, as before."""

from __future__ import annotations

import json

import pytest

from cli_helpers import run
from cmtui.planning.exchange import export_entries, import_entries
from cmtui.store import Store
from test_calendar_files import TZ, count, enrich, fresh, write
from test_team_cli import settings


@pytest.fixture
def rich(store):
    enrich(store)
    return store


def statuses(store: Store) -> dict[int, str]:
    return dict(store.conn.execute("SELECT id, status FROM calendar_entries"))


def test_new_entries_approved_or_scheduled_in_the_file_wait_for_approval(rich, tmp_path):
    first = export_entries(rich, "json", TZ)
    said = {e["id"]: e["status"] for e in json.loads(first)}
    other = fresh(tmp_path / "other.db", rich)
    report = import_entries(other, write(tmp_path / "cal.json", first), TZ, who="bob", approval_required=True)
    held = [i for i, s in said.items() if s in ("approved", "scheduled")]
    assert held and report.held == len(held) and report.created == len(said)
    now = statuses(other)
    assert all(now[i] == "needs_approval" for i in held)
    assert all(now[i] == s for i, s in said.items() if i not in held)  # drafts, published, ... as they were
    [step] = other.entries.transitions(held[0])
    assert (step["from_status"], step["to_status"], step["who"]) == (None, "needs_approval", "bob")
    assert "cal.json" in step["comment"] and "approval is required" in step["comment"]
    other.close()


def test_an_unchanged_reimport_under_approval_changes_nothing(rich, tmp_path):
    first = export_entries(rich, "csv", TZ)
    entries, transitions = count(rich), count(rich, "entry_transitions")
    report = import_entries(rich, write(tmp_path / "cal.csv", first), TZ, who="bob", approval_required=True)
    assert report.held == 0 and export_entries(rich, "csv", TZ) == first
    assert count(rich) == entries and count(rich, "entry_transitions") == transitions


def test_a_changed_approved_entry_or_a_draft_made_approved_goes_back_to_approval(rich, tmp_path):
    entries = json.loads(export_entries(rich, "json", TZ))
    approved = next(e for e in entries if e["status"] == "approved")
    draft = next(e for e in entries if e["status"] == "draft")
    approved["text"] = "Reworded after approval"
    draft["status"] = "approved"
    moved = next(e for e in entries if e["status"] == "needs_approval")
    moved["status"] = "approved"  # asked already: it keeps waiting (not counted: nothing changes)
    report = import_entries(rich, write(tmp_path / "edit.json", json.dumps(entries)), TZ, who="marie",
                            approval_required=True)
    assert report.held == 2
    now = statuses(rich)
    assert (now[approved["id"]], now[draft["id"]], now[moved["id"]]) == ("needs_approval",) * 3
    assert rich.entries.get(approved["id"])["text"] == "Reworded after approval"
    last = rich.entries.transitions(draft["id"])[-1]
    assert (last["from_status"], last["to_status"], last["who"]) == ("draft", "needs_approval", "marie")
    assert last["comment"].startswith("imported from edit.json, which said approved")


def test_without_approval_the_file_says_the_status(rich, tmp_path):
    entries = json.loads(export_entries(rich, "json", TZ))
    draft = next(e for e in entries if e["status"] == "draft")
    draft["status"] = "approved"
    report = import_entries(rich, write(tmp_path / "edit.json", json.dumps(entries)), TZ, who="marie")
    assert report.held == 0 and statuses(rich)[draft["id"]] == "approved"


def test_the_command_says_how_many_wait_on_stderr(capsys, db, tmp_path):
    target = tmp_path / "cal.csv"
    run(capsys, "calendar", "export", "--format", "csv", "-o", str(target), "--db", db)
    other = str(tmp_path / "other.db")
    fresh(tmp_path / "other.db").close()
    source = Store.open(tmp_path / "community.db")
    approved = sum(1 for s in statuses(source).values() if s in ("approved", "scheduled"))
    source.close()
    settings('user = "ana"\napprovers = ["nina"]\napproval_required = true\n')
    code, out, err = run(capsys, "calendar", "import", str(target), "--db", other)
    assert (code, out) == (0, "imported 12 entries (0 updated)\n") and approved > 1
    assert err == (f"cmtui: {approved} entries the file says are approved or scheduled wait for approval"
                   " (approval is required)\n")
    code, out, err = run(capsys, "calendar", "import", str(target), "--db", other)
    assert (code, err) == (0, "")  # the same file again: nothing new, nothing said
