"""The inbox's `f` like and `b` share (what the highlighted item's platform calls them:
"Favourite" and "Boost", "Like" and "Repost"...), toggles queued through the outbox; the key
bar and `?` read the platform's words for the item under the cursor."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext, pgettext
from cmtui.sync.connectors import profile_for
from cmtui.triage import likes

ACTIONS = likes.WHATS  # the bindings' actions are named as what they do: like, share


class LikeActions:
    """Mixed into InboxScreen (which has the list, the store, _reload and _say)."""

    def _reaction_words(self) -> dict[str, tuple[str, bool]]:
        """Per action: (the key's label for the highlighted item, whether its platform can)."""
        lists = self.query("#inbox-list")  # (not there before the first compose)
        row = lists.first().current_row if lists else None
        if row is None:
            return {}
        profile = profile_for(row["platform"])
        words = {}
        for what in ACTIONS:
            words[what] = (profile.action_label(what, likes.is_done(row, what)),
                           likes.can(row["platform"], what))
        return words

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The bindings with `f`/`b` named in the highlighted item's platform's words; a
        platform that cannot share keeps `b` out of the key bar (pressed, it says so), and so
        does an empty list."""
        bindings = super().active_bindings
        words = self._reaction_words()
        for key, active in bindings.items():
            if active.binding.action in ACTIONS and active.node is self:
                label, able = words.get(active.binding.action, (active.binding.description, False))  # (empty list)
                bindings[key] = active._replace(binding=replace(active.binding, description=label,
                                                                show=active.binding.show and able))
        return bindings

    def _react(self, what: str) -> None:
        inbox, row = self.inbox, self.inbox.current_row
        if row is None:
            nothing = {"like": _("Nothing to like: the inbox is empty."),
                       "share": _("Nothing to share: the inbox is empty.")}
            self.notify(nothing.get(what, nothing["like"]), severity="warning")
            return
        targets = sorted(inbox.selected) or [row["id"]]  # (a conversation's row: its latest item only)
        settings = self.app.settings
        try:
            undone, changed = likes.react_many(self.store, targets, what,
                                               answers=settings.like_answers, who=settings.username)
        except InputError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        profile = profile_for(row["platform"])  # (targets: the list is not empty)
        said, count = profile.action_label(what, undone), len(changed)
        if count == 1 and changed[0].withdrawn is not None:
            # i18n: {action} "Unfavourite", {taken_back} "favourite": a like taken back before it left
            message = _("{action}: the {taken_back} had not been sent, so nothing is sent.").format(
                action=said, taken_back=likes.verb(profile, what, not undone))
        elif count > 1:
            # i18n: {action} is the platform's word: "Favourite", "Like", "Boost"…
            message = ngettext("{action} queued for {n} item; the next sync sends it. u undoes it.",
                               "{action} queued for {n} items; the next sync sends it. u undoes it.",
                               count).format(action=said, n=l10n.number(count))
        else:
            # i18n: {action} is the platform's word: "Favourite", "Like", "Boost"…
            message = _("{action} queued; the next sync sends it. u undoes it.").format(action=said)
        inbox.selected.clear()
        self._reload()  # (the thread pane stays open: a like is often followed by a reply)
        self._words_changed()
        self.app.post_message(self.app.SyncChanged())
        self._say(message)

    def _words_changed(self) -> None:
        """The cursor moved: the key bar's f/b words follow the item (repainted only when
        they change)."""
        words = self._reaction_words()
        if words != getattr(self, "_shown_words", None):
            self._shown_words = words
            self.refresh_bindings()

    def action_like(self) -> None:
        self._react("like")

    def action_share(self) -> None:
        self._react("share")


def op_words(row, kind: str | None = None) -> str:
    """kind None: the preview's line of what we did to the item ("favourited · boosted"), or
    "". An outbox kind: in the item's platform's words (unfavourite...); others as they are."""
    profile = profile_for(row["platform"])
    if kind is None:
        done = [likes.past(profile, what) for what in likes.WHATS if likes.is_done(row, what)]
        return "\n" + " · ".join(done) if done else ""
    what = likes.KIND_OF.get(kind)
    if what:
        return likes.verb(profile, what, kind != what)
    # i18n: an outbox operation on an inbox item, as its preview names it ("reply sent")
    return pgettext("outbox operation", "reply") if kind == "reply" else kind
