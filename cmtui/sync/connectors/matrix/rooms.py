"""What the connector remembers of a room between events: its name, members, power levels,
whether it is a direct or support room; and the Place it shows the core.

An incremental /sync only sends what changed, so a room starts from the Place stored after
the last pass (AccountContext.places) and each state event updates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cmtui.i18n import _
from cmtui.sync.connectors.base import Place

# Power levels the spec assumes when m.room.power_levels leaves them out.
DEFAULT_LEVELS = {"kick": 50, "ban": 50, "redact": 50}
# A moderation action (the core's word) and the power level key it needs.
ACTION_LEVELS = (("hide", "redact"), ("kick", "kick"), ("ban", "ban"), ("unban", "ban"))


def _level_needed(action: str) -> str:
    """Why our power level refuses action in a room: one whole sentence per action."""
    # i18n: a Matrix room's power levels: {mine} is the account's, {needed} the room's for the action
    return {"hide": _("hide needs power level {needed} in {room}; yours is {mine}"),
            "kick": _("kick needs power level {needed} in {room}; yours is {mine}"),
            "ban": _("ban needs power level {needed} in {room}; yours is {mine}"),
            "unban": _("unban needs power level {needed} in {room}; yours is {mine}")}[action]


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _modern_version(version: str) -> bool:
    """Room versions 12 and later give the creators unlimited power (outside power levels)."""
    return version.isdigit() and int(version) >= 12


@dataclass
class Room:
    room_id: str
    name: str = ""
    alias: str = ""
    members: int = 0
    direct: bool = False
    support: bool = False
    power: dict | None = None  # the m.room.power_levels content, when seen this pass
    creators: set[str] = field(default_factory=set)
    version: str = ""
    names: dict[str, str] = field(default_factory=dict)  # user id -> display name in the room
    heroes: list[str] = field(default_factory=list)
    remembered_name: str = ""  # the name stored after the last pass
    remembered_refused: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_place(cls, place: Place) -> Room:
        return cls(room_id=place.id, members=place.members, direct=place.direct, support=place.support,
                   remembered_name=place.name, remembered_refused=dict(place.refused))

    def apply_state(self, event: dict, me: str) -> None:
        """A state event (from the state section or the timeline) updates what we know."""
        kind, content = event.get("type"), event.get("content")
        if not isinstance(content, dict):
            return
        if kind == "m.room.name":
            self.name = str(content.get("name") or "")
        elif kind == "m.room.canonical_alias":
            self.alias = str(content.get("alias") or "")
        elif kind == "m.room.power_levels":
            self.power = content
        elif kind == "m.room.create":
            self.version = str(content.get("room_version") or "1")
            creators = {str(event.get("sender") or "")}
            extra = content.get("additional_creators")
            if isinstance(extra, list):
                creators |= {str(u) for u in extra}
            self.creators = creators
        elif kind == "m.room.member":
            user = str(event.get("state_key") or "")
            if content.get("membership") == "join":
                self.names[user] = str(content.get("displayname") or "")
            if user == me:
                previous = (event.get("unsigned") or {}).get("prev_content") or {}
                if content.get("is_direct") is True or (isinstance(previous, dict) and previous.get("is_direct") is True):
                    self.direct = True

    def apply_summary(self, summary: dict) -> None:
        if not isinstance(summary, dict):
            return
        count = summary.get("m.joined_member_count")
        if isinstance(count, int) and not isinstance(count, bool):
            self.members = count
        heroes = summary.get("m.heroes")
        if isinstance(heroes, list):
            self.heroes = [str(h) for h in heroes]

    def display_name(self, user: str) -> str:
        return self.names.get(user, "")

    def title(self, me: str) -> str:
        """m.room.name, else the canonical alias, else (a DM) the other member, else the id."""
        if self.name or self.alias:
            return self.name or self.alias
        others = [u for u in self.heroes or list(self.names) if u != me]
        if others:
            return ", ".join(self.names.get(u) or u for u in others[:3])
        return self.remembered_name or self.room_id

    def refused(self, me: str) -> dict[str, str]:
        """Each moderation action our power level does not allow here, with the reason."""
        power = self.power
        if power is None:
            return dict(self.remembered_refused)
        if me in self.creators and _modern_version(self.version):
            return {}
        users = power["users"] if isinstance(power.get("users"), dict) else {}
        mine = _int(users.get(me), _int(power.get("users_default"), 0))
        refused = {}
        for action, key in ACTION_LEVELS:
            needed = _int(power.get(key), DEFAULT_LEVELS[key])
            if mine < needed:
                refused[action] = _level_needed(action).format(needed=needed, room=self.title(me), mine=mine)
        return refused

    def place(self, me: str) -> Place:
        return Place(id=self.room_id, name=self.title(me), members=self.members, direct=self.direct,
                     support=self.support, refused=self.refused(me))
