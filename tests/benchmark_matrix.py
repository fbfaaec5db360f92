"""Benchmark of Matrix ingest (a script, not a test: run `python tests/benchmark_matrix.py`).

Events per second of a first pass (a backfill of 8 busy rooms) from the homeserver's answers
to the store, in CPU seconds of this process (the wall clock is printed too: on a shared
machine it mostly measures the other processes): the connector's own pull (its JSON decoding, its reading of rooms and events)
and the engine's ingest (Ingest.page into a fresh Store in transactions of INGEST_BATCH, the
rules as a new database has them). The answers are built in memory beforehand and served by
an httpx.MockTransport, so the network is excluded. Budget: at least 10,000 events/s.

Options: --events N (default 50000), --runs N (the median is reported, default 3), --page N (events per /sync room timeline and per
/messages page, default 100).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

from cmtui.store import InboxFilter, Store
from cmtui.sync.connectors.base import AccountContext
from cmtui.sync.connectors.matrix.connector import MatrixConnector
from cmtui.sync.engine import INGEST_BATCH
from cmtui.sync.ingest import Ingest

BUDGET = 10_000  # events per second
ME = "@tidewater:matrix.example"
ROOMS = [f"!room{n}:matrix.example" for n in range(8)]
SUPPORT = ROOMS[0]
START_MS = 1_795_000_000_000
WORDS = ("sync", "export", "notes", "markdown", "phone", "laptop", "broken", "thanks", "release", "dark")


def _event(n: int, sender: str, content: dict, kind: str = "m.room.message", **extra) -> dict:
    return {"event_id": f"$ev{n}", "sender": sender, "type": kind, "origin_server_ts": START_MS + 1000 * n,
            "content": content, "unsigned": {"age": 10}, **extra}


def room_events(rng: random.Random, first: int, count: int) -> list[dict]:
    """One room's slice of a page: our message first, then what people do around it."""
    ours = f"$ev{first}"
    events = [_event(first, ME, {"msgtype": "m.text", "body": "Release notes are out"})]
    for n in range(first + 1, first + count):
        user = f"@user{int(20_000 ** rng.random())}:server{n % 40}.example"
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 30)))
        roll = rng.random()
        if roll < 0.35:  # chatter: read, not an item
            events.append(_event(n, user, {"msgtype": "m.text", "body": text}))
        elif roll < 0.6:  # as Element sends a mention: a pill; some with paragraphs and a list
            html = (f'<a href="https://matrix.to/#/{ME}">Tidewater</a>: {text} <b>please</b>?' if roll < 0.55
                    else f"<p>{text}</p><ul><li>one</li><li>two</li></ul>")
            events.append(_event(n, user, {"msgtype": "m.text", "body": f"Tidewater: {text}?",
                                           "m.mentions": {"user_ids": [ME]}, "format": "org.matrix.custom.html",
                                           "formatted_body": html}))
        elif roll < 0.72:
            events.append(_event(n, user, {"msgtype": "m.text", "body": text,
                                           "m.relates_to": {"m.in_reply_to": {"event_id": ours}}}))
        elif roll < 0.84:
            events.append(_event(n, user, {"m.relates_to": {"rel_type": "m.annotation", "event_id": ours,
                                                            "key": "+1"}}, kind="m.reaction"))
        elif roll < 0.9:
            events.append(_event(n, user, {"membership": "join", "displayname": f"User {n}"}, kind="m.room.member",
                                 state_key=user))
        elif roll < 0.95:
            events.append(_event(n, user, {"msgtype": "m.text", "body": f"{text} {ME}"}))  # an older client
        else:
            events.append(_event(n, user, {"redacts": f"$ev{n - 3}"}, kind="m.room.redaction", redacts=f"$ev{n - 3}"))
    return events


