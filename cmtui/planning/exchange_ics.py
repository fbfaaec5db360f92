"""The content calendar as iCalendar (RFC 5545), through the icalendar library.

An entry with a time is a VEVENT; an undated idea or draft is a VTODO (a VEVENT must have a
DTSTART, and calendar apps list to-dos without a date, where they drop undated events). An
occurrence of a series that was changed or published on its own is a VEVENT with the series'
UID and a RECURRENCE-ID. What iCalendar has no property for travels in X-CMTUI-* properties,
so a file written here imports back identically; a file from another calendar app imports
too (its events as drafts, its to-dos as ideas). Only the functions import icalendar.
"""

from __future__ import annotations

import re
from datetime import timezone, tzinfo
from pathlib import Path

from cmtui.errors import InputError
from cmtui.i18n import _, ngettext
from cmtui.model import parse_iso
from cmtui.planning.exchange_files import at_line
from cmtui.text import first_line

PRODID = "-//cmtui//content calendar//EN"  # i18n: not shown (an id)
# (component, cmtui status) -> iCalendar STATUS, for calendar apps; X-CMTUI-STATUS is exact.
EVENT_STATUS = {"idea": "TENTATIVE", "draft": "TENTATIVE", "needs_approval": "TENTATIVE", "failed": "TENTATIVE",
                "approved": "CONFIRMED", "scheduled": "CONFIRMED", "published": "CONFIRMED",
                "cancelled": "CANCELLED"}
TODO_STATUS = {"idea": "NEEDS-ACTION", "draft": "NEEDS-ACTION", "failed": "NEEDS-ACTION",
               "needs_approval": "IN-PROCESS", "approved": "IN-PROCESS", "scheduled": "IN-PROCESS",
               "published": "COMPLETED", "cancelled": "CANCELLED"}
# Entry field -> X- property holding it as text.
X_TEXT = (
    ("id", "X-CMTUI-ID"), ("status", "X-CMTUI-STATUS"), ("account", "X-CMTUI-ACCOUNT"),
    ("language", "X-CMTUI-LANGUAGE"), ("visibility", "X-CMTUI-VISIBILITY"),
    ("content_warning", "X-CMTUI-CONTENT-WARNING"), ("campaign", "X-CMTUI-CAMPAIGN"),
    ("campaign_color", "X-CMTUI-CAMPAIGN-COLOR"), ("notes", "X-CMTUI-NOTES"), ("remote_id", "X-CMTUI-REMOTE-ID"),
    ("published_at", "X-CMTUI-PUBLISHED-AT"), ("last_error", "X-CMTUI-LAST-ERROR"), ("late", "X-CMTUI-LATE"),
    ("created_by", "X-CMTUI-CREATED-BY"), ("place", "X-CMTUI-PLACE"), ("thread", "X-CMTUI-THREAD"),
)
ENTRIES = ("VEVENT", "VTODO", "VJOURNAL")
_ESCAPED = re.compile(r"\\([\\;,nN])")
# What a well-formed content line starts with: NAME, then ;PARAM=value[,value] (values quoted
# or not), then a colon. Lines that do not match are checked by icalendar's own parser.
_PLAIN_LINE = re.compile(r'[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*:')


def _zone(tz: tzinfo):
    """The named zone recurring entries are written in (a series repeats at a wall-clock
    time, across daylight-saving changes); None: UTC."""
    key = getattr(tz, "key", None)
    return None if not key or key in ("UTC", "Etc/UTC", "GMT") else tz


