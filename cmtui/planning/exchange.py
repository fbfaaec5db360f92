"""Calendar files: the content calendar exported as CSV, JSON or iCalendar, and imported back.

Every entry is exported, whatever its status, occurrences of a series included, with what
an import needs to restore it: a file written by export imports back identically.

An entry's identity across files is its uid (the iCalendar UID): cmtui-entry-<id>@<database
id> for an entry made here, or the uid it came with. Importing a record whose uid is already
in the database updates that entry in place; any other record adds an entry, keeping the
file's id when that id is free. An occurrence of a series is identified by its parent's uid
and its occurrence time. Import adds and updates, it never deletes. The place an entry goes
to (a chat room) is checked against its account like `post add --place` and may be given by
name; it is stored as the place's id.

An import reads and checks the whole file first; any problem (each reported with its line)
and nothing is stored. Otherwise every record is written in one transaction. Files are read
by exchange_files (CSV, JSON) and exchange_ics (iCalendar, which imports icalendar only when
a .ics file is read or written).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import N_, _, ngettext
from cmtui.model import EntryStatus, iso, parse_iso, status_name, utcnow
from cmtui.planning.entries import TO_BE_SCHEDULED
from cmtui.planning.exchange_accounts import PLATFORM_KEY, NewAccount, create_missing, missing_accounts, read_platform
from cmtui.planning.exchange_files import CSV_COLUMNS, Problems, Raw, file_kind, read_csv, read_json, read_text
from cmtui.planning.platforms import (default_visibility, known_visibilities, missing_place, resolve_place,
                                      text_problem, visibility_problem)
from cmtui.planning.threads import parts_problem, split_parts
from cmtui.planning.timeparse import localize
from cmtui.store.calendar import entry_json
from cmtui.store.entries import EntryRepo
from cmtui.text import sanitize

if TYPE_CHECKING:
    from cmtui.store import Store

FORMATS = ("ics", "csv", "json")
STATUSES = tuple(s.value for s in EntryStatus)

# JSON: the keys of `calendar list --json`, then these.
JSON_EXTRA = ("uid", "campaign_color", "variants", "skipped", "parent_uid", "occurrence_at", "late",
              "created_by", "created_at", "updated_at", "place")
TIME_FIELDS = ("scheduled_at", "published_at", "occurrence_at", "created_at", "updated_at")
# Text columns that may be NULL: an empty CSV cell or a missing iCalendar property is NULL.
OPTIONAL_TEXT = ("language", "content_warning", "campaign", "campaign_color", "rrule", "remote_id", "url",
                 "last_error", "created_by", "place")
# What an import compares to decide whether an entry changed.
COMPARED = ("account", "status", "scheduled_at", "published_at", "text", "language", "visibility",
            "content_warning", "campaign", "campaign_color", "notes", "rrule", "remote_id", "url",
            "last_error", "late", "variants", "skipped", "place", "thread")
# Changes that would put an entry scheduled on the server out of step with it.
SERVER_SIDE = ("account", "status", "scheduled_at", "text", "language", "visibility", "content_warning",
               "variants", "place", "thread")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


# ---------------------------------------------------------------- export

def export_entries(store: Store, fmt: str, tz: tzinfo) -> str:
    """The whole calendar as the text of a .csv, .json or .ics file."""
    return export_with_count(store, fmt, tz)[0]


def export_with_count(store: Store, fmt: str, tz: tzinfo) -> tuple[str, int]:
    if fmt not in FORMATS:
        raise InputError(_("unknown format '{format}' ({formats})").format(format=fmt, formats=", ".join(FORMATS)))
    repo = store.entries
    with repo.reading():
        rows = list(repo.all_entries())
        uids, variants, skips = repo.uids(), repo.all_variants(), repo.all_skips()
    entries = [entry_data(row, uids, variants, skips) for row in rows]
    if fmt == "json":
        out = []
        for row, data in zip(rows, entries):
            obj = entry_json(row)
            obj.update((key, data[key]) for key in JSON_EXTRA)
            out.append(obj)
        text = json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for data in entries:
            writer.writerow([_csv_cell(key, data[key]) for key in CSV_COLUMNS])
        text = buf.getvalue()
    else:
        from cmtui.planning.exchange_ics import to_ics

        text = to_ics(entries, tz)
    return text, len(entries)


def entry_data(row, uids: dict, variants: dict, skips: dict) -> dict:
    """One entry as a calendar file carries it (every key of CSV_COLUMNS)."""
    data = {key: row[key] for key in CSV_COLUMNS if key in row.keys()}
    parent = row["parent_id"]
    data.update(
        uid=None if parent else uids[row["id"]],
        parent_uid=uids.get(parent) if parent else None,
        account=row["account"],
        late=bool(row["late"]),
        thread=bool(row["thread"]),
        variants=variants.get(row["id"], {}),
        skipped=skips.get(row["id"], []),
    )
    return data


def _csv_cell(key: str, value) -> str:
    if value is None:
        return ""
    if key == "variants":
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if key == "skipped":
        return " ".join(value)
    if key in ("late", "thread"):
        return "1" if value else ""
    return str(value)


# ---------------------------------------------------------------- import

@dataclass
class ImportReport:
    path: Path
    entries: int  # records in the file
    created: int
    updated: int  # records that matched an entry already in the database
    accounts: list[NewAccount] = field(default_factory=list)  # created offline (--create-accounts)
    held: int = 0  # approved or scheduled in the file, kept waiting for approval instead

    def summary(self) -> str:
        return ngettext("imported {n} entry ({updated} updated)", "imported {n} entries ({updated} updated)",
                        self.entries).format(n=l10n.number(self.entries), updated=l10n.number(self.updated))


@dataclass
class Record:
    line: int
    where: str
    data: dict  # every key of CSV_COLUMNS, normalised
    # False: a file from before places (no place column or key); an update keeps the entry's place
    carries_place: bool = True


def import_entries(store: Store, path, tz: tzinfo, *, who: str, create_accounts: bool = False,
                   approval_required: bool = False) -> ImportReport:
    """Read a .csv, .json or .ics file and store its entries, all or none (InputError).
    create_accounts: the accounts it names that the database lacks are created offline (in
    the same transaction: a failed import creates none). approval_required: an entry the file
    says is approved or scheduled that is new or changed comes in waiting for approval (a file
    is no approver); one it leaves as it is stays so."""
    path = Path(path)
    kind = file_kind(path)
    problems = Problems()
    if kind == "csv":
        raws = read_csv(path, problems)
    elif kind == "json":
        raws = read_json(path, read_text(path), problems)
    else:
        from cmtui.planning.exchange_ics import read_ics

        raws = read_ics(path, read_text(path), tz, problems)
    records = []
    for raw in raws:
        record = _normalise(raw, tz, problems)
        if record is not None:
            records.append(record)
        elif isinstance(raw.values.get("uid"), str):
            problems.bad_uids.add(raw.values["uid"].strip())
    repo = store.entries
    with store.transaction():  # checks against the database and writes see one state
        new_accounts = create_missing(records, store, problems) if create_accounts and not problems else []
        if not create_accounts:
            unknown = missing_accounts(records, store, Problems())
            if unknown:
                problems.note = _("--create-accounts would create {accounts} offline (to plan for, connected "
                                  "later)").format(accounts=", ".join(map(repr, unknown)))
        plan = _resolve(records, store, repo, problems)
        if problems:
            raise problems.fail(path)  # (the accounts created above go with the rollback)
        held = _hold_for_approval(plan, repo) if approval_required else 0
        comment = _("imported from {file}").format(file=path.name)
        created, updated = _write(plan, store, repo, who, comment, path.name)
    return ImportReport(path, len(records), created, updated, new_accounts, held)


# ---------------------------------------------------------------- checks

def _normalise(raw: Raw, tz: tzinfo, problems: Problems) -> Record | None:
    """Check what can be checked without the database; None if the record is bad."""
    before = len(problems.items)
    values = raw.values

    def problem(message: str) -> None:
        problems.add(raw.line, raw.where, message)

    def text_value(key: str, *, nullable: bool = True):
        value = values.get(key)
        if value is None:
            return None if nullable else ""
        if not isinstance(value, str):
            problem(_("{key}: expected text, got {value}").format(key=key, value=json.dumps(value, ensure_ascii=False)))
            return None
        if value == "" and raw.empty_is_null and nullable:
            return None
        return sanitize(value)

    def time_value(key: str):
        value = values.get(key)
        if value is None or value == "":
            return None
        try:
            return read_time(value, tz)
        except ValueError:
            problem(_("cannot read {key} {value} as an ISO 8601 time (like 2026-12-01T09:30:00Z)").format(
                key=key, value=_show(value)))
            return None

    data: dict = {}
    for key in ("uid", "parent_uid", "account"):
        value = text_value(key)
        data[key] = " ".join((value or "").split()) or None
    data["id"] = _read_id(values.get("id"), problem)
    for key in TIME_FIELDS:
        data[key] = time_value(key)
    for key in OPTIONAL_TEXT:
        data[key] = text_value(key)
    data["text"] = text_value("text", nullable=False) or ""
    data["notes"] = text_value("notes", nullable=False) or ""

    status = (text_value("status") or "draft").strip().lower()
    if status not in STATUSES:
        problem(_("unknown status {status} ({statuses})").format(status=_show(status), statuses=", ".join(STATUSES)))
    data["status"] = status
    visibility = (text_value("visibility") or default_visibility(None)).strip().lower()
    if visibility not in known_visibilities():  # the account's platform is checked once accounts are read
        problem(_("unknown visibility {value} ({allowed})").format(value=_show(visibility),
                                                                    allowed=", ".join(known_visibilities())))
    data["visibility"] = visibility
    if data["language"] and not _LANGUAGE.fullmatch(data["language"]):
        problem(_("{code} is not a language code (like en, sl or pt-BR)").format(code=_show(data["language"])))
    data[PLATFORM_KEY] = read_platform(values.get(PLATFORM_KEY), problem)
    data["late"] = _read_bool(values.get("late"), problem)
    # None: a file from before threads (no thread column or key); an update keeps the entry's
    data["thread"] = _read_bool(values["thread"], problem, "thread") if "thread" in values else None
    data["variants"] = _read_variants(values.get("variants"), problem)
    data["skipped"] = _read_skipped(values.get("skipped"), tz, problem)

    if not data["text"].strip():
        problem(_("the text is empty"))
    if status == "scheduled" and not data["scheduled_at"]:
        problem(_("a scheduled entry needs scheduled_at"))
    if data["parent_uid"]:
        if data["uid"]:
            problem(_("an occurrence (parent_uid) has no uid of its own"))
        if not data["occurrence_at"]:
            problem(_("an occurrence (parent_uid) needs occurrence_at"))
    if data["rrule"]:
        data["rrule"] = data["rrule"].strip()
        message = rrule_problem(data["rrule"], data["scheduled_at"], tz)
        if message:
            problem(message)
    if len(problems.items) > before:
        return None
    return Record(raw.line, raw.where, data, carries_place="place" in values)


def _show(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return repr(text if len(text) <= 60 else text[:59] + "…")


def read_time(value, tz: tzinfo) -> str:
    """An ISO 8601 UTC string for a datetime, a date, or an ISO 8601 text; a time without an
    offset (or a date) is read in tz. Raises ValueError."""
    if isinstance(value, str):
        text = value.strip()
        if text[-1:] in ("z", "Z"):
            text = text[:-1] + "+00:00"
        value = datetime.fromisoformat(text)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = localize(value, tz)
        return iso(value)
    if isinstance(value, date):
        return iso(localize(datetime.combine(value, time(0, 0)), tz))
    raise ValueError(value)


def rrule_problem(rule: str, scheduled_at: str | None, tz: tzinfo) -> str | None:
    from dateutil.rrule import rrule as Rule
    from dateutil.rrule import rrulestr

    if "\n" in rule:
        return _("bad rrule {rule}: one rule on one line, like FREQ=WEEKLY;BYDAY=MO,TH").format(rule=_show(rule))
    start = parse_iso(scheduled_at).astimezone(tz) if scheduled_at else datetime.now(timezone.utc).astimezone(tz)
    try:
        parsed = rrulestr(rule, dtstart=start.replace(microsecond=0))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        return _("bad rrule {rule}: {problem}").format(rule=_show(rule), problem=exc or _("not a recurrence rule"))
    if not isinstance(parsed, Rule):
        return _("bad rrule {rule}: one RRULE only (skipped dates go in 'skipped')").format(rule=_show(rule))
    return None


def rrule_key(rule: str | None) -> tuple:
    """Two spellings of one rule (parts in another order, RRULE: prefix) compare equal."""
    if not rule:
        return ()
    rule = rule.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    return tuple(sorted(part.strip().upper() for part in rule.split(";") if part.strip()))


def _read_id(value, problem) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    problem(_("id {value} is not a positive whole number").format(value=_show(value)))
    return None


def _read_bool(value, problem, key: str = "late") -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("", "0", "false", "no"):
        return False
    if text in ("1", "true", "yes"):
        return True
    problem(_("{key} {value}: expected 1 or empty (true or false)").format(key=key, value=_show(value)))
    return False


def _read_variants(value, problem) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        problem(_('variants: expected a JSON object of account name to text, like {example}').format(
            example='{"tidewater_es": "Hola"}'))
        return {}
    return {k.strip(): sanitize(v) for k, v in sorted(value.items())}


def _read_skipped(value, tz: tzinfo, problem) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list):
        problem(_("skipped: expected a list of ISO 8601 times"))
        return []
    out = set()
    for item in value:
        try:
            out.add(read_time(item, tz))
        except (ValueError, TypeError):
            problem(_("cannot read skipped {value} as an ISO 8601 time").format(value=_show(item)))
    return sorted(out)


@dataclass
class Step:
    record: Record
    entry_id: int | None  # the entry it updates; None: a new entry
    parent: str | int | None = None  # occurrences: the parent's entry id, or its uid in this file
    changes: dict | None = None
    held: str = ""  # the status the file said (approved, scheduled) when it waits for approval here


def _resolve(records: list[Record], store: Store, repo: EntryRepo, problems: Problems) -> list[Step]:
    """Match records to entries already stored and check what needs the database."""
    accounts = {a.name: a for a in store.accounts.list()}
    known = ", ".join(accounts) or _("none yet")
    series: dict[str, Record] = {}
    occurrences: dict[tuple, Record] = {}
    steps: list[Step] = []
    for record in records:
        data, where = record.data, record.where
        for name in [data["account"], *data["variants"]]:
            if name and name not in accounts:
                problems.add(record.line, where, _("unknown account {name} (known: {known})").format(
                    name=_show(name), known=known))
        account = accounts.get(data["account"]) if data["account"] else None
        if data["status"] not in ("published", "cancelled"):
            problem = _text_problem(data["text"], account, data["thread"])
            if problem:
                problems.add(record.line, where, problem)
            for name, text in data["variants"].items():
                if name in accounts:
                    problem = _text_problem(text, accounts[name], data["thread"])
                    if problem:
                        problems.add(record.line, where, _("variant for {account}: {problem}").format(
                            account=name, problem=problem))
            problem = visibility_problem(data["visibility"], account) if account is not None else None
            if problem and data["visibility"] in known_visibilities():  # else said already
                problems.add(record.line, where, problem)
        if data["parent_uid"]:
            key = (data["parent_uid"], data["occurrence_at"])
            if key in occurrences:
                problems.add(record.line, where, _("a second record for the occurrence {at} of {series} (the first on line "
                                                        "{line})").format(at=data["occurrence_at"],
                                                                         series=_show(data["parent_uid"]),
                                                                         line=occurrences[key].line))
            occurrences[key] = record
            continue
        if data["uid"]:
            if data["uid"] in series:
                problems.add(record.line, where, _("duplicate uid {uid} (also on line {line})").format(
                    uid=_show(data["uid"]), line=series[data["uid"]].line))
            series[data["uid"]] = record
        steps.append(Step(record, repo.find_uid(data["uid"]) if data["uid"] else None))
    for (parent_uid, occurrence_at), record in occurrences.items():
        parent_id = repo.find_uid(parent_uid)
        if parent_uid in problems.bad_uids:
            continue
        if parent_uid not in series and parent_id is None:
            problems.add(record.line, record.where,
                         _("parent_uid {uid} is neither in the file nor in the database").format(uid=_show(parent_uid)))
            continue
        existing = repo.find_occurrence(parent_id, occurrence_at) if parent_id is not None else None
        steps.append(Step(record, existing, parent_id if parent_id is not None else parent_uid))
    for step in steps:
        row = repo.get(step.entry_id) if step.entry_id is not None else None
        _check_place(step.record, accounts, row, problems)
        if step.entry_id is None or row is None:
            continue
        current = entry_data(row, {step.entry_id: ""}, {step.entry_id: repo.variant_texts(step.entry_id)},
                             {step.entry_id: repo.skips(step.entry_id)})
        if step.record.data["thread"] is None:
            step.record.data["thread"] = current["thread"]
        step.changes = {key: step.record.data[key] for key in COMPARED
                        if not _same(key, current[key], step.record.data[key])}
        touched = [key for key in SERVER_SIDE if key in step.changes]
        if row["server_scheduled_id"] and touched:
            problems.add(step.record.line, step.record.where,
                         _("entry {id} is scheduled on the server; change its {fields} in the calendar, not by "
                           "import").format(id=step.entry_id, fields=", ".join(touched)))
    return steps


def _text_problem(text: str, account, thread) -> str | None:
    """The length rule of the account's platform; a thread's, part by part."""
    if not thread:
        return text_problem(text, account)
    try:
        parts = split_parts(text)
    except InputError as exc:
        return str(exc)
    return parts_problem(parts, account.platform, account.limits) if account is not None else None


def _check_place(record: Record, accounts: dict, row, problems: Problems) -> None:
    """Turn the record's place (an id or a name) into the id of one of its account's places,
    as `post add --place` does, and ask for one where the status needs it. The place an entry
    already has on the same account passes as it is: a room the account has left since still
    says where the entry went, and its export must import back. A record from a file without
    places keeps that place."""
    data = record.data
    if data["account"] and data["account"] not in accounts:
        return  # an unknown account, said already
    account = accounts.get(data["account"]) if data["account"] else None
    stored = row["place"] if row is not None and account is not None and row["account_id"] == account.id else None
    place = (data["place"] or "").strip() or None if record.carries_place else stored
    if place is not None and place != stored:
        try:
            place = resolve_place(place, account)
        except InputError as exc:
            problems.add(record.line, record.where, str(exc))
            return
    data["place"] = place
    problem = missing_place(N_("the entry"), account, place) if account and data["status"] in TO_BE_SCHEDULED else None
    if problem:
        problems.add(record.line, record.where, problem)


def _same(key: str, old, new) -> bool:
    if key == "rrule":
        return rrule_key(old) == rrule_key(new)
    if key in OPTIONAL_TEXT:
        return (old or None) == (new or None)
    return old == new


def _columns(data: dict, accounts: dict) -> dict:
    columns = {key: data[key] for key in ("status", "scheduled_at", "published_at", "text", "language",
                                           "visibility", "content_warning", "campaign", "campaign_color",
                                           "notes", "rrule", "remote_id", "url", "last_error", "place")}
    columns["account_id"] = accounts[data["account"]].id if data["account"] else None
    columns["late"] = int(data["late"])
    columns["thread"] = int(bool(data["thread"]))
    return columns


APPROVED = ("approved", "scheduled")


def _hold_for_approval(steps: list[Step], repo: EntryRepo) -> int:
    """Approval is required: a record approved or scheduled in the file that is new, or whose
    content or status would change, waits for approval instead. Returns how many."""
    held = 0
    for step in steps:
        data = step.record.data
        if data["status"] not in APPROVED:
            continue
        if step.entry_id is not None:
            changes = step.changes or {}
            content = set(changes) - {"status"}
            old_status = repo.get(step.entry_id)["status"]
            if old_status == "needs_approval":
                changes.pop("status", None)  # it waits already: the file does not approve it
                if not content:
                    data["status"] = old_status
                    continue
            elif not content and (old_status in APPROVED or "status" not in changes):
                continue  # as it is (or only moved between approved and scheduled)
            else:
                changes["status"] = "needs_approval"
            step.changes = changes
        step.held, data["status"] = data["status"], "needs_approval"
        held += 1
    return held




def _said(step: Step, file: str, comment: str) -> str:
    """The comment on an imported entry's transition: where it came from, and why it waits."""
    if not step.held:
        return comment
    return _("imported from {file}, which said {status}; approval is required, so it waits for an approver").format(
        file=file, status=status_name(step.held))


