"""The composer's repeat row helpers: a preset picker that fills the RFC 5545 rule from the
post's start (daily, weekdays, weekly on its day, monthly on the same weekday, none, or
custom: the rule stays as typed), and the rule in plain words under the input."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text
from textual.widgets import Select

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.planning.rule_words import PRESET_IDS, describe, presets

CUSTOM = "custom"


class RepeatPresets(Select):
    """The presets for a start; the labels follow the start ("weekly on Tuesday")."""

    def __init__(self, start: datetime | None, tz: tzinfo, *, id: str | None = None):
        self.tz = tz
        super().__init__(self._preset_options(start), prompt=_("presets…"), compact=True, id=id)

    def _preset_options(self, start: datetime | None) -> list[tuple[str, str]]:
        labels = [label for label, _rule in presets(start or datetime.now(self.tz), self.tz)]
        return [*zip(labels, PRESET_IDS), (_("custom (write the rule)"), CUSTOM)]

    def follow(self, start: datetime | None) -> None:
        """The start changed: relabel, keeping the choice."""
        keep = self.value
        with self.prevent(Select.Changed):
            self.set_options(self._preset_options(start))
            if keep in (*PRESET_IDS, CUSTOM):
                self.value = keep

    def rule_for(self, start: datetime | None) -> str | None:
        """The rule the chosen preset gives for this start; None for custom or nothing chosen."""
        if self.value not in PRESET_IDS:
            return None
        return dict(zip(PRESET_IDS, (rule for _label, rule in presets(start or datetime.now(self.tz), self.tz))))[
            self.value]


def rule_words(rule: str, start: datetime | None, tz: tzinfo) -> Text:
    """'↻ every Tuesday and Thursday at 10:00, 8 times'; empty when there is no rule or it
    cannot be read (the rule note under it says why)."""
    if not rule.strip():
        return Text()
    try:
        return Text("↻ " + describe(rule, start, tz), style="italic")
    except InputError:
        return Text()

