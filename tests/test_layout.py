"""Small screens and long words: what each screen keeps at 80x24 and 120x40 (issue 13)."""

from __future__ import annotations

import shutil
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

import pytest
from rich.text import Text

from cmtui.config import Settings
from cmtui.demo import build_demo
from cmtui.store import Store
from cmtui.tui.fitting import Part, fit_parts, join_parts
from factory import NOW
from tui_helpers import RecordingApp, wait_for

SMALL, LARGE = (80, 24), (120, 40)


# -- fitting by priority ------------------------------------------------------------------------
def _line(parts, width):
    return join_parts(fit_parts(parts, width)).plain


def test_everything_fits_untouched():
    parts = [Part.of("alpha", 1), Part.of("beta", 2, lead=" | "), Part.of("gamma", 3, lead=" | ")]
    assert _line(parts, 40) == "alpha | beta | gamma"


def test_the_least_important_goes_first_and_a_lead_goes_with_its_part():
    parts = [Part.of("outbox 5", 100), Part.of("last sync 12:00", 10, lead=" | "), Part.of("3 overdue", 90, lead=" | ")]
    assert _line(parts, 30) == "outbox 5 | 3 overdue"
    assert _line(parts, 12) == "outbox 5"


def test_a_part_is_shortened_before_it_is_dropped_and_never_cut_mid_word():
    parts = [Part.of("● fernleaf syncing", 50, "● fernleaf"), Part.of("outbox 5 pending", 100, lead="  ")]
    assert _line(parts, 36) == "● fernleaf syncing  outbox 5 pending"
    assert _line(parts, 30) == "● fernleaf  outbox 5 pending"
    assert _line(parts, 20) == "outbox 5 pending"


def test_ties_drop_the_later_part_and_the_first_shown_has_no_lead():
    parts = [Part.of("a one", 5), Part.of("b two", 5, lead=" · "), Part.of("c three", 9, lead=" · ")]
    assert _line(parts, 15) == "a one · c three"
    parts = [Part.of("a one", 1), Part.of("c three", 9, lead=" · ")]
    assert _line(parts, 8) == "c three"


def test_the_most_important_part_stays_when_nothing_fits():
    parts = [Part.of("outbox 5 pending", 100, "outbox 5"), Part.of("x", 1)]
    kept = fit_parts(parts, 3)
    assert [text.plain for _, text in kept] == ["outbox 5"]  # the line crops it


def test_styles_and_tags_travel_with_the_parts():
    kept = fit_parts([Part.of(Text("? Help", style="bold"), 9, tag="question_mark")], 20)
    assert kept[0][0].tag == "question_mark" and kept[0][1].style == "bold"


def test_accounts_shrink_together_and_none_goes_missing_without_a_count():
    """Four accounts (the demo's): all shortened before any is left out, and those left out
    are counted; an account in error comes first and keeps its words."""
    import re
    from types import SimpleNamespace

    from cmtui.tui.widgets.status_line import accounts_part

    names = ["fernleaf", "fernleaf-chat", "fernleaf-sky", "fernleaf-status"]
    calm = [SimpleNamespace(name=n, offline=True, sync_state="idle") for n in names]
    assert _line([accounts_part(calm)], 200).count("no connection") == 4
    assert _line([accounts_part(calm)], 70) == "○ fernleaf  ○ fernleaf-chat  ○ fernleaf-sky  ○ fernleaf-status"
    assert _line([accounts_part(calm)], 40) == "○ fernleaf  ○ fernleaf-chat +2"
    assert _line([accounts_part(calm)], 12) == "4 accounts"
    for width in range(10, 200):
        line = _line([accounts_part(calm)], width)
        shown = [n for n in names if re.search(rf"○ {n}(?![-\w])", line)]
        more = re.search(r"\+(\d+)$", line)
        assert line == "4 accounts" or len(shown) + (int(more[1]) if more else 0) == 4, (width, line)
    failing = [*calm[:3], SimpleNamespace(name="fernleaf-status", offline=False, sync_state="error")]
    assert _line([accounts_part(failing)], 60).startswith("● fernleaf-status error  ○ fernleaf")
    assert _line([accounts_part(failing)], 30) == "● fernleaf-status error +3"
    assert _line([accounts_part(failing)], 20) == "4 accounts (1 in error)"


# -- the demo at two sizes ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "demo.db"
    build_demo(path, ZoneInfo("UTC"), now=NOW)
    return path


