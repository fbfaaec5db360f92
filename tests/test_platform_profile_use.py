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
    profile = PlatformProfile(label="Circles", capabilities=Capability.PULL | Capability.PUBLISH | Capability.MUTE,
                              max_chars=300, visibilities=("everyone", "circle"),
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
    monkeypatch.setattr(Circles, "profile", PlatformProfile(label="Flat", capabilities=Capability.PUBLISH))
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


# -- 3. what the platform cannot do is refused, read from the profile (no HTTP client loaded) ----------
def test_what_the_platform_cannot_do_is_refused_with_one_message(circles, monkeypatch):
    from cmtui.compose import queue_reply
    from cmtui.moderation.actions import queue_platform_action

    store = circles
    item = store.inbox.insert(store.accounts.get("ring").id, kind="mention", remote_id="c1", url=None,
                              author="bob", author_name="Bob", text="hello?", language="en",
                              created_at="2026-11-20T10:00:00Z", state="new", visibility="everyone")
    with pytest.raises(InputError, match="^Circles accounts cannot reply from cmtui$"):
        queue_reply(store, item, "thanks")
    assert not store.outbox.for_item(item) and store.inbox.require(item)["state"] == "new"
    queue_platform_action(store, item, "mute")
    narrowed = PlatformProfile(label="Circles", capabilities=Capability.PULL, moderation_actions=("mute",))
    monkeypatch.setattr(Circles, "profile", narrowed)
    with pytest.raises(InputError, match="^Circles accounts cannot mute from cmtui$"):
        queue_platform_action(store, item, "mute")
    with pytest.raises(InputError, match="^Circles accounts cannot publish posts from cmtui$"):
        entry(store)
    assert len(store.outbox.for_item(item)) == 1


def test_capabilities_are_read_without_the_http_client():
    import subprocess
    import sys

    code = ("import sys\nfrom cmtui.sync.connectors import profile_for\nfrom cmtui.sync.connectors.base import Capability\n"
            "assert Capability.REPLY in profile_for('mastodon').capabilities\nassert 'httpx' not in sys.modules\n"
            "from cmtui.sync.connectors.mastodon import MastodonConnector as M\n"
            "assert M.capabilities == M.profile.capabilities and Capability.ADMIN_REPORTS in M.capabilities\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# -- 2. likes and shares are called what the platform calls them -------------------------------------------
def test_the_sync_summary_names_likes_and_shares_as_the_account_s_platform_does(circles):
    from cmtui.sync.engine import AccountResult

    assert AccountResult("main", events=3, platform="mastodon").summary() == (
        "main: 0 new items, 3 favourites/boosts/follows")
    assert AccountResult("ring", events=2, platform="circles").summary() == "ring: 0 new items, 2 hearts/echoes/follows"
    assert AccountResult("x", events=1).summary() == "x: 0 new items, 1 likes/shares/follows"


def test_the_metrics_name_likes_and_shares_for_the_accounts_shown(circles):
    from cmtui.metrics.panel import panel_data
    from cmtui.metrics.vocabulary import interaction_words
    from cmtui.tui.widgets.metric_sections import engagement_text

    store = circles
    assert interaction_words(["mastodon"]) == {"likes": "favourites", "shares": "boosts"}
    assert interaction_words(["circles", "circles"]) == {"likes": "hearts", "shares": "echoes"}
    assert interaction_words(["mastodon", "circles"]) == {"likes": "likes", "shares": "shares"}
    assert panel_data(store, SETTINGS, account="ring", parts=())["words"] == {"likes": "hearts", "shares": "echoes"}
    assert panel_data(store, SETTINGS, account="tidewater", parts=())["words"]["likes"] == "favourites"
    assert panel_data(store, SETTINGS, parts=())["words"] == {"likes": "likes", "shares": "shares"}  # both shown
    data = {"calm": False, "words": {"likes": "hearts", "shares": "echoes"},
            "engagement": {"totals": {"posts": 2, "interactions": 5, "average": 2.5}, "weekly": [], "top": [],
                           "by_language": [], "by_campaign": [], "by_hour": []}}
    assert "(hearts + echoes + replies)" in engagement_text(data, 100).plain
