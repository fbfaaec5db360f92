"""The rules engine: conditions in four languages, accents and leetspeak, all/any, order,
actions, TOML round trip, refused regexes, dry-run, and the ingest hook."""

from __future__ import annotations

from itertools import count

import pytest

from cmtui.moderation.conditions import ItemContext, RuleError, compile_regex
from cmtui.moderation.engine import RuleSet, dry_run, enable_rule, save_rule
from cmtui.moderation.text import words
from cmtui.moderation.toml_io import export_toml, import_toml, seed_rules
from cmtui.store import Store
from cmtui.sync.connectors.base import Person, RemoteItem

_ids = count(1)


@pytest.fixture
def db(tmp_path):
    """A new, empty database (the shared `store` fixture holds a demo community)."""
    s = Store.open(tmp_path / "rules.db")
    yield s
    s.close()


def ctx(text, kind="mention", language="en", created_at="2026-11-20T12:00:00Z", person=None, account_id=1,
        person_id=1):
    return ItemContext(next(_ids), account_id, kind, "ana@x.example", text, language, created_at, person_id, person)


def hits(conditions, text, match="all", **kw):
    rules = RuleSet([{"name": "t", "match": match, "conditions": conditions, "actions": [{"type": "flag"}]}])
    found = rules.evaluate(ctx(text, **kw))
    return found[0][1] if found else None


def kw(*w):
    return [{"type": "keywords", "words": list(w)}]


# -- normalisation and keywords ------------------------------------------------------------------------
def test_normalisation_folds_case_accents_leetspeak_and_repeats():
    assert words("FUUUCK") == ["fuck"]
    assert words("Čistó") == ["cisto"]
    assert "idiot" in words("1d10t")
    assert words("$h1t")[-1] == "shit"


@pytest.mark.parametrize("text", ["you idiot", "You IDIOT!", "y0u 1d10t", "idiooooot", "ÍDÍÖT"])
def test_keywords_case_accents_leetspeak_repeats(text):
    assert hits(kw("idiot"), text) == ("idiot",)


def test_keywords_are_whole_words_and_phrases_work():
    assert hits(kw("ass"), "a classic class assignment") is None
    assert hits(kw("buy now"), "please BUY   n0w!") == ("buy now",)
    assert hits(kw("buy now"), "buy it now") is None


@pytest.mark.parametrize("lang,text", [
    ("en:vulgar", "what the fuuuck"), ("es:vulgar", "qué m1erda"), ("fr:vulgar", "c'est de la MERDE"),
    ("sl:vulgar", "kakšno sr4nje"), ("es:insultos", "eres un estupido"), ("fr:insultes", "quel CRÉTIN"),
    ("sl:zaljivke", "ti si kreeeten"), ("en:spam", "click here for free money"),
    ("es:spam", "dinero facil ya"), ("fr:spam", "ARGENT FACILE"), ("sl:spam", "lahek zasluzek"),
])
def test_word_lists_of_each_language(lang, text):
    assert hits([{"type": "keywords", "lists": [lang]}], text)


def test_unknown_word_list_refused():
    with pytest.raises(RuleError, match="no word list"):
        RuleSet([{"name": "x", "conditions": [{"type": "keywords", "lists": ["xx:nope"]}], "actions": ["flag"]}])


# -- the other conditions ----------------------------------------------------------------------------------
def test_links_mentions_emojis_caps():
    assert hits([{"type": "link"}], "see https://spam.example") == ()
    assert hits([{"type": "link"}], "no link here") is None
    assert hits([{"type": "links", "min": 2}], "http://a.example http://b.example") == ()
    assert hits([{"type": "links", "min": 3}], "http://a.example http://b.example") is None
    assert hits([{"type": "only_mentions"}], "@ana @bob@x.example") == ()
    assert hits([{"type": "only_mentions"}], "@ana hello") is None
    assert hits([{"type": "only_emojis"}], "🔥🔥 😂") == ()
    assert hits([{"type": "only_emojis"}], "🔥 nice") is None
    assert hits([{"type": "caps", "ratio": 0.7, "min_letters": 10}], "THIS IS REALLY LOUD TEXT") == ()
    assert hits([{"type": "caps", "ratio": 0.7, "min_letters": 10}], "This is calm text here") is None
    assert hits([{"type": "caps", "ratio": 0.7, "min_letters": 10}], "HI") is None


def test_regex_kind_account_language():
    assert hits([{"type": "regex", "pattern": r"\bwin\s+\d+\$"}], "WIN 100$ now") == ("WIN 100$",)
    assert hits([{"type": "kind", "kinds": ["direct"]}], "x", kind="direct") == ()
    assert hits([{"type": "kind", "kinds": ["direct"]}], "x", kind="reply") is None
    assert hits([{"type": "language", "languages": ["es"]}], "x", language="es-MX") == ()
    assert hits([{"type": "language", "languages": ["es"]}], "x", language="fr") is None
    rules = RuleSet([{"name": "a", "conditions": [{"type": "account", "accounts": ["main"]}], "actions": ["flag"]}],
                    accounts={"main": 7})
    assert rules.evaluate(ctx("x", account_id=7)) and not rules.evaluate(ctx("x", account_id=8))


