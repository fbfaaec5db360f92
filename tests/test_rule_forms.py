"""The rules form's mapping (cmtui.moderation.rule_forms), both ways, without a screen: each
kind of rule becomes the engine's existing conditions, reads back as the same form, and a rule
the form cannot show is said to be one (it is edited as TOML)."""

from __future__ import annotations

import re

import pytest

from cmtui.errors import RuleError
from cmtui.moderation.engine import validate_rule
from cmtui.moderation.rule_forms import (NotFormable, RuleForm, field_texts, form_to_rule, formable, read_fields,
                                         rule_to_form, split_domains)
from cmtui.moderation.toml_io import parse_toml
from cmtui.resources import data_dir

KINDS = [  # (form, the conditions it stands for)
    (RuleForm(name="r", kind="words", lists=("vulgar",), words=("heck", "dang it")),
     [{"type": "keywords", "lists": ["vulgar"], "words": ["heck", "dang it"]}]),
    (RuleForm(name="r", kind="words", words=("crypto",)), [{"type": "keywords", "words": ["crypto"]}]),
    (RuleForm(name="r", kind="links", link_mode="any"), [{"type": "link"}]),
    (RuleForm(name="r", kind="links", link_mode="at_least", link_min=3), [{"type": "links", "min": 3}]),
    (RuleForm(name="r", kind="shouting", caps_ratio=0.8, caps_min_letters=20),
     [{"type": "caps", "ratio": 0.8, "min_letters": 20}]),
    (RuleForm(name="r", kind="flood", flood_count=4, flood_minutes=10), [{"type": "flood", "count": 4, "minutes": 10}]),
    (RuleForm(name="r", kind="new_account", new_days=3), [{"type": "new_account", "days": 3}]),
    (RuleForm(name="r", kind="new_account", new_days=3, new_with_link=True),
     [{"type": "new_account", "days": 3}, {"type": "link"}]),
    (RuleForm(name="r", kind="watched"), [{"type": "watched"}]),
    (RuleForm(name="r", kind="watched", accounts=("tidewater",)),
     [{"type": "watched"}, {"type": "account", "accounts": ["tidewater"]}]),
]


@pytest.mark.parametrize("form, conditions", KINDS, ids=[f"{f.kind}-{n}" for n, (f, _) in enumerate(KINDS)])
def test_each_kind_maps_onto_existing_conditions_and_back(form, conditions):
    rule = form_to_rule(form)
    assert rule["conditions"] == conditions and rule["match"] == "all"
    assert validate_rule(rule, {"tidewater": 1}) == rule  # the engine takes it as it is
    assert rule_to_form(rule) == form
    assert form_to_rule(rule_to_form(rule)) == rule


def test_actions_keep_their_order_and_values():
    form = RuleForm(name="r", kind="watched", actions=("label", "flag", "assign", "mute"), label="spam",
                    assign_to="ana", automatic=True)
    rule = form_to_rule(form)
    assert rule["actions"] == [{"type": "label", "label": "spam"}, {"type": "flag"}, {"type": "assign", "to": "ana"},
                               {"type": "mute"}]
    assert rule["automatic"] is True and rule_to_form(rule) == form


SITES = ["https://spam.example/x", "www.spam.example", "https://a.b.spam.example/", "https://notspam.example",
         "https://spam.example.evil.net/x", "https://other.org", "no link at all", "HTTPS://SPAM.EXAMPLE."]


@pytest.mark.parametrize("mode, caught", [
    ("blocked", [True, True, True, False, False, False, False, True]),
    ("allowed", [False, False, False, True, True, True, False, False]),
])
def test_link_domains_become_a_regex_the_engine_accepts(mode, caught):
    form = RuleForm(name="r", kind="links", link_mode=mode, domains=("spam.example",))
    rule = validate_rule(form_to_rule(form))
    [condition] = rule["conditions"]
    pattern = re.compile(condition["pattern"], re.IGNORECASE)
    assert [bool(pattern.search(t)) for t in SITES] == caught
    assert rule_to_form(rule) == form


def test_the_default_rules_that_fit_open_in_the_form_unchanged():
    rules = {r["name"]: r for r in parse_toml((data_dir() / "moderation" / "rules.toml").read_text("utf-8"))}
    fits = {name for name, rule in rules.items() if formable(rule) is None}
    assert fits == {"flood", "vulgarity", "insults", "new-account-with-link", "shouting", "watch-list"}
    for name in fits:
        assert form_to_rule(rule_to_form(rules[name]), rules[name]) == rules[name]


