"""cmtui calendar export | import: round trips in every format, bad files refused whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cmtui.cli import main
from cmtui.errors import InputError
from cmtui.planning.exchange import CSV_COLUMNS, export_entries, import_entries
from cmtui.store import Store
from cli_helpers import run

TZ = ZoneInfo("Europe/Ljubljana")
FORMATS = ("csv", "json", "ics")
TRICKY = 'Weekly tips, "quoted"\nsecond line; semicolon, back\\slash and ünïcödé 🎉\n\n— «done»'


def enrich(store: Store) -> dict:
    """Beyond the factory's 12 entries: a recurring series with a skipped occurrence, a
    variant, a moved and published occurrence, tricky text, every optional field."""
    main_id = store.accounts.get("tidewater").id
    es_id = store.accounts.get("tidewater_es").id
    series = store.entries.add(
        main_id, TRICKY, "scheduled", who="ana", scheduled_at="2026-11-23T09:00:00Z",
        rrule="FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=10", campaign="Launch, week", campaign_color="#ff8800",
        notes="internal\nnote, with comma", content_warning="spoilers", language="en", visibility="unlisted")
    with store.transaction():
        store.conn.execute("INSERT INTO entry_skips VALUES (?, ?)", (series, "2026-11-26T09:00:00Z"))
        store.conn.execute("INSERT INTO entry_variants VALUES (?, ?, ?)",
                           (series, es_id, 'Consejos, "semanales"\n¡hola!'))
        store.conn.execute(
            "INSERT INTO calendar_entries (account_id, text, status, scheduled_at, published_at, parent_id,"
            " occurrence_at, remote_id, url, late, created_at, updated_at) VALUES (?, 'moved occurrence',"
            " 'published', '2026-11-30T10:00:00Z', '2026-11-30T10:07:00Z', ?, '2026-11-30T09:00:00Z', '1234',"
            " 'https://social.tidewater.example/@tidewater/1234', 1, '2026-11-20T08:00:00Z',"
            " '2026-11-30T10:07:00Z')", (main_id, series))
    posted = store.entries.add(main_id, "Posted straight away", "published", who="ana",
                                published_at="2026-11-19T16:45:00Z", remote_id="999")
    failed = store.entries.add(es_id, "Falló; 'comillas'", "failed", who="ana", scheduled_at="2026-11-18T07:00:00Z",
                                last_error="422: Validation failed, text too long")
    store.entries.add(None, "An idea with no account yet", "idea", who="ana")
    store.entries.add(main_id, "Cancelled one", "cancelled", who="ana", scheduled_at="2026-12-24T18:00:00Z")
    return {"series": series, "posted": posted, "failed": failed}


def fresh(path: Path, source: Store | None = None) -> Store:
    """A new database with the same accounts as source (the factory's two by default)."""
    store = Store.open(path)
    if source is None:
        names = [("tidewater", {}), ("tidewater_es", {})]
    else:
        names = [(a.name, a.limits) for a in source.accounts.list()]
    for name, limits in names:
        store.accounts.add(name, "mastodon", "https://social.tidewater.example", limits=limits)
    return store


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def count(store: Store, table: str = "calendar_entries") -> int:
    return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def rich(store):
    enrich(store)
    return store


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_imports_into_a_fresh_database_identically(rich, tmp_path, fmt):
    first = export_entries(rich, fmt, TZ)
    other = fresh(tmp_path / "other.db", rich)
    report = import_entries(other, write(tmp_path / f"cal.{fmt}", first), TZ, who="bob")
    assert (report.entries, report.created, report.updated) == (18, 18, 0)
    assert export_entries(other, fmt, TZ) == first
    # ... and the other way: the second database's export updates the first, adds nothing
    again = import_entries(rich, write(tmp_path / f"back.{fmt}", export_entries(other, fmt, TZ)), TZ, who="bob")
    assert (again.created, again.updated) == (0, 18) and export_entries(rich, fmt, TZ) == first
    other.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_imported_into_the_same_database_changes_nothing(rich, tmp_path, fmt):
    first = export_entries(rich, fmt, TZ)
    entries, transitions = count(rich), count(rich, "entry_transitions")
    report = import_entries(rich, write(tmp_path / f"cal.{fmt}", first), TZ, who="bob")
    assert report.summary() == "imported 18 entries (18 updated)"
    assert count(rich) == entries and count(rich, "entry_transitions") == transitions
    assert export_entries(rich, fmt, TZ) == first


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_restores_a_wiped_calendar_with_its_ids(rich, tmp_path, fmt):
    first = export_entries(rich, fmt, TZ)
    with rich.transaction():
        rich.conn.execute("DELETE FROM calendar_entries")
    import_entries(rich, write(tmp_path / f"cal.{fmt}", first), TZ, who="bob")
    assert export_entries(rich, fmt, TZ) == first


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_with_the_system_timezone_in_utc(rich, tmp_path, fmt):
    first = export_entries(rich, fmt, timezone.utc)
    other = fresh(tmp_path / "other.db", rich)
    import_entries(other, write(tmp_path / f"cal.{fmt}", first), timezone.utc, who="bob")
    assert export_entries(other, fmt, timezone.utc) == first
    other.close()


def test_json_has_the_list_keys_and_the_extra_ones(rich):
    entries = json.loads(export_entries(rich, "json", TZ))
    listed = ("id", "account", "text", "status", "scheduled_at", "published_at", "remote_id", "url", "language",
              "visibility", "content_warning", "campaign", "notes", "rrule", "last_error")
    assert all(list(e)[: len(listed)] == list(listed) for e in entries)
    assert set(entries[0]) - {"media"} == set(CSV_COLUMNS)  # (media: listed in JSON only, not imported)
    series = next(e for e in entries if e["rrule"])
    assert series["text"] == TRICKY and series["variants"] == {"tidewater_es": 'Consejos, "semanales"\n¡hola!'}
    assert series["skipped"] == ["2026-11-26T09:00:00Z"] and series["uid"].startswith(f"cmtui-entry-{series['id']}@")
    child = next(e for e in entries if e["parent_uid"])
    assert child["parent_uid"] == series["uid"] and child["uid"] is None and child["late"] is True
    undated = [e for e in entries if not (e["scheduled_at"] or e["published_at"])]
    assert len(undated) == 3 and entries[-3:] == undated  # undated ideas last


def test_csv_is_one_header_and_one_record_per_entry(rich):
    import csv
    import io

    text = export_entries(rich, "csv", TZ)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 19
    series = next(dict(zip(rows[0], r)) for r in rows[1:] if r[CSV_COLUMNS.index("rrule")])
    assert series["text"] == TRICKY and json.loads(series["variants"]) == {"tidewater_es": 'Consejos, "semanales"\n¡hola!'}
    assert series["skipped"] == "2026-11-26T09:00:00Z" and series["late"] == ""


def test_ics_events_todos_recurrence_and_timezone(rich):
    from icalendar import Calendar

    text = export_entries(rich, "ics", TZ)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cal = Calendar.from_ical(text)
    events, todos = cal.walk("VEVENT"), cal.walk("VTODO")
    assert len(events) + len(todos) == 18 and len(todos) == 3  # the undated ideas are to-dos
    assert all(c.get("UID") and c.get("DTSTAMP") for c in events + todos)
    series = next(e for e in events if e.get("RRULE") and "RECURRENCE-ID" not in e)
    assert "DTSTART;TZID=Europe/Ljubljana:20261123T100000" in text  # a series repeats in local time
    assert "EXDATE;TZID=Europe/Ljubljana:20261126T100000" in text
    assert str(series["DESCRIPTION"]) == TRICKY and str(series["SUMMARY"]) == 'Weekly tips, "quoted"'
    assert series.get("X-CMTUI-STATUS") == "scheduled" and series["STATUS"] == "CONFIRMED"
    moved = next(e for e in events if "RECURRENCE-ID" in e)
    assert moved["UID"] == series["UID"] and "RECURRENCE-ID;TZID=Europe/Ljubljana:20261130T100000" in text
    assert "DTSTART;X-CMTUI-FROM=published:20261119T164500Z" in text  # published, never scheduled
    assert any(e["STATUS"] == "CANCELLED" for e in events)
    assert "VTIMEZONE" in text


def test_reimport_updates_in_place_records_transitions_and_keeps_untouched_times(rich, tmp_path):
    with rich.transaction():
        rich.conn.execute("UPDATE calendar_entries SET updated_at = '2026-01-01T00:00:00Z'")
    text = export_entries(rich, "json", TZ)
    entries = json.loads(text)
    target = next(e for e in entries if e["status"] == "draft")
    target["status"], target["text"] = "needs_approval", "Reworded draft"
    untouched = next(e for e in entries if e["status"] == "approved")
    import_entries(rich, write(tmp_path / "edit.json", json.dumps(entries)), TZ, who="marie")
    row = rich.entries.get(target["id"])
    assert (row["status"], row["text"]) == ("needs_approval", "Reworded draft")
    assert row["updated_at"] != target["updated_at"]
    last = rich.entries.transitions(target["id"])[-1]
    assert (last["from_status"], last["to_status"], last["who"], last["comment"]) == (
        "draft", "needs_approval", "marie", "imported from edit.json")
    assert rich.entries.get(untouched["id"])["updated_at"] == untouched["updated_at"]
    assert count(rich) == len(entries)


def test_a_fresh_import_records_who_imported_each_entry(rich, tmp_path):
    other = fresh(tmp_path / "other.db", rich)
    import_entries(other, write(tmp_path / "cal.csv", export_entries(rich, "csv", TZ)), TZ, who="bob")
    first = other.entries.transitions(1)
    assert [(t["from_status"], t["who"], t["comment"]) for t in first] == [(None, "bob", "imported from cal.csv")]
    other.close()


def test_an_entry_scheduled_on_the_server_is_not_changed_by_import(rich, tmp_path):
    series = next(e for e in json.loads(export_entries(rich, "json", TZ)) if e["rrule"])
    with rich.transaction():
        rich.conn.execute("UPDATE calendar_entries SET server_scheduled_id = '77' WHERE id = ?", (series["id"],))
    entries = json.loads(export_entries(rich, "json", TZ))
    import_entries(rich, write(tmp_path / "same.json", json.dumps(entries)), TZ, who="bob")  # unchanged: fine
    next(e for e in entries if e["id"] == series["id"])["scheduled_at"] = "2026-11-24T09:00:00Z"
    with pytest.raises(InputError) as exc:
        import_entries(rich, write(tmp_path / "moved.json", json.dumps(entries)), TZ, who="bob")
    assert f"entry {series['id']} is scheduled on the server; change its scheduled_at" in str(exc.value)
    assert rich.entries.get(series["id"])["scheduled_at"] == "2026-11-23T09:00:00Z"


def test_a_hand_written_csv_with_few_columns_semicolons_and_a_bom(store, tmp_path):
    path = write(tmp_path / "plan.csv", "\ufeffAccount;Text;Scheduled_at;Status\r\n"
                                        "tidewater;\"Hello; world\";2026-12-01 09:30;\r\n"
                                        ";an idea;;idea\r\n\r\n;;;\r\n")
    before = count(store)
    report = import_entries(store, path, TZ, who="ana")
    assert (report.entries, report.created) == (2, 2) and count(store) == before + 2
    rows = store.conn.execute("SELECT * FROM calendar_entries ORDER BY id DESC LIMIT 2").fetchall()
    assert rows[1]["text"] == "Hello; world" and rows[1]["scheduled_at"] == "2026-12-01T08:30:00Z"  # local time
    assert rows[1]["status"] == "draft" and rows[1]["visibility"] == "public" and rows[0]["account_id"] is None
    import_entries(store, path, TZ, who="ana")  # rows without a uid are added again
    assert count(store) == before + 4


def test_an_ics_file_from_another_calendar_app(store, tmp_path):
    path = write(tmp_path / "google.ics", "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "BEGIN:VEVENT", "DTSTART;TZID=Europe/Ljubljana:20261201T093000",
        "DTEND;TZID=Europe/Ljubljana:20261201T100000", "UID:abc123@google.com", "SUMMARY:Launch post",
        "DESCRIPTION:Announce the 2.0 release\\, finally", "CATEGORIES:launch,release",
        "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT10M", "END:VALARM", "END:VEVENT",
        "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261203", "UID:allday@example.org", "SUMMARY:Day off",
        "STATUS:CANCELLED", "END:VEVENT",
        "BEGIN:VTODO", "UID:todo@example.org", "SUMMARY:Write a thread about sync", "END:VTODO",
        "END:VCALENDAR", ""]))
    before = count(store)
    assert import_entries(store, path, TZ, who="ana").created == 3
    rows = store.conn.execute("SELECT * FROM calendar_entries WHERE uid IS NOT NULL ORDER BY id").fetchall()
    assert [(r["uid"], r["status"], r["scheduled_at"]) for r in rows] == [
        ("abc123@google.com", "draft", "2026-12-01T08:30:00Z"),
        ("allday@example.org", "cancelled", "2026-12-02T23:00:00Z"),
        ("todo@example.org", "idea", None)]
    assert rows[0]["text"] == "Launch post\n\nAnnounce the 2.0 release, finally" and rows[0]["campaign"] == "launch"
    assert import_entries(store, path, TZ, who="ana").updated == 3 and count(store) == before + 3


