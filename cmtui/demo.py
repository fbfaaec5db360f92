"""The demo community: a database built from data/demo/, with dates shifted so that it
always looks current. `cmtui demo` uses its own file, never the user's database."""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta
from pathlib import Path

from cmtui.demo_calendar import load_calendar
from cmtui.demo_moderation import load_moderation
from cmtui.errors import CmtuiError
from cmtui.model import iso, utcnow
from cmtui.moderation.toml_io import seed_rules
from cmtui.resources import load_json
from cmtui.saved_replies import seed as seed_saved_replies
from cmtui.store import Store
from cmtui.store.base import dumps
from cmtui.text import sanitize
from cmtui.triage import is_question

DEMO_MARK = "demo"


def remote_id(at: datetime, n: int) -> str:
    # Mastodon ids are snowflakes: milliseconds shifted left 16 bits, plus a sequence.
    return str((int(at.timestamp() * 1000) << 16) + n)


def status_url(acct: str, remote_id: str) -> str:
    user, _, host = acct.partition("@")
    return f"https://{host}/@{user}/{remote_id}"


def _load_accounts(store: Store, community: dict) -> dict[str, object]:
    accounts = {}
    for spec in community["accounts"]:
        accounts[spec["name"]] = store.accounts.add(
            spec["name"], spec["platform"], spec["instance"], handle=spec["handle"],
            display_name=spec["display_name"],
            limits={"max_chars": spec.get("max_chars", 500), "url_weight": 23},
            offline=True,  # made-up instances: the demo has no connection, by design
        )
    return accounts


def _load_people(store: Store, specs: list[dict], now: datetime) -> dict[str, dict]:
    """Members as the sync would have met them: first seen with their first item, last seen
    with their latest, their account made before either."""
    seen: dict[str, list[datetime]] = {}
    for spec in specs:
        seen.setdefault(spec["author"], []).append(now - timedelta(hours=spec["age_hours"]))
    people = {}
    for person in load_json("demo/people.json"):
        times = seen.get(person["acct"]) or [now - timedelta(days=min(30, person["account_age_days"]))]
        created = min(now - timedelta(days=person["account_age_days"]), min(times) - timedelta(hours=2))
        person["id"] = store.people.upsert(
            "mastodon", person["acct"], person["display_name"], url=status_url(person["acct"], "").rstrip("/"),
            account_created_at=iso(created), bot=person.get("bot", False), seen_at=iso(min(times)),
        )
        store.conn.execute("UPDATE people SET last_seen_at = ? WHERE id = ?", (iso(max(times)), person["id"]))
        if person.get("notes"):
            store.people.set_notes(person["id"], person["notes"])
        people[person["acct"]] = person
    return people


def _thread_root(items: dict[str, dict], key: str) -> str:
    seen = set()
    while items[key].get("in_reply_to") and key not in seen:
        seen.add(key)
        key = items[key]["in_reply_to"]
    return key


def _load_inbox(store: Store, accounts: dict, people: dict, specs: list[dict], now: datetime) -> dict[str, int]:
    """The inbox items; returns their ids by the data's keys."""
    items = {spec["key"]: spec for spec in specs}
    ids: dict[str, int] = {}
    conn = store.conn
    for n, spec in enumerate(sorted(specs, key=lambda s: -s["age_hours"])):
        created = now - timedelta(hours=spec["age_hours"])
        spec["created"] = created
        spec["remote_id"] = remote_id(created, n)
    threads: dict[str, int] = {}
    for spec in sorted(specs, key=lambda s: -s["age_hours"]):
        account = accounts[spec["account"]]
        person = people[spec["author"]]
        created = spec["created"]
        answered = None
        if spec.get("our_reply") and spec.get("answered_after_minutes"):
            answered = min(created + timedelta(minutes=spec["answered_after_minutes"]), now - timedelta(minutes=1))
        root = _thread_root(items, spec["key"])
        thread_id = None
        if root != spec["key"] or spec.get("our_reply") or any(s.get("in_reply_to") == spec["key"] for s in specs):
            if root not in threads:
                threads[root] = conn.execute(
                    "INSERT INTO threads (account_id, root_remote_id, fetched_at) VALUES (?, ?, ?)",
                    (account.id, items[root]["remote_id"], iso(now)),
                ).lastrowid
            thread_id = threads[root]
        parent = items.get(spec.get("in_reply_to") or "")
        text = sanitize(spec["text"])
        state = spec["state"]
        item_id = store.inbox.insert(
            account.id, kind=spec["kind"], remote_id=spec["remote_id"],
            url=status_url(spec["author"], spec["remote_id"]), person_id=person["id"],
            author=spec["author"], author_name=sanitize(person["display_name"], single_line=True), text=text,
            language=spec["language"], visibility="direct" if spec["kind"] == "direct" else "public",
            in_reply_to_remote_id=parent["remote_id"] if parent else None, thread_id=thread_id,
            is_question=int(is_question(text)), created_at=iso(created),
            first_seen_at=iso(min(created + timedelta(minutes=1), now)), state=state,
            snooze_until=iso(now + timedelta(hours=spec["snooze_hours"])) if state == "snoozed" else None,
            assignee=spec.get("assignee"), labels=spec.get("labels") or [], answered_at=iso(answered),
            done_at=iso(answered or min(created + timedelta(hours=6), now)) if state == "done" else None,
        )
        if thread_id is not None:
            conn.execute(
                "INSERT INTO thread_posts (thread_id, remote_id, in_reply_to_remote_id, author, author_name,"
                " text, url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (thread_id, spec["remote_id"], parent["remote_id"] if parent else None, spec["author"],
                 person["display_name"], text, status_url(spec["author"], spec["remote_id"]), iso(created)),
            )
            if answered is not None:
                reply_id = remote_id(answered, n + 50_000)
                conn.execute(
                    "INSERT INTO thread_posts (thread_id, remote_id, in_reply_to_remote_id, author, author_name,"
                    " text, url, created_at, ours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                    (thread_id, reply_id, spec["remote_id"], account.handle, account.display_name,
                     sanitize(spec["our_reply"]), status_url(account.handle, reply_id), iso(answered)),
                )
        ids[spec["key"]] = item_id
    return ids


