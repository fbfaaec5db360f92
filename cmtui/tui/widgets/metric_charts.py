"""Small charts for the Metrics panel, drawn as rich Text: sparklines, progress bars and the
weekday x hour heatmap (one Text per frame, no plotting library to import)."""

from __future__ import annotations

from datetime import time
from functools import lru_cache

from rich.color import Color, blend_rgb
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from cmtui import l10n
from cmtui.i18n import _, ngettext
from cmtui.model import WEEKDAY_NAMES

SPARK = "▁▂▃▄▅▆▇█"
SHADES = "░▒▓█"
# Fixed colours, not theme variables: the heatmap's meaning must not change with the theme.
COLD, HOT = Color.parse("#1d4a33"), Color.parse("#4fe08a")


def resample(values: list[float], width: int) -> list[float]:
    """At most `width` values: the series itself, or the mean of each of `width` slices."""
    if width <= 0 or not values:
        return []
    if len(values) <= width:
        return list(values)
    out = []
    for n in range(width):
        part = values[n * len(values) // width:(n + 1) * len(values) // width]
        out.append(sum(part) / len(part))
    return out


def sparkline(values: list[float], width: int) -> str:
    """A one-line chart; a flat series draws at mid height (no change is not zero)."""
    points = resample([v for v in values if v is not None], width)
    if not points:
        return ""
    low, high = min(points), max(points)
    if high == low:
        return SPARK[3] * len(points)
    return "".join(SPARK[round((v - low) / (high - low) * (len(SPARK) - 1))] for v in points)


def progress_bar(fraction: float, width: int, style: str) -> Text:
    """━━━━━╺──── : done in the style, the rest dim."""
    fraction = max(0.0, min(1.0, fraction))
    done = round(fraction * width)
    bar = Text(no_wrap=True)
    bar.append("━" * done, style=style)
    bar.append("─" * (width - done), style="dim")
    return bar


def heat_style(score: float) -> Style:
    return _heat_style(round(score * 20))  # 21 shades are plenty, and cached


@lru_cache(maxsize=None)
def _heat_style(step: int) -> Style:
    return Style(color=Color.from_triplet(blend_rgb(COLD.get_truecolor(), HOT.get_truecolor(), step / 20)))


def day_short(index: int) -> str:
    """Mon / lun / pon: a weekday in three letters (a row heading of the heatmap)."""
    return l10n.weekday_name(index, "abbreviated").rstrip(".")[:3].ljust(3)


def heat_cell(score: float | None, width: int) -> Text:
    if score is None:
        return Text("·".ljust(width), style="dim")
    level = min(len(SHADES) - 1, int(score * len(SHADES)))
    return Text(SHADES[level] * (width - 1) + " ", style=heat_style(score))


class ChartText(Static):
    """A section of the panel drawn by a function of the width (charts fill the line they
    get). Lines never wrap, so the height is the line count."""

    DEFAULT_CSS = """
    ChartText { height: auto; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._build = None
        self._cache: tuple[int, Text] | None = None

    def show(self, build) -> None:
        """build(width) -> Text; a str is shown dim (loading, nothing yet)."""
        self._build = build
        self._cache = None
        self.refresh(layout=True)

    def text(self, width: int) -> Text:
        if self._cache is None or self._cache[0] != width:
            built = self._build(width) if callable(self._build) else Text(self._build or _("counting…"), style="dim")
            built.no_wrap, built.overflow = True, "ellipsis"
            built.rstrip()
            self._cache = (width, built)
        return self._cache[1]

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.text(width).plain.split("\n"))

    def render(self) -> Text:
        return self.text(self.content_size.width)


def heatmap_text(data: dict, width: int) -> Text:
    """Best time to post: 7 weekday rows x 24 hour columns of scores 0..1 (None: no post
    informs the slot), a legend, the best slots, and the fallback's reason when the grid is
    a default pattern rather than the account's own history."""
    cell = 3 if width >= 4 + 24 * 3 else 2
    text = Text()
    text.append("    ")
    for hour in range(0, 24, 1 if cell == 3 else 2):
        text.append(f"{hour:02d}".ljust(3 if cell == 3 else 4), style="dim")
    text.append("\n")
    for day, row in enumerate(data["heatmap"]):  # Monday first, as the data
        text.append(f"{day_short(day)} ", style="bold")
        for score in row:
            text.append_text(heat_cell(score, cell))
        text.append("\n")
    # i18n: the heatmap's legend: from low to high
    text.append(_("low") + " ", style="dim")
    for n in range(len(SHADES)):
        text.append(SHADES[n] * 2, style=heat_style((n + 0.5) / len(SHADES)))
        text.append(" ")
    text.append(_("high") + "   · " + _("no post nearby"), style="dim")
    weeks, posts = data.get("history_weeks", 16), data.get("posts", 0)
    text.append("   " + ", ".join((
        ngettext("hours in {timezone} · last {n} week", "hours in {timezone} · last {n} weeks", weeks).format(
            timezone=data.get("timezone") or "UTC", n=l10n.number(weeks)),
        ngettext("{n} post", "{n} posts", posts).format(n=l10n.number(posts)),
        _("recent weeks weigh more"))), style="dim")
    best = ", ".join(f"{_weekday(s['weekday'])} {l10n.clock(time(s['hour']))}" for s in data.get("best", [])[:5])
    text.append("\n" + _("best slots:") + " ", style="bold")
    text.append(best or _("not enough data yet"))
    if data.get("fallback"):
        text.append("\n" + _("fallback:") + " ", style="bold yellow")
        text.append(str(data.get("reason") or _("not enough posts")), style="yellow")
    return text


def _weekday(name: str) -> str:
    """A weekday of the data (Mon…) as the language abbreviates it."""
    return l10n.weekday_name(WEEKDAY_NAMES.index(name), "abbreviated") if name in WEEKDAY_NAMES else name


class Heatmap(ChartText):
    """The weekday x hour heatmap (see heatmap_text)."""

    def show_heatmap(self, data: dict) -> None:
        self.show(lambda width: heatmap_text(data, width))
