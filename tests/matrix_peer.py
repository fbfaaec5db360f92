"""A real Matrix homeserver for the Matrix tests: Synapse on 127.0.0.1, in a child process.

One server per test session (per xdist worker, like mastodon_mock: each worker's session
fixture starts its own, and only a worker that runs a Matrix test pays for it). It runs from a
generated config in a tmp dir: SQLite, one client listener on a free loopback port, no
federation listener, presence and URL previews off, registration by shared secret only, and
rate limits raised so tests are not throttled (a rate-limit test lowers one user's limits with
`override_ratelimit`). Tests never reset it: each one registers its own users and rooms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

SERVER_NAME = "synapse.test"
START_TIMEOUT = 120.0  # seconds: a first start creates the whole schema, slow on a loaded machine
PASSWORD = "correct horse battery staple"

# Every client-side limiter Synapse has (synapse/config/ratelimiting.py), nested keys dotted.
_LIMITERS = (
    "rc_message", "rc_registration", "rc_registration_token_validity", "rc_login.address",
    "rc_login.account", "rc_login.failed_attempts", "rc_admin_redaction", "rc_joins.local",
    "rc_joins.remote", "rc_joins_per_room", "rc_key_requests", "rc_3pid_validation",
    "rc_invites.per_room", "rc_invites.per_user", "rc_invites.per_issuer", "rc_third_party_invite",
    "rc_media_create", "rc_presence.per_user", "rc_delayed_event_mgmt", "rc_room_creation",
    "rc_reports", "rc_user_directory", "rc_profile",
)
_RELAXED = {"per_second": 10_000, "burst_count": 100_000}


@dataclass(frozen=True)
class MatrixUser:
    user_id: str
    access_token: str
    device_id: str
    localpart: str
    password: str = PASSWORD


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """A test run killed outright (a CI time-out) must not leave a homeserver behind: on Linux
    the kernel sends it SIGTERM when the test process dies."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _rate_limits() -> dict:
    config: dict = {}
    for key in _LIMITERS:
        *parents, leaf = key.split(".")
        node = config
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = dict(_RELAXED)
    return config


def write_config(directory: Path, port: int, shared_secret: str) -> Path:
    """homeserver.yaml (JSON is YAML) and what it names: a signing key and a log config."""
    key = base64.b64encode(os.urandom(32)).decode().rstrip("=")  # Synapse's unpadded seed
    (directory / "signing.key").write_text(f"ed25519 a_test {key}\n")
    (directory / "log.yaml").write_text(json.dumps({
        "version": 1,
        "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
        "handlers": {"file": {"class": "logging.FileHandler", "formatter": "plain",
                              "filename": str(directory / "homeserver.log")}},
        "root": {"level": "INFO", "handlers": ["file"]},
        "disable_existing_loggers": False,
    }))
    config = {
        "server_name": SERVER_NAME,
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "pid_file": str(directory / "homeserver.pid"),
        "listeners": [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                       "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "log_config": str(directory / "log.yaml"),
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),
        "registration_shared_secret": shared_secret,
        "enable_registration": False,
        "macaroon_secret_key": secrets.token_hex(16),
        "form_secret": secrets.token_hex(16),
        "report_stats": False,
        "bcrypt_rounds": 4,  # the minimum: each register and login hashes a password
        "enable_metrics": False,
        "presence": {"enabled": False},
        "url_preview_enabled": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],  # nothing leaves loopback
        **_rate_limits(),
    }
    path = directory / "homeserver.yaml"
    path.write_text(json.dumps(config, indent=1))
    return path


