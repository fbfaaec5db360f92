"""Hostile remote text: cleaned once at ingest, shown literally on every screen.

One module-scoped community is synced from mastodon_mock (on loopback) with a status per
class of hostile text, a hostile display name, instance rules, an admin report, a thread
and server error messages; the ingest tests read what was stored, the screen tests render
it with Pilot and read the exported screen.
"""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import httpx
import pytest

from cmtui.config import Credentials, Settings
from cmtui.compose import queue_reply
from cmtui.store import InboxFilter, Store
from cmtui.sync.connectors.mastodon import MastodonConnector
from cmtui.sync.engine import SyncEngine
from cmtui.text import MAX_TEXT
from tui_helpers import RecordingApp, wait_for

MARKUP = "[@click=app.quit]x[/] [link=https://evil.example]y[/link] [bold red]z"
# What must never reach the stored text or the screen: ESC and the other C0/C1 controls
# (newline aside), bidi controls, zero-width characters (ZWJ inside emoji aside), surrogates.
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069"
                       "\u061c\ufeff\u2028\u2029\ud800-\udfff]")
HOSTILE_NAME = "Gr\x1b[31mace\x1b]0;pwned\x07 [@click=app.quit]q[/] \u202eeman\u202c"
CASES = {  # class -> text posted by grace (after "@ada <class>: "), and what is stored
    "markup": (MARKUP, MARKUP),
    "csi": ("a\x1b[2J\x1b[31mred\x1b[0m b \x1b[?1049h", "ared b "),
    "osc": ("t\x1b]0;pwned\x07 l\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ d\x1bPq#0\x1b\\ c\x9b2Jz",
            "t llink d cz"),
    "controls": ("a\x00b\x07c\x08d\x7fe\x85f\x9dg\x0bh\x0ci\u2028j", "abcdefghi\nj"),
    "bidi": ("\u202eevil\u202c \u2066x\u2069 \u200el\u200fr\u061cm \u202a\u202b\u202d", "evil x lrm "),
    "zero_width": ("ze\u200bro\u2060wi\ufeffdth ad\u200dmin 👩\u200d💻", "zerowidth admin 👩\u200d💻"),
    "combining": ("Z" + "\u0301" * 400 + " ok", None),  # checked in its test: the mock composes Ź
}


def _prefix(name: str) -> str:
    return f"@ada {name}: "


class Damaging(httpx.AsyncBaseTransport):
    """Forwards to the peer and damages the notifications body's encoding on the way back.
    No peer can serve this: mastodon_mock writes its JSON with Starlette, which encodes valid
    UTF-8 and cannot hold a lone surrogate, so the damage is done here, in the bytes."""

    def __init__(self):
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request):
        response = await self.inner.handle_async_request(request)
        if request.url.path != "/api/v1/notifications":
            return response
        body = (await response.aread()).replace(b"BADBYTES", b"caf\xe9 \xff\xfe").replace(
            b"LONESURROGATE", b"x\\ud800y\\udfffz")
        return httpx.Response(response.status_code, headers={"content-type": "application/json"}, content=body)

    async def aclose(self):
        await self.inner.aclose()


def _notification(n: int, text: str) -> dict:
    account = {"id": "990", "acct": "mallory@evil.example", "display_name": "Mallory",
               "created_at": "2020-01-01T00:00:00Z"}
    status = {"id": str(9_000_000_000_000 + n), "created_at": "2030-01-01T00:00:00Z", "content": text,
              "visibility": "public", "account": account, "url": f"https://evil.example/{n}"}
    return {"id": str(9_000_000_000_000 + n), "type": "mention", "created_at": "2030-01-01T00:00:00Z",
            "account": account, "status": status}


