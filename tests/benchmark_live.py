"""The live inbox's budgets (issue 20), a script, not a test:

    python tests/benchmark_live.py [--mentions 20] [--polling 5] [--poll-seconds 10]
                                   [--soak-minutes 10] [--quiet] [--only latency|soak]

against mastodon_mock on loopback (`mastodon_mock serve --in-memory --demo`, a subprocess),
with cmtui's real processes: the TUI under Pilot (tests/tui_process.py) and `cmtui sync`.

Latency, mention posted → on the open TUI's screen (budget: median ≤ 2 s with streaming),
each timed from just before the POST to the moment the TUI's screen shows the mention's text
(its `wait` command answers with the wall clock then), one mention at a time, posted by
grace and alan in turn, --mentions each:
    (a) stream, TUI's engine   the TUI runs its own engine: sync_interval_seconds 60, live true
    (b) stream, cmtui sync     `cmtui sync` (live) on the file, a TUI with no engine open on it
                               (its screen learns through the once-a-second data_version poll)
    (c) polling                the TUI's engine with live false and a --poll-seconds interval
                               (up to the interval; 60 s by default)

Memory, streams open on 3 accounts (ada, grace, alan in one database): the resident memory of
the TUI (with its engine) and of `cmtui sync` (each on its own file), sampled every 30 s
over --soak-minutes while mentions and favourites arrive (one every ~10 s to each account;
--quiet: nothing arrives, the streams' heartbeats only): start, end, max, and the
least-squares slope (MB per minute); their CPU seconds too.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cmtui.config import Credentials  # noqa: E402
from cmtui.store import Store  # noqa: E402
from peer import Peer  # noqa: E402
from tui_process import Client  # noqa: E402

TOKENS = {"ada": "ada_token", "grace": "grace_token", "alan": "alan_token", "katherine": "katherine_token"}
BUDGET_SECONDS = 2.0
STREAMING = 'timezone = "UTC"\nsync_interval_seconds = 60\nlive = true\nhttp_timeout_seconds = 20\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mock(folder: Path) -> tuple[subprocess.Popen, str]:
    """mastodon_mock with its demo users, a process of its own on loopback."""
    port = free_port()
    exe = Path(sys.executable).with_name("mastodon_mock")
    command = [str(exe) if exe.exists() else "mastodon_mock", "serve", "--in-memory", "--demo",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(folder / "mock.err", "w"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/instance", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("mastodon_mock did not start (see mock.err)")


def make_host(folder: Path, peer: Peer, names: list[str], settings: str, *, tokens: bool = True) -> tuple[Path, Path]:
    """A database with these accounts on the peer, and a config folder (settings, and their
    tokens unless tokens=False: a TUI with no engine). Returns (db, config)."""
    folder.mkdir(parents=True, exist_ok=True)
    db, config = folder / "community.db", folder / "config"
    config.mkdir(exist_ok=True)
    (config / "settings.toml").write_text(settings)
    store = Store.open(db)
    host = peer.base_url.split("//")[1]
    for name in names:
        store.accounts.add(name, "mastodon", peer.base_url, handle=f"{name}@{host}",
                           remote_account_id=peer.me(TOKENS[name])["id"])
        if tokens:
            Credentials(config).set(name, TOKENS[name])
    store.close()
    return db, config


def start_sync(db: Path, config: Path, command: list[str] | None = None) -> subprocess.Popen:
    """`cmtui sync` on the file (or another command taking the file: --db FILE)."""
    return subprocess.Popen([sys.executable, *(command or ["-m", "cmtui", "sync"]), "--db", str(db)],
                            env={**os.environ, "CMTUI_CONFIG_DIR": str(config)},
                            stdout=subprocess.DEVNULL, stderr=open(config / "sync.err", "w"))


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def mention_seen(tui: Client, peer: Peer, token: str, tag: str, timeout: float) -> float | None:
    """Seconds from just before the POST to the TUI's screen showing the tag (None: never)."""
    tui.ask({"wait": tag, "timeout": timeout})
    time.sleep(0.1)  # the wait is running in the TUI before the POST
    posted = time.time()
    peer.post(token, f"@ada {tag} is the export ready?")
    answer = tui.answer(timeout + 60)
    return answer["at"] - posted if answer.get("ok") else None


