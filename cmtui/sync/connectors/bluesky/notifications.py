"""Notifications and posts as the connector's values, and the mark a pass leaves.

listNotifications answers newest first, `cursor` paging older. The mark saved after a pass
is the newest notification seen (its indexedAt, its uri for ties); the next pass reads
until it meets it again, so with nothing new it is one request. The mark also carries the
account's last figures and when they and the post counters were read: a pass asks again
only when they are due, and the engine still hears the figures every pass.

Times: a post's createdAt is what its client claims (it may be far in the future); the
server's indexedAt is not. An item's time is the earlier of the two, as Bluesky's own
feeds sort them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from cmtui.model import iso
from cmtui.sync.connectors.base import OwnPost, Person, RemoteEvent, RemoteItem
from cmtui.sync.connectors.bluesky.text import plain_text
from cmtui.sync.connectors.bluesky.uris import WEB, web_url

log = logging.getLogger("cmtui.sync")

ITEM_KINDS = {"mention": "mention", "reply": "reply", "quote": "mention"}
EVENT_KINDS = {"like": "like", "repost": "share", "follow": "follow"}
ACTIVITY = {"like", "repost", "reply", "quote"}  # what changes our posts' counters


@dataclass
class Mark:
    """Where the last pass stopped (JSON in the stored cursor)."""

    at: str | None = None  # indexedAt of the newest notification seen
    uri: str | None = None
    followers: int | None = None
    following: int = 0
    posts: int = 0
    profile_at: str | None = None  # when the figures were read (ISO UTC)
    stats_at: str | None = None  # when our posts' counters were read
    stats_owed: bool | None = None  # True: activity seen since, by a pull that read no counters

    def to_text(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str | None) -> Mark | None:
        """None for no cursor, or one this connector did not write (read back to the horizon).
        A mark without a readable `at` (no notification yet) keeps its figures."""
        try:
            data = json.loads(text or "")
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        mark = cls()
        for key in ("at", "uri", "profile_at", "stats_at"):
            if isinstance(data.get(key), str):
                setattr(mark, key, data[key])
        if data.get("stats_owed") is True:
            mark.stats_owed = True
        for key in ("followers", "following", "posts"):
            if isinstance(data.get(key), int) and not isinstance(data.get(key), bool) and data[key] >= 0:
                setattr(mark, key, data[key])
        if not when(mark.at):
            mark.at = mark.uri = None
        return mark


def when(value) -> datetime | None:
    """A server time (ISO 8601) as an aware datetime, None if unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _text(value, parsed: datetime) -> str:
    """The store's UTC text of a time already read: cut from the server's own text when it is
    UTC with a Z (what the AppView sends: no formatting per notification), else formatted."""
    if isinstance(value, str) and len(value) >= 20 and value[-1] == "Z" and value[19] in ".Z":
        return value[:19] + "Z"
    return iso(parsed)


def _time(record: dict, indexed_at) -> str:
    """The earlier of the claimed createdAt and the server's indexedAt (KeyError if neither)."""
    created, indexed = record.get("createdAt"), indexed_at
    times = [(t, v) for v in (created, indexed) if (t := when(v)) is not None]
    if not times:
        raise KeyError("createdAt")
    parsed, value = min(times)
    return _text(value, parsed)


def person(author: dict) -> Person:
    did = str(author["did"])
    handle = author.get("handle") if isinstance(author.get("handle"), str) else ""
    if handle == "handle.invalid":  # the server could not confirm it: the DID is the name
        handle = ""
    created = author.get("createdAt")
    joined = when(created)
    return Person(acct=handle or did, display_name=str(author.get("displayName") or ""), remote_id=did,
                  url=f"{WEB}/profile/{handle or did}", created_at=_text(created, joined) if joined else None)


def obj(value) -> dict:
    """value if it is a JSON object, else an empty one (remote data may be any shape)."""
    return value if isinstance(value, dict) else {}


def record_text(record: dict) -> str:
    """The text with full link URLs; a link card's URL added when the text does not show it."""
    text = plain_text(record.get("text") or "", record.get("facets"))
    embed = obj(record.get("embed"))
    media = obj(embed.get("media")) or embed  # recordWithMedia
    uri = obj(media.get("external")).get("uri")
    if isinstance(uri, str) and uri and uri not in text:
        text = f"{text}\n{uri}" if text else uri
    return text


def reply_parent(record: dict) -> str | None:
    uri = obj(obj(record.get("reply")).get("parent")).get("uri")
    return uri if isinstance(uri, str) else None


def language(record: dict) -> str | None:
    langs = record.get("langs")
    return langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None


def post_item(view: dict, kind: str) -> RemoteItem:
    """A post (a notification, or a thread's post view) as an item. KeyError/TypeError when
    it is malformed."""
    record = view["record"]
    if not isinstance(record, dict):
        raise TypeError("record")
    author = person(view["author"])
    return RemoteItem(remote_id=str(view["uri"]), kind=kind, author=author, text=record_text(record),
                      created_at=_time(record, view.get("indexedAt")), url=web_url(author.acct, str(view["uri"])),
                      language=language(record), in_reply_to_remote_id=reply_parent(record))


def read(notification: dict) -> RemoteItem | RemoteEvent | None:
    """One notification as an item or an event; None for kinds the inbox does not count."""
    reason = notification.get("reason")
    if reason in ITEM_KINDS:
        return post_item(notification, ITEM_KINDS[reason])
    if reason in EVENT_KINDS:
        subject = notification.get("reasonSubject")
        actor = person(notification["author"])
        return RemoteEvent(kind=EVENT_KINDS[reason], remote_id=str(notification["uri"]), actor=actor.acct,
                           created_at=_time({}, notification["indexedAt"]),
                           post_remote_id=subject if reason != "follow" and isinstance(subject, str) else None)
    return None


def own_post(view: dict) -> OwnPost:
    """A post of ours from an author feed, with its counters."""
    record = view["record"]
    uri = str(view["uri"])
    return OwnPost(remote_id=uri, created_at=_time(record, view.get("indexedAt")),
                   likes=count(view.get("likeCount")), shares=count(view.get("repostCount")),
                   replies=count(view.get("replyCount")), in_reply_to_remote_id=reply_parent(record),
                   language=language(record), text=record_text(record),
                   url=web_url(str(view["author"].get("handle") or ""), uri))


def count(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
