"""The inbox search syntax and the search in the store."""

from __future__ import annotations

import pytest

from cmtui.errors import InputError
from cmtui.store import InboxFilter
from cmtui.triage.search import Query, parse_query


def test_words_and_filters_are_separated():
    q = parse_query("sync broken from:@User3 label:#sync is:question lang:ES state:done kind:direct assigned:ana")
    assert q == Query(words="sync broken", author="user3", label="sync", language="es", states=("done",),
                      kind="direct", assignee="ana", questions_only=True)
    assert parse_query("http://x.example  odd:thing") == Query(words="http://x.example odd:thing")
    assert parse_query("state:all").states == ("new", "open", "snoozed", "done")


@pytest.mark.parametrize("text, message", [("state:sleeping", "not a state"), ("kind:toot", "not a kind")])
def test_bad_filters_say_what_is_allowed(text, message):
    with pytest.raises(InputError, match=message):
        parse_query(text)


def test_search_results_come_newest_stored_first_with_filters(store):
    every = ("new", "open", "snoozed", "done")
    found = store.inbox.page(InboxFilter(states=every, search="markdown"), 0, 500)
    assert len(found) == 63 and [r["id"] for r in found] == sorted((r["id"] for r in found), reverse=True)
    assert store.inbox.count(InboxFilter(states=every, search="markdown")) == 63
    mine = store.inbox.page(InboxFilter(states=every, search="markdown", author="user4"), 0, 500)
    assert mine and all(r["author"].startswith("user4") for r in mine)
    assert store.inbox.count(InboxFilter(states=every, author="user1_")) == 0  # LIKE wildcards are literal
    assert store.inbox.count(InboxFilter(states=every, search="mark", language="en")) == 63
