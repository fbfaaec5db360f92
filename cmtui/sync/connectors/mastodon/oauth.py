"""Mastodon's OAuth out-of-band flow with PKCE: register an app, show the authorize URL,
trade the code the user pastes for a token."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from cmtui.i18n import _
from cmtui.sync.connectors.base import AuthError, OfflineError, PermanentError
from cmtui.sync.connectors.transport import unreachable

OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = "read write follow"  # i18n: not shown


@dataclass(frozen=True)
class PendingAuth:
    instance: str
    client_id: str
    client_secret: str
    verifier: str
    url: str  # where the user approves cmtui


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _post(instance: str, path: str, data: dict, timeout: float) -> dict:
    try:
        response = httpx.post(instance + path, data=data, timeout=timeout, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise OfflineError(unreachable(instance, type(exc).__name__)) from None
    if response.status_code in (400, 401, 403):
        raise AuthError(_("{server} refused the authorization ({status}); start again").format(
            server=instance, status=response.status_code))
    if response.status_code >= 400:
        raise PermanentError(_("{server} answered {status} on {path}").format(
            server=instance, status=response.status_code, path=path), response.status_code)
    try:
        body = response.json()
    except ValueError:
        raise PermanentError(_("{host} does not look like a Mastodon server (no JSON from {path})").format(
            host=instance, path=path)) from None
    if not isinstance(body, dict):
        raise PermanentError(_("{host} does not look like a Mastodon server").format(host=instance))
    return body


def start(instance: str, timeout: float = 30.0) -> PendingAuth:
    app = _post(instance, "/api/v1/apps",
                {"client_name": "cmtui", "redirect_uris": OOB, "scopes": SCOPES,
                 "website": "https://pypi.org/project/cmtui/"}, timeout)
    try:
        client_id, client_secret = app["client_id"], app["client_secret"]
    except KeyError:
        raise PermanentError(_("{host} does not look like a Mastodon server (no client id)").format(host=instance)) from None
    verifier = secrets.token_urlsafe(48)
    query = urlencode({"client_id": client_id, "redirect_uri": OOB, "response_type": "code", "scope": SCOPES,
                       "code_challenge": _challenge(verifier), "code_challenge_method": "S256"})
    return PendingAuth(instance, client_id, client_secret, verifier, f"{instance}/oauth/authorize?{query}")


def finish(pending: PendingAuth, code: str, timeout: float = 30.0) -> str:
    body = _post(pending.instance, "/oauth/token",
                 {"grant_type": "authorization_code", "code": code.strip(), "client_id": pending.client_id,
                  "client_secret": pending.client_secret, "redirect_uri": OOB, "code_verifier": pending.verifier,
                  "scope": SCOPES}, timeout)
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise PermanentError(_("{server} gave no access token").format(server=pending.instance))
    return token