# ---------------------------------------------------------------- bad files

def problems(exc) -> list[str]:
    return str(exc.value).splitlines()


def refused(store, path, *, tz=TZ):
    before = (count(store), count(store, "entry_transitions"), count(store, "entry_variants"))
    with pytest.raises(InputError) as exc:
        import_entries(store, path, tz, who="ana")
    assert (count(store), count(store, "entry_transitions"), count(store, "entry_variants")) == before
    return problems(exc)


def test_a_bad_csv_is_refused_whole_with_every_problem_and_its_line(store, tmp_path):
    path = write(tmp_path / "bad.csv", "\r\n".join([
        "uid,account,status,scheduled_at,text,rrule,variants",
        'a1,tidewater,draft,2026-12-01T09:00:00Z,"fine,',             # 2-3: a record over two lines
        'two lines",,',
        "a2,nobody,draft,2026-12-01T09:00:00Z,hello,,",                 # 4
        "a3,tidewater,sleeping,2026-12-01T09:00:00Z,hello,,",          # 5
        "a4,tidewater,draft,next tuesday-ish,hello,,",                 # 6
        "a5,tidewater,draft,2026-12-01T09:00:00Z,hello,FREQ=SOMETIMES,",  # 7
        'a6,tidewater,draft,2026-12-01T09:00:00Z,"",,',               # 8
        f"a7,tidewater,draft,2026-12-01T09:00:00Z,{'x' * 501},,",       # 9
        "a1,tidewater,draft,2026-12-01T09:00:00Z,again,,",             # 10
        'a8,tidewater,draft,2026-12-01T09:00:00Z,hi,,"{""ghost"": ""boo""}"',  # 11
        "a9,tidewater,draft,2026-12-01T09:00:00Z,hi,,,extra",           # 12
        ""]))
    lines = refused(store, path)
    assert lines[0] == f"{path}: 9 problems, nothing imported"
    assert lines[1:] == [
        "line 4: unknown account 'nobody' (known: tidewater, tidewater_es)",
        "line 5: unknown status 'sleeping' (idea, draft, needs_approval, approved, scheduled, published, failed,"
        " cancelled)",
        "line 6: cannot read scheduled_at 'next tuesday-ish' as an ISO 8601 time (like 2026-12-01T09:30:00Z)",
        lines[4],
        "line 8: the text is empty",
        "line 9: the text is 501 characters, over the limit of 500 (URLs count as 23)",
        "line 10: duplicate uid 'a1' (also on line 2)",
        "line 11: unknown account 'ghost' (known: tidewater, tidewater_es)",
        "line 12: 8 fields, but the header has 7 columns",
        "--create-accounts would create 'nobody', 'ghost' offline (to plan for, connected later)",
    ]
    assert lines[4].startswith("line 7: bad rrule 'FREQ=SOMETIMES': ")


