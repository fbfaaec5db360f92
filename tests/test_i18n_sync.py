"""The sync engine's and the connectors' words in Spanish, French and Slovenian: each
platform's own words for likes and shares (Mastodon's and Bluesky's own translations), the
profile's limits and refusals, and the errors a real server's fault gives (mastodon_mock on
loopback), with the server's own text kept as it came and no token in them."""

from __future__ import annotations

import asyncio

import pytest

from cmtui.compose import queue_reply
from cmtui.sync.connectors import profile_for
from cmtui.sync.engine import AccountResult, SyncEngine, state_word

LANGUAGES = ("es", "fr", "sl")
NBSP = "\u00a0"
VERIFY = "/api/v1/accounts/verify_credentials"
NOTIFICATIONS = "/api/v1/notifications"
STATUSES = "/api/v1/statuses"


# -- the platforms' words ------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "mastodon", "bluesky", "matrix"), [
    ("en", ("Favourite", "Boost", "Unboost", "favourited"), ("Like", "Repost", "Undo the repost", "liked"),
     ("React 👍", "room", "3 rooms")),
    ("es", ("Favorito", "Impulsar", "Deshacer impulso", "marcado como favorito"),
     ("Me gusta", "Republicar", "Deshacer republicación", "con me gusta"), ("Reaccionar 👍", "sala", "3 salas")),
    ("fr", ("Favori", "Partager", "Annuler le partage", "ajouté aux favoris"),
     ("J’aime", "Republier", "Annuler la republication", "aimé"), ("Réagir 👍", "salon", "3 salons")),
    ("sl", ("Priljubljeno", "Izpostavi", "Prekliči izpostavitev", "dodano med priljubljene"),
     ("Všeček", "Ponovno objavi", "Prekliči ponovno objavo", "všečkano"), ("Odzovi se 👍", "soba", "3 sobe")),
])
def test_each_platform_says_its_own_words_in_the_chosen_language(language, lang, mastodon, bluesky, matrix):
    language(lang)
    for platform, (like, share, unshare, liked) in (("mastodon", mastodon), ("bluesky", bluesky)):
        profile = profile_for(platform)
        assert (profile.action_label("like"), profile.action_label("share"),
                profile.action_label("share", undo=True), profile.past("like")) == (like, share, unshare, liked)
    rooms = profile_for("matrix")
    assert (rooms.action_label("like"), rooms.place_word(), rooms.places_counted(3)) == matrix
    # The attributes stay the English the profile was built with (code compares them).
    assert profile_for("mastodon").like_verb == "favourite" and rooms.place_label == "room"


def test_the_verbs_fit_a_sentence_and_the_nouns_the_metrics(language):
    language("es")
    mastodon = profile_for("mastodon")
    assert mastodon.verb("like") == "marcar como favorito" and mastodon.verb("share", undo=True) == "deshacer el impulso"
    assert mastodon.interaction_names() == ("favoritos", "impulsos")
    language("fr")
    assert profile_for("bluesky").interaction_names() == ("J’aime", "republications")
    language("sl")
    assert profile_for("matrix").verb("like") == "odzvati se s 👍"
    assert profile_for("mastodon").word("server_label") == "strežnik"
    assert profile_for("bluesky").word("server_label") == "PDS"  # a name: the same in every language
    assert [profile_for("mastodon").visibility_label(v) for v in ("public", "private", "direct", "x")] == \
        ["javno", "samo sledilci", "zasebna omemba", "x"]


def test_the_account_options_are_named_in_the_language(language):
    from cmtui.accounts_setup import option_word

    roles = ("server", "user", "token_env", "places", "support_places")
    rooms = profile_for("matrix")
    assert [rooms.option_label(r) for r in roles] == [option_word(rooms, r) for r in roles]  # English as it was
    language("fr")
    assert [rooms.option_label(r) for r in roles] == \
        ["serveur d’accueil", "utilisateur", "jeton", "salons", "salons d’assistance"]
    language("es")
    assert profile_for("mastodon").option_label("places") == "lugares"


def test_report_categories_and_account_actions_are_shown_translated(language):
    language("fr")
    shown = [c.shown for c in profile_for("mastodon").account_actions]
    assert shown[-1] == "suspendre — supprimer le compte"
    assert [c.value for c in profile_for("mastodon").account_actions][-1] == "suspend"  # what is sent stays
    language("es")
    assert profile_for("bluesky").report_categories[-1].shown == "otro — explica el motivo en el comentario"


def test_the_profiles_refusals_in_each_language(language):
    mastodon, bluesky = profile_for("mastodon"), profile_for("bluesky")
    text = "x" * 477 + " https://example.org"
    assert mastodon.length_problem(text, {}) == "the text is 501 characters, over the limit of 500 (URLs count as 23)"
    language("es")
    assert mastodon.length_problem(text, {}) == \
        "el texto tiene 501 caracteres, supera el límite de 500 (las URL cuentan como 23)"
    language("fr")
    assert mastodon.length_problem("", {}) == "le texte est vide"
    assert bluesky.length_problem("y" * 301, {}) == \
        "le texte fait 301 caractères, au-delà de la limite de 300 (comptés en graphèmes, comme Bluesky les compte)"
    language("sl")
    with pytest.raises(Exception, match="računi Bluesky iz cmtui ne morejo načrtovati objav"):
        bluesky.require(bluesky.capabilities.__class__.SCHEDULE, "načrtovati objav")
    with pytest.raises(Exception, match="neznana vidnost „secret“ \\(public, unlisted, private, direct\\)"):
        mastodon.check_visibility("secret")