@pytest.fixture(scope="module")
def community(tmp_path_factory, peer_server):
    """A store synced from the peer with every class of hostile text: (store, settings, peer)."""
    peer = peer_server
    peer.reset()
    tmp = tmp_path_factory.mktemp("hostile")
    store = Store.open(tmp / "hostile.db")
    credentials = Credentials(tmp / "config")
    credentials.set("ada", "ada_token")
    me = peer.me("ada_token")
    store.accounts.add("ada", "mastodon", peer.base_url, remote_account_id=me["id"])
    settings = Settings(timezone="UTC", backfill_days=30, sync_interval_seconds=3600)
    auth = {"Authorization": "Bearer grace_token"}
    peer.http.patch("/api/v1/accounts/update_credentials", headers=auth,
                    data={"display_name": HOSTILE_NAME}).raise_for_status()
    posted = {name: peer.post("grace_token", _prefix(name) + raw) for name, (raw, _) in CASES.items()}
    root = peer.post("ada_token", "Release notes")
    peer.post("grace_token", "@ada thread: \x1b[31m[bold]reply[/bold]\u202e", in_reply_to_id=root["id"])
    peer.http.post("/api/v1/reports", headers={"Authorization": "Bearer alan_token"}, json={
        "account_id": peer.me("grace_token")["id"], "status_ids": [posted["markup"]["id"]], "category": "spam",
        "comment": "report \x1b]0;pwned\x07[@click=app.quit]r[/] \u202eevil"}).raise_for_status()
    instance = peer.get("/api/v2/instance") | {"rules": [
        {"id": "1", "text": "Be \x1b[5mnice\x1b[0m [@click=app.quit]n[/]", "hint": "\u202ehint\x00"}]}
    peer.fault({"type": "status", "status": 200, "body": instance}, path="/api/v2/instance", methods=["GET"])
    engine = SyncEngine(store, settings, credentials, timeout=10.0)
    [first] = asyncio.run(engine.run_once())
    assert first.ok, first.error
    # A server error message the user is shown: a refused reply.
    item = store.inbox.page(InboxFilter(search="markup"), 0, 1)[0]
    queue_reply(store, item["id"], "thanks")
    peer.fault({"type": "status", "status": 422, "body": {
        "error": "Validation failed: \x1b]8;;http://evil.example\x1b\\[@click=app.quit]e[/]\x1b]8;;\x1b\\\x9b2J"}},
        path="/api/v1/statuses", methods=["POST"])
    asyncio.run(engine.run_once())
    thread_item = store.inbox.page(InboxFilter(search="thread"), 0, 1)[0]
    asyncio.run(engine.fetch_thread(thread_item["id"]))
    # Invalid encodings: through the damaging transport.
    peer.post("grace_token", "@ada encoding: BADBYTES LONESURROGATE")
    damaged = SyncEngine(store, settings, credentials, timeout=10.0, connector_factory=lambda platform, instance,
                         token, **kw: MastodonConnector(instance, token, transport=Damaging(), **kw))
    [third] = asyncio.run(damaged.run_once())
    assert third.ok, third.error
    # Megabytes: a page served as the peer's notifications (its 500-character limit stops a post).
    huge = [_notification(1, "long: " + "x" * 1_000_000), _notification(2, "many: " + "word " * 800_000)]
    peer.fault({"type": "status", "status": 200, "body": huge}, path="/api/v1/notifications", methods=["GET"])
    [fourth] = asyncio.run(engine.run_once())
    assert fourth.ok, fourth.error
    # The account's own error: the server's message, as the status line shows it.
    peer.fault({"type": "status", "status": 503, "body": {"error": "down \x1b[2J\x1b]0;t\x07[@click=app.quit]s[/]"}},
               path="/api/v1/accounts/verify_credentials", methods=["GET"])
    [fifth] = asyncio.run(engine.run_once())
    assert not fifth.ok
    peer.clear_faults()
    yield store, settings, peer
    store.close()


def stored(store, name: str) -> str:
    rows = store.conn.execute("SELECT text FROM inbox_items WHERE text LIKE ?", (f"@ada {name}:%",)).fetchall()
    assert len(rows) == 1, name
    return rows[0][0]


# -- at the ingest ------------------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n, (_, want) in CASES.items() if want is not None])
def test_each_class_is_cleaned_at_ingest(community, name):
    text = stored(community[0], name)
    assert text == _prefix(name) + CASES[name][1]
    assert not FORBIDDEN.search(text)


def test_combining_floods_are_capped(community):
    word = stored(community[0], "combining")[len(_prefix("combining")):].split()[0]
    assert word.startswith(("Z", "Ź")) and 1 < len(word) <= 3 and set(word[1:]) == {"\u0301"}