def to_ics(entries: list[dict], tz: tzinfo) -> str:
    from icalendar import Calendar, Event, Todo, vText
    from icalendar.prop import vRecur

    zone = _zone(tz)
    recurring = {e["uid"] for e in entries if e["rrule"] and e["uid"]}

    def at(stamp: str, local: bool):
        dt = parse_iso(stamp)
        return dt.astimezone(zone) if local and zone else dt.astimezone(timezone.utc)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "cmtui content calendar")  # i18n: not shown (the file's name for calendar apps)
    for e in entries:
        series_local = bool(e["rrule"])
        start, source = next(((e[key], src) for key, src in (("scheduled_at", None), ("published_at", "published"),
                                                              ("occurrence_at", "occurrence")) if e[key]),
                             (None, None))
        comp = Event() if start else Todo()
        comp.add("uid", e["uid"] or e["parent_uid"])
        comp.add("dtstamp", at(e["updated_at"], False))
        comp.add("created", at(e["created_at"], False))
        comp.add("last-modified", at(e["updated_at"], False))
        if start:
            comp.add("dtstart", at(start, series_local), parameters={"X-CMTUI-FROM": source} if source else {})
        if e["parent_uid"]:
            comp.add("recurrence-id", at(e["occurrence_at"], e["parent_uid"] in recurring))
        comp.add("summary", first_line(e["text"], width=1_000_000))
        comp.add("description", e["text"])
        comp.add("status", (EVENT_STATUS if start else TODO_STATUS).get(e["status"], "TENTATIVE"))
        if e["rrule"]:
            body = e["rrule"][6:] if e["rrule"].upper().startswith("RRULE:") else e["rrule"]
            try:
                rule = vRecur.from_ical(body) if start else None
            except (ValueError, TypeError):
                rule = None
            if rule is not None:
                comp.add("rrule", rule)
            else:  # a rule iCalendar cannot hold (no start, or not RFC 5545): kept as text
                comp.add("x-cmtui-rrule", vText(e["rrule"]))
        if e["skipped"]:
            comp.add("exdate", [at(stamp, series_local) for stamp in e["skipped"]])
        if e["campaign"]:
            comp.add("categories", [e["campaign"]])
        if e["url"]:
            comp.add("url", e["url"])
        for key, name in X_TEXT:
            value = e[key]
            if key in ("late", "thread"):
                value = "1" if value else None
            elif key == "notes":
                value = value or None
            if value is not None:
                comp.add(name, vText(str(value)))
        for account, text in sorted(e["variants"].items()):
            comp.add("x-cmtui-variant", vText(text), parameters={"X-ACCOUNT": account})
        cal.add_component(comp)
    if zone is not None and recurring:
        cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


# ---------------------------------------------------------------- import

def _scan(text: str, problems) -> list[int]:
    """Check the file's structure line by line (icalendar does not say where a problem is)
    and return the line where each entry component begins, in file order."""
    from icalendar.parser import Contentline

    begins: list[int] = []
    stack: list[str] = []
    logical: list[list] = []  # [first line number, unfolded content line]
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), 1):
        if line[:1] in (" ", "\t") and logical:
            logical[-1][1] += line[1:]
        elif line.strip():
            logical.append([number, line])
    seen_calendar = False
    for number, content in logical:
        upper = content.upper()
        where = at_line(number)
        if upper.startswith("BEGIN:"):
            name = upper[6:].strip()
            if not stack and name != "VCALENDAR":
                problems.add(number, where, f"BEGIN:{name} outside BEGIN:VCALENDAR")
            seen_calendar = seen_calendar or name == "VCALENDAR"
            stack.append(name)
            if len(stack) == 2 and name in ENTRIES:
                begins.append(number)
        elif upper.startswith("END:"):
            name = upper[4:].strip()
            if not stack or stack[-1] != name:
                expected = f"END:{stack[-1]}" if stack else _("nothing")
                problems.add(number, where, _("END:{name} where {expected} was expected").format(
                    name=name, expected=expected))
                return begins
            stack.pop()
        elif not stack:
            problems.add(number, where, _("a property outside BEGIN:VCALENDAR ... END:VCALENDAR"))
        elif not _PLAIN_LINE.match(content):
            try:
                Contentline(content).parts()
            except ValueError:
                problems.add(number, where, _("cannot read this line as an iCalendar property: {line}").format(
                    line=repr(content[:60])))
    if stack:
        problems.add(logical[-1][0], at_line(logical[-1][0]), _("BEGIN:{name} has no END:{name}").format(name=stack[-1]))
    if not seen_calendar and not problems:
        problems.add(1, at_line(1), _("not an iCalendar file (no BEGIN:VCALENDAR)"))
    return begins


def _unescape(value) -> str:
    """TEXT value of a property icalendar does not know (X-CMTUI-*): it keeps the escapes."""
    from icalendar import vText

    if isinstance(value, vText):
        return str(value)
    raw = value.to_ical() if hasattr(value, "to_ical") else value
    raw = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


def _single(comp, name: str, line: int, problems, where: str):
    value = comp.get(name)
    if isinstance(value, list):
        problems.add(line, where, ngettext("{name} appears {n} time", "{name} appears {n} times", len(value)).format(
            name=name, n=len(value)))
        return None
    return value


