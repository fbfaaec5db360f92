"""Matrix names the user types, made into what the API takes: a user id checked before any
request, a room alias resolved through the room directory, a room checked to be one the
account has joined (a room it is not in would count nothing and refuse every reply).

Requests go through the connector's own `get(path) -> dict` (its errors, its counting), so
this module imports no HTTP client.
"""

from __future__ import annotations

import re
from typing import Awaitable, Callable
from urllib.parse import quote

from cmtui.errors import InputError
from cmtui.sync.connectors.base import PermanentError

# @localpart:server_name, the server a host name, IPv4 or [IPv6] literal, with an optional
# port (the spec's grammar; localparts of historical users may hold any printable ASCII but ':').
_SERVER = r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?"
_USER_ID = re.compile(rf"@[!-9;-~]+:{_SERVER}")
_ROOM_ID = re.compile(rf"![!-9;-~]+:{_SERVER}|![!-~]+")  # room v12 ids carry no server name
_ALIAS = re.compile(rf"#[!-9;-~]+:{_SERVER}")

Get = Callable[[str], Awaitable[dict]]


def user_id(user: str) -> str:
    """A full Matrix user id, or InputError saying what one looks like."""
    user = user.strip()
    if len(user) > 255 or not _USER_ID.fullmatch(user):
        raise InputError(f"'{user}' is not a Matrix user id (like @me:example.org)")
    return user


def is_room_id(name: str) -> bool:
    return bool(_ROOM_ID.fullmatch(name))


async def room_id(get: Get, name: str, joined: set[str]) -> str:
    """The id of the room `name` (an id or an alias) that the account has joined (`joined`:
    the ids /joined_rooms listed). PermanentError when there is no such room or the account
    is not in it, InputError for a name that is neither."""
    name = name.strip()
    if _ALIAS.fullmatch(name):
        try:
            found = await get(f"/_matrix/client/v3/directory/room/{quote(name, safe='')}")
        except PermanentError as exc:
            if exc.status == 404:
                raise PermanentError(f"no room {name} on the server", status=404) from None
            raise
        resolved = found.get("room_id") if isinstance(found, dict) else None
        if not isinstance(resolved, str) or not is_room_id(resolved):
            raise PermanentError(f"the server did not say which room {name} is", status=502)
    elif is_room_id(name):
        resolved = name
    else:
        raise InputError(f"'{name}' is not a Matrix room (an alias like #help:example.org, or an id like"
                         " !abc:example.org)")
    if resolved not in joined:
        shown = name if name == resolved else f"{name} ({resolved})"
        raise PermanentError(f"the account has not joined {shown}: join it first", status=403)
    return resolved


async def joined_rooms(get: Get) -> set[str]:
    """The ids of the rooms the account has joined (one request)."""
    found = await get("/_matrix/client/v3/joined_rooms")
    rooms = found.get("joined_rooms") if isinstance(found, dict) else None
    return {r for r in rooms if isinstance(r, str)} if isinstance(rooms, list) else set()