class SynapseServer:
    """The homeserver process: start() waits until the client API answers; stop() ends it."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.shared_secret = secrets.token_hex(16)
        self.config_path = write_config(directory, self.port, self.shared_secret)
        self.process: subprocess.Popen | None = None
        self.startup_seconds = 0.0

    def start(self) -> None:
        began = time.monotonic()
        with open(self.directory / "stdout.log", "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                cwd=self.directory, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent)
        while time.monotonic() - began < START_TIMEOUT:
            if self.process.poll() is not None:
                raise RuntimeError(f"Synapse exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/_matrix/client/versions", timeout=2).status_code == 200:
                    self.startup_seconds = time.monotonic() - began
                    (self.directory / "startup_seconds").write_text(f"{self.startup_seconds:.2f}\n")  # for measuring
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Synapse did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        text = ""
        for name in ("stdout.log", "homeserver.log"):
            path = self.directory / name
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text


class MatrixPeer:
    """The other side of the room: acts as any user of the homeserver through its HTTP API."""

    def __init__(self, server: SynapseServer):
        self.server = server
        self.base_url = server.base_url
        self.server_name = SERVER_NAME
        self.http = httpx.Client(base_url=server.base_url, timeout=60)
        self._names = itertools.count(1)
        self._txns = itertools.count(1)

    def _call(self, method: str, path: str, token: str | None = None, **kwargs) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.request(method, path, headers=headers, **kwargs)
        if response.is_error:  # Matrix errors say why in errcode/error: keep it in the failure
            raise AssertionError(f"{method} {path} -> {response.status_code}: {response.text}")
        return response.json()

    def register(self, name: str = "user", *, admin: bool = False, password: str = PASSWORD) -> MatrixUser:
        """A new user with a unique localpart (name_N), through the shared-secret admin API."""
        localpart = f"{name}_{next(self._names)}"
        nonce = self._call("GET", "/_synapse/admin/v1/register")["nonce"]
        message = "\x00".join([nonce, localpart, password, "admin" if admin else "notadmin"])
        mac = hmac.new(self.server.shared_secret.encode(), message.encode(), hashlib.sha1).hexdigest()
        body = self._call("POST", "/_synapse/admin/v1/register", json={
            "nonce": nonce, "username": localpart, "password": password, "admin": admin, "mac": mac})
        return MatrixUser(body["user_id"], body["access_token"], body["device_id"], localpart, password)

    def login(self, user: str, password: str = PASSWORD) -> dict:
        """m.login.password: the response (user_id, access_token, device_id) of a new device."""
        return self._call("POST", "/_matrix/client/v3/login", json={
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": user},
            "password": password})

    def whoami(self, token: str) -> dict:
        return self._call("GET", "/_matrix/client/v3/account/whoami", token)

    def create_room(self, token: str, *, name: str | None = None, invite: list[str] | None = None,
                    is_direct: bool = False, preset: str = "private_chat", alias: str | None = None) -> str:
        body: dict = {"preset": preset, "invite": invite or [], "is_direct": is_direct}
        if name:
            body["name"] = name
        if alias:
            body["room_alias_name"] = alias
        return self._call("POST", "/_matrix/client/v3/createRoom", token, json=body)["room_id"]

    def invite(self, token: str, room_id: str, user_id: str) -> None:
        self._call("POST", f"/_matrix/client/v3/rooms/{room_id}/invite", token, json={"user_id": user_id})

    def join(self, token: str, room: str) -> str:
        """Join by room id or alias; the room id."""
        return self._call("POST", f"/_matrix/client/v3/join/{room}", token, json={})["room_id"]

    def send(self, token: str, room_id: str, content: dict, event_type: str = "m.room.message",
             txn_id: str | None = None) -> str:
        """Any event (a reaction, an edit, a reply: the caller writes the content); its event id."""
        txn = txn_id or f"peer{next(self._txns)}"
        return self._call("PUT", f"/_matrix/client/v3/rooms/{room_id}/send/{event_type}/{txn}", token,
                          json=content)["event_id"]

    def send_message(self, token: str, room_id: str, body: str, *, txn_id: str | None = None, **content) -> str:
        return self.send(token, room_id, {"msgtype": "m.text", "body": body, **content}, txn_id=txn_id)

    def messages(self, token: str, room_id: str, *, limit: int = 50, event_type: str | None = None) -> list[dict]:
        """The room's latest events, newest first (one page of /messages, backwards)."""
        params: dict = {"dir": "b", "limit": limit}
        if event_type:
            params["filter"] = json.dumps({"types": [event_type]})
        return self._call("GET", f"/_matrix/client/v3/rooms/{room_id}/messages", token, params=params)["chunk"]

    def override_ratelimit(self, admin_token: str, user_id: str, per_second: int, burst_count: int) -> None:
        """A user's own message limits (admin API): how a rate-limit test makes Synapse throttle."""
        self._call("POST", f"/_synapse/admin/v1/users/{user_id}/override_ratelimit", admin_token,
                   json={"messages_per_second": per_second, "burst_count": burst_count})
