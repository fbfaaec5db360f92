"""Benchmarks for the README's Performance section (not a test: these machines are noisy).

    python tests/benchmark.py startup [--db PATH] [--runs N]
        launch to the first painted frame and to the inbox with its rows drawn (the first
        row's author written), cmtui vs a minimal Textual app's first frame (header +
        footer), measured side by side in a pseudo-terminal, interleaved.
    python tests/benchmark.py keys --db PATH [--keys N]
        j/k in the inbox: key written -> repainted frame written, and resident memory.
    python tests/benchmark.py metrics --db PATH [--runs N]
        the Metrics mode: 4 pressed -> figures drawn (a fresh process per run), 4 again, r.
    python tests/benchmark.py all [--items 1000000]
        everything above on the demo and on a generated database of that size.

Each run is a real process in a real pty (120x40, TERM=xterm-256color); a frame counts as
painted when its last line (the footer) has been written.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from contextlib import closing
from pathlib import Path

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Header, Footer
class Minimal(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Header()
        yield Footer()
Minimal().run()
"""
COLS, ROWS = 120, 40
# The console script, as a user starts it (beside this interpreter in a virtual environment).
CMTUI = [str(Path(sys.executable).with_name("cmtui"))] if Path(sys.executable).with_name("cmtui").exists() \
    else [sys.executable, "-m", "cmtui"]


