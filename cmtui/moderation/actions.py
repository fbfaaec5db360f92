"""Moderation decisions on flagged items, inbox items and instance reports (no Textual).

Every decision writes one row per item to the audit log (moderation_log: who, when, what,
why) and, when it must reach the platform, an outbox operation, in the same transaction:
both are kept or neither. Nothing is queued twice: a mute, block or report of an author
that is still waiting in the outbox is reused, not queued again.

Flag states after a decision: approved, hidden, muted, blocked, reported, warned, kicked,
banned, unbanned (assign keeps the flag open and sets its assignee).

On platforms with places (rooms, channels), kick, ban and unban act on the author in the
item's place, and hide also removes the item on the server when the platform can (its
profile lists "hide"). The account's place knows what it may not do there (Place.refused,
from the platform's permissions): such an action is refused before anything is stored.

Hide, mute and block can follow through on all of the author's open items (`all_items`):
the others leave the queue (their flags closed the same way) and the inbox (hidden), each
with its own line in the log; a mute or block still queues one platform operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cmtui.i18n import _, pgettext
from cmtui.errors import InputError
from cmtui.sync.connectors import default_platform, profile_for
from cmtui.sync.connectors.base import Capability, PlatformProfile

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

ITEM_ACTIONS = ("approve", "hide", "mute", "block", "report", "warn", "assign", "kick", "ban", "unban")
AUTHOR_ACTIONS = ("hide", "mute", "block")  # those that may apply to all of the author's open items
PLATFORM_ACTIONS = ("mute", "block", "report")  # each platform's profile says which of these it has
PLACE_ACTIONS = ("kick", "ban", "unban")  # on the author, in the item's place (profiles that list them)
_CAPABILITY = {"hide": Capability.HIDE, "kick": Capability.KICK, "ban": Capability.BAN, "unban": Capability.BAN}
REPORT_DECISIONS = ("resolve", "assign")  # besides the platform's account actions (its profile)
AUTOMATIC = ("rules", "cmtui")  # i18n: not shown (names automatic decisions are logged under: not a person)

_FLAG_STATE = {"approve": "approved", "hide": "hidden", "mute": "muted", "block": "blocked",
               "report": "reported", "warn": "warned", "kick": "kicked", "ban": "banned", "unban": "unbanned"}


@dataclass(frozen=True)
class Outcome:
    item_id: int | None
    action: str
    log_id: int
    outbox_id: int | None = None
    reused: bool = False          # the platform operation was already waiting in the outbox
    report_id: int | None = None


def platform_profile(store: Store, account_id: int) -> PlatformProfile:
    """What the account's platform offers (its moderation actions, report categories...)."""
    account = store.accounts.by_id(account_id)
    return profile_for(account.platform if account is not None else default_platform())


def hides_on_server(profile: PlatformProfile, item) -> bool:
    """Whether hiding the item also takes it off the platform (not only from our screens)."""
    return profile.hides_on_server(item)


def offered_actions(profile: PlatformProfile) -> tuple[str, ...]:
    """The platform's place actions (kick, ban, unban) its profile lists and its capabilities have."""
    return tuple(a for a in PLACE_ACTIONS if a in profile.moderation_actions and _CAPABILITY[a] in profile.capabilities)


def _action_name(action: str) -> str:
    from cmtui.moderation.words import action_name

    return action_name(action)


def _cannot_words(action: str) -> str:
    """A platform action as it completes "<platform> accounts cannot … from cmtui" (the
    infinitive of the language)."""
    return {"mute": pgettext("accounts cannot …", "mute"), "block": pgettext("accounts cannot …", "block"),
            "report": pgettext("accounts cannot …", "report")}.get(action, _action_name(action))


def _report_state(state: str) -> str:
    """An instance report's stored state, as shown."""
    return {"open": pgettext("report state", "open"), "resolved": pgettext("report state", "resolved")}.get(state, state)


def check_place(store: Store, item, action: str) -> None:
    """Refuse (InputError, the platform's reason) an action the account may not take in the
    item's place; a place the account knows nothing of yet is left to the platform to judge."""
    account = store.accounts.by_id(item["account_id"])
    place = account.place(item["place"]) if account is not None else None
    if place is not None and action in place.refused:
        raise InputError(place.refused[action])


