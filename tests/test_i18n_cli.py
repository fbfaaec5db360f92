"""The command line in Spanish, French and Slovenian: --help (ours and argparse's own words),
error lines, plain-text output and its plurals; the language from LANG or from the settings
(the settings win); --json the same bytes in every language."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from cli_helpers import run
from cmtui import i18n

LANGUAGES = {"es": "es_ES.UTF-8", "fr": "fr_FR.UTF-8", "sl": "sl_SI.UTF-8"}
# Words of each language's --help: ours (the description, a subcommand's help, an option's)
# and argparse's ("usage: ", "options", "show this help message and exit").
TOP_HELP = {
    "es": ("uso: cmtui", "opciones:", "mostrar este mensaje de ayuda y salir", "cuentas de las plataformas",
           "Un espacio de trabajo en la terminal"),
    "fr": ("utilisation\u00a0: cmtui", "options:", "afficher ce message d’aide et quitter", "comptes des plateformes",
           "Un espace de travail en terminal"),
    "sl": ("uporaba: cmtui", "možnosti:", "prikaži to pomoč in končaj", "računi na platformah",
           "Terminalski delovni prostor"),
}
LIST_HELP = {
    "es": ("uso: cmtui inbox list", "escribir un array JSON en la salida estándar", "buscar en textos y autores"),
    "fr": ("utilisation\u00a0: cmtui inbox list", "écrire un tableau JSON sur la sortie standard",
           "chercher dans les textes et les auteurs"),
    "sl": ("uporaba: cmtui inbox list", "izpiši tabelo JSON na standardni izhod", "išči po besedilih in avtorjih"),
}
ENGLISH_HELP = ("usage: ", "show this help message and exit", "platform accounts", "print a JSON array on stdout")


def write_settings(text: str) -> None:
    folder = Path(os.environ["CMTUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(text, encoding="utf-8")


def help_text(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, *argv, "--help")
    assert exit_.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_help_follows_lang(capsys, monkeypatch, lang):
    monkeypatch.setenv("LANG", LANGUAGES[lang])
    top = help_text(capsys)
    assert all(words in top for words in TOP_HELP[lang]), top
    assert not any(words in top for words in ENGLISH_HELP), top
    listing = help_text(capsys, "inbox", "list")
    assert all(words in listing for words in LIST_HELP[lang]), listing
    assert not any(words in listing for words in ENGLISH_HELP), listing


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_the_settings_language_wins_over_lang(capsys, monkeypatch, lang):
    other = "fr" if lang != "fr" else "es"
    monkeypatch.setenv("LANG", LANGUAGES[other])
    write_settings(f'language = "{lang}"\n')
    top = help_text(capsys)
    assert all(words in top for words in TOP_HELP[lang]), top
    assert not any(words in top for words in TOP_HELP[other][2:]), top
    listing = help_text(capsys, "inbox", "list")
    assert all(words in listing for words in LIST_HELP[lang]), listing


def test_english_stays_english(capsys):
    top = help_text(capsys)
    assert all(words in top for words in ENGLISH_HELP[:3])
    assert "usage: cmtui inbox list" in help_text(capsys, "inbox", "list")


def test_argparse_invalid_choice_in_spanish(capsys, monkeypatch, db):
    monkeypatch.setenv("LANG", LANGUAGES["es"])
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "--db", db, "inbox", "list", "--state", "bogus")
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "uso: cmtui inbox list" in err
    assert "error: argumento --state: opción no válida: 'bogus' (elige entre 'new', 'open'" in err


def test_argparse_missing_arguments_in_french(capsys, monkeypatch, db):
    monkeypatch.setenv("LANG", LANGUAGES["fr"])
    with pytest.raises(SystemExit):
        run(capsys, "--db", db, "inbox", "reply")
    err = capsys.readouterr().err
    assert "cmtui inbox reply\u00a0: erreur\u00a0: les arguments suivants sont requis\u00a0: ITEM_ID, TEXT" in err


def test_a_bad_date_range_and_a_bad_id_in_slovenian(capsys, monkeypatch, db):
    monkeypatch.setenv("LANG", LANGUAGES["sl"])
    code, out, err = run(capsys, "--db", db, "calendar", "list", "--from", "2026-12-10", "--to", "2026-12-01")
    assert code == 2 and out == ""
    assert err == "cmtui: --to mora biti za --from (2026-12-01 je pred 2026-12-10)\n"
    code, out, err = run(capsys, "--db", db, "moderation", "act", "r1", "hide")
    assert code == 2 and out == ""
    assert err == ("cmtui: prijava na strežniku se tukaj odobri (reši); dejanja nad računi so v TUI\n")
    code, out, err = run(capsys, "--db", db, "moderation", "rules", "enable", "nobody-knows")
    assert code == 2 and err.startswith("cmtui: pravila z imenom 'nobody-knows' ni ") and err.count("\n") == 1


def test_a_missing_database_in_french(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", LANGUAGES["fr"])
    code, _, err = run(capsys, "--db", str(tmp_path / "none.db"), "inbox", "list")
    assert code == 2
    assert err.startswith(f"cmtui: aucune base de données à {tmp_path / 'none.db'}\u00a0: indiquez --db")


def test_a_language_without_a_catalog_is_one_clear_line(capsys, monkeypatch, db):
    monkeypatch.setenv("LANG", LANGUAGES["sl"])
    write_settings('language = "de"\n')
    code, out, err = run(capsys, "--db", db, "inbox", "list")
    assert code == 2 and out == ""
    # said in the environment's language, the one cmtui could choose
    assert err.count("\n") == 1 and err.startswith("cmtui: ")
    assert err.endswith("settings.toml: jezik „de“ nima prevoda (na voljo: en, es, fr, sl)\n")


def test_config_errors_are_translated(capsys, monkeypatch, db):
    monkeypatch.setenv("LANG", LANGUAGES["es"])
    write_settings("colour = 'blue'\nfont = 'mono'\n")
    code, _, err = run(capsys, "--db", db, "inbox", "list")
    assert code == 2 and "ajustes desconocidos 'colour', 'font' (conocidos: timezone," in err
    write_settings("sync_interval_seconds = 0\n")
    code, _, err = run(capsys, "--db", db, "inbox", "list")
    assert "el ajuste «sync_interval_seconds» debe ser un número positivo, no 0" in err


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_tables_have_translated_headers_and_states(capsys, monkeypatch, db, lang):
    headers = {"es": ("ESTADO", "EDAD", "CUENTA", "AUTOR", "TEXTO"), "fr": ("ÉTAT", "ÂGE", "COMPTE", "AUTEUR", "TEXTE"),
               "sl": ("STANJE", "STAROST", "RAČUN", "AVTOR", "BESEDILO")}
    states = {"es": "abierto", "fr": "ouvert", "sl": "odprto"}
    monkeypatch.setenv("LANG", LANGUAGES[lang])
    code, out, _ = run(capsys, "--db", db, "inbox", "list", "--state", "open", "--limit", "3")
    first, *rows = out.splitlines()
    assert code == 0 and first.split() == ["ID", *headers[lang][:3], *first.split()[4:]]
    assert all(word in first for word in headers[lang]) and "STATE" not in first
    assert rows and all(row.split()[1] == states[lang] for row in rows)


def test_plural_lines_in_slovenian(capsys, monkeypatch, db, tmp_path):
    """1, 2, 3, 5 and 101: the four Slovenian forms, by the last two digits."""
    from cmtui.accounts_setup import Removal

    i18n.set_language("sl")
    said = [Removal("ada", n, 0, 0, 0, False).summary() for n in (1, 2, 3, 5, 101)]
    assert said == ["odstranjen ada in njegovo 1 sporočilo v Prejetem",
                    "odstranjen ada in njegovi 2 sporočili v Prejetem",
                    "odstranjen ada in njegova 3 sporočila v Prejetem",
                    "odstranjen ada in njegovih 5 sporočil v Prejetem",
                    "odstranjen ada in njegovo 101 sporočilo v Prejetem"]
    monkeypatch.setenv("LANG", LANGUAGES["sl"])
    target = tmp_path / "calendar.json"
    code, out, _ = run(capsys, "--db", db, "calendar", "export", "--format", "json", "-o", str(target))
    count = len(json.loads(target.read_text(encoding="utf-8")))
    assert count > 4 and count % 100 not in (1, 2, 3, 4)  # the "other" form
    assert code == 0 and out == f"{count} objav izvoženih v {target}\n"


def test_plural_and_numbers_in_french_and_spanish(language):
    from cmtui.accounts_setup import Removal

    language("fr")
    assert Removal("ada", 0, 1, 0, 2, False).summary() == (
        "ada supprimé avec 0 message de la Réception ; 2 opérations non envoyées abandonnées ;"
        " 1 publication du calendrier conservée sans compte").replace(" ;", "\u00a0;")
    language("es")
    assert Removal("ada", 1234, 0, 0, 1, False).summary() == (
        "eliminada ada y sus 1.234 mensajes de Recibidos; 1 operación sin enviar descartada")


JSON_COMMANDS = (
    ("inbox", "list", "--json"),
    ("calendar", "list", "--json", "--from", "2026-01-01"),
    ("outbox", "list", "--json"),
    ("account", "list", "--json"),
    ("moderation", "list", "--json"),
    ("moderation", "log", "--json"),
    ("moderation", "rules", "list", "--json"),
    ("moderation", "rules", "test", "spam-links", "--json"),
    ("metrics", "--json", "--days", "90"),
    ("metrics", "goal", "list", "--json"),
    ("doctor", "--json"),
)


@pytest.mark.parametrize("argv", JSON_COMMANDS, ids=lambda argv: " ".join(argv[:3]))
def test_json_is_the_same_in_every_language(capsys, monkeypatch, db, argv):
    if argv[:2] == ("moderation", "rules"):  # the default rules, with their words (conditions, actions)
        from cmtui.moderation.toml_io import seed_rules
        from cmtui.store import Store

        seeded = Store.open(Path(db))
        seed_rules(seeded)
        seeded.close()
    outputs = {}
    for lang, value in {"en": "C.UTF-8", **LANGUAGES}.items():
        monkeypatch.setenv("LANG", value)
        code, out, err = run(capsys, "--db", db, *argv)
        assert code in (0, 1) and out.strip(), (lang, err)
        if argv[0] == "metrics" and argv[1] == "--json":  # how long each part took, and now: not the same twice
            out = re.sub(r'"timings_ms": \{[^}]*\}', "", out)
            out = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "(now)", out)
        out = re.sub(r'"seconds": [\d.]+', "", out)  # (rules test: how long the dry-run took)
        outputs[lang] = out
    assert outputs["es"] == outputs["en"] and outputs["fr"] == outputs["en"] and outputs["sl"] == outputs["en"]


def test_doctor_speaks_the_language_without_json(capsys, monkeypatch, db):
    monkeypatch.setenv("LANG", LANGUAGES["fr"])
    code, out, _ = run(capsys, "--db", db, "doctor")
    assert "base de données" in out and "contrôle d’intégrité réussi" in out and "database" not in out
    assert any(line.startswith("ok ") for line in out.splitlines())
    monkeypatch.setenv("LANG", LANGUAGES["sl"])
    _, out, _ = run(capsys, "--db", db, "doctor")
    assert "zbirka podatkov" in out and "preverjanje celovitosti v redu" in out
