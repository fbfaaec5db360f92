"""The platform boundary: everything one platform means lives in its connector package and
reaches the rest of cmtui as a typed profile. A second, made-up platform registered for a
test changes what the core accepts, which proves the core reads the profile."""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import cmtui
from cmtui import sync as sync_package
from cmtui.compose import queue_reply
from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.store.base import loads
from cmtui.sync import connectors
from cmtui.sync.connectors.base import AccountOption, AccountRef, Capability, Connector, PlatformProfile
from cmtui.sync.connectors.mastodon import PROFILE, MastodonConnector
from cmtui.sync.outbox_ops import _post_request, execute

PACKAGE = Path(cmtui.__file__).parent
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
ALLOWED = {
    "sync/connectors/__init__.py",  # the registry entry
}


@pytest.mark.parametrize("platform", list(connectors.REGISTRY))
def test_only_the_registry_names_a_platform_outside_its_package(platform):
    found = {}
    for path in PACKAGE.rglob("*"):
        if path.suffix not in (".py", ".tcss", ".toml", ".txt", ".md") or not path.is_file():
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(f"sync/connectors/{platform}/"):
            continue
        lines = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if platform in line.lower()]
        if lines:
            found[relative] = lines
    assert set(found) <= ALLOWED, {k: v for k, v in found.items() if k not in ALLOWED}
    registry = (PACKAGE / "sync/connectors/__init__.py").read_text("utf-8").splitlines()
    assert [registry[n - 1].strip() for n in found["sync/connectors/__init__.py"]] == [
        f'"{platform}": "cmtui.sync.connectors.{platform}:{connectors.REGISTRY[platform].rpartition(":")[2]}",']


# -- the Mastodon profile --------------------------------------------------------------------------
def test_mastodon_counts_urls_at_their_weight_and_remote_mentions_as_the_user():
    text = "hi @ana@fedi.example see https://example.com/" + "a" * 60
    assert PROFILE.text_length(text, {}) == len("hi @ana see ") + 23
    assert PROFILE.text_length(text, {"url_weight": 30}) == len("hi @ana see ") + 30
    assert PROFILE.limit({}) == 500 and PROFILE.limit({"max_chars": 1000}) == 1000
    assert PROFILE.length_problem("x" * 501, {}) == (
        "the text is 501 characters, over the limit of 500 (URLs count as 23)")


def test_mastodon_schedules_on_the_server_at_least_five_minutes_ahead():
    assert PROFILE.server_schedule_lead == timedelta(minutes=5)
    assert Capability.SCHEDULE in MastodonConnector.capabilities and MastodonConnector.profile is PROFILE
    op = {"idempotency_key": "k"}
    assert _post_request(MastodonConnector, op, {"text": "x", "scheduled_at": "2026-11-21T12:04:59Z"}, NOW
                         ).scheduled_at is None
    assert _post_request(MastodonConnector, op, {"text": "x", "scheduled_at": "2026-11-21T12:05:00Z"}, NOW
                         ).scheduled_at == "2026-11-21T12:05:00Z"


def test_a_longer_lead_or_no_server_scheduling_publishes_a_near_post_at_once():
    class Slow(MastodonConnector):
        profile = PlatformProfile(label="Slow", server_schedule_lead=timedelta(hours=1))

    class Unscheduled(MastodonConnector):
        capabilities = MastodonConnector.capabilities & ~Capability.SCHEDULE

    payload = {"text": "x", "scheduled_at": "2026-11-21T12:30:00Z"}
    assert _post_request(Slow, {"idempotency_key": "k"}, payload, NOW).scheduled_at is None
    assert _post_request(Unscheduled, {"idempotency_key": "k"}, payload, NOW).scheduled_at is None


ITEM = {"author": "ana@fedi.example", "remote_id": "777", "visibility": "direct", "language": "sl"}


def test_mastodon_builds_the_reply_payload_offline():
    assert PROFILE.reply_payload(ITEM, " thanks ", {}) == {
        "text": "@ana@fedi.example thanks", "in_reply_to_id": "777", "visibility": "direct", "language": "sl"}
    public = PROFILE.reply_payload(ITEM | {"visibility": None}, "@ana thanks", {}, visibility=None, language="en",
                                   content_warning="spoilers")
    assert public == {"text": "@ana thanks", "in_reply_to_id": "777", "visibility": "public", "language": "en",
                      "spoiler_text": "spoilers"}
    with pytest.raises(InputError, match=r"unknown visibility 'friends' \(public, unlisted, private, direct\)"):
        PROFILE.reply_payload(ITEM, "thanks", {}, visibility="friends")
    with pytest.raises(InputError, match="reply not queued: the text is 501 characters"):  # the mention counts as @ana
        PROFILE.reply_payload(ITEM, "x" * 496, {})


def test_mastodon_declares_what_account_add_needs():
    assert PROFILE.options == (AccountOption("instance", "server", required=True),
                               AccountOption("token_env", "token_env"))
    assert (PROFILE.like_name, PROFILE.share_name) == ("favourites", "boosts")
    assert [c.value for c in PROFILE.report_categories] == ["spam", "legal", "violation", "other"]
    assert PROFILE.default_report_category == "other"
    assert [c.value for c in PROFILE.account_actions] == ["none", "sensitive", "disable", "silence", "suspend"]
    assert MastodonConnector.normalize_server("social.example/") == "https://social.example"
    assert MastodonConnector.not_this_platform("https://x.example", "no account API") == (
        "https://x.example does not look like a Mastodon server (no account API)")


