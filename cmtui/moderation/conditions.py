"""Rule conditions: validated from plain data (TOML/JSON), compiled once into closures.

A compiled condition takes an ItemContext and returns None (no match) or a tuple of the
words or spans that matched (possibly empty). Everything costly (keyword folding, regular
expressions, lists) happens at compile time; per item, each condition is a set test or a
cached property of the item. The keyword conditions of a rule set share one index (one
pass over an item's words serves them all), a regex runs only on items that hold a literal
its matches need, and an "all" group tries its cheapest conditions first.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Protocol

from cmtui import l10n
from cmtui.i18n import _
from cmtui.errors import RuleError
from cmtui.model import ITEM_KINDS as KINDS
from cmtui.moderation.text import keyword, lowered as text_lowered, piece_tokens as text_piece_tokens
from cmtui.moderation.patterns import compile_regex, parse, required_literals, unspaced_width
from cmtui.moderation.text import piece_words as text_piece_words


CONDITION_TYPES = ("keywords", "regex", "link", "links", "only_mentions", "only_emojis", "caps", "flood",
                   "new_account", "watched", "kind", "account", "language", "all", "any")

_LINK = re.compile(r"https?://\S+|\bwww\.[^\s]+", re.IGNORECASE)
_MENTION = re.compile(r"@[\w.-]+(?:@[\w.-]+)?")
_ONLY_MENTIONS = re.compile(r"\s*(?:@[\w.-]+(?:@[\w.-]+)?[\s,.:;!]*)+")
_EMOJI = re.compile(
    "(?:\\s|:[A-Za-z0-9_+-]+:|[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2190-\u21FF\u2300-\u23FF"
    "\u200d\ufe0f\ufe0e\u20e3\u3030\u303d\u3297\u3299\u00a9\u00ae\u2122\U000E0020-\U000E007F])+")


def _ts(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


class ItemContext:
    """One item as the rules see it; what several rules need is computed once, on demand."""

    __slots__ = ("id", "account_id", "kind", "author", "text", "language", "created_at", "person_id",
                 "person", "_tokens", "_joined", "_links", "_ts", "_flat", "_lowered", "_kw_index",
                 "_kw", "_pieces", "_words")

    def __init__(self, id, account_id, kind, author, text, language, created_at, person_id, person=None):
        self.id, self.account_id, self.kind, self.author, self.text = id, account_id, kind, author, text
        self.language, self.created_at, self.person_id, self.person = language, created_at, person_id, person
        self._tokens = self._joined = self._links = self._ts = self._flat = None
        self._lowered = self._kw_index = self._kw = self._pieces = self._words = None

    def keyword_hits(self, index: KeywordIndex) -> dict[int, tuple]:
        """Every keyword condition's matched words (by condition id), found in one pass for all."""
        if self._kw_index is not index or self._kw is None:
            self._kw = index.find(self)
            self._kw_index = index
        return self._kw

    @property
    def pieces(self) -> list[str]:
        """The text split at spaces (shared by tokens and longest_piece)."""
        if self._pieces is None:
            self._pieces = self.text.split()
        return self._pieces

    @property
    def tokens(self) -> list[str]:
        if self._tokens is None:
            self._tokens = text_piece_tokens(self.pieces)
        return self._tokens

    @property
    def flat(self) -> str:
        """The folded words joined by spaces: what flood compares."""
        if self._flat is None:
            self._flat = " ".join(self.tokens)
        return self._flat

    @property
    def words(self) -> list[str]:
        """The normalised words, in order (what keywords are matched against)."""
        if self._words is None:
            self._words = text_piece_words(self.pieces)
        return self._words

    @property
    def joined(self) -> str:
        """The normalised words with a space at both ends (for phrases)."""
        if self._joined is None:
            self._joined = " " + " ".join(self.words) + " "
        return self._joined

    @property
    def lowered(self) -> str:
        """The text in lower case: where a regex's required literals are looked for."""
        if self._lowered is None:
            self._lowered = text_lowered(self.text)
        return self._lowered

    @property
    def longest_piece(self) -> int:
        """The length of the longest run of the text between spaces."""
        return max(map(len, self.pieces), default=0)

    @property
    def links(self) -> int:
        if self._links is None:
            text = self.text
            self._links = len(_LINK.findall(text)) if ("://" in text or "www." in text) else 0
        return self._links

    @property
    def timestamp(self) -> float:
        if self._ts is None:
            self._ts = _ts(self.created_at) or 0.0
        return self._ts


_NO_HITS: dict[int, tuple] = {}