NOT_FORMABLE = [
    ({"match": "any", "conditions": [{"type": "links", "min": 4}, {"type": "link"}]}, "any of its conditions"),
    ({"conditions": [{"type": "regex", "pattern": "buy now"}]}, "regular expression"),
    ({"conditions": [{"type": "language", "languages": ["es"]}]}, "no 'language' condition"),
    ({"conditions": [{"type": "caps"}, {"type": "link"}]}, "combines conditions"),
    ({"conditions": [{"type": "watched"}], "actions": [{"type": "report", "comment": "x"}]}, "says more"),
    ({"conditions": [{"type": "watched"}], "actions": [{"type": "flag"}, {"type": "flag"}]}, "says more"),
    ({"conditions": [{"type": "keywords", "words": ["a"], "lists": []}]}, "write it differently"),
]


@pytest.mark.parametrize("changes, why", NOT_FORMABLE, ids=[w for _, w in NOT_FORMABLE])
def test_a_rule_the_form_cannot_show_is_reported_as_such(changes, why):
    rule = {"name": "r", "enabled": False, "automatic": False, "match": "all", "actions": [{"type": "flag"}]} | changes
    with pytest.raises(NotFormable, match=why):
        rule_to_form(rule)
    assert why in formable(rule)


def test_defaults_left_out_still_open_and_save_as_written():
    """A hand-written rule leaning on the engine's defaults keeps its wording (and so its
    dry-run) when saved from the form unchanged; a change writes every number out."""
    rule = {"name": "s", "enabled": True, "automatic": False, "match": "any", "conditions": [{"type": "caps"}],
            "actions": [{"type": "flag"}]}
    form = rule_to_form(rule)
    assert (form.caps_ratio, form.caps_min_letters) == (0.7, 10)
    assert form_to_rule(form, rule) == rule
    changed = form_to_rule(RuleForm(**{**form.__dict__, "caps_min_letters": 12}), rule)
    assert changed["conditions"] == [{"type": "caps", "ratio": 0.7, "min_letters": 12}] and changed["match"] == "all"


def test_the_dialogs_texts_read_back_into_the_same_form():
    form = RuleForm(name="shout", kind="shouting", caps_ratio=0.57, caps_min_letters=15, actions=("label",),
                    label="loud")
    values = field_texts(form) | {"kind": "shouting", "actions": ("label",)}
    assert read_fields(values) == form
    words = read_fields({"name": " w ", "kind": "words", "words": "heck,\n dang it ,", "lists": ("vulgar",),
                         "actions": ("flag",)})
    assert (words.name, words.words, words.lists) == ("w", ("heck", "dang it"), ("vulgar",))


@pytest.mark.parametrize("values, message", [
    ({"kind": "flood", "flood_count": "1", "flood_minutes": "10"}, "flood: posts: must be at least 2"),
    ({"kind": "flood", "flood_count": "two", "flood_minutes": "10"}, "is not a number"),
    ({"kind": "shouting", "caps_percent": "120", "caps_min_letters": "10"}, "between 1 and 100"),
    ({"kind": "links", "link_mode": "at_least", "link_min": "2.5"}, "whole number"),
    ({"kind": "links", "link_mode": "blocked", "domains": "not a domain!"}, "is not a domain name"),
])
def test_a_field_that_cannot_be_read_is_named(values, message):
    with pytest.raises(RuleError, match=re.escape(message)):
        read_fields({"name": "r", "actions": ("flag",)} | values)


@pytest.mark.parametrize("form, message", [
    (RuleForm(name="", kind="watched"), "needs a name"),
    (RuleForm(name="r", kind="words"), "pick a word list or type some words"),
    (RuleForm(name="r", kind="links", link_mode="blocked"), "name the blocked domains"),
    (RuleForm(name="r", kind="watched", actions=()), "at least one action"),
    (RuleForm(name="r", kind="watched", actions=("label",)), "type the label"),
])
def test_an_incomplete_form_says_what_is_missing(form, message):
    with pytest.raises(RuleError, match=message):
        form_to_rule(form)


def test_domains_typed_loosely_are_cleaned():
    assert split_domains("https://www.Shop.example/path, spam.example  spam.example") == ("shop.example",
                                                                                           "spam.example")


def test_selections_keep_the_order_they_were_written_in():
    from cmtui.moderation.rule_forms import keep_order, new_rule_name

    assert keep_order(["insultes", "insults", "zaljivke"], ("insults", "zaljivke", "insultes")) == (
        "insults", "zaljivke", "insultes")
    assert keep_order(["a", "flag", "label"], ("label", "flag")) == ("label", "flag", "a")
    assert new_rule_name([]) == "new-rule" and new_rule_name(["new-rule", "new-rule-2"]) == "new-rule-3"