def test_the_profile_is_read_without_loading_the_http_client():
    code = ("import sys\nfrom cmtui.sync.connectors import profile_for\n"
            "assert profile_for('mastodon').label == 'Mastodon'\nassert 'httpx' not in sys.modules, 'httpx'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


async def test_lookup_is_typed_and_the_outbox_takes_its_id():
    class Found(MastodonConnector):
        muted: list[str] = []

        def __init__(self):
            pass

        async def lookup(self, handle: str) -> AccountRef:
            return AccountRef(remote_id="42", handle=handle)

        async def mute(self, account_remote_id: str) -> None:
            self.muted.append(account_remote_id)

    connector = Found()
    op = {"id": 1, "kind": "mute", "payload": '{"acct": "ana@fedi.example"}', "entry_id": None}
    assert await execute(connector, op, None, NOW) == {"account_remote_id": "42"}
    assert connector.muted == ["42"]


# -- a second platform -----------------------------------------------------------------------------------
class FakeConnector(Connector):
    """A made-up platform: no visibilities, 300 characters, replies address nobody, no
    content warnings, mute only; a user and an app password to add an account."""

    platform = "fakenet"
    profile = PlatformProfile(label="Fakenet", capabilities=Capability.PULL | Capability.PUBLISH | Capability.REPLY
                              | Capability.MUTE, max_chars=300, moderation_actions=("mute",),
                              options=(AccountOption("instance", "server", required=True),
                                       AccountOption("token_env", "token_env")))

    async def verify(self): ...
    async def limits(self): ...
    def pull(self, cursor, since): ...
    async def thread(self, remote_id): ...
    async def publish(self, post): ...
    async def own_posts(self, account_remote_id, since): ...


@pytest.fixture
def fakenet(store, monkeypatch):
    """The test community plus an account on the made-up platform with one mention."""
    monkeypatch.setitem(connectors.REGISTRY, "fakenet", FakeConnector)
    account = store.accounts.add("fake", "fakenet", "https://fake.example")
    item = store.inbox.insert(account.id, kind="mention", remote_id="f1", url="https://fake.example/f1",
                              author="bob", author_name="Bob", text="hello?", language="en",
                              created_at="2026-11-20T10:00:00Z", state="new", visibility="public")
    return store, item


def test_a_second_platform_s_profile_decides_what_a_reply_may_be(fakenet, store):
    store, item = fakenet
    assert connectors.profile_for("fakenet") is FakeConnector.profile
    mastodon_item = 1  # the factory's: Mastodon takes 400 characters with a mention, and a visibility
    queue_reply(store, mastodon_item, "x" * 400, visibility="unlisted", content_warning="cw")
    with pytest.raises(InputError, match="the text is 400 characters, over the limit of 300"):
        queue_reply(store, item, "x" * 400)
    with pytest.raises(InputError, match="Fakenet posts have no visibility to choose"):
        queue_reply(store, item, "thanks", visibility="public")
    with pytest.raises(InputError, match="Fakenet replies cannot carry a content warning"):
        queue_reply(store, item, "thanks", content_warning="cw")
    assert not store.outbox.for_item(item)  # bad input changed nothing
    op = queue_reply(store, item, " " + "x" * 300)
    payload = loads(store.outbox.get(op)["payload"], {})
    assert payload == {"text": "x" * 300, "in_reply_to_id": "f1", "language": "en"}  # nobody addressed, no visibility


def test_a_second_platform_s_moderation_actions_are_its_own(fakenet, store):
    from cmtui.moderation.actions import queue_platform_action

    store, item = fakenet
    with pytest.raises(InputError, match="Fakenet has no block"):
        queue_platform_action(store, item, "block")
    with pytest.raises(InputError, match="unknown report category 'spam'"):
        queue_platform_action(store, item, "mute", category="spam")
    assert queue_platform_action(store, item, "mute").outbox_id is not None


def test_account_add_asks_the_connector_for_the_server_and_the_sign_in(fakenet, store, monkeypatch):
    from cmtui.commands.accounts import account_add

    store, _ = fakenet
    args = argparse.Namespace(platform="fakenet", name="fake2", instance="https://fake.example/", token_env=None)
    with pytest.raises(InputError, match="Fakenet has no sign-in flow here: give a token variable"):
        account_add(store, Settings(), None, args)
    monkeypatch.setattr(FakeConnector, "normalize_server", classmethod(lambda cls, url: 1 / 0))
    with pytest.raises(ZeroDivisionError):  # the connector's own normalisation is the one used
        account_add(store, Settings(), None, args)
    assert [a.name for a in store.accounts.list()] == ["fake", "tidewater", "tidewater_es"]


def test_the_sync_package_never_names_a_platform_constant():
    """The outbox code reads the profile: no visibility, category or lead of one platform."""
    source = (Path(sync_package.__file__).parent / "outbox_ops.py").read_text("utf-8")
    for word in ("unlisted", "SERVER_SCHEDULE_MIN", '"other"', '"public"', "type: ignore"):
        assert word not in source


async def test_the_reply_pane_follows_the_item_s_platform(fakenet):
    from textual.widgets import Select

    from cmtui.tui.app import CmtuiApp
    from factory import NOW as FACTORY_NOW

    store, item = fakenet
    store.conn.execute("UPDATE inbox_items SET created_at = ? WHERE id = ?", ("2026-11-20T11:59:00Z", item))
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: FACTORY_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.composer.item["id"] == item
        assert not app.screen.query("#composer-visibility")  # the platform has none
        assert app.screen.query_one("#composer-language", Select).value == "en"
        await pilot.press(*"thanks")
        await pilot.pause()
        status = str(app.screen.query_one("#composer-status").render())
        assert status.startswith("6 / 300   ")  # nobody to mention, its own limit
        await pilot.press("ctrl+s")
        await pilot.pause()
        [op] = store.outbox.for_item(item)
        assert loads(op["payload"], {})["text"] == "thanks"
