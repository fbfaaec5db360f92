"""Data as real Mastodon servers send it: rich-text HTML, own posts' content, admin reports,
re-read notification pages. Unit tests use HTML recorded in the shape real servers emit;
the store and sync tests run against the mastodon_mock peer."""

from __future__ import annotations

from cmtui.text_html import html_to_text

MENTION = ('<span class="h-card" translate="no"><a href="https://mastodon.social/@Gargron" '
           'class="u-url mention">@<span>Gargron</span></a></span>')
HASHTAG = '<a href="https://mastodon.social/tags/python" class="mention hashtag" rel="tag">#<span>python</span></a>'
LONG_LINK = ('<a href="https://docs.joinmastodon.org/methods/notifications/#get" target="_blank" '
             'rel="nofollow noopener noreferrer" translate="no"><span class="invisible">https://</span>'
             '<span class="ellipsis">docs.joinmastodon.org/methods/n</span><span class="invisible">'
             'otifications/#get</span></a>')


def test_mentions_hashtags_and_shortened_links_read_in_full():
    html = f"<p>{MENTION} see {LONG_LINK} {HASHTAG}</p><p>line one<br />line two</p>"
    assert html_to_text(html) == ("@Gargron see https://docs.joinmastodon.org/methods/notifications/#get #python"
                                  "\n\nline one\nline two")


def test_a_bullet_list_keeps_its_bullets():
    assert html_to_text("<ul><li>one</li><li>two</li></ul>") == "• one\n• two"


def test_numbered_and_nested_lists_keep_numbers_and_indent():
    html = ("<p>Release notes:</p><ol><li>faster sync<ul><li>pages of 80</li><li>fewer calls</li></ul></li>"
            "<li>lists<br />with a second line</li></ol><p>Thanks!</p>")
    assert html_to_text(html) == ("Release notes:\n\n1. faster sync\n  • pages of 80\n  • fewer calls\n"
                                  "2. lists\n   with a second line\n\nThanks!")
    assert html_to_text('<ol start="4"><li>d</li><li>e</li></ol>') == "4. d\n5. e"


def test_quotes_keep_their_marker_and_the_reply_stays_outside():
    html = "<p>Someone wrote:</p><blockquote><p>first</p><p>second</p></blockquote><p>My answer</p>"
    assert html_to_text(html) == "Someone wrote:\n\n> first\n>\n> second\n\nMy answer"
    assert html_to_text("<blockquote>a<blockquote>b</blockquote></blockquote>") == "> a\n>\n> > b"


def test_code_keeps_its_spacing_and_inline_code_its_text():
    html = "<p>Try <code>cmtui sync --once</code>:</p><pre><code>for x in xs:\n    print(x)\n</code></pre><p>done</p>"
    assert html_to_text(html) == "Try cmtui sync --once:\n\nfor x in xs:\n    print(x)\n\ndone"


def test_source_whitespace_collapses_outside_pre():
    assert html_to_text("<p>one\n  two</p>\n<p>three</p>") == "one two\n\nthree"
    assert html_to_text("<p>a<br><br><br><br>b</p>") == "a\n\nb"


# -- against the peer ---------------------------------------------------------------------

def _sync(env):
    import asyncio

    from cmtui.sync.engine import SyncEngine

    store, settings, credentials = env
    [result] = asyncio.run(SyncEngine(store, settings, credentials, timeout=5.0).run_once(None))
    assert result.ok, result.error
    return result


def _act(peer, token: str, path: str) -> None:
    peer.http.post(path, headers={"Authorization": f"Bearer {token}"}).raise_for_status()


def test_own_posts_made_elsewhere_keep_their_text_for_the_top_posts(sync_env, peer, capsys):
    from cmtui.commands.metrics import _print_summary
    from cmtui.metrics.panel import panel_data

    store = sync_env[0]
    post = peer.post("ada_token", "Release day!\n\n**faster** sync, see https://example.org/notes")
    _act(peer, "grace_token", f"/api/v1/statuses/{post['id']}/favourite")
    _sync(sync_env)
    row = store.conn.execute("SELECT text FROM post_stats WHERE remote_id = ?", (post["id"],)).fetchone()
    assert row["text"] == "Release day!\n\nfaster sync, see https://example.org/notes"
    data = panel_data(store, sync_env[1], days=7)
    top = next(p for p in data["engagement"]["top"] if p["remote_id"] == post["id"])
    assert top["text"].startswith("Release day!") and top["total"] == 1
    assert all(p["text"] for p in data["engagement"]["top"])  # the seeded posts too
    _print_summary(data)
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("  top post: ")]
    assert lines and "(no text kept)" not in "".join(lines)
    assert any(x.startswith("  top post: 1 ") and x.endswith(" ada Release day!") for x in lines)


