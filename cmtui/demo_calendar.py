"""The demo's content calendar (data/demo/calendar.json), dated from today.

The data gives each entry a day relative to today and a history in days before today. Built
as the product would have left it: a repeating entry starts on its rule's first occurrence
from that day (a weekly-on-Tuesday series never starts on a Wednesday), each history runs in
time order from the entry's creation to its publication, and a scheduled post has its post
waiting in the outbox.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from cmtui.demo_ids import item_address
from cmtui.model import iso
from cmtui.planning.publishing import queue_posts
from cmtui.resources import load_json
from cmtui.text import sanitize

if TYPE_CHECKING:
    from cmtui.store import Store

COLOURS = ["#e07a5f", "#3d85c6", "#81b29a", "#f2cc8f", "#9b5de5", "#00bbf9"]
STEP = timedelta(minutes=10)  # the least time between two steps of one history


def _local(day: datetime, hhmm: str, tz) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day.date(), time(hour, minute), tzinfo=tz)


def first_occurrence(rule: str, start: datetime, tz) -> datetime:
    """The first occurrence of `rule` at or after `start` (a local time), on the local wall
    clock; with this as its start, a series starts on one of its own occurrences."""
    from dateutil.rrule import rrulestr

    naive = start.astimezone(tz).replace(tzinfo=None)
    found = rrulestr(rule, dtstart=naive).after(naive, inc=True)
    return (found or naive).replace(tzinfo=tz)


def _history_times(spec: dict, when: datetime | None, now: datetime) -> list[datetime]:
    """When each step of the entry's history happened: the day the data says, publishing (or
    failing) at the post's own time, each step after the one before it and none in the future."""
    steps = spec.get("history") or []
    times = []
    for step in steps:
        at = now - timedelta(days=step["days_before"])
        if step["to"] in ("published", "failed") and when is not None:
            at = when
        times.append(min(at, now - STEP))
    for n in range(len(times) - 2, -1, -1):  # backwards: each step before the next one
        times[n] = min(times[n], times[n + 1] - STEP)
    return times


def load_calendar(store: Store, accounts: dict, teammates: list[str], now: datetime, tz,
                  links: dict[str, dict | None] | None = None) -> None:
    """links: how each account's platform names a post (community.json; see cmtui.demo._links)."""
    today = now.astimezone(tz)
    campaigns: dict[str, str] = {}
    for n, spec in enumerate(load_json("demo/calendar.json")):
        account = accounts[spec["account"]]
        when = None
        if spec.get("day_offset") is not None and spec.get("time"):
            when = _local(today + timedelta(days=spec["day_offset"]), spec["time"], tz)
            if spec.get("rrule"):
                when = first_occurrence(spec["rrule"], when, tz)
        campaign = spec.get("campaign")
        if campaign and campaign not in campaigns:
            campaigns[campaign] = COLOURS[len(campaigns) % len(COLOURS)]
        status = spec["status"]
        history = spec.get("history") or []
        fields = dict(
            scheduled_at=iso(when), language=spec.get("language"), campaign=campaign,
            campaign_color=campaigns.get(campaign), notes=spec.get("notes") or "", rrule=spec.get("rrule"),
            last_error=spec.get("last_error"), place=spec.get("place"),
        )
        if status == "published" and when is not None:
            own = (links or {}).get(spec["account"])
            rid, url = item_address(own, account.handle, when, n, spec.get("place"), (own or {}).get("own_id"))
            fields.update(published_at=iso(when), remote_id=rid, url=url)
        author = history[0]["who"] if history else teammates[n % len(teammates)]
        if history:
            created = now - timedelta(days=history[0]["days_before"] + 1)
        else:
            created = now - timedelta(days=2 + n % 5, hours=n % 7)
        times = _history_times(spec, when, now)
        created = min([created, *(t - STEP for t in times[:1])])  # created before its first step
        first = history[0]["from"] if history else status
        entry_id = store.entries.add(account.id, sanitize(spec["text"]), first, who=author, **fields)
        store.demo.date_creation(entry_id, iso(created))
        for step, at in zip(history, times):
            store.entries.record_transition(entry_id, step["from"], step["to"], step["who"],
                                             step.get("comment") or "", at=iso(at))
        last = times[-1] if times else created
        if history and history[-1]["to"] != status:
            last = now - STEP
            store.entries.record_transition(entry_id, history[-1]["to"], status, teammates[0], at=iso(last))
        store.demo.date_entry(entry_id, status, iso(created), iso(last))
        if status == "scheduled" and not spec.get("rrule"):
            queue_posts(store, store.entries.require(entry_id), now)  # waiting in the outbox
        if status == "published" and spec.get("stats") and when is not None:
            store.metrics.upsert_post_stats(account.id, fields["remote_id"], iso(when), entry_id=entry_id,
                                            language=spec.get("language"), campaign=campaign, **spec["stats"])
