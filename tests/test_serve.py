"""`cmtui serve`: the app in a browser for approvers. A real server (a subprocess on loopback)
with its guards checked over HTTP, and Debian's Chromium (Playwright) approving a post that
is then in the database, recorded for the serving person, and shown approved by a TUI."""

from __future__ import annotations

import base64
import os
import socket
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, Served, need_chromium, open_page, wait_for_text
from cli_helpers import run
from cmtui.config import Settings, load_settings
from cmtui.serve import is_loopback, same_origin
from cmtui.store import Store

pytestmark = pytest.mark.xdist_group("serve")  # one worker: the module's server is started once

SETTINGS = 'timezone = "UTC"\nuser = "ana"\nteammates = ["luka"]\napprovers = ["ana"]\n'
PASSWORD = "correct horse battery staple"


def server_env(home: Path, settings: str = SETTINGS, **extra: str) -> dict[str, str]:
    """The serving person's environment: their own settings, nothing of the developer's."""
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMTUI_")}
    return env | {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "CMTUI_CONFIG_DIR": str(config),
                  "TZ": "UTC", "LANG": "C.UTF-8", **extra}


def community(path: Path) -> tuple[int, datetime]:
    """One account and one post waiting for approval (written by luka) later today (UTC):
    its id and time."""
    from cmtui.planning import entries

    store = Store.open(path)
    try:
        store.accounts.add("tidewater", "mastodon", "https://social.tidewater.example",
                           handle="tidewater@social.tidewater.example", display_name="Tidewater Notes")
        settings = Settings(timezone="UTC", user="luka", approvers=["ana"], approval_required=True)
        now = datetime.now(timezone.utc)
        when = now + timedelta(minutes=30)
        entry_id = entries.create_entry(store, settings, text="Our winter release is out: offline notes",
                                        account="tidewater", when=when, status="draft", who="luka")
        entries.submit_for_approval(store, settings, entry_id, who="luka")
    finally:
        store.close()
    return entry_id, when


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`cmtui serve` on loopback, no password, serving ana's settings, for the whole module."""
    home = tmp_path_factory.mktemp("serve")
    db = home / "team.db"
    entry_id, when = community(db)
    server = Served(db, env=server_env(home))
    server.db, server.entry_id, server.when = db, entry_id, when
    yield server
    out, err = server.stop()
    assert server.process.returncode == 0 and "Traceback" not in out + err, (out, err)


def origin(url: str) -> str:
    return url.rstrip("/")


