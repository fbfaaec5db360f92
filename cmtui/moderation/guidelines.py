"""The community guidelines a new database starts with: a short, common set (be kind, no spam,
stay on topic...) in the interface's language when it is created, for the team to edit. Once
stored they are the community's own text: they stay as written whatever language is chosen
later (a warning quotes them as stored)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cmtui.i18n import N_, _

if TYPE_CHECKING:
    from cmtui.store import Store

# (title, body), in order: a warning cites a guideline by its number.
DEFAULT_GUIDELINES: tuple[tuple[str, str], ...] = (
    # i18n: a default community guideline's title (a new community starts with these, then edits them)
    (N_("Be kind"),
     # i18n: a default community guideline's text: clear, friendly and firm, as a community manager writes
     N_("No insults, no harassment, no pile-ons. Disagree with ideas, not with people.")),
    (N_("No spam or self-promotion"),
     N_("Ads, repeated links and promotion of your own shop, channel or token are removed; "
        "those who keep posting them are muted.")),
    (N_("Stay on topic"),
     N_("Keep conversations to what this community is about. Off-topic threads may be moved or closed.")),
    (N_("Keep it clean"),
     N_("No slurs and no swearing at people or at the team, in any language. "
        "Put a content warning on anything graphic.")),
    (N_("Respect privacy"),
     N_("Do not share other people's personal details, private messages or screenshots of them "
        "without their consent.")),
    (N_("The team's decisions"),
     N_("Moderators apply these guidelines: usually a warning first, then a mute or a ban. "
        "To question a decision, write to the team in private, not in the thread.")),
)


def default_guidelines() -> list[tuple[str, str]]:
    """The default guidelines (title, body) in the interface's language."""
    return [(_(title), _(body)) for title, body in DEFAULT_GUIDELINES]


def seed_guidelines(store: Store) -> int:
    """Store the default guidelines, in the interface's language, in a database that has none;
    returns how many were added."""
    if store.members.guidelines():
        return 0
    with store.transaction():
        for title, body in default_guidelines():
            store.members.add_guideline(title, body)
    return len(DEFAULT_GUIDELINES)
