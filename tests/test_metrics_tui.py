"""Pilot and snapshot tests of the Metrics mode (key 4): the figures panel_data computes,
range and scope, goals (add, edit, delete, bad input), the report export, calm mode, the
crisis marker in the status line, an empty history, and ctrl+n's best-time suggestion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, OptionList, Select, Static

from cmtui.config import Settings
from cmtui.metrics.panel import panel_data
from cmtui.model import iso
from cmtui.store import InboxFilter, Store
from cmtui.tui.dialogs.goal_editor import GoalEditor
from cmtui.tui.screens import metrics as metrics_screen
from cmtui.tui.widgets.metric_charts import ChartText
from cmtui.tui.widgets.metric_sections import due_date, duration
from cmtui.tui.widgets.status_line import StatusLine
from factory import NOW, build_store
from tui_helpers import RecordingApp, wait_for

SIZE = (100, 30)  # the smallest size the panel is made for (and less to draw per step)


def make_app(store, **settings):
    return RecordingApp(store, Settings(timezone="UTC", **settings), clock=lambda: NOW)


def settings(**kw):
    return Settings(timezone="UTC", **kw)


async def open_metrics(app, pilot):
    await pilot.press("4")
    screen = app.screen
    assert await wait_for(pilot, lambda: not screen.counting)
    await pilot.pause()
    return screen


async def settled(pilot):
    screen = pilot.app.screen
    assert await wait_for(pilot, lambda: not screen.counting)
    await pilot.pause()


def shown(screen, selector: str) -> str:
    widget = screen.query_one(selector)
    if isinstance(widget, ChartText):
        return widget.text(widget.content_size.width or 100).plain
    return str(widget.render())


def everything(screen) -> str:
    return "\n".join(shown(screen, f"#{w.id}") for w in screen.query("ChartText, Static") if w.id)


# -- what the panel shows ---------------------------------------------------------------------------
async def test_the_panel_shows_the_figures_panel_data_computes(store):
    expected = panel_data(store, settings(), 30, now=NOW)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_metrics(app, pilot)
        followers = shown(screen, "#card-followers")
        for name, f in expected["followers"].items():
            assert name in followers and f"{f['current']:,}" in followers and f"{f['change']:+,}" in followers
        r = expected["response"]
        card = shown(screen, "#card-response")
        assert duration(r["median_seconds"]) in card and duration(r["p90_seconds"]) in card
        assert f"{r['rate']:.0%}" in card and f"of {r['arrived']:,} items" in card
        assert f"{r['overdue']:,} overdue" in card
        table = shown(screen, "#section-response")
        for name, s in r["per_account"].items():
            row = next(line for line in table.splitlines() if line.startswith(name + " "))
            assert row.split()[1:4] == [f"{s['arrived']:,}", f"{s['answered']:,}", f"{s['rate']:.0%}"]
        goals = shown(screen, "#section-goals")
        for g in expected["goals"]:
            assert g["name"] in goals and g["forecast"] in goals and due_date(g["due_date"]) in goals
        growth = shown(screen, "#section-growth")
        assert "W47" in growth and "+25" in growth  # the net change of the last week
        assert "fallback:" in shown(screen, "#section-best")  # 0 posts: the default pattern, said so
        crisis = shown(screen, "#section-crisis")
        assert expected["crisis"]["status"] in crisis and expected["crisis"]["reason"] in crisis
        counts = store.inbox.state_counts()
        assert f"{counts['new']:,} new" in shown(screen, "#card-inbox")


async def test_r_cycles_the_range(store, monkeypatch):
    monkeypatch.setattr(metrics_screen, "SMALL_STORE", 0)  # through the worker threads
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_metrics(app, pilot)
        await pilot.press("r")
        await settled(pilot)
        assert screen.days == 90 and "Last 90 days" in shown(screen, "#metrics-range")
        await pilot.press("r")
        await settled(pilot)
        assert screen.days == 7
        week = panel_data(store, settings(), 7, now=NOW)["response"]
        assert f"of {week['arrived']:,}" in shown(screen, "#card-response")


async def test_a_cycles_the_scope(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_metrics(app, pilot)
        await pilot.press("a")
        await settled(pilot)
        assert screen.account == "tidewater"
        scoped = panel_data(store, settings(), 30, "tidewater", now=NOW)
        assert "tidewater_es" not in shown(screen, "#card-followers")
        assert f"of {scoped['response']['arrived']:,}" in shown(screen, "#card-response")
        assert shown(screen, "#section-response").splitlines()[1].startswith("tidewater ")
        await pilot.press("a", "a")
        await settled(pilot)
        assert screen.account is None


async def test_j_and_k_scroll_the_panel(store):
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_metrics(app, pilot)
        body = screen.query_one("#metrics")
        await pilot.press("j", "j", "j")
        assert body.scroll_y == 3
        await pilot.press("pagedown")
        assert body.scroll_y > 10
        await pilot.press("k")
        assert body.scroll_y > 9


# -- goals ------------------------------------------------------------------------------------------------
async def fill_goal(pilot, name=None, target=None, due=None, metric=None):
    editor = pilot.app.screen
    assert isinstance(editor, GoalEditor)
    for selector, value in (("#goal-name", name), ("#goal-target", target), ("#goal-due", due)):
        if value is not None:
            editor.query_one(selector, Input).value = value
    if metric is not None:
        editor.query_one("#goal-metric", Select).value = metric
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    return editor


async def test_a_new_goal_is_checked_then_stored(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_metrics(app, pilot)
        await pilot.press("g")
        await pilot.pause()
        editor = await fill_goal(pilot, "Three posts a week", "lots", "in 6 weeks", "posts_per_week")
        assert app.screen is editor and "must be a number" in str(editor.query_one("#goal-error").render())
        assert len(store.metrics.goals()) == 2  # nothing stored
        await fill_goal(pilot, target="3", due="someday")
        assert app.screen is editor and str(editor.query_one("#goal-error").render())
        assert len(store.metrics.goals()) == 2
        await fill_goal(pilot, due="2020-01-01")
        assert "in the past" in str(editor.query_one("#goal-error").render())
        await fill_goal(pilot, due="in 6 weeks")
        assert app.screen is not editor
        goal = next(g for g in store.metrics.goals() if g["name"] == "Three posts a week")
        assert (goal["metric"], goal["target"], goal["due_date"]) == (
            "posts_per_week", 3, (NOW + timedelta(weeks=6)).date().isoformat())
        await settled(pilot)
        assert "Three posts a week" in shown(app.screen, "#section-goals")


async def pick_goal(pilot, name: str):
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = next(i for i in range(options.option_count)
                               if name in str(options.get_option_at_index(i).prompt))
    await pilot.press("enter")
    await pilot.pause()


async def test_e_edits_the_chosen_goal(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_metrics(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        await pick_goal(pilot, "Grow followers")
        editor = app.screen
        assert editor.query_one("#goal-name", Input).value == "Grow followers 10%"
        assert editor.query_one("#goal-target", Input).value == "10"
        await fill_goal(pilot, name="Grow followers 12%", target="12")
        goal = next(g for g in store.metrics.goals() if g["metric"] == "followers_growth_pct")
        assert (goal["name"], goal["target"]) == ("Grow followers 12%", 12)
        await settled(pilot)
        assert "Grow followers 12%" in shown(app.screen, "#section-goals")


async def test_d_deletes_a_goal_after_a_confirmation(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_metrics(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        await pick_goal(pilot, "Median response")
        await pilot.press("n")  # no: kept
        await pilot.pause()
        assert len(store.metrics.goals()) == 2
        await pilot.press("d")
        await pilot.pause()
        await pick_goal(pilot, "Median response")
        await pilot.press("y")
        await settled(pilot)
        assert [g["name"] for g in store.metrics.goals()] == ["Grow followers 10%"]
        assert "Median response" not in shown(app.screen, "#section-goals")


# -- the report ---------------------------------------------------------------------------------------------
async def export(pilot, path) -> None:
    await pilot.press("x")
    await pilot.pause()
    pilot.app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")
    await pilot.pause()


async def test_x_exports_the_report(store, tmp_path):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_metrics(app, pilot)
        await export(pilot, tmp_path / "report.md")
        text = (tmp_path / "report.md").read_text()
        assert text.startswith("# Community report: last 30 days") and "Grow followers 10%" in text
        assert "user0@fedi.example" in text  # members came from the worker
        assert str(tmp_path / "report.md") in app.notes[-1]["message"]
        await export(pilot, tmp_path / "report.csv")
        assert (tmp_path / "report.csv").read_text().startswith("metric,scope,value\n")
        await export(pilot, tmp_path / "report.pdf")
        assert not (tmp_path / "report.pdf").exists() and app.notes[-1]["severity"] == "error"
        await export(pilot, tmp_path / "no" / "such" / "dir.md")
        assert app.notes[-1]["severity"] == "error" and "Could not write" in app.notes[-1]["message"]


# -- calm mode, empty history, members --------------------------------------------------------------------
async def test_calm_mode_hides_the_numbers_that_invite_comparison(store):
    app = make_app(store, calm_mode=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_metrics(app, pilot)
        assert screen.query_one("#metrics-calm").display and "Calm mode" in shown(screen, "#metrics-calm")
        text = shown(screen, "#card-followers") + shown(screen, "#section-growth")
        assert "4,150" not in text and "+150" not in text and "tidewater" in text
        members = shown(screen, "#section-members")
        assert "user0@fedi.example" in members and "alphabetical" in members
        assert "7" not in members.replace("user", "")  # no item counts next to the names
        expected = panel_data(store, settings(), 30, now=NOW)
        assert duration(expected["response"]["median_seconds"]) in shown(screen, "#card-response")  # stays
        assert "Grow followers 10%" in shown(screen, "#section-goals")  # stays


async def test_an_empty_history_says_so_and_does_not_crash(tmp_path):
    store = Store.open(tmp_path / "empty.db")
    store.accounts.add("solo", "mastodon", "https://a.example")
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_metrics(app, pilot)
        text = everything(screen)
        assert "No goals yet" in text and "No follower snapshots" in text
        assert "No published posts in the range: not enough data yet" in text
        assert "nothing arrived in the range" in text and "nobody in the range" in text
        assert "not enough data yet" in shown(screen, "#card-crisis")
        assert "solo" in shown(screen, "#card-followers") and "no snapshot yet" in shown(screen, "#card-followers")
        await pilot.press("r", "a")
        await settled(pilot)
        assert screen.account == "solo"
    store.close()


async def test_members_are_counting_until_the_worker_fills_them_in(store, monkeypatch):
    monkeypatch.setattr(metrics_screen, "SMALL_STORE", 0)  # the million-item path: worker threads
    expected = panel_data(store, settings(), 30, now=NOW, parts=("members",))["members"]
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_metrics(app, pilot)
        text = shown(screen, "#section-members")
        for m in expected["most_active"]:
            assert f"{m['author']} " in text
        screen.reload()  # the answers come back through the event loop: not yet here
        assert shown(screen, "#section-members") == "counting…" and screen.members is None
        await settled(pilot)
        assert screen.members == expected


async def test_the_first_figures_are_ready_before_the_mode_is_opened(store, monkeypatch):
    """A large store: the app computes the panel's first view once settled, and `4` draws
    it at once (then the members follow)."""
    from cmtui.tui import app as app_module

    monkeypatch.setattr(metrics_screen, "SMALL_STORE", 0)
    monkeypatch.setattr(app_module, "METRICS_PREFETCH_AFTER", 0.05)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: app.metrics_prefetch is not None)
        ready = app.metrics_prefetch
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        assert screen.data is ready.data and app.metrics_prefetch is None
        assert "counting" not in shown(screen, "#metrics-range")
        await settled(pilot)
        assert screen.data is ready.data


async def test_prefetched_figures_are_not_used_after_a_change(store, monkeypatch):
    from cmtui.tui import app as app_module

    monkeypatch.setattr(metrics_screen, "SMALL_STORE", 0)
    monkeypatch.setattr(app_module, "METRICS_PREFETCH_AFTER", 0.05)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_for(pilot, lambda: app.metrics_prefetch is not None)
        ready = app.metrics_prefetch
        item = store.inbox.page(InboxFilter(), 0, 1)[0]
        store.triage.done([item["id"]], "ana")  # the inbox counts change
        screen = await open_metrics(app, pilot)
        assert screen.data is not None and screen.data is not ready.data
        assert screen.data["inbox"]["counts"] == store.inbox.state_counts()


# -- the crisis marker ---------------------------------------------------------------------------------------
def spiky_store(path) -> Store:
    """Three weeks of 2-3 mentions a day, then 40 in the last 24 hours."""
    store = Store.open(path)
    account = store.accounts.add("main", "mastodon", "https://a.example")
    with store.transaction():
        n = 0
        for day in range(2, 23):
            for k in range(2 + day % 2):
                n += 1
                store.inbox.insert(account.id, kind="mention", remote_id=f"r{n}", author="u@x.example", text="hi",
                                   created_at=iso(NOW - timedelta(days=day, hours=k + 1)))
        for k in range(40):
            n += 1
            store.inbox.insert(account.id, kind="mention", remote_id=f"r{n}", author=f"u{k}@x.example",
                               text="is it down?", created_at=iso(NOW - timedelta(minutes=20 * k + 5)))
    return store


async def test_a_spike_shows_a_crisis_marker_in_the_status_line(tmp_path):
    store = spiky_store(tmp_path / "spike.db")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        app.crisis_watch.run()  # (the first check comes 2 s after start-up)
        assert await wait_for(pilot, lambda: app.crisis_watch.marker is not None)
        assert app.crisis_watch.marker == "crisis: mentions ×16"
        await pilot.pause()
        assert "⚠ crisis: mentions ×16" in str(app.screen.query_one(StatusLine).render())
        screen = await open_metrics(app, pilot)  # on every screen, and the panel says it too
        assert "crisis: mentions" in str(screen.query_one(StatusLine).render())
        assert screen.query_one("#metrics-banner").display
        assert "mentions: 40 in the last 24 h" in shown(screen, "#metrics-banner")
        assert "ALERT" in shown(screen, "#section-crisis")
        checks = app.crisis_watch.checks
        app.crisis_watch.request()  # within the minute: waits for its end
        assert app.crisis_watch.checks == checks
    store.close()


# -- ctrl+n in the calendar composer ------------------------------------------------------------------------
async def suggest(app, pilot) -> tuple[str, str]:
    await pilot.press("1")
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    composer = app.screen
    composer.query_one("#entry-account", Select).value = "tidewater"
    await pilot.press("ctrl+n")
    await pilot.pause()
    return composer.query_one("#entry-when", Input).value, str(composer.query_one("#entry-when-read").render())


async def test_ctrl_n_suggests_the_best_time_from_the_heatmap(store):
    account = store.accounts.get("tidewater").id
    with store.transaction():  # Tuesdays 15:00 do well, 13:00 and 17:00 not at all
        for week in range(1, 11):
            tuesday = (NOW - timedelta(days=3 + 7 * week)).replace(minute=0)
            for n, (hour, favourites) in enumerate(((15, 40), (13, 0), (17, 0))):
                store.metrics.upsert_post_stats(account, f"p{week}-{n}", iso(tuesday.replace(hour=hour)),
                                                favourites, 0, 0)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        value, echo = await suggest(app, pilot)
        assert value == "2026-11-24 15:00"  # the next Tuesday (NOW is Friday 2026-11-20 12:00)
        assert "best time from 30 posts" in echo


async def test_ctrl_n_says_when_the_suggestion_is_the_default_pattern(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        value, echo = await suggest(app, pilot)
        assert value == "2026-11-23 09:00"  # Monday morning: the default pattern's best free hour
        assert "default pattern, not your data" in echo


# -- snapshots -----------------------------------------------------------------------------------------------
@pytest.fixture
def snap_app(tmp_path):
    store = build_store(tmp_path / "snap.db")
    yield lambda **kw: RecordingApp(store, Settings(timezone="UTC", **kw), clock=lambda: NOW)
    store.close()


async def _open(pilot):
    await pilot.press("4")
    await settled(pilot)


def test_snapshot_panel_120x40(snap_compare, snap_app):
    assert snap_compare(snap_app(), run_before=_open, terminal_size=(120, 40))


def test_snapshot_panel_100x30(snap_compare, snap_app):
    assert snap_compare(snap_app(), run_before=_open, terminal_size=(100, 30))


def test_snapshot_calm_mode(snap_compare, snap_app):
    assert snap_compare(snap_app(calm_mode=True), run_before=_open, terminal_size=(120, 40))


def test_snapshot_goal_dialog(snap_compare, snap_app):
    async def dialog(pilot):
        await _open(pilot)
        await pilot.press("g")
        await pilot.pause()
        await fill_goal(pilot, "Answer faster", "soon", "in 8 weeks", "median_response_minutes")
        for field in pilot.app.screen.query(Input):  # a blinking cursor is drawn or not by the clock
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(snap_app(), run_before=dialog, terminal_size=(120, 40))


def _engagement_data(post_text):
    top = [{"total": 12, "posted_at": "2026-11-30T10:00", "account": "@org@example.social", "text": post_text,
            "rate": 0.01}]
    return {"calm": False, "words": {"likes": "favourites", "shares": "boosts"}, "engagement": {
        "totals": {"posts": 1, "interactions": 12, "average": 12.0}, "weekly": [], "top": top,
        "by_language": [], "by_campaign": [], "by_hour": []}}


def test_a_top_post_with_a_long_first_paragraph_stays_on_one_row_at_80_columns():
    from rich.cells import cell_len

    from cmtui.tui.widgets.metric_sections import engagement_text

    long = "Our winter fundraiser 🎄👨‍👩‍👧 " + "is going better than we hoped, thank you all " * 20 + "\nsecond"
    lines = engagement_text(_engagement_data(long), 80).plain.splitlines()
    row = next(line for line in lines if "@org@example.social" in line)
    assert cell_len(row) <= 80 and row.endswith("…") and "Our winter fundraiser" in row
    assert not any(line.startswith("is going") or "second" in line for line in lines)
    empty = engagement_text(_engagement_data(None), 80).plain
    assert "@org@example.social (no text kept)" in empty


def test_a_goal_line_keeps_its_forecast_and_cuts_the_name_on_a_narrow_screen():
    from cmtui.text import display_width
    from cmtui.tui.widgets.metric_sections import NOT_ENOUGH, goals_text

    goal = {"name": "Answer 90% of mentions on the status account 📣", "account": "fernleaf-status",
            "forecast": NOT_ENOUGH, "progress": 0.4, "metric": "response_rate_pct", "current": 36.0,
            "target": 90.0, "due_date": "2026-12-22", "projected": None}
    for width in (76, 50, 30):
        first = goals_text({"goals": [goal]}, width).plain.splitlines()[0]
        assert first.endswith(NOT_ENOUGH) and display_width(first) <= width, (width, first)
    wide = goals_text({"goals": [goal]}, 120).plain.splitlines()[0]
    assert "fernleaf-status" in wide and "📣" in wide