def test_a_count_takes_each_languages_plural_forms(language):
    language("sl")
    said = [AccountResult("ada", new_items=n).summary() for n in (1, 2, 3, 5, 101)]
    assert said == ["ada: 1 novo sporočilo", "ada: 2 novi sporočili", "ada: 3 nova sporočila",
                    "ada: 5 novih sporočil", "ada: 101 novo sporočilo"]
    waiting = AccountResult("ada", offline=True, waiting=2).summary()
    assert waiting == "ada: račun brez povezave (ni povezan), nič ni bilo poslano; čakata 2 operaciji"
    language("fr")
    assert AccountResult("ada", new_items=0, sent=1).summary() == f"ada{NBSP}: 0 nouveau message, 1 envoyée"
    language("es")
    assert AccountResult("ada", new_items=1234, events=2, platform="mastodon").summary() == \
        "ada: 1.234 mensajes nuevos, 2 favoritos/impulsos/seguimientos"
    language("en")
    assert AccountResult("ada", new_items=2, sent=1).summary() == "ada: 2 new items, 1 sent"  # English as it was


def test_the_sync_states_are_words_of_the_language(language):
    language("sl")
    assert [state_word(s) for s in ("idle", "syncing", "offline", "error")] == \
        ["ažurno", "sinhronizacija…", "brez povezave", "napaka"]
    assert state_word("unheard-of") == "unheard-of"


# -- errors from a real server's faults ------------------------------------------------------------
def _engine(sync_env) -> SyncEngine:
    store, settings, credentials = sync_env
    return SyncEngine(store, settings, credentials, timeout=5.0)


def _run(sync_env):
    [result] = asyncio.run(_engine(sync_env).run_once(["ada"]))
    return result


REFUSED = {
    "es": "{host} rechazó el token (401 The access token was revoked)",
    "fr": "{host} a refusé le jeton (401 The access token was revoked)",
    "sl": "strežnik {host} je zavrnil žeton (401 The access token was revoked)",
}
STATE = {"es": "error", "fr": "erreur", "sl": "napaka"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_refused_token_is_said_in_the_language_with_the_servers_words_and_no_token(sync_env, peer, language,
                                                                                    lang):
    store = sync_env[0]
    host = peer.base_url.split("//")[1]
    peer.fault({"type": "status", "status": 401, "body": {"error": "The access token was revoked"}},
               path=VERIFY, methods=["GET"], count=None)
    language(lang)
    result = _run(sync_env)
    assert not result.ok and result.state == "error"  # the stored state stays the code's word
    assert result.error == REFUSED[lang].format(host=host)
    separator = f"{NBSP}: " if lang == "fr" else ": "
    assert result.summary() == separator.join(["ada", STATE[lang], result.error])
    stored = store.accounts.get("ada").last_error
    assert stored == result.error and "ada_token" not in stored and "refused the token" not in stored


MALFORMED = {
    "es": "respuesta mal formada de {host} (GET /api/v1/notifications: no es JSON)",
    "fr": f"réponse mal formée de {{host}} (GET /api/v1/notifications{NBSP}: pas du JSON)",
    "sl": "napačno oblikovan odgovor strežnika {host} (GET /api/v1/notifications: ni JSON)",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_malformed_answer_and_a_refused_reply_are_said_in_the_language(sync_env, peer, language, lang):
    store = sync_env[0]
    host = peer.base_url.split("//")[1]
    assert _run(sync_env).ok  # a cursor first, so the next pull reads notifications
    peer.fault({"type": "malformed"}, path=NOTIFICATIONS, methods=["GET"], count=1)
    language(lang)
    result = _run(sync_env)
    assert not result.ok and result.error == MALFORMED[lang].format(host=host), result.error
    # A reply the server refuses for good: the operation's failure, the server's reason as it said it.
    language("en")
    question = peer.post("grace_token", "@ada is there a dark mode?")
    assert _run(sync_env).ok
    [item_id] = [r[0] for r in store.conn.execute("SELECT id FROM inbox_items WHERE remote_id = ?", (question["id"],))]
    queue_reply(store, item_id, "an answer")
    peer.fault({"type": "status", "status": 422, "body": {"error": "Validation failed: Text is too long"}},
               path=STATUSES, methods=["POST"], count=1)
    language(lang)
    result = _run(sync_env)
    [failed] = result.failed
    refused = {"es": "{host} lo rechazó: 422 Validation failed: Text is too long",
               "fr": f"{{host}} a refusé{NBSP}: 422 Validation failed: Text is too long",
               "sl": "strežnik {host} je zavrnil: 422 Validation failed: Text is too long"}[lang].format(host=host)
    assert failed.endswith(refused) and "ada_token" not in failed, failed
    assert not any(word in failed for word in ("operation ", "refused:")), failed