class PtyProcess:
    def __init__(self, argv: list[str], env: dict | None = None):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.environ.update(env or {})
            os.environ["TERM"] = "xterm-256color"
            os.execvp(argv[0], argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.buffer = b""

    def read_until(self, marker: bytes, timeout: float = 30.0) -> float:
        """Read output until marker appears; return the time it arrived."""
        deadline = time.perf_counter() + timeout
        while marker not in self.buffer:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{marker!r} not seen; last output {self.buffer[-300:]!r}")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                self.buffer += os.read(self.fd, 65536)
        return time.perf_counter()

    def drain(self, quiet: float = 0.03, timeout: float = 2.0) -> float | None:
        """Read until output has been quiet for `quiet` s; return when the last byte came."""
        last = None
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                break
            self.buffer += os.read(self.fd, 65536)
            last = time.perf_counter()
        return last

    def cpu_seconds(self) -> float:
        """CPU time the process has used so far (user + system; 10 ms ticks): less swayed
        than the wall clock by other work on the machine."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def write(self, data: bytes) -> float:
        started = time.perf_counter()
        os.write(self.fd, data)
        return started

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


# The key bar's last key: written when the footer line is (the "^p palette" hint after it
# gives way when the bar is full, as in the inbox at 120 columns).
FOOTER = b"Quit"

def _first_frame(argv: list[str], marker: bytes, env: dict | None = None,
                 rows: bytes | None = None) -> tuple[float, float, float | None, float]:
    """Seconds to the first frame (its footer written), resident MB, seconds until `rows`
    (a text of the first row) has been written as well (None: not asked), and the CPU
    seconds the process had used by then."""
    started = time.perf_counter()
    proc = PtyProcess(argv, env)
    try:
        painted = proc.read_until(marker)
        drawn = proc.read_until(rows) if rows else None
        cpu = proc.cpu_seconds()
        return painted - started, proc.rss_mb(), None if drawn is None else drawn - started, cpu
    finally:
        proc.close()


def _first_row_marker(db: Path) -> bytes:
    """A text only the inbox's rows show: the start of the first row's author in the
    default view (as the row writes it), read the way the inbox reads it."""
    from cmtui.store import InboxFilter, Store

    store = Store.open(db)
    try:
        row = store.inbox.page(InboxFilter(), 0, 1)[0]
    finally:
        store.close()
    author = " ".join((row["author_name"] or row["author"]).split())
    return author[:12].encode()


def compile_sources() -> None:
    """Byte-compile cmtui as an installed copy is (pip compiles what it installs; an
    editable checkout compiles on its first run). With PYTHONDONTWRITEBYTECODE set, as
    on these machines, every start-up would compile ~60 modules (~100 ms) that Textual,
    installed, does not: the minimal app would be measured with its bytecode, we without."""
    import compileall

    import cmtui

    compileall.compile_dir(Path(cmtui.__file__).parent, quiet=1)


def startup(db: Path, runs: int, env: dict) -> dict:
    minimal, ours, rows, rss, minimal_cpu, cpu = [], [], [], [], [], []
    compile_sources()
    marker = _first_row_marker(db)
    for _ in range(runs):  # interleaved, so both see the same machine load
        seconds, _mb, _rows, used = _first_frame([sys.executable, "-c", MINIMAL_APP], b"Quit", env)
        minimal.append(seconds)
        minimal_cpu.append(used)
        seconds, mb, drawn, used = _first_frame([*CMTUI, "--db", str(db)], FOOTER, env, rows=marker)
        ours.append(seconds)
        rows.append(drawn)
        rss.append(mb)
        cpu.append(used)
    m, o, r = statistics.median(minimal), statistics.median(ours), statistics.median(rows)
    return {"minimal_ms": m * 1000, "cmtui_ms": o * 1000, "ratio": o / m, "rows_ms": r * 1000,
            "rows_ratio": r / m, "rss_mb": max(rss), "minimal_cpu_ms": statistics.median(minimal_cpu) * 1000,
            "cpu_ms": statistics.median(cpu) * 1000}


def keys(db: Path, count: int, env: dict) -> dict:
    proc = PtyProcess([*CMTUI, "--db", str(db)], env)
    try:
        proc.read_until(FOOTER)
        proc.drain(quiet=0.3)
        latencies = []
        for n in range(count):  # down across a page boundary (a query), then back up
            sent = proc.write(b"j" if n < count // 2 else b"k")
            done = proc.drain()
            if done is not None:
                latencies.append(done - sent)
        jumps = []
        for key in (b"G", b"g", b"G", b"g"):  # the far end of the list, and back
            sent = proc.write(key)
            done = proc.drain()
            if done is not None:
                jumps.append(done - sent)
        rss = proc.rss_mb()
    finally:
        proc.close()
    latencies.sort()
    return {
        "keys": len(latencies),
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "jump_ms": max(jumps) * 1000 if jumps else float("nan"),
        "rss_mb": rss,
    }


def _timed(proc: PtyProcess, data: bytes) -> float | None:
    """Send keys; return the seconds until the screen stopped changing (None: no repaint)."""
    sent = proc.write(data)
    done = proc.drain()
    return None if done is None else done - sent


def _settled_after(proc: PtyProcess, data: bytes, timeout: float = 2.0) -> float | None:
    """Send keys; return the seconds until the last frame they caused (waiting up to
    timeout for the first, then until output is quiet for 50 ms)."""
    sent = proc.write(data)
    ready, _, _ = select.select([proc.fd], [], [], timeout)
    if not ready:
        return None
    proc.buffer += os.read(proc.fd, 65536)
    last = proc.drain(quiet=0.05) or time.perf_counter()
    return last - sent


def _first_frame_after(proc: PtyProcess, data: bytes, timeout: float = 2.0) -> float | None:
    """Send keys; return the seconds until the first frame is written (Textual writes a
    frame in one go), then let the rest settle unmeasured: a toast saying what was done
    slides in frames later and is not what the user waits for."""
    sent = proc.write(data)
    ready, _, _ = select.select([proc.fd], [], [], timeout)
    if not ready:
        return None
    arrived = time.perf_counter()
    proc.buffer += os.read(proc.fd, 65536)
    proc.drain(quiet=0.1)
    return arrived - sent


def _summary(latencies: list[float]) -> dict:
    latencies = sorted(latencies)
    return {"n": len(latencies), "median_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
            "max_ms": latencies[-1] * 1000}


def triage(db: Path, rounds: int, env: dict) -> dict:
    """e (done) and u (undo) on the item under the cursor, alternately: the list, counts
    and preview repaint each time. Run on a copy: the rounds leave it as it was, but a
    benchmark should never write to the file it measures."""
    proc = PtyProcess([*CMTUI, "--db", str(db)], env)
    try:
        proc.read_until(FOOTER)
        proc.drain(quiet=0.3)
        done, undone = [], []
        for _ in range(rounds):
            for key, into in ((b"e", done), (b"u", undone)):
                seconds = _first_frame_after(proc, key)
                if seconds is not None:
                    into.append(seconds)
    finally:
        proc.close()
    return {"e": _summary(done), "u": _summary(undone)}


SEARCHES = ("sync broken", "encryption android", "calendar view ipados", "freezes chromeos", "logs lang:en")


def search(db: Path, env: dict) -> dict:
    """/ then a query typed one key at a time: each key's results (the first page, the count
    following from a thread) are timed; esc clears it for the next query."""
    proc = PtyProcess([*CMTUI, "--db", str(db)], env)
    try:
        proc.read_until(FOOTER)
        proc.drain(quiet=0.3)
        latencies = []
        for query in SEARCHES:
            _timed(proc, b"/")
            for char in query:
                seconds = _timed(proc, char.encode())
                if seconds is not None:
                    latencies.append(seconds)
            _timed(proc, b"\x1b")
            proc.drain(quiet=0.6)  # let the last count finish before the next query
    finally:
        proc.close()
    return _summary(latencies)


def thread(db: Path, rounds: int, env: dict) -> dict:
    """enter opens the stored conversation in the thread pane, esc closes it (no sync engine
    in the benchmark: the store alone), moving down one item each round."""
    proc = PtyProcess([*CMTUI, "--db", str(db)], env)
    try:
        proc.read_until(FOOTER)
        proc.drain(quiet=0.3)
        opened = []
        for _ in range(rounds):
            seconds = _first_frame_after(proc, b"\r")  # the frame that shows the conversation
            if seconds is not None:
                opened.append(seconds)
            _settled_after(proc, b"\x1b")
            _settled_after(proc, b"j")
    finally:
        proc.close()
    return _summary(opened)


def calendar(db: Path, rounds: int, env: dict) -> dict:
    """The calendar's month view: the day cursor across the grid (l, j) and whole months
    (n, p: a new period read from the store), each key timed to its repainted frame."""
    proc = PtyProcess([*CMTUI, "--db", str(db)], env)
    try:
        proc.read_until(FOOTER)
        proc.drain(quiet=0.3)
        _settled_after(proc, b"1")
        proc.drain(quiet=0.5)
        moves, months = [], []
        for n in range(rounds):
            for key in (b"l", b"l", b"j", b"h"):
                seconds = _timed(proc, key)
                if seconds is not None:
                    moves.append(seconds)
            seconds = _timed(proc, b"n" if n % 4 < 2 else b"p")
            if seconds is not None:
                months.append(seconds)
    finally:
        proc.close()
    return {"moves": _summary(moves), "months": _summary(months)}


# The range line's dates ("2026-10-23 → 2026-11-21"): written with the figures, in the same
# frame; while counting the line has none.
PANEL_DRAWN = "→".encode()


def _panel_drawn(proc: PtyProcess, data: bytes, timeout: float = 5.0) -> float:
    """Send keys; return the seconds until the Metrics panel's figures are drawn (the frame
    with PANEL_DRAWN and whatever follows it within 50 ms)."""
    proc.buffer = b""
    sent = proc.write(data)
    proc.read_until(PANEL_DRAWN, timeout)
    last = proc.drain(quiet=0.05) or time.perf_counter()
    return last - sent


METRICS_SETTLE = 4.0  # seconds between start-up and `4` in the "settled" runs


def metrics(db: Path, runs: int, env: dict) -> dict:
    """The Metrics mode: `4` from the inbox, a fresh process each run (the screen is built
    then), until the figures are drawn; then in one process `2` and `4` again (the kept
    screen, to its first frame: the figures re-read behind it) and `r` (the next range,
    until its figures are drawn) repeatedly."""
    first, settled, again, ranges = [], [], [], []
    for n in range(runs):
        # A user who opens the mode a few seconds after start-up finds its first figures
        # computed already (the app prefetches them once settled); one who presses `4`
        # at once waits for them.
        proc = PtyProcess([*CMTUI, "--db", str(db)], env)
        try:
            proc.read_until(FOOTER)
            proc.drain(quiet=0.3)
            first.append(_panel_drawn(proc, b"4"))
        finally:
            proc.close()
        proc = PtyProcess([*CMTUI, "--db", str(db)], env)
        try:
            proc.read_until(FOOTER)
            time.sleep(METRICS_SETTLE)
            proc.drain(quiet=0.3)
            settled.append(_panel_drawn(proc, b"4"))
            proc.drain(quiet=0.8)  # the members worker
            if n == 0:
                for _ in range(runs):
                    _settled_after(proc, b"2")
                    proc.drain(quiet=0.3)
                    # The screen is kept: the last figures show at once, the new ones follow.
                    again.append(_first_frame_after(proc, b"4"))
                    proc.drain(quiet=0.8)
                    ranges.append(_panel_drawn(proc, b"r"))
                    proc.drain(quiet=0.8)
        finally:
            proc.close()
    return {"open": _summary(first), "settled": _summary(settled), "again": _summary(again),
            "range": _summary(ranges)}


def _env(tmp: Path) -> dict:
    return {"CMTUI_CONFIG_DIR": str(tmp / "config"), "XDG_DATA_HOME": str(tmp / "data")}


def _demo_db(tmp: Path) -> Path:
    path = tmp / "demo.db"
    if not path.exists():
        from cmtui.demo import build_demo
        from cmtui.config import Settings

        build_demo(path, Settings().tzinfo())
    return path


def _generated_db(items: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"cmtui-bench-{items}.db"
    if not path.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cmtui", "generate", "--items", str(items), "--db", str(path)],
                       check=True)
        print(f"generate --items {items}: {time.perf_counter() - started:.1f} s")
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["startup", "keys", "triage", "search", "thread", "calendar", "metrics", "all"])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--items", type=int, default=1_000_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cmtui-bench-"))
    env = _env(tmp)
    targets = [args.db] if args.db else [_demo_db(tmp), _generated_db(args.items)]
    for db in targets:
        print(f"== {db}")
        if args.what in ("startup", "all"):
            r = startup(db, args.runs, env)
            print(f"first frame: cmtui {r['cmtui_ms']:.0f} ms, minimal Textual app {r['minimal_ms']:.0f} ms, "
                  f"ratio {r['ratio']:.2f}; the inbox with its rows: {r['rows_ms']:.0f} ms, ratio "
                  f"{r['rows_ratio']:.2f} (medians of {args.runs}); CPU time to the rows {r['cpu_ms']:.0f} ms, "
                  f"minimal app's to its frame {r['minimal_cpu_ms']:.0f} ms; resident memory {r['rss_mb']:.0f} MB")
        if args.what in ("keys", "all"):
            r = keys(db, args.keys, env)
            print(f"inbox j/k: key -> frame median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms "
                  f"over {r['keys']} keys; G/g (last/first row) at most {r['jump_ms']:.1f} ms; "
                  f"resident memory {r['rss_mb']:.0f} MB")
        if args.what in ("calendar", "all"):
            r = calendar(db, args.runs * 2, env)
            with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
                entries = conn.execute("SELECT count(*) FROM calendar_entries").fetchone()[0]
            print(f"calendar month view ({entries} entries): day cursor median {r['moves']['median_ms']:.1f} ms, "
                  f"p95 {r['moves']['p95_ms']:.1f} ms over {r['moves']['n']} keys; next/previous month median "
                  f"{r['months']['median_ms']:.1f} ms, p95 {r['months']['p95_ms']:.1f} ms over {r['months']['n']}")
        if args.what in ("metrics", "all"):
            r = metrics(db, args.runs, env)
            print(f"metrics panel (4, figures drawn): first open {METRICS_SETTLE:.0f} s after start-up median "
                  f"{r['settled']['median_ms']:.0f} ms, p95 {r['settled']['p95_ms']:.0f} ms; at once median "
                  f"{r['open']['median_ms']:.0f} ms, p95 {r['open']['p95_ms']:.0f} ms over {r['open']['n']} processes; again (2 then 4) median "
                  f"{r['again']['median_ms']:.0f} ms; r (next range) median {r['range']['median_ms']:.0f} ms, "
                  f"p95 {r['range']['p95_ms']:.0f} ms over {r['range']['n']}")
        if args.what in ("triage", "search", "thread", "all"):
            # These write (e/u) or may: work on a copy, never on the measured file itself.
            copy = tmp / f"copy-{db.name}"
            shutil.copyfile(db, copy)
            if args.what in ("triage", "all"):
                r = triage(copy, args.runs * 3, env)
                for key in ("e", "u"):
                    print(f"inbox {key}: key -> frame median {r[key]['median_ms']:.1f} ms, "
                          f"p95 {r[key]['p95_ms']:.1f} ms over {r[key]['n']} keys")
            if args.what in ("search", "all"):
                r = search(copy, env)
                print(f"search as you type: key -> results median {r['median_ms']:.1f} ms, "
                      f"p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms over {r['n']} keys")
            if args.what in ("thread", "all"):
                r = thread(copy, args.runs * 2, env)
                print(f"open a stored thread (enter): median {r['median_ms']:.1f} ms, "
                      f"p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms over {r['n']} opens")
            copy.unlink()


if __name__ == "__main__":
    main()
