"""cmtui moderation rules list | test | enable | disable | export | import, run in-process on
the small test community (each documented flag; refusals are one line on stderr, exit 2, and
change nothing)."""

from __future__ import annotations

import json

import pytest

from cmtui.cli import main
from cmtui.moderation.engine import dry_run, dry_run_is_current, save_rule
from cmtui.moderation.toml_io import export_toml, seed_rules
from factory import build_store

EXPORTS = {"name": "exports", "enabled": False, "automatic": True, "match": "all",
           "conditions": [{"type": "keywords", "words": ["export"]}],
           "actions": [{"type": "flag"}, {"type": "label", "label": "how-to"}, {"type": "mute"}]}
CAUGHT = 63  # the factory's items asking how to export (one in four of 250)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "community.db"
    store = build_store(path)
    seed_rules(store)
    save_rule(store, EXPORTS)
    store.close()
    return path


@pytest.fixture
def cli(db, capsys):
    def run(*argv: str):
        capsys.readouterr()
        code = main(["moderation", "rules", *map(str, argv), "--db", str(db)])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        if code:
            assert code == 2 and len(err.strip().splitlines()) == 1 and out == "", err
        return code, out, err
    return run


def stored(db):
    from cmtui.store import Store

    store = Store.open(db)
    try:
        return {r["name"]: r for r in store.rules.list()}, {n: store.rules.stamp(n) for n in ("exports", "flood")}
    finally:
        store.close()


