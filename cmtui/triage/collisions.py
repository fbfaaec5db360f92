"""Two people answering one item: who else is replying to it now, and who already answered.

A team shares one database (SQLite WAL on one host): before a reply is queued, the person
is told that a teammate is writing one ("Ana is replying", from the presence table) or has
queued one ("answered by Luka 2 min ago", from the outbox's `who`), or that the sync saw the
item answered elsewhere (its `answered_at`), and a second answer needs an explicit yes (the
composer's dialog, the command line's --again). No Textual here: the TUI and the command
line both ask `collision()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.i18n import _, ngettext
from cmtui.model import parse_iso
from cmtui.team import same_person

if TYPE_CHECKING:
    from cmtui.store import Store


@dataclass(frozen=True)
class Replying:
    """A teammate writing a reply to the item now (a fresh presence)."""

    who: str
    since: datetime


@dataclass(frozen=True)
class Answer:
    """A reply to the item already queued or sent. who: the teammate who queued it; None when
    the sync saw the item answered without a reply of ours (on the web, say)."""

    who: str | None
    at: datetime
    state: str  # the outbox state (pending, sending, done); "answered" for the item's answered_at


@dataclass(frozen=True)
class Collision:
    item_id: int
    replying: tuple[Replying, ...]
    answers: tuple[Answer, ...]  # one per teammate (their latest), oldest first
    checked_at: datetime  # "2 min ago" is counted from here

    @property
    def names(self) -> list[str]:
        """Everyone involved, once each: those replying, then those who answered."""
        return list(dict.fromkeys([r.who for r in self.replying] + [a.who for a in self.answers if a.who]))


def collision(store: Store, item_id: int, who: str, now: datetime) -> Collision | None:
    """What someone other than `who` is doing or did about the item, or None when nobody is."""
    replying = tuple(Replying(name, parse_iso(since) or now) for name, since in store.presence.others(item_id, who, now))
    latest: dict[str, Answer] = {}
    any_sent = False
    for row in store.outbox.answers(item_id):
        any_sent = any_sent or row["state"] == "done"
        # Our own replies and those queued before anyone was named (who NULL) are no teammate's.
        if row["who"] and not same_person(row["who"], who):
            latest[row["who"].casefold()] = Answer(row["who"], parse_iso(row["created_at"]) or now, row["state"])
    answers = sorted(latest.values(), key=lambda a: a.at)
    item = store.inbox.get(item_id)
    answered_at = parse_iso(item["answered_at"]) if item is not None else None
    if answered_at is not None and not any_sent:  # answered, and not by a reply sent from here
        answers.insert(0, Answer(None, answered_at, "answered"))
    if not replying and not answers:
        return None
    return Collision(item_id, replying, tuple(answers), now)


def _ago(at: datetime, now: datetime) -> str:
    """"2 min ago" (never "in …": clocks of two machines may differ by a second)."""
    return l10n.relative(min(at - now, timedelta(seconds=-1)), compact=True)


def _replying_sentence(c: Collision) -> str:
    names = ", ".join(r.who for r in c.replying)
    # i18n: a teammate (or several, "Ana, Luka") writing a reply to the same item right now
    return ngettext("{names} is replying", "{names} are replying", len(c.replying)).format(names=names)


def _answer_sentence(a: Answer, now: datetime) -> str:
    if a.who is None:
        # i18n: the item was answered outside cmtui; {when} is e.g. "2 min ago"
        return _("answered {when}").format(when=_ago(a.at, now))
    # i18n: a teammate already queued a reply to this item; {when} is e.g. "2 min ago"
    return _("answered by {name} {when}").format(name=a.who, when=_ago(a.at, now))


def sentences(c: Collision) -> list[str]:
    """Each thing to know, a whole sentence: "Ana is replying", "answered by Luka 2 min ago"."""
    said = [_replying_sentence(c)] if c.replying else []
    return said + [_answer_sentence(a, c.checked_at) for a in c.answers]


def message(c: Collision) -> str:
    """The composer's warning line (without its ⚠)."""
    return " · ".join(sentences(c))


def refusal(c: Collision) -> str:
    """The command line's one line when it does not send a second answer without --again."""
    if c.answers:
        a = c.answers[-1]  # the latest
        if a.who is None:
            return _("item {id} was answered {when}; add --again to send another answer").format(
                id=c.item_id, when=_ago(a.at, c.checked_at))
        return _("item {id} was answered by {name} {when}; add --again to send another answer").format(
            id=c.item_id, name=a.who, when=_ago(a.at, c.checked_at))
    names = ", ".join(r.who for r in c.replying)
    return ngettext("{names} is replying to item {id}; add --again to send your answer too",
                    "{names} are replying to item {id}; add --again to send your answer too",
                    len(c.replying)).format(names=names, id=c.item_id)
