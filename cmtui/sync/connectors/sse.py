"""Server-Sent Events read from an HTTP body, for connectors whose platform streams them.

The body is remote and may be hostile: an event (or a line that never ends) larger than
`limit` bytes is dropped whole rather than held in memory, bytes that are not UTF-8 are
kept marked (U+FFFD), and comment lines (heartbeats) are consumed here. Libraries that parse
SSE hold a line of any length, hence these few lines of our own.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import AsyncIterator

log = logging.getLogger("cmtui.sync")

MAX_EVENT_BYTES = 1 << 20  # a notification is a few kilobytes
_EOL = re.compile(rb"\r\n|\n|\r")


@dataclass(frozen=True)
class Event:
    name: str  # the `event:` field ("message" when absent)
    data: str  # the `data:` lines joined by newlines


async def read_events(chunks: AsyncIterator[bytes], limit: int = MAX_EVENT_BYTES) -> AsyncIterator[Event]:
    """The events of an event stream, as the chunks of its body arrive."""
    buffer = bytearray()
    scanned = 0  # the buffer's bytes already searched for a line end
    name, size = "", 0
    data: list[str] = []
    dropping = False  # the current event is over the limit: read to its end, then forget it
    skipping_line = False  # the current line is over the limit: read to its end
    first = True  # a byte order mark may open the stream

    def drop() -> None:
        nonlocal dropping, data
        if not dropping:
            log.warning("dropped a streamed event over %d bytes", limit)
        dropping, data = True, []

    async for chunk in chunks:
        buffer += chunk
        while True:
            match = _EOL.search(buffer, scanned)
            if match is None or match.group() == b"\r" and match.end() == len(buffer):  # (\r\n may be split)
                scanned = len(buffer) - (1 if buffer.endswith(b"\r") else 0)
                break
            line = bytes(buffer[:match.start()])
            del buffer[:match.end()]
            scanned = 0
            if first:
                first = False
                line = line.removeprefix(b"\xef\xbb\xbf")
            if skipping_line:
                skipping_line = False
                continue
            if not line:  # the end of an event
                if data and not dropping:
                    yield Event(name or "message", "\n".join(data))
                name, data, size, dropping = "", [], 0, False
                continue
            if line.startswith(b":"):  # a comment: the server's heartbeat
                continue
            field, _, value = line.partition(b":")
            value = value[1:] if value.startswith(b" ") else value
            if field == b"event":
                name = value.decode("utf-8", errors="replace")
            elif field == b"data" and not dropping:
                size += len(value) + 1
                if size > limit:
                    drop()
                else:
                    data.append(value.decode("utf-8", errors="replace"))
        if len(buffer) > limit:  # a line that does not end: forget what came of it, skip the rest
            drop()
            buffer.clear()
            scanned, skipping_line, first = 0, True, False
