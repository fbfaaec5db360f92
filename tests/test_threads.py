"""Threads: a post written as parts split by `---` lines. The split and join, the length
checked part by part, and the entry lifecycle with a thread (stored, edited, refused)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.model import utcnow
from cmtui.planning import entries as E
from cmtui.planning.publishing import payload_for
from cmtui.planning.threads import (is_thread, join_parts, normalised, part_counts, parts_of, parts_problem,
                                    raw_parts, split_parts)
from cmtui.store.base import loads
from cmtui.sync.connectors import profile_for


def test_split_on_a_line_holding_only_the_separator():
    text = "First part\n---\nSecond part\n  ---  \nThird, with --- inside\nand a line --- more"
    assert split_parts(text) == ["First part", "Second part", "Third, with --- inside\nand a line --- more"]
    assert is_thread(text) and not is_thread("no separator ---here")


def test_join_gives_the_parts_back():
    parts = ["One", "Two\nlines", "Three"]
    assert split_parts(join_parts(parts)) == parts
    assert join_parts(parts) == "One\n---\nTwo\nlines\n---\nThree"
    assert normalised("  One \n---\n\n Two  ") == ("One\n---\nTwo", True)
    assert normalised("Just one") == ("Just one", False)


@pytest.mark.parametrize("text, message", [
    ("One\n---\n\n---\nThree", "part 2 of 3 is empty"),
    ("---\nTwo", "part 1 of 2 is empty"),
    ("One\n---\n   ", "part 2 of 2 is empty"),
    ("   ", "the text is empty"),
])
def test_an_empty_part_is_refused_clearly(text, message):
    with pytest.raises(InputError, match=message):
        split_parts(text)
    assert raw_parts(text)  # the composer still counts them while typing


def test_each_part_is_counted_against_the_limit():
    limits = {"max_chars": 500}
    parts = ["a" * 120, "b" * 498, "c" * 612]
    assert parts_problem(parts, "mastodon", limits).startswith("part 3 is 612 characters, over 500")
    assert parts_problem(parts[:2], "mastodon", limits) is None
    assert part_counts(join_parts(parts), "mastodon", limits) == [(120, 500), (498, 500), (612, 500)]
    # Counted as the platform counts: a long link is worth its weight on Mastodon.
    link = "https://example.org/" + "x" * 200
    assert part_counts(link, "mastodon", limits) == [(profile_for("mastodon").text_length(link, limits), 500)]
    assert parts_of("a\n---\nb", thread=False) == ["a\n---\nb"]


def test_a_thread_entry_is_checked_part_by_part(store):
    store.accounts.add("main", "mastodon", "https://social.example")
    settings = Settings(timezone="UTC")
    long_text = "\n---\n".join(["a" * 400, "b" * 450, "c" * 300])  # 1,160 characters in all
    before = len(store.entries.between(None, None, include_undated=True))
    entry_id = E.create_entry(store, settings, text=long_text, account="main", thread=True, who="ana")
    entry = store.entries.get(entry_id)
    assert entry["thread"] == 1 and split_parts(entry["text"]) == ["a" * 400, "b" * 450, "c" * 300]
    with pytest.raises(InputError, match="the thread for main: part 2 is 612 characters, over 500"):
        E.create_entry(store, settings, text="ok\n---\n" + "x" * 612, account="main", thread=True, who="ana")
    with pytest.raises(InputError, match="too long"):  # without thread the whole text is one post
        E.create_entry(store, settings, text=long_text, account="main", who="ana")
    assert len(store.entries.between(None, None, include_undated=True)) == before + 1
    # One part given as a thread is a plain post.
    single = E.create_entry(store, settings, text="Only one", account="main", thread=True, who="ana")
    assert store.entries.get(single)["thread"] == 0


def test_editing_keeps_the_parts_checked_and_a_published_thread_is_refused(store):
    store.accounts.add("main", "mastodon", "https://social.example")
    settings = Settings(timezone="UTC")
    entry_id = E.create_entry(store, settings, text="a\n---\nb", account="main", thread=True, who="ana")
    with pytest.raises(InputError, match="part 2 is 501 characters"):
        E.update_entry(store, settings, entry_id, who="ana", text="a\n---\n" + "b" * 501)
    E.update_entry(store, settings, entry_id, who="ana", text="a\n---\nb\n---\nc")
    assert store.entries.get(entry_id)["text"] == "a\n---\nb\n---\nc"
    E.update_entry(store, settings, entry_id, who="ana", thread=False)
    assert store.entries.get(entry_id)["thread"] == 0
    E.update_entry(store, settings, entry_id, who="ana", thread=True)
    store.entries.update(entry_id, {"status": "published", "remote_id": "1"})
    with pytest.raises(InputError, match="published thread; its parts cannot be edited"):
        E.update_entry(store, settings, entry_id, who="ana", text="a\n---\nchanged")
    E.update_entry(store, settings, entry_id, who="ana", notes="fine")  # the rest stays editable
    assert store.outbox.list() == []


def test_a_timed_thread_waits_in_the_outbox_for_its_time(store):
    """The server cannot hold a thread (a part needs the id of the one before): its post is
    queued with its time as the earliest attempt, and never sent as a scheduled post."""
    store.accounts.add("main", "mastodon", "https://social.example")
    settings = Settings(timezone="UTC")
    when = (utcnow() + timedelta(hours=2)).replace(second=0, microsecond=0)
    entry_id = E.create_entry(store, settings, text="a\n---\nb", account="main", thread=True, who="ana",
                              when=when, status="scheduled")
    [op] = store.outbox.for_entry(entry_id)
    payload = loads(op["payload"], {})
    assert payload["parts"] == ["a", "b"] and op["next_attempt_at"] == payload["scheduled_at"]
    later = when + timedelta(hours=1)
    E.update_entry(store, settings, entry_id, who="ana", when=later)  # rewritten in place, still waiting
    [op] = store.outbox.for_entry(entry_id)
    assert op["next_attempt_at"] == loads(op["payload"], {})["scheduled_at"] > payload["scheduled_at"]
    plain = E.create_entry(store, settings, text="plain", account="main", who="ana", when=when, status="scheduled")
    [op] = store.outbox.for_entry(plain)
    assert "parts" not in loads(op["payload"], {}) and op["next_attempt_at"] < payload["scheduled_at"]


def test_payload_of_a_variant_of_a_thread_is_in_parts_too():
    entry = {"thread": 1, "visibility": "public", "language": None, "content_warning": None, "place": None,
             "scheduled_at": None}

    class Row(dict):
        def keys(self):
            return super().keys()

    payload = payload_for(Row(entry), "uno\n---\ndos", profile_for("mastodon"))
    assert payload["parts"] == ["uno", "dos"] and payload["text"] == "uno\n---\ndos"
    assert "parts" not in payload_for(Row(entry, thread=0), "uno\n---\ndos", profile_for("mastodon"))
