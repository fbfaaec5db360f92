"""Goals: objectives with a target and a due date, their progress and a forecast.

The forecast fits a straight line (least squares) to the metric's recent values (one per
week, TREND_POINTS of them), then carries the current value forward along that slope to the
due date: "achieved" when the target is met now, "on track" when the projection meets it,
"at risk" when it does not, "missed" past the due date, and "not enough data yet" without a
current value or with fewer than MIN_POINTS weekly values since the goal started: a goal set
a minute ago has no course of its own to judge yet (weeks before its start say how the
community did, not how the goal is going), so it is not "at risk" at 0%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from cmtui import i18n, l10n
from cmtui.i18n import N_, _, pgettext
from cmtui.errors import InputError
from cmtui.metrics.response import response, weekly_response
from cmtui.metrics.window import Window
from cmtui.model import WEEKDAYS, iso, utcnow

if TYPE_CHECKING:
    from cmtui.store import Store

# The metrics a goal may follow, in English (N_: metric_label shows them in the interface's language).
GOAL_METRICS = {
    "followers_growth_pct": N_("follower growth since the goal started, %"),
    "median_response_minutes": N_("median response time over the last 30 days, minutes"),
    "posts_per_week": N_("posts published in the last 7 days"),
    "response_rate_pct": N_("share of items answered over the last 30 days, %"),
    **{f"inbox_zero_{d}": f"items not yet done at the end of the last {d.capitalize()} (UTC)"  # i18n: not shown (metric_label)
       for d in WEEKDAYS},
}
# i18n: a goal's metric: the inbox's backlog when that weekday ended; {day} is a weekday's name
_INBOX_ZERO = N_("items not yet done at the end of the last {day} (UTC)")
DIRECTIONS = {m: "down" if m == "median_response_minutes" or m.startswith("inbox_zero_") else "up"
              for m in GOAL_METRICS}
TREND_POINTS = 8
MIN_POINTS = 3
NOT_ENOUGH = "not enough data yet"  # i18n: not shown (a value, also in --json: forecast_label shows it)


def metric_label(metric: str) -> str:
    """A goal's metric described in the interface's language."""
    if metric.startswith("inbox_zero_") and metric[-3:] in WEEKDAYS:
        width = "abbreviated" if i18n.language() == "en" else "wide"  # English as ever: "the last Mon"
        return _(_INBOX_ZERO).format(day=l10n.weekday_name(WEEKDAYS.index(metric[-3:]), width))
    return _(GOAL_METRICS[metric]) if metric in GOAL_METRICS else metric


def forecast_label(status: str) -> str:
    """A goal's forecast (achieved | on track | at risk | missed | not enough data yet) as shown."""
    labels = {"achieved": pgettext("goal forecast", "achieved"), "on track": pgettext("goal forecast", "on track"),
              "at risk": pgettext("goal forecast", "at risk"), "missed": pgettext("goal forecast", "missed"),
              NOT_ENOUGH: pgettext("goal forecast", "not enough data yet")}
    return labels.get(status, status)


@dataclass(frozen=True)
class GoalProgress:
    id: int
    name: str
    metric: str
    account: str | None
    target: float
    direction: str
    due_date: str
    current: float | None  # None: not enough data yet
    progress: float  # 0..1
    forecast: str = NOT_ENOUGH  # achieved | on track | at risk | missed | not enough data yet
    projected: float | None = None  # the trend's value at the due date
    start_date: str | None = None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "metric": self.metric,
            "account": self.account,
            "target": self.target,
            "direction": self.direction,
            "start_date": self.start_date,
            "due_date": self.due_date,
            "current": None if self.current is None else round(self.current, 2),
            "progress": round(self.progress, 3),
            "forecast": self.forecast,
            "projected": None if self.projected is None else round(self.projected, 2),
        }


# -- the metric's value at a time --------------------------------------------------------------
def _accounts(store: Store, goal) -> list[int]:
    return [goal["account_id"]] if goal["account_id"] else [a.id for a in store.accounts.list()]


def _growth_at(store: Store, goal, at: datetime, latest: bool = False) -> float | None:
    accounts = _accounts(store, goal)
    begin = [store.metrics.followers_at(a, f"{goal['start_date'][:10]}T23:59:59Z") for a in accounts]
    if latest:
        known = store.metrics.latest_followers()
        end = [known.get(a) for a in accounts]
    else:
        end = [store.metrics.followers_at(a, iso(at)) for a in accounts]
    starts, ends = [v for v in begin if v is not None], [v for v in end if v is not None]
    if not accounts or len(starts) < len(begin) or len(ends) < len(end) or not sum(starts):
        return None
    return (sum(ends) - sum(starts)) / sum(starts) * 100


