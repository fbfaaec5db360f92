"""Planning and triage in Spanish, French and Slovenian: the time words the composer and `--at`
read, repeat rules in words (grammatical sentences, each written here by hand), conflicts,
refusals of the planning core and of a calendar import, durations and snooze presets."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cmtui.errors import InputError
from cmtui.planning.rule_words import describe, presets
from cmtui.planning.timeparse import parse_when

TZ = ZoneInfo("Europe/Ljubljana")
NOW = datetime(2026, 11, 20, 15, 30, tzinfo=TZ)  # a Friday
TOMORROW_9 = datetime(2026, 11, 21, 9, 0, tzinfo=TZ)
TODAY_18 = datetime(2026, 11, 20, 18, 0, tzinfo=TZ)
FRIDAY_1830 = datetime(2026, 11, 27, 18, 30, tzinfo=TZ)  # "fri" on a Friday: the next one
NEXT_MONDAY = datetime(2026, 11, 23, 0, 0, tzinfo=TZ)
IN_3_DAYS = datetime(2026, 11, 23, 15, 30, tzinfo=TZ)
TODAY = datetime(2026, 11, 20, 0, 0, tzinfo=TZ)


# -- time words ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("es", "mañana 9:00", TOMORROW_9), ("es", "hoy 18:00", TODAY_18), ("es", "vie 18:30", FRIDAY_1830),
    ("es", "viernes 18:30", FRIDAY_1830), ("es", "el próximo lunes", NEXT_MONDAY), ("es", "en 3 días", IN_3_DAYS),
    ("es", "ahora", NOW), ("es", "manana 9:00", TOMORROW_9), ("es", "el proximo lunes", NEXT_MONDAY),
    ("es", "Mañana a las 9:00", TOMORROW_9), ("es", "dentro de 2 horas", NOW + timedelta(hours=2)),
    ("es", "mié 9:00", datetime(2026, 11, 25, 9, 0, tzinfo=TZ)),
    ("fr", "demain 9h", TOMORROW_9), ("fr", "demain 9h30", TOMORROW_9.replace(minute=30)),
    ("fr", "ven. 18h30", FRIDAY_1830), ("fr", "vendredi 18 h 30", FRIDAY_1830), ("fr", "lundi prochain", NEXT_MONDAY),
    ("fr", "dans 3 jours", IN_3_DAYS), ("fr", "maintenant", NOW), ("fr", "aujourd’hui", TODAY),
    ("fr", "aujourd'hui 18h", TODAY_18), ("fr", "demain à 9h", TOMORROW_9),
    ("sl", "jutri 9:00", TOMORROW_9), ("sl", "jutri 9.00", TOMORROW_9), ("sl", "pet 18:30", FRIDAY_1830),
    ("sl", "petek 18:30", FRIDAY_1830), ("sl", "naslednji ponedeljek", NEXT_MONDAY), ("sl", "čez 3 dni", IN_3_DAYS),
    ("sl", "zdaj", NOW), ("sl", "danes", TODAY), ("sl", "cez 3 dni", IN_3_DAYS), ("sl", "jutri ob 9.00", TOMORROW_9),
    ("sl", "čez 2 uri", NOW + timedelta(hours=2)), ("sl", "čet 9:00", datetime(2026, 11, 26, 9, 0, tzinfo=TZ)),
])
def test_the_time_words_of_the_language(language, lang, text, expected):
    language(lang)
    assert parse_when(text, TZ, NOW) == expected


@pytest.mark.parametrize("lang", ["es", "fr", "sl"])
@pytest.mark.parametrize(("text", "expected"), [
    ("tomorrow 9:00", TOMORROW_9), ("fri 18:30", FRIDAY_1830), ("next monday", NEXT_MONDAY),
    ("in 3 days", IN_3_DAYS), ("now", NOW), ("2026-12-01 09:30", datetime(2026, 12, 1, 9, 30, tzinfo=TZ)),
])
def test_english_and_iso_are_read_in_every_language(language, lang, text, expected):
    language(lang)
    assert parse_when(text, TZ, NOW) == expected


def test_another_languages_words_are_not_read():
    with pytest.raises(InputError):
        parse_when("mañana 9:00", TZ, NOW)  # in English, Spanish is not a time


@pytest.mark.parametrize(("lang", "text", "message"), [
    ("en", "the day after never", "cannot read 'the day after never' as a date/time (try 2026-12-01, "
                                  "'2026-12-01 09:30', 'tomorrow 9:00', 'fri 18:30')"),
    ("es", "el día después de nunca", "no se puede leer «el día después de nunca» como fecha/hora (prueba 2026-12-01, "
                                      "«2026-12-01 09:30», «mañana 9:00», «vie 18:30»)"),
    ("fr", "un jour peut-être", "impossible de lire «\u00a0un jour peut-être\u00a0» comme date/heure (essayez 2026-12-01, "
                                "«\u00a02026-12-01 09:30\u00a0», «\u00a0demain 9h\u00a0», «\u00a0ven. 18h30\u00a0»)"),
    ("sl", "nekoč", "„nekoč“ ni mogoče prebrati kot datum/čas (poskusite 2026-12-01, „2026-12-01 09:30“, "
                    "„jutri 9:00“, „pet 18:30“)"),
    ("es", "mañana a mediodía", "no se puede leer la hora en «mañana a mediodía» (prueba «mañana 9:00»)"),
    ("fr", "Demain midi", "impossible de lire l’heure dans «\u00a0Demain midi\u00a0» (essayez «\u00a0Demain 9h\u00a0»)"),
    ("sl", "jutri opoldne", "v „jutri opoldne“ ni mogoče prebrati ure (poskusite „jutri 9:00“)"),
    ("es", "", "fecha/hora vacía"),
    ("sl", "jutri 25:00", "v „jutri 25:00“ ni mogoče prebrati ure (poskusite „jutri 9:00“)"),
])
def test_nonsense_is_refused_in_the_language_with_an_example(language, lang, text, message):
    language(lang)
    with pytest.raises(InputError) as refused:
        parse_when(text, TZ, NOW)
    assert str(refused.value) == message


def test_the_weekday_names_come_from_babel_not_from_a_table(language):
    from cmtui import l10n

    language("fr")
    for index in range(7):
        for width in ("wide", "abbreviated"):
            name = l10n.weekday_name(index, width)
            assert parse_when(f"{name} 9h", TZ, NOW).weekday() == index


# -- repeat rules in words ------------------------------------------------------------------------
START = datetime(2026, 12, 1, 9, 30, tzinfo=TZ)  # the first Tuesday of December
RULES = {
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR": (
        "every 2 weeks on Monday and Friday at 09:30",
        "cada 2 semanas: lunes y viernes a las 9:30",
        "toutes les 2 semaines\u00a0: lundi et vendredi à 09:30",
        "vsaka 2 tedna: ponedeljek in petek ob 09:30"),
    "FREQ=MONTHLY;BYDAY=-1FR": (
        "monthly on the last Friday at 09:30",
        "el último viernes de cada mes a las 9:30",
        "le dernier vendredi de chaque mois à 09:30",
        "zadnji petek v mesecu ob 09:30"),
    "FREQ=MONTHLY;BYDAY=+1WE": (  # Slovenian: a feminine weekday
        "monthly on the first Wednesday at 09:30",
        "el primer miércoles de cada mes a las 9:30",
        "le premier mercredi de chaque mois à 09:30",
        "prva sreda v mesecu ob 09:30"),
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR": (
        "on weekdays at 09:30", "de lunes a viernes a las 9:30", "en semaine à 09:30", "ob delavnikih ob 09:30"),
    "FREQ=WEEKLY;BYDAY=SA,SU": (
        "on weekends at 09:30", "los fines de semana a las 9:30", "le week-end à 09:30", "ob koncih tedna ob 09:30"),
    "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8": (
        "every Tuesday and Thursday at 09:30, 8 times",
        "cada martes y jueves a las 9:30, 8 veces",
        "chaque mardi et jeudi à 09:30, 8 fois",
        "vsak teden: torek in četrtek ob 09:30, 8-krat"),
    "FREQ=WEEKLY;BYDAY=MO,WE,FR": (
        "every Monday, Wednesday and Friday at 09:30",
        "cada lunes, miércoles y viernes a las 9:30",
        "chaque lundi, mercredi et vendredi à 09:30",
        "vsak teden: ponedeljek, sreda in petek ob 09:30"),
    "FREQ=DAILY;UNTIL=20270331": (
        "every day at 09:30 until 31 Mar 2027",
        "cada día a las 9:30 hasta el 31 mar 2027",
        "tous les jours à 09:30 jusqu’au 31 mars 2027",
        "vsak dan ob 09:30 do 31. mar. 2027"),
    "FREQ=DAILY;UNTIL=20270331T170000Z": (
        "every day at 09:30 until 31 Mar 2027 19:00",
        "cada día a las 9:30 hasta el 31 mar 2027 a las 19:00",
        "tous les jours à 09:30 jusqu’au 31 mars 2027 à 19:00",
        "vsak dan ob 09:30 do 31. mar. 2027 ob 19:00"),
    "FREQ=DAILY;INTERVAL=5;COUNT=1": (
        "every 5 days at 09:30, once", "cada 5 días a las 9:30, una vez", "tous les 5 jours à 09:30, une fois",
        "vsakih 5 dni ob 09:30, enkrat"),
    "FREQ=MONTHLY;BYMONTHDAY=15": (
        "monthly on day 15 at 09:30", "el día 15 de cada mes a las 9:30", "le 15 de chaque mois à 09:30",
        "vsak 15. v mesecu ob 09:30"),
    "FREQ=MONTHLY;BYMONTHDAY=1,15": (
        "monthly on days 1 and 15 at 09:30", "los días 1 y 15 de cada mes a las 9:30",
        "les 1 et 15 de chaque mois à 09:30", "vsak 1. in 15. v mesecu ob 09:30"),
    "FREQ=MONTHLY;BYMONTHDAY=-1": (
        "monthly on the last day at 09:30", "el último día de cada mes a las 9:30",
        "le dernier jour de chaque mois à 09:30", "zadnji dan v mesecu ob 09:30"),
    "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR": (
        "every 3 months on the last Friday at 09:30",
        "el último viernes, cada 3 meses a las 9:30",
        "le dernier vendredi, tous les 3 mois à 09:30",
        "zadnji petek v mesecu, vsake 3 mesece ob 09:30"),
    "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU": (
        "every year on the last Sunday of March at 09:30",
        "el último domingo de marzo de cada año a las 9:30",
        "chaque année, le dernier dimanche en mars à 09:30",
        "vsako leto: zadnja nedelja v mesecu marec ob 09:30"),
    "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=3": (
        "every year on 3 Dec at 09:30", "cada año el 3 dic a las 9:30", "chaque année le 3 déc. à 09:30",
        "vsako leto 3. dec. ob 09:30"),
    "FREQ=YEARLY;INTERVAL=2;BYMONTH=3;BYMONTHDAY=8": (
        "every 2 years on 8 Mar at 09:30", "cada 2 años el 8 mar a las 9:30", "tous les 2 ans le 8 mars à 09:30",
        "vsaki 2 leti 8. mar. ob 09:30"),
    "FREQ=HOURLY;INTERVAL=3;COUNT=4": (
        "every 3 hours from 09:30, 4 times", "cada 3 horas desde las 9:30, 4 veces",
        "toutes les 3 heures à partir de 09:30, 4 fois", "vsake 3 ure od 09:30, 4-krat"),
    "FREQ=DAILY;BYHOUR=9,17": (
        "daily at 09:30, as the rule says: BYHOUR=9,17", "cada día a las 9:30, según la regla: BYHOUR=9,17",
        "tous les jours à 09:30, selon la règle\u00a0: BYHOUR=9,17", "vsak dan ob 09:30, kot določa pravilo: BYHOUR=9,17"),
}


@pytest.mark.parametrize("rule", list(RULES))
@pytest.mark.parametrize(("index", "lang"), list(enumerate(["en", "es", "fr", "sl"])))
def test_a_rule_in_words_in_each_language(language, rule, index, lang):
    language(lang)
    assert describe(rule, START, TZ) == RULES[rule][index]


@pytest.mark.parametrize(("n", "words"), [
    (2, "vsaka 2 tedna: ponedeljek ob 09:30"), (3, "vsake 3 tedne: ponedeljek ob 09:30"),
    (4, "vsake 4 tedne: ponedeljek ob 09:30"), (5, "vsakih 5 tednov: ponedeljek ob 09:30"),
    (101, "vsak 101 teden: ponedeljek ob 09:30"), (102, "vsaka 102 tedna: ponedeljek ob 09:30"),
])
def test_slovenian_counts_take_the_dual_and_the_plural_forms(language, n, words):
    language("sl")
    assert describe(f"FREQ=WEEKLY;INTERVAL={n};BYDAY=MO", START, TZ) == words


@pytest.mark.parametrize(("lang", "labels"), [
    ("es", ["cada día", "días laborables (de lunes a viernes)", "cada miércoles", "el tercer miércoles de cada mes",
            "no se repite"]),
    ("fr", ["tous les jours", "en semaine (du lundi au vendredi)", "chaque mercredi",
            "le troisième mercredi de chaque mois", "ne se répète pas"]),
    ("sl", ["vsak dan", "delavniki (od ponedeljka do petka)", "vsak teden: sreda", "tretja sreda v mesecu",
            "se ne ponavlja"]),
])
def test_the_presets_names_in_each_language(language, lang, labels):
    language(lang)
    assert [label for label, _rule in presets(datetime(2026, 12, 16, 10, tzinfo=TZ), TZ)] == labels


# -- conflicts, refusals, results -------------------------------------------------------------------
def test_conflict_reasons_in_french(language):
    from cmtui.planning.conflicts import _reason

    language("fr")
    assert _reason(42, True, "Launch post", "fernleaf", 60) == \
        "42 min après «\u00a0Launch post\u00a0» sur fernleaf (écart minimal\u00a0: 60 min)"
    assert _reason(0, False, "Launch post", "fernleaf", 60).startswith("à la même heure que")


@pytest.mark.parametrize(("rule", "message"), [
    ("", "pravilo ponavljanja je prazno (poskusite FREQ=WEEKLY;BYDAY=MO,TH)"),
    ("FREQ=SOMETIMES", "neznana pogostost FREQ=SOMETIMES (DAILY, WEEKLY, MONTHLY, YEARLY ali HOURLY)"),
    ("FREQ=MINUTELY", "FREQ=MINUTELY bi objavljal vsako minuto; objave se ponavljajo največ vsako uro"),
    ("FREQ=HOURLY", "urno pravilo potrebuje konec (COUNT=N ali UNTIL=datum)"),
])
def test_recurrence_errors_in_slovenian(language, rule, message):
    from cmtui.planning.recurrence import parse_rule

    language("sl")
    with pytest.raises(InputError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse_rule(rule)


def test_the_entry_statuses_are_shown_in_the_language(language):
    from cmtui.model import status_name

    assert status_name("needs_approval") == "needs approval"
    language("es")
    assert [status_name(s) for s in ("draft", "scheduled", "published", "needs_approval")] == \
        ["borrador", "programada", "publicada", "pendiente de aprobación"]
    assert status_name("unknown_state") == "unknown_state"


def test_a_calendar_imports_refusal_counts_its_problems_in_slovenian(language, tmp_path):
    from cmtui.planning.exchange_files import Problems

    language("sl")
    for n, said in [(1, "1 težava"), (2, "2 težavi"), (3, "3 težave"), (5, "5 težav")]:
        problems = Problems()
        for line in range(1, n + 1):
            problems.add(line, f"vrstica {line}", "besedilo je prazno")
        first = str(problems.fail(tmp_path / "plan.csv")).splitlines()[0]
        assert first == f"{tmp_path / 'plan.csv'}: {said}, nič ni uvoženo"


def test_a_cli_error_in_slovenian(db, capsys, monkeypatch):
    from tests.cli_helpers import run

    monkeypatch.setenv("LANG", "sl_SI.UTF-8")
    missing = Path(os.environ.get("TMPDIR", "/tmp")) / "nowhere-cmtui" / "plan.csv"
    code, _out, err = run(capsys, "calendar", "import", str(missing), "--db", db)
    assert code == 2 and err.strip() == f"cmtui: {missing}: datoteka ne obstaja"


def test_a_failed_move_is_recorded_in_the_language(language):
    from cmtui.planning import results

    language("fr")
    recorded = {}

    class Entries:
        def update(self, entry_id, fields, touch=False):
            recorded.update(fields)

    class Store:
        entries = Entries()

    entry = {"id": 7, "account_id": 1, "status": "scheduled"}
    results.operation_failed(Store(), entry, {"account_id": 1, "kind": "reschedule"}, "HTTP 500", "2026-12-03T09:00:00Z")
    assert recorded["last_error"] == "impossible de la déplacer sur le serveur\u00a0: HTTP 500"


# -- triage ----------------------------------------------------------------------------------------
def test_response_times_and_snooze_presets_in_spanish(language):
    from cmtui.triage import response, snooze

    language("es")
    assert response.describe(-7500, timedelta(hours=4)) == \
        "2 h 5 min por encima del tiempo de respuesta objetivo (4 h)"
    assert response.describe(600, timedelta(hours=1)) == "respuesta esperada en 10 min (objetivo: 1 h)"
    assert response.long_duration(20) == "menos de un minuto"
    labels = [label for label, _when in snooze.presets(datetime(2026, 12, 3, 10, tzinfo=timezone.utc), TZ)]
    assert labels == ["en 1 hora", "esta tarde", "mañana 9:00", "el próximo lunes 9:00"]
    for label in labels[2:]:  # what a preset says can be typed back
        assert parse_when(label, TZ, NOW)


def test_compact_durations_in_french(language):
    from cmtui.text import short_duration

    language("fr")
    assert [short_duration(s) for s in (30, 300, 7200, 3 * 86400, 14 * 86400)] == ["30s", "5mn", "2h", "3j", "2sem"]


def test_snoozing_into_the_past_is_refused_in_french(language):
    from cmtui.triage.snooze import parse_snooze

    language("fr")
    with pytest.raises(InputError, match="^«\u00a0hier\u00a0» n’est pas dans le futur$"):
        parse_snooze("hier", NOW, TZ)
