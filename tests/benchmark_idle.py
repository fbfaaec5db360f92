"""Idle cost: the CPU time cmtui spends while nothing happens (a script, not a test).

    python tests/benchmark_idle.py [--seconds 60] [--settle 15] [--only demo,tui,sync]

(a) demo  the TUI on the demo database (no sync), `cmtui demo`
(b) tui   the TUI on a database with one account (ada) on mastodon_mock on loopback, its
          live feed streaming (heartbeats only)
(c) sync  `cmtui sync` on that database, between two polls

Each runs in a real pseudo-terminal (tests/benchmark.py's PtyProcess), is left to settle,
then its utime+stime (/proc/PID/stat, all threads, 10 ms ticks) and the on-CPU time of its
threads (/proc/PID/task/*/schedstat, in ns) are read at the start and the end of the window.
The passes' interval is set far beyond the window (sync_interval_seconds), so (b) and (c)
measure the time between polls: the stream's heartbeats, the timers, the clock.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import CMTUI, FOOTER, PtyProcess  # noqa: E402

BUDGET_SECONDS = 0.05  # per 60 s (issue 20)
TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> float:
    """utime + stime of the whole process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_ns(pid: int) -> float:
    """On-CPU time of its live threads (schedstat), in seconds: finer than the ticks."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):  # a thread that just ended
            pass
    return total / 1e9


def wakeups(pid: int) -> int:
    """Context switches of its threads: roughly, how often it woke up."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def measure(proc: PtyProcess, settle: float, seconds: float) -> dict:
    """Let it settle (reading its output, as a terminal does), then the window."""
    end = time.monotonic() + settle
    while time.monotonic() < end:
        proc.drain(quiet=0.5, timeout=max(0.0, end - time.monotonic()))
    ticks, ns, woke = cpu_ticks(proc.pid), cpu_ns(proc.pid), wakeups(proc.pid)
    end = time.monotonic() + seconds
    while time.monotonic() < end:  # the terminal keeps reading what it draws
        proc.drain(quiet=0.5, timeout=max(0.0, end - time.monotonic()))
    return {"cpu": cpu_ticks(proc.pid) - ticks, "oncpu": cpu_ns(proc.pid) - ns,
            "wakeups": wakeups(proc.pid) - woke}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_peer(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(folder / "mock.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "mastodon_mock", "serve", "--in-memory", "--demo",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server, url
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"mastodon_mock did not start: see {folder / 'mock.log'}")
            time.sleep(0.2)
    server.kill()
    raise SystemExit("mastodon_mock did not start within 60 s")


def account_db(folder: Path, url: str, env: dict) -> Path:
    """A database with ada on the peer, her token in the config folder, the passes far apart."""
    db = folder / "live.db"
    config = Path(env["CMTUI_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text("sync_interval_seconds = 3600\n", encoding="utf-8")
    done = subprocess.run([*CMTUI, "account", "add", "mastodon", "ada", "--instance", url, "--token-env",
                           "ADA_TOKEN", "--db", str(db)], env={**env, "ADA_TOKEN": "ada_token"},
                          capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise SystemExit(f"account add failed: {done.stderr.strip()}")
    return db


def run(name: str, argv: list[str], env: dict, settle: float, seconds: float, ready: bytes | None) -> dict:
    proc = PtyProcess(argv, env)
    try:
        if ready is not None:
            proc.read_until(ready, timeout=60)
        result = measure(proc, settle, seconds)
        alive = Path(f"/proc/{proc.pid}").exists()
    finally:
        proc.close()
    if not alive:
        raise SystemExit(f"{name}: the process ended early; last output {proc.buffer[-300:]!r}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="the measured window (default 60)")
    parser.add_argument("--settle", type=float, default=15.0, help="seconds left to settle first (default 15)")
    parser.add_argument("--only", default="demo,tui,sync", help="which of demo,tui,sync to run")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(","))
    rows: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="cmtui-idle-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "CMTUI_CONFIG_DIR": str(folder / "config"), "LC_ALL": "C.UTF-8",
               "LANG": "C.UTF-8"}
        env.pop("CMTUI_OPEN", None)
        if "demo" in wanted:
            rows.append(("TUI, demo (no sync)", run("demo", [*CMTUI, "demo", "--db", str(folder / "demo.db")], env,
                                                 args.settle, args.seconds, FOOTER)))
        if wanted & {"tui", "sync"}:
            server, url = start_peer(folder)
            try:
                db = account_db(folder, url, env)
                if "tui" in wanted:
                    rows.append(("TUI, 1 account streaming", run("tui", [*CMTUI, "--db", str(db)], env,
                                                                  args.settle, args.seconds, FOOTER)))
                if "sync" in wanted:
                    rows.append(("cmtui sync, between polls", run("sync", [*CMTUI, "sync", "--db", str(db)], env,
                                                                  args.settle, args.seconds, None)))
            finally:
                server.terminate()
                server.wait(timeout=10)
    budget = BUDGET_SECONDS * args.seconds / 60
    print(f"Idle CPU over {args.seconds:.0f} s (after {args.settle:.0f} s to settle); budget {budget:.3f} s")
    print(f"{'':28} {'utime+stime':>12} {'on-CPU':>9} {'wake-ups':>9}  budget")
    for name, r in rows:
        verdict = "ok" if r["cpu"] <= budget + 1e-9 else "OVER"
        print(f"{name:28} {r['cpu']:>10.2f} s {r['oncpu']:>7.3f} s {r['wakeups']:>9}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
