"""Rule conditions: validated from plain data (TOML/JSON), compiled once into closures.

A compiled condition takes an ItemContext and returns None (no match) or a tuple of the
words or spans that matched (possibly empty). Everything costly (keyword folding, regular
expressions, lists) happens at compile time; per item, each condition is a set test or a
cached property of the item.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from functools import lru_cache

from cmtui.errors import CmtuiError
from cmtui.moderation.text import keyword, tokens as text_tokens, wordset as text_wordset, words as text_words


class RuleError(CmtuiError):
    """A rule that cannot be stored: the message says what is wrong and where."""


CONDITION_TYPES = ("keywords", "regex", "link", "links", "only_mentions", "only_emojis", "caps", "flood",
                   "new_account", "watched", "kind", "account", "language", "all", "any")
KINDS = ("mention", "reply", "direct", "comment")

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


_UNSET = object()


class ItemContext:
    """One item as the rules see it; what several rules need is computed once, on demand."""

    __slots__ = ("id", "account_id", "kind", "author", "text", "language", "created_at", "person_id",
                 "person", "_words", "_wordset", "_joined", "_links", "_hits", "keyword_union", "_ts", "_tokens",
                 "_flat", "_any", "keyword_starts")

    def __init__(self, id, account_id, kind, author, text, language, created_at, person_id, person=None):
        self.id, self.account_id, self.kind, self.author, self.text = id, account_id, kind, author, text
        self.language, self.created_at, self.person_id, self.person = language, created_at, person_id, person
        self._words = self._wordset = self._joined = self._links = self._ts = self._tokens = self._flat = None
        self._hits = self._any = _UNSET
        self.keyword_union = frozenset()  # every rule's single words (set by the rule set)
        self.keyword_starts = frozenset()  # those and every phrase's first word

    @property
    def any_keyword(self) -> bool:
        """Whether any keyword condition can match at all (computed once per item)."""
        if self._any is _UNSET:
            self._any = not self.wordset.isdisjoint(self.keyword_starts)
        return self._any

    @property
    def hits(self) -> frozenset | None:
        """The item's words that some rule looks for; computed on first use, so items that
        no keyword condition reaches (no link, wrong kind...) never split their text."""
        if self._hits is _UNSET:
            words, union = self.wordset, self.keyword_union
            self._hits = words & union if not words.isdisjoint(union) else None
        return self._hits

    @property
    def tokens(self) -> list[str]:
        if self._tokens is None:
            self._tokens = text_tokens(self.text)
        return self._tokens

    @property
    def flat(self) -> str:
        """The folded words joined by spaces: what flood compares."""
        if self._flat is None:
            self._flat = " ".join(self.tokens)
        return self._flat

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._words = text_words(self.text)
        return self._words

    @property
    def wordset(self) -> frozenset:
        if self._wordset is None:
            self._wordset = text_wordset(self.tokens)
        return self._wordset

    @property
    def joined(self) -> str:
        """The normalised text with a space at both ends (for phrases and flood)."""
        if self._joined is None:
            self._joined = " " + " ".join(self.words) + " "
        return self._joined

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
            raise RuleError(f"cannot read word list {path}: {exc}") from None
        for name, values in data.items():
            if isinstance(values, list):
                lists.setdefault(f"{path.stem}:{name}", []).extend(map(str, values))
                lists.setdefault(name, []).extend(map(str, values))
    return {name: tuple(values) for name, values in lists.items()}


# -- regular expressions ----------------------------------------------------------------------------------
if sys.version_info >= (3, 11):
    import re._constants as _sre_c
    import re._parser as _sre_p
else:  # pragma: no cover
    import sre_constants as _sre_c
    import sre_parse as _sre_p

_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)} - {None}


def _variable(items) -> bool:
    """Whether a parsed sub-pattern can match strings of different lengths via a repeat."""
    for op, av in items:
        if op in _REPEATS:
            lo, hi, sub = av
            if hi != lo or _variable(sub):
                return True
        elif op == _sre_c.SUBPATTERN:
            if _variable(av[-1]):
                return True
        elif op == _sre_c.BRANCH:
            if any(_variable(b) for b in av[1]):
                return True
    return False


def _nested(items, inside: bool = False) -> str | None:
    """The first repeat of a variable-length thing inside another unbounded repeat."""
    for op, av in items:
        if op in _REPEATS:
            lo, hi, sub = av
            unbounded = hi == _sre_c.MAXREPEAT or hi > 10
            if inside and (hi != lo):
                return "nested"
            if unbounded and (_variable(sub) or _branch_overlap(sub)):
                return "nested"
            found = _nested(sub, inside or unbounded)
            if found:
                return found
        elif op == _sre_c.SUBPATTERN:
            found = _nested(av[-1], inside)
            if found:
                return found
        elif op == _sre_c.BRANCH:
            for branch in av[1]:
                found = _nested(branch, inside)
                if found:
                    return found
    return None


def _branch_overlap(items) -> bool:
    """An alternation repeated as a whole whose branches can start alike, e.g. (a|aa)+."""
    for op, av in items:
        if op == _sre_c.SUBPATTERN:
            return _branch_overlap(av[-1])
        if op == _sre_c.BRANCH:
            firsts = []
            for branch in av[1]:
                if not branch:
                    return True
                first = branch[0]
                if first[0] != _sre_c.LITERAL:
                    return True  # a class or a group: cannot tell, assume the worst
                firsts.append(first[1])
            return len(firsts) != len(set(firsts))
    return False


def compile_regex(pattern: str, ignore_case: bool = True) -> re.Pattern:
    """Compile a rule's pattern or refuse it with a clear message.

    Refused: a pattern that does not compile, and one that can backtrack catastrophically.
    The second is found by inspecting the parsed pattern (re._parser): a repeat of something
    of variable length inside an unbounded repeat ((a+)+, (a*)*, (\\w+\\s?)*), or a repeated
    alternation whose branches start alike ((a|aa)+). Such patterns take exponential time on
    a near-miss input, and a rule runs on every item at ingest.
    """
    if not isinstance(pattern, str) or not pattern:
        raise RuleError("regex: the pattern is empty")
    flags = re.IGNORECASE if ignore_case else 0
    try:
        parsed = _sre_p.parse(pattern, flags)
        compiled = re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(f"regex {pattern!r} does not compile: {exc}") from None
    except RecursionError:
        raise RuleError(f"regex {pattern!r} is nested too deeply") from None
    if _nested(list(parsed)):
        raise RuleError(
            f"regex {pattern!r} refused: it nests a variable-length repeat inside another repeat "
            "(like (a+)+ or (a|aa)*), which backtracks catastrophically on near-miss text; "
            "write the repeat once, e.g. a+ instead of (a+)+")
    return compiled


# -- compiling ----------------------------------------------------------------------------------------------
def _values(spec: dict, key: str, where: str) -> frozenset:
    values = spec.get(key, spec.get("values"))
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise RuleError(f"{where}: '{key}' must be a list of strings")
    return frozenset(values)


def _number(spec: dict, key: str, where: str, default=None, minimum: float = 0):
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise RuleError(f"{where}: '{key}' must be a number ≥ {minimum}")
    return value


class Compiler:
    """Compiles the conditions of a rule set; collects what the engine must prepare per batch."""

    def __init__(self, accounts: dict[str, int] | None = None):
        self.accounts = accounts or {}
        self.keywords: set[str] = set()  # every single-word keyword of every rule
        self.phrase_firsts: set[str] = set()  # the first word of every keyword phrase
        self.needs_people = False
        self.flood_window = 0.0  # seconds; 0 = no flood condition
        self.flood_count = 0
        self.flood_index = None

    def condition(self, spec, where: str):
        if not isinstance(spec, dict) or spec.get("type") not in CONDITION_TYPES:
            kind = spec.get("type") if isinstance(spec, dict) else spec
            raise RuleError(f"{where}: unknown condition {kind!r} (one of: {', '.join(CONDITION_TYPES)})")
        kind = spec["type"]
        return getattr(self, f"_c_{kind}")(spec, f"{where} ({kind})")

    def group(self, specs, match: str, where: str):
        if match not in ("all", "any"):
            raise RuleError(f"{where}: match must be 'all' or 'any', not {match!r}")
        if not isinstance(specs, list) or not specs:
            raise RuleError(f"{where}: a rule needs at least one condition")
        parts = tuple(self.condition(s, f"{where}, condition {n + 1}") for n, s in enumerate(specs))
        if len(parts) == 1:
            return parts[0]
        if match == "all":
            def all_(ctx):
                found = ()
                for part in parts:
                    got = part(ctx)
                    if got is None:
                        return None
                    found += got
                return found
            return all_

        def any_(ctx):
            for part in parts:
                got = part(ctx)
                if got is not None:
                    return got
            return None
        return any_

    def _c_all(self, spec, where):
        return self.group(spec.get("conditions"), "all", where)

    def _c_any(self, spec, where):
        return self.group(spec.get("conditions"), "any", where)

    def _c_keywords(self, spec, where):
        terms = list(spec.get("words", []))
        lists = spec.get("lists", [])
        if not isinstance(terms, list) or not isinstance(lists, list):
            raise RuleError(f"{where}: 'words' and 'lists' must be lists")
        known = word_lists() if lists else {}
        for name in lists:
            if name not in known:
                raise RuleError(f"{where}: no word list {name!r} (known: {', '.join(sorted(known))})")
            terms.extend(known[name])
        if not terms:
            raise RuleError(f"{where}: no words given")
        single: dict[str, str] = {}
        phrases: dict[str, str] = {}
        for term in terms:
            if not isinstance(term, str):
                raise RuleError(f"{where}: every word must be a string")
            folded = keyword(term)
            if not folded:
                continue
            (phrases if " " in folded else single)[folded] = term
        singles = frozenset(single)
        self.keywords |= singles
        phrase_list = tuple((f" {p} ", p) for p in phrases)
        firsts = frozenset(p.split(" ", 1)[0] for p in phrases)  # a phrase is looked for only if its
        #                                                         first word is in the item
        self.phrase_firsts |= firsts

        def keywords(ctx):
            if not ctx.any_keyword:  # (most items: no word any rule looks for, one set test for all)
                return None
            hits = ctx.hits
            found = tuple(single[w] for w in hits & singles) if hits and not hits.isdisjoint(singles) else ()
            if phrase_list and not firsts.isdisjoint(ctx.wordset):
                joined = ctx.joined
                found += tuple(phrases[p] for padded, p in phrase_list if padded in joined)
            return found or None
        return keywords

    def _c_regex(self, spec, where):
        pattern = compile_regex(spec.get("pattern"), bool(spec.get("ignore_case", True)))
        search = pattern.search

        def regex(ctx):
            m = search(ctx.text)
            return (m.group(0),) if m else None
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
            raise RuleError(f"{where}: 'ratio' is a share between 0 and 1")
        min_letters = int(_number(spec, "min_letters", where, default=10, minimum=1))

        def caps(ctx):
            text = ctx.text
            if len(text) < min_letters:
                return None
            if "@" in text or "://" in text:
                text = _MENTION.sub("", _LINK.sub("", text))
            letters = sum(map(str.isalpha, text))
            if letters < min_letters:
                return None
            return () if sum(map(str.isupper, text)) >= ratio * letters else None
        return caps

    def _c_flood(self, spec, where):
        count = int(_number(spec, "count", where, default=3, minimum=2))
        window = float(_number(spec, "minutes", where, default=10, minimum=0.01)) * 60
        self.flood_window = max(self.flood_window, window)
        self.flood_count = max(self.flood_count, count)

        def flood(ctx):  # the engine gives the compiler a FloodIndex for each run (flood_index)
            return () if self.flood_index.count(ctx, window, count - 1) + 1 >= count else None
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
            raise RuleError(f"{where}: unknown kind {sorted(kinds - set(KINDS))} (one of: {', '.join(KINDS)})")
        return lambda ctx: () if ctx.kind in kinds else None

    def _c_account(self, spec, where):
        names = _values(spec, "accounts", where)
        ids = frozenset(self.accounts[n] for n in names if n in self.accounts)
        return lambda ctx: () if ctx.account_id in ids else None

    def _c_language(self, spec, where):
        langs = frozenset(v.lower().split("-")[0] for v in _values(spec, "languages", where))
        return lambda ctx: () if ctx.language and ctx.language.lower().split("-")[0] in langs else None
