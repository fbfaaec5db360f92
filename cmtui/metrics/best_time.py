"""Best time to post: a weekday x hour heatmap from the account's own posts.

Like Sprout's optimal send times: the last HISTORY_WEEKS weeks of our posts, each weighted
by recency (exponential decay, half-life HALF_LIFE_WEEKS), placed in the user's timezone.
A slot's raw value is the weighted mean of interactions of the posts in it, its neighbour
hours counting half (so one post informs the hours around it too); scores are raw / best
raw, 0..1, and None where no post informs the slot. With fewer than MIN_POSTS posts the
heatmap is DEFAULT_PATTERN instead, with fallback true and the reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from cmtui.model import WEEKDAY_NAMES, iso, parse_iso

if TYPE_CHECKING:
    from cmtui.store import Store

HISTORY_WEEKS = 16
HALF_LIFE_WEEKS = 4
MIN_POSTS = 20


def _default_score(weekday: int, hour: int) -> float:
    """The fallback: a common pattern for work-related communities (not your data): weekday
    mornings best, then lunch and early evening; weekends quieter; nights lowest."""
    if weekday < 5:
        if 9 <= hour <= 11:
            return 1.0
        if 12 <= hour <= 14:
            return 0.8
        if 17 <= hour <= 19:
            return 0.7
        return 0.4 if 8 <= hour <= 21 else 0.1
    if 10 <= hour <= 13:
        return 0.5
    return 0.3 if 9 <= hour <= 21 else 0.1


DEFAULT_PATTERN = [[_default_score(d, h) for h in range(24)] for d in range(7)]


def heatmap(store: Store, account_id: int | None, now: datetime, tz) -> dict:
    """{heatmap: 7 rows (Mon..Sun) of 24 scores, best: top slots, posts, fallback, reason, ...}."""
    since = iso(now - timedelta(weeks=HISTORY_WEEKS))
    rows = store.metrics.posts(since, iso(now + timedelta(seconds=1)), account_id)
    meta = {"posts": len(rows), "history_weeks": HISTORY_WEEKS, "half_life_weeks": HALF_LIFE_WEEKS,
            "timezone": getattr(tz, "key", None) or str(tz)}
    if len(rows) < MIN_POSTS:
        grid: list[list[float | None]] = [list(row) for row in DEFAULT_PATTERN]
        return meta | {"heatmap": grid, "best": _best(grid), "fallback": True,
                       # English, as `--json` gives it; fallback_reason shows it in the interface's language
                       "reason": f"only {len(rows)} posts in the last {HISTORY_WEEKS} weeks ({MIN_POSTS} needed);"  # i18n: not shown
                                 " showing a default pattern, not your data"}
    value = [0.0] * 168
    weight = [0.0] * 168
    for r in rows:
        posted = parse_iso(r["posted_at"])
        w = 0.5 ** ((now - posted).total_seconds() / (HALF_LIFE_WEEKS * 7 * 86400))
        local = posted.astimezone(tz)
        slot = local.weekday() * 24 + local.hour
        total = r["likes"] + r["shares"] + r["replies"]
        for offset, share in ((0, 1.0), (-1, 0.5), (1, 0.5)):
            s = (slot + offset) % 168  # Monday 00:00's earlier neighbour is Sunday 23:00
            value[s] += w * share * total
            weight[s] += w * share
    raw = [value[s] / weight[s] if weight[s] else None for s in range(168)]
    top = max((v for v in raw if v is not None), default=0.0)
    grid = [[None if (score := raw[d * 24 + h]) is None else (round(score / top, 3) if top else 0.0)
             for h in range(24)] for d in range(7)]
    return meta | {"heatmap": grid, "best": _best(grid), "fallback": False, "reason": None}


def fallback_reason(data: dict) -> str | None:
    """Why the heatmap is the default pattern (heatmap()'s "reason"), in the interface's language."""
    if not data.get("fallback"):
        return data.get("reason")
    from cmtui import l10n
    from cmtui.i18n import ngettext

    posts = int(data.get("posts", 0))
    # i18n: best times to post: too few posts of our own to judge; {weeks} and {needed} are numbers
    return ngettext("only {n} post in the last {weeks} weeks ({needed} needed); showing a default pattern, not your data",
                    "only {n} posts in the last {weeks} weeks ({needed} needed); showing a default pattern, not your data",
                    posts).format(n=l10n.number(posts), weeks=l10n.number(data.get("history_weeks", HISTORY_WEEKS)),
                                  needed=l10n.number(MIN_POSTS))


def weekday_label(name: str, width: str = "abbreviated") -> str:
    """A slot's weekday ("Mon", as the data says it) in the interface's language."""
    from cmtui import l10n

    return l10n.weekday_name(WEEKDAY_NAMES.index(name), width) if name in WEEKDAY_NAMES else name


def _best(grid, n: int = 5) -> list[dict]:
    slots = [(score, d, h) for d, row in enumerate(grid) for h, score in enumerate(row) if score is not None]
    slots.sort(key=lambda s: (-s[0], s[1], s[2]))
    return [{"weekday": WEEKDAY_NAMES[d], "hour": h, "score": score} for score, d, h in slots[:n]]


def suggest_times(store: Store, account_id: int | None, after: datetime, n: int = 3, tz=None,
                  now: datetime | None = None, heat: dict | None = None) -> list[datetime]:
    """The n best free hours in the 7 days after `after` (UTC datetimes, in time order): every
    whole local hour ranked by its heatmap score, skipping hours that already hold a calendar
    entry of the account; ties go to the earlier hour. `heat`: heatmap()'s answer when the
    caller already has it (to say whether it is the fallback), so it is not read twice."""
    tz = tz or timezone.utc
    after = after if after.tzinfo else after.replace(tzinfo=timezone.utc)
    grid = (heat or heatmap(store, account_id, now or after, tz))["heatmap"]
    local = after.astimezone(tz).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    end = after + timedelta(days=7)
    taken = {parse_iso(t).astimezone(tz).replace(minute=0, second=0, microsecond=0)
             for t in store.metrics.scheduled_times(account_id, iso(after), iso(end + timedelta(hours=1)))}
    candidates, at = [], local.astimezone(timezone.utc)
    while at < end:  # step in UTC: real hours, right across a DST change
        local = at.astimezone(tz)
        if local not in taken:
            score = grid[local.weekday()][local.hour]
            candidates.append((-(score or 0.0), local))
        at += timedelta(hours=1)
    chosen = sorted(candidates, key=lambda c: (c[0], c[1]))[:max(0, n)]
    return sorted(c[1].astimezone(timezone.utc) for c in chosen)