def _write(steps: list[Step], store: Store, repo: EntryRepo, who: str, comment: str, file: str) -> tuple[int, int]:
    accounts = {a.name: a for a in store.accounts.list()}
    stamp = iso(utcnow())
    series_ids: dict[str, int] = {}
    created = updated = 0
    for step in steps:  # series before their occurrences (_resolve ordered them so)
        data = step.record.data
        if isinstance(step.parent, str):
            step.parent = series_ids[step.parent]
        if step.entry_id is not None:
            updated += 1
            entry_id = step.entry_id
            if step.changes:
                old_status = repo.get(entry_id)["status"]
                columns = {k: v for k, v in _columns(data, accounts).items()
                           if (k if k != "account_id" else "account") in step.changes}
                repo.update(entry_id, {**columns, "updated_at": stamp}, touch=False)
                if "variants" in step.changes:
                    repo.set_variants(entry_id, {accounts[n].id: t for n, t in data["variants"].items()})
                if "skipped" in step.changes:
                    repo.replace_skips(entry_id, data["skipped"])
                if "status" in step.changes:
                    repo.record_transition(entry_id, old_status, data["status"], who, _said(step, file, comment))
        else:
            created += 1
            columns = _columns(data, accounts)
            columns.update(parent_id=step.parent, occurrence_at=data["occurrence_at"],
                           created_by=data["created_by"], created_at=data["created_at"] or stamp,
                           updated_at=data["updated_at"] or stamp)
            wanted = data["id"] if data["id"] and repo.id_free(data["id"]) else None
            entry_id = repo.insert(columns, wanted)
            if data["uid"] and data["uid"] != repo.default_uid(entry_id):
                repo.update(entry_id, {"uid": data["uid"]}, touch=False)
            repo.set_variants(entry_id, {accounts[n].id: t for n, t in data["variants"].items()})
            repo.replace_skips(entry_id, data["skipped"])
            repo.record_transition(entry_id, None, data["status"], who, _said(step, file, comment))
        if data["uid"]:
            series_ids[data["uid"]] = entry_id
    return created, updated
