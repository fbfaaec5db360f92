"""Normalising text for rule matching: one pass per item, shared by every rule.

The same folding is applied to an item's text and to a rule's keywords, so a keyword
list written plainly ("idiot", "estúpido") catches "ID10T", "estupido" and "idiooot":

- lower case, accents removed (NFKD, combining marks dropped): "Čistó" -> "cisto";
- common leetspeak folded inside words that also hold a letter (plain numbers are kept):
  0->o, 1->i (and a second reading with 1->l), 3->e, 4->a, 5->s, 7->t, @->a, $->s;
- runs of one repeated character collapsed to one: "fuuuck" -> "fuck" (keywords too, so
  "spammm" and "spam" and "spaam" all meet).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import chain

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET_L = str.maketrans({"1": "l"})
_REPEAT = re.compile(r"(\w)\1+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A word: letters, digits, and the leet symbols @ and $ when they sit inside or before one.
_WORD = re.compile(r"[$@]*\w+(?:[$@]+\w+)*[$@]*")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_SPECIAL = frozenset("0134579@$")


def fold(text: str) -> str:
    """Lower case without accents (no leetspeak, no collapsing)."""
    text = text.lower()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        text = text.replace("ß", "ss").replace("đ", "d").replace("ł", "l").replace("ø", "o")
    return text


def _readings(word: str) -> tuple[str, ...]:
    """The normalised readings of one folded word (usually one; two for a '1' or a leading '@')."""
    if word.isalpha():
        return (_REPEAT.sub(r"\1", word),)
    if _SPECIAL.isdisjoint(word):
        return (_REPEAT.sub(r"\1", word),)
    out: list[str] = []
    if word[0] == "@":  # a mention (@ana, @ana@host) or leet (@ss): both readings
        name = word.lstrip("@").split("@", 1)[0]
        if name:
            out.append(_REPEAT.sub(r"\1", name))
        if word.count("@") > 1:
            return tuple(out)
    if _HAS_LETTER.search(word) is None:
        out.append(_REPEAT.sub(r"\1", word))  # a plain number or a bare symbol run
        return tuple(out)
    if "1" in word:
        out.append(_REPEAT.sub(r"\1", word.translate(_LEET_L).translate(_LEET)))
    out.append(_REPEAT.sub(r"\1", word.translate(_LEET)))
    return tuple(out)


class _Readings(dict):
    """word -> readings, computed on first use; bounded (real text reuses a small vocabulary)."""

    def __missing__(self, word: str) -> tuple[str, ...]:
        if len(self) > 200_000:
            self.clear()
        readings = self[word] = _readings(word)
        return readings


_CACHE = _Readings()
_chain = chain.from_iterable


def words(text: str) -> list[str]:
    """The normalised words of a text, in order (with a second reading for a word with a '1')."""
    return piece_words(text.split())


def readings(found: list[str]) -> list[str]:
    """The normalised words of a list of tokens, in order (what words() gives for their text)."""
    return list(_chain(map(_CACHE.__getitem__, found)))


class _Pieces(dict):
    """A piece of text between spaces -> what `make` gives for it, computed on first use; bounded.

    Folding and tokenising a text piece by piece gives what doing it whole gives: no token
    spans a space, every space folds to a space, and lower() looks past no space (final
    sigma), so most of a text is looked up rather than folded again (real text reuses a
    small vocabulary)."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, piece: str) -> tuple[str, ...]:
        found = self.make(piece)
        if "/" not in piece:  # a link is seldom seen twice: not kept
            if len(self) > 50_000:
                self.clear()
            self[piece] = found
        return found


_TOKENS = _Pieces(lambda piece: tuple(_WORD.findall(fold(piece))))
_WORDS = _Pieces(lambda piece: tuple(readings(_TOKENS[piece])))


def tokens(text: str) -> list[str]:
    """The folded words of a text as written (case and accents folded, no leetspeak)."""
    return piece_tokens(text.split())


def piece_tokens(pieces: list[str]) -> list[str]:
    """tokens() of a text given as text.split()."""
    return list(_chain(map(_TOKENS.__getitem__, pieces)))


def piece_words(pieces: list[str]) -> list[str]:
    """words() of a text given as text.split()."""
    return list(_chain(map(_WORDS.__getitem__, pieces)))


def flat(text: str) -> str:
    """What flood compares: the folded words joined by single spaces (punctuation, case, accents
    and spacing ignored)."""
    return " ".join(tokens(text))


def normalise(text: str) -> str:
    """The words of a text joined by single spaces: what keyword phrases and flood compare."""
    return " ".join(words(text))


# The characters other than A-Z that re.IGNORECASE lets match an ASCII letter, and that letter:
# without them, "uſd" would be caught by the pattern "usd" yet miss the literal "usd".
_ASCII_TWINS = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def lowered(text: str) -> str:
    """The text in lower case with re.IGNORECASE's ASCII twins mapped: an ASCII literal that a
    pattern matches (case-insensitively or not) in the text occurs in lowered(text)."""
    if not text.isascii():
        for twin, letter in _ASCII_TWINS:  # (str.translate is much slower than these scans)
            if twin in text:
                text = text.replace(twin, letter)
    return text.lower()


def keyword(term: str) -> str:
    """A keyword or phrase as rules store it for matching (the same folding as the text)."""
    return " ".join(words(term))
