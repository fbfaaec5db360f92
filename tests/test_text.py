"""Sanitising remote text at ingest."""

from __future__ import annotations

from cmtui.text import first_line, one_line, sanitize
from cmtui.triage import is_question


def test_escape_sequences_are_removed():
    assert sanitize("a\x1b[31mred\x1b[0m b") == "ared b"
    assert sanitize("x\x1b]0;title\x07y") == "xy"
    assert sanitize("x\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\y") == "xlinky"
    assert sanitize("x\x9b31my") == "xy"


def test_control_bidi_and_zero_width_characters_are_removed():
    assert sanitize("a\x00b\x07c\x7fd\x85e") == "abcde"
    assert sanitize("abc\u202edcba\u2066x\u2069") == "abcdcbax"
    assert sanitize("zero\u200bwidth\ufeff") == "zerowidth"
    assert sanitize("👩\u200d💻") == "👩\u200d💻"  # emoji sequences keep their joiner


def test_string_escapes_dcs_and_stray_c1_bytes():
    assert sanitize("a\x1bPq#0;1\x1b\\b") == "ab"  # DCS up to ST
    assert sanitize("x\x9d0;title\x07y") == "xy"  # 8-bit OSC, terminated
    assert sanitize("caf\x9d and the rest") == "caf and the rest"  # a stray C1 byte eats nothing else


def test_joiners_kept_only_inside_non_ascii_words_and_surrogates_dropped():
    assert sanitize("ad\u200dmin \u200c") == "admin "
    assert sanitize("👩\u200d\u200d\u200d💻") == "👩\u200d💻"
    assert sanitize("می\u200cخواهم") == "می\u200cخواهم"
    assert sanitize("a\ud800b\udfffc") == "abc"
    assert sanitize("one\u2028two\u2029three") == "one\ntwo\nthree"


def test_megabytes_are_cut_before_cleaning():
    for text in ("é" * 5_000_000, "\x1b[0" * 1_000_000, "word " * 1_000_000):
        out = sanitize(text)
        assert len(out) <= 20_000 and out.endswith("…")


def test_newlines_and_tabs_are_kept_crlf_folded():
    assert sanitize("one\r\ntwo\rthree\tfour") == "one\ntwo\nthree\tfour"
    assert sanitize("one\ntwo", single_line=True) == "one two"


def test_combining_floods_are_capped_and_long_text_cut():
    zalgo = "a" + "\u0301" * 50 + "b"
    assert sanitize(zalgo) == "a\u0301\u0301b"
    assert sanitize("é") == "é"
    long = sanitize("x" * 100_000)
    assert len(long) == 20_000 and long.endswith("…")


def test_mark_floods_in_other_scripts_are_capped_but_real_words_keep_their_marks():
    thai_flood = "\u0e01" + "\u0e49\u0e48" * 40  # ko kai under 80 tone marks
    assert sanitize(thai_flood) == "\u0e01" + "\u0e49\u0e48" * 2
    hebrew = "\u05d1\u05bc\u05b0\u05e8\u05b5\u05d0\u05e9\u05b4\u05c1\u05d9\u05ea"  # bereshit, pointed
    arabic = "\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f"  # muhammad, with shadda and vowels
    thai = "\u0e19\u0e49\u0e33\u0e43\u0e08"  # nam jai
    hindi = "\u0928\u092e\u0938\u094d\u0924\u0947"  # namaste
    for word in (hebrew, arabic, thai, hindi):
        assert sanitize(word) == word
    arabic_flood = "\u0628" + "\u064b\u064c\u064d" * 30
    assert sanitize(arabic_flood) == "\u0628\u064b\u064c\u064d\u064b"


def test_bytes_with_bad_encoding_are_decoded_safely():
    assert sanitize(b"caf\xe9 ok") == "caf\ufffd ok"
    assert sanitize(None) == ""


def test_markup_is_left_as_text():
    assert sanitize("[bold]hi[/bold] [@click=app.quit]x[/]") == "[bold]hi[/bold] [@click=app.quit]x[/]"


def test_first_line_and_one_line():
    assert first_line("\n\n  hello  \nworld") == "hello"
    assert first_line("x" * 300, width=10) == "x" * 9 + "…"
    assert one_line("a\n b\x1b c") == "a b c"


def test_is_question_in_four_languages():
    for text in ("How do I export?", "¿Cómo exporto?", "Comment exporter mes notes", "Kako izvozim zapiske"):
        assert is_question(text), text
    for text in ("Thanks for the update!", "Gracias por todo", "Merci beaucoup", "Hvala za vse"):
        assert not is_question(text), text


# -- display width and cutting ----------------------------------------------------------------
from rich.cells import cell_len  # noqa: E402  (the renderer's measure: ours must agree with it)

from cmtui.text import cut, display_width, fit, graphemes  # noqa: E402

SAMPLES = ["Jonah ✍️", "🏷️🎨", "🚶\u200d♀️ walking", "👍🏽 ok", "🇸🇮 Špela", "#️⃣ tag", "日本語のテキスト",
           "e\u0301te\u0301", "Zoë draws ✏️", "☕ Coffee & Code", "plain ascii", "한국어 이름", "✍\ufe0e text"]


