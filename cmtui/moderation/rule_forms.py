"""The common rules as a form (no TOML): a kind of rule, its few parameters, the accounts it
watches, and what it does; mapped both ways onto the engine's existing conditions.

    words        keywords {lists, words}                 (the shipped word lists, words typed)
    links        link | links {min} | regex on the link's domain (blocked domains, or every
                 domain but the allowed ones)
    shouting     caps {ratio, min_letters}
    flood        flood {count, minutes}
    new_account  new_account {days}, and a link when asked
    watched      watched                                 (the watch list of the members' pages)

plus, when accounts are named, an account condition; match "all". A rule the form cannot
show exactly (any other shape) is NotFormable: it is edited as TOML. No Textual here: the
dialog reads and writes these values, and the tests check the mapping without a screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Mapping

from cmtui import l10n
from cmtui.i18n import N_, _
from cmtui.errors import RuleError

FORM_KINDS = ("words", "links", "shouting", "flood", "new_account", "watched")
# The form's choices as shown (N_: translated by kind_label / link_mode_label, where shown).
KIND_LABELS = {"words": N_("words in a list"), "links": N_("links"), "shouting": N_("shouting"), "flood": N_("floods"),
               "new_account": N_("new accounts"), "watched": N_("watch list")}
LINK_MODES = ("any", "at_least", "blocked", "allowed")
LINK_MODE_LABELS = {"any": N_("any link"), "at_least": N_("at least N links"), "blocked": N_("a link to a blocked domain"),
                    "allowed": N_("a link to any domain but the allowed ones")}
DETAIL_ACTIONS = {"label": "label", "assign": "to"}  # i18n: not shown (keys)


def kind_label(kind: str) -> str:
    """A kind of rule as the form shows it, in the interface's language ("words in a list")."""
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def link_mode_label(mode: str) -> str:
    """A links rule's choice as the form shows it, in the interface's language ("any link")."""
    return _(LINK_MODE_LABELS[mode]) if mode in LINK_MODE_LABELS else mode  # the actions that carry a value, and its key

# What the engine assumes when a condition leaves a number out (conditions.py).
_DEFAULTS: dict[str, dict] = {"caps": {"ratio": 0.7, "min_letters": 10}, "flood": {"count": 3, "minutes": 10},
             "new_account": {"days": 7}}

# A link (after the scheme, or a bare www.) whose host is one of the domains or a subdomain
# of one (never a longer name that ends alike: the domain starts a label and ends the host);
# allowed: a link whose host is none of them.
_START = r"(?:https?://|\bwww\.)"
_END = r"(?![\w-]|\.[\w-])"
_BLOCKED = _START + r"(?:[\w.-]*\.)?(?:{domains})" + _END
_ALLOWED = _START + r"(?![\w.-]*?(?<![\w-])(?:{domains})" + _END + r")[\w-]"
_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


class NotFormable(RuleError):
    """A rule the form cannot show as it is written: the message says why (edit it as TOML)."""


@dataclass(frozen=True)
class RuleForm:
    """What the form shows. Numbers are the engine's units (caps_ratio a share, 0.8 = 80%)."""

    name: str = ""
    kind: str = "words"
    lists: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    link_mode: str = "any"
    link_min: int = 2
    domains: tuple[str, ...] = ()
    caps_ratio: float = 0.7
    caps_min_letters: int = 10
    flood_count: int = 3
    flood_minutes: float = 10
    new_days: float = 7
    new_with_link: bool = False
    accounts: tuple[str, ...] = ()
    actions: tuple[str, ...] = ("flag",)  # in the rule's order
    label: str = ""
    assign_to: str = ""
    automatic: bool = False
    enabled: bool = False


# -- form -> rule ---------------------------------------------------------------------------------
def _domains_pattern(template: str, domains: tuple[str, ...]) -> str:
    return template.format(domains="|".join(re.escape(d) for d in domains))