def test_new_account_and_watch_list():
    young = ("2026-11-19T00:00:00Z", 0)
    old = ("2020-01-01T00:00:00Z", 1)
    assert hits([{"type": "new_account", "days": 7}], "x", person=young) == ()
    assert hits([{"type": "new_account", "days": 7}], "x", person=old) is None
    assert hits([{"type": "watched"}], "x", person=old) == ()
    assert hits([{"type": "watched"}], "x", person=young) is None


def test_all_and_any():
    conds = [{"type": "link"}, {"type": "keywords", "words": ["casino"]}]
    assert hits(conds, "casino https://x.example", match="all") == ("casino",)
    assert hits(conds, "casino only", match="all") is None
    assert hits(conds, "casino only", match="any") == ("casino",)
    nested = [{"type": "any", "conditions": [{"type": "kind", "kinds": ["direct"]}, {"type": "link"}]},
              {"type": "keywords", "words": ["casino"]}]
    assert hits(nested, "casino", kind="direct") == ("casino",)
    assert hits(nested, "casino", kind="reply") is None


def test_order_and_stop():
    rules = RuleSet([
        {"name": "first", "conditions": kw("spam"), "actions": [{"type": "label", "label": "a"}, {"type": "stop"}]},
        {"name": "second", "conditions": kw("spam"), "actions": [{"type": "flag"}]},
        {"name": "third", "conditions": kw("other"), "actions": [{"type": "flag"}]},
    ])
    assert [c.rule["name"] for c, _ in rules.evaluate(ctx("spam"))] == ["first"]
    rules = RuleSet([
        {"name": "b", "conditions": kw("spam"), "actions": [{"type": "flag"}]},
        {"name": "a", "conditions": kw("spam"), "actions": [{"type": "flag"}]},
    ])
    assert [c.rule["name"] for c, _ in rules.evaluate(ctx("spam"))] == ["b", "a"]


# -- regular expressions refused ---------------------------------------------------------------------------
def test_bad_regex_refused_with_a_clear_message(db):
    with pytest.raises(RuleError, match="does not compile"):
        compile_regex("(unclosed")
    with pytest.raises(RuleError, match="does not compile"):
        save_rule(db, {"name": "bad", "conditions": [{"type": "regex", "pattern": "[a-"}], "actions": ["flag"]})
    assert db.rules.get("bad") is None


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(a*)*b", r"(\w+\s?)*$", r"(a|aa)+$", r"(x+x+)+y"])
def test_catastrophic_regex_refused(db, pattern):
    with pytest.raises(RuleError, match="backtracks catastrophically"):
        compile_regex(pattern)
    with pytest.raises(RuleError, match="backtracks catastrophically"):
        save_rule(db, {"name": "evil", "enabled": True, "conditions": [{"type": "regex", "pattern": pattern}],
                          "actions": ["flag"]})
    assert db.rules.get("evil") is None


@pytest.mark.parametrize("pattern", [r"\bwin\s+\d+", r"(ab)+c", r"a{2,5}b", r"(?:foo|bar)+", r"https?://\S+"])
def test_safe_regex_accepted(pattern):
    compile_regex(pattern)


# -- storage, actions, TOML ----------------------------------------------------------------------------------
def _ingest(db, texts, account_id=None, author="spam@bad.example", start=0, created_at=None):
    if account_id is None:
        account_id = db.accounts.list()[0].id if db.accounts.list() else db.accounts.add(
            "main", "mastodon", "https://social.example").id
    items = [RemoteItem(remote_id=str(1000 + start + n), kind="mention", author=Person(acct=author),
                        text=text, created_at=created_at or f"2026-11-20T12:{n % 60:02d}:00Z")
             for n, text in enumerate(texts)]
    db.ingest.items(account_id, "mastodon", items)
    return account_id


def _flags(db):
    return db.conn.execute("SELECT i.text, f.rule, f.reason, f.matched FROM moderation_flags f"
                              " JOIN inbox_items i ON i.id = f.item_id ORDER BY f.id").fetchall()


def test_rule_enabled_only_after_dry_run(db):
    rule = {"name": "casino", "enabled": True, "conditions": kw("casino"), "actions": ["flag"]}
    save_rule(db, rule)
    assert db.rules.get("casino")["enabled"] is False
    with pytest.raises(RuleError, match="dry-run"):
        enable_rule(db, "casino")
    dry_run(db, "casino")
    enable_rule(db, "casino")
    assert db.rules.get("casino")["enabled"] is True
    # changing the conditions needs a new dry-run
    save_rule(db, {**rule, "conditions": kw("poker")})
    assert db.rules.get("casino")["enabled"] is False


