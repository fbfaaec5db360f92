"""The moderation queue's words and columns: what a decision says when done or when the queue
is empty, the column headings and their plan for the terminal's width, an author's record in
words, and translated templates with literal remote values in them."""

from __future__ import annotations

import re

from rich.text import Text

from cmtui import l10n
from cmtui.i18n import N_, _, ngettext
from cmtui.sync.connectors.base import Choice
from cmtui.tui.fitting import Column, plan_columns

# i18n: a notification after a moderation decision; {whom} is an author or "3 items by 2 authors"
DONE = {"approve": N_("Approved: {whom}."), "hide": N_("Hidden: {whom}."), "mute": N_("Muted: {whom}."),
        "block": N_("Blocked: {whom}."), "report": N_("Reported: {whom}."), "warn": N_("Warned: {whom}."),
        "kick": N_("Kicked: {whom}."), "ban": N_("Banned: {whom}."), "unban": N_("Unbanned: {whom}.")}
# What a decision key says when the queue is empty (by the decision).
NOTHING_TO = {"approve": N_("Nothing to approve: the queue is empty."),
              "hide": N_("Nothing to hide: the queue is empty."),
              "mute": N_("Nothing to mute: the queue is empty."),
              "block": N_("Nothing to block: the queue is empty."),
              "report": N_("Nothing to report: the queue is empty."),
              "warn": N_("Nothing to warn: the queue is empty."),
              "assign": N_("Nothing to assign: the queue is empty."),
              "kick or ban": N_("Nothing to kick or ban: the queue is empty.")}
REPORT_ONLY = N_("An instance report is decided with a (resolve), A (assign to me) or x (account action).")
# The queue's column headings (the keys are the columns' ids).
HEADINGS = {"mark": " ", "when": N_("when"), "account": N_("account"), "author": N_("author"),
            "rule": N_("rule"), "reason": N_("reason"), "text": N_("text")}


def pieces(template: str, style: str = "", lead: str = "", apart: tuple[str, ...] = (),
            **fields: tuple[str, str]) -> Text:
    """A translated template as Text: lead and its words in style, each {field} the (value,
    style) given, so a remote name stays literal text and a translation may reorder them.
    Runs of one style are one span, except the fields named in apart (their own span)."""
    runs: list[list] = [[lead, style, False]]
    for n, part in enumerate(re.split(r"\{(\w+)\}", template)):
        text, part_style = fields[part] if n % 2 else (part, style)
        alone = bool(n % 2) and part in apart
        if runs[-1][1] == part_style and not alone and not runs[-1][2]:
            runs[-1][0] += text
        else:
            runs.append([text, part_style, alone])
    return Text.assemble(*((text, run_style) for text, run_style, _alone in runs if text))


def record_counts(record) -> list[str]:
    """An author's record in a few words: items, flags before, decisions, the account's age."""
    age = record["account_age_days"]
    return [ngettext("{n} item", "{n} items", record["items"]).format(n=l10n.number(record["items"])),
            ngettext("{n} flag before", "{n} flags before", record["flags"]).format(n=l10n.number(record["flags"])),
            ngettext("{n} moderation action", "{n} moderation actions", record["moderation_actions"]).format(
                n=l10n.number(record["moderation_actions"])),
            _("account age unknown") if age is None else
            ngettext("account {n} day old", "account {n} days old", age).format(n=l10n.number(age))]


def choice_pairs(choices: tuple[Choice, ...]) -> list[tuple[str, str]]:
    """A platform's choices (its profile) as a picker's (label, value) pairs."""
    return [(c.shown, c.value) for c in choices]


# Columns before the text, planned by priority for the terminal's width: the text keeps at
# least half of it (30 cells at least); the account (often just one), the reason (it mostly
# repeats the rule), then the time shrink or go first; the mark, who and which rule go last,
# in reverse: the rule below 65 columns, the author below 53, the mark below 37.
COLUMNS = (Column("mark", 1, 100), Column("when", 17, 30), Column("account", 11, 10, least=8),
           Column("author", 22, 90, least=14), Column("rule", 12, 80, least=10), Column("reason", 18, 20, least=10))
TEXT_PAD = 2 + 2  # the text's padding + a scrollbar


def queue_columns(width: int) -> dict[str, int]:
    """The queue's columns for a terminal width, and the text's ("text") after them."""
    room = width - TEXT_PAD
    plan = plan_columns(COLUMNS, room, keep=max(30, room // 2))
    plan["text"] = max(12, room - sum(w + 2 for w in plan.values()))
    return plan