class KeywordIndex:
    """The words and phrases of every keyword condition of a rule set, merged: one set test
    per item tells whether any can match (most items: none), and one pass over the words
    found gives each condition its hits."""

    def __init__(self):
        self.words: dict[str, list[tuple[int, str]]] = {}  # folded word -> (condition id, term)
        # first word -> [(" phrase ", its words, [(condition id, term), ...]), ...]
        self.phrases: dict[str, list[tuple[str, frozenset, list[tuple[int, str]]]]] = {}
        self.starts: frozenset = frozenset()  # every word and every phrase's first word
        self.watched: frozenset = frozenset()  # those and every other word of a phrase
        self.count = 0

    def add(self, single: dict[str, str], phrases: dict[str, str]) -> int:
        """Register one condition (folded word or phrase -> the term as written); return its id."""
        cid = self.count
        self.count += 1
        for word, term in single.items():
            self.words.setdefault(word, []).append((cid, term))
        for phrase, term in phrases.items():
            padded = f" {phrase} "
            entries = self.phrases.setdefault(phrase.split(" ", 1)[0], [])
            owners = next((o for p, _, o in entries if p == padded), None)
            if owners is None:
                owners = []
                entries.append((padded, frozenset(phrase.split(" ")), owners))
            owners.append((cid, term))
        self.starts = frozenset(self.words) | frozenset(self.phrases)
        self.watched = self.starts.union(*(needed for entries in self.phrases.values() for _, needed, _ in entries))
        return cid

    def find(self, ctx: ItemContext) -> dict[int, tuple]:
        words = ctx.words
        if self.starts.isdisjoint(words):
            return _NO_HITS
        present = self.watched.intersection(words)  # (no set of all the item's words is built)
        found: dict[int, list[str]] = {}
        for word in present:
            for cid, term in self.words.get(word, ()):
                found.setdefault(cid, []).append(term)
        for word in present:
            for padded, needed, owners in self.phrases.get(word, ()):
                if needed <= present and padded in ctx.joined:  # (joining the words costs more)
                    for cid, term in owners:
                        found.setdefault(cid, []).append(term)
        return {cid: tuple(terms) for cid, terms in found.items()} if found else _NO_HITS


_ASCII_NOT_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_ASCII_NOT_CAPITALS = bytes(c for c in range(128) if not chr(c).isupper())


def _letters_and_capitals(text: str) -> tuple[int, int]:
    """How many letters and how many capitals a text holds (ASCII text: counted in C by
    deleting the other bytes, several times faster than a per-character test)."""
    if text.isascii():
        raw = text.encode()
        return len(raw.translate(None, _ASCII_NOT_LETTERS)), len(raw.translate(None, _ASCII_NOT_CAPITALS))
    return sum(map(str.isalpha, text)), sum(map(str.isupper, text))


# -- word lists shipped in data/moderation/words/<lang>.toml ------------------------------------------
@lru_cache(maxsize=None)
def word_lists() -> dict[str, tuple[str, ...]]:
    """'en:vulgar' -> words; 'vulgar' -> the words of every language."""
    import tomllib

    from cmtui.resources import data_dir

    lists: dict[str, list[str]] = {}
    folder = data_dir() / "moderation" / "words"
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RuleError(_("cannot read word list {path}: {reason}").format(path=path, reason=exc)) from None
        for name, values in data.items():
            if isinstance(values, list):
                lists.setdefault(f"{path.stem}:{name}", []).extend(map(str, values))
                lists.setdefault(name, []).extend(map(str, values))
    return {name: tuple(values) for name, values in lists.items()}


# -- compiling ----------------------------------------------------------------------------------------------
def _values(spec: dict, key: str, where: str) -> frozenset:
    values = spec.get(key, spec.get("values"))
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise RuleError(_("{where}: '{key}' must be a list of strings").format(where=where, key=key))
    return frozenset(values)


def _number(spec: dict, key: str, where: str, default=None, minimum: float = 0):
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise RuleError(_("{where}: '{key}' must be a number ≥ {minimum}").format(where=where, key=key,
                                                                                  minimum=l10n.number(minimum)))
    return value


def _if_literal(test, literals: tuple[str, ...]):
    """test, run only on items holding one of the literals (a fast substring scan)."""
    def regex_if_literal(ctx):
        lowered = ctx.lowered
        for literal in literals:
            if literal in lowered:
                return test(ctx)
        return None
    return regex_if_literal