def _item(store: Store, item):
    """An inbox row (from inbox.get) for an id or a row."""
    if isinstance(item, (int, str)):
        return store.inbox.require(item)
    return item


def _person(who: str | None) -> str | None:
    """Who queued an operation (outbox.who): the person deciding; None for the rules the sync
    runs on its own (and the default name of a caller that gave none)."""
    return None if not who or who in AUTOMATIC else who


def queue_platform_action(store: Store, item, action: str, comment: str = "", who: str = "cmtui", *,
                          category: str | None = None, forward: bool = False, rule_id: int | None = None) -> Outcome:
    """Queue a mute, block or report of an item's author (a report carries the item's status),
    write the audit log, and close the item's open flags; one transaction. Called by the
    moderation actions and by automatic rules. A same operation still waiting is reused.
    category: the report's (None: the platform's default)."""
    if action not in PLATFORM_ACTIONS:
        raise InputError(_("'{action}' is not a platform action ({known})").format(action=action, known=", ".join(PLATFORM_ACTIONS)))
    item = _item(store, item)
    profile = platform_profile(store, item["account_id"])
    if action not in profile.moderation_actions:
        # i18n: {platform} is a platform's name (its label), {action} an action's name (mute)
        raise InputError(_("{platform} has no {action}").format(platform=profile.label, action=_action_name(action)))
    profile.require(Capability[action.upper()], _cannot_words(action))  # the platform has it; its connector must too
    category = profile.report_category(category) if action == "report" or category is not None else None
    with store.transaction():
        person_id, remote_id = store.members.of_item(item["id"])
        acct = item["author"]
        status_ids = [item["remote_id"]] if action == "report" else None
        op_id = store.outbox.waiting_same(item["account_id"], action, acct, status_ids)
        reused = op_id is not None
        if not reused:
            payload = {"acct": acct, "account_remote_id": remote_id}
            if action == "report":
                payload |= {"status_ids": status_ids, "comment": comment, "category": category,
                            "forward": bool(forward)}
            op_id = store.outbox.enqueue(item["account_id"], action, payload, item_id=item["id"], who=_person(who))
        store.moderation.close_flags(item["id"], _FLAG_STATE[action])
        log_id = store.moderation.log_action(who, action, item_id=item["id"], person_id=person_id,
                                             rule_id=rule_id, comment=comment, outbox_id=op_id)
    return Outcome(item["id"], action, log_id, op_id, reused)


def queue_place_action(store: Store, item, action: str, comment: str = "", who: str = "cmtui", *,
                       rule_id: int | None = None) -> Outcome:
    """Queue a kick, ban or unban of an item's author in the item's place, write the audit log
    and close the item's open flags; one transaction. A same operation (author and place)
    still waiting is reused."""
    item = _item(store, item)
    profile = platform_profile(store, item["account_id"])
    if action not in offered_actions(profile):
        raise InputError(_("{platform} has no {action}").format(platform=profile.label, action=_action_name(action)))
    if not item["place"]:
        # i18n: a kick or ban acts in the item's room; {action} is the action's name (kick)
        message = (_("item {id} was said in no room: nothing to {action} from") if profile.place_label == "room"
                   else _("item {id} was said in no place: nothing to {action} from"))
        raise InputError(message.format(id=item["id"], action=_action_name(action)))
    check_place(store, item, action)
    with store.transaction():
        person_id, remote_id = store.members.of_item(item["id"])
        acct = item["author"]
        op_id = store.moderation.waiting_place_op(item["account_id"], action, acct, item["place"])
        reused = op_id is not None
        if not reused:
            op_id = store.outbox.enqueue(item["account_id"], action, {
                "account_remote_id": remote_id, "acct": acct, "place": item["place"], "reason": comment},
                item_id=item["id"], who=_person(who))
        store.moderation.close_flags(item["id"], _FLAG_STATE[action])
        log_id = store.moderation.log_action(who, action, item_id=item["id"], person_id=person_id,
                                             rule_id=rule_id, comment=comment, outbox_id=op_id)
    return Outcome(item["id"], action, log_id, op_id, reused)


