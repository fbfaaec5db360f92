"""Data as real Mastodon servers send it: rich-text HTML, own posts' content, admin reports,
re-read notification pages. Unit tests use HTML recorded in the shape real servers emit;
the store and sync tests run against the mastodon_mock peer."""

from __future__ import annotations

from cmtui.sync.html import html_to_text

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