def _if_piece_as_long(test, width: int):
    """test, run only on items with a space-separated piece of at least width characters."""
    def regex_if_long(ctx):
        return test(ctx) if ctx.longest_piece >= width else None
    return regex_if_long


# Where a condition goes inside an "all" group (a stable sort): 0, a field or per-item cached
# test, first, so most rules fail on a comparison; 1, what may carry matched words (kept in
# the written order: the words are reported in that order) and per-rule scans; 2, flood, last.
_COST = {"kind": 0, "account": 0, "language": 0, "watched": 0, "new_account": 0, "link": 0, "links": 0,
         "flood": 2}


class FloodMemory(Protocol):
    """A run's memory of each author's recent texts (the engine's FloodIndex, which imports this module)."""

    def prime(self, contexts: list[ItemContext], before_id: int, window: float) -> None: ...

    def count(self, ctx: ItemContext, window: float, need: int) -> int: ...

    def add(self, ctx: ItemContext) -> None: ...


class Test(Protocol):
    """A compiled condition: called with an item, it gives what matched (None: no match)."""

    cost: int
    gate: int | None
    keyword_first: bool

    def __call__(self, ctx: ItemContext) -> tuple | None: ...


def _tag(test, cost: int = 1, gate: int | None = None, keyword_first: bool = False) -> Test:
    """Mark a compiled test with what the engine plans with: its cost class, the keyword
    condition that must hit for it to match (gate), and whether it looks at keywords first."""
    test.cost, test.gate, test.keyword_first = cost, gate, keyword_first
    return test


def _group_cost(parts) -> int:
    costs = {p.cost for p in parts}
    return 1 if 1 in costs else max(costs)


