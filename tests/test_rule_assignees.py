"""A rule that assigns names someone on the team: checked when the rule is saved (the form,
the TOML editor, `rules import`), as the team spells the name; anyone else is one clear
message naming the rule and the team, with nothing stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cli_helpers import run
from cmtui.config import Settings
from cmtui.errors import RuleError
from cmtui.moderation.engine import replace_rule
from cmtui.moderation.toml_io import import_toml

ANA = Settings(user="ana", teammates=["Luka"], timezone="UTC")


def rule(to: str) -> dict:
    return {"name": "exports", "enabled": False, "automatic": True, "match": "all",
            "conditions": [{"type": "keywords", "words": ["export"]}],
            "actions": [{"type": "flag"}, {"type": "assign", "to": to}]}


def toml(to: str) -> str:
    return ('[[rule]]\nname = "exports"\nenabled = false\nautomatic = true\nmatch = "all"\n'
            '[[rule.conditions]]\ntype = "keywords"\nwords = ["export"]\n'
            f'[[rule.actions]]\ntype = "assign"\nto = "{to}"\n')


def test_a_rule_assigning_to_a_teammate_is_saved_as_the_team_spells_the_name(store):
    replace_rule(store, rule("luka"), who="ana", settings=ANA)
    assert store.rules.get("exports")["actions"][-1] == {"type": "assign", "to": "Luka"}


def test_a_rule_assigning_to_someone_not_on_the_team_is_refused_with_nothing_stored(store):
    before = store.rules.list()
    with pytest.raises(RuleError, match=r"rule 'exports', action 2: 'cleo' is not on the team \(the team: ana, Luka\)"):
        replace_rule(store, rule("cleo"), who="ana", settings=ANA)
    with pytest.raises(RuleError, match="'cleo' is not on the team"):
        import_toml(store, toml("cleo"), dry_run_enabled=False, who="ana", settings=ANA)
    assert store.rules.list() == before


def test_rules_import_refuses_an_assignee_not_on_the_team(capsys, db):
    folder = Path(os.environ["CMTUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text('user = "ana"\nteammates = ["luka"]\n')
    bad = Path(db).with_name("rules.toml")
    bad.write_text(toml("cleo"))
    code, out, err = run(capsys, "moderation", "rules", "import", str(bad), "--db", db)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "'cleo' is not on the team" in err and err.endswith("; nothing changed\n")
    bad.write_text(toml("LUKA"))
    code, out, err = run(capsys, "moderation", "rules", "import", str(bad), "--db", db)
    assert (code, err) == (0, "") and "imported 1 rule" in out