def _last_weekday_end(now: datetime, weekday: int) -> date:
    """The latest UTC day with that weekday that has ended before now."""
    day = now.astimezone(timezone.utc).date() - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _value(store: Store, goal, now: datetime) -> float | None:
    metric, account_id = goal["metric"], goal["account_id"]
    if metric == "followers_growth_pct":
        return _growth_at(store, goal, now, latest=True)
    if metric in ("median_response_minutes", "response_rate_pct"):
        summary = response(store, Window(30, now, account_id))
        if metric == "response_rate_pct":
            return None if summary["rate"] is None else summary["rate"] * 100
        return None if summary["median_seconds"] is None else summary["median_seconds"] / 60
    if metric == "posts_per_week":
        return float(store.metrics.published_between(iso(now - timedelta(days=7)), iso(now + timedelta(seconds=1)),
                                                     account_id))
    if metric.startswith("inbox_zero_"):
        if store.metrics.first_item_day() is None:
            return None
        day = _last_weekday_end(now, WEEKDAYS.index(metric[-3:]))
        return float(store.metrics.backlog_until(day.isoformat(), account_id))
    return None


def _trend(store: Store, goal, now: datetime) -> list[tuple[float, float]]:
    """(days before now, value) for the last TREND_POINTS weeks, oldest first, values known only."""
    metric, account_id = goal["metric"], goal["account_id"]
    points: list[tuple[float, float | None]] = []
    if metric == "followers_growth_pct":
        points = [(7.0 * k, _growth_at(store, goal, now - timedelta(days=7 * k))) for k in range(TREND_POINTS)]
    elif metric in ("median_response_minutes", "response_rate_pct"):
        for days_ago, median, rate in weekly_response(store, Window(7, now, account_id), TREND_POINTS):
            value = (None if median is None else median / 60) if metric == "median_response_minutes" \
                else (None if rate is None else rate * 100)
            points.append((days_ago, value))
    elif metric == "posts_per_week":
        for k in range(TREND_POINTS):
            end = now - timedelta(days=7 * k)
            points.append((7.0 * k, float(store.metrics.published_between(
                iso(end - timedelta(days=7)), iso(end + timedelta(seconds=1)), account_id))))
    elif metric.startswith("inbox_zero_"):
        first = store.metrics.first_item_day()
        last = _last_weekday_end(now, WEEKDAYS.index(metric[-3:]))
        for k in range(TREND_POINTS):
            day = last - timedelta(days=7 * k)
            if first is not None and day.isoformat() >= first:
                points.append(((now.date() - day).days, float(store.metrics.backlog_until(day.isoformat(),
                                                                                          account_id))))
    since_start = (now - _start(goal)).total_seconds() / 86400
    return sorted(((-x, y) for x, y in points if y is not None and x <= since_start))


def _start(goal) -> datetime:
    return datetime.fromisoformat(goal["start_date"][:10]).replace(tzinfo=timezone.utc)


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of y over x; None for fewer than two distinct x."""
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "up" else value <= target


def forecast(current: float | None, points: list[tuple[float, float]], target: float, direction: str,
             days_left: float) -> tuple[str, float | None]:
    """(status, projected value at the due date) — see the module's docstring."""
    if current is None:
        return NOT_ENOUGH, None
    if days_left < 0:
        return ("achieved" if _meets(current, target, direction) else "missed"), None
    per_day = slope(points) if len(points) >= MIN_POINTS else None
    projected = None if per_day is None else current + per_day * days_left
    if _meets(current, target, direction):
        return "achieved", projected
    if projected is None:
        return NOT_ENOUGH, None
    return ("on track" if _meets(projected, target, direction) else "at risk"), projected  # i18n: not shown (values: forecast_label)


def _progress(current: float | None, target: float, direction: str) -> float:
    if current is None:
        return 0.0
    if direction == "up":
        return 1.0 if target <= 0 else max(0.0, min(1.0, current / target))
    return 1.0 if current <= target else max(0.0, min(1.0, target / current))


def goal_progress(store: Store, now: datetime | None = None, account_id: int | None = None) -> list[GoalProgress]:
    """Every goal (or those of one account and the shared ones) with progress and forecast."""
    now = now or utcnow()
    out = []
    for goal in store.metrics.goals():
        if account_id is not None and goal["account_id"] not in (None, account_id):
            continue
        current = _value(store, goal, now)
        due = datetime.fromisoformat(goal["due_date"][:10]).replace(tzinfo=timezone.utc) + timedelta(days=1)
        days_left = (due - now).total_seconds() / 86400
        status, projected = forecast(current, _trend(store, goal, now) if current is not None else [],
                                     goal["target"], goal["direction"], days_left)
        out.append(GoalProgress(goal["id"], goal["name"], goal["metric"], goal["account"], goal["target"],
                                goal["direction"], goal["due_date"], current,
                                _progress(current, goal["target"], goal["direction"]), status, projected,
                                goal["start_date"]))
    return out