def read_ics(path: Path, text: str, tz: tzinfo, problems) -> list:
    from icalendar import Calendar

    from cmtui.planning.exchange_files import Raw

    begins = _scan(text, problems)
    if problems:
        return []
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError) as exc:
        raise InputError(_("{path}: not a valid iCalendar file ({problem})").format(path=path, problem=exc)) from None
    components = [c for cal in calendars for c in cal.subcomponents if c.name in ENTRIES]
    if len(components) != len(begins):  # should not happen: then name the component instead
        begins = list(range(1, len(components) + 1))
    raws = []
    for comp, line in zip(components, begins):
        where = at_line(line)
        for name, message in comp.errors:
            problems.add(line, where, _("cannot read {name}: {problem}").format(name=name, problem=message))
        if comp.errors:
            if "RECURRENCE-ID" not in comp and comp.get("UID") is not None:
                problems.bad_uids.add(str(comp.get("UID")).strip())
            continue
        values = _values(comp, line, where, problems)
        if values is not None:
            raws.append(Raw(line, where, values))
    return raws


def _values(comp, line: int, where: str, problems) -> dict | None:
    before = len(problems.items)
    one = lambda name: _single(comp, name, line, problems, where)  # noqa: E731
    values: dict = {}
    for key, name in X_TEXT:
        value = one(name)
        if value is not None:
            values[key] = _unescape(value)
    values.setdefault("place", None)  # like every X-CMTUI property, absent when there is none
    platform = one("X-CMTUI-PLATFORM")  # read only: an unknown account's platform (--create-accounts)
    if platform is not None:
        values["platform"] = _unescape(platform)
    uid = one("UID")
    uid = str(uid) if uid is not None else None
    recurrence = one("RECURRENCE-ID")
    if recurrence is not None:
        values["parent_uid"], values["occurrence_at"] = uid, recurrence.dt
    else:
        values["uid"] = uid
    start = one("DTSTART") or (one("DUE") if comp.name != "VEVENT" else None)
    if start is not None:
        source = str(start.params.get("X-CMTUI-FROM", "")).lower()
        if source == "published":
            values.setdefault("published_at", start.dt)
        elif source == "occurrence":
            values.setdefault("occurrence_at", start.dt)
        else:
            values["scheduled_at"] = start.dt
    summary, description = one("SUMMARY"), one("DESCRIPTION")
    summary = str(summary) if summary is not None else ""
    description = str(description) if description is not None else ""
    if description and (not summary.strip() or summary.strip() in description):
        values["text"] = description
    else:
        values["text"] = f"{summary}\n\n{description}" if summary and description else summary
    if "status" not in values:
        status = str(one("STATUS") or "").upper()
        values["status"] = "cancelled" if status == "CANCELLED" else ("draft" if comp.name == "VEVENT" else "idea")
    rule = one("RRULE")
    if rule is not None:
        values["rrule"] = rule.to_ical().decode("utf-8")
    elif one("X-CMTUI-RRULE") is not None:
        values["rrule"] = _unescape(one("X-CMTUI-RRULE"))
    exdates = comp.get("EXDATE")
    if exdates is not None:
        values["skipped"] = [d.dt for group in (exdates if isinstance(exdates, list) else [exdates])
                             for d in group.dts]
    if "campaign" not in values and comp.get("CATEGORIES") is not None:
        categories = comp.get("CATEGORIES")
        cats = [str(c) for group in (categories if isinstance(categories, list) else [categories])
                for c in group.cats]
        if cats:
            values["campaign"] = cats[0]
    url = one("URL")
    if url is not None:
        values["url"] = str(url)
    created, modified = one("CREATED"), one("LAST-MODIFIED")
    if created is not None:
        values["created_at"] = created.dt
    if modified is not None:
        values["updated_at"] = modified.dt
    variants = comp.get("X-CMTUI-VARIANT")
    if variants is not None:
        values["variants"] = {}
        for variant in variants if isinstance(variants, list) else [variants]:
            account = variant.params.get("X-ACCOUNT") if hasattr(variant, "params") else None
            if not account:
                problems.add(line, where, _("X-CMTUI-VARIANT without its X-ACCOUNT parameter"))
            elif account in values["variants"]:
                problems.add(line, where, _("two X-CMTUI-VARIANT for the account '{account}'").format(account=account))
            else:
                values["variants"][account] = _unescape(variant)
    return values if len(problems.items) == before else None
