"""The platforms' words in the interface's language (the inbox's f/b keys and notices, `?`, a
refusal of what a platform cannot do), Textual's own keys in `?`, a flag's reason in the
moderation detail, and --json the same bytes in every language on the demo community."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cli_helpers import run
from cmtui import i18n, l10n
from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.tui.app import CmtuiApp
from cmtui.tui.dialogs.help import describe_bindings
from cmtui.tui.widgets.inbox_list import InboxList
from cmtui.tui.widgets.key_bar import KeyBar
from factory import NOW
from i18n_screen import english_left, screen_lines

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def make_app(store):
    return CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)


def key_bar(app) -> str:
    return str(app.screen.query_one(KeyBar).render())


def notices(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def sky_item(store) -> int:
    sky = store.accounts.add("sky", "bluesky", "https://bsky.social", handle="me.bsky.social")
    return store.inbox.insert(sky.id, kind="mention", remote_id="at://did:plc:bo/app.bsky.feed.post/1",
                              author="bo.bsky.social", text="hola", created_at="2026-11-21T11:59:00Z", state="new")


async def test_the_inbox_key_bar_says_the_platforms_words_in_spanish(store):
    item = sky_item(store)  # the newest: highlighted first
    i18n.set_language("es")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        assert inbox.current_row["id"] == item
        assert "f Me gusta" in key_bar(app) and "Like" not in key_bar(app)
        rows = {binding_id: description for _, description, binding_id in describe_bindings(app.screen)}
        assert rows["inbox.like"] == "Me gusta" and rows["inbox.share"] == "Republicar"
        await pilot.press("j")  # a Mastodon item
        await pilot.pause()
        assert "f Favorito" in key_bar(app) and "Favourite" not in key_bar(app)
        rows = {binding_id: description for _, description, binding_id in describe_bindings(app.screen)}
        assert rows["inbox.share"] == "Impulsar"
        await pilot.press("f")
        await pilot.pause()
        assert "f Quitar de favoritos" in key_bar(app)
        assert "Favorito" in notices(app) and "Favourite" not in notices(app)
        assert "marcado como favorito" in str(app.screen.query_one("#inbox-preview").render())


async def test_the_key_bar_in_english_is_as_before(store):
    sky_item(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        assert "f Like" in key_bar(app)
        await pilot.press("j")
        await pilot.pause()
        assert "f Favourite" in key_bar(app)


async def test_a_platform_that_cannot_share_refuses_in_french(store):
    room = store.accounts.add("chat", "matrix", "https://matrix.example", handle="@me:matrix.example")
    store.inbox.insert(room.id, kind="mention", remote_id="!r:matrix.example/$e1", author="@bo:matrix.example",
                       text="merci", created_at="2026-11-21T11:59:00Z", state="new")
    i18n.set_language("fr")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        assert "f Réagir 👍" in key_bar(app)
        await pilot.press("b")
        await pilot.pause()
        assert "les comptes Matrix ne peuvent pas partager depuis cmtui" in notices(app), notices(app)


def test_require_takes_an_infinitive_in_each_language(store):
    from cmtui.moderation.actions import _cannot_words
    from cmtui.sync.connectors.base import Capability, PlatformProfile

    nothing = PlatformProfile(label="Nada", moderation_actions=("mute",))
    for language, said in (("fr", "les comptes Nada ne peuvent pas mettre en sourdine depuis cmtui"),
                           ("sl", "računi Nada iz cmtui ne morejo utišati"),
                           ("en", "Nada accounts cannot mute from cmtui")):
        i18n.set_language(language)
        with pytest.raises(InputError) as refused:
            nothing.require(Capability.MUTE, _cannot_words("mute"))
        assert str(refused.value) == said


def test_like_words_follow_the_language():
    from cmtui.sync.connectors import profile_for
    from cmtui.triage import likes

    mastodon = profile_for("mastodon")
    assert (likes.verb(mastodon, "share"), likes.past(mastodon, "like")) == ("boost", "favourited")
    i18n.set_language("es")
    assert (likes.verb(mastodon, "share"), likes.past(mastodon, "like")) == ("impulsar", "marcado como favorito")


@pytest.mark.parametrize("language", ["es", "fr", "sl"])
async def test_help_lists_textual_keys_and_the_keymap_column_in_the_language(store, language):
    i18n.set_language(language)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "[keymap]" in text  # the column's header (was taken for markup and vanished)
        assert "Focus Next" not in text and "Copy selected text" not in text
        assert english_left(screen_lines(app), language) == []


async def test_a_flag_reason_from_a_rule_is_shown_in_the_language(store):
    store.moderation.add_flag(2, "rule: spam-links", "spam-links", matched=[], created_at="2026-11-01T00:00:00Z")  # the oldest: first
    i18n.set_language("es")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause(0.3)
        text = "\n".join(screen_lines(app))
        assert "regla: spam-links" in text and "rule: spam-links" not in text


def test_day_month_time():
    moment = datetime(2026, 11, 19, 21, 0)
    assert l10n.day_month_time(moment) == "19 Nov, 21:00"
    assert l10n.day_month_time(moment, this_year=False) == "19/11/2026, 21:00"
    i18n.set_language("sl")
    assert l10n.day_month_time(moment) == "19. nov., 21:00"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    from cmtui.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(Path(path), ZoneInfo("Europe/Madrid"), now=datetime(2026, 12, 3, 12, 0, tzinfo=ZoneInfo("UTC")))
    return str(path)


DEMO_JSON = (
    ("inbox", "list", "--json", "--state", "done"),
    ("calendar", "list", "--json", "--from", "2026-01-01", "--to", "2027-12-31"),
    ("moderation", "list", "--json"),
    ("moderation", "rules", "list", "--json"),
    ("moderation", "rules", "test", "spam-links", "--json"),
    ("metrics", "--json", "--days", "90"),
    ("account", "list", "--json"),
)


@pytest.mark.parametrize("argv", DEMO_JSON, ids=lambda argv: " ".join(argv[:3]))
def test_demo_json_is_the_same_in_every_language(capsys, monkeypatch, demo_db, argv):
    """The demo has conflicts, repeats, rules with dry-runs and every platform: their words stay English."""
    outputs = {}
    for lang, value in {"en": "C.UTF-8", "es": "es_ES.UTF-8", "fr": "fr_FR.UTF-8", "sl": "sl_SI.UTF-8"}.items():
        monkeypatch.setenv("LANG", value)
        code, out, err = run(capsys, "--db", demo_db, *argv)
        assert code == 0 and out.strip(), (lang, err)
        out = re.sub(r'"timings_ms": \{[^}]*\}', "", out)
        out = re.sub(r'"seconds": [\d.]+', "", out)
        outputs[lang] = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "(now)", out)
    assert outputs["es"] == outputs["en"] and outputs["fr"] == outputs["en"] and outputs["sl"] == outputs["en"]
    if argv[:2] == ("calendar", "list"):
        assert '"conflicts": [\n' in outputs["en"] and '"repeat": "every ' in outputs["en"]
