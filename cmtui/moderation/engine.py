"""The rules engine: ordered rules of conditions and actions, run on every new item at ingest,
tried on the stored history (dry-run) before they are switched on, and kept as TOML.

A rule is plain data (what the store and the TOML file hold):

    {"name": "spam-links", "enabled": True, "automatic": False, "match": "any",
     "conditions": [{"type": "links", "min": 3}, ...],
     "actions": [{"type": "flag"}, {"type": "label", "label": "spam"}]}

Actions: flag (for review), label, assign (to), done, hide (locally), the platform actions
mute, block, report (comment) — which wait for a moderator's confirmation (a flag "needs
confirmation: mute") unless the rule is automatic — and stop (no later rule runs on the
item). Where one of the database's accounts posts in places (chat rooms) whose platform
can kick and ban, a rule may also kick or ban the author from the item's place (never
unban): the same confirmation, and a flag instead when the account may not do it there. The same rules serve the inbox: a rule with only label/assign/done is an inbox rule.
"""

from __future__ import annotations

import hashlib
import json
import time
from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Sequence

from cmtui.i18n import N_, _
from cmtui.errors import InputError
from cmtui.moderation.actions import (PLATFORM_ACTIONS, check_place, offered_actions, platform_profile,
                                      queue_place_action, queue_platform_action)
from cmtui.moderation.conditions import Compiler, ItemContext, RuleError, Test, _ts
from cmtui.moderation.text import flat
from cmtui.store import Store
from cmtui.store.rules import RuleItem

ACTION_TYPES = ("flag", "label", "assign", "done", "hide", "mute", "block", "report", "stop")
RULE_KEYS = ("name", "enabled", "automatic", "match", "conditions", "actions")
RULE_PLACE_ACTIONS = ("kick", "ban")  # what a rule may do in a place (lifting a ban is a person's call)

__all__ = ["RuleError", "RuleSet", "DryRunResult", "validate_rule", "save_rule", "enable_rule", "delete_rule",
           "reorder_rules", "dry_run", "run_on_new_items", "fingerprint", "ACTION_TYPES", "rule_actions"]


# -- validation -------------------------------------------------------------------------------------------
def rule_actions(store: Store) -> tuple[str, ...]:
    """The actions a rule may take on this database: the fixed ones, and kick and ban when
    the platform of one of its accounts has them (a database without one offers the same
    list as ever)."""
    from cmtui.sync.connectors import profile_for

    offered = {a for account in store.accounts.list() for a in offered_actions(profile_for(account.platform))}
    return ACTION_TYPES + tuple(a for a in RULE_PLACE_ACTIONS if a in offered)


def _validate_actions(actions, where: str, allowed: tuple[str, ...] = ACTION_TYPES) -> None:
    if not isinstance(actions, list) or not actions:
        raise RuleError(_("{where}: a rule needs at least one action").format(where=where))
    for n, action in enumerate(actions, 1):
        kind = action.get("type") if isinstance(action, dict) else action
        if kind not in allowed:
            raise RuleError(_("{where}, action {n}: unknown action {kind} (one of: {known})").format(
                where=where, n=n, kind=repr(kind), known=", ".join(allowed)))
        if kind == "label" and not (isinstance(action.get("label"), str) and action["label"].strip()):
            raise RuleError(_("{where}, action {n}: label needs a 'label'").format(where=where, n=n))
        if kind == "assign" and not (isinstance(action.get("to"), str) and action["to"].strip()):
            raise RuleError(_("{where}, action {n}: assign needs 'to'").format(where=where, n=n))


def validate_rule(rule: dict, accounts: dict[str, int] | None = None,
                  actions: tuple[str, ...] = ACTION_TYPES) -> dict:
    """Check a rule (compiling every condition, regexes included); return it normalised.
    actions: those a rule may take here (rule_actions)."""
    if not isinstance(rule, dict):
        raise RuleError(_("a rule must be a table"))
    name = rule.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RuleError(_("a rule needs a name"))
    # i18n: where a rule's error is, e.g. "rule 'spam', condition 2: no words given"
    where = _("rule {name}").format(name=repr(name))
    unknown = set(rule) - set(RULE_KEYS) - {"id", "position"}
    if unknown:
        raise RuleError(_("{where}: unknown field(s) {fields}").format(where=where, fields=", ".join(sorted(unknown))))
    clean = {"name": name.strip(), "enabled": bool(rule.get("enabled", False)),
             "automatic": bool(rule.get("automatic", False)), "match": rule.get("match", "all"),
             "conditions": rule.get("conditions"), "actions": rule.get("actions")}
    Compiler(accounts).group(clean["conditions"], clean["match"], where)
    _validate_actions(clean["actions"], where, actions)
    clean["actions"] = [a if isinstance(a, dict) else {"type": a} for a in clean["actions"]]
    return clean


