"""Regular expressions in rules: compiled only when they cannot backtrack catastrophically
(a static check of the parsed pattern: nested or overlapping repeats), and read for what
lets the engine skip them cheaply (the literals every match must contain, the width of a
match that holds no space)."""

from __future__ import annotations

import re
import sys

from cmtui.i18n import _
from cmtui.errors import RuleError

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
        raise RuleError(_("regex: the pattern is empty"))
    flags = re.IGNORECASE if ignore_case else 0
    try:
        parsed = _sre_p.parse(pattern, flags)
        compiled = re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(_("regex {pattern} does not compile: {reason}").format(pattern=repr(pattern), reason=exc)) from None
    except RecursionError:
        raise RuleError(_("regex {pattern} is nested too deeply").format(pattern=repr(pattern))) from None
    if _nested(list(parsed)):
        raise RuleError(_(
            "regex {pattern} refused: it nests a variable-length repeat inside another repeat "
            "(like (a+)+ or (a|aa)*), which backtracks catastrophically on near-miss text; "
            "write the repeat once, e.g. a+ instead of (a+)+").format(pattern=repr(pattern)))
    return compiled


def _best(options: list[frozenset]) -> frozenset | None:
    """The most selective of several requirements: the one whose shortest literal is longest."""
    return max(options, key=lambda lits: min(map(len, lits)), default=None)


def _needs(items) -> frozenset | None:
    """Literals (lower case ASCII) of which every match of a parsed sub-pattern holds at least
    one, or None when no such set is known. Runs of literal characters count (anchors like
    \\b do not break a run), as do a group's, a repeat's taken at least once and, from an
    alternation, one requirement per branch."""
    options: list[frozenset] = []
    run: list[str] = []

    def close_run():
        if run:
            options.append(frozenset(("".join(run),)))
            run.clear()
    for op, av in items:
        if op == _sre_c.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if op == _sre_c.AT:  # an anchor (\b, ^...) matches no character
            continue
        close_run()
        if op == _sre_c.SUBPATTERN:
            found = _needs(av[-1])
        elif op in _REPEATS and av[0] >= 1:
            found = _needs(av[2])
        elif op == _sre_c.BRANCH:
            branches = [_needs(b) for b in av[1]]
            found = None if None in branches else frozenset().union(*filter(None, branches))
        else:
            found = None
        if found:
            options.append(found)
    close_run()
    return _best(options)


def parse(pattern: re.Pattern):
    """A compiled pattern's parse tree, for required_literals and unspaced_width."""
    return _sre_p.parse(pattern.pattern, pattern.flags)


def required_literals(parsed) -> tuple[str, ...] | None:
    """What a parsed pattern's matches must contain (one of these, in lowered() text), so the
    regex is not run on most items; None when nothing is required. Case is ignored here even
    for a case-sensitive pattern: that only lets an item through to the regex, never skips a
    match."""
    found = _needs(parsed)
    return tuple(sorted(found)) if found else None


# What str.split() splits on (the test suite checks the list against str.isspace).
_SPACES = (9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 133, 160, 5760, *range(8192, 8203), 8232, 8233, 8239, 8287, 12288)
# \d and \w (not \S: under (?a) it matches a no-break space, which str.split() splits on).
_SPACELESS_CATEGORIES = {_sre_c.CATEGORY_DIGIT, _sre_c.CATEGORY_WORD}


def _spaceless_set(items) -> bool:
    """Whether a character class ([...]) matches no space."""
    for op, av in items:
        if op == _sre_c.LITERAL:
            if av in _SPACES:
                return False
        elif op == _sre_c.RANGE:
            if any(av[0] <= c <= av[1] for c in _SPACES):
                return False
        elif op != _sre_c.CATEGORY or av not in _SPACELESS_CATEGORIES:
            return False  # a negated class, a class holding \s or \W...
    return True


def _spaceless(items) -> bool:
    """Whether no match of a parsed sub-pattern can hold a space (lookarounds and anchors
    consume nothing; anything unknown, a back-reference too, counts as holding one)."""
    for op, av in items:
        if op == _sre_c.LITERAL:
            ok = av not in _SPACES
        elif op == _sre_c.IN:
            ok = _spaceless_set(av)
        elif op in _REPEATS:
            ok = _spaceless(av[2])
        elif op == _sre_c.SUBPATTERN:
            ok = _spaceless(av[-1])
        elif op == _sre_c.BRANCH:
            ok = all(_spaceless(b) for b in av[1])
        else:
            ok = op in (_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT)
        if not ok:
            return False
    return True


def unspaced_width(parsed) -> int:
    """The shortest match of a parsed pattern that can hold no space (such a match lies within
    one of the text's space-separated pieces: an item whose pieces are all shorter is not
    searched); 0 when a match may hold a space or be empty."""
    return min(parsed.getwidth()[0], sys.maxsize) if _spaceless(parsed) else 0