def test_very_long_lines_and_texts_are_cut_with_a_marker(community):
    store = community[0]
    for prefix in ("long:", "many:"):
        text = store.conn.execute("SELECT text FROM inbox_items WHERE text LIKE ?", (prefix + "%",)).fetchone()[0]
        assert len(text) == MAX_TEXT and text.endswith("…")


def test_bytes_that_are_not_utf8_and_lone_surrogates_are_replaced_not_fatal(community):
    text = stored(community[0], "encoding")
    assert text == "@ada encoding: caf\ufffd \ufffd\ufffd xyz"
    assert not FORBIDDEN.search(text)


def test_display_names_and_handles_are_cleaned(community):
    store = community[0]
    names = {r[0] for r in store.conn.execute("SELECT author_name FROM inbox_items WHERE author LIKE 'grace@%'")}
    names |= {r[0] for r in store.conn.execute("SELECT display_name FROM people WHERE acct LIKE 'grace@%'")}
    assert names == {"Grace [@click=app.quit]q[/] eman"}


def test_thread_posts_are_cleaned(community):
    texts = [r[0] for r in community[0].conn.execute("SELECT text FROM thread_posts")]
    assert "@ada thread: [bold]reply[/bold]" in texts and not any(FORBIDDEN.search(t) for t in texts)


def test_instance_rules_are_cleaned(community):
    [rule] = community[0].accounts.get("ada").limits["rules"]
    assert rule["text"] == "Be nice [@click=app.quit]n[/]" and rule["hint"] == "hint"


def test_admin_report_comments_are_cleaned(community):
    store = community[0]
    [report] = store.reports.open()
    assert report["comment"] == "report [@click=app.quit]r[/] evil"
    reason = store.conn.execute("SELECT reason FROM moderation_flags WHERE report_id = ?", (report["id"],)).fetchone()
    assert not FORBIDDEN.search(reason[0])


def test_server_error_messages_are_cleaned(community):
    store = community[0]
    [op] = store.outbox.list(("failed",))
    assert op["last_error"].endswith("Validation failed: [@click=app.quit]e[/]")
    error = store.accounts.get("ada").last_error
    assert "down [@click=app.quit]s[/]" in error and not FORBIDDEN.search(error + op["last_error"])


# -- at the screen --------------------------------------------------------------------------
def screen_text(app) -> str:
    """The characters of the exported screen, and a check that nothing forbidden reached it."""
    svg = app.export_screenshot()
    assert not FORBIDDEN.search(svg), f"reached the screen: {FORBIDDEN.search(svg).group()!r}"
    return html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))).replace("\xa0", " ")


async def _still_running(app, pilot) -> None:
    await pilot.pause()
    assert app.is_running and app.return_code is None  # no [@click=app.quit] fired


@pytest.fixture
def app(community):
    store, settings, _ = community
    return RecordingApp(store, settings)


def _item(store, name: str) -> int:
    return store.conn.execute("SELECT id FROM inbox_items WHERE text LIKE ?", (f"@ada {name}:%",)).fetchone()[0]


async def test_inbox_list_and_preview_show_markup_literally(app, community):
    async with app.run_test(size=(180, 50)) as pilot:
        app.screen.query_one("#inbox-list").select_item(_item(community[0], "markup"))
        await pilot.pause()
        shown = screen_text(app)
        assert "[@click=app.quit]x[/]" in shown and "[link=https://evil.example]y[/link]" in shown
        assert "Grace [@click=app.quit]q[/] eman" in shown  # the author, in the list
        await _still_running(app, pilot)


async def test_thread_pane_shows_posts_literally(app, community):
    async with app.run_test(size=(180, 50)) as pilot:
        app.screen.query_one("#inbox-list").select_item(_item(community[0], "thread"))
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: "[bold]reply[/bold]" in str(app.screen.query_one("#thread-text").render()))
        assert "[bold]reply[/bold]" in screen_text(app)
        await _still_running(app, pilot)


