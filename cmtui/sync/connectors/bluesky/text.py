"""A post's text and its facets (rich-text annotations on UTF-8 byte ranges).

Incoming: a link facet's visible text is often shortened ("example.com/very/lo..."), so its
byte range is replaced by the facet's full URI; mentions and tags stay as written. Outgoing:
@handles, links and #tags found in plain text become facets, with byte offsets (an emoji
before a mention moves it by four bytes, not one character).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import regex

LINK = "app.bsky.richtext.facet#link"
MENTION = "app.bsky.richtext.facet#mention"
TAG = "app.bsky.richtext.facet#tag"

# As Bluesky's composer finds them: a mention starts the text or follows a space or "(".
_MENTION = regex.compile(r"(?:^|(?<=[\s(]))@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
                         r"[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?![\w.-]*[\w-])")
_URL = regex.compile(r"(?:^|(?<=[\s(]))(https?://[^\s]+)", regex.IGNORECASE)
_TAG = regex.compile(r"(?:^|(?<=\s))[#＃]([^\s#＃]*[^\d\s\p{P}][^\s#＃]*)")
_TRAILING = ".,;:!?\"'"
MAX_TAG = 64  # graphemes, without the '#'


@dataclass(frozen=True)
class Span:
    """Something in outgoing text that becomes a facet: kind mention/link/tag, its
    character range, and its value (a handle, a URL, a tag without '#')."""

    kind: str
    start: int
    end: int
    value: str


def _trim_url(url: str) -> str:
    """A URL as typed in a sentence: without the full stop after it, and without a closing
    parenthesis it did not open."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def spans(text: str) -> list[Span]:
    """The mentions, links and tags in text, in order (pure: handles are not resolved)."""
    found: list[Span] = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group(1))
        if "." in url.split("://", 1)[1]:
            found.append(Span("link", match.start(1), match.start(1) + len(url), url))
    taken = [(s.start, s.end) for s in found]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _MENTION.finditer(text):
        handle = match.group(1).rstrip(".")
        start = match.start()
        end = start + 1 + len(handle)
        if free(start, end):
            found.append(Span("mention", start, end, handle.lower()))
    for match in _TAG.finditer(text):
        tag = match.group(1).rstrip(_TRAILING)
        start = match.start()
        end = start + 1 + len(tag)
        if tag and len(regex.findall(r"\X", tag)) <= MAX_TAG and free(start, end):
            found.append(Span("tag", start, end, tag))
    return sorted(found, key=lambda s: s.start)


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def facets(text: str, found: Iterable[Span], dids: Mapping[str, str]) -> list[dict]:
    """app.bsky.richtext.facet records for the spans; a mention whose handle did not resolve
    (absent from dids) stays plain text."""
    result = []
    for span in found:
        if span.kind == "mention":
            did = dids.get(span.value)
            if not did:
                continue
            feature = {"$type": MENTION, "did": did}
        elif span.kind == "link":
            feature = {"$type": LINK, "uri": span.value}
        else:
            feature = {"$type": TAG, "tag": span.value}
        result.append({"index": {"byteStart": byte_offset(text, span.start), "byteEnd": byte_offset(text, span.end)},
                       "features": [feature]})
    return result


def _link_of(facet) -> tuple[int, int, str] | None:
    """(byteStart, byteEnd, uri) of a well-formed link facet, else None."""
    if not isinstance(facet, dict) or not isinstance(facet.get("index"), dict):
        return None
    start, end = facet["index"].get("byteStart"), facet["index"].get("byteEnd")
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or not 0 <= start < end:
        return None
    for feature in facet.get("features") or ():
        if isinstance(feature, dict) and feature.get("$type") == LINK and isinstance(feature.get("uri"), str):
            return start, end, feature["uri"]
    return None


def plain_text(text: str, facet_list) -> str:
    """The post's text with each link facet's range replaced by its full URI. Ranges that
    overlap, run past the end or split a character are ignored (remote data is hostile)."""
    if not isinstance(text, str):
        return ""
    data = text.encode("utf-8")
    links = sorted(link for f in (facet_list if isinstance(facet_list, list) else ()) if (link := _link_of(f)))
    if not links:
        return text
    out, at = [], 0
    for start, end, uri in links:
        if start < at or end > len(data) or _splits_char(data, start) or _splits_char(data, end):
            continue
        out += [data[at:start], uri.encode("utf-8")]
        at = end
    out.append(data[at:])
    return b"".join(out).decode("utf-8", errors="replace")


def _splits_char(data: bytes, offset: int) -> bool:
    """Whether a byte offset falls inside a multi-byte character (a continuation byte)."""
    return offset < len(data) and (data[offset] & 0xC0) == 0x80