def test_display_width_agrees_with_the_renderer():
    for text in SAMPLES:
        assert display_width(text) == cell_len(text), text


def test_grapheme_clusters_keep_selectors_joiners_marks_and_flags_together():
    assert list(graphemes("✍️a")) == ["✍️", "a"]
    assert list(graphemes("🚶\u200d♀️!")) == ["🚶\u200d♀️", "!"]
    assert list(graphemes("e\u0301x")) == ["e\u0301", "x"]
    assert list(graphemes("🇸🇮🇫🇷")) == ["🇸🇮", "🇫🇷"]
    assert list(graphemes("👍🏽")) == ["👍🏽"]


def test_cut_never_splits_a_cluster_and_never_exceeds_the_width():
    for text in SAMPLES:
        for width in range(1, display_width(text) + 2):
            out = cut(text, width)
            assert cell_len(out) <= width, (text, width, out)
            assert out.count("…") <= 1
            body = out.removesuffix("…")
            assert text.startswith(body), (text, width, out)
            # the cut falls between clusters: no lone selector, joiner or mark is left over
            assert not body or list(graphemes(body))[-1] in list(graphemes(text))


def test_cut_examples():
    assert cut("Jonah ✍️ writes", 8) == "Jonah…"  # the emoji takes 2 cells: not "Jonah ✍" + "…"
    assert cut("Jonah ✍️ writes", 9) == "Jonah ✍️…"
    assert cut("Jonah ✍️", 8) == "Jonah ✍️"  # fits: untouched
    assert cut("日本語のテキスト", 7) == "日本語…"
    assert cut("e\u0301te\u0301 long", 4) == "e\u0301te\u0301…"
    assert cut("anything", 0) == ""
    assert fit("日本", 5) == "日本 " and fit("日本語", 5) == "日本…"


def test_one_ellipsis_at_most_on_a_text_already_cut_at_ingest():
    name = sanitize("🌿" * 300, max_len=200, single_line=True)
    assert name.endswith("🌿…")
    assert cut(name, 20).count("…") == 1
    assert cut("abcd… more", 6) == "abcd…"  # not "abcd……"


def test_sanitize_cuts_between_clusters():
    text = sanitize("x" * 198 + "✍️✍️", max_len=200)
    assert text == "x" * 198 + "…"  # not "✍" without its selector
    text = sanitize("x" * 197 + "🚶\u200d♀️", max_len=200)
    assert text == "x" * 197 + "…"


# Review finding: soft hyphen, Indic conjuncts with a joiner, decomposed Hangul and a
# selector after a text character were measured differently from Rich, so fit() rows came
# out a cell short or long.
BROAD = SAMPLES + [
    "x\ufe0f", "a\ufe0f b", "❤️ heart", "❤ plain", "©️ 2026", "☺️☺", "1️⃣ one",  # selectors
    "👨\u200d👩\u200d👧\u200d👦 family", "🏳️\u200d🌈 flag", "👩🏿\u200d💻 dev", "🧑\u200d🤝\u200d🧑",  # ZWJ
    "🇫🇷🇩🇪🇯🇵", "🇫 lone indicator", "👍🏻👍🏼👍🏾👍🏿", "✋🏽 hi",  # flags, skin tones
    "中文字符", "ｆｕｌｌｗｉｄｔｈ", "ｶﾀｶﾅ", "テキスト", "한국어",  # CJK
    "a\u0300\u0301", "n\u0303o\u0308", "\u0301 lone mark", "Å\u030a",  # combining marks
    "क्\u200dष", "क्षत्रिय", "हिन्दी", "தமிழ்", "ক্\u200cষ", "नमस्ते",  # Indic, joiners
    "\u1100\u1161\u11a8", "\u1112\u1161\u11ab\u1100\u1173\u11af", "\u1100\u1161",  # Hangul jamo
    "co\u00adop", "\u00ad", "soft\u00adhyphen\u00adated",  # soft hyphen
    "Ünïcödé façade", "Ελληνικά", "Русский", "עברית", "العربية", "ไทย ภาษา", "ascii only",
]


def test_display_width_agrees_with_the_renderer_over_a_broad_sample():
    for text in BROAD:
        assert display_width(text) == cell_len(text), text
        for cluster in graphemes(text):
            assert display_width(cluster) == cell_len(cluster), (text, cluster)
        assert "".join(graphemes(text)) == text


def test_fit_is_exactly_the_width_by_the_renderers_measure():
    for text in BROAD:
        for width in range(1, cell_len(text) + 3):
            assert cell_len(fit(text, width)) == width, (text, width, fit(text, width))
            body = cut(text, width).removesuffix("…")
            assert text.startswith(body)
            assert not body or list(graphemes(body))[-1] in list(graphemes(text)), (text, width)


def test_decomposed_hangul_is_one_cluster():
    assert list(graphemes("\u1100\u1161\u11a8x")) == ["\u1100\u1161\u11a8", "x"]