async def test_reply_composer_quotes_names_and_errors_literally(app, community):
    async with app.run_test(size=(180, 50)) as pilot:
        app.screen.query_one("#inbox-list").select_item(_item(community[0], "markup"))
        await pilot.press("r")
        assert await wait_for(pilot, lambda: bool(app.screen.query("#composer-title")))
        shown = screen_text(app)
        assert "Reply to Grace [@click=app.quit]q[/] eman" in shown
        assert "[@click=app.quit]e[/]" in shown  # the refused reply's server message
        await pilot.press("escape")
        await _still_running(app, pilot)


async def test_moderation_queue_and_detail_show_the_report_literally(app):
    async with app.run_test(size=(180, 50)) as pilot:
        await pilot.press("3")
        assert await wait_for(pilot, lambda: app.screen.query_one("#queue").row_count >= 1)
        await pilot.pause()
        shown = screen_text(app)
        assert "[@click=app.quit]r[/]" in shown
        assert "[@click=app.quit]r[/]" in str(app.screen.query_one("#flag-detail").render())
        await _still_running(app, pilot)


async def test_member_page_shows_the_name_literally(app, community):
    from cmtui.tui.screens.members import MemberScreen

    acct = community[0].conn.execute("SELECT acct FROM people WHERE acct LIKE 'grace@%'").fetchone()[0]
    async with app.run_test(size=(180, 50)) as pilot:
        await app.push_screen(MemberScreen(acct))
        await pilot.pause()
        shown = screen_text(app)
        assert "Grace [@click=app.quit]q[/] eman" in shown and "[@click=app.quit]x[/]" in shown
        await _still_running(app, pilot)


async def test_status_line_and_toast_show_server_messages_literally(community):
    store, settings, peer = community
    engine = SyncEngine(store, settings, Credentials(_config_dir(store)), timeout=10.0)
    peer.fault({"type": "status", "status": 500, "body": {"error": "oops \x1b[2J\x9b1m[@click=app.quit]t[/]\u202e"}},
               path="/api/v1/accounts/verify_credentials", methods=["GET"], count=None)
    app = RecordingApp(store, settings, engine=engine)
    try:
        async with app.run_test(size=(180, 50), notifications=True) as pilot:  # toasts drawn
            assert await wait_for(pilot, lambda: any("oops" in n["message"] for n in app.notes))
            assert await wait_for(pilot, lambda: "oops" in screen_text(app))  # the toast is on screen
            assert "[@click=app.quit]t[/]" in screen_text(app)  # the toast wraps its lines at spaces
            await _still_running(app, pilot)
    finally:
        peer.clear_faults()


def _config_dir(store):
    return Path(store.conn.execute("PRAGMA database_list").fetchone()[2]).parent / "config"


async def test_metrics_top_lists_show_remote_names_and_texts_literally(tmp_path):
    """The Metrics mode's members list (remote handles) and top posts: literal, inert."""
    from datetime import timedelta

    from cmtui.model import iso, utcnow
    from cmtui.text import sanitize

    store = Store.open(tmp_path / "metrics.db")
    account = store.accounts.add("main", "mastodon", "https://a.example")
    hostile = sanitize("[@click=app.quit]m[/]\x1b]8;;https://evil.example\x1b\\@evil.example")
    for n in range(3):
        store.inbox.insert(account.id, kind="mention", remote_id=f"h{n}", author=hostile, text=sanitize(MARKUP),
                           created_at=iso(utcnow() - timedelta(hours=n + 1)))
    store.metrics.upsert_post_stats(account.id, "p1", iso(utcnow() - timedelta(days=1)), 5, 2, 1)
    store.conn.execute("UPDATE post_stats SET campaign = ? WHERE remote_id = 'p1'", (sanitize(MARKUP),))
    app = RecordingApp(store, Settings(timezone="UTC"))
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: app.screen.members is not None)
        await pilot.pause()
        shown = screen_text(app)
        assert "[@click=app.quit]m[/]@evil.example" in shown  # the handle, in the members list
        assert "[link=https://evil.example]y[/link]" in shown  # the campaign label, as typed
        assert 'href="https://evil' not in app.export_screenshot()  # no link was made of either
        await _still_running(app, pilot)
    store.close()