def fingerprint(rule: dict) -> str:
    """What a dry-run vouches for: the conditions and their combination (not the actions)."""
    body = json.dumps([rule.get("match", "all"), rule.get("conditions")], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()[:16]


# -- compiled rule sets ----------------------------------------------------------------------------------------
class _Recent:
    """One author's remembered texts, [raw text, time, folded text or None]: in arrival order
    (the oldest arrival is forgotten first) and by time, so a window is two bisections rather
    than a scan of every entry, which ran for every item of an active author."""

    __slots__ = ("arrived", "times", "by_time")

    def __init__(self):
        self.arrived: deque[list] = deque()
        self.times: list[float] = []  # sorted; by_time holds the entries in the same order
        self.by_time: list[list] = []

    def __len__(self) -> int:
        return len(self.arrived)

    def add(self, entry: list, limit: int) -> None:
        at = bisect_right(self.times, entry[1])
        self.times.insert(at, entry[1])
        self.by_time.insert(at, entry)
        self.arrived.append(entry)
        if len(self.arrived) > limit:
            self._forget(self.arrived.popleft())

    def _forget(self, entry: list) -> None:
        at = bisect_left(self.times, entry[1])
        while self.by_time[at] is not entry:  # (past entries of the same time)
            at += 1
        del self.times[at], self.by_time[at]

    def near(self, t: float, window: float) -> list[list]:
        """The entries within window of t (the bisection bounds are a second wider, so no
        rounding can leave one out; the exact test decides)."""
        low = bisect_left(self.times, t - window - 1.0)
        high = bisect_right(self.times, t + window + 1.0)
        return [e for e in self.by_time[low:high] if abs(e[1] - t) <= window]


class FloodIndex:
    """Per-run memory of each author's recent texts (bounded), primed from the store.

    Texts are normalised only when an author has posted often enough within the window for
    a flood to be possible: most authors post once, and folding every text cost more than
    the rest of the rules together."""

    PER_PERSON = 50
    MAX_PEOPLE = 20_000

    def __init__(self, repo):
        self.repo = repo
        self.seen: dict[int, _Recent] = {}  # person id -> remembered texts

    def prime(self, contexts: list[ItemContext], before_id: int, window: float) -> None:
        missing = {c.person_id for c in contexts if c.person_id is not None and c.person_id not in self.seen}
        if not missing:
            return
        if len(self.seen) + len(missing) > self.MAX_PEOPLE:
            self.seen.clear()
        stamps = [c.timestamp for c in contexts]
        since = _iso(min(stamps) - window)
        until = _iso(max(stamps) + window)
        for pid in missing:
            self.seen[pid] = _Recent()
        for pid, text, created in self.repo.recent_texts(sorted(missing), before_id, since, until):
            self._add(pid, text, _ts(created) or 0.0, None)

    def count(self, ctx: ItemContext, window: float, need: int) -> int:
        """How many of the author's remembered texts within window are ctx's text (0 when
        fewer than need texts of any kind are there: no flood is possible)."""
        recent = self.seen.get(ctx.person_id)
        if not recent or len(recent) < need:
            return 0
        near = recent.near(ctx.timestamp, window)
        if len(near) < need:
            return 0
        mine = ctx.flat
        same = 0
        for entry in near:
            if entry[2] is None:
                entry[2] = flat(entry[0])
            same += entry[2] == mine
        return same

    def _add(self, pid, text: str, t: float, folded: str | None) -> None:
        recent = self.seen.get(pid)
        if recent is None:
            recent = self.seen[pid] = _Recent()
        recent.add([text, t, folded], self.PER_PERSON)

    def add(self, ctx: ItemContext) -> None:
        if ctx.person_id is not None:
            self._add(ctx.person_id, ctx.text, ctx.timestamp, ctx._flat)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class CompiledRule:
    rule: dict
    test: Test
    actions: list[dict]
    stop: bool
    gate: int | None = None  # a keyword condition that must hit for the rule to match


class RuleSet:
    """Rules compiled once, in order; evaluate() gives the matching rules of one item."""

    def __init__(self, rules: list[dict], accounts: dict[str, int] | None = None):
        self.compiler = Compiler(accounts)
        self.rules = []
        for rule in rules:
            test = self.compiler.group(rule["conditions"], rule.get("match", "all"), f"rule {rule['name']!r}")
            given = [a if isinstance(a, dict) else {"type": a} for a in rule["actions"]]
            actions = [a for a in given if a.get("type") != "stop"]
            self.rules.append(CompiledRule(rule, test, actions, len(actions) != len(given), test.gate))
        self.keywords = self.compiler.keyword_index
        # Rules are skipped by their keyword gate only when some rule reads every item's words
        # anyway: a rule set whose keywords all sit behind cheaper conditions (a link...) keeps
        # splitting only the items that pass those.
        self.gated = any(r.test.keyword_first for r in self.rules)
        self.ungated = [r for r in self.rules if r.gate is None] if self.gated else self.rules
        self.needs_people = self.compiler.needs_people
        self.flood_window = self.compiler.flood_window

    def __len__(self) -> int:
        return len(self.rules)

    def start(self, repo) -> None:
        """A new run (an ingest session, a dry-run): a fresh flood memory."""
        self.compiler.flood_index = FloodIndex(repo) if self.flood_window else None

    def contexts(self, rows: Sequence[RuleItem], repo, before_id: int) -> list[ItemContext]:
        contexts = [ItemContext(r.id, r.account_id, r.kind, r.author, r.text, r.language, r.created_at, r.person_id)
                    for r in rows]
        if self.needs_people and contexts:
            people = repo.people(c.person_id for c in contexts)
            for c in contexts:
                c.person = people.get(c.person_id)
        if self.flood_window and contexts:
            if self.compiler.flood_index is None:
                self.compiler.flood_index = FloodIndex(repo)  # what start() gives when a rule floods
            self.compiler.flood_index.prime(contexts, before_id, self.flood_window)
        return contexts

    def _candidates(self, ctx: ItemContext) -> list[CompiledRule]:
        """The rules that may match: those whose keyword gate is shut are left out (for most
        items every keyword rule, on one set test)."""
        if not self.gated:
            return self.rules
        hits = ctx.keyword_hits(self.keywords)
        if not hits:
            return self.ungated
        return [r for r in self.rules if r.gate is None or r.gate in hits]

    def evaluate(self, ctx: ItemContext) -> list[tuple[CompiledRule, tuple]]:
        matched = []
        for compiled in self._candidates(ctx):
            found = compiled.test(ctx)
            if found is not None:
                matched.append((compiled, found))
                if compiled.stop:
                    break
        if self.flood_window and self.compiler.flood_index is not None:
            self.compiler.flood_index.add(ctx)
        return matched


# -- actions -------------------------------------------------------------------------------------------------
def _offered(store: Store, item_id: int, cache: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    """The moderation actions of the item's platform: one the platform lacks is left to a
    moderator (flagged), never queued to fail."""
    account_id = store.rules.item(item_id)["account_id"]
    if account_id not in cache:
        cache[account_id] = platform_profile(store, account_id).moderation_actions
    return cache[account_id]


def _refused_here(store: Store, item_id: int, action: str) -> str | None:
    """Why a rule may not kick or ban from this item's place (None: it may)."""
    item = store.inbox.require(item_id)
    if not item["place"]:
        # i18n: why a rule may not kick or ban: the item was not said in a room or channel
        return N_("said in no place")  # stored in the flag's reason in English: describe.flag_reason shows it
    try:
        check_place(store, item, action)
    except InputError as exc:
        return str(exc)
    return None


def apply_matches(store: Store, results: list[tuple[int, list[tuple[CompiledRule, tuple]]]]) -> int:
    """Write what matched rules decided; return how many actions were taken."""
    flags, labels, assigns, done, hide, platform = [], [], [], [], [], []
    offered: dict[int, tuple[str, ...]] = {}  # account id -> its platform's moderation actions
    for item_id, matches in results:
        for compiled, found in matches:
            rule = compiled.rule
            words = sorted(set(found))
            for action in compiled.actions:
                kind = action["type"]
                if kind == "flag":
                    flags.append((item_id, rule.get("id"), rule["name"], f"rule: {rule['name']}", words))
                elif kind == "label":
                    labels.append((item_id, action["label"]))
                elif kind == "assign":
                    assigns.append((item_id, action["to"]))
                elif kind == "done":
                    done.append(item_id)
                elif kind == "hide":
                    hide.append(item_id)
                elif kind in PLATFORM_ACTIONS or kind in RULE_PLACE_ACTIONS:
                    refused = _refused_here(store, item_id, kind) if kind in RULE_PLACE_ACTIONS else None
                    if rule.get("automatic") and kind in _offered(store, item_id, offered) and refused is None:
                        platform.append((item_id, rule, action))
                    else:
                        # stored in English (the flag's reason); describe.flag_reason shows it translated
                        reason = f"{kind} not allowed here: {refused}" if refused else f"needs confirmation: {kind}"  # i18n: not shown
                        flags.append((item_id, rule.get("id"), rule["name"], reason, words))
    for item_id, rule, action in platform:  # an automatic rule: queued as a moderator's decision would be
        comment = action.get("comment", f"rule {rule['name']}")
        if action["type"] in RULE_PLACE_ACTIONS:
            queue_place_action(store, item_id, action["type"], comment, "rules", rule_id=rule.get("id"))
        else:
            queue_platform_action(store, store.rules.item(item_id), action["type"], comment, "rules",
                                  rule_id=rule.get("id"))
    store.rules.apply(flags, labels, assigns, done, hide)
    return len(flags) + len(labels) + len(assigns) + len(done) + len(hide) + len(platform)


class IngestState:
    """What one ingest keeps between batches: the compiled rules and flood memory."""

    def __init__(self):
        self.version = None
        self.ruleset: RuleSet | None = None


def run_on_new_items(store: Store, after_id: int, state: IngestState | None = None,
                     rows: Callable[[], Sequence[RuleItem] | None] | None = None) -> int:
    """Run the enabled rules on the items with id > after_id (a batch just stored); return how
    many actions were taken. `state` carries the compiled rules between batches; `rows`, when
    given, returns those items as the ingest wrote them (called only when some rule is
    enabled; None: read them back). Joins the caller's transaction, so the items and what
    the rules decided land together."""
    state = state or IngestState()
    repo = store.rules
    version = repo.version()
    if state.version != version:
        rules = repo.list(enabled_only=True)
        state.ruleset = RuleSet(rules, repo.account_ids()) if rules else None
        if state.ruleset:
            state.ruleset.start(repo)
        state.version = version
    ruleset = state.ruleset
    if ruleset is None:
        return 0
    items = rows() if rows is not None else None
    if items is None:
        items = repo.items_after(after_id)
    if not items:
        return 0
    results = []
    for ctx in ruleset.contexts(items, repo, after_id):
        matches = ruleset.evaluate(ctx)
        if matches:
            results.append((ctx.id, matches))
    if not results:
        return 0
    return apply_matches(store, results)


# -- saving, enabling, dry-run -------------------------------------------------------------------------------
@dataclass
class DryRunResult:
    total: int
    matched: int
    sample_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    by_account: dict[int, int] = field(default_factory=dict)  # account id -> items caught there


def _rule_data(store: Store, rule) -> dict:
    if isinstance(rule, str):
        found = store.rules.get(rule)
        if found is None:
            raise RuleError(_("no rule named {name}").format(name=repr(rule)))
        return found
    return validate_rule(rule, store.rules.account_ids(), rule_actions(store))


def dry_run(store: Store, rule, progress: Callable[[int, int], None] | None = None, batch: int = 5000,
            samples: int = 50, record: bool = True) -> DryRunResult:
    """Run one rule (a name or rule data) over every stored item without acting on any; report
    how many it would have caught and the first `samples` ids. progress(done, total) is called
    after each batch. When `record`, the result is stamped so the rule may then be enabled."""
    data = _rule_data(store, rule)
    started = time.perf_counter()
    ruleset = RuleSet([data], store.rules.account_ids())
    repo = store.rules
    ruleset.start(repo)
    low, high, total = repo.id_bounds()
    done = matched = 0
    sample_ids: list[int] = []
    by_account: dict[int, int] = {}
    test = ruleset.rules[0].test
    flood = ruleset.flood_window and ruleset.compiler.flood_index
    position = low - 1
    if progress:
        progress(0, total)
    while position < high:
        end = position + batch
        rows = repo.items_between(position, end)
        contexts = ruleset.contexts(rows, repo, position)
        for ctx in contexts:
            if test(ctx) is not None:
                matched += 1
                by_account[ctx.account_id] = by_account.get(ctx.account_id, 0) + 1
                if len(sample_ids) < samples:
                    sample_ids.append(ctx.id)
            if flood:
                flood.add(ctx)
        done += len(rows)
        position = end
        if progress and rows:
            progress(done, total)
    result = DryRunResult(total=done, matched=matched, sample_ids=sample_ids,
                          seconds=time.perf_counter() - started, by_account=by_account)
    if record:
        repo.set_stamp(data["name"], dry_run_stamp(data, result))
    return result


def dry_run_stamp(rule: dict, result: DryRunResult) -> dict:
    """What is recorded of a finished dry-run: the conditions it vouches for, and its counts."""
    return {"fingerprint": fingerprint(rule), "total": result.total, "matched": result.matched,
            "at": _iso(time.time())}


def dry_run_is_current(store: Store, rule: dict) -> bool:
    stamp = store.rules.stamp(rule["name"])
    return stamp is not None and stamp.get("fingerprint") == fingerprint(rule)


def save_rule(store: Store, rule: dict, position: int | None = None) -> int:
    """Validate and store a rule (new or changed, by name). It stays enabled only if it asks to
    be and a dry-run of exactly these conditions was recorded; otherwise it is stored disabled."""
    clean = validate_rule(rule, store.rules.account_ids(), rule_actions(store))
    if clean["enabled"] and not dry_run_is_current(store, clean):
        clean["enabled"] = False
    return store.rules.save(clean, position)


def check_assignees(rule: dict, settings) -> dict:
    """A rule's assign actions name someone on the team (cmtui.team), as the team spells the
    name; RuleError naming the rule otherwise. Checked when a rule is saved, not when it runs."""
    from cmtui.team import resolve

    for n, action in enumerate(rule.get("actions") or [], 1):
        if isinstance(action, dict) and action.get("type") == "assign":
            try:
                action["to"] = resolve(settings, action.get("to") or "")
            except InputError as exc:
                # i18n: where a rule's error is, then what: "rule 'spam', action 2: 'bo' is not on the team ..."
                raise RuleError(_("rule {name}, action {n}: {problem}").format(
                    name=repr(rule.get("name")), n=n, problem=exc)) from None
    return rule


def replace_rule(store: Store, rule: dict, old: dict | None = None, stamp: dict | None = None, *,
                 who: str | None = None, settings=None) -> dict:
    """Store an edited rule (old: the stored rule it was, None for a new one): validated, a
    name taken by another rule refused, a renamed rule kept in its place; all or nothing.
    stamp: a finished dry-run of these very conditions (the editor's preview), recorded with
    it. Returns {"name", "left_off"}: left_off when it asked to be enabled but no current
    dry-run allows it. settings: its assign actions are checked against the team."""
    clean = validate_rule(rule, store.rules.account_ids(), rule_actions(store))
    if settings is not None:
        check_assignees(clean, settings)
    old_name = old["name"] if old is not None else None
    if clean["name"] != old_name and store.rules.get(clean["name"]) is not None:
        raise RuleError(_("a rule named {name} already exists: edit that one, or pick another name").format(
            name=repr(clean["name"])))
    with store.transaction():  # a renamed rule keeps its place; every write or none
        if stamp is not None and stamp.get("fingerprint") == fingerprint(clean):
            store.rules.set_stamp(clean["name"], stamp)
        renamed = old is not None and old_name is not None and clean["name"] != old_name
        save_rule(store, clean, old["position"] if old is not None and renamed else None)
        if old_name is not None and renamed:
            store.rules.delete(old_name)
        store.activity.record(who, "rule.save", f"rule {clean['name']}",  # i18n: not shown
                              {"rule": clean, "was": old_name} if renamed else {"rule": clean})
    stored = store.rules.get(clean["name"]) or {}
    return {"name": clean["name"], "left_off": clean["enabled"] and not stored.get("enabled")}


def enable_rule(store: Store, name: str, enabled: bool = True, *, who: str | None = None) -> None:
    """Switch a rule on (refused without a current dry-run) or off; who: the person deciding
    it, for the team's activity log (None: cmtui's own, not logged)."""
    rule = store.rules.get(name)
    if rule is None:
        raise RuleError(_("no rule named {name}").format(name=repr(name)))
    if enabled and not dry_run_is_current(store, rule):
        raise RuleError(_("rule {name} was not dry-run since its conditions last changed: run a dry-run first").format(
            name=repr(name)))
    with store.transaction():
        store.rules.set_enabled(name, enabled)
        store.activity.record(who, "rule.enable" if enabled else "rule.disable", f"rule {name}")  # i18n: not shown


def delete_rule(store: Store, name: str, *, who: str | None = None) -> bool:
    """Remove a rule; False if there was none by that name."""
    with store.transaction():
        gone = store.rules.delete(name)
        if gone:
            store.activity.record(who, "rule.delete", f"rule {name}")  # i18n: not shown
    return gone


def reorder_rules(store: Store, names: list[str], *, who: str | None = None) -> None:
    """Run the rules in this order (the others after them)."""
    with store.transaction():
        store.rules.reorder(names)
        store.activity.record(who, "rule.reorder", "rules", names)  # i18n: not shown
