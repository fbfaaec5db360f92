"""The rules engine: conditions in four languages, accents and leetspeak, all/any, order,
actions, TOML round trip, refused regexes, dry-run, and the ingest hook."""

from __future__ import annotations

from itertools import count

import pytest

from cmtui.moderation.conditions import ItemContext, RuleError
from cmtui.moderation.patterns import compile_regex
from cmtui.moderation.engine import RuleSet, dry_run, enable_rule, save_rule
from cmtui.moderation.text import words
from cmtui.moderation.toml_io import export_toml, import_toml, seed_rules
from cmtui.store import Store
from cmtui.sync.connectors.base import Person, RemoteItem
from cmtui.sync.ingest import Ingest

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


# -- what makes evaluation fast must not change what matches ------------------------------------------------
def _regex(pattern, text, **kw):
    return hits([{"type": "regex", "pattern": pattern, **kw}], text)


def test_regex_skipped_when_its_required_literal_is_absent():
    from cmtui.moderation.patterns import _sre_p, required_literals

    assert required_literals(_sre_p.parse(r"\b\d{4,}\s*(?:usd|eur|\$)")) == ("$", "eur", "usd")
    assert required_literals(_sre_p.parse(r"\bbit\.ly/\w+")) == ("bit.ly/",)
    assert required_literals(_sre_p.parse(r"[A-Z]{12,}")) is None  # nothing required: always run
    assert required_literals(_sre_p.parse(r"a|b*")) is None  # a branch that requires nothing
    assert _regex(r"\b\d{4,}\s*(?:usd|eur|\$)", "only 5000 dollars") is None
    assert _regex(r"\b\d{4,}\s*(?:usd|eur|\$)", "only 5000 EUR!") == ("5000 EUR",)
    assert _regex(r"\bbit\.ly/\w+", "see BIT.LY/abc") == ("BIT.LY/abc",)
    assert _regex(r"Casino", "a casino", ignore_case=False) is None
    assert _regex(r"Casino", "a Casino", ignore_case=False) == ("Casino",)


def test_regex_literal_test_knows_the_letters_ignore_case_matches():
    """re.IGNORECASE lets ſ, ı, İ and the Kelvin sign match s, i and k: the literal test must too."""
    import re

    from cmtui.moderation.text import lowered

    others = "".join(chr(c) for c in range(128, 0x110000) if not 0xD800 <= c < 0xE000)
    for char in re.findall("[a-z]", others, re.IGNORECASE):
        assert re.fullmatch(lowered(char), char, re.IGNORECASE), char
    assert _regex(r"\busd\b", "100 uſd") == ("uſd",)
    assert _regex(r"\bwin\s+\d+", "WİN 100") == ("WİN 100",)


def test_regex_without_spaces_is_skipped_on_items_without_a_piece_that_long():
    from cmtui.moderation.patterns import _SPACES, _sre_p, unspaced_width

    assert _SPACES == tuple(c for c in range(0x110000) if chr(c).isspace())
    assert unspaced_width(_sre_p.parse(r"[A-Z]{12,}")) == 12
    assert unspaced_width(_sre_p.parse(r"\bwin\s+\d+")) == 0  # a match may hold a space
    assert unspaced_width(_sre_p.parse(r"[^a]{12}")) == 0
    assert unspaced_width(_sre_p.parse(r"[ -~]{12}")) == 0
    assert unspaced_width(_sre_p.parse(r"(?=x\s)\w{3}")) == 3  # a lookahead consumes nothing
    assert unspaced_width(_sre_p.parse(r"(?=(a b))\1")) == 0  # a back-reference may hold one
    assert unspaced_width(_sre_p.parse(r"(?a)\S{12}")) == 0  # \S takes a no-break space under (?a)
    assert _regex(r"[A-Z]{12,}", "short words only here") is None
    assert _regex(r"[A-Z]{12,}", "a VERYLONGSHOUTING word") == ("VERYLONGSHOUTING",)


def test_text_folded_piece_by_piece_as_whole():
    """Pieces between spaces are folded and cached one by one: the result is the whole text's."""
    from cmtui.moderation.text import _WORD, fold, tokens

    for text in ["ΟΔΟΣ ΟΔΟΣ.", "ΑΣ\u00a0x", "a\u00a8b c", " \u0301e café", "ﬁne x\u2002y", "x\u3000ΣΑ",
                 "@ana@host $h1t 1d10t", "a_b __ $$ @@", "İstanbul ǅ", "x\u2028y\u2029z\x1cq", "½ ²", "ß đ ł ø",
                 "https://x.example/ΑΣ a"]:
        assert tokens(text) == _WORD.findall(fold(text)), text


def test_phrases_match_across_tokens_and_only_in_order():
    rule = kw("thanks a lot", "idiot")
    assert hits(rule, "Th4nks,   a LOT!") == ("thanks a lot",)
    assert hits(rule, "a lot of thanks") is None  # every word there, not in order
    assert hits(rule, "thanks a bunch") is None
    assert sorted(hits(rule, "thanks a lot, idiot")) == ["idiot", "thanks a lot"]