@pytest.fixture
def demo_app(demo_file, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    store = Store.open(path)
    yield RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    store.close()


@asynccontextmanager
async def on_screen(app, size, *keys):
    """The app run at size, with keys pressed one by one (each opens a screen)."""
    async with app.run_test(size=size) as pilot:
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        yield pilot


def bars(app) -> tuple[str, str]:
    from cmtui.tui.widgets.key_bar import KeyBar
    from cmtui.tui.widgets.status_line import StatusLine

    return (str(app.screen.query_one(StatusLine).render()), app.screen.query_one(KeyBar).render().plain)


def whole_keys(key_bar: str, app) -> bool:
    """Every piece of the key bar is a whole binding ("key Description"), none cut."""
    from cmtui.tui.widgets.key_bar import PALETTE_HINT

    known = {f"{app.get_key_display(active.binding)} {active.binding.description}"
             for active in app.screen.active_bindings.values()} | {f"^p {PALETTE_HINT}"}
    pieces = [piece.strip() for piece in key_bar.split("  ") if piece.strip()]
    return all(piece in known for piece in pieces)


SCREENS = {"inbox": [], "calendar": ["1"], "moderation": ["3"], "metrics": ["4"],
           "rules": ["3", "e"], "guidelines": ["3", "g"]}


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
async def test_status_line_and_key_bar_keep_what_matters_most(demo_app, screen, size):
    app = demo_app
    async with on_screen(app, size, *SCREENS[screen]) as pilot:
        assert await wait_for(pilot, lambda: "outbox" in bars(app)[0])
        status, keys = bars(app)
        assert "outbox 7 pending" in status and "overdue" in status  # the demo's seven scheduled posts
        assert len(status) <= size[0] - 2
        assert "? Help" in keys and len(keys) <= size[0]  # all of it shows: nothing cropped
        assert ("q Quit" in keys) if screen in ("inbox", "calendar", "moderation", "metrics") else ("esc Back" in keys)
        assert whole_keys(keys, app), keys
        if size == LARGE:  # room for the accounts and the first keys of the screen
            assert "fernleaf" in status
            assert keys.lstrip().split("  ")[0] in ("r Reply", "v View", "a Approve", "r Range", "e Edit"), keys


def column_widths(table) -> dict[str, int]:
    return {column.key.value: column.get_render_width(table) for column in table.columns.values()}


# -- the moderation queue's columns -------------------------------------------------------------
def test_columns_shrink_then_go_least_important_first_and_get_room_back():
    from cmtui.tui.fitting import Column, plan_columns

    columns = [Column("when", 16, 30), Column("author", 22, 90, least=14), Column("reason", 18, 20, least=10)]
    assert plan_columns(columns, 200, keep=50) == {"when": 16, "author": 22, "reason": 18}
    assert plan_columns(columns, 112, keep=50) == {"when": 16, "author": 22, "reason": 18}  # just fits
    # 12 cells short: the reason shrinks to its least, then the author by the rest
    assert plan_columns(columns, 100, keep=50) == {"when": 16, "author": 18, "reason": 10}
    # no room for all even shrunk: the reason goes, then the time; the author keeps its width back
    assert plan_columns(columns, 80, keep=50) == {"author": 22}
    assert plan_columns(columns, 60, keep=50) == {}


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_moderation_queue_keeps_its_text_column(demo_app, size):
    from textual.widgets import DataTable

    app = demo_app
    async with on_screen(app, size, "3") as pilot:
        table = app.screen.query_one("#queue", DataTable)
        widths = column_widths(table)
        assert "author" in widths and "rule" in widths and "text" in widths
        assert widths["text"] >= (size[0] - 4) // 2 - 2  # at least half the row
        assert sum(widths.values()) <= size[0] - 2  # all of it on screen, not scrolled off
        first = table.get_row_at(0)
        assert first[-1].plain.startswith("A simple way to export")


# -- the metrics cards --------------------------------------------------------------------------
@pytest.mark.parametrize("size", [SMALL, LARGE, (56, 30)], ids=["80x24", "120x40", "56x30"])
async def test_metrics_cards_never_wrap_a_figure(demo_app, size):
    from rich.cells import cell_len

    app = demo_app
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        assert await wait_for(pilot, lambda: app.screen.data is not None)
        await pilot.pause()
        for card in ("#card-response", "#card-inbox", "#card-crisis"):
            widget = app.screen.query_one(card)
            lines = str(widget.render()).split("\n")
            assert "median" in lines[1] or "new" in lines[1] or lines[0] == "Crisis watch"
            longest = max(cell_len(line) for line in lines)
            assert longest <= widget.content_size.width, (card, widget.content_size.width, lines)
        followers = app.screen.query_one("#card-followers")
        assert followers.content_size.width >= 40  # its own row when the four do not fit in one


# -- wrapped lines keep their indent; help says there is more ----------------------------------
def _rendered(renderable, width: int) -> list[str]:
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text().rstrip("\n").split("\n")


def test_a_wrapped_guideline_stays_under_its_title():
    from cmtui.tui.screens.guidelines import GuidelinesScreen

    row = {"id": 1, "position": 12, "title": "Be kind to everyone who takes part, always",
           "body": "No insults, no harassment, no pile-ons. Disagree with ideas, not people.\nSecond paragraph."}
    lines = _rendered(GuidelinesScreen._option(row).prompt, 30)
    assert lines[0].startswith("12. Be kind")
    assert len(lines) > 4 and all(line.startswith("    ") and line[4] != " " for line in lines[1:]), lines


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_guidelines_wrap_under_their_title_on_screen(demo_app, size):
    app = demo_app
    async with on_screen(app, size, "3", "g") as pilot:
        options = app.screen.query_one("#guidelines")
        lines = [strip.text.rstrip() for strip in (options.render_line(y) for y in range(options.size.height))]
        body = [line for line in lines if line.strip() and not line.strip()[0].isdigit()]
        assert len(body) >= 5 and all(line.startswith("    ") for line in body), lines


async def test_help_says_when_there_are_more_keys_below_or_above(demo_app):
    from textual.containers import VerticalScroll

    app = demo_app
    async with on_screen(app, SMALL, "question_mark") as pilot:
        scroll = app.screen.query_one(VerticalScroll)
        assert await wait_for(pilot, lambda: "more below" in str(scroll.border_subtitle))
        await pilot.press("j")
        await pilot.pause()
        assert scroll.scroll_y == 1  # j/k scroll as in the lists
        await pilot.press("end")
        assert await wait_for(pilot, lambda: "more above" in str(scroll.border_subtitle))


async def test_help_shows_no_sign_when_every_key_fits(demo_app):
    from textual.containers import VerticalScroll

    app = demo_app
    async with app.run_test(size=(120, 70)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y == 0 and scroll.border_subtitle == ""


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_rules_editor_keeps_the_conditions_and_every_rule_in_view(demo_app, size):
    from textual.widgets import DataTable

    app = demo_app
    async with on_screen(app, size, "3", "e") as pilot:
        table = app.screen.query_one("#rules", DataTable)
        widths = column_widths(table)
        assert {"#", "rule", "on", "dry-run", "conditions"} <= widths.keys()
        assert widths["conditions"] >= 30 and sum(widths.values()) <= size[0] - 2
        assert table.size.height >= 1 + table.row_count  # the header and all 8 rules, not 5
        first = table.get_row_at(0)[-1].plain
        assert first.startswith("≥ 4 links") and len(first) <= widths["conditions"]


def test_cut_text_keeps_styles_and_cuts_between_clusters():
    from cmtui.tui.fitting import cut_text

    text = Text.assemble(("✓ ", "green"), ("Jonah ✍️ wrote this", "bold"))
    out = cut_text(text, 10)
    assert out.plain == "✓ Jonah…" and out.cell_len <= 10
    assert [(span.start, span.end, span.style) for span in out.spans] == [(0, 2, "green"), (2, 7, "bold")]
    assert cut_text(text, 40) is text


# -- what they look like at 80x24 ------------------------------------------------------------------
@pytest.fixture
def snap_app(tmp_path):
    from cmtui.tui.app import CmtuiApp
    from factory import build_store

    store = build_store(tmp_path / "snap.db")
    yield CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    store.close()


def _settled(*keys):
    async def run_before(pilot):
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)
    return run_before


@pytest.mark.parametrize("keys", [("3",), ("4",), ("3", "e"), ("3", "g"), ("question_mark",)],
                         ids=["moderation", "metrics", "rules", "guidelines", "help"])
def test_snapshot_80x24(snap_compare, snap_app, keys):
    assert snap_compare(snap_app, run_before=_settled(*keys), terminal_size=SMALL)


@pytest.mark.parametrize("keys, summary", [(("3",), "#moderation-summary"), (("3", "e"), "#rules-summary")],
                         ids=["moderation", "rules"])
async def test_a_summary_too_long_for_the_line_ends_in_an_ellipsis(demo_app, keys, summary):
    async with on_screen(demo_app, SMALL, *keys):
        widget = demo_app.screen.query_one(summary)
        line = widget.render_line(0).text.rstrip()
        assert line.endswith("…") and widget.size.height == 1, line


async def test_the_key_bar_renders_nothing_before_it_has_a_width(demo_app):
    from cmtui.tui.widgets.key_bar import KeyBar

    async with on_screen(demo_app, SMALL) as pilot:
        bar = demo_app.screen.query_one(KeyBar)
        bar.styles.width = 0  # as before its first layout
        await pilot.pause()
        assert bar.size.width == 0
        rendered = bar.render()
        assert rendered.plain == "" and bar._spans == []  # not a million spaces of palette padding


def test_the_queue_drops_the_rule_then_the_author_then_the_mark_as_its_comment_says():
    from cmtui.tui.screens.moderation import queue_columns

    assert set(queue_columns(65)) == {"mark", "author", "rule", "text"}
    assert set(queue_columns(64)) == {"mark", "author", "text"}  # the text keeps its 30 cells first
    assert set(queue_columns(52)) == {"mark", "text"}
    assert set(queue_columns(36)) == {"text"}


def test_cut_text_never_keeps_over_wide_text():
    from cmtui.tui.fitting import cut_text

    for plain in ("co\u00adop\u00adera\u00adtive", "x\ufe0fx\ufe0fx\ufe0f", "\u1100\u1161\u11a8" * 4, "क्\u200dष" * 5):
        text = Text(plain, style="bold")
        for width in range(1, text.cell_len + 2):
            assert cut_text(text, width).cell_len <= width, (plain, width)
