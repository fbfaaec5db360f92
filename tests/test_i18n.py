"""The interface's language: the choice (setting, environment, English), the catalogs kept in
step with the code, plurals by each language's rules, and dates/numbers by the locale."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from cmtui import i18n, l10n, locale_tools

LANGUAGES = ("es", "fr", "sl")


def test_every_language_ships_a_compiled_catalog():
    assert set(i18n.available_languages()) >= {"en", *LANGUAGES}


def test_the_catalogs_match_the_code():
    """A message the code uses and a catalog lacks, a stale one, an untranslated one, a
    translation that drops or invents a {field}, a .mo not compiled from its .po: each a line."""
    assert locale_tools.check() == []


@pytest.mark.parametrize(("environ", "setting", "expected"), [
    ({"LANG": "es_ES.UTF-8"}, None, "es"),
    ({"LC_ALL": "fr_FR.UTF-8", "LANG": "es_ES.UTF-8"}, None, "fr"),
    ({"LC_MESSAGES": "sl_SI.UTF-8", "LANG": "es_ES.UTF-8"}, None, "sl"),
    ({"LC_ALL": "", "LANG": "sl_SI"}, None, "sl"),
    ({"LANG": "de_DE.UTF-8"}, None, "en"),  # no German catalog: English
    ({"LANG": "C.UTF-8"}, None, "en"),
    ({}, None, "en"),
    ({"LANG": "es_ES.UTF-8"}, "fr", "fr"),  # the setting wins
])
def test_the_language_comes_from_the_setting_then_the_environment(environ, setting, expected):
    assert i18n.choose(setting, environ) == expected
    assert i18n.language() == expected


def test_the_environments_territory_shapes_dates_when_it_is_the_same_language():
    i18n.choose("es", {"LANG": "es_MX.UTF-8"})
    assert str(i18n.babel_locale()) == "es_MX"
    i18n.choose("es", {"LANG": "fr_FR.UTF-8"})
    assert str(i18n.babel_locale()) == "es"


def test_a_language_without_a_catalog_in_the_settings_is_refused(tmp_path):
    from cmtui.config import load_settings
    from cmtui.errors import ConfigError

    (tmp_path / "settings.toml").write_text('language = "de"\n')
    with pytest.raises(ConfigError, match="language 'de' has no translation \\(available: en, es, fr, sl\\)"):
        load_settings(tmp_path)
    (tmp_path / "settings.toml").write_text('language = "sl_SI"\n')
    assert load_settings(tmp_path).language == "sl_SI"


def test_slovenian_has_four_plural_forms_and_french_counts_zero_as_one():
    rows = [(msg.id, msg.string) for msg in locale_tools.read(locale_tools.po_path("sl")) if isinstance(msg.id, tuple)]
    assert rows, "no plural message in the Slovenian catalog"
    (singular, plural), forms = rows[0]
    assert len(forms) == 4 and len(set(forms)) >= 3
    i18n.set_language("sl")
    shown = [i18n.ngettext(singular, plural, n) for n in (1, 2, 3, 5, 101, 102)]
    assert shown[0] == forms[0] and shown[1] == forms[1] and shown[2] == forms[2] and shown[3] == forms[3]
    assert shown[4] == forms[0] and shown[5] == forms[1]  # by the last two digits
    i18n.set_language("fr")
    assert i18n.ngettext(singular, plural, 0) == i18n.ngettext(singular, plural, 1)
    i18n.set_language("en")
    assert i18n.ngettext(singular, plural, 0) == plural


def test_dates_numbers_and_relative_times_follow_the_language():
    moment = datetime(2026, 12, 3, 9, 5)
    expected = {
        "en": ("Thu, 3 Dec", "December 2026", "1,234,567.5", "in 3 hours", "2 days ago", 0, "09:05"),
        "es": ("jue, 3 dic", "diciembre de 2026", "1.234.567,5", "dentro de 3 horas", "hace 2 días", 0, "9:05"),
        "fr": ("jeu. 3 déc.", "décembre 2026", "1\u202f234\u202f567,5", "dans 3 heures", "il y a 2 jours", 0, "09:05"),
        "sl": ("čet., 3. dec.", "december 2026", "1.234.567,5", "čez 3 ure", "pred 2 dnevoma", 0, "09:05"),
    }
    for language, (day, month, number, ahead, ago, first, clock) in expected.items():
        i18n.set_language(language)
        assert l10n.day(moment) == day
        assert l10n.month_year(moment) == month
        assert l10n.number(1234567.5) == number
        assert l10n.relative(timedelta(hours=3)) == ahead
        assert l10n.relative(timedelta(days=-2)) == ago
        assert l10n.first_weekday() == first
        assert l10n.clock(moment) == clock  # the 24-hour clock in every language


def test_a_region_that_starts_the_week_on_sunday():
    i18n.choose("en", {"LANG": "en_US.UTF-8"})
    assert l10n.first_weekday() == 6
    assert l10n.week_order()[0] == 6


def test_the_unmarked_check_finds_text_that_skips_the_catalog(tmp_path):
    source = tmp_path / "screen.py"
    source.write_text(
        'from cmtui.i18n import _\n'
        'def show(app, n):\n'
        '    """A docstring is not shown."""\n'
        '    app.notify(_("Reply queued."))\n'
        '    app.notify(f"Queued {n} replies.")\n'
        '    app.notify("Nothing to undo.")\n'
        '    app.query_one("#reply input")\n'
        '    return "item-id"\n'
        '    return "plain words here"  # i18n: not shown\n')
    found = [(hit.line, hit.text) for hit in locale_tools.unmarked(source)]
    assert sorted(found) == [(5, "Queued  replies."), (6, "Nothing to undo.")]


def test_a_new_language_is_a_po_file_and_the_tool(tmp_path, monkeypatch, capsys):
    """The README's steps: `new de` starts de.po with German plural rules, `missing de` lists
    what to translate, `fill` puts translations in, `check` says what is still untranslated;
    once compiled, the language can be chosen."""
    import json
    import shutil

    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    monkeypatch.setattr(locale_tools, "LOCALE_DIR", locale)
    monkeypatch.setattr(locale_tools, "TEMPLATE", locale / "cmtui.pot")
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    assert locale_tools.main(["new", "de"]) == 0
    catalog = locale_tools.read(locale_tools.po_path("de"))
    assert catalog.num_plurals == 2 and len([m for m in catalog if m.id]) > 1000
    capsys.readouterr()
    assert locale_tools.main(["missing", "de"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id": "Inbox", "de": ""} in rows
    fill = tmp_path / "de.json"
    fill.write_text(json.dumps([{"id": "Inbox", "de": "Posteingang"}]))
    assert locale_tools.main(["fill", str(fill)]) == 0
    problems = locale_tools.check()
    assert "de: untranslated 'Calendar'" in problems and not any("'Inbox'" in p for p in problems)
    assert "de" in i18n.available_languages()
    i18n.set_language("de")
    assert i18n._("Inbox") == "Posteingang" and i18n._("Calendar") == "Calendar"
