"""Pilot tests of threads and the post preview in the calendar composer: ctrl+enter starts a
part, the counter counts each part, the entry is saved as a thread with two parts or more,
and the preview (ctrl+o, or p outside a text field) shows each part with the content warning
folded and the images' alt text."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea

from cmtui.config import Settings
from cmtui.planning.threads import split_parts
from cmtui.store.base import loads
from factory import NOW
from tui_helpers import RecordingApp

SIZE = (120, 44)


def make_app(store):
    return RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)


async def composer(app, pilot):
    await pilot.press("1", "l", "c")
    await pilot.pause()
    return app.screen


def counter(screen) -> str:
    return str(screen.query_one("#entry-count", Static).render())


async def test_ctrl_enter_starts_a_part_and_the_counter_counts_each(store):
    from cmtui.tui.dialogs.entry_composer import EntryComposer

    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await composer(app, pilot)
        assert isinstance(screen, EntryComposer)
        await pilot.press(*"One")
        await pilot.press("ctrl+enter")
        await pilot.press(*"Two")
        await pilot.pause()
        area = screen.query_one("#entry-text", TextArea)
        assert area.text == "One\n---\nTwo"
        assert "tidewater 1/2 3/500 · 2/2 3/500" in counter(screen)
        area.text = "One\n---\n" + "x" * 612 + "\n---\nThree"  # typing a --- line works everywhere
        await pilot.pause()
        assert "1/3 3/500 · 2/3 612/500 ✗ · 3/3 5/500" in counter(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EntryComposer)  # refused: part 2 is over the limit
        assert "part 2 is 612 characters, over 500" in str(screen.query_one("#entry-error").render())
        area.text = "One\n---\nTwo\n---\nThree"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EntryComposer)
    row = store.conn.execute("SELECT * FROM calendar_entries ORDER BY id DESC LIMIT 1").fetchone()
    assert row["thread"] == 1 and split_parts(row["text"]) == ["One", "Two", "Three"]


async def test_one_part_is_a_plain_post(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await composer(app, pilot)
        await pilot.press(*"Just one post")
        await pilot.pause()
        assert "tidewater 13/500" in counter(screen) and "1/1" not in counter(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
    row = store.conn.execute("SELECT * FROM calendar_entries ORDER BY id DESC LIMIT 1").fetchone()
    assert row["thread"] == 0 and row["text"] == "Just one post"


async def test_the_preview_shows_the_parts_the_warning_folded_and_the_alt_text(store):
    from cmtui.tui.dialogs.post_preview import PostPreview

    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await composer(app, pilot)
        screen.query_one("#entry-text", TextArea).text = ("Hello @ada@social.example, see https://example.org/notes"
                                                          "\n---\nSecond [b]part[/b]")
        screen.query_one("#entry-cw", Input).value = "launch spoilers"
        await pilot.pause()
        await pilot.press("ctrl+o")  # while typing in the text area
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PostPreview)
        first = str(preview.query_one("#preview-part-1", Static).render())
        second = str(preview.query_one("#preview-part-2", Static).render())
        assert "Tidewater Notes" in first and "@tidewater@social.tidewater.example" in first
        assert "⚠ launch spoilers" in first and "[show more]" in first and "Hello" not in first  # folded
        assert "launch spoilers" in second and "Second" not in second
        await pilot.press("s")
        await pilot.pause()
        first = preview.query_one("#preview-part-1", Static).render()
        assert "Hello @ada@social.example" in str(first) and "[show less]" in str(first)
        marked = {str(first)[span.start:span.end]: str(span.style) for span in first.spans}
        assert "underline" in marked["https://example.org/notes"] and "bold" in marked["@ada@social.example"]
        assert "Second [b]part[/b]" in str(preview.query_one("#preview-part-2", Static).render())  # literal
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        screen.query_one("#entry-account").focus()  # outside a text field, p previews too
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PostPreview)
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is screen
        screen.query_one("#entry-text", TextArea).focus()
        await pilot.press("p")  # in the text area, p is a letter
        await pilot.pause()
        assert app.screen is screen and screen.query_one("#entry-text", TextArea).text.startswith("pHello")


def test_the_preview_card_shows_each_images_alt_text():
    from cmtui.sync.connectors import profile_for
    from cmtui.tui.dialogs.post_preview import card, preview_of

    media = [{"file": "a.png", "alt": "A chart of sign-ups", "part": 1}, {"file": "b.png", "alt": "", "part": 0}]
    preview = preview_of("One\n---\nTwo", None, profile_for("mastodon"), "Tue 01 Dec 2026, 09:00", "", media)
    first, second = str(card(preview, 0)), str(card(preview, 1))
    assert "🖼 alt: (no alt text)" in first and "sign-ups" not in first
    assert "🖼 alt: A chart of sign-ups" in second and "in reply to the part above" in second


async def test_ctrl_o_previews_a_reply_as_it_will_be_sent(store):
    from cmtui.tui.app import CmtuiApp
    from cmtui.tui.dialogs.post_preview import PostPreview

    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"thanks, see https://example.org/faq", "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PostPreview)
        body = str(app.screen.query_one("#preview-part-1", Static).render())
        assert "@user0@fedi.example thanks, see https://example.org/faq" in body  # with the mention added
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PostPreview) and app.screen.query("ComposerPane")
