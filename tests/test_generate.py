"""`cmtui generate`: a synthetic database that is schema-identical to a normal one."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import datetime, timezone

import pytest

from cmtui import generate as gen
from cmtui.cli import main
from cmtui.model import parse_iso
from cmtui.store import InboxFilter, Store
from cmtui.store.db import connect
from cmtui.store.inbox import ALL_STATES
from cmtui.store.migrations import LATEST
from cmtui.triage import is_question

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
N = 2_000


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "small.db"
    gen.generate(path, N, seed=7, now=NOW)
    return path


def _read(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _master(path):
    # sqlite_stat1 comes from ANALYZE; it is SQLite's own statistics table, not our schema.
    return sorted(_read(path, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"))


def test_counts(small):
    scalar = lambda sql: _read(small, sql)[0][0]  # noqa: E731
    assert scalar("SELECT count(*) FROM inbox_items") == N
    assert scalar("SELECT count(*) FROM inbox_fts_docsize") == N
    assert scalar("SELECT count(*) FROM accounts") == 3
    assert scalar("SELECT count(*) FROM people") == max(50, N // 20)
    assert scalar("SELECT count(*) FROM calendar_entries") == 200 == gen.calendar_size(1000)
    assert gen.calendar_size(1_000_000) == 10_000 == gen.calendar_size(5_000_000)
    assert scalar("SELECT count(*) FROM follower_snapshots") == 3 * 365
    assert scalar("SELECT count(*) FROM goals") == 3
    assert scalar("SELECT count(*) FROM post_stats") == scalar(
        "SELECT count(*) FROM calendar_entries WHERE status = 'published'")
    assert scalar("SELECT count(DISTINCT author) FROM inbox_items") > 50
    assert scalar("SELECT count(*) FROM inbox_items WHERE thread_id IS NOT NULL") > N * 0.05
    # The per-state counts (kept by triggers that the bulk load bypasses) match the rows.
    truth = dict(_read(small, "SELECT state, count(*) FROM inbox_items WHERE hidden = 0 GROUP BY state"))
    assert dict(_read(small, "SELECT state, n FROM inbox_counts WHERE n > 0")) == truth


def test_schema_is_identical_to_a_normal_database(small, tmp_path):
    fresh = tmp_path / "fresh.db"
    connect(fresh).close()
    assert _master(small) == _master(fresh)
    assert _read(small, "PRAGMA user_version")[0][0] == LATEST
    for pragma in ("journal_mode", "page_size", "auto_vacuum", "encoding"):
        assert _read(small, f"PRAGMA {pragma}") == _read(fresh, f"PRAGMA {pragma}"), pragma
    assert _read(small, "SELECT k, v FROM inbox_fts_config") == _read(fresh, "SELECT k, v FROM inbox_fts_config")


def test_database_is_consistent(small):
    assert _read(small, "PRAGMA integrity_check") == [("ok",)]
    assert _read(small, "PRAGMA foreign_key_check") == []
    conn = sqlite3.connect(small)
    try:
        conn.execute("INSERT INTO inbox_fts (inbox_fts) VALUES ('integrity-check')")  # index matches the rows
        # CHECK constraints were not evaluated during the load: re-check the values here.
        assert conn.execute("SELECT count(*) FROM inbox_items WHERE kind NOT IN ('mention', 'reply', 'direct')"
                            " OR state NOT IN ('new', 'open', 'snoozed', 'done')").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM calendar_entries WHERE status NOT IN ('idea', 'draft',"
                            " 'needs_approval', 'approved', 'scheduled', 'published', 'failed', 'cancelled')"
                            ).fetchone()[0] == 0
    finally:
        conn.close()
    assert not list(small.parent.glob("*.generating*"))


def test_items_look_right(small):
    rows = _read(small, "SELECT text, is_question, created_at, state, snooze_until, answered_at, done_at, kind,"
                        " visibility, remote_id, account_id, url, author FROM inbox_items ORDER BY id")
    for text, question, created, state, snooze, answered, done, kind, visibility, remote_id, _, url, author in rows:
        assert bool(question) == is_question(text), text
        at = parse_iso(created)
        assert NOW.replace(year=NOW.year - 1) <= at <= NOW
        assert (snooze is not None) == (state == "snoozed") and (snooze is None or parse_iso(snooze) > NOW)
        assert (done is not None) == (state == "done")
        assert answered is None or at <= parse_iso(answered) <= NOW
        assert visibility == ("direct" if kind == "direct" else "public")
        user, host = author.split("@")
        assert url == f"https://{host}/@{user}/{remote_id}" and host.endswith(".example")
    assert len({(r[10], r[9]) for r in rows}) == len(rows)
    assert [int(r[9]) for r in rows] == sorted(int(r[9]) for r in rows)  # snowflakes grow with time


def test_thread_replies_point_to_the_previous_item(small):
    rows = _read(small, "SELECT thread_id, remote_id, in_reply_to_remote_id, account_id FROM inbox_items"
                        " WHERE thread_id IS NOT NULL ORDER BY id")
    roots = dict(_read(small, "SELECT id, root_remote_id FROM threads"))
    last: dict[int, str] = {}
    for thread_id, remote_id, reply_to, _ in rows:
        assert reply_to == last.get(thread_id)
        if reply_to is None:
            assert roots[thread_id] == remote_id
        last[thread_id] = remote_id
    assert len({(t, a) for t, _, _, a in rows}) == len({t for t, *_ in rows})  # one account per thread
    sizes = Counter(t for t, *_ in rows)
    assert 2 <= max(sizes.values()) <= 6


def test_distributions(tmp_path):
    path = tmp_path / "dist.db"
    gen.generate(path, 20_000, seed=3, now=NOW)

    def shares(sql):
        counts = dict(_read(path, sql))
        return {k: v / sum(counts.values()) for k, v in counts.items()}
    kinds = shares("SELECT kind, count(*) FROM inbox_items GROUP BY kind")
    assert kinds["mention"] == pytest.approx(0.55, abs=0.04) and kinds["direct"] == pytest.approx(0.10, abs=0.03)
    old = shares("SELECT state, count(*) FROM inbox_items WHERE created_at < '2026-11-13' GROUP BY state")
    assert old["done"] == pytest.approx(0.92, abs=0.02)
    recent = shares("SELECT state, count(*) FROM inbox_items WHERE created_at > '2026-11-19T12' GROUP BY state")
    assert recent["new"] > 0.5
    answered = _read(path, "SELECT avg(answered_at IS NOT NULL) FROM inbox_items WHERE state = 'done'")[0][0]
    assert answered == pytest.approx(0.55, abs=0.03)
    assert set(shares("SELECT language, count(*) FROM inbox_items GROUP BY 1")) == {"en", "es", "fr", "sl", "de"}
    labelled = _read(path, "SELECT avg(labels != '[]'), avg(assignee IS NOT NULL) FROM inbox_items")[0]
    assert labelled[0] == pytest.approx(0.2, abs=0.02) and labelled[1] == pytest.approx(0.1, abs=0.02)
    flagged = _read(path, "SELECT count(*) FROM moderation_flags")[0][0] / 20_000
    assert 0.005 < flagged < 0.015
    # More items per day in the last month than in the first month of the year.
    early, late = _read(path, "SELECT sum(created_at < '2025-12-20'), sum(created_at > '2026-10-21')"
                              " FROM inbox_items")[0]
    assert late > 2 * early


def test_no_sentence_reads_as_a_question_unless_it_has_a_question_mark():
    import random

    for lang, pools in gen._pools(random.Random(1)).items():
        for purpose, sentences in pools.items():
            for sentence in set(sentences):
                assert is_question(sentence) == ("?" in sentence), (lang, purpose, sentence)
                assert is_question("@tidewater " + sentence) == ("?" in sentence)


def test_full_text_search_finds_generated_words(small):
    fts = _read(small, "SELECT count(*) FROM inbox_fts WHERE inbox_fts MATCH 'notebooks'")[0][0]
    like = _read(small, "SELECT count(*) FROM inbox_items WHERE text LIKE '%notebooks%'")[0][0]
    assert fts == like > 0
    assert _read(small, "SELECT count(*) FROM inbox_fts WHERE inbox_fts MATCH 'sync*'")[0][0] > 0
    store = Store.open(small)
    try:
        assert store.inbox.count(InboxFilter(states=ALL_STATES, search="sincroniz")) > 0
    finally:
        store.close()


def test_triggers_work_after_generation(tmp_path):
    path = tmp_path / "t.db"
    gen.generate(path, 300, now=NOW)
    store = Store.open(path)
    try:
        every = InboxFilter(states=ALL_STATES, search="zanzibarquux")
        item_id = store.inbox.insert(1, kind="mention", remote_id="manual-1", author="zed@x.example",
                                     text="zanzibarquux arrived", created_at="2026-11-20T11:00:00Z")
        assert store.inbox.count(every) == 1
        store.conn.execute("UPDATE inbox_items SET text = 'plainer words' WHERE id = ?", (item_id,))
        assert store.inbox.count(every) == 0
        assert store.inbox.count(InboxFilter(states=ALL_STATES, search="plainer")) == 1
        store.conn.execute("DELETE FROM inbox_items WHERE id = ?", (item_id,))
        assert store.inbox.count(InboxFilter(states=ALL_STATES, search="plainer")) == 0
    finally:
        store.close()


def test_same_seed_same_content(tmp_path):
    texts = []
    for name, seed in (("a.db", 5), ("b.db", 5), ("c.db", 6)):
        gen.generate(tmp_path / name, 500, seed=seed, now=NOW)
        texts.append(_read(tmp_path / name, "SELECT text, author, created_at, state FROM inbox_items ORDER BY id"))
    assert texts[0] == texts[1]
    assert texts[0] != texts[2]


def test_cli_writes_and_reports(tmp_path, capsys):
    path = tmp_path / "cli.db"
    assert main(["generate", "--items", "120", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("wrote 120 inbox items to ") and str(path) in out and out.count("\n") == 1
    assert _read(path, "SELECT count(*) FROM inbox_items")[0][0] == 120


def test_empty_file_may_be_replaced(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    gen.generate(path, 60, now=NOW)
    assert _read(path, "SELECT count(*) FROM inbox_items")[0][0] == 60


def _refused(capsys, argv, expected):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("cmtui: ") and captured.err.count("\n") == 1 and expected in captured.err


def test_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "taken.db"
    path.write_bytes(b"precious bytes")
    _refused(capsys, ["generate", "--items", "10", "--db", str(path)], "already exists; choose a new path or remove it")
    assert path.read_bytes() == b"precious bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "taken.db"]


def test_refuses_bad_input(tmp_path, capsys):
    _refused(capsys, ["generate", "--items", "0", "--db", str(tmp_path / "x.db")], "at least 1")
    _refused(capsys, ["generate", "--items", "-5", "--db", str(tmp_path / "x.db")], "at least 1")
    _refused(capsys, ["generate", "--items", "10", "--db", str(tmp_path / "nope" / "x.db")], "does not exist")
    _refused(capsys, ["generate", "--items", "10"], "generate needs --db PATH")
    _refused(capsys, ["generate", "--items", "10", "--db", str(tmp_path)], "is a directory")
    assert not (tmp_path / "x.db").exists()


def test_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(gen, "_community", boom)
    with pytest.raises(RuntimeError):
        gen.generate(tmp_path / "half.db", 200, now=NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_the_bulk_writer_names_only_columns_the_schema_has(tmp_path):
    # The bulk loader lists its columns by hand (a million rows go in as tuples): a column
    # renamed by a migration must show here, by name, not as a failed load deep in generate.
    from cmtui.store.bulk import COLUMNS

    conn = connect(tmp_path / "fresh.db")
    try:
        for table, columns in COLUMNS.items():
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            assert set(columns) <= have, (table, set(columns) - have)
    finally:
        conn.close()


def test_generated_people_and_accounts_are_on_the_registrys_platform(small):
    from cmtui.sync.connectors import DEFAULT_PLATFORM, PLATFORMS

    assert DEFAULT_PLATFORM in PLATFORMS
    assert _read(small, "SELECT DISTINCT platform FROM accounts") == [(DEFAULT_PLATFORM,)]
    assert _read(small, "SELECT DISTINCT platform FROM people") == [(DEFAULT_PLATFORM,)]
