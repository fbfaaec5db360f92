"""Benchmark of Bluesky ingest (a script, not a test: run `python tests/benchmark_bluesky.py`).

Notifications per second of a first pass (a backfill) from the PDS's answers to the store,
in CPU seconds of this process (the wall clock is printed too): the connector's own pull
(JSON decoding, facets made plain text, notifications made items and events) and the engine's
ingest (Ingest.page into a fresh Store in transactions of INGEST_BATCH, the rules as a new
database has them). The answers (listNotifications pages, shaped as the AppView sends them:
mentions with link facets and emoji, replies, quotes, likes, reposts, follows) are built in
memory beforehand and served by an httpx.MockTransport, so the network is excluded.
Budget: at least 10,000 notifications/s.

Options: --events N (default 50000), --runs N (the median is reported, default 3), --page N
(notifications per page, default 100 as the API's largest).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from cmtui.store import InboxFilter, Store
from cmtui.sync.connectors.base import AccountContext
from cmtui.sync.connectors.bluesky import connector as bluesky
from cmtui.sync.connectors.bluesky.connector import BlueskyConnector
from cmtui.sync.engine import INGEST_BATCH
from cmtui.sync.ingest import Ingest

BUDGET = 10_000  # notifications per second
ME = "did:plc:tidewater0000000000000000"
HANDLE = "tidewater.bsky.social"
START = datetime(2026, 11, 1, tzinfo=timezone.utc)
WORDS = ("sync", "export", "notes", "markdown", "phone", "laptop", "broken", "thanks", "release", "dark", "café", "🎉")
OURS = [f"at://{ME}/app.bsky.feed.post/3m{n:011d}" for n in range(20)]


def _time(n: int) -> str:
    return (START + timedelta(seconds=n)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _author(rng: random.Random) -> dict:
    n = int(20_000 ** rng.random())
    return {"did": f"did:plc:user{n:020d}", "handle": f"user{n}.bsky.social", "displayName": f"User {n} 🌊",
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/did:plc:user{n}/x@jpeg", "viewer": {"muted": False},
            "labels": [], "createdAt": "2024-01-01T00:00:00.000Z"}


def notification(rng: random.Random, n: int) -> dict:
    author, at = _author(rng), _time(n)
    ours = rng.choice(OURS)
    uri = f"at://{author['did']}/app.bsky.feed.post/3n{n:011d}"
    base = {"uri": uri, "cid": f"bafyreib{n:050d}", "author": author, "isRead": False, "indexedAt": at, "labels": []}
    roll = rng.random()
    if roll < 0.45:
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 30)))
        if roll < 0.3:  # a mention with a shortened link, as the app writes them
            text = f"@{HANDLE} {text} example.com/docs/lo..."
            shown = len(text.encode()) - len("example.com/docs/lo...")
            facets = [{"index": {"byteStart": 0, "byteEnd": len(HANDLE) + 1},
                       "features": [{"$type": "app.bsky.richtext.facet#mention", "did": ME}]},
                      {"index": {"byteStart": shown, "byteEnd": len(text.encode())},
                       "features": [{"$type": "app.bsky.richtext.facet#link",
                                     "uri": f"https://example.com/docs/long/path/{n}"}]}]
            return {**base, "reason": "mention", "record": {"$type": "app.bsky.feed.post", "text": text,
                                                            "facets": facets, "langs": ["en"], "createdAt": at}}
        return {**base, "reason": "reply", "reasonSubject": ours, "record": {
            "$type": "app.bsky.feed.post", "text": text, "langs": ["en"], "createdAt": at,
            "reply": {"root": {"uri": ours, "cid": "bafyroot"}, "parent": {"uri": ours, "cid": "bafyroot"}}}}
    if roll < 0.5:
        return {**base, "reason": "quote", "reasonSubject": ours, "record": {
            "$type": "app.bsky.feed.post", "text": "worth reading", "createdAt": at,
            "embed": {"$type": "app.bsky.embed.record", "record": {"uri": ours, "cid": "bafyroot"}}}}
    kind, collection = rng.choice([("like", "app.bsky.feed.like"), ("like", "app.bsky.feed.like"),
                                   ("repost", "app.bsky.feed.repost"), ("follow", "app.bsky.graph.follow")])
    record: dict = {"$type": collection, "createdAt": at}
    record["subject"] = ME if kind == "follow" else {"uri": ours, "cid": "bafyroot"}
    return {**base, "uri": f"at://{author['did']}/{collection}/3n{n:011d}", "reason": kind, "record": record,
            **({} if kind == "follow" else {"reasonSubject": ours})}


class Pds:
    """Answers listNotifications from prepared bytes (newest first, paged by cursor), and
    getProfile once."""

    def __init__(self, total: int, page: int, seed: int = 5):
        rng = random.Random(seed)
        newest_first = [notification(rng, n) for n in range(total)][::-1]
        self.pages: dict[str, bytes] = {}
        for k in range(0, total, page):
            body: dict = {"notifications": newest_first[k:k + page]}
            if k + page < total:
                body["cursor"] = str(k + page)
            self.pages[str(k)] = json.dumps(body).encode()
        self.profile = json.dumps({"did": ME, "handle": HANDLE, "followersCount": 1234, "followsCount": 10,
                                   "postsCount": 20}).encode()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/app.bsky.actor.getProfile"):
            return httpx.Response(200, content=self.profile)
        return httpx.Response(200, content=self.pages[request.url.params.get("cursor", "0")])


async def run(pds: Pds, store: Store, account_id: int, page: int) -> dict:
    """A backfill through the connector's pull, stored as the engine stores it."""
    connector = BlueskyConnector("https://pds.example", "token", account=AccountContext(remote_id=ME, handle=HANDLE),
                                 transport=httpx.MockTransport(pds))
    bluesky.PAGE = page
    ingest = Ingest(store)
    items: list = []
    events: list = []
    storing = 0.0

    def flush(cursor: str | None) -> None:
        nonlocal items, events, storing
        began = time.process_time()
        ingest.page(account_id, "bluesky", items, events, stream="notifications", cursor=cursor)
        storing += time.process_time() - began
        items, events = [], []

    began, wall = time.process_time(), time.perf_counter()
    try:
        async for got in connector.pull(None, datetime(2020, 1, 1, tzinfo=timezone.utc)):
            items += got.items
            events += got.events
            if got.final or len(items) + len(events) >= INGEST_BATCH:
                flush(got.cursor if got.final else None)
    finally:
        await connector.close()
    total, wall = time.process_time() - began, time.perf_counter() - wall
    return {"pull_s": total - storing, "ingest_s": storing, "wall_s": wall, "requests": connector.requests,
            "expected_requests": len(pds.pages) + 1}  # the pages, and the profile once


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    bluesky.MAX_PAGES = max(bluesky.MAX_PAGES, args.events // args.page + 2)
    pds = Pds(args.events, args.page)
    results = []
    for _ in range(args.runs):  # the median run: this machine's noise is large
        with tempfile.TemporaryDirectory() as folder:
            store = Store.open(Path(folder) / "bluesky.db")
            from cmtui.moderation.toml_io import seed_rules

            seed_rules(store)  # as a new user's database starts: the default rules, all off
            account = store.accounts.add("bench", "bluesky", "https://pds.example", handle=HANDLE, remote_account_id=ME)
            try:
                results.append(asyncio.run(run(pds, store, account.id, args.page)))
                items = store.inbox.count(InboxFilter(states=("new", "open", "snoozed", "done")))
                events = store.conn.execute("SELECT count(*) FROM account_events").fetchone()[0]
            finally:
                store.close()
    result = sorted(results, key=lambda r: r["pull_s"] + r["ingest_s"])[len(results) // 2]
    seconds = result["pull_s"] + result["ingest_s"]
    rate = args.events / seconds
    print(f"bluesky ingest: {args.events:,} notifications in {seconds:.2f} s of CPU = {rate:,.0f} notifications/s "
          f"(pull {result['pull_s']:.2f} s, ingest {result['ingest_s']:.2f} s; "
          f"{args.events / result['wall_s']:,.0f}/s by the wall clock; {items:,} inbox items, {events:,} events; "
          f"{result['requests']} requests); budget {BUDGET:,} notifications/s")
    assert result["requests"] == result["expected_requests"], "the pages and one profile: nothing else"
    assert items + events == args.events, "every notification stored once"
    if rate < BUDGET:
        print(f"BELOW BUDGET ({BUDGET:,} notifications/s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
