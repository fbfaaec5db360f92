"""argparse's own words ("usage: ", "options", "invalid choice: …") in the interface's language.

argparse looks each of its messages up through its module-level `_` and `ngettext` (from
gettext) when it uses them; `use_catalog()` points those two names at cmtui.i18n, so they are
found in cmtui's catalogs. The messages below are the ones Python 3.11's argparse can show a
person (its errors about a badly built parser are for developers and stay English); they are
listed here only so that the catalog tool extracts them. They use %-formatting: a translation
keeps the same %s / %r / %(name)s fields.
"""

from __future__ import annotations

from cmtui.i18n import N_, ngettext

MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    # i18n: %(argument_name)s is an option (--state) or an argument (ITEM_ID)
    N_("argument %(argument_name)s: %(message)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    # i18n: %(type)s is a Python type name (int, float): keep it as it is
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    # i18n: the line argparse ends with on a wrong command line; keep the line break at the end
    N_("%(prog)s: error: %(message)s\n"),
)


def _plural_messages(n: int) -> tuple[str, ...]:  # never called: marks argparse's counted messages
    return (ngettext("expected %s argument", "expected %s arguments", n),)


def use_catalog() -> None:
    """From now on argparse finds its words in cmtui's catalog, in the language chosen (then
    or later: the lookup happens each time a message is used)."""
    import argparse

    from cmtui import i18n

    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