def test_a_page_read_again_counts_nothing_new(sync_env, peer):
    store = sync_env[0]
    own = peer.post("ada_token", "Our release notes are out")
    _act(peer, "grace_token", f"/api/v1/statuses/{own['id']}/favourite")
    _act(peer, "alan_token", f"/api/v1/statuses/{own['id']}/reblog")
    _act(peer, "katherine_token", f"/api/v1/accounts/{peer.me('ada_token')['id']}/follow")
    peer.post("grace_token", "@ada hello there")
    first = _sync(sync_env)
    stored = store.conn.execute("SELECT count(*) FROM account_events").fetchone()[0]
    assert first.new_items == 1 and first.events == stored >= 3  # the seeded instance has some too
    assert f"{stored} favourites/boosts/follows" in first.summary()
    # A backfill that stopped before its end keeps no cursor: the next pass reads it all again.
    store.conn.execute("DELETE FROM sync_cursors")
    again = _sync(sync_env)
    assert (again.new_items, again.events) == (0, 0)
    assert "favourites" not in again.summary() and "0 new items" in again.summary()


def test_an_admin_report_as_real_servers_send_it_is_typed_at_the_boundary():
    from cmtui.sync.connectors.mastodon import report_from_api

    report = report_from_api({
        "id": 7, "category": "spam", "comment": "links", "created_at": "2026-11-20T10:00:00.123Z",
        "target_account": {"id": "9", "username": "ana", "account": {"id": "9", "acct": "ana"}},
        "assigned_account": {"id": "1", "username": "ada", "account": {"id": "1", "acct": "ada"}},
        "statuses": [{"id": "500"}], "status_ids": ["500", "501"]}, "social.example")
    assert report.created_at == "2026-11-20T10:00:00Z" and report.remote_id == "7"
    assert report.target.acct == "ana@social.example" and report.target.remote_id == "9"
    assert report.assigned_to == "ada@social.example" and report.status_ids == ("500", "501")
    remote = report_from_api({"id": "8", "created_at": "2026-11-20T10:00:00+01:00",
                              "target_account": {"id": "3", "acct": "bo@far.example"}}, "social.example")
    assert remote.target.acct == "bo@far.example" and remote.created_at == "2026-11-20T09:00:00Z"


def test_moderation_list_has_one_time_format_and_complete_handles(sync_env, peer, capsys, tmp_path):
    import json
    import re

    from cmtui.cli import main

    store = sync_env[0]
    peer.report("grace_token", peer.me("alan_token")["id"], comment="spam", category="spam")
    _sync(sync_env)
    [report] = store.reports.open()
    host = peer.base_url.split("//")[1]
    assert report["target_acct"] == f"alan@{host}"
    store.close()
    assert main(["--db", str(tmp_path / "sync.db"), "moderation", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["created_at"]) for r in rows)
    assert all("@" in r["author"] for r in rows)


def test_reports_stored_before_v12_get_one_time_format_and_complete_handles(tmp_path):
    import sqlite3

    from cmtui.store import Store
    from cmtui.store.db import migrate
    from cmtui.store.migrations import MIGRATIONS, V12

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrate(conn, 0, MIGRATIONS.index(V12))  # the schema just before V12
    conn.execute("INSERT INTO accounts (id, name, platform, instance, created_at) VALUES"
                 " (1, 'ada', 'mastodon', 'https://social.example', '2026-11-01T00:00:00Z')")
    for remote_id, acct, when in (("1", "ana", "2026-11-20T10:00:00.123Z"),
                                  ("2", "bo@far.example", "2026-11-20T10:00:00.000+00:00")):
        report = conn.execute("INSERT INTO instance_reports (account_id, remote_id, target_acct, created_at)"
                              " VALUES (1, ?, ?, ?)", (remote_id, acct, when)).lastrowid
        conn.execute("INSERT INTO moderation_flags (report_id, rule, reason, created_at) VALUES (?, 'r', 'x', ?)",
                     (report, when))
    conn.commit()
    conn.close()
    store = Store.open(path)
    reports = store.conn.execute("SELECT target_acct, created_at FROM platform_reports ORDER BY remote_id").fetchall()
    assert [tuple(r) for r in reports] == [("ana@social.example", "2026-11-20T10:00:00Z"),
                                          ("bo@far.example", "2026-11-20T10:00:00Z")]
    flags = {r[0] for r in store.conn.execute("SELECT created_at FROM moderation_flags")}
    assert flags == {"2026-11-20T10:00:00Z"}
    store.close()