def test_actions_at_ingest(db):
    rules = [
        {"name": "label", "conditions": kw("casino"), "actions": [{"type": "label", "label": "spam"},
                                                                  {"type": "assign", "to": "mod"}]},
        {"name": "flag", "conditions": kw("casino"), "actions": [{"type": "flag"}]},
        {"name": "done", "conditions": kw("thanks"), "actions": [{"type": "done"}]},
        {"name": "hide", "conditions": kw("hideme"), "actions": [{"type": "hide"}]},
        {"name": "mute", "conditions": kw("mutable"), "actions": [{"type": "mute"}]},
    ]
    for rule in rules:
        dry_run(db, rule)
        save_rule(db, {**rule, "enabled": True})
    _ingest(db, ["c4sino time", "thanks a lot", "hideme please", "mutable person", "nothing"])
    rows = {r["text"]: r for r in db.conn.execute("SELECT * FROM inbox_items")}
    assert rows["c4sino time"]["labels"] == '["spam"]' and rows["c4sino time"]["assignee"] == "mod"
    assert rows["thanks a lot"]["state"] == "done"
    assert rows["hideme please"]["hidden"] == 1
    assert rows["nothing"]["state"] == "new" and rows["nothing"]["labels"] == "[]"
    flags = _flags(db)
    assert ("c4sino time", "flag", "rule: flag", '["casino"]') in [tuple(f) for f in flags]
    assert any(f["reason"] == "needs confirmation: mute" for f in flags)  # not automatic: waits


def test_automatic_platform_action_queues_an_outbox_op(db):
    rule = {"name": "auto-block", "automatic": True, "conditions": kw("blockme"), "actions": [{"type": "block"}]}
    dry_run(db, rule)
    save_rule(db, {**rule, "enabled": True})
    _ingest(db, ["blockme now"])
    assert db.conn.execute("SELECT count(*) FROM outbox WHERE kind = 'block'").fetchone()[0] == 1


def test_flood_via_ingest(db):
    rule = {"name": "flood", "conditions": [{"type": "flood", "count": 3, "minutes": 10}], "actions": ["flag"]}
    dry_run(db, rule)
    save_rule(db, {**rule, "enabled": True})
    account = _ingest(db, ["Buy my stuff!", "buy my   STUFF"], created_at="2026-11-20T12:00:00Z")
    assert _flags(db) == []
    _ingest(db, ["buy my stuff"], account_id=account, start=10, created_at="2026-11-20T12:05:00Z")
    assert len(_flags(db)) == 1  # the third within ten minutes, across batches
    _ingest(db, ["buy my stuff"], account_id=account, start=20, author="other@x.example",
            created_at="2026-11-20T12:06:00Z")
    assert len(_flags(db)) == 1  # another author


def test_default_rules_start_off_and_once_dry_run_and_on_flag_spam_at_ingest(db):
    from cmtui.moderation.engine import dry_run, enable_rule

    assert seed_rules(db) == 8
    assert [r["name"] for r in db.rules.list() if r["enabled"]] == []  # nothing runs before a dry-run
    _ingest(db, ["Click here for FREE money https://spam.example/first"])
    assert _flags(db) == []
    dry_run(db, "spam-links")
    enable_rule(db, "spam-links")
    _ingest(db, ["Click here for FREE money https://spam.example/win", "hello friends, nice release"], start=10)
    flags = _flags(db)
    assert [(f["text"][:10], f["rule"]) for f in flags] == [("Click here", "spam-links")]
    assert "free money" in flags[0]["matched"]


def test_toml_round_trip(db, tmp_path):
    seed_rules(db)
    text = export_toml(db)
    import_toml(db, text)
    assert export_toml(db) == text
    other = Store.open(tmp_path / "other.db")
    import_toml(other, text)
    assert export_toml(other) == text
    other.close()


def test_toml_import_is_all_or_nothing(db):
    seed_rules(db)
    before = export_toml(db)
    bad = before + '\n[[rule]]\nname = "evil"\nconditions = [{ type = "regex", pattern = "(a+)+" }]\nactions = [{ type = "flag" }]\n'
    with pytest.raises(RuleError, match="catastrophically"):
        import_toml(db, bad)
    assert export_toml(db) == before


# -- dry-run -------------------------------------------------------------------------------------------------
def test_dry_run_counts_reports_progress_and_writes_nothing(db):
    _ingest(db, [f"casino number {n}" if n % 3 == 0 else f"hello {n}" for n in range(30)])
    snapshot = db.conn.execute("SELECT * FROM inbox_items ORDER BY id").fetchall()
    calls = []
    result = dry_run(db, {"name": "c", "conditions": kw("casino"), "actions": ["flag", "hide"]},
                     progress=lambda done, total: calls.append((done, total)), batch=7)
    assert (result.total, result.matched) == (30, 10)
    assert len(result.sample_ids) == 10
    assert calls[0] == (0, 30) and calls[-1] == (30, 30) and len(calls) > 3
    assert db.conn.execute("SELECT count(*) FROM moderation_flags").fetchone()[0] == 0
    assert [tuple(r) for r in db.conn.execute("SELECT * FROM inbox_items ORDER BY id")] == \
        [tuple(r) for r in snapshot]
    assert db.rules.get("c") is None
