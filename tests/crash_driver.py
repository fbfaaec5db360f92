"""A process for the crash tests to SIGKILL: it writes user decisions to a database in a loop
and prints one line per decision *after* its transaction committed (flushed), so the test
knows which decisions the database must still hold after the kill.

    python tests/crash_driver.py decide DB ROUNDS

Each round walks the inbox items in id order and takes a decision on each: done, snooze,
reply (queue_reply, text 'crash reply <pid>-<item>-<round>.'), mute, block (moderation act).
Line printed: 'ok KIND ITEM_ID OP_ID' (OP_ID '-' when nothing was queued).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KINDS = ("done", "snooze", "reply", "mute", "block")


def decide(db: str, rounds: int) -> None:
    from cmtui.compose import queue_reply
    from cmtui.config import Settings
    from cmtui.moderation.actions import act
    from cmtui.store import Store

    store = Store.open(Path(db))
    settings = Settings(timezone="UTC")
    ids = [r[0] for r in store.conn.execute("SELECT id FROM inbox_items ORDER BY id")]
    print(f"ready {len(ids)}", flush=True)
    n = 0
    for round_ in range(rounds):
        for item_id in ids:
            kind = KINDS[n % len(KINDS)]
            n += 1
            op = "-"
            if kind == "done":
                store.triage.done([item_id], "crash")
            elif kind == "snooze":
                store.triage.apply([item_id], "snooze", {"state": "snoozed", "snooze_until": "2099-01-01T00:00:00Z"},
                                   "crash")
            elif kind == "reply":
                op = queue_reply(store, item_id, f"crash reply {os.getpid()}-{item_id}-{round_}.")
            else:
                [outcome] = act(store, settings, [item_id], kind, who="crash")
                op = outcome.outbox_id if outcome.outbox_id is not None else "-"
            print(f"ok {kind} {item_id} {op}", flush=True)
            time.sleep(0.01)  # a user's pace, roughly: keeps the replies to send few
    print("finished", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "decide":
        decide(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(f"unknown mode {sys.argv[1]}")