def test_list_shows_order_state_dry_run_and_words(cli, db):
    code, out, _ = cli("list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["#", "NAME", "ON", "DRY-RUN", "CONDITIONS", "ACTIONS"]
    assert lines[1].split()[:4] == ["1", "spam-links", "off", "none"]
    assert "words “export”" in lines[9] and "flag, label how-to, mute" in lines[9]


def test_list_json_carries_each_rules_dry_run_state(cli, db):
    cli("test", "exports")
    code, out, _ = cli("list", "--json")
    entries = json.loads(out)
    assert code == 0 and [e["position"] for e in entries] == list(range(1, 10))
    exports = entries[-1]
    assert exports | {"dry_run": None} == {
        "position": 9, "name": "exports", "enabled": False, "automatic": True, "match": "all",
        "conditions": EXPORTS["conditions"], "actions": EXPORTS["actions"], "summary": "words “export”",
        "dry_run": None}
    assert exports["dry_run"]["state"] == "current" and exports["dry_run"]["matched"] == CAUGHT
    assert exports["dry_run"]["total"] == 250 and exports["dry_run"]["at"]
    assert entries[0]["dry_run"] == {"state": "none", "matched": 0, "total": 0, "at": None}


def test_a_changed_rule_lists_its_dry_run_as_stale(cli, db):
    cli("test", "exports")
    from cmtui.store import Store

    store = Store.open(db)
    save_rule(store, EXPORTS | {"conditions": [{"type": "keywords", "words": ["markdown"]}]})
    store.close()
    assert json.loads(cli("list", "--json")[1])[-1]["dry_run"]["state"] == "stale"


def test_test_counts_what_it_would_catch_per_action_with_samples_and_records_it(cli, db):
    code, out, _ = cli("test", "exports", "--samples", "3")
    assert code == 0
    assert f"would have caught {CAUGHT} of 250 items" in out
    assert f"  flag: {CAUGHT}\n" in out and f"  label how-to: {CAUGHT}\n" in out
    assert f"  mute: {CAUGHT}\n" in out  # automatic, and Mastodon mutes: queued, not flagged
    rows = [line for line in out.splitlines() if "export my notes" in line]
    assert len(rows) == 3 and "user" in rows[0]
    _, stamps = stored(db)
    assert stamps["exports"]["matched"] == CAUGHT


def test_test_json(cli, db):
    code, out, _ = cli("test", "exports", "--json", "--samples", "2")
    report = json.loads(out)
    assert code == 0 and (report["rule"], report["matched"], report["total"]) == ("exports", CAUGHT, 250)
    assert report["recorded"] is True
    assert report["actions"] == [{"action": "flag", "items": CAUGHT, "flagged_instead": 0},
                                 {"action": "label how-to", "items": CAUGHT, "flagged_instead": 0},
                                 {"action": "mute", "items": CAUGHT, "flagged_instead": 0}]
    assert len(report["samples"]) == 2 and set(report["samples"][0]) == {"item_id", "author", "text", "created_at"}
    assert report["samples"][0]["text"].startswith("How do I export")


def test_a_platform_action_of_a_rule_that_asks_first_counts_as_flags(cli, db):
    from cmtui.store import Store

    store = Store.open(db)
    save_rule(store, EXPORTS | {"automatic": False})
    store.close()
    report = json.loads(cli("test", "exports", "--json")[1])
    assert report["actions"][2] == {"action": "mute", "items": 0, "flagged_instead": CAUGHT}


def test_enable_is_refused_without_a_current_dry_run_then_after_dry_run_runs_one(cli, db):
    before = db.read_bytes()
    code, _, err = cli("enable", "flood")
    assert code == 2 and "cmtui moderation rules test flood" in err and "--after-dry-run" in err
    assert db.read_bytes() == before
    code, out, _ = cli("enable", "flood", "--after-dry-run")
    assert code == 0 and "would have caught 0 of 250" in out and "flood is on" in out
    rules, stamps = stored(db)
    assert rules["flood"]["enabled"] is True and stamps["flood"]["total"] == 250


def test_enable_after_test_needs_no_flag_and_disable_switches_off(cli, db):
    cli("test", "exports")
    code, out, _ = cli("enable", "exports")
    assert code == 0 and "exports is on" in out and stored(db)[0]["exports"]["enabled"] is True
    code, out, _ = cli("disable", "exports")
    assert code == 0 and "exports is off" in out and stored(db)[0]["exports"]["enabled"] is False


@pytest.mark.parametrize("argv", [["test", "nobody"], ["enable", "nobody"], ["enable", "nobody", "--after-dry-run"],
                                  ["disable", "nobody"]])
def test_an_unknown_rule_is_one_line_and_exit_2(cli, db, argv):
    before = db.read_bytes()
    code, _, err = cli(*argv)
    assert code == 2 and "no rule named 'nobody'" in err
    assert db.read_bytes() == before


def test_export_to_stdout_and_to_a_file_is_the_tuis_format(cli, db, tmp_path):
    from cmtui.store import Store

    store = Store.open(db)
    expected = export_toml(store)
    store.close()
    code, out, _ = cli("export")
    assert code == 0 and out == expected
    target = tmp_path / "rules.toml"
    code, out, _ = cli("export", "-o", target)
    assert code == 0 and target.read_text(encoding="utf-8") == expected and "exported 9 rules" in out
    code, _, err = cli("export", "-o", tmp_path / "no" / "such" / "rules.toml")
    assert code == 2 and "does not exist" in err


def test_import_a_good_file_replaces_the_rules_and_leaves_enabled_ones_off_without_a_dry_run(cli, db, tmp_path):
    cli("test", "exports")
    good = tmp_path / "good.toml"
    good.write_text('[[rule]]\nname = "exports"\nenabled = true\nconditions = [{ type = "keywords", words = ["export"] }]\n'
                    'actions = [{ type = "flag" }]\n\n'
                    '[[rule]]\nname = "links"\nenabled = true\nconditions = [{ type = "link" }]\n'
                    'actions = [{ type = "flag" }]\n', encoding="utf-8")
    code, out, _ = cli("import", good)
    assert code == 0 and "imported 2 rules" in out and "left off until a dry-run" in out and "links" in out
    rules, _ = stored(db)
    assert list(rules) == ["exports", "links"]
    assert rules["exports"]["enabled"] is True  # its dry-run (same conditions) is current
    assert rules["links"]["enabled"] is False


@pytest.mark.parametrize("text, message", [
    ('[[rule]]\nname = "x"\nconditions = [{ type = "regex", pattern = "(a*)*" }]\nactions = [{ type = "flag" }]\n',
     "catastrophically"),
    ('[[rule]]\nname = "x"\nconditions = [{ type = "sentiment" }]\nactions = [{ type = "flag" }]\n',
     "unknown condition 'sentiment'"),
    ("[[rule]\nname =", "not valid TOML"),
    (None, "cannot read"),
    # Not a rules file: it would have replaced every rule with none.
    ('[[rules]]\nname = "x"\n', "unknown key(s) rules"),
    ("", "no [[rule]] tables"),
])
def test_import_a_bad_file_says_what_is_wrong_and_changes_nothing(cli, db, tmp_path, text, message):
    path = tmp_path / "bad.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    before = db.read_bytes()
    code, _, err = cli("import", path)
    assert code == 2 and message in err and "nothing changed" in err
    assert db.read_bytes() == before


def test_hostile_names_and_texts_print_as_plain_one_line_text(cli, db):
    from cmtui.store import Store

    store = Store.open(db)
    save_rule(store, EXPORTS | {"name": "evil\x1b[31m\nname"})
    store.conn.execute("UPDATE inbox_items SET text = 'How do I export\x1b]0;pwned\x07 it?\nsecond line'")
    store.conn.commit()
    dry_run(store, "evil\x1b[31m\nname")
    assert dry_run_is_current(store, store.rules.get("evil\x1b[31m\nname"))
    store.close()
    out = cli("list")[1] + cli("test", "evil\x1b[31m\nname")[1]
    assert "\x1b" not in out and "\x07" not in out
    assert all("second line" in line for line in out.splitlines() if "How do I export" in line)