def test_a_csv_header_with_unknown_columns_is_refused(store, tmp_path):
    lines = refused(store, write(tmp_path / "bad.csv", "acount,text\r\nx,hello\r\n"))
    assert lines[1].startswith("line 1: unknown column 'acount' (columns: uid, id, account,")


def test_a_csv_with_a_quote_never_closed(store, tmp_path):
    lines = refused(store, write(tmp_path / "bad.csv", 'account,text\r\ntidewater,"never closed\r\nmore\r\n'))
    assert lines[0].endswith("1 problem, nothing imported") and "cannot read the CSV" in lines[1]


def test_a_bad_ics_names_the_line_where_each_bad_entry_begins(store, tmp_path):
    path = write(tmp_path / "bad.ics", "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:test",                                     # 1-3
        "BEGIN:VEVENT", "UID:ok", "DTSTART:20261201T090000Z", "SUMMARY:fine", "END:VEVENT",  # 4
        "BEGIN:VEVENT", "UID:b", "DTSTART:20261201T090000Z", "SUMMARY:hi",                  # 9
        "X-CMTUI-ACCOUNT:nobody", "END:VEVENT",
        "BEGIN:VEVENT", "UID:c", "DTSTART:garbage", "SUMMARY:hi", "END:VEVENT",             # 15
        "BEGIN:VEVENT", "UID:d", "DTSTART:20261201T090000Z", "SUMMARY:hi",                  # 20
        "X-CMTUI-STATUS:sleeping", "END:VEVENT",
        "BEGIN:VTODO", "UID:ok", "SUMMARY:again", "END:VTODO",                              # 26
        "BEGIN:VEVENT", "UID:f", "DTSTART:20261201T090000Z", "SUMMARY:", "END:VEVENT",      # 30
        "END:VCALENDAR", ""]))
    lines = refused(store, path)
    assert lines[0] == f"{path}: 5 problems, nothing imported"
    assert lines[1] == "line 9: unknown account 'nobody' (known: tidewater, tidewater_es)"
    assert lines[2].startswith("line 15: cannot read DTSTART")
    assert lines[3].startswith("line 20: unknown status 'sleeping'")
    assert lines[4:] == ["line 26: duplicate uid 'ok' (also on line 4)", "line 30: the text is empty",
                         "--create-accounts would create 'nobody' offline (to plan for, connected later)"]


