"""The Moderation mode's decisions in places (chat rooms): K kicks, bans or unbans an item's
author in the room it was said in, a hide that also removes the item on the server asks a
reason, and what the account may not do in a room (its permissions, as its last sync read
them) is said before anything is asked or stored. A mixin of ModerationScreen."""

from __future__ import annotations

from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _

# The decisions that reach the platform, and the question each asks first.
PLATFORM = {"mute": N_("Mute {whom}? (sent at the next sync)"), "block": N_("Block {whom}? (sent at the next sync)"),
            "report": N_("Report {whom}? (sent at the next sync)")}


class PlaceDecisions:
    def _hides_on_server(self, action: str, items: list) -> bool:
        """A hide that also takes one of the items off its platform (which asks first)."""
        from cmtui.moderation.actions import hides_on_server

        return action == "hide" and any(
            row["item_id"] is not None
            and hides_on_server(self._profile(row["account"]), self.store.inbox.require(row["item_id"]))
            for row in items)

    def _refused(self, items: list, action: str) -> bool:
        """Whether the account may not take the action in one of the items' places (said so)."""
        from cmtui.moderation.actions import check_place

        try:
            for row in items:
                check_place(self.store, self.store.inbox.require(row["item_id"]), action)
        except CmtuiError as exc:
            self.notify(_("Nothing was changed: {error}").format(error=exc), severity="error", markup=False)
            return True
        return False

    def _asking(self, action: str, items: list) -> tuple[str, str]:
        """(the question's start, the comment's hint) of a decision that asks first."""
        if self._hides_on_server(action, items):
            profile = self._profile(items[0]["account"])
            # i18n: {done} is the platform's words for it, e.g. "removed from the room"
            return (_("Hide {whom}? ({done} at the next sync)").format(whom=self._whom(items),
                                                                       done=profile.word("server_hide_words")),
                    _("a reason (sent with it, kept in the log)") if profile.server_hide_reason
                    else _("a comment for the log"))
        return _(PLATFORM[action]).format(whom=self._whom(items)), _("a comment for the log")

    def _place(self, row):
        """The place (room) a queue row's item was said in, when its account knows it."""
        if not row["place"]:
            return None
        account = self.store.accounts.get(row["account"] or "")
        return account.place(row["place"]) if account is not None else None

    def action_place_action(self) -> None:
        """K: kick, ban or unban the author in the item's place (platforms with places)."""
        from cmtui.moderation.actions import offered_actions
        from cmtui.tui.dialogs.moderation_dialogs import PickDialog, place_action_choices

        chosen = self._items("kick or ban")  # i18n: not shown
        if chosen is None:
            return
        items, skipped = chosen
        profile = self._profile(items[0]["account"])
        offered = offered_actions(profile)
        if not offered:
            self.notify(_("{platform} has no kick or ban: use m (mute), b (block) or R (report).").format(
                platform=profile.label),
                        severity="warning", markup=False)
            return
        place = self._place(items[0])
        # i18n: {place} is the platform's word for a place ("room"…)
        where = place.shown if place is not None else (items[0]["place"] or _("no {place}").format(
            place=profile.place_word()))
        refused = [place.refused[a] for a in offered if place is not None and a in place.refused]
        dialog = PickDialog(_("{whom} in {where}: kick, ban or unban? (sent at the next sync)").format(
                                whom=self._whom(items), where=where),
                            place_action_choices(offered), default=offered[0],
                            hint=_("a reason (sent with it, kept in the log)"),
                            note=_("Not allowed here:") + "\n" + "\n".join(dict.fromkeys(refused)) if refused else "")
        self.app.push_screen(dialog, lambda answer: None if answer is None else
                             self._decide(items, answer["choice"], answer["text"], skipped))