# -- creating and editing goals -------------------------------------------------------------------
def _date(value, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(_("{what} '{value}' is not a date (use YYYY-MM-DD)").format(what=what, value=value)) from None


def _target(value, metric: str) -> float:
    if isinstance(value, bool):
        raise InputError(_("the target must be a number (got {value})").format(value=repr(value)))
    try:
        target = float(str(value).strip().rstrip("%"))
    except ValueError:
        raise InputError(_("the target must be a number (got '{value}')").format(value=value)) from None
    if not math.isfinite(target):
        raise InputError(_("the target must be a finite number (got '{value}')").format(value=value))
    if metric == "response_rate_pct" and not 0 < target <= 100:
        raise InputError(_("a response rate target is a percentage above 0 and up to 100 (got {value})").format(
            value=l10n.number(target)))
    if metric == "followers_growth_pct" and target <= 0:
        raise InputError(_("a follower growth target is a percentage above 0 (got {value})").format(value=l10n.number(target)))
    if metric in ("median_response_minutes", "posts_per_week") and target <= 0:
        raise InputError(_("the target for {metric} must be above 0 (got {value})").format(metric=metric,
                                                                                      value=l10n.number(target)))
    if metric.startswith("inbox_zero_") and target < 0:
        raise InputError(_("the target for {metric} is a number of items, 0 or more (got {value})").format(
            metric=metric, value=l10n.number(target)))
    return target


def validate_goal(store: Store, name, metric, target, due, account=None, start=None,
                  now: datetime | None = None, check_past: bool = True) -> dict:
    """The goal's stored fields, or an InputError naming the first problem."""
    name = str(name or "").strip()
    if not name:
        raise InputError(_("a goal needs a name"))
    if metric not in GOAL_METRICS:
        raise InputError(_("unknown goal metric '{metric}' (one of: {known})").format(metric=metric, known=", ".join(GOAL_METRICS)))
    value = _target(target, metric)
    today = (now or utcnow()).astimezone(timezone.utc).date()
    start_day = _date(start, pgettext("goal error", "start date")) if start not in (None, "") else today
    due_day = _date(due, pgettext("goal error", "due date"))
    if check_past and due_day < today:
        raise InputError(_("the due date {due} is in the past").format(due=due_day))
    if due_day <= start_day:
        raise InputError(_("the due date {due} must be after the start date {start}").format(due=due_day, start=start_day))
    account_id = None
    if account not in (None, ""):
        row = store.accounts.get(account)
        if row is None:
            raise InputError(_("no account named '{name}'").format(name=account))
        account_id = row.id
    return {"name": name, "metric": metric, "target": value, "direction": DIRECTIONS[metric],
            "start_date": start_day.isoformat(), "due_date": due_day.isoformat(), "account_id": account_id}


def add_goal(store: Store, name, metric, target, due, account=None, start=None, now: datetime | None = None, *,
             who: str | None = None) -> int:
    """Check, then store a goal; return its id. Nothing is stored on bad input. who: the
    person deciding it, for the team's activity log (None: cmtui's own, not logged)."""
    g = validate_goal(store, name, metric, target, due, account, start, now)
    with store.transaction():
        goal_id = store.metrics.add_goal(g["name"], g["metric"], g["target"], g["direction"], g["start_date"],
                                         g["due_date"], g["account_id"])
        store.activity.record(who, "goal.add", f"goal {goal_id}", g)  # i18n: not shown
    return goal_id


def _require(store: Store, goal_id):
    try:
        number = int(str(goal_id).strip())
    except ValueError:
        raise InputError(_("'{id}' is not a goal id (ids are whole numbers)").format(id=goal_id)) from None
    row = store.metrics.goal(number)
    if row is None:
        raise InputError(_("no goal with id {id}").format(id=number))
    return row


_KEEP = object()


def update_goal(store: Store, goal_id, *, name=None, metric=None, target=None, due=None, account=_KEEP, start=None,
                now: datetime | None = None, who: str | None = None) -> None:
    """Change some fields of a goal (the rest kept), with add_goal's checks; account=None
    makes it a goal of every account. A due date already past may stay as it was."""
    row = _require(store, goal_id)
    due_changed = due is not None
    g = validate_goal(store, name if name is not None else row["name"], metric or row["metric"],
                      target if target is not None else row["target"], due or row["due_date"],
                      row["account"] if account is _KEEP else account, start or row["start_date"], now,
                      check_past=due_changed)
    with store.transaction():
        store.metrics.update_goal(row["id"], g)
        store.activity.record(who, "goal.edit", f"goal {row['id']}", g)  # i18n: not shown


def delete_goal(store: Store, goal_id, *, who: str | None = None) -> None:
    row = _require(store, goal_id)
    with store.transaction():
        store.metrics.delete_goal(row["id"])
        store.activity.record(who, "goal.delete", f"goal {row['id']}", row["name"])  # i18n: not shown

