"""`cmtui serve`: the app in a browser for approvers. A real server (a subprocess on loopback)
with its guards checked over HTTP (a token even on loopback, a minimal environment for the
sessions), a served app (CMTUI_SERVED=1) that is approvals only, and Debian's Chromium
(Playwright) logging in with the token URL and approving a post that is then in the
database, recorded for the serving person, and shown approved by a TUI."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, Served, need_chromium, open_page, wait_for_text
from cli_helpers import run
from cmtui.config import Settings, load_settings
from cmtui.tui.serve import is_loopback, same_origin
from cmtui.store import Store

ONE_SERVER = pytest.mark.xdist_group("serve")  # the tests of the module's server: on one worker, started once

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
    """One account and one post waiting for approval (written by luka) half an hour from
    now: its id and time."""
    store = Store.open(path)
    store.accounts.add("tidewater", "mastodon", "https://social.tidewater.example",
                       handle="tidewater@social.tidewater.example", display_name="Tidewater Notes")
    store.close()
    return submit(path, "Our winter release is out: offline notes")


def submit(path: Path, text: str) -> tuple[int, datetime]:
    """luka writes a post and asks for its approval (in this process, as the CLI would)."""
    from cmtui.planning import entries

    settings = Settings(timezone="UTC", user="luka", approvers=["ana"], approval_required=True)
    when = datetime.now(timezone.utc) + timedelta(minutes=30)
    store = Store.open(path)
    try:
        entry_id = entries.create_entry(store, settings, text=text, account="tidewater", when=when, status="draft",
                                        who="luka")
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
    server = Served(db, env=server_env(home, SECRET_X="1", SSH_AUTH_SOCK="/tmp/agent.sock"))
    server.db, server.entry_id, server.when = db, entry_id, when
    yield server
    out, err = server.stop()
    assert server.process.returncode == 0 and "Traceback" not in out + err, (out, err)
    assert out.count(server.token) == 1 and server.token not in err  # only in the URL line


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


def login(server: Served) -> dict[str, str]:
    """The printed URL, visited once: the cookie it sets, as a Cookie header."""
    response = httpx.get(server.login_url, timeout=10)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    name, _, value = response.headers["Set-Cookie"].partition(";")[0].partition("=")
    return {"Cookie": f"{name}={value}"}


def children_environ(pid: int) -> list[dict[str, str]]:
    """The environment of each process whose parent is pid (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[1]) == pid:
                raw = (stat.parent / "environ").read_bytes()
                found.append(dict(v.split("=", 1) for v in raw.decode().split("\0") if "=" in v))
        except (OSError, ValueError):
            continue  # gone meanwhile
    return found


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


def test_a_port_in_use_is_one_line_and_exit_1(db, capsys, monkeypatch):
    monkeypatch.setattr(os, "environ", dict(os.environ))  # serve keeps only what its sessions need
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(capsys, "serve", "--db", db, "--port", str(port))
    assert code == 1 and out == ""
    assert err == f"cmtui: port {port} on 127.0.0.1 is in use (another cmtui serve?); choose another with --port\n"


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
@ONE_SERVER
def test_it_prints_one_line_with_the_url_and_its_token_on_loopback(served):
    assert served.first_line == f"open {served.url}?token={served.token} in a web browser (ctrl+c stops)\n"
    assert served.url.startswith("http://127.0.0.1:") and len(served.token) == 32  # token_urlsafe(24)
    cookie = login(served)
    page = httpx.get(served.url, headers=cookie, timeout=10)
    assert page.status_code == 200
    assert f'data-session-websocket-url="{served.url.replace("http", "ws")}ws"' in page.text
    assert httpx.get(served.url + "static/js/textual.js", headers=cookie, timeout=10).status_code == 200


@ONE_SERVER
async def test_on_loopback_too_every_request_needs_the_token_then_its_cookie(served):
    """Another user of a shared host reaches 127.0.0.1 too: without the token, nothing."""
    for path in ("", "static/js/textual.js", "ws", "download/x"):
        assert httpx.get(served.url + path, timeout=10).status_code == 401
    assert httpx.get(served.url + "?token=" + "x" * 32, timeout=10).status_code == 401
    assert httpx.get(served.url + "?token=", timeout=10).status_code == 401
    assert httpx.get(served.url + f"static/js/textual.js?token={served.token}", timeout=10).status_code == 401
    assert httpx.get(served.url, headers={"Cookie": "cmtui_session=guess"}, timeout=10).status_code == 401
    welcome = httpx.get(served.login_url, timeout=10)
    assert welcome.status_code == 302 and welcome.headers["Location"] == "/"
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {p.strip() for p in welcome.headers["Set-Cookie"].split(";")}
    own = {"Origin": origin(served.url)}
    assert await handshake(served.url, own) == 401  # the reviewer's script: the right Origin, no cookie
    assert await handshake(served.url, own | login(served)) == 101


