"""Room events (from /sync, /messages, /context) as the core's values: inbox items, likes and
follows, our own messages, and the ids of what was redacted.

Pure: no request is made here. An event that points at one we have not seen (a reply to an
old message, a reaction, an edit) needs to know who sent that one: `missing()` names them, the
connector fetches them and hands them to `learn()` before `read()`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from html import unescape
from functools import lru_cache
from typing import NamedTuple

from cmtui.sync.connectors.base import OwnPost, Person, PullPage, RemoteEvent, RemoteItem
from cmtui.sync.connectors.matrix.rooms import Room
from cmtui.text_html import html_to_text

HTML_FORMAT = "org.matrix.custom.html"
_REPLY_FALLBACK_HTML = re.compile(r"<mx-reply>.*?</mx-reply>", re.DOTALL | re.IGNORECASE)
# Inline tags (any attributes without quotes' surprises), text without "<", and the entities
# HTML escapes text with: what inline_text reads without a parser.
_INLINE = r"(?:a|b|strong|i|em|code|span|del|s|u|sub|sup|font)"
_TAG = re.compile(rf"</?{_INLINE}(?:\s[^<>\"']*(?:\"[^<>\"]*\"[^<>\"']*|'[^<>']*'[^<>\"']*)*)?\s*/?>", re.IGNORECASE)
_INLINE_ONLY = re.compile(rf"(?:[^<&]|&(?:amp|lt|gt|quot|apos|nbsp|#39|#x27);|{_TAG.pattern})*", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\n]+")  # as html_to_text collapses it


def composite(room_id: str, event_id: str) -> str:
    """The remote id of an event: its room and its id ("!room/$event")."""
    return f"{room_id}/{event_id}"


def split(remote_id: str) -> tuple[str, str]:
    """(room id, event id) of a composite remote id; ValueError when it is not one."""
    room_id, sep, event = remote_id.partition("/$")
    if not sep or not room_id or not event:
        raise ValueError(f"not a Matrix event id: {remote_id!r}")  # i18n: not shown (callers say their own)
    return room_id, "$" + event


def event_url(room_id: str, event_id: str) -> str:
    return f"https://matrix.to/#/{room_id}/{event_id}"


def event_time(event: dict) -> str:
    """origin_server_ts (milliseconds) as the store's UTC text."""
    return _second(int(event["origin_server_ts"]) // 1000)


@lru_cache(maxsize=4096)
def _second(seconds: int) -> str:
    """Events come in bursts within the same second: each second is formatted once (as iso())."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def relation(content: dict) -> dict:
    rel = content.get("m.relates_to")
    return rel if isinstance(rel, dict) else {}


def reply_target(rel: dict) -> str | None:
    """The event a message really answers (a thread's fallback reply does not count)."""
    reply = rel.get("m.in_reply_to")
    if not isinstance(reply, dict) or not isinstance(reply.get("event_id"), str):
        return None
    if rel.get("rel_type") == "m.thread" and rel.get("is_falling_back") is True:
        return None
    return reply["event_id"]


def thread_root(rel: dict) -> str | None:
    """The root of the thread a message is in (None: not in a thread)."""
    root = rel.get("event_id")
    return root if rel.get("rel_type") == "m.thread" and isinstance(root, str) else None


def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def strip_reply_fallback(body: str) -> str:
    """Older clients quote the message replied to ("> <@x:y> ..." lines, then a blank line)."""
    if not body.startswith("> "):
        return body
    lines = body.split("\n")
    n = 0
    while n < len(lines) and lines[n].startswith(">"):
        n += 1
    if n < len(lines) and lines[n] == "":
        return "\n".join(lines[n + 1:])
    return body


def inline_text(html: str) -> str | None:
    """The text of HTML with only inline markup (a mention pill, bold, a link), as
    html_to_text would give it, without its parser; None for anything else (it then reads it).
    Most formatted messages are such a line, and the parser costs as much as the rest of a
    message's reading."""
    if "<" not in html and "&" not in html:
        return html  # as html_to_text: no markup, nothing to read
    if not _INLINE_ONLY.fullmatch(html):
        return None
    text = "".join(_SPACE.sub(" ", unescape(chunk)) for chunk in _TAG.split(html))
    return text.lstrip(" ").rstrip()


def message_text(content: dict) -> str:
    """A message's text: its HTML formatted body as plain text, else its body."""
    if content.get("format") == HTML_FORMAT and isinstance(content.get("formatted_body"), str):
        html = _REPLY_FALLBACK_HTML.sub("", content["formatted_body"])
        quick = inline_text(html)
        text = html_to_text(html) if quick is None else quick
    else:
        text = strip_reply_fallback(str(content.get("body") or ""))
    msgtype = content.get("msgtype")
    if isinstance(msgtype, str) and msgtype not in ("m.text", "m.notice", "m.emote"):
        text = f"[{msgtype.removeprefix('m.')}] {text}"  # an image, a file: its name
    return text


class Known(NamedTuple):  # a tuple: one is made for every message read
    """What is remembered of an event seen (or looked up) this pass."""

    sender: str
    kind: str | None = None  # the item it became, if any
    ts: int = 0  # origin_server_ts, formatted only when needed
    in_reply_to: str | None = None  # composite

    @property
    def created_at(self) -> str:
        return _second(self.ts // 1000)


@dataclass
class Reader:
    """Reads a room's events, oldest first, for one account. `since` (ISO): older items and
    events are left out (a backfill's horizon)."""

    me: str
    display_name: str = ""
    since: str = ""

    def __post_init__(self) -> None:
        self.known: dict[str, Known] = {}
        self.own: list[OwnPost] = []
        self._name_pattern: re.Pattern | None = None
        self._page: PullPage | None = None  # the page _index indexes
        self._index: dict[str, int] = {}
        self._people: dict[str, Person] = {}

    def set_display_name(self, name: str) -> None:
        if name != self.display_name:
            self.display_name, self._name_pattern = name, None

    # -- who -----------------------------------------------------------------------------
    def mentions_me(self, content: dict) -> bool:
        """m.mentions when the client sent it (it is the whole truth then); else our user id or
        display name in the text, for older clients."""
        mentions = content.get("m.mentions")
        if isinstance(mentions, dict):
            users = mentions.get("user_ids")
            return isinstance(users, list) and self.me in users
        text = strip_reply_fallback(str(content.get("body") or ""))
        if self.me in text:
            return True
        if self.display_name:
            if self._name_pattern is None:
                self._name_pattern = re.compile(rf"(?<!\w){re.escape(self.display_name)}(?!\w)", re.IGNORECASE)
            return bool(self._name_pattern.search(text))
        return False

    def sender_of(self, remote_id: str | None) -> str | None:
        known = self.known.get(remote_id) if remote_id else None
        return known.sender if known else None

    # -- lookups -------------------------------------------------------------------------
    def missing(self, room_id: str, events: list[dict]) -> list[str]:
        """Event ids these events point at whose sender we need and do not know."""
        seen = {e.get("event_id") for e in events}
        wanted: list[str] = []
        for event in events:
            content = event.get("content")
            if not isinstance(content, dict) or event.get("sender") == self.me:
                continue
            rel = relation(content)
            target = None
            if event.get("type") == "m.reaction" and rel.get("rel_type") == "m.annotation":
                target = rel.get("event_id")
            elif event.get("type") == "m.room.message":
                if rel.get("rel_type") == "m.replace":
                    target = rel.get("event_id")
                else:
                    # A reply to us mentions us too (clients add the replied-to sender): only
                    # its target tells a reply from a mention.
                    target = reply_target(rel) or thread_root(rel)
            if (isinstance(target, str) and target not in seen and target not in wanted
                    and composite(room_id, target) not in self.known):
                wanted.append(target)
        return wanted

    def learn(self, room: Room, event: dict) -> None:
        """An event looked up: remembered (and classified) but not reported."""
        page = PullPage()
        self._message(room, event, page, report=False)
        if composite(room.room_id, str(event.get("event_id"))) not in self.known and isinstance(event.get("sender"), str):
            self.known[composite(room.room_id, event["event_id"])] = Known(sender=event["sender"])

    # -- reading -------------------------------------------------------------------------
    def read(self, room: Room, events: list[dict], page: PullPage, *, timeline: bool = True) -> None:
        """Add what these events (oldest first) mean to page. timeline=False: a state
        section (the room's state, not things that just happened)."""
        for event in events:
            if not isinstance(event, dict) or not isinstance(event.get("content"), dict):
                continue
            try:
                kind = event.get("type")
                if "state_key" in event:
                    room.apply_state(event, self.me)
                    if event.get("state_key") == self.me and room.names.get(self.me):
                        self.set_display_name(room.names[self.me])  # how people here write our name
                    if timeline and kind == "m.room.member":
                        self._join(room, event, page)
                elif not timeline:
                    continue
                elif kind == "m.room.message":
                    self._message(room, event, page)
                elif kind == "m.reaction":
                    self._reaction(room, event, page)
                elif kind == "m.room.redaction":
                    redacts = event.get("redacts") or event["content"].get("redacts")
                    if isinstance(redacts, str):
                        page.deleted.append(composite(room.room_id, redacts))
            except (KeyError, TypeError, ValueError):
                continue  # one broken event must not block the stream for good

    def _person(self, room: Room, user: str) -> Person:
        name = room.display_name(user)
        person = self._people.get(user)
        if person is None or person.display_name != name:  # the busy few write most messages
            person = self._people[user] = Person(acct=user, display_name=name, remote_id=user,
                                                 url=f"https://matrix.to/#/{user}")
        return person

    def _message(self, room: Room, event: dict, page: PullPage, report: bool = True) -> None:
        content, sender, event_id = event["content"], str(event["sender"]), str(event["event_id"])
        if not content:  # redacted before we saw it
            return
        rel = relation(content)
        if rel.get("rel_type") == "m.replace":
            if report:
                self._edit(room, event, rel, page)
            return
        remote_id = composite(room.room_id, event_id)
        ts = int(event["origin_server_ts"])
        target = reply_target(rel)
        root = thread_root(rel)
        answered = target or root
        parent = composite(room.room_id, answered) if answered else None
        if sender == self.me:
            self.known[remote_id] = Known(sender, None, ts, parent)
            created = _second(ts // 1000)
            if report and created >= self.since:
                self.own.append(OwnPost(remote_id=remote_id, created_at=created, likes=0, shares=0, replies=0,
                                        in_reply_to_remote_id=parent, text=message_text(content),
                                        url=event_url(room.room_id, event_id)))
            return
        kind = self.kind(room, content, target, root)
        self.known[remote_id] = Known(sender, kind, ts, parent)
        if kind and report and (created := _second(ts // 1000)) >= self.since:
            self._put(page, RemoteItem(
                remote_id=remote_id, kind=kind, author=self._person(room, sender), text=message_text(content),
                created_at=created, url=event_url(room.room_id, event_id), in_reply_to_remote_id=parent,
                place=room.room_id))

    def conversation_item(self, room: Room, event: dict) -> RemoteItem | None:
        """Any message of a conversation (ours too) as an item; its kind as pull would say,
        "comment" when it is not addressed to us. None for what is not a readable message."""
        content = event.get("content")
        if event.get("type") != "m.room.message" or not isinstance(content, dict) or not content:
            return None
        rel = relation(content)
        if rel.get("rel_type") == "m.replace":
            return None
        try:
            sender, event_id = str(event["sender"]), str(event["event_id"])
            created = event_time(event)
        except (KeyError, TypeError, ValueError):
            return None
        target = reply_target(rel)
        root = thread_root(rel)
        answered = target or root
        parent = composite(room.room_id, answered) if answered else None
        remote_id = composite(room.room_id, event_id)
        kind = None if sender == self.me else self.kind(room, content, target, root)
        self.known[remote_id] = Known(sender, kind, int(event["origin_server_ts"]), parent)
        return RemoteItem(remote_id=remote_id, kind=kind or "comment", author=self._person(room, sender),
                          text=message_text(content), created_at=created, url=event_url(room.room_id, event_id),
                          in_reply_to_remote_id=parent, place=room.room_id)

    def kind(self, room: Room, content: dict, target: str | None, root: str | None) -> str | None:
        """What a message from someone else is to us: direct / reply / mention / comment / None."""
        if room.direct:
            return "direct"
        answered = target or root  # a message in a thread answers its root at least
        if answered and self.sender_of(composite(room.room_id, answered)) == self.me:
            return "reply"
        if self.mentions_me(content):
            return "mention"
        if room.support and not target and not root:
            return "comment"
        return None

    def _edit(self, room: Room, event: dict, rel: dict, page: PullPage) -> None:
        new = event["content"].get("m.new_content")
        original_id = rel.get("event_id")
        if not isinstance(new, dict) or not isinstance(original_id, str):
            return
        original = self.known.get(composite(room.room_id, original_id))
        # Only the sender may edit a message (the spec asks clients to ignore anyone else).
        if original is None or original.sender != event["sender"] or original.sender == self.me:
            return
        kind = original.kind or ("mention" if self.mentions_me(new) else None)
        if not kind:
            return
        edited = event_time(event)
        if max(edited, original.created_at) < self.since:
            return
        remote_id = composite(room.room_id, original_id)
        self.known[remote_id] = original._replace(kind=kind)
        self._put(page, RemoteItem(
            remote_id=remote_id, kind=kind, author=self._person(room, original.sender), text=message_text(new),
            created_at=original.created_at, url=event_url(room.room_id, original_id),
            in_reply_to_remote_id=original.in_reply_to, edited_at=edited, place=room.room_id))

    def _put(self, page: PullPage, item: RemoteItem) -> None:
        """An item once per page: an edit in the same page replaces the text read before it."""
        if page is not self._page:
            self._page, self._index = page, {i.remote_id: n for n, i in enumerate(page.items)}
        n = self._index.get(item.remote_id)
        if n is None:
            self._index[item.remote_id] = len(page.items)
            page.items.append(item)
        else:
            page.items[n] = item

    def _reaction(self, room: Room, event: dict, page: PullPage) -> None:
        rel = relation(event["content"])
        target = rel.get("event_id")
        if rel.get("rel_type") != "m.annotation" or not isinstance(target, str) or event["sender"] == self.me:
            return
        post = composite(room.room_id, target)
        if self.sender_of(post) == self.me and (created := event_time(event)) >= self.since:
            page.events.append(RemoteEvent(kind="like", remote_id=composite(room.room_id, event["event_id"]),
                                           actor=str(event["sender"]), created_at=created, post_remote_id=post))

    def _join(self, room: Room, event: dict, page: PullPage) -> None:
        user = str(event.get("state_key") or "")
        previous = (event.get("unsigned") or {}).get("prev_content") or {}
        if (event["content"].get("membership") != "join" or user == self.me
                or (isinstance(previous, dict) and previous.get("membership") == "join")):
            return  # a display name change, or ourselves
        created = event_time(event)
        if created >= self.since:
            page.events.append(RemoteEvent(kind="follow", remote_id=composite(room.room_id, event["event_id"]),
                                           actor=user, created_at=created))