def kind_conditions(form: RuleForm) -> list[dict]:
    """The conditions of the form's kind (without the accounts)."""
    kind = form.kind
    if kind == "words":
        condition: dict = {"type": "keywords"}
        if form.lists:
            condition["lists"] = list(form.lists)
        if form.words:
            condition["words"] = list(form.words)
        if len(condition) == 1:
            raise RuleError(_("words: pick a word list or type some words"))
        return [condition]
    if kind == "links":
        if form.link_mode == "any":
            return [{"type": "link"}]
        if form.link_mode == "at_least":
            return [{"type": "links", "min": form.link_min}] if form.link_min > 1 else [{"type": "link"}]
        if form.link_mode not in ("blocked", "allowed"):
            raise RuleError(_("links: unknown choice {choice}").format(choice=repr(form.link_mode)))
        if not form.domains:
            raise RuleError(_("links: name the blocked domains (example.com, shop.example.org)") if form.link_mode == "blocked"
                            else _("links: name the allowed domains (example.com, shop.example.org)"))
        template = _BLOCKED if form.link_mode == "blocked" else _ALLOWED
        return [{"type": "regex", "pattern": _domains_pattern(template, form.domains)}]
    if kind == "shouting":
        return [{"type": "caps", "ratio": form.caps_ratio, "min_letters": form.caps_min_letters}]
    if kind == "flood":
        return [{"type": "flood", "count": form.flood_count, "minutes": form.flood_minutes}]
    if kind == "new_account":
        return [{"type": "new_account", "days": form.new_days}] + ([{"type": "link"}] if form.new_with_link else [])
    if kind == "watched":
        return [{"type": "watched"}]
    raise RuleError(_("unknown kind of rule {kind} (one of: {known})").format(kind=repr(kind), known=", ".join(FORM_KINDS)))


def form_actions(form: RuleForm) -> list[dict]:
    if not form.actions:
        raise RuleError(_("what to do: tick at least one action"))
    actions = []
    for kind in form.actions:
        if kind in DETAIL_ACTIONS:
            value = (form.label if kind == "label" else form.assign_to).strip()
            if not value:
                raise RuleError(_("label: type the label") if kind == "label" else _("assign: type who it goes to"))
            actions.append({"type": kind, DETAIL_ACTIONS[kind]: value})
        else:
            actions.append({"type": kind})
    return actions


def form_to_rule(form: RuleForm, base: dict | None = None) -> dict:
    """The rule the form describes (not yet validated by the engine). base: the rule being
    edited: where the form means what base says, base's wording is kept (a default written
    out, the match of a one-condition rule), so its dry-run still vouches for it."""
    if not form.name.strip():
        raise RuleError(_("the rule needs a name"))
    conditions = kind_conditions(form)
    if form.accounts:
        conditions.append({"type": "account", "accounts": list(form.accounts)})
    rule = {"name": form.name.strip(), "enabled": form.enabled, "automatic": form.automatic, "match": "all",
            "conditions": conditions, "actions": form_actions(form)}
    if base is not None and _same_meaning(rule, base):
        rule["match"], rule["conditions"] = base.get("match", "all"), base["conditions"]
    return rule


# -- rule -> form ---------------------------------------------------------------------------------------
def _explicit(condition):
    """A condition with the engine's defaults written out."""
    if not isinstance(condition, dict):
        return condition
    return {**_DEFAULTS.get(str(condition.get("type")), {}), **condition}


def _meaning(rule: dict) -> tuple:
    conditions = [_explicit(c) for c in rule.get("conditions") or []]
    match = rule.get("match", "all") if len(conditions) > 1 else "all"  # one condition: match is moot
    return match, conditions


def _same_meaning(a: dict, b: dict) -> bool:
    return _meaning(a) == _meaning(b)


def _strings(spec: dict, key: str) -> tuple[str, ...]:
    values = spec.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise NotFormable(_("its {key} are not a list of words").format(key=key))
    return tuple(values)


def _domains_of(pattern: str) -> tuple[str, tuple[str, ...]] | None:
    """(blocked|allowed, domains) when the pattern is one the form writes, else None."""
    for mode, template in (("blocked", _BLOCKED), ("allowed", _ALLOWED)):
        head, tail = template.split("{domains}")
        if pattern.startswith(head) and pattern.endswith(tail) and len(pattern) > len(head) + len(tail):
            middle = pattern[len(head):len(pattern) - len(tail)]
            domains = tuple(re.sub(r"\\(.)", r"\1", d) for d in middle.split("|"))
            if all(_DOMAIN.fullmatch(d) for d in domains) and _domains_pattern(template, domains) == pattern:
                return mode, domains
    return None


