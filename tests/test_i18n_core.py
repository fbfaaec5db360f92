"""The moderation engine, the metrics report, the default guidelines and the store's errors in
Spanish, French and Slovenian (the catalogs' completeness is test_i18n's; here: what a person
reads in each language, and that stored text and machine-read output stay as they are)."""

from __future__ import annotations

import pytest

from cmtui.errors import CmtuiError, InputError, RuleError

NB = "\u00a0"  # French: a no-break space before : ; ? !

CONDITIONS = [{"type": "links", "min": 3}, {"type": "caps", "ratio": 0.7}, {"type": "new_account", "days": 2}]


@pytest.mark.parametrize(("lang", "conditions", "actions"), [
    ("en", "≥ 3 links or shouting (70% caps) or account < 2 days old", "flag, label spam, mute"),
    ("es", "≥ 3 enlaces o gritos (70\u00a0% en mayúsculas) o cuenta de < 2 días", "marcar, etiquetar spam, silenciar"),
    ("fr", "≥ 3 liens ou cris (70\u00a0% de majuscules) ou compte de < 2 jours",
     "signaler, étiqueter spam, mettre en sourdine"),
    ("sl", "≥ 3 povezave ali kričanje (70\u00a0% velikih črk) ali račun, mlajši od 2 dni", "označi, dodaj oznako spam, utišaj"),
])
def test_a_rule_is_described_in_the_interfaces_language(language, lang, conditions, actions):
    from cmtui.moderation.describe import describe_actions, describe_conditions

    language(lang)
    assert describe_conditions(CONDITIONS, "any") == conditions
    assert describe_actions([{"type": "flag"}, {"type": "label", "label": "spam"}, {"type": "mute"}]) == actions


def test_slovenian_counts_links_with_four_forms(language):
    from cmtui.moderation.describe import describe_condition

    language("sl")
    shown = [describe_condition({"type": "links", "min": n}) for n in (1, 2, 3, 5, 102)]
    assert shown == ["≥ 1 povezava", "≥ 2 povezavi", "≥ 3 povezave", "≥ 5 povezav", "≥ 102 povezavi"]


def test_flag_reasons_and_form_labels_are_shown_translated_but_stored_in_english(language, store):
    from cmtui.moderation.describe import flag_reason, flag_state_label
    from cmtui.moderation.rule_forms import KIND_LABELS, kind_label, link_mode_label

    language("fr")
    assert flag_reason("rule: spam-links") == f"règle{NB}: spam-links"
    assert flag_reason("needs confirmation: mute") == f"confirmation requise{NB}: mettre en sourdine"
    assert flag_reason("kick not allowed here: said in no place").startswith(f"expulser{NB}: non autorisé ici{NB}: publié hors")
    assert flag_reason("a person's own words") == "a person's own words"
    assert flag_state_label("muted") == "mis en sourdine" and flag_state_label("something new") == "something new"
    assert kind_label("watched") == "liste de surveillance" and link_mode_label("any") == "n’importe quel lien"
    assert KIND_LABELS["watched"] == "watch list"  # the table stays English: translated where shown
    language("es")
    assert kind_label("words") == "palabras de una lista"


def test_a_toml_import_error_in_french(language, store):
    from cmtui.moderation.toml_io import import_toml

    before = store.rules.list()
    language("fr")
    with pytest.raises(RuleError) as caught:
        import_toml(store, "[[rules]]\nname = 'x'\n")
    assert str(caught.value) == f"fichier de règles{NB}: clé(s) inconnue(s) rules{NB}; les règles sont des tables [[rule]]"
    with pytest.raises(RuleError) as caught:
        import_toml(store, "[[rule]]\nname = 'x'\nconditions = [{ type = 'keywords' }]\nactions = ['flag']\n")
    assert str(caught.value) == f"règle 'x', condition 1 (keywords){NB}: aucun mot indiqué"
    assert store.rules.list() == before  # all or nothing, in any language


def test_a_rule_form_error_names_its_field_in_slovenian(language):
    from cmtui.moderation.rule_forms import read_fields

    language("sl")
    with pytest.raises(RuleError, match="^poplava: objave: mora biti vsaj 2$"):
        read_fields({"name": "x", "kind": "flood", "flood_count": "1", "flood_minutes": "5"})
    with pytest.raises(RuleError, match="^kričanje: % velikih črk: mora biti med 1 in 100$"):
        read_fields({"name": "x", "kind": "shouting", "caps_percent": "120", "caps_min_letters": "5"})


@pytest.fixture
def report_data(store):
    from cmtui.config import Settings
    from cmtui.metrics.panel import panel_data

    return panel_data(store, Settings())


@pytest.mark.parametrize(("lang", "title", "headings", "header", "csv_header", "followers"), [
    ("es", "# Informe de la comunidad: últimos 30 días", ["## Objetivos", "## Seguidores", "## Respuesta",
                                                         "## Vigilancia de crisis"],
     "| Objetivo | Meta | Actual | Progreso | Fecha límite | Previsión |", "métrica,ámbito,valor", "| tidewater | 4.150 |"),
    ("sl", "# Poročilo o skupnosti: zadnjih 30 dni", ["## Cilji", "## Sledilci", "## Odzivanje", "## Spremljanje kriz"],
     "| Cilj | Ciljna vrednost | Trenutno | Napredek | Rok | Napoved |", "metrika,obseg,vrednost", "| tidewater | 4.150 |"),
])
def test_the_report_export_in_spanish_and_slovenian(language, report_data, lang, title, headings, header, csv_header,
                                                    followers):
    from cmtui.metrics.report import to_csv, to_markdown

    language(lang)
    text = to_markdown(report_data)
    lines = text.splitlines()
    assert lines[0] == title
    assert all(heading in lines for heading in headings)
    assert header in lines
    assert any(line.startswith(followers) for line in lines)  # the language's thousands separator
    assert "not enough data yet" not in text and "## Goals" not in text
    csv_lines = to_csv(report_data).splitlines()
    assert csv_lines[0] == csv_header
    assert "followers,tidewater,4150" in csv_lines  # the rows stay machine-readable: ids, plain digits