def basic(password: str, user: str = "anyone") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def handshake(url: str, headers: dict[str, str]) -> int:
    """The status of a websocket upgrade to url's /ws (101: accepted), closed at once."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url.replace("http", "ws") + "ws?width=80&height=24", headers=headers):
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


# -- refusals before anything starts -----------------------------------------------------------
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "team.example.org"])
def test_off_loopback_without_a_password_is_refused(db, capsys, host):
    code, out, err = run(capsys, "serve", "--db", db, "--host", host)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"serve --host {host}:" in err and "--password-env" in err


def test_a_password_variable_that_is_empty_or_unset_is_refused(db, capsys, monkeypatch):
    monkeypatch.setenv("EMPTY_PASSWORD", "")
    for variable in ("EMPTY_PASSWORD", "NO_SUCH_PASSWORD"):
        code, out, err = run(capsys, "serve", "--db", db, "--host", "0.0.0.0", "--password-env", variable)
        assert code == 2 and out == "" and err == (f"cmtui: --password-env {variable}: that environment variable"
                                                   " is empty or not set\n")


def test_as_a_teammate_needs_act_for_others(db, capsys):
    code, out, err = run(capsys, "serve", "--db", db, "--as", "luka")
    assert code == 2 and "act_for_others" in err and err.count("\n") == 1


def test_a_port_out_of_range_is_refused(db, capsys):
    code, _, err = run(capsys, "serve", "--db", db, "--port", "70000")
    assert code == 2 and "--port 70000" in err


def test_a_port_in_use_is_one_line_and_exit_1(db, tmp_path):
    import subprocess

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "cmtui", "serve", "--db", db, "--port", str(port)],
                                capture_output=True, text=True, env=server_env(tmp_path / "home"), timeout=30)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"cmtui: port {port} on 127.0.0.1 is in use (another cmtui serve?); choose another" \
                            " with --port\n"


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LOCALHOST", True), ("0.0.0.0", False), ("::", False), ("10.0.0.1", False), ("example.org", False),
    ("", False), ("127.0.0.1.example.org", False),
])
def test_loopback_is_127_0_0_0_8_and_1_and_localhost(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("origin_header, host, same", [
    ("http://127.0.0.1:8000", "127.0.0.1:8000", True), ("https://team.example.org", "team.example.org", True),
    ("http://evil.example:8000", "127.0.0.1:8000", False), ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
    ("null", "127.0.0.1:8000", False), (None, "127.0.0.1:8000", False), ("", "127.0.0.1:8000", False),
])
def test_a_websocket_origin_must_be_the_pages_own(origin_header, host, same):
    assert same_origin(origin_header, host) is same


def test_cmtui_user_is_who_a_browser_session_acts_as(tmp_path, monkeypatch):
    (tmp_path / "settings.toml").write_text('user = "ana"\n')
    assert load_settings(tmp_path).username == "ana"
    monkeypatch.setenv("CMTUI_USER", "luka")
    assert load_settings(tmp_path).username == "luka"


# -- the running server over HTTP --------------------------------------------------------------
def test_it_prints_one_line_with_the_url_on_loopback(served):
    assert served.first_line.startswith("open http://127.0.0.1:") and served.first_line.endswith(
        " in a web browser (ctrl+c stops)\n")
    page = httpx.get(served.url, timeout=10)
    assert page.status_code == 200
    assert f'data-session-websocket-url="{served.url.replace("http", "ws")}ws"' in page.text
    assert httpx.get(served.url + "static/js/textual.js", timeout=10).status_code == 200


async def test_a_websocket_from_another_origin_is_refused(served):
    assert await handshake(served.url, {"Origin": "http://evil.example"}) == 403
    assert await handshake(served.url, {}) == 403  # no Origin: not a page of ours either
    assert await handshake(served.url, {"Origin": origin(served.url)}) == 101


def test_without_a_password_only_loopback_names_are_served(served):
    """A page elsewhere whose name is made to resolve to 127.0.0.1 (DNS rebinding) is refused."""
    assert httpx.get(served.url, headers={"Host": "evil.example"}, timeout=10).status_code == 403
    assert httpx.get(served.url.replace("127.0.0.1", "localhost"), timeout=10).status_code == 200


def test_the_defaults_are_loopback_and_port_8000():
    from cmtui.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.password_env, args.as_name) == ("127.0.0.1", 8000, None, None)


async def test_with_a_password_every_request_needs_it_and_it_is_never_printed(db, tmp_path):
    """On every address (0.0.0.0), as the README shows it; reached here through 127.0.0.1."""
    server = Served(Path(db), "--host", "0.0.0.0", "--password-env", "CMTUI_TEST_PASSWORD",
                    env=server_env(tmp_path / "home", CMTUI_TEST_PASSWORD=PASSWORD))
    assert server.url == f"http://{socket.gethostname()}:{server.port}/"
    server.url = server.local_url
    try:
        for path in ("", "static/js/textual.js", "ws"):
            refused = httpx.get(server.url + path, timeout=10)
            assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic ")
            assert httpx.get(server.url + path, headers=basic("wrong"), timeout=10).status_code == 401
        assert httpx.get(server.url, headers=basic(PASSWORD), timeout=10).status_code == 200
        assert httpx.get(server.url + "static/js/textual.js", headers=basic(PASSWORD, ""), timeout=10).status_code \
            == 200
        own = {"Origin": origin(server.url)}
        assert await handshake(server.url, own) == 401
        assert await handshake(server.url, {"Origin": "http://evil.example"} | basic(PASSWORD)) == 403
        assert await handshake(server.url, own | basic(PASSWORD)) == 101
    finally:
        out, err = server.stop()
    assert server.process.returncode == 0, err
    assert PASSWORD not in out + err and "Traceback" not in out + err
    assert out.startswith("open http://") and out.count("\n") == 1


def test_as_a_teammate_where_act_for_others_allows_it(db, tmp_path):
    server = Served(Path(db), "--as", "luka",
                    env=server_env(tmp_path / "home", SETTINGS + "act_for_others = true\n"))
    out, err = server.stop()
    assert server.process.returncode == 0 and out.startswith("open http://127.0.0.1:") and err == ""


# -- in a real browser -------------------------------------------------------------------------
async def test_an_approver_approves_in_the_browser_and_a_tui_sees_it(served):
    need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await open_page(browser, served.url)
            await wait_for_text(page, "cmtui")
            await page.focus(".xterm-helper-textarea")
            # The calendar (its own `a` key): the post is on today's list, waiting for approval.
            await page.keyboard.press("1")
            await wait_for_text(page, "Calendar")
            if served.when.date() != datetime.now(timezone.utc).date():
                await page.keyboard.press("l")  # (started just before midnight: it is tomorrow's)
            await page.keyboard.press("Enter")
            await wait_for_text(page, "Our winter release is out", "needs approval")
            await page.keyboard.press("a")
            await wait_for_text(page, "Approve this post")
            await page.keyboard.type("fine by me")
            await page.keyboard.press("Enter")
            await wait_for_text(page, "Approved.")
        finally:
            await browser.close()

    store = Store.open(served.db)
    try:
        assert store.entries.get(served.entry_id)["status"] == "approved"
        [approval] = [t for t in store.entries.transitions(served.entry_id) if t["to_status"] == "approved"]
        assert (approval["who"], approval["comment"]) == ("ana", "fine by me")  # the serving person
        await a_tui_shows_it_approved(store, served.when)
    finally:
        store.close()


async def a_tui_shows_it_approved(store: Store, when: datetime) -> None:
    from cmtui.tui.app import CmtuiApp

    app = CmtuiApp(store, Settings(timezone="UTC", user="luka", approvers=["ana"], approval_required=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        if when.date() != datetime.now(timezone.utc).date():
            await pilot.press("l")
        await pilot.press("enter")
        await pilot.pause()
        detail = str(app.screen.query_one("#entry-detail").render())
        assert detail.startswith("approved") and "ana: needs approval → approved" in detail
