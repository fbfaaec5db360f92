"""Matrix names the user types at `account add`: a user id checked before any request, and a
room checked to be one the account has joined (a room it is not in would count nothing and
refuse every reply). Requests go through the connector's own `get(path) -> dict` (its
errors, its counting), so this module imports no HTTP client."""

from __future__ import annotations

import re
from typing import Awaitable, Callable

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.sync.connectors.base import PermanentError
from cmtui.text import sanitize

# @localpart:server_name, the server a host name, IPv4 or [IPv6] literal, with an optional
# port (the spec's grammar; localparts of historical users may hold any printable ASCII but ':').
_USER_ID = re.compile(r"@[!-9;-~]+:(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?")

Get = Callable[[str], Awaitable[dict]]


def user_id(user: str) -> str:
    """A full Matrix user id, or InputError saying what one looks like."""
    user = user.strip()
    if len(user) > 255 or not _USER_ID.fullmatch(user):
        raise InputError(_("'{user}' is not a Matrix user id (like @me:example.org)").format(
            user=sanitize(user, max_len=300, single_line=True)))
    return user


async def joined_rooms(get: Get) -> set[str]:
    """The ids of the rooms the account has joined (one request)."""
    found = await get("/joined_rooms")
    rooms = found.get("joined_rooms")
    return {r for r in rooms if isinstance(r, str)} if isinstance(rooms, list) else set()


def require_joined(name: str, room_id: str, joined: set[str]) -> str:
    """room_id if the account is in it, else PermanentError naming the room as typed."""
    if room_id not in joined:
        shown = name if name == room_id else f"{name} ({room_id})"
        raise PermanentError(_("the account has not joined {room}: join it first (or leave it out of --rooms)").format(
            room=sanitize(shown, max_len=300, single_line=True)), status=403)
    return room_id