def warm_up(tui: Client, label: str) -> None:
    """The first pass done (it brings the mention posted before the processes started) and
    the stream, if any, open (a pause)."""
    if tui.send({"wait": f"WARM-{label}", "timeout": 90}, 120).get("ok") is not True:
        raise SystemExit(f"{label}: the TUI never showed the warm-up mention")
    time.sleep(2)


def warm_post(peer: Peer, label: str) -> None:
    peer.post("katherine_token", f"@ada WARM-{label} hello")


def latencies(tui: Client, peer: Peer, label: str, count: int, timeout: float, pause: float,
              give_up: bool = False) -> list[float | None]:
    """count mentions, one at a time, pause to pause + 1 s apart (at random: the TUI's screen
    polls once a second, and posts a fixed time apart would meet it at the same phase);
    give_up: stop at the first never shown."""
    found, spread = [], random.Random(20)
    for n in range(count):
        token = ("grace_token", "alan_token")[n % 2]
        found.append(mention_seen(tui, peer, token, f"LIVE-{label}-{n:02d}", timeout))
        if give_up and found[-1] is None:
            break
        time.sleep(pause + spread.random())
    return found


@dataclass
class Row:
    what: str
    samples: list[float | None]

    def line(self) -> str:
        seen = sorted(s for s in self.samples if s is not None)
        missed = len(self.samples) - len(seen)
        if not seen:
            return f"| {self.what} | {len(self.samples)} | never shown | | |"
        p90 = seen[min(len(seen) - 1, round(0.9 * (len(seen) - 1)))]
        extra = f" ({missed} never shown)" if missed else ""
        return (f"| {self.what} | {len(self.samples)}{extra} | {statistics.median(seen):.2f} s | {p90:.2f} s"
                f" | {seen[-1]:.2f} s |")


def run_latency(peer: Peer, work: Path, args) -> list[Row]:
    rows = []
    # (a) the TUI with its own engine, streaming
    db, config = make_host(work / "a", peer, ["ada"], STREAMING)
    warm_post(peer, "a")
    tui = Client(db, config, sync=True)
    try:
        tui.ready()
        warm_up(tui, "a")
        rows.append(Row("(a) stream, the TUI's own engine", latencies(tui, peer, "a", args.mentions, 10, 0.5)))
    finally:
        tui.close()
    print(rows[-1].line(), flush=True)
    # (b) `cmtui sync` on the file, a TUI with no engine open on it; if `cmtui sync` holds no
    # stream (it polls), (b') the same engine headless with its live feeds (run_forever).
    for label, command in (("b", ["-m", "cmtui", "sync"]), ("b2", [__file__, "--headless-engine"])):
        db, config = make_host(work / label, peer, ["ada"], STREAMING)
        person = work / label / "person"
        person.mkdir()
        (person / "settings.toml").write_text('timezone = "UTC"\n')
        warm_post(peer, label)
        sync = start_sync(db, config, command)
        tui = Client(db, person)
        try:
            tui.ready()
            warm_up(tui, label)
            what = ("(b) stream, `cmtui sync` + a TUI without engine" if label == "b" else
                    "(b') the same, the engine's run_forever headless in place of `cmtui sync`")
            rows.append(Row(what, latencies(tui, peer, label, args.mentions, 10, 0.5, give_up=True)))
        finally:
            tui.close()
            stop(sync)
        print(rows[-1].line(), flush=True)
        if None not in rows[-1].samples:
            break
    # (c) polling: live false
    if args.polling:
        polling = STREAMING.replace("live = true", "live = false").replace(
            "sync_interval_seconds = 60", f"sync_interval_seconds = {args.poll_seconds}")
        db, config = make_host(work / "c", peer, ["ada"], polling)
        warm_post(peer, "c")
        tui = Client(db, config, sync=True)
        try:
            tui.ready()
            warm_up(tui, "c")
            rows.append(Row(f"(c) polling every {args.poll_seconds} s (live = false)",
                            latencies(tui, peer, "c", args.polling, args.poll_seconds + 10, args.poll_seconds / 3)))
        finally:
            tui.close()
        print(rows[-1].line(), flush=True)
    return rows


