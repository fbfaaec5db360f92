"""Sessions on a PDS: an app password opens one (an access JWT, short-lived, and a refresh
JWT), the refresh JWT renews it (and is itself replaced), deleteSession ends it.

Only SignIn values leave this module; the JWTs go to the credentials file and nowhere else.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.sync.connectors.base import AuthError, ConnectorError, PermanentError, SignIn, TransientError
from cmtui.sync.connectors.bluesky.http import Xrpc, scrub

def _signed(body: dict, host: str) -> SignIn:
    access, refresh = body.get("accessJwt"), body.get("refreshJwt")
    if not isinstance(access, str) or not isinstance(refresh, str) or not access or not refresh:
        raise TransientError(_("malformed session from {host} (no tokens)").format(host=host))
    return SignIn(token=access, refresh=refresh)


async def create(http: Xrpc, identifier: str, password: str) -> SignIn:
    """com.atproto.server.createSession with an app password. A refusal is one line for the
    person adding the account (InputError)."""
    try:
        body = await http.procedure("com.atproto.server.createSession",
                                    {"identifier": identifier, "password": password}, auth=False)
    except AuthError:
        raise InputError(_("{host} refused the handle or app password for {handle}").format(
            host=http.host, handle=scrub(identifier, 100))) from None
    except PermanentError as exc:
        if exc.status in (404, 501):  # no such method here: not a PDS
            raise InputError(_("{server} does not look like a Bluesky PDS (it has no createSession)").format(
                server=http.server)) from None
        raise InputError(_("{server} refused the sign-in: {reason}").format(server=http.host, reason=exc)) from None
    return _signed(body, http.host)


async def refresh(http: Xrpc, refresh_jwt: str | None) -> SignIn:
    """com.atproto.server.refreshSession: a new pair. Refused (revoked, expired): AuthError,
    the account needs a new app password."""
    if not refresh_jwt:
        raise AuthError(_("{host}: the session has expired and no refresh token is stored; "
                          "add the account again with an app password").format(host=http.host))
    try:
        body = await http.procedure("com.atproto.server.refreshSession", bearer=refresh_jwt)
    except (AuthError, PermanentError):  # revoked or expired: the message says which, the fix is the same
        raise AuthError(_("{host} would not renew the session (app password revoked or session expired); "
                          "add the account again with a new app password").format(host=http.host)) from None
    return _signed(body, http.host)


async def delete(http: Xrpc, refresh_jwt: str) -> None:
    """com.atproto.server.deleteSession (best effort: what fails is left to expire)."""
    try:
        await http.procedure("com.atproto.server.deleteSession", bearer=refresh_jwt)
    except ConnectorError:
        pass


def expires_at(jwt: str | None) -> datetime | None:
    """The `exp` a JWT claims (read, not verified: only to renew in time), None if unreadable."""
    try:
        payload = (jwt or "").split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(claims["exp"]), tz=timezone.utc)
    except (IndexError, ValueError, KeyError, TypeError, OverflowError, OSError):
        return None