def guideline_warning(store: Store, number: int, author: str, comment: str = "") -> str:
    """The text of a warning reply citing guideline `number` (its position, from 1)."""
    row = store.members.guideline(number)
    if row is None:
        raise InputError(_("no guideline number {number}").format(number=number))
    # i18n: the warning a member gets (a reply, in the interface's language); {title} is the guideline's own title
    text = _("Please keep to our community guideline {number}, “{title}”.").format(number=row["position"], title=row["title"])
    if row["body"].strip():
        text += f" {row['body'].strip()}"
    if comment.strip():
        text += f" {comment.strip()}"
    return text


def _one(store: Store, item, action: str, who: str, comment: str, options: dict) -> Outcome:
    item_id = item["id"]
    if action in PLATFORM_ACTIONS:
        return queue_platform_action(store, item, action, comment, who, category=options.get("category"),
                                     forward=bool(options.get("forward")), rule_id=options.get("rule_id"))
    if action in PLACE_ACTIONS:
        return queue_place_action(store, item, action, comment, who, rule_id=options.get("rule_id"))
    person_id = store.members.of_item(item_id)[0]
    op_id = None
    if action == "approve":
        closed = store.moderation.close_flags(item_id, "approved")
        if not closed and not item["hidden"]:
            raise InputError(_("item {id} is neither flagged nor hidden: nothing to approve").format(id=item_id))
        store.inbox.set_hidden([item_id], False)
    elif action == "hide":
        if item["hidden"]:
            raise InputError(_("item {id} is already hidden").format(id=item_id))
        profile = platform_profile(store, item["account_id"])
        if hides_on_server(profile, item):  # removed for everyone, not only from our screens
            check_place(store, item, "hide")
            op_id = store.outbox.enqueue(item["account_id"], "remove",
                                         {"remote_id": item["remote_id"], "reason": comment}, item_id=item_id,
                                         who=_person(who))
        store.inbox.set_hidden([item_id])
        store.moderation.close_flags(item_id, "hidden")
    elif action == "warn":
        from cmtui.compose import queue_reply

        number = options.get("guideline")
        if number is None:
            raise InputError(_("a warning cites a guideline: give its number"))
        text = guideline_warning(store, int(number), item["author"], comment)
        op_id = queue_reply(store, item_id, text, visibility=options.get("visibility"), who=who or None)
        store.moderation.close_flags(item_id, "warned")
        comment = comment or f"guideline {number}"  # i18n: not shown (the audit log's stored comment)
    elif action == "assign":
        to = options["to"]  # a teammate's name, checked by act()
        if not store.moderation.assign_flags(to, item_id=item_id):
            raise InputError(_("item {id} has no open flag to assign").format(id=item_id))
        comment = comment or f"assigned to {to}"  # i18n: not shown (the audit log's stored comment)
    else:
        raise InputError(_("unknown moderation action '{action}' ({known})").format(action=action, known=", ".join(ITEM_ACTIONS)))
    log_id = store.moderation.log_action(who, action, item_id=item_id, person_id=person_id,
                                         rule_id=options.get("rule_id"), comment=comment, outbox_id=op_id)
    return Outcome(item_id, action, log_id, op_id)


def author_open_items(store: Store, items) -> list[int]:
    """The other open items of these items' authors on the same account: still in the inbox
    (new or open, not hidden) or with an open flag. Ids, oldest first, the given ones left out."""
    given = {item["id"] for item in items}
    found: dict[int, None] = {}
    for item in items:
        for item_id in store.moderation.author_open_items(item["account_id"], person_id=item["person_id"],
                                                          author=item["author"]):
            if item_id not in given:
                found[item_id] = None
    return list(found)


def _follow(store: Store, item_id: int, action: str, who: str, comment: str, source: int) -> Outcome:
    """One more of the author's items, after `action` on item `source`: out of the queue and the inbox."""
    note = f"all of the author's open items (with item {source})" + (f": {comment}" if comment else "")  # i18n: not shown (stored)
    item = store.inbox.require(item_id)
    if action in PLATFORM_ACTIONS:  # the operation on the author is reused, not queued again
        outcome = queue_platform_action(store, item, action, note, who)
    else:
        op_id = None
        if action == "hide" and not item["hidden"] and hides_on_server(platform_profile(store, item["account_id"]), item):
            check_place(store, item, "hide")
            op_id = store.outbox.enqueue(item["account_id"], "remove",
                                         {"remote_id": item["remote_id"], "reason": comment}, item_id=item_id,
                                         who=_person(who))
        store.moderation.close_flags(item_id, _FLAG_STATE[action])
        log_id = store.moderation.log_action(who, action, item_id=item_id,
                                             person_id=store.members.of_item(item_id)[0], comment=note,
                                             outbox_id=op_id)
        outcome = Outcome(item_id, action, log_id, op_id)
    store.inbox.set_hidden([item_id])
    return outcome


