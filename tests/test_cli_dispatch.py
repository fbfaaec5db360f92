"""How the command line finds what to run: each command declares, beside its arguments, its
function and whether it only reads or may create a database; nothing is kept in a second list."""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path

import grimp
import pytest

from cmtui.cli import Run, build_parser

ROOT = Path(__file__).resolve().parent.parent

# The reading commands as the README documents them ("A database cmtui cannot write ... still
# serves the reading commands"): `metrics` is the report and the goal list.
DOCUMENTED_READING = {("inbox", "list"), ("calendar", "list"), ("calendar", "export"), ("outbox", "list"),
                      ("account", "list"), ("moderation", "list"), ("moderation", "log"), ("metrics",),
                      ("metrics", "goal", "list"), ("moderation", "rules", "list"), ("moderation", "rules", "export")}
DOCUMENTED_READING |= {("team", "list")}
# "Only the commands that start a community create it": the TUI (no command), account add,
# calendar import, metrics goal add.
DOCUMENTED_CREATING = {(), ("account", "add"), ("calendar", "import"), ("metrics", "goal", "add")}
OWN_FILE = {("demo",), ("generate",), ("doctor",)}  # they open no store: their own file, or read-only


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every command line that runs something: a parser without a required subcommand."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs or not subs[0].required:
        yield path, parser
    for action in subs:
        for name, child in action.choices.items():
            yield from _commands(child, (*path, name))


COMMANDS = dict(_commands(build_parser()))


def test_the_walk_finds_every_command():
    assert len(COMMANDS) == 37 and ("team", "set") in COMMANDS and ("metrics", "goal", "remove") in COMMANDS and ("sync",) in COMMANDS


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(p) or "tui")
def test_every_command_has_a_function_that_exists(path):
    parser = COMMANDS[path]
    func = parser.get_default("func")
    assert callable(func), f"cmtui {' '.join(path)} runs nothing"
    for flag in ("reads_only", "creates", "own_file"):  # else the top level's value would leak in
        assert isinstance(parser.get_default(flag), bool), flag
    if isinstance(func, Run):
        module, _, name = func.target.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), func.target
        assert set(func.uses) <= {"store", "settings", "credentials"} and "store" in func.uses


def _declared(flag: str) -> set[tuple[str, ...]]:
    return {path for path, parser in COMMANDS.items() if parser.get_default(flag)}


def test_reading_and_creating_commands_are_the_documented_ones():
    assert _declared("reads_only") == DOCUMENTED_READING
    assert _declared("creates") == DOCUMENTED_CREATING
    assert _declared("own_file") == OWN_FILE


@pytest.mark.parametrize("argv, reads_only, creates", [
    ([], False, True),
    (["metrics"], True, False),
    (["metrics", "goal", "list"], True, False),
    (["metrics", "goal", "add", "G", "--metric", "posts_per_week", "--target", "3", "--by", "2027-01-01"],
     False, True),
    (["metrics", "goal", "remove", "1"], False, False),
    (["--db", "x.db", "inbox", "list"], True, False),
    (["inbox", "done", "3", "--db", "x.db"], False, False),
])
def test_a_parsed_command_carries_its_own_declaration(argv, reads_only, creates):
    # A subcommand's defaults replace its parents' ones: a nested command is not read as its parent.
    args = build_parser().parse_args(argv)
    assert (args.reads_only, args.creates) == (reads_only, creates)


def test_the_command_line_and_the_demo_import_each_other_in_one_direction_only():
    graph = grimp.build_graph("cmtui")
    for importer, imported in (("cmtui.demo", "cmtui.cli"), ("cmtui.demo_calendar", "cmtui.demo"),
                               ("cmtui.demo_ids", "cmtui.demo"), ("cmtui.demo_moderation", "cmtui.demo")):
        assert graph.find_shortest_chain(importer=importer, imported=imported) is None, (importer, imported)


LAYER_FILES = ["cmtui/cli.py", "cmtui/commands/doctor.py", "cmtui/commands/output.py", "cmtui/demo.py",
               "cmtui/demo_calendar.py", "cmtui/demo_moderation.py", "cmtui/demo_ids.py", "cmtui/generate.py"]
SQL = re.compile(r"\.execute(many|script)?\(|\bPRAGMA\b|\b(INSERT|UPDATE|DELETE)\b\s+\w|\bSELECT\b.+\bFROM\b")


@pytest.mark.parametrize("name", LAYER_FILES)
def test_no_sql_and_no_platform_outside_the_store_and_the_connectors(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert not [line for line in text.splitlines() if SQL.search(line)], "SQL belongs in cmtui/store"
    assert "mastodon" not in text.lower(), "the platform comes from the connector registry"
