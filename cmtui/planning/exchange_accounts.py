"""`calendar import --create-accounts`: the accounts a calendar file names that the database
lacks, created offline (to plan for, connected later) inside the import's transaction, so a
failed import leaves none behind.

A record may say its account's platform (a `platform` column or key, X-CMTUI-PLATFORM in
iCalendar); an account named only as a variant, or by records that do not say, gets the
default platform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.i18n import _

if TYPE_CHECKING:
    from cmtui.planning.exchange_files import Problems
    from cmtui.store import Store

PLATFORM_KEY = "platform"  # read from files, never written by export


@dataclass(frozen=True)
class NewAccount:
    name: str
    platform: str
    said: bool  # the file named the platform (else: the default one)

    def line(self) -> str:
        if self.said:
            return _("created offline account {name} ({platform}, from the file); connect it with cmtui account add "
                     "{platform} {name} --instance URL").format(name=self.name, platform=self.platform)
        return _("created offline account {name} ({platform}, the default platform); connect it with cmtui account "
                 "add {platform} {name} --instance URL").format(name=self.name, platform=self.platform)


def missing_accounts(records, store: Store, problems: Problems) -> dict[str, tuple[str | None, int, str]]:
    """Unknown account name -> (the platform a record said, or None; where first named)."""
    known = {a.name for a in store.accounts.list()}
    found: dict[str, tuple[str | None, int, str]] = {}
    for record in records:
        data = record.data
        said = data.get(PLATFORM_KEY)
        for name in [data["account"], *data["variants"]]:
            if not name or name in known:
                continue
            platform = said if name == data["account"] else None
            before = found.get(name)
            if before is None or (before[0] is None and platform):
                found[name] = (platform, record.line, record.where)
            elif platform and before[0] and platform != before[0]:
                problems.add(record.line, record.where, _("account {name} is on {platform} here but on {other} on line {line}").format(
                    name=repr(name), platform=platform, other=before[0], line=before[1]))
    return found


def create_missing(records, store: Store, problems: Problems) -> list[NewAccount]:
    """Create each unknown account offline (call inside the import's transaction); a bad
    name or platform is a problem of the record that named it, and then none is created."""
    from cmtui.accounts_setup import add_offline
    from cmtui.sync.connectors import PLATFORMS, default_platform

    wanted = missing_accounts(records, store, problems)
    for name, (platform, line, where) in wanted.items():
        if platform is not None and platform not in PLATFORMS:
            problems.add(line, where, _("unknown platform {platform} for account {name} ({platforms})").format(
                platform=repr(platform), name=repr(name), platforms=", ".join(PLATFORMS)))
    if problems:
        return []
    created = []
    for name, (platform, line, where) in wanted.items():
        try:
            add_offline(store, platform or default_platform(), name)
        except InputError as exc:
            problems.add(line, where, str(exc))
            continue
        created.append(NewAccount(name, platform or default_platform(), platform is not None))
    return created


def read_platform(value, problem) -> str | None:
    """A record's platform as written (a name from the registry, checked when it is used)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        problem(_("platform: expected text"))
        return None
    return value.strip().lower() or None