def act(store: Store, settings: Settings, item_ids, action: str, *, who: str, comment: str = "",
        all_items: bool = False,
        **options) -> list[Outcome]:
    """Apply one decision to inbox items (bulk). All or nothing: an unknown id or an action
    that does not apply to one of them raises InputError and changes nothing.
    all_items (hide, mute, block): also every other open item of their authors (see
    author_open_items); their outcomes follow the given items'.
    options: category, forward (report); guideline, visibility (warn); to (assign); rule_id."""
    if action not in ITEM_ACTIONS:
        raise InputError(_("unknown moderation action '{action}' ({known})").format(action=action, known=", ".join(ITEM_ACTIONS)))
    if all_items and action not in AUTHOR_ACTIONS:
        raise InputError(_("only {actions} apply to all of an author's items, not '{action}'").format(
            actions=", ".join(AUTHOR_ACTIONS), action=action))
    items = [store.inbox.require(i) for i in dict.fromkeys(item_ids)]
    if not items:
        raise InputError(_("no items given"))
    who = who or getattr(settings, "username", "") or "cmtui"
    if action == "assign":  # only to someone on the team: a typo must not hand the flags to nobody
        from cmtui.team import resolve

        options["to"] = resolve(settings, options.get("to") or who)
    with store.transaction():
        others = author_open_items(store, items) if all_items else []
        outcomes = [_one(store, item, action, who, comment, options) for item in items]
        if all_items:  # the author's mentions leave the inbox, this one too
            store.inbox.set_hidden([i["id"] for i in items])
            sources = {i["author"]: i["id"] for i in items}
            for item_id in others:
                source = sources.get(store.inbox.require(item_id)["author"], items[0]["id"])
                outcomes.append(_follow(store, item_id, action, who, comment, source))
        return outcomes


# -- instance reports ------------------------------------------------------------------------
def act_report(store: Store, report_id, action: str, *, who: str, text: str = "",
               settings: Settings | None = None, to: str | None = None) -> Outcome:
    """A decision on an instance report (local id): resolve, assign (to `to`, else to who
    decides; a teammate, checked against the team when settings are given), or an account
    action on its target (those of the platform's profile) with a text, which
    also resolves it. Queued in the outbox with the audit log, one transaction."""
    report = store.reports.require(report_id)
    if action == "assign" and settings is not None:
        from cmtui.team import resolve

        to = resolve(settings, to or who)
    to = to or who
    profile = platform_profile(store, report["account_id"])
    known = REPORT_DECISIONS + tuple(c.value for c in profile.account_actions)
    if action not in known:
        raise InputError(_("unknown report action '{action}' ({known})").format(action=action, known=", ".join(known)))
    if report["state"] != "open":
        raise InputError(_("report {id} is already {state}").format(id=report["id"], state=_report_state(report["state"])))
    with store.transaction():
        if action == "assign":
            op_id = store.outbox.enqueue(report["account_id"], "assign_report", {"report_id": report["remote_id"]},
                                         who=_person(who))
            store.reports.assign(report["id"], to)
            store.moderation.assign_flags(to, report_id=report["id"])
        else:
            if action == "resolve":
                op_id = store.outbox.enqueue(report["account_id"], "resolve_report", {"report_id": report["remote_id"]},
                                             who=_person(who))
            else:
                if not report["target_remote_id"]:
                    raise InputError(_("report {id} does not name its target's account id").format(id=report["id"]))
                op_id = store.outbox.enqueue(report["account_id"], "account_action", {
                    "account_remote_id": report["target_remote_id"], "action": action, "text": text,
                    "report_id": report["remote_id"]}, who=_person(who))
            store.reports.resolve(report["id"])
            store.moderation.resolve_report_flags(report["id"])
        comment = text or (f"assigned to {to}" if action == "assign" else "")  # i18n: not shown (stored)
        log_id = store.moderation.log_action(who, f"report:{action}", report_id=report["id"], comment=comment,
                                             outbox_id=op_id)
    return Outcome(None, action, log_id, op_id, report_id=report["id"])
