"""`cmtui serve`: the app in a web browser, for approvers who do not live in a terminal (with the
TUI it serves: the core stays free of any interface).

textual-serve (the Textual project's own server) starts one app process per browser tab:
this Python's `-m cmtui --db DB`, on the same database (WAL: each tab sees the others'
changes through the data_version poll), approvals only (CMTUI_SERVED=1) and acting as the
serving person, with a minimal environment (no token, agent socket or password of the serving
shell reaches a browser session). Its aiohttp application is built here from the Server's
public handlers, behind guards: a secret on every request, even on loopback (another user of
a shared host must not act as the approver) — HTTP Basic when a password is set (required off
loopback), else a per-run token in the printed URL that a first visit trades for a cookie —
and the page's own origin for the websocket that drives the app (a page elsewhere must not
drive it). aiohttp and textual-serve are imported only when serving: nothing else pays for them."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import os
import secrets
import shlex
import signal
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Mapping
from urllib.parse import urlsplit

from cmtui import team
from cmtui.errors import InputError
from cmtui.i18n import _

if TYPE_CHECKING:
    from aiohttp import web

    from cmtui.config import Settings
    from cmtui.store import Store

REALM = 'Basic realm="cmtui", charset="UTF-8"'  # i18n: not shown (an HTTP header)
COOKIE = "cmtui_session"  # i18n: not shown (a cookie's name)
# What a browser session inherits of the serving process's environment, by name or prefix:
# nothing else (SSH_AUTH_SOCK, exported tokens) is the browser's business. textual-serve adds its own.
KEPT_NAMES = frozenset({"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TERM", "COLORTERM", "CMTUI_CONFIG_DIR"})
KEPT_PREFIXES = ("LC_", "XDG_")
STOP_SECONDS = 5.0  # how long browser sessions get to close their app processes on ctrl+c


def is_loopback(host: str) -> bool:
    """Whether an address (or "localhost") is this machine only: 127.0.0.0/8, ::1."""
    host = host.strip().strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def password_from(host: str, variable: str | None) -> str | None:
    """The password browsers must give (None: none), read from the environment variable
    `--password-env` names; InputError when it is needed (off loopback) or named and empty.
    The variable is removed from this process's environment: the app processes started for
    the browser sessions do not inherit it."""
    password = os.environ.pop(variable, "") if variable else ""
    if variable and not password:
        raise InputError(_("--password-env {variable}: that environment variable is empty or not set").format(
            variable=variable))
    if not password and not is_loopback(host):
        raise InputError(_("serve --host {host}: anyone who reaches that address could use the database; give a"
                           " password with --password-env VAR (and put it behind TLS), or keep the default"
                           " 127.0.0.1 and use an SSH tunnel").format(host=host))
    return password or None


def authorized(header: str | None, password: str) -> bool:
    """Whether an Authorization header is HTTP Basic with the password (any user name)."""
    from aiohttp import BasicAuth

    if not header:
        return False
    try:
        given = BasicAuth.decode(header, encoding="utf-8").password
    except ValueError:
        return False
    return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))


def same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a websocket's Origin is the page's own: its host and port are the Host the
    request came to (the scheme may differ behind a TLS proxy). No Origin, "null": no."""
    if not origin or not host:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


def _host_name(host_header: str) -> str:
    """"127.0.0.1:8000" -> "127.0.0.1", "[::1]:8000" -> "::1"."""
    return urlsplit(f"//{host_header}").hostname or ""


def app_command(database: Path) -> str:
    """The shell command each browser session runs: this Python, the same database."""
    return f"exec {shlex.quote(sys.executable)} -m cmtui --db {shlex.quote(str(database))}"  # i18n: not shown


def session_environment(environ: Mapping[str, str], user: str) -> dict[str, str]:
    """The whole environment of the app processes (textual-serve copies this process's, then
    adds its own): the locale, paths and terminal of `environ`, the settings this process
    reads, the approvals screen only, the acting person. Nothing else is inherited."""
    from cmtui.config import config_dir

    kept = {name: value for name, value in environ.items() if name in KEPT_NAMES or name.startswith(KEPT_PREFIXES)}
    return kept | {"CMTUI_CONFIG_DIR": str(config_dir().resolve()), "CMTUI_OPEN": "approvals", "CMTUI_USER": user,
                   "CMTUI_SERVED": "1"}


