"""cmtui metrics and cmtui metrics goal on the fixed test community."""

from __future__ import annotations

import json

from cli_helpers import run


def test_metrics_json_has_the_contract_fields(capsys, db):
    code, out, err = run(capsys, "--db", db, "metrics", "--json", "--days", "90")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert set(data["followers"]["tidewater"]) >= {"current", "daily"}
    assert set(data["response"]) >= {"median_seconds", "p90_seconds", "rate"}
    assert "posts" in data["engagement"] and "weekly" in data["engagement"]
    assert len(data["best_times"]["heatmap"]) == 7
    assert all({"target", "current", "progress", "forecast"} <= set(g) for g in data["goals"]) and data["goals"]
    assert data["range"]["days"] == 90 and data["calm"] is False


def test_metrics_text_and_scope(capsys, db):
    code, out, _ = run(capsys, "--db", db, "metrics", "--days", "7", "--account", "tidewater_es")
    assert code == 0 and "Last 7 days" in out and "tidewater_es" in out and "followers tidewater:" not in out


def test_bad_input_is_one_line(capsys, db, tmp_path):
    for argv in (["--days", "0"], ["--days", "many"], ["--account", "nobody"], ["--export", str(tmp_path / "r.pdf")]):
        code, out, err = run(capsys, "--db", db, "metrics", *argv)
        assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("cmtui: ")
    assert not (tmp_path / "r.pdf").exists()


def test_export_markdown_and_csv(capsys, db, tmp_path):
    code, out, _ = run(capsys, "--db", db, "metrics", "--export", str(tmp_path / "report.md"))
    text = (tmp_path / "report.md").read_text()
    assert code == 0 and text.startswith("# Community report: last 30 days") and "## Response" in text
    assert "| Goal | Target |" in text
    run(capsys, "--db", db, "metrics", "--export", str(tmp_path / "report.csv"))
    lines = (tmp_path / "report.csv").read_text().splitlines()
    assert lines[0] == "metric,scope,value" and "followers,tidewater,4150" in lines


def test_goal_add_list_remove(capsys, db):
    code, out, _ = run(capsys, "--db", db, "metrics", "goal", "add", "Three a week", "--metric", "posts_per_week",
                       "--target", "3", "--by", "2099-01-01")
    assert code == 0 and out.startswith("goal 3 added")
    code, out, _ = run(capsys, "--db", db, "metrics", "goal", "list", "--json")
    assert [g["name"] for g in json.loads(out)][-1] == "Three a week"
    code, _, err = run(capsys, "--db", db, "metrics", "goal", "add", "x", "--metric", "posts_per_week",
                       "--target", "lots", "--by", "2099-01-01")
    assert code == 2 and "number" in err
    code, _, err = run(capsys, "--db", db, "metrics", "goal", "add", "x", "--metric", "posts_per_week",
                       "--target", "3", "--by", "2001-01-01")
    assert code == 2 and "past" in err
    assert run(capsys, "--db", db, "metrics", "goal", "remove", "3")[0] == 0
    code, _, err = run(capsys, "--db", db, "metrics", "goal", "remove", "3")
    assert code == 2 and "no goal with id 3" in err
    assert len(json.loads(run(capsys, "--db", db, "metrics", "goal", "list", "--json")[1])) == 2


def test_the_report_cuts_a_top_post_between_grapheme_clusters(store):
    from cmtui.config import Settings
    from cmtui.metrics.panel import panel_data
    from cmtui.metrics.report import to_markdown
    from cmtui.text import graphemes

    data = panel_data(store, Settings())
    text = "x" * 58 + "👨\u200d👩\u200d👧 family day\nsecond paragraph"  # a cut at 60 characters falls inside the family
    data["engagement"]["top"] = [{"posted_at": "2026-11-30T10:00:00", "account": "tidewater", "total": 9,
                                  "rate": None, "text": text}]
    row = next(line for line in to_markdown(data).splitlines() if line.startswith("| 2026-11-30T10:00 |"))
    cell = row.split(" | ")[-1].removesuffix(" |")
    assert cell == "x" * 58 + "…"  # the family whole or not at all; never a lone "👨\u200d"
    assert list(graphemes(cell))[-2] == "x" and "second" not in row
