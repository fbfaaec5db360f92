"""Matrix rooms over the client-server API (and Synapse's admin API for admins), with httpx.

A pass is one /sync from the saved cursor: with nothing new that is the only request (verify,
limits and own_posts answer from what the pass and the stored places already hold). The
first pass backfills each counted room with /messages back to the horizon; its cursor is
handed over only at the end, so an interrupted backfill starts again rather than leave a gap.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from typing import AsyncIterator

import httpx

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.model import iso, utcnow
from cmtui.sync.connectors.base import (
    AccountContext, AccountInfo, AdminReports, AuthError, Connector, Limits, OwnPost, PermanentError, Person, Place,
    Posted, PostRequest, PullPage, RemoteItem, RemoteReport, SignIn, TransientError,
)
from cmtui.sync.connectors.matrix import directory
from cmtui.sync.connectors.matrix.events import (
    Known, Reader, as_dict, composite, event_time, event_url, relation, reply_target, split, thread_root,
)
from cmtui.sync.connectors.matrix.http import MatrixHttp, error_parts, normalize_homeserver, segment
from cmtui.sync.connectors.matrix.media import send_images
from cmtui.sync.connectors.matrix.profile import PROFILE
from cmtui.sync.connectors.matrix.rooms import Room
from cmtui.sync.connectors.transport import unreachable
from cmtui.text import sanitize

log = logging.getLogger("cmtui.sync")

STATE_TYPES = ["m.room.member", "m.room.name", "m.room.canonical_alias", "m.room.power_levels", "m.room.create"]
TIMELINE_TYPES = ["m.room.message", "m.reaction", "m.room.redaction", *STATE_TYPES]
MAX_LOOKUPS = 25  # events fetched per pass to learn who sent what a reply, edit or reaction points at
ADMIN = "/_synapse/admin/v1"
LIKE_KEY = "👍"  # the reaction a like sends


def _place_ids(options, key: str) -> set[str]:
    value = (options or {}).get(key) or ()
    return {str(v) for v in value}


class MatrixConnector(Connector):
    platform = "matrix"
    profile = PROFILE  # its capabilities too (Connector.__init_subclass__)
    timeline_limit = 100  # events per room in one /sync (more: the gap is read with /messages)
    messages_page = 100  # events per /messages page

    @classmethod
    def normalize_server(cls, url: str) -> str:
        return normalize_homeserver(url)

    @classmethod
    def password_login(cls, server: str, user: str, password: str, timeout: float) -> SignIn:
        """m.login.password: a new device's access token (only it and the device id are kept)."""
        server = normalize_homeserver(server)
        body = {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": user},
                "password": password, "initial_device_display_name": "cmtui"}
        try:
            response = httpx.post(f"{server}/_matrix/client/v3/login", json=body, timeout=timeout)
        except httpx.HTTPError as exc:
            raise InputError(unreachable(server, type(exc).__name__)) from None
        if response.status_code == 403:
            raise AuthError(_("{server} refused the user name or password").format(server=server))
        if response.status_code >= 300:
            code, text, _retry = error_parts(response)
            raise InputError(_("{server} refused the sign-in: {reason}").format(
                server=server, reason=f"{response.status_code} {code} {text}").rstrip())
        try:
            answer = response.json()
            return SignIn(token=str(answer["access_token"]), device_id=str(answer.get("device_id") or "") or None)
        except (ValueError, KeyError, TypeError):
            raise InputError(_("{server} does not look like a Matrix homeserver (no access token)").format(
                server=server)) from None

    @classmethod
    def sign_out(cls, server: str, signed: SignIn, timeout: float) -> None:
        """/logout for the device a password sign-in made (not for a token given to us)."""
        if not signed.device_id:
            return
        try:
            httpx.post(f"{normalize_homeserver(server)}/_matrix/client/v3/logout",
                       headers={"Authorization": f"Bearer {signed.token}"}, json={}, timeout=timeout)  # i18n: not shown
        except httpx.HTTPError:
            log.warning("could not sign the new device out of %s", server)

    def __init__(self, server: str, token: str, *, timeout: float = 30.0, account: AccountContext | None = None,
                 clock=utcnow, transport: httpx.AsyncBaseTransport | None = None):
        self.server = normalize_homeserver(server)
        self.context = account or AccountContext(remote_id=None, handle="", is_admin=False, options={}, places=())
        self.me: str | None = self.context.remote_id
        self.clock = clock
        self.http = MatrixHttp(self.server, token, timeout=timeout, clock=clock, transport=transport)
        self.host = self.http.host
        self._only = _place_ids(self.context.options, "places")  # empty: every joined room counts
        self._support = _place_ids(self.context.options, "support_places")
        self._rooms: dict[str, Room] = {p.id: Room.from_place(p) for p in self.context.places}
        for room in self._rooms.values():
            room.support = room.room_id in self._support
        self._own: list[OwnPost] = []
        self._direct: set[str] = set()  # direct rooms by m.direct, when this pass's /sync sent it
        self._lookups = MAX_LOOKUPS
        self._display_name = ""
        self._joined: set[str] | None = None  # the rooms /joined_rooms listed, once resolve_place asked

    @property
    def requests(self) -> int:  # counted where they are sent
        return self.http.requests

    @requests.setter
    def requests(self, value: int) -> None:
        self.http.requests = value

    async def close(self) -> None:
        await self.http.close()

    # -- who we are ----------------------------------------------------------------------
    async def _whoami(self) -> str:
        if self.me is None:
            body = await self.http.call("GET", "/account/whoami")
            if not isinstance(body.get("user_id"), str):
                raise TransientError(_("malformed whoami from {host}").format(host=self.host))
            self.me = body["user_id"]
        return self.me

    async def _is_admin(self, user: str) -> bool:
        try:
            body = await self.http.call("GET", f"/users/{segment(user)}/admin", prefix=ADMIN)
        except PermanentError:  # 403 (not an admin) or 404 (no Synapse admin API)
            return False
        return body.get("admin") is True

    async def verify(self) -> AccountInfo:
        if self.context.remote_id:  # known: answered from the context and this pass's rooms
            return AccountInfo(remote_id=self.context.remote_id, acct=self.context.handle or self.context.remote_id,
                               display_name=self._display_name, followers=sum(p.members for p in self.places()),
                               following=0, posts=0, is_admin=self.context.is_admin)
        me = await self._whoami()
        admin = await self._is_admin(me)
        try:
            profile = await self.http.call("GET", f"/profile/{segment(me)}/displayname")
            name = str(profile.get("displayname") or "")
        except PermanentError:
            name = ""
        return AccountInfo(remote_id=me, acct=me, display_name=sanitize(name, max_len=200, single_line=True),
                           followers=sum(p.members for p in self.places()), following=0, posts=0, is_admin=admin)

    async def audience(self, info: AccountInfo) -> AccountInfo:
        """Followers are the members of the counted rooms, as this pass left them."""
        places = self.places()
        return replace(info, followers=sum(p.members for p in places)) if places else info

    async def limits(self) -> Limits:
        return Limits(max_chars=PROFILE.max_chars)

    @classmethod
    def normalize_user(cls, user: str) -> str:
        return directory.user_id(user)

    async def resolve_place(self, alias: str) -> str:
        """The id of a room the account has joined, named by alias or id (PermanentError else)."""
        if self._joined is None:
            self._joined = await directory.joined_rooms(lambda path: self.http.call("GET", path))
        return directory.require_joined(alias.strip(), await self._room_id(alias), self._joined)

    async def _room_id(self, alias: str) -> str:
        """A room alias (#room:server) as its room id; a room id as itself."""
        alias = alias.strip()
        if alias.startswith("!"):
            return alias
        if not alias.startswith("#") or ":" not in alias:
            raise InputError(_("'{name}' is not a room (#alias:server or !id)").format(
                name=sanitize(alias, max_len=200, single_line=True)))
        body = await self.http.call("GET", f"/directory/room/{segment(alias)}")
        if not isinstance(body.get("room_id"), str):
            raise TransientError(_("malformed room alias answer from {host}").format(host=self.host))
        return body["room_id"]

    # -- pulling -------------------------------------------------------------------------
    def _filter(self) -> str:
        room: dict = {
            "timeline": {"limit": self.timeline_limit, "types": TIMELINE_TYPES},
            "state": {"types": STATE_TYPES, "lazy_load_members": True},
            "ephemeral": {"types": []}, "account_data": {"types": []},
        }
        if self._only:
            room["rooms"] = sorted(self._only)
        return json.dumps({"room": room, "presence": {"types": []}, "account_data": {"types": ["m.direct"]}},
                          separators=(",", ":"))

    def _room(self, room_id: str) -> Room:
        room = self._rooms.get(room_id)
        if room is None:
            room = self._rooms[room_id] = Room(room_id)
            room.support, room.direct = room_id in self._support, room_id in self._direct
        return room

    def _counts(self, room_id: str) -> bool:
        return not self._only or room_id in self._only

    async def pull(self, cursor: str | None, since: datetime) -> AsyncIterator[PullPage]:
        me = await self._whoami()
        try:
            body = await self._sync(cursor)
        except PermanentError as exc:
            if not cursor or exc.status != 400:
                raise
            # A token the homeserver no longer takes (reset, restored from a backup): read
            # again back to the horizon; what is already stored is matched, not doubled.
            log.warning("%s no longer takes the saved sync token; reading back to the horizon", self.host)
            cursor = None
            body = await self._sync(None)
        async for page in self.read_sync(me, body, cursor, "" if cursor else iso(since)):
            yield page

    async def _sync(self, cursor: str | None, wait_ms: int = 0) -> dict:
        """One /sync from the cursor (none: from the start); wait_ms > 0 is a long poll."""
        params = {"filter": self._filter(), "timeout": str(wait_ms), **({"since": cursor} if cursor else {})}
        if wait_ms:
            return await self.http.call("GET", "/sync", params=params, wait=wait_ms / 1000)
        return await self.http.call("GET", "/sync", params=params)

    async def read_sync(self, me: str, body: dict, cursor: str | None, since: str) -> AsyncIterator[PullPage]:
        """A /sync answer as pages: rooms joined and left, direct rooms, replies and what they
        point at, each counted room's gap or backfill. With no cursor (a backfill back to the
        ISO `since`), a page per room; else one page. The last page carries next_batch, final."""
        self._own, self._lookups = [], MAX_LOOKUPS
        next_batch = body.get("next_batch")
        if not isinstance(next_batch, str):
            raise TransientError(_("malformed /sync from {host} (no next_batch)").format(host=self.host))
        reader = Reader(me=me, display_name=me[1:].partition(":")[0], since=since)
        rooms = as_dict(body.get("rooms"))
        self._note_direct(body)
        for room_id in (rooms.get("leave") or {}):
            self._rooms.pop(room_id, None)
        page = PullPage()
        for room_id, data in (rooms.get("join") or {}).items():
            if not self._counts(room_id) or not isinstance(data, dict):
                continue
            if cursor is None:
                page = PullPage()  # a backfill: one page per room
            await self._read_room(reader, self._room(room_id), data, page, cursor)
            if cursor is None:
                yield page
        self._own = reader.own
        if cursor is None:
            page = PullPage()
        page.cursor, page.final = next_batch, True
        yield page

    def live(self, cursor: str | None) -> AsyncIterator[PullPage]:
        """/sync as a long poll (long_poll.py): a page per answer, each moving the cursor."""
        from cmtui.sync.connectors.matrix.long_poll import updates

        return updates(self, cursor)

    def _note_direct(self, body: dict) -> None:
        """m.direct account data (sent when it changes): {user: [room ids]}."""
        for event in ((body.get("account_data") or {}).get("events") or []):
            if isinstance(event, dict) and event.get("type") == "m.direct" and isinstance(event.get("content"), dict):
                self._direct = {str(r) for rooms in event["content"].values() if isinstance(rooms, list)
                                for r in rooms}
                for room_id, room in self._rooms.items():  # rooms left long ago stay out of places
                    room.direct = room.direct or room_id in self._direct

    async def _read_room(self, reader: Reader, room: Room, data: dict, page: PullPage, cursor: str | None) -> None:
        room.apply_summary(data.get("summary") or {})
        reader.read(room, ((data.get("state") or {}).get("events") or []), page, timeline=False)
        timeline = data.get("timeline") or {}
        events = [e for e in (timeline.get("events") or []) if isinstance(e, dict)]
        if timeline.get("limited") and isinstance(timeline.get("prev_batch"), str):
            events = await self._older(reader, room, timeline["prev_batch"], cursor) + events
        await self._look_up(reader, room, events)
        reader.read(room, events, page)

    async def _older(self, reader: Reader, room: Room, token: str, cursor: str | None) -> list[dict]:
        """The events before a /sync timeline: back to the cursor (a gap) or to the horizon."""
        newest_first: list[dict] = []
        message_filter = json.dumps({"types": TIMELINE_TYPES, "lazy_load_members": True}, separators=(",", ":"))
        while True:
            params = {"dir": "b", "from": token, "limit": str(self.messages_page), "filter": message_filter}
            if cursor:
                params["to"] = cursor
            body = await self.http.call("GET", f"/rooms/{segment(room.room_id)}/messages", params=params)
            chunk = [e for e in (body.get("chunk") or []) if isinstance(e, dict)]
            reader.read(room, [e for e in (body.get("state") or []) if isinstance(e, dict)], PullPage(), timeline=False)
            newest_first.extend(chunk)
            end = body.get("end")
            if not chunk or not isinstance(end, str) or end == token or self._reaches_back(chunk, reader.since):
                break
            token = end
        return newest_first[::-1]

    @staticmethod
    def _reaches_back(chunk: list[dict], since: str) -> bool:
        """Whether a page (newest first) goes back past the horizon: its oldest event tells."""
        for event in reversed(chunk):
            try:
                return bool(since) and event_time(event) < since
            except (KeyError, TypeError, ValueError):
                continue
        return False

    async def _look_up(self, reader: Reader, room: Room, events: list[dict]) -> None:
        """Learn the senders of the older events these point at (a budget per pass)."""
        for event_id in reader.missing(room.room_id, events):
            if self._lookups <= 0:
                log.info("%s: lookup budget spent; older replies and reactions may be missed", self.host)
                return
            self._lookups -= 1
            try:
                event = await self.http.call("GET", f"/rooms/{segment(room.room_id)}/event/{segment(event_id)}")
            except PermanentError:  # gone, or from before we joined
                reader.known[composite(room.room_id, event_id)] = Known(sender="")
                continue
            reader.learn(room, event)

    def places(self) -> list[Place]:
        me = self.me or ""
        return [room.place(me) for room_id, room in self._rooms.items() if self._counts(room_id)]

    async def own_posts(self, account_remote_id: str, since: datetime) -> list[OwnPost]:
        since_text = iso(since)
        return [p for p in self._own if p.created_at >= since_text]

    # -- threads -------------------------------------------------------------------------
    async def thread(self, remote_id: str) -> list[RemoteItem]:
        room_id, event_id = self._split(remote_id)
        me = await self._whoami()
        base = f"/rooms/{segment(room_id)}"
        context = await self.http.call("GET", f"{base}/context/{segment(event_id)}", params={"limit": "20"})
        event = context.get("event")
        if not isinstance(event, dict):
            raise TransientError(_("malformed context from {host}").format(host=self.host))
        before = {e.get("event_id"): e for e in (context.get("events_before") or []) if isinstance(e, dict)}
        found: dict[str, dict] = {event_id: event}
        chain = event
        for _step in range(20):  # the replied-to chain, as far as it goes
            target = reply_target(relation(as_dict(chain.get("content"))))
            if not target or target in found:
                break
            older = before.get(target) or await self._event(room_id, target)
            if older is None:
                break
            found[target] = chain = older
        root = thread_root(relation(as_dict(event.get("content")))) or event_id
        if root not in found and (root_event := await self._event(room_id, root)) is not None:
            found[root] = root_event
        relations = await self.http.call("GET", f"{base}/relations/{segment(root)}/m.thread",
                                         params={"dir": "f", "limit": "100"}, prefix="/_matrix/client/v1")
        for entry in relations.get("chunk") or []:
            if isinstance(entry, dict) and isinstance(entry.get("event_id"), str):
                found.setdefault(entry["event_id"], entry)
        room = self._room(room_id)
        reader = Reader(me=me)
        reader.read(room, [e for e in (context.get("state") or []) if isinstance(e, dict)], PullPage(), timeline=False)
        ordered = sorted(found.values(), key=lambda e: (int(e.get("origin_server_ts") or 0), str(e.get("event_id"))))
        return [item for e in ordered if (item := reader.conversation_item(room, e)) is not None]

    async def _event(self, room_id: str, event_id: str) -> dict | None:
        try:
            return await self.http.call("GET", f"/rooms/{segment(room_id)}/event/{segment(event_id)}")
        except PermanentError:
            return None

    def _split(self, remote_id: str) -> tuple[str, str]:
        try:
            return split(remote_id)
        except ValueError:
            raise PermanentError(_("'{id}' is not a Matrix message id").format(
                id=sanitize(remote_id, max_len=200, single_line=True)),
                                 404) from None

    # -- publishing ----------------------------------------------------------------------
    async def _send(self, room_id: str, content: dict, txn: str) -> str:
        body = await self.http.call("PUT", f"/rooms/{segment(room_id)}/send/m.room.message/{segment(txn)}",
                                    json=content)
        if not isinstance(body.get("event_id"), str):
            raise TransientError(_("malformed send answer from {host}").format(host=self.host))
        return body["event_id"]

    async def publish(self, post: PostRequest) -> Posted:
        content: dict = {"msgtype": "m.text", "body": post.text}
        if post.in_reply_to_remote_id:
            room_id, target = self._split(post.in_reply_to_remote_id)
            question = await self.http.call("GET", f"/rooms/{segment(room_id)}/event/{segment(target)}")
            relates: dict = {"m.in_reply_to": {"event_id": target}}
            root = thread_root(relation(as_dict(question.get("content"))))
            if root:  # answered in its thread, as a real reply (not the thread's fallback)
                relates.update({"rel_type": "m.thread", "event_id": root, "is_falling_back": False})
            content["m.relates_to"] = relates
            sender = question.get("sender")
            content["m.mentions"] = {"user_ids": [sender]} if isinstance(sender, str) else {}
        elif post.place:
            room_id = post.place
        else:
            raise PermanentError(_("a Matrix post needs a room to go to"), 400)
        event_id = await self._send(room_id, content, post.idempotency_key)
        if post.media:  # after the text, in its thread if it has one
            thread = content.get("m.relates_to") or {}
            images_in: dict | None = ({k: thread[k] for k in ("rel_type", "event_id") if k in thread}
                                    if "rel_type" in thread else None)
            await send_images(self.http, self._send, room_id, post.media, post.idempotency_key, images_in)
        return Posted(remote_id=composite(room_id, event_id), url=event_url(room_id, event_id),
                      created_at=iso(self.clock()))

    async def edit(self, remote_id: str, text: str, spoiler_text: str | None = None) -> Posted:
        room_id, event_id = self._split(remote_id)
        content = {"msgtype": "m.text", "body": f"* {text}", "m.new_content": {"msgtype": "m.text", "body": text},
                   "m.relates_to": {"rel_type": "m.replace", "event_id": event_id}}
        await self._send(room_id, content, f"edit-{uuid.uuid4().hex}")
        return Posted(remote_id=remote_id, url=event_url(room_id, event_id))

    async def _redact(self, remote_id: str, reason: str | None) -> None:
        room_id, event_id = self._split(remote_id)
        body = {"reason": reason} if reason else {}
        try:
            await self.http.call("PUT", f"/rooms/{segment(room_id)}/redact/{segment(event_id)}/"
                                        f"{segment('redact-' + uuid.uuid4().hex)}", json=body)
        except PermanentError as exc:
            if exc.status != 404:  # already gone is what we wanted
                raise

    async def delete(self, remote_id: str) -> None:
        await self._redact(remote_id, None)

    async def remove(self, remote_id: str, reason: str = "") -> None:
        await self._redact(remote_id, reason)

    # -- moderation ------------------------------------------------------------------------
    async def mute(self, account_remote_id: str) -> None:
        """Add to the account's ignore list (read, add, write: the list is one document)."""
        me = await self._whoami()
        path = f"/user/{segment(me)}/account_data/m.ignored_user_list"
        try:
            current = await self.http.call("GET", path)
        except PermanentError as exc:
            if exc.status != 404:
                raise
            current = {}
        ignored = as_dict(current.get("ignored_users"))
        if account_remote_id in ignored:
            return
        await self.http.call("PUT", path, json={**current, "ignored_users": {**ignored, account_remote_id: {}}})

    async def _membership(self, action: str, account_remote_id: str, place: str, reason: str | None) -> None:
        body = {"user_id": account_remote_id, **({"reason": reason} if reason else {})}
        await self.http.call("POST", f"/rooms/{segment(place)}/{action}", json=body)

    async def kick(self, account_remote_id: str, place: str, reason: str = "") -> None:
        await self._membership("kick", account_remote_id, place, reason)

    async def ban(self, account_remote_id: str, place: str, reason: str = "") -> None:
        await self._membership("ban", account_remote_id, place, reason)

    async def unban(self, account_remote_id: str, place: str) -> None:
        await self._membership("unban", account_remote_id, place, None)

    async def report(self, account_remote_id: str, status_ids: list[str], comment: str = "",
                     category: str | None = None, forward: bool = False) -> str:
        """Report a message to the homeserver's admins; the report's id is the event's."""
        if not status_ids:
            raise PermanentError(_("a Matrix report is about a message: choose one"), 400)
        room_id, event_id = self._split(status_ids[0])
        await self.http.call("POST", f"/rooms/{segment(room_id)}/report/{segment(event_id)}",
                             json={"reason": comment})
        return event_id

    async def admin_reports(self) -> AdminReports:
        reports: list[RemoteReport] = []
        unread: list[str] = []
        params: dict = {"limit": "100", "dir": "b"}
        for _page in range(50):  # 5,000 reports at most per pass
            body = await self.http.call("GET", "/event_reports", params=params, prefix=ADMIN)
            for entry in body.get("event_reports") or []:
                try:
                    reports.append(RemoteReport(
                        remote_id=str(entry["id"]), target=Person(acct=str(entry["sender"]), remote_id=str(entry["sender"])),
                        created_at=iso(datetime.fromtimestamp(int(entry["received_ts"]) / 1000, tz=timezone.utc)),
                        comment=str(entry.get("reason") or ""),
                        status_ids=(composite(str(entry["room_id"]), str(entry["event_id"])),)))
                except (KeyError, TypeError, ValueError, AttributeError):
                    if isinstance(entry, dict) and isinstance(entry.get("id"), int):
                        unread.append(str(entry["id"]))
            following = body.get("next_token")
            if following is None:
                break
            params["from"] = str(following)
        return AdminReports(reports, tuple(unread))

    async def resolve_report(self, report_id: str) -> None:
        try:
            await self.http.call("DELETE", f"/event_reports/{segment(report_id)}", prefix=ADMIN)
        except PermanentError as exc:
            if exc.status != 404:
                raise

    async def account_action(self, account_remote_id: str, action: str, text: str = "",
                             report_id: str | None = None) -> None:
        user = segment(account_remote_id)
        if action == "deactivate":
            await self.http.call("POST", f"/deactivate/{user}", json={"erase": False}, prefix=ADMIN)
        elif action == "redact":
            await self.http.call("POST", f"/user/{user}/redact", json={"rooms": [], **({"reason": text} if text else {})},
                                 prefix=ADMIN)
        else:
            raise PermanentError(_("Matrix has no account action '{action}'").format(
                action=sanitize(action, max_len=40, single_line=True)), 400)

    # -- likes and shares --
    # A like is a 👍 reaction (an m.annotation), sent with the outbox key as its transaction id:
    # the homeserver answers a retried send with the event it already made. Its receipt is the
    # reaction's own id; taking it back redacts that event. Rooms have no sharing.
    async def like(self, remote_id: str, key: str) -> str | None:
        room_id, event_id = self._split(remote_id)
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": LIKE_KEY}}
        body = await self.http.call("PUT", f"/rooms/{segment(room_id)}/send/m.reaction/{segment(key)}", json=content)
        if not isinstance(body.get("event_id"), str):
            raise TransientError(_("malformed send answer from {host}").format(host=self.host))
        return composite(room_id, body["event_id"])

    async def unlike(self, remote_id: str, receipt: str | None = None) -> None:
        if receipt:  # (none: the reaction was never made)
            await self._redact(receipt, None)