def test_an_ics_with_broken_structure(store, tmp_path):
    lines = refused(store, write(tmp_path / "bad.ics", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n"
                                                       "this is not a property\r\nEND:VCALENDAR\r\n"))
    assert lines[1:] == ["line 4: cannot read this line as an iCalendar property: 'this is not a property'",
                         "line 5: END:VCALENDAR where END:VEVENT was expected"]
    lines = refused(store, write(tmp_path / "notcal.ics", "hello\r\n"))
    assert lines[1] == "line 1: a property outside BEGIN:VCALENDAR ... END:VCALENDAR"


def test_a_bad_json_names_the_line_and_the_entry(store, tmp_path):
    path = write(tmp_path / "bad.json", json.dumps([
        {"uid": "a", "account": "tidewater", "text": "fine", "scheduled_at": "2026-12-01T09:00:00Z"},
        {"uid": "b", "account": "tidewater", "text": "hi", "scheduled_at": 12},
        "not an entry",
        {"uid": "c", "account": "tidewater", "text": "hi", "variants": ["x"], "late": "maybe"},
    ], indent=2))
    lines = refused(store, path)
    assert lines == [f"{path}: 4 problems, nothing imported",
                     "line 8, entry 2: cannot read scheduled_at '12' as an ISO 8601 time (like 2026-12-01T09:30:00Z)",
                     "line 14, entry 3: expected an object (an entry), got str",
                     "line 15, entry 4: late 'maybe': expected 1 or empty (true or false)",
                     'line 15, entry 4: variants: expected a JSON object of account name to text, like'
                     ' {"tidewater_es": "Hola"}']
    lines = refused(store, write(tmp_path / "broken.json", '[\n  {"text": "a"},\n  {"text": }\n]'))
    assert lines[1] == "line 3: not valid JSON: Expecting value"
    lines = refused(store, write(tmp_path / "object.json", '{"text": "a"}'))
    assert lines[1].startswith("line 1: expected a JSON array")