def room_histories(total: int, rooms: int, seed: int = 5) -> list[list[dict]]:
    """Each room's events, oldest first, in slices of 100 (our message, then the talk)."""
    rng = random.Random(seed)
    histories: list[list[dict]] = [[] for _ in range(rooms)]
    for first in range(0, total, 100):
        histories[(first // 100) % rooms] += room_events(rng, first, min(100, total - first))
    return histories


class Homeserver:
    """Answers a backfill from prepared bytes: the initial /sync holds each room's newest
    `limit` events (limited), /messages pages back through the rest."""

    def __init__(self, histories: list[list[dict]], limit: int):
        self.limit = limit
        join = {}
        for k, events in enumerate(histories):
            join[ROOMS[k]] = {"timeline": {"events": events[-limit:], "limited": len(events) > limit,
                                           "prev_batch": f"{k}:{max(0, len(events) - limit)}"},
                              "state": {"events": []}, "summary": {"m.joined_member_count": 100 + k}}
        self.sync = json.dumps({"next_batch": "s1", "rooms": {"join": join}}).encode()
        self.pages: dict[str, bytes] = {}
        for k, events in enumerate(histories):
            offset = max(0, len(events) - limit)
            while True:
                start = max(0, offset - limit)
                body: dict = {"chunk": events[start:offset][::-1], "start": f"{k}:{offset}"}
                if start > 0:
                    body["end"] = f"{k}:{start}"
                self.pages[f"{k}:{offset}"] = json.dumps(body).encode()
                if start == 0:
                    break
                offset = start

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync"):
            return httpx.Response(200, content=self.sync)
        return httpx.Response(200, content=self.pages[request.url.params["from"]])


async def run(server: Homeserver, store: Store, account_id: int) -> dict:
    """A backfill through the connector's pull, stored as the engine stores it: pages gathered
    into transactions of INGEST_BATCH items and events."""
    context = AccountContext(remote_id=ME, handle=ME, options={"support_places": [SUPPORT]})
    connector = MatrixConnector("https://matrix.example", "token", account=context,
                                transport=httpx.MockTransport(server))
    connector.timeline_limit = connector.messages_page = server.limit
    ingest = Ingest(store)
    items: list = []
    events: list = []
    deleted: list = []
    storing = 0.0

    def flush(cursor: str | None) -> None:
        nonlocal items, events, deleted, storing
        began = time.process_time()
        ingest.page(account_id, "matrix", items, events, stream="notifications", cursor=cursor, deleted=deleted)
        storing += time.process_time() - began
        items, events, deleted = [], [], []

    began, wall = time.process_time(), time.perf_counter()
    try:
        async for page in connector.pull(None, datetime(2020, 1, 1, tzinfo=timezone.utc)):
            items += page.items
            events += page.events
            deleted += page.deleted
            if page.final or len(items) + len(events) >= INGEST_BATCH:
                flush(page.cursor if page.final else None)
    finally:
        await connector.close()
    total, wall = time.process_time() - began, time.perf_counter() - wall
    return {"pull_s": total - storing, "ingest_s": storing, "wall_s": wall, "requests": connector.requests,
            "expected_requests": 1 + len(server.pages)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    server = Homeserver(room_histories(args.events, len(ROOMS)), args.page)
    results = []
    for _ in range(args.runs):  # the median run: this machine's noise is large
        with tempfile.TemporaryDirectory() as folder:
            store = Store.open(Path(folder) / "matrix.db")
            from cmtui.moderation.toml_io import seed_rules

            seed_rules(store)  # as a new user's database starts: the default rules, all off
            account = store.accounts.add("bench", "matrix", "https://matrix.example", handle=ME, remote_account_id=ME)
            try:
                results.append(asyncio.run(run(server, store, account.id)))
                items = store.inbox.count(InboxFilter(states=("new", "open", "snoozed", "done")))
            finally:
                store.close()
    result = sorted(results, key=lambda r: r["pull_s"] + r["ingest_s"])[len(results) // 2]
    seconds = result["pull_s"] + result["ingest_s"]
    rate = args.events / seconds
    print(f"matrix ingest: {args.events:,} events in {seconds:.2f} s of CPU = {rate:,.0f} events/s "
          f"(pull {result['pull_s']:.2f} s, ingest {result['ingest_s']:.2f} s; {args.events / result['wall_s']:,.0f} "
          f"events/s by the wall clock; {items:,} inbox items; {result['requests']} requests); "
          f"budget {BUDGET:,} events/s")
    assert result["requests"] == result["expected_requests"], "one /sync, then /messages pages: no lookups"
    if rate < BUDGET:
        print(f"BELOW BUDGET ({BUDGET:,} events/s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
