"""The demo community: a database built from data/demo/, with dates shifted so that it
always looks current. `cmtui demo` uses its own file, never the user's database."""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta
from pathlib import Path

from cmtui.demo_calendar import load_calendar
from cmtui.demo_ids import item_address, status_url
from cmtui.demo_moderation import load_moderation
from cmtui.config import Settings
from cmtui.errors import CmtuiError
from cmtui.i18n import _
from cmtui.model import Place, iso, utcnow
from cmtui.moderation.toml_io import seed_rules
from cmtui.resources import load_json
from cmtui.saved_replies import seed as seed_saved_replies
from cmtui.store import Store
from cmtui.store.accounts import Account
from cmtui.store.base import dumps
from cmtui.sync.connectors import DEFAULT_PLATFORM
from cmtui.text import sanitize
from cmtui.triage import is_question

DEMO_MARK = "demo"


def _load_accounts(store: Store, community: dict) -> dict[str, Account]:
    accounts = {}
    for spec in community["accounts"]:
        account = store.accounts.add(
            spec["name"], spec["platform"], spec["server"], handle=spec["handle"],
            display_name=spec["display_name"], remote_account_id=spec.get("remote_id"),
            limits={"max_chars": spec.get("max_chars", 500), "url_weight": 23},
            offline=True,  # made-up instances: the demo has no connection, by design
        )
        if spec.get("places"):  # as its connector would have reported them on its last pass
            store.accounts.set_places(account.id, [Place.from_json(p) for p in spec["places"]])
            account = store.accounts.require_id(account.id)
        accounts[spec["name"]] = account
    return accounts


def _links(community: dict) -> dict[str, dict | None]:
    """How each account's platform names an item or post (community.json), with the
    account's own remote id (own_id) for the posts it made."""
    return {spec["name"]: {**spec["links"], "own_id": spec.get("remote_id")} if spec.get("links") else None
            for spec in community["accounts"]}


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
        met = dict(url=person.get("url") or status_url(person["acct"], "").rstrip("/"),
                   account_created_at=iso(created), bot=person.get("bot", False), remote_id=person.get("remote_id"))
        for at in (min(times), max(times)):  # first and last seen, as two sync passes would record them
            person["id"] = store.members.upsert(person.get("platform", DEFAULT_PLATFORM), person["acct"],
                                               person["display_name"], seen_at=iso(at), **met)
        if person.get("notes"):
            store.members.set_notes(person["id"], person["notes"])
        people[person["acct"]] = person
    return people


def _thread_root(items: dict[str, dict], key: str) -> str:
    seen = set()
    while items[key].get("in_reply_to") and key not in seen:
        seen.add(key)
        key = items[key]["in_reply_to"]
    return key