def test_an_occurrence_needs_its_series(store, tmp_path):
    lines = refused(store, write(tmp_path / "orphan.csv", "parent_uid,occurrence_at,account,text\r\n"
                                                           "nowhere@x,2026-12-01T09:00:00Z,tidewater,hi\r\n"))
    assert lines[1] == "line 2: parent_uid 'nowhere@x' is neither in the file nor in the database"
    # a series refused for its own problem: its occurrences are not blamed for it again
    lines = refused(store, write(tmp_path / "series.ical", "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:test",
        "BEGIN:VEVENT", "UID:s", "DTSTART:soon", "RRULE:FREQ=DAILY", "SUMMARY:daily", "END:VEVENT",
        "BEGIN:VEVENT", "UID:s", "RECURRENCE-ID:20261202T090000Z", "DTSTART:20261202T100000Z", "SUMMARY:moved",
        "END:VEVENT", "END:VCALENDAR", ""])))
    assert len(lines) == 2 and lines[1].startswith("line 4: cannot read DTSTART")


def test_a_variant_is_checked_against_its_own_account(store, tmp_path):
    with store.transaction():
        store.conn.execute("UPDATE accounts SET limits = '{\"max_chars\": 20}' WHERE name = 'tidewater_es'")
    lines = refused(store, write(tmp_path / "v.json", json.dumps([
        {"account": "tidewater", "text": "short", "variants": {"tidewater_es": "a variant far too long here"}}])))
    assert lines[1] == ("line 1, entry 1: variant for tidewater_es: the text is 27 characters, over the limit of 20"
                        " (URLs count as 23)")


