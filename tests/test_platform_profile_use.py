"""The core reads each platform's profile instead of keeping its own copy of a platform's
constants: a made-up platform registered for a test (its own visibilities, scheduling lead,
moderation actions and capabilities) changes what the calendar, the rules, replies and
moderation accept."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.planning import entries as E
from cmtui.planning.exchange import import_entries
from cmtui.store.base import loads
from cmtui.sync import connectors
from cmtui.sync.connectors.base import AccountOption, Capability, PlatformProfile
from test_platform_boundary import FakeConnector  # its stubs of the connector's methods

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
SETTINGS = Settings(timezone="UTC", user="ana")


class Circles(FakeConnector):
    """A made-up platform: posts go to everyone or a circle, the server holds a post only an
    hour ahead, it can mute but not block or report, and it cannot reply."""

    platform = "circles"
    capabilities = Capability.PULL | Capability.PUBLISH | Capability.MUTE
    profile = PlatformProfile(label="Circles", max_chars=300, visibilities=("everyone", "circle"),
                              default_visibility="everyone", moderation_actions=("mute",),
                              server_schedule_lead=timedelta(hours=1), like_name="hearts", share_name="echoes",
                              options=(AccountOption("instance", "server", required=True),
                                       AccountOption("token_env", "token_env", required=True)))


@pytest.fixture
def circles(store, monkeypatch):
    monkeypatch.setitem(connectors.REGISTRY, "circles", Circles)
    store.accounts.add("ring", "circles", "https://circles.example")
    return store


def entry(store, **kw):
    fields = dict(text="Hello", account="ring", who="ana", now=NOW) | kw
    return store.entries.require(E.create_entry(store, SETTINGS, **fields))


# -- 1. visibilities, length and the scheduling lead come from the account's platform -----------------
def test_an_entry_takes_the_visibilities_of_its_account_s_platform(circles):
    store = circles
    assert entry(store)["visibility"] == "everyone"  # the platform's default
    assert entry(store, visibility="circle")["visibility"] == "circle"
    with pytest.raises(InputError, match=r"unknown visibility 'unlisted' \(everyone, circle\)"):
        entry(store, visibility="unlisted")
    assert entry(store, account="tidewater")["visibility"] == "public"
    with pytest.raises(InputError, match=r"unknown visibility 'circle' \(public, unlisted, private, direct\)"):
        entry(store, account="tidewater", visibility="circle")
    both = entry(store, account="tidewater", visibility="unlisted", variants={"ring": "Hi"}, status="scheduled",
                 when=NOW + timedelta(days=1))
    sent = {op["account_id"]: loads(op["payload"], {})["visibility"] for op in store.outbox.for_entry(both["id"])}
    assert sorted(sent.values()) == ["everyone", "unlisted"]  # a variant's platform without it: its default


def test_an_entry_without_an_account_is_checked_when_the_account_is_set(circles):
    """An idea has no platform yet: any platform's visibility and any length; both are
    checked when it is given an account, and a refused change changes nothing."""
    store = circles
    idea = entry(store, account=None, status="idea", visibility="circle", text="x" * 600)
    with pytest.raises(InputError, match="unknown visibility 'everywhere'"):
        entry(store, account=None, status="idea", visibility="everywhere")
    with pytest.raises(InputError, match=r"too long: 600 characters, over the limit of 300"):
        E.update_entry(store, SETTINGS, idea["id"], account="ring", who="ana", now=NOW)
    E.update_entry(store, SETTINGS, idea["id"], text="short", who="ana", now=NOW)
    with pytest.raises(InputError, match=r"unknown visibility 'circle' \(public, unlisted, private, direct\)"):
        E.update_entry(store, SETTINGS, idea["id"], account="tidewater", who="ana", now=NOW)
    assert store.entries.require(idea["id"])["account_id"] is None
    E.update_entry(store, SETTINGS, idea["id"], account="ring", who="ana", now=NOW)
    assert store.entries.require(idea["id"])["visibility"] == "circle"


def test_a_scheduled_post_carries_its_platform_s_visibility_and_lead(circles):
    from cmtui.planning.publishing import _held

    store = circles
    row = entry(store, status="scheduled", when=NOW + timedelta(days=1), visibility="circle")
    [op] = store.outbox.for_entry(row["id"])
    assert loads(op["payload"], {})["visibility"] == "circle"
    lead = connectors.profile_for("circles")
    assert not _held(lead, timedelta(minutes=30)) and _held(lead, timedelta(hours=1))
    assert _held(connectors.profile_for("mastodon"), timedelta(minutes=5))
    assert not _held(PlatformProfile(label="none"), timedelta(days=1))  # no server scheduling


def test_a_platform_without_visibilities_is_sent_none(circles, monkeypatch):
    monkeypatch.setattr(Circles, "profile", PlatformProfile(label="Flat"))
    store = circles
    row = entry(store, status="scheduled", when=NOW + timedelta(days=1))
    [op] = store.outbox.for_entry(row["id"])
    assert "visibility" not in loads(op["payload"], {})


def test_an_import_checks_each_record_against_its_account_s_platform(circles, tmp_path):
    store = circles
    path = tmp_path / "in.csv"
    path.write_text("account,status,scheduled_at,text,visibility\n"
                    "ring,draft,2026-12-01T09:00:00Z,hi,unlisted\n"
                    "ring,draft,2026-12-01T09:00:00Z," + "y" * 301 + ",circle\n"
                    ",idea,,hi,circle\n", "utf-8")
    with pytest.raises(InputError) as exc:
        import_entries(store, path, timezone.utc, who="ana")
    said = str(exc.value)
    assert "line 2: unknown visibility 'unlisted' (everyone, circle)" in said
    assert "line 3: the text is 301 characters, over the limit of 300" in said
    assert "line 4" not in said


def test_an_automatic_rule_leaves_what_the_platform_lacks_to_a_moderator(circles):
    from cmtui.moderation.engine import dry_run, save_rule
    from cmtui.sync.connectors.base import Person, RemoteItem
    from cmtui.sync.ingest import Ingest

    store = circles
    for action in ("block", "mute"):
        rule = {"name": f"auto-{action}", "automatic": True,
                "conditions": [{"type": "keywords", "words": [f"{action}me"]}], "actions": [{"type": action}]}
        dry_run(store, rule)
        save_rule(store, {**rule, "enabled": True})
    ring = store.accounts.get("ring").id
    items = [RemoteItem(remote_id=str(n), kind="mention", author=Person(acct="spam@bad.example"), text=text,
                        created_at="2026-11-20T12:00:00Z") for n, text in enumerate(["blockme", "muteme"])]
    Ingest(store).items(ring, "circles", items)  # no exception: the page is stored
    kinds = [r[0] for r in store.conn.execute("SELECT kind FROM outbox WHERE account_id = ?", (ring,))]
    assert kinds == ["mute"]
    reasons = [r[0] for r in store.conn.execute("SELECT reason FROM moderation_flags")]
    assert "needs confirmation: block" in reasons
