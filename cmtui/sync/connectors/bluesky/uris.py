"""at-URIs (at://did/collection/rkey): a record's address, the remote id of every post."""

from __future__ import annotations

import re
from dataclasses import dataclass

POST = "app.bsky.feed.post"
_AT_URI = re.compile(r"^at://(did:[a-z]+:[a-zA-Z0-9._:%-]+|[a-zA-Z0-9.-]+)/([a-zA-Z0-9.-]+)/([a-zA-Z0-9._~:-]{1,512})$")
WEB = "https://bsky.app"


@dataclass(frozen=True)
class AtUri:
    repo: str  # a DID (or a handle, in URIs people write)
    collection: str
    rkey: str

    @classmethod
    def parse(cls, uri: str) -> AtUri:
        match = _AT_URI.match(uri or "")
        if not match:
            raise ValueError("not an at-URI")  # i18n: not shown (callers say their own)
        return cls(*match.groups())

    def __str__(self) -> str:
        return f"at://{self.repo}/{self.collection}/{self.rkey}"


def post_uri(repo: str, rkey: str) -> str:
    return str(AtUri(repo, POST, rkey))


def web_url(author: str, uri: str) -> str | None:
    """The post's page on bsky.app (author: the handle, or the DID when it has none)."""
    try:
        parsed = AtUri.parse(uri)
    except ValueError:
        return None
    if parsed.collection != POST:
        return None
    return f"{WEB}/profile/{author or parsed.repo}/post/{parsed.rkey}"