@pytest.mark.parametrize("name, content, message", [
    ("missing.csv", None, "{path}: no such file"),
    ("folder.csv", "dir", "{path} is a directory, not a calendar file"),
    ("notes.txt", "account,text\n", "{path}: unknown file type ('.txt'); calendar import reads .csv, .ics and"
                                    " .json files"),
    ("empty.ics", "", "{path}: the file is empty"),
])
def test_files_that_cannot_be_imported(store, tmp_path, name, content, message):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        write(path, content)
    assert refused(store, path) == [message.format(path=path)]


@pytest.mark.parametrize("suffix", ["csv", "ics", "json"])
def test_a_file_that_is_not_utf8_names_the_line(store, tmp_path, suffix):
    path = tmp_path / f"latin1.{suffix}"
    path.write_bytes(b"account,text\r\ntidewater,ok\r\ntidewater,caf\xe9\r\n")
    assert refused(store, path) == [f"{path}: not UTF-8 text (line 3); save it as UTF-8 and import it again"]


# ---------------------------------------------------------------- command line

@pytest.fixture
def db(rich, tmp_path):
    rich.close()
    return str(tmp_path / "community.db")


def test_cli_export_to_stdout_and_to_a_file(capsys, db, tmp_path):
    code, out, err = run(capsys, "calendar", "export", "--format", "json", "--db", db)
    assert code == 0 and err == "" and len(json.loads(out)) == 18
    target = tmp_path / "cal.ics"
    write(target, "old content")
    target.chmod(0o640)
    code, out, err = run(capsys, "calendar", "export", "--format", "ics", "-o", str(target), "--db", db)
    assert code == 0 and out == f"exported 18 entries to {target}\n"
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR") and target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left
    code, _, err = run(capsys, "calendar", "export", "--format", "csv", "-o", str(tmp_path / "no" / "x.csv"),
                       "--db", db)
    assert code == 2 and err == f"cmtui: cannot write {tmp_path / 'no' / 'x.csv'}: folder {tmp_path / 'no'} does not exist\n"
    with pytest.raises(SystemExit):
        main(["calendar", "export", "--format", "xml", "--db", db])


def test_cli_import_round_trip_and_a_bad_file(capsys, db, tmp_path):
    target = tmp_path / "cal.csv"
    run(capsys, "calendar", "export", "--format", "csv", "-o", str(target), "--db", db)
    other = str(tmp_path / "other.db")
    fresh(Path(other)).close()
    code, out, err = run(capsys, "calendar", "import", str(target), "--db", other)
    assert (code, out, err) == (0, "imported 18 entries (0 updated)\n", "")
    code, out, _ = run(capsys, "--db", other, "calendar", "export", "--format", "csv")
    assert out == target.read_bytes().decode("utf-8")
    code, out, _ = run(capsys, "calendar", "import", str(target), "--db", db)
    assert (code, out) == (0, "imported 18 entries (18 updated)\n")
    bad = write(tmp_path / "bad.csv", "account,text\r\nnobody,hi\r\ntidewater,\r\n")
    code, out, err = run(capsys, "calendar", "import", str(bad), "--db", db)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"cmtui: {bad}: 2 problems, nothing imported",
                                "line 2: unknown account 'nobody' (known: tidewater, tidewater_es)",
                                "line 3: the text is empty",
                                "--create-accounts would create 'nobody' offline (to plan for, connected later)"]
    code, _, err = run(capsys, "calendar", "import", str(tmp_path / "nope.ics"), "--db", db)
    assert code == 2 and err == f"cmtui: {tmp_path / 'nope.ics'}: no such file\n"


def test_the_exchange_modules_load_neither_icalendar_nor_textual():
    code = ("import sys, cmtui.cli, cmtui.planning.exchange, cmtui.planning.exchange_ics, cmtui.commands.calendar_files\n"
            "heavy = [m for m in sys.modules if m.split('.')[0] in ('icalendar', 'textual')]\n"
            "assert not heavy, heavy\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 0, result.stderr
