"""Keeps the translation catalogs in step with the code (a developer's and translator's tool;
the app itself only reads the compiled `.mo` files through cmtui.i18n).

    python -m cmtui.locale_tools update        # code -> cmtui.pot -> every .po -> .mo
    python -m cmtui.locale_tools new LANG      # start LANG.po from the template, then update
    python -m cmtui.locale_tools missing LANG  # what LANG still lacks, as JSON to fill in
    python -m cmtui.locale_tools fill FILE     # put translations from such a JSON into the .po
    python -m cmtui.locale_tools check         # problems: missing, stale, untranslated, fields
    python -m cmtui.locale_tools unmarked FILE...  # user-facing text not marked for translation
    python -m cmtui.locale_tools merge BASE OURS THEIRS  # git's merge driver for .po/.pot files
"""

from __future__ import annotations

import ast
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cmtui.i18n import DOMAIN, LOCALE_DIR

PACKAGE_DIR = LOCALE_DIR.parent
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
MARKERS = frozenset(KEYWORDS)
# Fixed dates in the headers: the files change when the messages do, not each time they are written.
_STAMP = datetime(2026, 12, 3, tzinfo=timezone.utc)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    return sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def extract():
    """The catalog of every marked message in the package's code."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="cmtui", domain=DOMAIN, creation_date=_STAMP, revision_date=_STAMP,
                      charset="utf-8")
    found = extract_from_dir(str(PACKAGE_DIR), method_map=[("**.py", "python")], keywords=KEYWORDS,
                             comment_tags=("i18n:",), strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(f"cmtui/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def read(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name if path.suffix == ".po" else None,
                       domain=DOMAIN)


def write(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    catalog.creation_date = catalog.revision_date = _STAMP
    catalog.fuzzy = False  # a fuzzy header is left out of the .mo, and with it the plural rule
    buffer = io.BytesIO()
    write_po(buffer, catalog, sort_output=True, include_lineno=False, ignore_obsolete=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def compiled(catalog) -> bytes:
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    template = extract()
    write(template, TEMPLATE)
    for language in languages():
        path = po_path(language)
        catalog = read(path)
        catalog.update(template, no_fuzzy_matching=True)
        write(catalog, path)
        path.with_suffix(".mo").write_bytes(compiled(read(path)))


def new(language: str) -> None:
    from babel.messages.catalog import Catalog

    path = po_path(language)
    if path.exists():
        raise SystemExit(f"{path} exists")
    write(Catalog(locale=language, project="cmtui", domain=DOMAIN, charset="utf-8", version="",
                  last_translator="cmtui <translations>", language_team=language), path)
    update()


def merge(base: Path, ours: Path, theirs: Path) -> None:
    """Both sides' messages in ours (git merge driver: two branches adding messages to one
    catalog do not conflict). A translation only one side changed since base is that side's;
    changed on both, ours stays. The next `update` drops what the code no longer uses."""
    mine, other, common = read(ours), read(theirs), read(base)
    for message in other:
        if not message.id:
            continue
        kept = mine.get(message.id, context=message.context)
        before = common.get(message.id, context=message.context)
        if kept is None:
            mine[message.id] = message
        elif (_untranslated(kept) and not _untranslated(message)) or (
                before is not None and kept.string == before.string and message.string != before.string):
            kept.string = message.string
            kept.flags.discard("fuzzy")
    write(mine, ours)


def _key(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def _untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings) or message.fuzzy


def missing(language: str) -> list[dict]:
    """The untranslated messages of a language, in the shape `fill` reads."""
    rows = []
    catalog = read(po_path(language))
    for message in catalog:
        if not message.id or not _untranslated(message):
            continue
        row: dict = {"id": message.id[0] if isinstance(message.id, tuple) else message.id}
        if message.context:
            row["ctx"] = message.context
        if isinstance(message.id, tuple):
            row["plural"] = message.id[1]
        row[language] = [""] * catalog.num_plurals if isinstance(message.id, tuple) else ""
        rows.append(row)
    return rows


def fill(rows: Iterable[dict]) -> int:
    """Put translations in: rows of {"id", optional "ctx", and per language a string (a list
    of the language's plural forms for a plural message)}. Returns how many were set."""
    rows = list(rows)
    count = 0
    for language in languages():
        path = po_path(language)
        catalog = read(path)
        changed = False
        for row in rows:
            if language not in row:
                continue
            message = catalog.get(row["id"], context=row.get("ctx"))
            if message is None:
                raise SystemExit(f"{language}: no message {row['id']!r} (run update first)")
            value = row[language]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
            changed = True
            count += 1
        if changed:
            write(catalog, path)
            path.with_suffix(".mo").write_bytes(compiled(read(path)))
    return count


_FIELD = re.compile(r"(?<!\{)\{([^{}]*)\}")


def fields(text: str) -> set[str]:
    """The named fields of a message ({name}, {n:,}): a translation must keep the same ones."""
    return {match.group(1).split(":")[0].split("!")[0] for match in _FIELD.finditer(text)}


def check() -> list[str]:
    """Every problem of the catalogs against the code, one line each (empty: all well)."""
    problems = []
    used = {_key(message) for message in extract() if message.id}
    for language in languages():
        path = po_path(language)
        catalog = read(path)
        have = {_key(message) for message in catalog if message.id}
        problems += [f"{language}: missing {key!r} (run update)" for key in sorted(used - have)]
        problems += [f"{language}: stale {key!r} (run update)" for key in sorted(have - used)]
        if not any(name == "Plural-Forms" for name, _ in catalog.mime_headers):
            problems.append(f"{language}: no Plural-Forms header")
        for message in catalog:
            if not message.id:
                continue
            key = _key(message)
            if _untranslated(message):
                problems.append(f"{language}: untranslated {key!r}")
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
                problems.append(f"{language}: {key!r} has {len(strings)} plural forms, not {catalog.num_plurals}")
            for string in strings:
                if fields(string) - fields(ids[-1]) - fields(ids[0]) or fields(ids[0]) - fields(string) - {"n"}:
                    problems.append(f"{language}: the fields of {key!r} differ in {string!r}")
        compiled_now = compiled(catalog)
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled_now:
            problems.append(f"{language}: {mo.name} is not compiled from its .po (run update)")
    if TEMPLATE.exists():
        template = {_key(message) for message in read(TEMPLATE) if message.id}
        if template != used:
            problems.append(f"{TEMPLATE.name} is not the code's messages (run update)")
    else:
        problems.append(f"no {TEMPLATE.name} (run update)")
    return problems


# -- text not marked for translation ------------------------------------------------------

# Calls whose string arguments are never shown: ids, selectors, patterns, SQL, keys.
_QUIET_CALLS = frozenset({
    "query", "query_one", "query_children", "add_class", "remove_class", "set_class", "has_class",
    "toggle_class", "get_component_rich_style", "compile", "match", "fullmatch", "search", "sub",
    "split", "execute", "executemany", "getattr", "setattr", "hasattr", "startswith", "endswith",
    "replace", "strip", "lstrip", "rstrip", "join", "get", "pop", "setdefault", "Path", "open",
    "isinstance", "debug", "info", "warning", "error", "exception", "log", "partition", "rpartition",
    "encode", "decode", "format_skeleton", "strftime", "strptime", "fromisoformat", "environ",
    "import_module", "run_action", "action", "post_message", "set_interval", "set_timer",
    "check_action", "bind", "Style", "parse", "loads", "dumps", "removeprefix", "removesuffix",
    "index", "count", "find", "Binding",
})
_QUIET_KEYWORDS = frozenset({"id", "classes", "name", "variant", "action", "group", "key", "style",
                             "key_display", "id_", "end", "sep", "mode", "encoding", "errors",
                             "justify", "overflow", "format", "metavar", "dest", "choices", "type"})
_STYLE_WORDS = frozenset("bold dim italic underline reverse strike blink on not link none default black red green "
                         "yellow blue magenta cyan white bright grey gray orange".split())
_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WITH|PRAGMA|REPLACE|FROM|WHERE|AND|OR|ORDER|"
                  r"JOIN|LEFT|ON|GROUP|LIMIT|SET|VALUES|BEGIN|COMMIT|END)\b")
_WORDS = re.compile(r"[^\W\d_]{2,}(?:\s+[^\W\d_]+)+|^[A-Z][a-z]{2,}[.!?…:]?$")


@dataclass(frozen=True)
class Unmarked:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def unmarked(path: Path) -> Iterator[Unmarked]:
    """Strings in path that read like words to a person but go through no marker. A line whose
    comment says `i18n: not shown` (a value, an id, a protocol word) is left alone."""
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    quiet: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            quiet.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call) and (_call_name(node) in MARKERS or _call_name(node) in _QUIET_CALLS):
            quiet.update(id(child) for child in ast.walk(node)
                         if _call_name(node) in MARKERS or child in node.args[:1] or _call_name(node) == "Binding")
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in _QUIET_KEYWORDS:
                    quiet.update(id(child) for child in ast.walk(keyword.value))
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith("CSS") for t in node.targets):
            quiet.update(id(child) for child in ast.walk(node.value))
        if isinstance(node, (ast.Subscript, ast.Compare)):
            quiet.update(id(child) for child in ast.walk(node.slice if isinstance(node, ast.Subscript) else node))
        if isinstance(node, ast.Dict):
            quiet.update(id(child) for key in node.keys if key is not None for child in ast.walk(key))
    for node in ast.walk(tree):
        if id(node) in quiet:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(part.value for part in node.values
                           if isinstance(part, ast.Constant) and isinstance(part.value, str))
            quiet.update(id(part) for part in node.values)
        else:
            continue
        if not _WORDS.search(text.strip()) or set(re.findall(r"[a-z]+", text.lower())) <= _STYLE_WORDS \
                or _SQL.match(text):
            continue
        line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
        if "i18n: not shown" in line:
            continue
        yield Unmarked(str(path), node.lineno, text)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command, rest = (args[0], args[1:]) if args else ("", [])
    if command == "update":
        update()
    elif command == "new" and len(rest) == 1:
        new(rest[0])
    elif command == "missing" and len(rest) == 1:
        json.dump(missing(rest[0]), sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif command == "fill" and len(rest) == 1:
        print(f"{fill(json.loads(Path(rest[0]).read_text()))} translations set")
    elif command == "merge" and len(rest) == 3:
        merge(Path(rest[0]), Path(rest[1]), Path(rest[2]))
    elif command == "check":
        problems = check()
        print("\n".join(problems) or "the catalogs match the code")
        return 1 if problems else 0
    elif command == "unmarked" and rest:
        found = [str(hit) for name in rest for hit in unmarked(Path(name))]
        print("\n".join(found) or "every shown string is marked")
        return 1 if found else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
