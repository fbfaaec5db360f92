"""The demo's moderation, made by the product itself: its default rules (data/moderation/),
switched on after a dry-run as a user must, flag the demo's items through the rules engine;
the team's past decisions (data/demo/community.json, "moderation") are taken with the same
moderation actions as in the TUI, then dated when they happened. So every flag names a rule
that exists and that a dry-run shows catching it, and every warning, mute or hide that a
member's notes mention is in the audit log.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cmtui.config import Settings
from cmtui.model import iso, parse_iso

if TYPE_CHECKING:
    from cmtui.store import Store

FLAGGED_AFTER = timedelta(seconds=5)  # the rules run as an item arrives
DECIDED_AFTER = timedelta(minutes=40)  # unless the data says how long the team took
CHECKED = "checked: not abuse"  # i18n: not shown (the demo's audit log, demo data in English)


def load_moderation(store: Store, story: dict, items: dict[str, int], now: datetime) -> None:
    from cmtui.moderation.actions import act
    from cmtui.moderation.engine import dry_run, enable_rule, run_on_new_items

    for acct in story.get("watch", []):
        store.members.set_watch(acct, True)
    for name in story.get("rules_on", []):
        dry_run(store, name)  # as the product asks: a rule is enabled after a dry-run
        enable_rule(store, name)
    run_on_new_items(store, 0)
    store.demo.date_flags(int(FLAGGED_AFTER.total_seconds()))
    settings = Settings()
    for decision in story.get("decisions", []):
        item_id = items[decision["item"]]
        options = {"guideline": decision["guideline"]} if "guideline" in decision else {}
        after = timedelta(minutes=decision.get("after_minutes", DECIDED_AFTER.total_seconds() / 60))
        for outcome in act(store, settings, [item_id], decision["action"], who=decision["who"],
                           comment=decision.get("comment", ""), **options):
            _dated(store, outcome, _when(store, item_id, after, now))
    # The flags left open on items the team has already answered were looked at and let through.
    for item_id, assignee in store.demo.open_flags_on_done_items():
        who = assignee or story.get("moderator", "")
        for outcome in act(store, settings, [item_id], "approve", who=who, comment=CHECKED):
            _dated(store, outcome, _when(store, item_id, DECIDED_AFTER, now))


def _when(store: Store, item_id: int, after: timedelta, now: datetime) -> datetime:
    created = parse_iso(store.inbox.require(item_id)["created_at"])
    return max(min(created + after, now - timedelta(minutes=1)), created + FLAGGED_AFTER + timedelta(seconds=1))


def _dated(store: Store, outcome, at: datetime) -> None:
    """A decision taken now by the moderation actions, moved to when the story says it was
    taken; what it sent then went out (the demo's accounts have no connection today)."""
    store.demo.date_decision(outcome.log_id, outcome.item_id, outcome.outbox_id, iso(at))