@ONE_SERVER
async def test_a_websocket_from_another_origin_is_refused(served):
    cookie = login(served)
    assert await handshake(served.url, {"Origin": "http://evil.example"} | cookie) == 403
    assert await handshake(served.url, cookie) == 403  # no Origin: not a page of ours either
    assert await handshake(served.url, {"Origin": origin(served.url)} | cookie) == 101


@ONE_SERVER
def test_without_a_password_only_loopback_names_are_served(served):
    """A page elsewhere whose name is made to resolve to 127.0.0.1 (DNS rebinding) is refused."""
    cookie = login(served)
    assert httpx.get(served.url, headers={"Host": "evil.example"} | cookie, timeout=10).status_code == 403
    assert httpx.get(served.url.replace("127.0.0.1", "localhost"), headers=cookie, timeout=10).status_code == 200


@ONE_SERVER
async def test_a_browser_session_has_a_minimal_environment(served):
    """The app process a websocket starts: approvals only, as ana, and nothing of the serving
    shell's environment but the locale, paths and terminal (no SECRET_X, no SSH agent)."""
    import aiohttp

    headers = {"Origin": origin(served.url)} | login(served)
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(served.url.replace("http", "ws") + "ws?width=80&height=24", headers=headers):
            deadline = time.monotonic() + 10
            while not (sessions := children_environ(served.process.pid)) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
    assert sessions
    env = sessions[-1]  # (earlier tests' sessions may still be closing: the same checks hold for them)
    assert (env["CMTUI_SERVED"], env["CMTUI_OPEN"], env["CMTUI_USER"]) == ("1", "approvals", "ana")
    assert "SECRET_X" not in env and "SSH_AUTH_SOCK" not in env
    assert env["TZ"] == "UTC" and env["HOME"] and env["PATH"] and "TEXTUAL_DRIVER" in env
    allowed = {"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TERM", "COLORTERM", "CMTUI_CONFIG_DIR", "CMTUI_USER",
               "CMTUI_OPEN", "CMTUI_SERVED", "COLUMNS", "ROWS", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "PWD",
               "SHLVL", "_"}
    for env in sessions:
        assert {k for k in env if k not in allowed and not k.startswith(("LC_", "XDG_", "TEXTUAL"))} == set()


def test_the_defaults_are_loopback_and_port_8000_as_help_says(capsys):
    from cmtui.cli import build_parser, main

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.password_env, args.as_name) == ("127.0.0.1", 8000, None, None)
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    helped = " ".join(capsys.readouterr().out.split())
    assert "(default: 8000)" in helped and "(default: 127.0.0.1, this machine only;" in helped


async def test_with_a_password_every_request_needs_it_and_it_is_never_printed(db, tmp_path):
    """On every address (0.0.0.0), as the README shows it; reached here through 127.0.0.1."""
    server = Served(Path(db), "--host", "0.0.0.0", "--password-env", "CMTUI_TEST_PASSWORD",
                    env=server_env(tmp_path / "home", CMTUI_TEST_PASSWORD=PASSWORD))
    assert server.url == server.login_url == f"http://{socket.gethostname()}:{server.port}/"  # no token
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
    assert out.startswith("open http://") and out.count("\n") == 1 and "token=" not in out