class Compiler:
    """Compiles the conditions of a rule set; collects what the engine must prepare per batch."""

    def __init__(self, accounts: dict[str, int] | None = None):
        self.accounts = accounts or {}
        self.keyword_index = KeywordIndex()  # the words of every keyword condition, merged
        self.needs_people = False
        self.flood_window = 0.0  # seconds; 0 = no flood condition
        self.flood_count = 0
        self.flood_index: FloodMemory | None = None  # set by the engine for each run

    def condition(self, spec, where: str):
        if not isinstance(spec, dict) or spec.get("type") not in CONDITION_TYPES:
            kind = spec.get("type") if isinstance(spec, dict) else spec
            raise RuleError(_("{where}: unknown condition {kind} (one of: {known})").format(
                where=where, kind=repr(kind), known=", ".join(CONDITION_TYPES)))
        kind = spec["type"]
        test = getattr(self, f"_c_{kind}")(spec, f"{where} ({kind})")
        return test if hasattr(test, "cost") else _tag(test, _COST.get(kind, 1))

    def group(self, specs, match: str, where: str):
        if match not in ("all", "any"):
            raise RuleError(_("{where}: match must be 'all' or 'any', not {match}").format(where=where, match=repr(match)))
        if not isinstance(specs, list) or not specs:
            raise RuleError(_("{where}: a rule needs at least one condition").format(where=where))
        parts = tuple(self.condition(s, _("{where}, condition {n}").format(where=where, n=n + 1)) for n, s in enumerate(specs))
        if len(parts) == 1:
            return parts[0]
        return self._all(parts) if match == "all" else self._any(parts)

    @staticmethod
    def _all(parts):
        parts = tuple(sorted(parts, key=lambda p: p.cost))  # cheapest first (conditions are pure)

        def all_(ctx):
            found = ()
            for part in parts:
                got = part(ctx)
                if got is None:
                    return None
                found += got
            return found
        gate = next((p.gate for p in parts if p.gate is not None), None)
        return _tag(all_, _group_cost(parts), gate, parts[0].keyword_first)

    @staticmethod
    def _any(parts):
        def any_(ctx):
            for part in parts:
                got = part(ctx)
                if got is not None:
                    return got
            return None
        return _tag(any_, _group_cost(parts), None, parts[0].keyword_first)

    def _c_all(self, spec, where):
        return self.group(spec.get("conditions"), "all", where)

    def _c_any(self, spec, where):
        return self.group(spec.get("conditions"), "any", where)

    def _c_keywords(self, spec, where):
        terms = list(spec.get("words", []))
        lists = spec.get("lists", [])
        if not isinstance(terms, list) or not isinstance(lists, list):
            raise RuleError(_("{where}: 'words' and 'lists' must be lists").format(where=where))
        known = word_lists() if lists else {}
        for name in lists:
            if name not in known:
                raise RuleError(_("{where}: no word list {name} (known: {known})").format(
                    where=where, name=repr(name), known=", ".join(sorted(known))))
            terms.extend(known[name])
        if not terms:
            raise RuleError(_("{where}: no words given").format(where=where))
        single: dict[str, str] = {}
        phrases: dict[str, str] = {}
        for term in terms:
            if not isinstance(term, str):
                raise RuleError(_("{where}: every word must be a string").format(where=where))
            folded = keyword(term)
            if not folded:
                continue
            (phrases if " " in folded else single)[folded] = term
        index = self.keyword_index
        cid = index.add(single, phrases)

        def keywords(ctx):  # the item's words are matched against every rule's at once, on first use
            return ctx.keyword_hits(index).get(cid)
        return _tag(keywords, 1, cid, keyword_first=True)

    def _c_regex(self, spec, where):
        pattern = compile_regex(spec.get("pattern"), bool(spec.get("ignore_case", True)))
        search = pattern.search

        def regex(ctx):
            m = search(ctx.text)
            return (m.group(0),) if m else None
        # Cheap tests that no match can pass, put in front of the search (the literal test first).
        parsed = parse(pattern)
        width = unspaced_width(parsed)
        if width > 1:
            regex = _if_piece_as_long(regex, width)
        literals = required_literals(parsed)
        if literals:
            regex = _if_literal(regex, literals)
        return regex

    def _c_link(self, spec, where):
        return lambda ctx: () if ctx.links else None

    def _c_links(self, spec, where):
        n = int(_number(spec, "min", where, minimum=1))
        return lambda ctx: () if ctx.links >= n else None

    def _c_only_mentions(self, spec, where):
        full = _ONLY_MENTIONS.fullmatch
        return lambda ctx: () if "@" in ctx.text and full(ctx.text) else None

    def _c_only_emojis(self, spec, where):
        full = _EMOJI.fullmatch

        def only_emojis(ctx):
            text = ctx.text
            return () if text.strip() and not text.isascii() and full(text) else None
        return only_emojis

    def _c_caps(self, spec, where):
        ratio = float(_number(spec, "ratio", where, default=0.7))
        if ratio > 1:
            raise RuleError(_("{where}: 'ratio' is a share between 0 and 1").format(where=where))
        min_letters = int(_number(spec, "min_letters", where, default=10, minimum=1))

        def caps(ctx):
            text = ctx.text
            if len(text) < min_letters or (ratio and text.islower()):  # (no capital at all: most items)
                return None
            if "@" in text or "://" in text:
                text = _MENTION.sub("", _LINK.sub("", text))
            letters, upper = _letters_and_capitals(text)
            if letters < min_letters:
                return None
            return () if upper >= ratio * letters else None
        return caps

    def _c_flood(self, spec, where):
        count = int(_number(spec, "count", where, default=3, minimum=2))
        window = float(_number(spec, "minutes", where, default=10, minimum=0.01)) * 60
        self.flood_window = max(self.flood_window, window)
        self.flood_count = max(self.flood_count, count)

        def flood(ctx):  # the engine gives the compiler a FloodIndex for each run (flood_index)
            index = self.flood_index
            assert index is not None, "a flood condition tested outside a run"  # i18n: not shown
            return () if index.count(ctx, window, count - 1) + 1 >= count else None
        return flood

    def _c_new_account(self, spec, where):
        days = float(_number(spec, "days", where, default=7))
        span = timedelta(days=days).total_seconds()
        self.needs_people = True

        def new_account(ctx):
            person = ctx.person
            if not person or not person[0]:
                return None
            born = _ts(person[0])
            return () if born is not None and ctx.timestamp - born < span else None
        return new_account

    def _c_watched(self, spec, where):
        self.needs_people = True
        return lambda ctx: () if ctx.person and ctx.person[1] else None

    def _c_kind(self, spec, where):
        kinds = _values(spec, "kinds", where)
        if kinds - set(KINDS):
            raise RuleError(_("{where}: unknown kind {kinds} (one of: {known})").format(
                where=where, kinds=sorted(kinds - set(KINDS)), known=", ".join(KINDS)))
        return lambda ctx: () if ctx.kind in kinds else None

    def _c_account(self, spec, where):
        names = _values(spec, "accounts", where)
        ids = frozenset(self.accounts[n] for n in names if n in self.accounts)
        return lambda ctx: () if ctx.account_id in ids else None

    def _c_language(self, spec, where):
        langs = frozenset(v.lower().split("-")[0] for v in _values(spec, "languages", where))
        return lambda ctx: () if ctx.language and ctx.language.lower().split("-")[0] in langs else None