def headless_engine(db: str) -> None:
    """What `cmtui sync` runs once it holds the live feeds: the engine's run_forever, headless,
    until SIGTERM (the settings and tokens from CMTUI_CONFIG_DIR, as cmtui reads them)."""
    import asyncio

    from cmtui import config
    from cmtui.sync.engine import SyncEngine

    async def run() -> None:
        store = Store.open(Path(db))
        settings = config.with_database_settings(config.load_settings(), store.database_settings(), db)
        engine = SyncEngine(store, settings, Credentials(), timeout=float(settings.http_timeout_seconds))
        stopping = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
        trace = os.environ.get("CMTUI_BENCH_TRACEMALLOC")  # a file: where Python's allocations grew
        if trace:
            asyncio.ensure_future(traced(Path(trace), stopping))
        await engine.run_forever(stopping)
        store.close()

    async def traced(out: Path, stopping) -> None:
        import tracemalloc

        tracemalloc.start(8)
        await asyncio.sleep(60)  # the first passes' imports and caches are not growth
        first = tracemalloc.take_snapshot()
        await stopping.wait()
        grown = tracemalloc.take_snapshot().compare_to(first, "traceback")
        lines = [f"Python heap: {tracemalloc.get_traced_memory()[0] / 2**20:.1f} MB now,"
                 f" {sum(s.size_diff for s in grown) / 2**20:+.2f} MB since the first minute"]
        for stat in grown[:12]:
            lines += [f"{stat.size_diff / 1024:+.1f} KiB in {stat.count_diff:+d} blocks"]
            lines += [f"    {frame}" for frame in stat.traceback.format()[-8:]]
        out.write_text("\n".join(lines) + "\n")

    asyncio.run(run())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (minutes, MB): MB per minute."""
    if len(points) < 2:
        return 0.0
    mx = statistics.fmean(t for t, _ in points)
    my = statistics.fmean(v for _, v in points)
    den = sum((t - mx) ** 2 for t, _ in points)
    return sum((t - mx) * (v - my) for t, v in points) / den if den else 0.0


class Traffic:
    """A mention or a favourite to one of the three accounts every ~10/3 s (each account gets
    one every ~10 s), from the other demo users in turn."""

    def __init__(self, peer: Peer, names: list[str]):
        self.peer, self.names, self.n = peer, names, 0

    def next(self) -> str:
        target = self.names[self.n % len(self.names)]
        others = [u for u in TOKENS if u != target]
        actor = others[(self.n // len(self.names)) % len(others)]
        kind = "mention" if (self.n // len(self.names)) % 2 == 0 else "favourite"
        if kind == "mention":
            self.peer.post(TOKENS[actor], f"@{target} SOAK-{self.n} how is the release going?")
        else:
            status = self.peer.post(TOKENS[target], f"SOAK-{self.n} news of the day")
            self.peer.http.post(f"/api/v1/statuses/{status['id']}/favourite",
                                headers={"Authorization": f"Bearer {TOKENS[actor]}"}).raise_for_status()
        self.n += 1
        return kind


def count_items(db: Path) -> int:
    store = Store.open(db)
    try:
        return store.conn.execute("SELECT count(*) FROM inbox_items").fetchone()[0]
    finally:
        store.close()


def run_soak(peer: Peer, work: Path, args) -> list[str]:
    names = ["ada", "grace", "alan"]
    db, config = make_host(work / "soak-tui", peer, names, STREAMING)
    sync_db, sync_config = make_host(work / "soak-sync", peer, names, STREAMING)
    engine_db, engine_config = make_host(work / "soak-engine", peer, names, STREAMING)
    warm_post(peer, "soak")
    tui = Client(db, config, sync=True)
    sync = start_sync(sync_db, sync_config)
    engine = start_sync(engine_db, engine_config, [__file__, "--headless-engine"])
    try:
        tui_pid = tui.ready()["pid"]
        warm_up(tui, "soak")
        pids = {"TUI (with engine)": tui_pid, "`cmtui sync`": sync.pid, "run_forever headless (b')": engine.pid}
        samples: dict[str, list[tuple[float, float]]] = {k: [] for k in pids}
        cpu0 = {k: cpu_seconds(p) for k, p in pids.items()}
        traffic = Traffic(peer, names)
        started = time.monotonic()
        end = started + args.soak_minutes * 60
        next_sample, next_event = started, (float("inf") if args.quiet else started)
        while True:
            now = time.monotonic()
            if now >= next_sample:
                for what, pid in pids.items():
                    samples[what].append(((now - started) / 60, rss_mb(pid)))
                print(f"  {(now - started) / 60:5.1f} min  " + "  ".join(
                    f"{what}: {points[-1][1]:.1f} MB" for what, points in samples.items()), flush=True)
                next_sample += args.sample_seconds
                if next_sample > end + 1:
                    break
            if now >= next_event and not args.quiet:
                traffic.next()
                next_event += 10 / len(names)
            time.sleep(max(0.05, min(next_sample, next_event) - time.monotonic()))
        alive = tui.send({"screen": True}).get("ok")
        cpu = {k: cpu_seconds(p) - cpu0[k] for k, p in pids.items()}
        stored = {what: count_items(path) for what, path in zip(pids, (db, sync_db, engine_db))}
    finally:
        tui.close()
        stop(sync)
        stop(engine)
    lines = [f"{traffic.n} mentions and favourites posted; items stored: "
             + ", ".join(f"{what} {n}" for what, n in stored.items()) + f"; the TUI still answering: {alive}", "",
             "| process | start | end | max | slope | CPU over the soak |", "|---|---|---|---|---|---|"]
    for what, points in samples.items():
        values = [v for _, v in points]
        lines.append(f"| {what} | {values[0]:.1f} MB | {values[-1]:.1f} MB | {max(values):.1f} MB"
                     f" | {slope(points):+.2f} MB/min | {cpu[what]:.1f} s |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="the live inbox's latency and memory budgets")
    parser.add_argument("--mentions", type=int, default=20, help="mentions timed in (a) and (b)")
    parser.add_argument("--polling", type=int, default=5, help="mentions timed with live = false (0: skip)")
    parser.add_argument("--poll-seconds", type=int, default=10, help="sync_interval_seconds in (c)")
    parser.add_argument("--soak-minutes", type=float, default=10.0)
    parser.add_argument("--sample-seconds", type=float, default=30.0)
    parser.add_argument("--quiet", action="store_true", help="the soak with nothing arriving (streams open, heartbeats only)")
    parser.add_argument("--only", choices=["latency", "soak"])
    parser.add_argument("--headless-engine", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.headless_engine:
        return headless_engine(args.db)
    work = Path(tempfile.mkdtemp(prefix="cmtui-live-"))
    mock, base = start_mock(work)
    peer = Peer(base)
    try:
        if args.only != "soak":
            print("| mention posted → on the TUI's screen | n | median | p90 | max |\n|---|---|---|---|---|",
                  flush=True)
            rows = run_latency(peer, work, args)
            print("\nLatency (budget: median ≤ 2 s with streaming):")
            print("| mention posted → on the TUI's screen | n | median | p90 | max |\n|---|---|---|---|---|")
            for row in rows:
                print(row.line())
        if args.only != "latency":
            print(f"\nMemory, streams open on 3 accounts, {args.soak_minutes:g} min:", flush=True)
            print("\n".join(run_soak(peer, work, args)))
    finally:
        mock.terminate()
        mock.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
