"""A team on one host, as the README sets it up: `cmtui sync` (the service) and two people's
TUIs, three real processes on one database file, against mastodon_mock on loopback.

Ana and Luka each run cmtui (tests/tui_process.py: the app under Pilot in a process of its
own, driven over stdin/stdout) with their own settings (`user`), the team in the database.
What one decides shows on the other's screen within about two seconds; a reply someone else
is writing or has queued is said before a second one is sent, which needs a yes; a post one
asks approval for waits in the other's calendar and status line; the sync sends each reply
exactly once; every stored decision (triage, moderation, the post's transitions, the outbox)
names the person who took it; and a TUI killed outright loses nothing it had confirmed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cmtui.config import Credentials
from cmtui.store import Store
from sync_process import start_sync, stop, wait_until
from tui_process import Client

pytestmark = pytest.mark.xdist_group("team_host")

SHOWN_WITHIN = 3.0  # "within about two seconds": the TUI polls once a second; a loaded machine adds some
QUESTIONS = {  # (asked within a second: the test reads the order the inbox shows)
    "alpha": ("katherine_token", "@ada Q-alpha BUY CHEAP FOLLOWERS"),
    "bravo": ("grace_token", "@ada Q-bravo does the export keep the labels?"),
    "charlie": ("alan_token", "@ada Q-charlie is there a dark mode?"),
    "delta": ("grace_token", "@ada Q-delta can two people share one inbox?"),
    "echo": ("alan_token", "@ada Q-echo thanks for the release!"),
}


class Tui(Client):
    """A person's cmtui, a process of its own (tests/tui_process.py); send() waits for its
    one-line answer and asserts it is ok."""

    def __init__(self, db: Path, home: Path, user: str):
        config = home / user
        config.mkdir(parents=True, exist_ok=True)
        (config / "settings.toml").write_text(f'user = "{user}"\ntimezone = "UTC"\n')
        self.user = user
        super().__init__(db, config, errors=home / f"{user}.err")

    def ready(self, timeout: float = 60) -> dict:
        hello = super().ready(timeout)
        assert hello["user"] == self.user, hello
        return hello

    def send(self, command: dict, timeout: float = 30) -> dict:
        answer = super().send(command, timeout)
        assert answer["ok"], f"{self.user}: {command}: {answer.get('error')}\n{answer.get('screen', '')}"
        return answer

    def press(self, *keys: str) -> None:
        self.send({"press": list(keys)})

    def wait(self, text: str, timeout: float = 10) -> float:
        return self.send({"wait": text, "timeout": timeout}, timeout + 30)["after"]

    def gone(self, text: str, timeout: float = 10) -> float:
        return self.send({"gone": text, "timeout": timeout}, timeout + 30)["after"]

    def row(self) -> dict | None:
        return self.send({"row": True})["row"]

    def stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read()

    def quit(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send({"quit": True})
                self.proc.wait(timeout=20)
            except (AssertionError, OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=20)


def rows(db: Path, sql: str, *params) -> list[tuple]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture
def host(tmp_path, peer):
    """The shared file (ada's account, the team in the database), the service's own config
    (her token), the questions asked on the instance. Yields (db, home, ids by key)."""
    db = tmp_path / "srv" / "community.db"
    db.parent.mkdir()
    service = tmp_path / "service"
    Credentials(service).set("ada", "ada_token")
    (service / "settings.toml").write_text('timezone = "UTC"\nsync_interval_seconds = 1\nhttp_timeout_seconds = 10\n')
    store = Store.open(db)
    store.accounts.add("ada", "mastodon", peer.base_url, handle=f"ada@{peer.base_url.split('//')[1]}",
                       remote_account_id=peer.me("ada_token")["id"])
    store.set_database_settings({"teammates": ["ana", "luka"], "approvers": ["ana", "luka"], "approval": "other"})
    store.close()
    statuses = {key: peer.post(token, text)["id"] for key, (token, text) in QUESTIONS.items()}
    yield db, tmp_path, service, statuses


def test_two_people_and_the_sync_service_on_one_database(host, peer):
    db, home, service, statuses = host
    sync, sync_errors = start_sync(db, service, home)
    ana, luka = Tui(db, home / "people", "ana"), Tui(db, home / "people", "luka")
    tuis = [ana, luka]
    try:
        ana.ready()
        luka.ready()
        # The service's first pass brings the questions: both screens show them, unprompted.
        for tui in tuis:
            tui.wait("Q-alpha", 30)
            tui.wait("Q-echo", 5)
        item = dict(rows(db, "SELECT remote_id, id FROM inbox_items"))
        ids = {key: item[remote] for key, remote in statuses.items()}
        for tui in tuis:
            tui.press("g")  # the first row (the newest; these were all asked within a second)
        key = {item_id: name for name, item_id in ids.items()}
        first = key[ana.row()["id"]]
        assert key[luka.row()["id"]] == first

        # Ana marks it done: it leaves Luka's screen within about two seconds.
        ana.press("e")
        assert luka.gone(f"Q-{first}", SHOWN_WITHIN + 2) < SHOWN_WITHIN
        second = key[ana.row()["id"]]
        assert key[luka.row()["id"]] == second

        # Ana assigns the next to Luka: his status line counts it.
        ana.press("a")
        ana.send({"select": "luka"})
        assert luka.wait("1 assigned to you", SHOWN_WITHIN + 2) < SHOWN_WITHIN
        ana.wait("→ luka")

        # Ana opens the composer on it; so does Luka: he is told she is replying.
        ana.press("r")
        ana.wait("Queue reply")
        luka.press("r")
        luka.wait("Queue reply")
        assert luka.wait("ana is replying", SHOWN_WITHIN + 2) < SHOWN_WITHIN
        # Ana (told too that Luka is replying) sends hers: she is asked, and says yes.
        ana.wait("luka is replying")
        ana.send({"type": "Yes: two people, one inbox."})
        ana.press("ctrl+s")
        ana.wait("Queue your reply too?")
        ana.press("y")
        ana.gone("Queue reply")
        # Her reply is queued: Luka's warning says it is answered, and by whom.
        assert luka.wait("answered by ana", SHOWN_WITHIN + 2) < SHOWN_WITHIN
        # A second answer asks first; no keeps his draft, and nothing is queued.
        luka.send({"type": "Also yes."})
        luka.press("ctrl+s")
        luka.wait("Queue your reply too?")
        luka.press("n")
        luka.gone("Queue your reply too?")
        assert rows(db, "SELECT who FROM outbox WHERE item_id = ?", ids[second]) == [("ana",)]
        luka.wait("Also yes.")  # the draft, still in his composer
        luka.press("escape")  # keeps the draft, closes the composer
        luka.gone("Queue reply")
        luka.press("escape")  # back to the list

        # Luka answers another item; then his TUI is killed outright.
        luka.press("j")
        third = key[luka.row()["id"]]
        assert third not in (first, second)
        luka.press("r")
        luka.wait("Queue reply")
        luka.send({"type": "Yes, in the settings."})
        luka.press("ctrl+s")
        luka.gone("Queue reply")
        luka.kill()
        assert rows(db, "SELECT who FROM outbox WHERE item_id = ?", ids[third]) == [("luka",)]

        # Luka starts again: what he and Ana decided is all there.
        luka = Tui(db, home / "people", "luka")
        tuis.append(luka)
        luka.ready()
        luka.wait("1 assigned to you")
        luka.wait(f"Q-{second}")
        assert f"Q-{first}" not in luka.send({"screen": True})["screen"]

        # A flagged item (as a moderation rule flags it): Luka approves it in the queue.
        flagged = next(name for name in QUESTIONS if name not in (first, second, third))
        store = Store.open(db)
        try:
            store.moderation.add_flag(ids[flagged], "looks like spam", rule="test")
        finally:
            store.close()
        luka.press("3")
        luka.wait(f"Q-{flagged}", SHOWN_WITHIN + 2)
        luka.press("a")
        assert wait_until(lambda: rows(db, "SELECT who, action FROM moderation_log") == [("luka", "approve")], 10)

        # Ana writes a post (from the command line) and asks for approval in her calendar;
        # Luka, the other approver, sees it waiting and approves it in his.
        at = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(minutes=30)
        added = subprocess.run([sys.executable, "-m", "cmtui", "post", "add", "Q-post our release notes",
                                "--account", "ada", "--draft", "--at", at.strftime("%Y-%m-%d %H:%M"),
                                "--db", str(db)], capture_output=True, text=True, timeout=60,
                               env={**os.environ, "CMTUI_CONFIG_DIR": str(home / "people" / "ana")})
        assert added.returncode == 0, added.stderr
        later = at.date() != datetime.now(timezone.utc).date()  # (run just before midnight)
        for tui in (ana, luka):
            tui.press("escape", "1")
            if later:
                tui.press("l")
            tui.wait("Q-post", SHOWN_WITHIN + 2)
            tui.press("enter")
        ana.press("s")
        ana.wait("ana: draft → needs approval")  # the entry's history, under the list
        assert luka.wait("1 to approve", SHOWN_WITHIN + 2) < SHOWN_WITHIN
        luka.press("a")
        luka.wait("Approve this post")
        luka.send({"type": "Looks good."})
        luka.press("enter")
        luka.wait("luka: needs approval → approved")

        # The service sends each reply exactly once.
        assert wait_until(lambda: rows(db, "SELECT DISTINCT state FROM outbox") == [("done",)], 30), \
            rows(db, "SELECT id, kind, state, last_error FROM outbox")
    finally:
        for tui in tuis:
            tui.quit()
        code, _took, said = stop(sync, sync_errors)
    assert code == 0, said
    assert "Traceback" not in said and "locked" not in said, said
    for tui in tuis:
        assert "Traceback" not in tui.stderr(), tui.stderr()

    sent = peer.statuses("ada_token")
    for name, text in ((second, "two people, one inbox"), (third, "in the settings")):
        replies = [s for s in sent if s["in_reply_to_id"] == statuses[name]]
        assert len(replies) == 1 and text in replies[0]["content"], (name, [r["content"] for r in replies])
    assert not [s for s in sent if "Also yes" in s["content"]]
    assert sorted(rows(db, "SELECT item_id, kind, who, state FROM outbox")) == sorted([
        (ids[second], "reply", "ana", "done"), (ids[third], "reply", "luka", "done")])
    # Every line of the logs names its person.
    assert rows(db, "SELECT action, who, item_ids FROM triage_log ORDER BY id") == [
        ("done", "ana", f"[{ids[first]}]"), ("assign", "ana", f"[{ids[second]}]")]
    assert rows(db, "SELECT who, action, item_id FROM moderation_log") == [("luka", "approve", ids[flagged])]
    assert rows(db, "SELECT assignee FROM inbox_items WHERE id = ?", ids[second]) == [("luka",)]
    assert rows(db, "SELECT who, from_status, to_status, comment FROM entry_transitions ORDER BY id") == [
        ("ana", None, "draft", ""), ("ana", "draft", "needs_approval", ""),
        ("luka", "needs_approval", "approved", "Looks good.")]
    assert rows(db, "SELECT created_by FROM calendar_entries") == [("ana",)]
    # Ana's presence ended with her composer (the killed TUI's goes stale by itself).
    assert rows(db, "SELECT who FROM presence WHERE who = 'ana'") == []
