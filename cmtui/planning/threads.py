"""A thread: one post written as several parts, each published as a reply to the one before.

The parts live in the entry's text, split by a line holding only `---` (the separator); the
entry's `thread` column says the text is to be read so. A text without `thread` is one post,
whatever lines it holds. Each part is counted on its own against the account's limit (the
platform's profile counts it), so a long announcement can be written in one go and checked
part by part. No Textual: the CLI, the composer and the publishing read these.
"""

from __future__ import annotations

import re
from typing import Mapping

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import N_, _, ngettext
from cmtui.sync.connectors import profile_for

SEPARATOR = "---"
_LINE = re.compile(r"^[ \t]*---[ \t]*$", re.MULTILINE)


def raw_parts(text: str) -> list[str]:
    """The parts as typed, trimmed, empty ones kept (the composer counts while one is being
    written)."""
    return [part.strip() for part in _LINE.split(text or "")]


def split_parts(text: str) -> list[str]:
    """The parts of a thread's text; InputError (one sentence) when a part is empty."""
    parts = raw_parts(text)
    for number, part in enumerate(parts, 1):
        if not part:
            if len(parts) == 1:
                raise InputError(_("the text is empty"))
            raise InputError(_("part {number} of {total} is empty: write something between the '---' lines or "
                               "remove the extra separator").format(number=number, total=len(parts)))
    return parts


def join_parts(parts: list[str]) -> str:
    """The text that holds these parts (split_parts gives them back)."""
    return f"\n{SEPARATOR}\n".join(part.strip() for part in parts)


def is_thread(text: str) -> bool:
    """Whether the text holds a separator line (then it is written as a thread)."""
    return len(raw_parts(text)) > 1


def parts_of(text: str, thread) -> list[str]:
    """What an entry publishes: its parts when it is a thread, else its one text."""
    return split_parts(text) if thread else [text]


def normalised(text: str) -> tuple[str, bool]:
    """(text, thread) for a text given as a thread: its parts joined back the one way (a
    single part is a plain post). InputError for an empty part."""
    parts = split_parts(text)
    return join_parts(parts), len(parts) > 1


def part_counts(text: str, platform: str, limits: Mapping) -> list[tuple[int, int]]:
    """(characters, limit) of each part as the platform counts it, empty parts included."""
    profile = profile_for(platform)
    limit = profile.limit(limits)
    return [(profile.text_length(part, limits), limit) for part in raw_parts(text)]


def parts_problem(parts: list[str], platform: str, limits: Mapping) -> str | None:
    """None when every part fits the account's limit, else which does not ("part 2 is 612
    characters, over 500")."""
    profile = profile_for(platform)
    limit = profile.limit(limits)
    for number, part in enumerate(parts, 1):
        used = profile.text_length(part, limits)
        if used > limit:
            # i18n: {note} says how the platform counts (or is empty)
            return ngettext("part {number} is {used} character, over {limit}{note}",
                            "part {number} is {used} characters, over {limit}{note}", used).format(
                number=number, used=l10n.number(used), limit=l10n.number(limit), note=profile.length_note(limits))
    return None


def check_parts(parts: list[str], account, what: str = N_("the thread")) -> None:
    """InputError when a part is over the account's limit (no account: nothing to check)."""
    if account is None:
        return
    problem = parts_problem(parts, account.platform, account.limits)
    if problem:
        raise InputError(_("{what} for {account}: {problem}").format(what=_(what), account=account.name,
                                                                      problem=problem))