def display_url(host: str, port: int, token: str | None = None) -> str:
    """The address to open: an "any address" host is named by this machine's name; with the
    run's token (no password) as `?token=`, like Jupyter's."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/" + (f"?token={token}" if token else "")


def _same_secret(given: str | None, secret: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def _server_class():
    from textual_serve.server import Server

    class QuietServer(Server):
        """textual-serve without its logo and rich log: its warnings as plain lines on stderr."""

        def initialize_logging(self) -> None:
            import logging

            class OneLine(logging.Formatter):
                def format(self, record: logging.LogRecord) -> str:  # no traceback, just what happened
                    return f"cmtui serve: {record.getMessage()}"  # i18n: not shown (textual-serve's own log)

            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(OneLine())
            log = logging.getLogger("textual-serve")
            log.handlers[:] = [handler]
            log.setLevel(logging.WARNING)
            log.propagate = False

        async def handle_index(self, request: web.Request) -> Any:
            # The page's websocket address is the one the browser came to (a tunnel's
            # localhost, a proxy's name), not the address bound: set just before the
            # handler reads it, with no await in between.
            scheme = request.headers.get("X-Forwarded-Proto", request.scheme)
            self.public_url = f"{'https' if scheme == 'https' else 'http'}://{request.host}"
            return await super().handle_index(request)

    return QuietServer


def build_application(server: Any, password: str | None, token: str | None = None) -> web.Application:
    """textual-serve's routes (its handlers, templates and static files) behind the guards.
    With a password: HTTP Basic on every request. Without: `/?token=` with the run's token
    sets an HttpOnly, SameSite=Strict cookie and redirects to `/`; every request then needs
    that cookie, and the Host must be a loopback name (a web page whose name is made to
    resolve to 127.0.0.1, DNS rebinding, is refused)."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web

    sessions: dict[asyncio.Task, asyncio.Event] = {}
    cookie = secrets.token_urlsafe(32)  # what a browser holds once it showed the token

    @web.middleware
    async def guard(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
        if password is not None:
            if not authorized(request.headers.get("Authorization"), password):
                return web.Response(status=401, text=_("A password is needed."), headers={"WWW-Authenticate": REALM})
            return await handler(request)
        if not is_loopback(_host_name(request.host)):
            return web.Response(status=403, text=_("Open this page at a loopback address (127.0.0.1, localhost)."))
        if _same_secret(request.cookies.get(COOKIE), cookie):
            return await handler(request)
        if token is not None and request.path == "/" and _same_secret(request.query.get("token"), token):
            welcome = web.HTTPFound("/")  # the address bar (and history) without the token
            welcome.set_cookie(COOKIE, cookie, path="/", httponly=True, samesite="Strict")  # i18n: not shown
            return welcome
        return web.Response(status=401, text=_("Open the address cmtui serve printed, with its token."))

    async def websocket(request: web.Request) -> web.StreamResponse:
        if not same_origin(request.headers.get("Origin"), request.host):
            return web.Response(status=403, text=_("This page may be driven only from its own address."))
        task, done = asyncio.current_task(), asyncio.Event()
        assert task is not None
        sessions[task] = done
        try:
            return await server.handle_websocket(request)
        finally:
            sessions.pop(task, None)
            done.set()

    async def close_sessions(app: web.Application) -> None:
        # Each session ends its app process (textual-serve sends it "quit") before the
        # server stops; a session that hangs is left to aiohttp's own time-out.
        waiting = list(sessions.items())
        for task, _done in waiting:
            task.cancel()
        if waiting:
            await asyncio.wait([asyncio.ensure_future(done.wait()) for _task, done in waiting], timeout=STOP_SECONDS)

    app = web.Application(middlewares=[guard])
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(server.templates_path))
    app.add_routes([
        web.get("/", server.handle_index, name="index"),
        web.get("/ws", websocket, name="websocket"),
        web.get("/download/{key}", server.handle_download, name="download"),
        web.static("/static", server.statics_path, name="static"),
    ])
    app.on_shutdown.append(close_sessions)
    return app


async def _serve(app: web.Application, host: str, port: int, token: str | None = None) -> int:
    from aiohttp import web

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # before the URL is printed: ctrl+c any time after stops cleanly
        loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=STOP_SECONDS)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            import errno

            if exc.errno == errno.EADDRINUSE:
                message = _("port {port} on {host} is in use (another cmtui serve?); choose another with --port")
            else:
                message = _("cannot listen on {host} port {port} ({reason})")
            print("cmtui: " + message.format(port=port, host=host, reason=exc.strerror or exc), file=sys.stderr)
            return 1
        bound = runner.addresses[0][1] if runner.addresses else port
        # The only place the token is shown: it is the key to the approver's session.
        print(_("open {url} in a web browser (ctrl+c stops)").format(url=display_url(host, bound, token)),
              flush=True)
        await stop.wait()
        return 0
    finally:
        await runner.cleanup()


def serve_command(store: Store, settings: Settings, args) -> int:
    """cmtui serve [--host H] [--port P] [--password-env VAR] [--as NAME]: until ctrl+c. The
    store is the command line's (the database exists, its settings are in `settings`); the
    browser sessions open their own."""
    if not 0 <= args.port <= 65535:
        raise InputError(_("--port {port}: a port is a number from 1 to 65535 (0: any free one)").format(
            port=args.port))
    password = password_from(args.host, args.password_env)  # before anything starts
    token = None if password else secrets.token_urlsafe(24)
    user = team.acting(settings, args.as_name)
    # textual-serve gives each session a copy of this process's environment: from here on
    # it is only what a session needs (this process needs nothing else either).
    minimal = session_environment(os.environ, user)
    os.environ.clear()
    os.environ.update(minimal)
    database = Path(store.path or args.db_path).resolve()
    server = _server_class()(app_command(database), host=args.host, port=args.port, title="cmtui")
    server.initialize_logging()
    return asyncio.run(_serve(build_application(server, password, token), args.host, args.port, token))