def test_rules_sharing_words_each_report_their_own():
    rules = RuleSet([
        {"name": "a", "conditions": kw("Estúpido", "buy now"), "actions": ["flag"]},
        {"name": "b", "conditions": kw("estupido"), "actions": ["flag"]},
        {"name": "c", "conditions": [{"type": "link"}, *kw("estupido")], "actions": ["flag"]},
        {"name": "d", "conditions": kw("other"), "actions": ["flag"]},
    ])
    found = [(c.rule["name"], f) for c, f in rules.evaluate(ctx("eres un ESTUPIDO, buy now"))]
    assert [(n, sorted(f)) for n, f in found] == [("a", ["Estúpido", "buy now"]), ("b", ["estupido"])]
    assert [c.rule["name"] for c, _ in rules.evaluate(ctx("estupido https://x.example"))] == ["a", "b", "c"]
    assert rules.evaluate(ctx("nothing to see")) == []


def test_all_checks_cheap_conditions_first_and_keeps_the_words_in_order():
    regex, words = {"type": "regex", "pattern": r"win \d+"}, kw("casino")[0]
    assert hits([regex, words, {"type": "kind", "kinds": ["direct"]}], "casino: win 100", kind="direct") == \
        ("win 100", "casino")
    assert hits([words, regex], "casino: win 100") == ("casino", "win 100")
    assert hits([regex, words, {"type": "kind", "kinds": ["direct"]}], "casino: win 100", kind="reply") is None


def test_keywords_behind_a_cheaper_condition_split_only_the_items_that_pass_it():
    rules = RuleSet([{"name": "x", "conditions": [{"type": "link"}, *kw("casino")], "actions": ["flag"]}])
    plain, linked = ctx("casino"), ctx("casino https://x.example")
    assert rules.evaluate(plain) == [] and plain._words is None
    assert rules.evaluate(linked) and linked._words is not None


@pytest.mark.parametrize("text", ["THIS IS LOUD", "Ünïcödé ÀÉÎ shouting TEXT", "lower case only here", "12345 67890!",
                                  "MiXeD CaSe TeXt HeRe", "ÉCOLE ÉTÉ ÇA"])
def test_caps_counts_as_before(text):
    from cmtui.moderation.conditions import _letters_and_capitals

    assert _letters_and_capitals(text) == (sum(map(str.isalpha, text)), sum(map(str.isupper, text)))
    assert hits([{"type": "caps", "ratio": 0, "min_letters": 5}], text) == (
        () if sum(map(str.isalpha, text)) >= 5 else None)


# -- storage, actions, TOML ----------------------------------------------------------------------------------
def _ingest(db, texts, account_id=None, author="spam@bad.example", start=0, created_at=None):
    if account_id is None:
        account_id = db.accounts.list()[0].id if db.accounts.list() else db.accounts.add(
            "main", "mastodon", "https://social.example").id
    items = [RemoteItem(remote_id=str(1000 + start + n), kind="mention", author=Person(acct=author),
                        text=text, created_at=created_at or f"2026-11-20T12:{n % 60:02d}:00Z")
             for n, text in enumerate(texts)]
    Ingest(db).items(account_id, "mastodon", items)  # as the sync engine stores a page: then the rules
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


def test_a_page_and_what_the_rules_decided_land_together_or_not_at_all(db, monkeypatch):
    """The sync path stores a page and runs the rules in one transaction: a failure while the
    rules write leaves neither the items nor the cursor behind (the page comes again)."""
    rule = {"name": "auto-block", "automatic": True, "conditions": kw("blockme"), "actions": [{"type": "block"}]}
    dry_run(db, rule)
    save_rule(db, {**rule, "enabled": True})
    account_id = db.accounts.add("main", "mastodon", "https://social.example").id

    def broken(*args):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(db.rules, "apply", broken)
    items = [RemoteItem(remote_id="1", kind="mention", author=Person(acct="a@x.example"), text="blockme",
                        created_at="2026-11-20T12:00:00Z")]
    with pytest.raises(RuntimeError):
        Ingest(db).page(account_id, "mastodon", items, stream="notifications", cursor="c1")
    assert db.conn.execute("SELECT count(*) FROM inbox_items").fetchone()[0] == 0
    assert db.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert db.accounts.cursor(account_id, "notifications") is None
    monkeypatch.undo()
    assert Ingest(db).items(account_id, "mastodon", items) == 1  # the next pass stores it, flagged
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


def test_flood_memory_forgets_the_first_arrival_and_finds_a_window_by_time():
    from cmtui.moderation.engine import _Recent

    recent = _Recent()
    entries = [[f"t{n}", float(t), None] for n, t in enumerate([50, 10, 30, 10, 40])]
    for entry in entries:
        recent.add(entry, 4)
    assert len(recent) == 4 and all(e is not entries[0] for e in recent.by_time)  # arrived first, not oldest
    assert [e[0] for e in recent.near(10.0, 20.0)] == ["t1", "t3", "t2"]
    assert recent.near(100.0, 20.0) == []