def test_each_browser_session_runs_this_python_on_the_database_as_the_person_serving(db, capsys, monkeypatch,
                                                                                      tmp_path):
    """What textual-serve starts per tab (it copies this process's environment): checked here
    without serving, for the person working and for `--as` where act_for_others allows it."""
    from cmtui.tui import serve

    started = []

    async def fake_serve(app, host, port, token):
        started.append((app, host, port, dict(os.environ)))
        return 0

    monkeypatch.setattr(serve, "_serve", fake_serve)
    monkeypatch.setenv("SECRET_X", "1")
    monkeypatch.setenv("LC_TIME", "sl_SI.UTF-8")
    monkeypatch.setattr(os, "environ", dict(os.environ))  # serve keeps only what its sessions need
    config = Path(os.environ["CMTUI_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text(SETTINGS + "act_for_others = true\n")
    assert run(capsys, "serve", "--db", db)[0] == 0
    assert run(capsys, "serve", "--db", db, "--as", "LUKA", "--port", "8123")[0] == 0
    (_, host, port, env), (_, _, other_port, as_luka) = started
    assert (host, port, other_port) == ("127.0.0.1", 8000, 8123)
    assert (env["CMTUI_OPEN"], env["CMTUI_USER"], as_luka["CMTUI_USER"]) == ("approvals", "ana", "luka")
    assert env["CMTUI_SERVED"] == "1" and "SECRET_X" not in env and env["LC_TIME"] == "sl_SI.UTF-8"
    assert env["CMTUI_CONFIG_DIR"] == str(config.resolve())
    assert serve.app_command(Path(db)) == f"exec {sys.executable} -m cmtui --db {db}"


# -- a served app (CMTUI_SERVED=1): approvals only -------------------------------------------
def served_app(monkeypatch, store, engine=None):
    from tui_helpers import RecordingApp

    monkeypatch.setenv("CMTUI_SERVED", "1")
    settings = Settings(timezone="UTC", user="nina", approvers=["nina"], teammates=["ana"], approval_required=True)
    return RecordingApp(store, settings, engine=engine)


async def test_a_served_app_stays_on_approvals_and_has_no_other_mode(store, monkeypatch):
    app = served_app(monkeypatch, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.current_mode == "approvals"
        for key in ("1", "2", "3", "4", "5", "ctrl+r", "escape"):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == "approvals", key
        keys = {active.binding.key for active in app.screen.active_bindings.values()}
        assert {"a", "r", "q"} <= keys and not keys & {"1", "2", "3", "4", "5", "ctrl+r", "e"}
        # esc (and anything else that would switch) says why, once
        assert [n["message"] for n in app.notes] == ["A browser session shows only the posts waiting for approval."]


async def test_in_a_served_app_e_only_says_the_author_edits(store, monkeypatch):
    from cmtui.tui.screens.approvals import ApprovalsScreen

    app = served_app(monkeypatch, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in ("e", "enter"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ApprovalsScreen)  # no composer
        assert [n["message"] for n in app.notes] == [
            "In a browser you read, approve or send back; the author edits the post."] * 2
        await pilot.press("a")  # approving still works
        await pilot.pause()
        assert app.notes[-1]["message"] == "Approved."


async def test_a_served_apps_palette_has_no_inbox_rules_or_sync_commands(store, monkeypatch):
    from textual.command import CommandList

    app = served_app(monkeypatch, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles == ["Posts waiting for approval"]
        await pilot.press("ctrl+p")
        await pilot.pause()
        for word in ("inbox", "rules", "sync", "theme"):
            await pilot.press(*word)
            await pilot.pause(0.6)  # the palette's "no matches" countdown
            shown = [str(o.prompt) for o in app.screen.query_one(CommandList).options]
            assert len(shown) == 1 and "No matches found" in shown[0], (word, shown)
            for _ in word:
                await pilot.press("backspace")
        await pilot.press(*"approval")
        await pilot.pause(0.3)
        assert "Posts waiting for approval" in str(app.screen.query_one(CommandList).options[0].prompt)


async def test_a_served_app_starts_no_sync_worker(store, monkeypatch):
    class Engine:
        on_change = None

        async def run_forever(self, *args, **kwargs):
            raise AssertionError("a browser session must not sync")

    app = served_app(monkeypatch, store, engine=Engine())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.8)  # the sync loop would start 0.5 s after mount
        assert [w for w in app.workers if w.group == "sync"] == []


# -- in a real browser -------------------------------------------------------------------------
@ONE_SERVER
async def test_an_approver_approves_in_the_browser_and_a_tui_sees_it(served):
    need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await open_page(browser, served.login_url)  # the printed URL: its token, then a cookie
            # The session opens on the approvals screen (CMTUI_OPEN=approvals), as ana.
            await wait_for_text(page, "Approvals", "1 post waiting for approval", "Our winter release is out", "luka")
            await page.focus(".xterm-helper-textarea")
            await page.keyboard.press("a")
            await wait_for_text(page, "Approved.", "Nothing is waiting for approval.")
            # Another process asks for an approval: the open page shows it (WAL, data_version poll).
            submit(served.db, "A second post for the new year")
            await wait_for_text(page, "1 post waiting for approval", "A second post for the new year")
        finally:
            await browser.close()

    store = Store.open(served.db)
    try:
        assert store.entries.get(served.entry_id)["status"] == "approved"
        [approval] = [t for t in store.entries.transitions(served.entry_id) if t["to_status"] == "approved"]
        assert (approval["who"], approval["from_status"]) == ("ana", "needs_approval")  # the serving person
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
