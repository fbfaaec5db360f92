"""Benchmark of the metrics panel's data (a script, not a test: `python tests/benchmark_metrics.py`).

Times panel_data() on a generated database (default /tmp/cmtui-bench-1000000.db; make it with
`cmtui generate --items 1000000 --db PATH`): the median of 10 runs, overall and per part, for
7, 30 and 90 days; then `cmtui metrics --json` as a command (median of 3). Budget: the panel
opens in 300 ms; the data should take at most 150 ms of it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from cmtui.config import Settings
from cmtui.metrics.panel import PARTS, panel_data
from cmtui.store import Store

BUDGET_MS, AIM_MS = 300, 150


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/tmp/cmtui-bench-1000000.db")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"no database at {args.db}: cmtui generate --items 1000000 --db {args.db}", file=sys.stderr)
        return 2
    store = Store.open(args.db)
    settings = Settings(timezone="UTC")
    worst = 0.0
    for days in (7, 30, 90):
        totals, parts = [], {p: [] for p in PARTS}
        for _ in range(args.runs):
            started = time.perf_counter()
            data = panel_data(store, settings, days)
            totals.append((time.perf_counter() - started) * 1000)
            for part, ms in data["timings_ms"].items():
                parts[part].append(ms)
        total = statistics.median(totals)
        without = total - statistics.median(parts["members"])
        worst = max(worst, total)
        print(f"panel_data {days:>2} days: {total:6.1f} ms median of {args.runs}"
              f" ({without:.1f} ms without members)  budget {BUDGET_MS} ms, aim {AIM_MS} ms")
        print("    " + "  ".join(f"{p} {statistics.median(v):.1f}" for p, v in parts.items()))
    store.close()
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cmtui", "--db", args.db, "metrics", "--json"], check=True,
                       stdout=subprocess.DEVNULL)
        runs.append((time.perf_counter() - started) * 1000)
    print(f"cmtui metrics --json: {statistics.median(runs):.0f} ms median of 3 (process start included)")
    return 0 if worst <= BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