def _load_metrics(store: Store, accounts: dict, community: dict, now: datetime) -> None:
    rng = random.Random(7)
    for spec in community["accounts"]:
        account = accounts[spec["name"]]
        start, end = spec["followers_90_days_ago"], spec["followers_now"]
        rows = []
        for day in range(90, 0, -1):
            share = (90 - day) / 90
            trend = start + (end - start) * (share ** 1.3)
            value = int(trend + rng.gauss(0, max(2.0, (end - start) * 0.004)))
            at = (now - timedelta(days=day)).replace(hour=6, minute=0, second=0, microsecond=0)
            rows.append((account.id, iso(at), value, None, None))
        rows.append((account.id, iso(now), end, None, None))
        with store.transaction():
            store.conn.executemany(
                "INSERT OR REPLACE INTO follower_snapshots (account_id, taken_at, followers, following, statuses)"
                " VALUES (?, ?, ?, ?, ?)", rows,
            )
    for goal in load_json("demo/goals.json"):
        start = (now - timedelta(days=goal["started_days_ago"])).date().isoformat()
        due = (now + timedelta(days=goal["due_in_days"])).date().isoformat()
        account = accounts.get(goal.get("account") or "")
        store.metrics.add_goal(goal["name"], goal["metric"], goal["target"], goal["direction"], start, due,
                               account_id=account.id if account else None)


def build_demo(path: Path, tz, now: datetime | None = None) -> None:
    """Write the demo database to path (replacing it), atomically: built aside, then renamed."""
    now = (now or utcnow()).replace(second=0, microsecond=0)
    community = load_json("demo/community.json")
    tmp = path.with_name(path.name + ".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    store = Store.open(tmp)
    try:
        with store.transaction():
            accounts = _load_accounts(store, community)
            for guideline in community.get("guidelines", []):  # (warnings cite them)
                store.members.add_guideline(guideline["title"], guideline.get("body", ""))
            specs = load_json("demo/inbox.json")
            people = _load_people(store, specs, now)
            items = _load_inbox(store, accounts, people, specs, now)
            seed_rules(store)  # the default rules: the demo's team enabled them after a dry-run
            load_moderation(store, community["moderation"], items, now)
            load_calendar(store, accounts, community["settings"]["teammates"], now, tz)
            _load_metrics(store, accounts, community, now)
            seed_saved_replies(store)
            # The demo's team and approvers, kept in its own database: the user's settings
            # file is never written (cmtui.config.with_database_settings lays them over it).
            store.set_database_settings(community["settings"])
            store.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (DEMO_MARK, dumps({"built_at": iso(now)})))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    os.replace(tmp, path)
    Path(f"{tmp}-wal").unlink(missing_ok=True)
    Path(f"{tmp}-shm").unlink(missing_ok=True)


def is_demo(path: Path) -> bool:
    store = Store.open(path)
    try:
        return store.conn.execute("SELECT 1 FROM meta WHERE key = ?", (DEMO_MARK,)).fetchone() is not None
    finally:
        store.close()


def open_demo(args, settings) -> int:
    from cmtui import config
    from cmtui.cli import run_tui

    path = args.db.expanduser() if getattr(args, "db", None) else config.demo_db_path()
    if not getattr(args, "db", None):
        path.parent.mkdir(parents=True, exist_ok=True)
    exists = path.exists() and path.stat().st_size > 0
    if exists and args.reset and not is_demo(path):
        raise CmtuiError(f"refusing to reset {path}: it is not a demo database")
    if not exists or args.reset:
        if path.is_dir():
            raise CmtuiError(f"database {path} is a directory, not a file")
        build_demo(path, settings.tzinfo())
    store = Store.open(path)
    try:
        # The demo's own team and approvers over the user's settings; its accounts are
        # offline, so the sync engine only says so.
        settings = config.with_database_settings(settings, store.database_settings(), path)
        return run_tui(store, settings)
    finally:
        store.close()