def _kind_fields(conditions: list[dict]) -> dict:
    """The form's kind and parameters for a rule's conditions (accounts taken out)."""
    first = conditions[0]
    kind = first.get("type")
    if len(conditions) == 2:
        if kind == "new_account" and conditions[1] == {"type": "link"}:
            return {"kind": "new_account", "new_days": first["days"], "new_with_link": True}
        raise NotFormable(_("it combines conditions the form does not"))
    if kind == "keywords":
        return {"kind": "words", "lists": _strings(first, "lists"), "words": _strings(first, "words")}
    if kind == "link":
        return {"kind": "links", "link_mode": "any"}
    if kind == "links":
        return {"kind": "links", "link_mode": "at_least", "link_min": first.get("min")}
    if kind == "regex":
        found = _domains_of(str(first.get("pattern", "")))
        if found is None:
            raise NotFormable(_("its regular expression is not one of the form's link choices"))
        return {"kind": "links", "link_mode": found[0], "domains": found[1]}
    if kind == "caps":
        return {"kind": "shouting", "caps_ratio": first["ratio"], "caps_min_letters": first["min_letters"]}
    if kind == "flood":
        return {"kind": "flood", "flood_count": first["count"], "flood_minutes": first["minutes"]}
    if kind == "new_account":
        return {"kind": "new_account", "new_days": first["days"]}
    if kind == "watched":
        return {"kind": "watched"}
    raise NotFormable(_("the form has no {kind} condition").format(kind=repr(kind)))


def _action_fields(actions: list) -> dict:
    kinds: list[str] = []
    values: dict[str, str] = {}
    for action in actions:
        action = action if isinstance(action, dict) else {"type": action}
        kind = str(action.get("type"))
        allowed = {"type", DETAIL_ACTIONS[kind]} if kind in DETAIL_ACTIONS else {"type"}
        if set(action) - allowed or kind in kinds:
            raise NotFormable(_("its {kind} action says more than the form can").format(kind=repr(kind)))
        kinds.append(kind)
        if kind in DETAIL_ACTIONS:
            values["label" if kind == "label" else "assign_to"] = str(action.get(DETAIL_ACTIONS[kind], ""))
    return {"actions": tuple(kinds), **values}


def rule_to_form(rule: dict) -> RuleForm:
    """The form for a stored (validated) rule; NotFormable when the form cannot show it exactly."""
    conditions = [_explicit(c) for c in rule.get("conditions") or []]
    if not conditions or not all(isinstance(c, dict) for c in conditions):
        raise NotFormable(_("it has no conditions the form knows"))
    accounts: tuple[str, ...] = ()
    if len(conditions) > 1 and conditions[-1].get("type") == "account":
        accounts = _strings(conditions[-1], "accounts")
        conditions = conditions[:-1]
    if len(conditions) > 1 and rule.get("match", "all") != "all":
        raise NotFormable(_("it matches any of its conditions (the form: all of them)"))
    fields = _kind_fields(conditions) | _action_fields(rule.get("actions") or [])
    form = RuleForm(name=rule["name"], accounts=accounts, automatic=bool(rule.get("automatic")),
                    enabled=bool(rule.get("enabled")), **fields)
    try:
        again = form_to_rule(form, rule)
    except RuleError as exc:
        raise NotFormable(str(exc)) from None
    if _meaning(again) != _meaning(rule) or again["actions"] != [
            a if isinstance(a, dict) else {"type": a} for a in rule["actions"]]:
        raise NotFormable(_("the form would write it differently"))
    return form


def formable(rule: dict) -> str | None:
    """None when the form can show the rule, else why not."""
    try:
        rule_to_form(rule)
    except NotFormable as exc:
        return str(exc)
    return None


def keep_order(selected, before) -> tuple:
    """Selected values (in the list's order) with those that were chosen before first, in
    their order: a rule opened and saved unchanged keeps its lists and actions as written."""
    chosen = tuple(selected)
    return tuple(v for v in before if v in chosen) + tuple(v for v in chosen if v not in before)


def new_rule_name(taken) -> str:
    """new-rule, else new-rule-2, -3...: a name no stored rule has."""
    taken = set(taken)
    n = 1
    while (name := "new-rule" if n == 1 else f"new-rule-{n}") in taken:
        n += 1
    return name


# -- the form's text fields --------------------------------------------------------------------------
def split_terms(text: str) -> tuple[str, ...]:
    """Words or phrases typed one per line or separated by commas."""
    return tuple(t.strip() for t in re.split(r"[,\n]", text) if t.strip())