def _load_inbox(store: Store, accounts: dict, people: dict, specs: list[dict], now: datetime,
                links: dict[str, dict | None]) -> dict[str, int]:
    """The inbox items; returns their ids by the data's keys. links: how each account's
    platform names an item (community.json, with own_id: the account's own remote id)."""
    items = {spec["key"]: spec for spec in specs}
    ids: dict[str, int] = {}
    for n, spec in enumerate(sorted(specs, key=lambda s: -s["age_hours"])):
        created = now - timedelta(hours=spec["age_hours"])
        spec["created"] = created
        spec["remote_id"], spec["url"] = item_address(links.get(spec["account"]), spec["author"], created, n,
                                                      spec.get("place"), people[spec["author"]].get("remote_id"))
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
                threads[root] = store.demo.add_thread(account.id, items[root]["remote_id"], iso(now))
            thread_id = threads[root]
        parent = items.get(spec.get("in_reply_to") or "")
        text = sanitize(spec["text"])
        state = spec["state"]
        item_id = store.inbox.insert(
            account.id, kind=spec["kind"], remote_id=spec["remote_id"], url=spec["url"], person_id=person["id"],
            author=spec["author"], author_name=sanitize(person["display_name"], single_line=True), text=text,
            language=spec["language"], place=spec.get("place"),
            visibility=None if spec.get("place") else "direct" if spec["kind"] == "direct" else "public",
            in_reply_to_remote_id=parent["remote_id"] if parent else None, thread_id=thread_id,
            is_question=int(is_question(text)), created_at=iso(created),
            first_seen_at=iso(min(created + timedelta(minutes=1), now)), state=state,
            snooze_until=iso(now + timedelta(hours=spec["snooze_hours"])) if state == "snoozed" else None,
            assignee=spec.get("assignee"), labels=spec.get("labels") or [], answered_at=iso(answered),
            done_at=iso(answered or min(created + timedelta(hours=6), now)) if state == "done" else None,
        )
        if thread_id is not None:
            store.demo.add_thread_post(
                thread_id, spec["remote_id"], parent["remote_id"] if parent else None, spec["author"],
                person["display_name"], text, spec["url"], iso(created))
            if answered is not None:
                own = links.get(spec["account"])
                reply_id, reply_url = item_address(own, account.handle, answered, n + 50_000, spec.get("place"),
                                                   (own or {}).get("own_id"))
                store.demo.add_thread_post(
                    thread_id, reply_id, spec["remote_id"], account.handle, account.display_name,
                    sanitize(spec["our_reply"]), reply_url, iso(answered), ours=True)
        ids[spec["key"]] = item_id
    return ids


def _load_metrics(store: Store, accounts: dict, community: dict, now: datetime) -> None:
    rng = random.Random(7)
    for spec in community["accounts"]:
        account = accounts[spec["name"]]
        start, end = spec["followers_90_days_ago"], spec["followers_now"]
        history = []
        for day in range(90, 0, -1):
            share = (90 - day) / 90
            trend = start + (end - start) * (share ** 1.3)
            value = int(trend + rng.gauss(0, max(2.0, (end - start) * 0.004)))
            at = (now - timedelta(days=day)).replace(hour=6, minute=0, second=0, microsecond=0)
            history.append((iso(at), value))
        history.append((iso(now), end))
        with store.transaction():
            for stamp, value in history:
                store.metrics.add_snapshot(account.id, value, taken_at=stamp)
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
            links = _links(community)
            items = _load_inbox(store, accounts, people, specs, now, links)
            seed_rules(store)  # the default rules: the demo's team enabled them after a dry-run
            load_moderation(store, community["moderation"], items, now)
            load_calendar(store, accounts, community["settings"]["teammates"], now, tz, links)
            _load_metrics(store, accounts, community, now)
            seed_saved_replies(store)
            # The demo's team and approvers, kept in its own database: the user's settings
            # file is never written (cmtui.config.with_database_settings lays them over it).
            store.set_database_settings(community["settings"])
            store.demo.mark(DEMO_MARK, dumps({"built_at": iso(now)}))
        store.checkpoint()
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
        return store.demo.is_marked(DEMO_MARK)
    finally:
        store.close()


def open_demo(args, settings: Settings) -> tuple[Store, Settings]:
    """The demo's store, built first if absent (or if --reset), and the settings to run it
    with; the caller runs the TUI on them and closes the store."""
    from cmtui import config

    path = args.db.expanduser() if getattr(args, "db", None) else config.demo_db_path()
    if not getattr(args, "db", None):
        path.parent.mkdir(parents=True, exist_ok=True)
    exists = path.exists() and path.stat().st_size > 0
    if exists and args.reset and not is_demo(path):
        raise CmtuiError(_("refusing to reset {path}: it is not a demo database").format(path=path))
    if not exists or args.reset:
        if path.is_dir():
            raise CmtuiError(_("database {path} is a directory, not a file").format(path=path))
        build_demo(path, settings.tzinfo())
    store = Store.open(path)
    try:
        # The demo's own team and approvers over the user's settings; its accounts are
        # offline, so the sync engine only says so.
        return store, config.with_database_settings(settings, store.database_settings(), path)
    except BaseException:
        store.close()
        raise
