"""Saved replies (canned answers): filling in their variables, and the starter set.

A template may use {author} (the person's handle, with @), {account} (our account's name)
and {first_name}. Anything else in braces is left as written: templates are the user's own
text and may contain braces, so this is not str.format. A variable whose value is unknown
(no item, no account) is left as written too, so the gap shows in the composer instead of
turning into "Hi , ...".
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _
from cmtui.resources import load_json

if TYPE_CHECKING:
    from cmtui.store import Store

VARIABLES: dict[str, str] = {
    "author": N_("the person's handle, e.g. @ana@fedi.example"),
    "account": N_("the name of our account"),
    "first_name": N_("the first word of the person's display name"),
}

_PLACEHOLDER = re.compile(r"\{(" + "|".join(VARIABLES) + r")\}")
_SHORTCODE = re.compile(r":[A-Za-z0-9_+-]+:")  # custom emoji in display names, e.g. :blobcat:
_INNER = "-'’"  # kept inside a name: Jean-Luc, O'Brien
_VARIATION = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def _field(item, key: str) -> str:
    if item is None:
        return ""
    try:
        value = item[key]
    except (KeyError, IndexError):
        return ""
    return str(value or "").strip()


def _clean_word(word: str) -> str:
    """Letters and digits of one word (marks kept after letters), inner hyphens/apostrophes."""
    kept: list[str] = []
    for char in _VARIATION.sub("", word):
        category = unicodedata.category(char)
        if category[0] in "LN" or char in _INNER:
            kept.append(char)
        elif category[0] == "M" and kept and unicodedata.category(kept[-1])[0] == "L":
            kept.append(char)
    return "".join(kept).strip(_INNER)


def first_name(author_name: str | None, author: str | None) -> str:
    """The first word of a display name that has a letter in it, without emoji or
    punctuation; else the local part of the handle (ana@fedi.example -> ana)."""
    for word in _SHORTCODE.sub(" ", author_name or "").split():
        cleaned = _clean_word(word)
        if any(unicodedata.category(c)[0] == "L" for c in cleaned):
            return cleaned
    return (author or "").strip().lstrip("@").split("@", 1)[0]


def expand(template: str, item, account_name: str) -> str:
    """Fill in {author}, {account} and {first_name}; item is an inbox row (or a dict) with
    author and author_name. Other braces stay as they are."""
    author = _field(item, "author").lstrip("@")
    values = {
        "author": f"@{author}" if author else "",
        "account": (account_name or "").strip(),
        "first_name": first_name(_field(item, "author_name"), author),
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)] or m.group(0), template)


def seed(store: Store) -> int:
    """Add the starter saved replies (data/saved_replies.json, in en/es/fr/sl) if the user has
    none yet; return how many were added. Checked and written in one transaction, so two
    processes opening a new file at once do not add them twice."""
    replies = load_json("saved_replies.json")
    with store.transaction():
        if store.replies.count():
            return 0
        for reply in replies:
            try:
                store.replies.add(reply["name"], reply["language"], reply["body"])
            except (KeyError, TypeError):
                raise CmtuiError(_("saved_replies.json: every entry needs a name, a language and a body")) from None
    return len(replies)
