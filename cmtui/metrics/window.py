"""The range and scope every metric is computed over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from cmtui.i18n import _, pgettext
from cmtui.errors import InputError
from cmtui.model import iso

if TYPE_CHECKING:
    from cmtui.store import Store

MAX_DAYS = 365
RANGES = (7, 30, 90)


def parse_days(value) -> int:
    """A range in days: a whole number from 1 to 365 (the panel offers 7, 30 and 90)."""
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        raise InputError(_("--days must be a whole number of days from 1 to {max} (got '{value}')").format(
            max=MAX_DAYS, value=value)) from None
    if not 1 <= days <= MAX_DAYS:
        raise InputError(_("--days must be from 1 to {max} (got {days})").format(max=MAX_DAYS, days=days))
    return days


@dataclass(frozen=True)
class Window:
    """The last `days` UTC calendar days, today included, up to `now`; one account or all.
    Whole days because the maintained totals are per day."""

    days: int
    now: datetime
    account_id: int | None = None
    account: str | None = None

    @property
    def today(self) -> date:
        return self.now.astimezone(timezone.utc).date()

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    @property
    def start_day(self) -> str:
        return self.first_day.isoformat()

    @property
    def end_day(self) -> str:
        return self.today.isoformat()

    @property
    def start(self) -> str:
        return f"{self.start_day}T00:00:00Z"

    @property
    def end(self) -> str:
        return iso(self.now)

    def day_list(self) -> list[str]:
        return [(self.first_day + timedelta(days=d)).isoformat() for d in range(self.days)]


def window(store: Store, days: int, account: str | None = None, now: datetime | None = None) -> Window:
    """Check the range and resolve an account name (None: every account)."""
    from cmtui.model import utcnow

    days = parse_days(days)
    account_id = None
    if account:
        row = store.accounts.get(account)
        if row is None:
            # i18n: the accounts listed in an error, when there is none
            names = ", ".join(a.name for a in store.accounts.list()) or pgettext("no accounts", "none yet")
            raise InputError(_("no account named '{name}' (accounts: {names})").format(name=account, names=names))
        account_id = row.id
    return Window(days, (now or utcnow()).replace(microsecond=0), account_id, account)


def iso_week(day: str) -> str:
    year, week, _ = date.fromisoformat(day[:10]).isocalendar()
    return f"{year}-W{week:02d}"