def test_the_report_keeps_its_english(report_data):
    from cmtui.metrics.report import to_csv, to_markdown

    text = to_markdown(report_data)
    assert text.startswith("# Community report: last 30 days\n") and "| Goal | Target | Current |" in text
    assert "| tidewater | 4,150 |" in text
    assert to_csv(report_data).splitlines()[0] == "metric,scope,value"


def test_goal_and_crisis_labels_follow_the_language_while_the_json_stays_english(language, report_data):
    from cmtui.metrics.crisis import status_label
    from cmtui.metrics.goals import forecast_label, metric_label

    forecasts = {g["forecast"] for g in report_data["goals"]}
    language("sl")
    assert forecasts <= {"achieved", "on track", "at risk", "missed", "not enough data yet"}
    assert forecast_label("on track") == "na dobri poti" and status_label("ok") == "normalno"
    assert metric_label("inbox_zero_mon") == "neopravljena sporočila ob koncu dneva, zadnji ponedeljek (UTC)"
    language("en")
    assert metric_label("inbox_zero_mon") == "items not yet done at the end of the last Mon (UTC)"


@pytest.mark.parametrize(("lang", "first", "last_title"), [
    ("en", ("Be kind", "No insults, no harassment, no pile-ons. Disagree with ideas, not with people."),
     "The team's decisions"),
    ("es", ("Sé amable", "Nada de insultos, acoso ni ataques en grupo. Discrepa de las ideas, no de las personas."),
     "Las decisiones del equipo"),
    ("fr", ("Soyez bienveillants", "Pas d’insultes, pas de harcèlement, pas d’attaques en meute. "
                                   "Critiquez les idées, pas les personnes."), "Les décisions de l’équipe"),
    ("sl", ("Bodite prijazni", "Brez žalitev, nadlegovanja in skupinskih napadov. Ne strinjajte se z idejami, ne z ljudmi."),
     "Odločitve ekipe"),
])
def test_the_default_guidelines_in_each_language(language, lang, first, last_title):
    from cmtui.moderation.guidelines import DEFAULT_GUIDELINES, default_guidelines

    language(lang)
    shown = default_guidelines()
    assert len(shown) == len(DEFAULT_GUIDELINES) and shown[0] == first and shown[-1][0] == last_title
    assert all(title and body for title, body in shown)
    if lang != "en":
        assert not {title for title, _ in shown} & {title for title, _ in DEFAULT_GUIDELINES}


def test_a_new_database_starts_with_the_guidelines_in_its_language_and_keeps_them(language, tmp_path):
    from cmtui.cli import _open_store

    language("es")
    store, new = _open_store(tmp_path / "new.db", create_parent=True)
    try:
        assert new
        titles = [row["title"] for row in store.members.guidelines()]
        assert titles[0] == "Sé amable" and len(titles) == 6
        language("fr")  # stored text is the community's own now: it stays as written
        assert [row["title"] for row in store.members.guidelines()] == titles
        from cmtui.moderation.guidelines import seed_guidelines

        assert seed_guidelines(store) == 0  # never twice
    finally:
        store.close()


def test_a_warning_quotes_the_guideline_in_the_interfaces_language(language, store):
    from cmtui.moderation.actions import guideline_warning

    number = store.members.guidelines()[0]["position"] if store.members.guidelines() else None
    if number is None:
        store.members.add_guideline("Be kind")
        number = 1
    title = store.members.guideline(number)["title"]
    language("sl")
    assert guideline_warning(store, number, "@ana").startswith(
        f"Prosimo, upoštevajte smernico skupnosti številka {number}: „{title}“.")
    with pytest.raises(InputError, match="^ni smernice številka 99$"):
        guideline_warning(store, 99, "@ana")


def test_a_store_error_in_slovenian(language, store):
    names = ", ".join(a.name for a in store.accounts.list())
    language("sl")
    with pytest.raises(InputError) as caught:
        store.accounts.require("nobody")
    assert str(caught.value) == f"neznan račun „nobody“ (računi: {names})"
    with pytest.raises(InputError, match="^v koledarju ni objave 99999$"):
        store.entries.require(99999)


def test_a_damaged_database_is_described_in_spanish(language, tmp_path):
    from cmtui.store.db import connect

    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database")
    language("es")
    with pytest.raises(CmtuiError) as caught:
        connect(bad)
    assert str(caught.value) == (f"{bad} no es una base de datos SQLite (cmtui no la ha tocado); indica con --db tu "
                                 "base de datos de cmtui o restáurala desde una copia de seguridad")
    assert bad.read_text() == "these are my notes, not a database"


def test_descriptions_for_json_stay_english_in_any_language(language, store):
    from cmtui.moderation.describe import action_effects, describe_actions, describe_conditions
    from cmtui.moderation.engine import dry_run

    language("sl")
    assert describe_conditions(CONDITIONS, "any", english=True) == \
        "≥ 3 links or shouting (70% caps) or account < 2 days old"
    assert describe_actions([{"type": "label", "label": "spam"}, "mute"], english=True) == "label spam, mute"
    rule = {"name": "x", "conditions": [{"type": "link"}], "actions": [{"type": "label", "label": "spam"}]}
    effects = action_effects(store, rule, dry_run(store, rule, record=False))
    assert effects[0].action == "dodaj oznako spam" and effects[0].as_json()["action"] == "label spam"
