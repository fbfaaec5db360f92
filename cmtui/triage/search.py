"""The inbox search syntax: words to find, and filters in the query.

    sync broken from:ana label:bug is:question lang:es state:done kind:direct assigned:luka

Words are matched in text and authors (every word, the last one as a prefix, accents
ignored). Filters narrow the list; an unknown `key:value` is searched as words.
`assigned:me` is the person working (the `user` setting), given as `me`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.model import ITEM_KINDS
from cmtui.team import ME

STATES = {"new": ("new",), "open": ("open",), "snoozed": ("snoozed",), "done": ("done",),
          "all": ("new", "open", "snoozed", "done"), "active": ("new", "open")}


@dataclass(frozen=True)
class Query:
    words: str = ""
    author: str | None = None
    label: str | None = None
    language: str | None = None
    states: tuple[str, ...] | None = None  # None: the list's own states
    kind: str | None = None
    assignee: str | None = None
    questions_only: bool = False


def parse_query(text: str, me: str | None = None) -> Query:
    """me: who `assigned:me` names (None: the word "me" is taken as a name)."""
    words: list[str] = []
    fields: dict = {}
    for token in text.split():
        key, sep, value = token.partition(":")
        key = key.lower()
        if not sep or not value:
            words.append(token)
        elif key == "from":
            fields["author"] = value.lstrip("@").lower()
        elif key == "label":
            fields["label"] = value.lstrip("#")
        elif key == "lang":
            fields["language"] = value.lower()
        elif key == "state":
            if value.lower() not in STATES:
                raise InputError(_("state:{value} is not a state (new, open, snoozed, done, all)").format(value=value))
            fields["states"] = STATES[value.lower()]
        elif key == "kind":
            if value.lower() not in ITEM_KINDS:
                raise InputError(_("kind:{value} is not a kind ({kinds})").format(value=value, kinds=", ".join(ITEM_KINDS)))
            fields["kind"] = value.lower()
        elif key == "assigned":
            fields["assignee"] = me if me and value.lower() == ME else value
        elif key == "is" and value.lower() == "question":
            fields["questions_only"] = True
        else:
            words.append(token)
    return Query(words=" ".join(words), **fields)


def narrow(base, text: str, me: str | None = None):
    """base (an InboxFilter) with a typed search applied over it: the query's filters
    replace the base's; raises InputError for a bad filter. me: who `assigned:me` is."""
    query = parse_query(text, me)
    changes: dict = {"search": query.words}
    for field in ("author", "label", "language", "kind", "assignee"):
        if getattr(query, field) is not None:
            changes[field] = getattr(query, field)
    if query.states is not None:
        changes["states"] = query.states
    if query.questions_only:
        changes["questions_only"] = True
    return base.with_(**changes)
