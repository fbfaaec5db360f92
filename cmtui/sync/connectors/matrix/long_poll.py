"""Matrix's push: /sync as a long poll. The homeserver holds the request until something
happens in the account's rooms (then answers at once) or WAIT_MS pass (then answers with
nothing new). Each answer is read exactly as a pull's /sync is (connector.read_sync) and is a
pull: its page carries next_batch and moves the cursor, until an answer brings what only a
pass stores (our own posts, rooms changed); from then on the passes move it.

The first request goes from the saved cursor and is answered at once (timeout 0): its page
says the connection is open and, carrying its cursor with final=True, is itself the gap fill
(the engine does not pull again), unless it brought what only a pass stores: then it comes
without a cursor and the engine's gap-filling pull reads it. With no cursor, or one the homeserver no
longer takes (a 400, as pull() handles it), it starts from now instead and says so with a
page without a cursor: the engine's gap-filling pull after the connect reads what came before
(back to the horizon, when the token was refused), and only then do our pages move the cursor.
A later 400 is a reconnect (TimedOut), so that the same fill runs again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, AsyncIterator, Protocol

from cmtui.i18n import _
from cmtui.model import Place
from cmtui.sync.connectors.base import OwnPost, PermanentError, PullPage, TimedOut, TransientError

log = logging.getLogger("cmtui.sync")


class MatrixConnector(Protocol):
    """What the long poll uses of the connector (connector.py, which imports this module)."""

    host: str
    http: Any
    _own: list[OwnPost]

    async def _whoami(self) -> str: ...

    async def _sync(self, token: str | None, wait_ms: int = 0) -> dict: ...

    def read_sync(self, me: str, body: dict, cursor: str | None, since: str) -> AsyncIterator[PullPage]: ...

    def places(self) -> list[Place]: ...

WAIT_MS = 30_000  # how long the homeserver may hold one /sync
QUIET_GAP = 1.0  # seconds between two requests at least; after an answer that did not move the token, after it
# From now on, without reading the rooms' past (the gap fill does that): one event per room.
NOW_FILTER = json.dumps({"room": {"timeline": {"limit": 1, "types": ["m.room.message"]}, "state": {"types": []},
                                  "ephemeral": {"types": []}, "account_data": {"types": []}},
                         "presence": {"types": []}, "account_data": {"types": []}}, separators=(",", ":"))


async def updates(connector: MatrixConnector, cursor: str | None,
                  clock=time.monotonic) -> AsyncIterator[PullPage]:
    """A page per answer: the first at once (maybe empty), then one per answer of the long
    poll that brings something or moves the cursor."""
    me = await connector._whoami()
    token, body = cursor, None
    if token is not None:
        try:
            body = await connector._sync(token)
        except PermanentError as exc:
            if exc.status != 400:
                raise
            log.warning("%s no longer takes the saved sync token; the next pull reads back to the horizon",
                        connector.host)
            token = None
    if token is None:
        token = await _now(connector)
        yield PullPage()  # open; the cursor stays where the gap fill leaves it
    else:
        places = connector.places()
        page = await _page(connector, me, body, token)
        if connector._own or connector.places() != places:
            # What only a pass stores came with it: the engine's gap pull reads it again.
            yield PullPage(items=page.items, events=page.events, deleted=page.deleted)
        else:
            token = page.cursor or token
            yield page  # with its cursor, final: the pull from the saved cursor (no gap pull)
    holding = False  # an answer brought what only a pass stores: the passes move the cursor
    while True:
        asked = clock()
        places = connector.places()
        try:
            body = await connector._sync(token, WAIT_MS)
        except PermanentError as exc:
            if exc.status != 400:
                raise
            # Our own token refused: reconnect, so that the gap fill reads from the saved cursor.
            raise TimedOut(str(exc)) from None
        page = await _page(connector, me, body, token)
        moved, token = page.cursor != token, page.cursor or token
        # Our own posts (a reply from another client marks its item answered) and the rooms
        # (joined, left, renamed) are stored by a pass, not with a page: from such an answer
        # on, pages leave the cursor where it is, so that the next pass reads them again.
        holding = holding or bool(connector._own) or connector.places() != places
        if holding:
            page.cursor, page.final = None, False
        if page.items or page.events or page.deleted or moved and not holding:
            yield page
        # A floor under the request rate, whatever the answer brought: a homeserver that
        # answers at once (or a caching proxy that ignores `since`, repeating one answer)
        # must not make us spin.
        floor = asked + QUIET_GAP if moved else clock() + QUIET_GAP
        await asyncio.sleep(max(0.0, floor - clock()))


async def _page(connector: MatrixConnector, me: str, body: dict | None, token: str) -> PullPage:
    """The answer as pull() reads it after a cursor: one page, with next_batch and final."""
    pages = [page async for page in connector.read_sync(me, body or {}, token, "")]
    return pages[-1]


async def _now(connector: MatrixConnector) -> str:
    """A sync token for now (an initial /sync, at once, reading nothing of it)."""
    body = await connector.http.call("GET", "/sync", params={"filter": NOW_FILTER, "timeout": "0"})
    token = body.get("next_batch")
    if not isinstance(token, str):
        raise TransientError(_("malformed /sync from {host} (no next_batch)").format(host=connector.host))
    return token
