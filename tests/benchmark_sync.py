"""Benchmarks of the sync path (a script, not a test: run `python tests/benchmark_sync.py`).

    (a) ingest   100,000 parsed items (pages of 80, a long tail of authors) into a fresh store
    (b) memory   a 100,000-item backfill through SyncEngine with a fake connector; traced
                 Python memory and RSS sampled every 100 pages must stay flat
    (c) requests a pass with nothing new against mastodon_mock started in this process

Options: --items N (default 100000), --skip-memory, --skip-requests.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for peer.py

from cmtui.config import Credentials, Settings  # noqa: E402
from cmtui.model import iso  # noqa: E402
from cmtui.store import InboxFilter, Store  # noqa: E402
from cmtui.sync.connectors.base import (  # noqa: E402
    AccountInfo, Capability, Connector, Limits, Person, Posted, PullPage, RemoteEvent, RemoteItem,
)
from cmtui.sync.engine import INGEST_BATCH, SyncEngine  # noqa: E402
from cmtui.sync.ingest import Ingest  # noqa: E402

PAGE = 80
# --with-rules: spam-links and flood of the default moderation rules switched on (a new
# database seeds them all off: a rule is enabled after a dry-run).
RULES = "--with-rules" in sys.argv
INGEST_BUDGET = 20_000  # items per second
GROWTH_BUDGET_MB = 5.0
START = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
WORDS = ("sync", "export", "notes", "markdown", "phone", "laptop", "broken", "thanks", "release", "dark",
         "mode", "login", "password", "backup", "calendar", "tags", "search", "offline", "team", "plan")


def author(rng: random.Random) -> Person:
    """A long tail: a few very active people, tens of thousands who write once or twice."""
    n = int(60_000 ** rng.random())  # log-uniform rank: frequency ~ 1/rank
    host = ("mastodon.social", "fosstodon.org", "hachyderm.io", f"small{n % 900}.example")[n % 4]
    return Person(acct=f"user{n}@{host}", display_name=f"User {n}", remote_id=str(10_000 + n),
                  url=f"https://{host}/@user{n}")


def make_item(rng: random.Random, n: int) -> RemoteItem:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 40)))
    text = f"@tidewater {words}" + ("?" if n % 3 else ".") + (" https://example.org/x/" + str(n) if n % 7 == 0 else "")
    return RemoteItem(
        remote_id=str(10**12 + n), kind=("mention", "reply", "direct")[n % 3], author=author(rng), text=text,
        created_at=iso(START - timedelta(seconds=20 * n)), url=f"https://mastodon.social/@u/{10**12 + n}",
        language=("en", "es", "fr", "de")[n % 4], visibility="public",
        in_reply_to_remote_id=str(10**11 + n) if n % 3 == 1 else None,
    )


def pages(total: int, seed: int = 7):
    rng = random.Random(seed)
    for start in range(0, total, PAGE):
        yield [make_item(rng, n) for n in range(start, min(total, start + PAGE))]


def new_store(folder: Path, name: str) -> tuple[Store, int]:
    store = Store.open(folder / name)
    from cmtui.moderation.toml_io import seed_rules

    seed_rules(store)  # as a new user's database starts: the default rules, all off
    if RULES:
        from cmtui.moderation.engine import dry_run, enable_rule

        for rule in ("spam-links", "flood"):
            dry_run(store, rule)
            enable_rule(store, rule)
    account = store.accounts.add("bench", "mastodon", "https://social.tidewater.example",
                                 handle="tidewater@social.tidewater.example", limits={"max_chars": 500})
    return store, account.id


# -- (a) ingest -------------------------------------------------------------------------------------
def bench_ingest(folder: Path, total: int, runs: int = 3) -> dict:
    """The median of `runs` runs, each into a fresh store (this machine's noise is ~10%)."""
    built = time.perf_counter()
    all_pages = list(pages(total))
    built = time.perf_counter() - built
    results = sorted((_ingest_once(folder / f"ingest{n}.db", all_pages, total) for n in range(runs)),
                     key=lambda r: r["rate"])
    return results[len(results) // 2] | {"build_s": built, "runs": [round(r["rate"]) for r in results]}


def _ingest_once(path: Path, all_pages: list, total: int) -> dict:
    store, account_id = new_store(path.parent, path.name)
    try:
        # Pages are stored as the engine stores them: gathered into batches of INGEST_BATCH
        # items, one transaction each.
        ingest = Ingest(store)  # as the engine stores a page: the store's upserts, then the rules
        start = time.perf_counter()
        new = 0
        batch: list = []
        for page in all_pages:
            batch += page
            if len(batch) >= INGEST_BATCH:
                new += ingest.items(account_id, "mastodon", batch)
                batch = []
        if batch:
            new += ingest.items(account_id, "mastodon", batch)
        elapsed = time.perf_counter() - start
        stored = store.inbox.count(InboxFilter(states=("new", "open", "snoozed", "done")))
        people = store.conn.execute("SELECT count(*) FROM people").fetchone()[0]
        # Storing the same pages again (a re-sync) changes nothing and creates nothing.
        again = time.perf_counter()
        renew = sum(ingest.items(account_id, "mastodon", page) for page in all_pages[:125])
        again = time.perf_counter() - again
    finally:
        store.close()
    assert new == stored == total, (new, stored, total)
    assert renew == 0
    return {"items": total, "seconds": elapsed, "rate": total / elapsed, "people": people,
            "restore_rate": min(total, 125 * PAGE) / again}


# -- (b) memory during a backfill ------------------------------------------------------------------------
def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class FakeConnector(Connector):
    """Serves a backfill of `total` generated items, 80 a page, and samples memory as it goes."""

    platform = "mastodon"
    capabilities = Capability.PULL

    def __init__(self, total: int, samples: list, every: int = 100):
        self.total = total
        self.samples = samples
        self.every = every
        self.requests = 0

    async def verify(self) -> AccountInfo:
        self.requests += 1
        return AccountInfo(remote_id="1", acct="tidewater@social.tidewater.example", display_name="Tidewater",
                           followers=4000, following=10, posts=100)

    async def limits(self) -> Limits:
        self.requests += 1
        return Limits()

    async def pull(self, cursor, since):
        rng = random.Random(11)
        count = (self.total + PAGE - 1) // PAGE
        for number in range(count):
            if number % self.every == 0:
                self._sample(number)
            self.requests += 1
            first = number * PAGE
            items = [make_item(rng, n) for n in range(first, min(self.total, first + PAGE))]
            events = [RemoteEvent("like", str(5 * 10**12 + first + k), f"fan{k}@mastodon.social",
                                  items[0].created_at, "1") for k in range(2)]
            yield PullPage(items=items, events=events)
        self._sample(count)
        yield PullPage(cursor=str(10**12), final=True)

    def _sample(self, page: int) -> None:
        current, peak = tracemalloc.get_traced_memory()
        self.samples.append((page, current / 2**20, peak / 2**20, rss_mb()))

    async def thread(self, remote_id):
        return []

    async def publish(self, post):
        return Posted(remote_id="1")

    async def own_posts(self, account_remote_id, since):
        self.requests += 1
        return []


def bench_memory(folder: Path, total: int) -> dict:
    store, _ = new_store(folder, "backfill.db")
    credentials = Credentials(folder / "config")
    credentials.set("bench", "token")
    samples: list = []
    settings = Settings(timezone="UTC", backfill_days=10_000)
    engine = SyncEngine(store, settings, credentials,
                        connector_factory=lambda *a, **kw: FakeConnector(total, samples),
                        clock=lambda: START + timedelta(minutes=1))
    tracemalloc.start()
    try:
        start = time.perf_counter()
        [result] = asyncio.run(engine.run_once())
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        store.close()
    assert result.ok and result.new_items == total, (result.ok, result.error, result.new_items)
    count = samples[-1][0]  # pages in all
    first = [s for s in samples if 0 < s[0] <= count / 10 + 100]  # end of the first tenth (after page 0)
    last = [s for s in samples if s[0] >= count - count / 10]  # the last tenth
    growth = max(s[1] for s in last) - max(s[1] for s in first)
    rss_growth = max(s[3] for s in last) - max(s[3] for s in first)
    return {"items": total, "pages": result.requests - 3, "seconds": elapsed, "peak_mb": peak / 2**20,
            "growth_mb": growth, "rss_first": max(s[3] for s in first), "rss_last": max(s[3] for s in last),
            "rss_growth": rss_growth, "samples": samples}


# -- (c) requests for a pass with nothing new ---------------------------------------------------------------
def bench_requests(folder: Path) -> dict:
    import logging

    from mastodon_mock.config import DatabaseConfig, MastodonMockConfig, demo_config
    from mastodon_mock.testing.server import MockServer

    from peer import Peer

    logging.getLogger("cmtui.sync").setLevel(logging.WARNING)
    server = MockServer(config=demo_config(MastodonMockConfig(database=DatabaseConfig(path=":memory:"))))
    server.start()
    try:
        peer = Peer(server.base_url)
        for n in range(50):
            peer.post(("grace_token", "alan_token", "katherine_token")[n % 3], f"@ada question {n}?")
        store = Store.open(folder / "requests.db")
        credentials = Credentials(folder / "config")
        credentials.set("ada", "ada_token")
        store.accounts.add("ada", "mastodon", server.base_url, remote_account_id=peer.me("ada_token")["id"])
        engine = SyncEngine(store, Settings(timezone="UTC"), credentials, timeout=10.0)
        [first] = asyncio.run(engine.run_once())
        [idle] = asyncio.run(engine.run_once())
        peer.post("grace_token", "@ada one more")
        [one] = asyncio.run(engine.run_once())
        store.close()
    finally:
        server.stop()
    assert first.ok and idle.ok and one.ok
    return {"first": first.requests, "first_items": first.new_items, "idle": idle.requests,
            "one_new": one.requests, "one_items": one.new_items}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-requests", action="store_true")
    parser.add_argument("--with-rules", action="store_true",
                        help="ingest with the default spam-links and flood rules switched on")
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str, str]] = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="cmtui-bench-") as tmp:
        folder = Path(tmp)
        ingest = bench_ingest(folder, args.items)
        good = ingest["rate"] >= INGEST_BUDGET
        ok &= good
        rows.append(("ingest", f"{ingest['items']:,} items, {ingest['people']:,} authors",
                     f"{ingest['rate']:,.0f} items/s median of {ingest['runs']} ({ingest['seconds']:.2f} s; re-store "
                     f"{ingest['restore_rate']:,.0f}/s)", f">= {INGEST_BUDGET:,}/s " + ("ok" if good else "OVER")))
        if not args.skip_memory:
            memory = bench_memory(folder, args.items)
            good = memory["growth_mb"] <= GROWTH_BUDGET_MB and memory["rss_growth"] <= 3 * GROWTH_BUDGET_MB
            ok &= good
            rows.append(("backfill", f"{memory['items']:,} items, {memory['pages']:,} pages",
                         f"{memory['seconds']:.1f} s under tracemalloc", ""))
            rows.append(("  traced", "peak / growth 1st->last tenth",
                         f"{memory['peak_mb']:.1f} MB / {memory['growth_mb']:+.2f} MB",
                         f"growth <= {GROWTH_BUDGET_MB:g} MB " + ("ok" if good else "OVER")))
            rows.append(("  RSS", "1st tenth -> last tenth",
                         f"{memory['rss_first']:.1f} -> {memory['rss_last']:.1f} MB ({memory['rss_growth']:+.1f})",
                         ""))
            trace = ", ".join(f"{s[1]:.2f}" for s in memory["samples"])
            print(f"traced MB at pages 0, 100, ... {memory['samples'][-1][0]}: {trace}")
        if not args.skip_requests:
            requests = bench_requests(folder)
            good = requests["idle"] == 3
            ok &= good
            rows.append(("requests", f"first pass ({requests['first_items']} items)", str(requests["first"]), ""))
            rows.append(("", "pass with nothing new", str(requests["idle"]), "= 3 " + ("ok" if good else "OVER")))
            rows.append(("", f"pass with {requests['one_items']} new", str(requests["one_new"]), ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