def split_domains(text: str) -> tuple[str, ...]:
    """Domains typed with commas or spaces; a scheme, www. or a path are taken off."""
    domains = []
    for raw in re.split(r"[\s,]+", text.strip().lower()):
        if not raw:
            continue
        host = re.sub(r"^[a-z]+://", "", raw).split("/", 1)[0].removeprefix("www.")
        if not _DOMAIN.fullmatch(host):
            raise RuleError(_("links: {text} is not a domain name (like example.com)").format(text=repr(raw)))
        domains.append(host)
    return tuple(dict.fromkeys(domains))


def read_number(text: str, what: str, *, minimum: float, maximum: float | None = None,
                whole: bool = False) -> float | int:
    """A number typed in the form (a whole one when `whole`), or RuleError naming the field."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise RuleError(_("{field}: {text} is not a number").format(field=what, text=repr(text.strip()))) from None
    if value != value or value < minimum or (maximum is not None and value > maximum):
        if maximum is not None:
            raise RuleError(_("{field}: must be between {minimum} and {maximum}").format(
                field=what, minimum=l10n.number(minimum), maximum=l10n.number(maximum)))
        raise RuleError(_("{field}: must be at least {minimum}").format(field=what, minimum=l10n.number(minimum)))
    if whole and value != int(value):
        raise RuleError(_("{field}: must be a whole number").format(field=what))
    return int(value) if value == int(value) else value


def number_text(value: float) -> str:
    return f"{value:g}"


def read_fields(values: Mapping[str, object], base: RuleForm | None = None) -> RuleForm:
    """A RuleForm from the dialog's raw values (strings from inputs, bools from checkboxes,
    tuples from selections); RuleError names the first field that cannot be read. Only the
    fields of the chosen kind are read: the others keep base's values."""
    form = base or RuleForm()

    def text(key: str) -> str:
        return str(values.get(key, ""))

    kind = str(values.get("kind", form.kind))
    changes: dict = {"name": text("name").strip(), "kind": kind,
                     "accounts": tuple(values.get("accounts", ()) or ()),  # type: ignore[arg-type]
                     "actions": tuple(values.get("actions", ()) or ()),  # type: ignore[arg-type]
                     "label": text("label").strip(), "assign_to": text("assign_to").strip(),
                     "automatic": bool(values.get("automatic", False))}
    if kind == "words":
        changes |= {"lists": tuple(values.get("lists", ()) or ()),  # type: ignore[arg-type]
                    "words": split_terms(text("words"))}
    elif kind == "links":
        mode = str(values.get("link_mode", "any"))
        changes["link_mode"] = mode
        if mode == "at_least":
            changes["link_min"] = read_number(text("link_min"), _("links: how many"), minimum=2, whole=True)
        if mode in ("blocked", "allowed"):
            changes["domains"] = split_domains(text("domains"))
    elif kind == "shouting":
        changes["caps_ratio"] = read_number(text("caps_percent"), _("shouting: % capitals"), minimum=1,
                                            maximum=100) / 100
        changes["caps_min_letters"] = read_number(text("caps_min_letters"), _("shouting: at least letters"),
                                                  minimum=1, whole=True)
    elif kind == "flood":
        changes["flood_count"] = read_number(text("flood_count"), _("flood: posts"), minimum=2, whole=True)
        changes["flood_minutes"] = read_number(text("flood_minutes"), _("flood: within minutes"), minimum=0.01)
    elif kind == "new_account":
        changes["new_days"] = read_number(text("new_days"), _("new accounts: younger than days"), minimum=0)
        changes["new_with_link"] = bool(values.get("new_with_link", False))
    return replace(form, **changes)


def field_texts(form: RuleForm) -> dict[str, str]:
    """The form's values as the dialog's inputs show them."""
    return {"name": form.name, "words": ", ".join(form.words), "link_min": str(form.link_min),
            "domains": ", ".join(form.domains), "caps_percent": number_text(round(form.caps_ratio * 100, 4)),
            "caps_min_letters": str(form.caps_min_letters), "flood_count": str(form.flood_count),
            "flood_minutes": number_text(form.flood_minutes), "new_days": number_text(form.new_days),
            "label": form.label, "assign_to": form.assign_to}
