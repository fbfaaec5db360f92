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
    return list(_chain(map(_CACHE.__getitem__, _WORD.findall(fold(text)))))


def tokens(text: str) -> list[str]:
    """The folded words of a text as written (case and accents folded, no leetspeak)."""
    return _WORD.findall(fold(text))


def wordset(found: list[str]) -> frozenset:
    """The normalised readings of a list of tokens, as a set (each distinct token folded once)."""
    return frozenset(_chain(map(_CACHE.__getitem__, set(found))))


def flat(text: str) -> str:
    """What flood compares: the folded words joined by single spaces (punctuation, case, accents
    and spacing ignored)."""
    return " ".join(tokens(text))


def normalise(text: str) -> str:
    """The words of a text joined by single spaces: what keyword phrases and flood compare."""
    return " ".join(words(text))


def keyword(term: str) -> str:
    """A keyword or phrase as rules store it for matching (the same folding as the text)."""
    return " ".join(words(term))
