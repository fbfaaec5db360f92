"""Benchmarks of a team on one million-item database (a script, not a test: run
`python tests/benchmark_team.py [--db PATH] [--runs N]`).

What a team adds to every refresh of a person's screen and to each answer, on a copy of the
million-item database (default /tmp/cmtui-bench-1000000.db, `cmtui generate --items 1000000`;
skipped if missing) with 2,000 items assigned among four people, 40 people busy with an
item and 300 posts waiting for approval. Median of --runs runs, in milliseconds:

    assigned count   the status line's "N assigned to you" (budget 50 ms: it runs on every data change)
    to approve       the status line's "N to approve" for an approver
    approvals list   the approvals screen's list with who asked and each post's authors
    presence         who is replying, among the 40 items a screen shows
    collision        the check before a reply is queued ("Ana is replying", "answered by ...")
    team list        `cmtui team list`: each person's open items and flags, who is busy now
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from cmtui.config import Settings
from cmtui.model import iso, utcnow
from cmtui.store import Store

PEOPLE = ["ana", "luka", "mia", "sam"]
BUDGET_MS = 50.0


def seed(store: Store) -> list[int]:
    """Assignments, presence and waiting posts; returns the ids of a screenful of items."""
    ids = [r[0] for r in store.conn.execute("SELECT id FROM inbox_items ORDER BY id DESC LIMIT 2000")]
    now = utcnow()
    with store.transaction():
        store.conn.executemany("UPDATE inbox_items SET assignee = ?, state = 'open' WHERE id = ?",
                               [(PEOPLE[n % 4], item) for n, item in enumerate(ids)])
        store.conn.executemany("INSERT OR REPLACE INTO presence (item_id, who, since, seen_at) VALUES (?, ?, ?, ?)",
                               [(item, PEOPLE[n % 4], iso(now), iso(now)) for n, item in enumerate(ids[:40])])
        account = store.conn.execute("SELECT id FROM accounts ORDER BY id LIMIT 1").fetchone()[0]
        for n in range(300):
            entry = store.entries.add(account, f"Post {n} waiting", status="draft", who=PEOPLE[n % 4])
            store.entries.update(entry, {"status": "needs_approval",
                                         "scheduled_at": iso(now + timedelta(days=1 + n % 20))})
            store.entries.record_transition(entry, "draft", "needs_approval", PEOPLE[n % 4])
    return ids[:40]


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("/tmp/cmtui-bench-1000000.db"))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"skipped: no {args.db} (cmtui generate --items 1000000 --db {args.db})")
        return 0
    from cmtui.commands.team import team_json
    from cmtui.planning.approvals_view import waiting
    from cmtui.triage.collisions import collision
    from cmtui.tui.widgets.team_counts import count

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "team.db"
        shutil.copy(args.db, copy)
        store = Store.open(copy)  # brought up to the current schema (V16 indexes the assigned items)
        shown = seed(store)
        ana = Settings(user="ana", teammates=PEOPLE, approvers=["luka", "mia"], approval="other")
        luka = Settings(user="luka", teammates=PEOPLE, approvers=["luka", "mia"], approval="other")
        now = utcnow()
        figures = {
            "assigned count": median_ms(lambda: store.inbox.assigned_count("ana"), args.runs),
            "to approve": median_ms(lambda: count(store, luka), args.runs),
            "approvals list": median_ms(lambda: waiting(store), args.runs),
            "presence": median_ms(lambda: store.presence.among(shown, "ana", now), args.runs),
            "collision": median_ms(lambda: collision(store, shown[1], "ana", now), args.runs),
            "team list": median_ms(lambda: team_json(store, ana), args.runs),
        }
        store.close()
    for name, ms in figures.items():
        print(f"{name:16} {ms:8.1f} ms")
    slow = figures["assigned count"] > BUDGET_MS
    print("assigned count " + ("OVER" if slow else "within") + f" the {BUDGET_MS:.0f} ms budget")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
