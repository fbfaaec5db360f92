"""How the TUI is built (issue 14): public Textual API only, no SQL and no storage JSON in
the screens, no import cycles, and dialog callbacks of every shape guarded the same way."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

from textual.screen import ModalScreen

from cmtui.config import Settings
from factory import NOW
from tui_helpers import RecordingApp, wait_for

TUI = Path(__file__).resolve().parent.parent / "cmtui" / "tui"


def tui_sources() -> dict[str, ast.Module]:
    return {str(path.relative_to(TUI)): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(TUI.rglob("*.py"))}


def imported_modules(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


# The one exception, fenced (see its docstring and tests/test_idle.py): the input thread of the
# Textual release it copies, whose idle wait alone costs more than the idle budget.
FENCED = {"quiet_driver.py": ["textual._parser", "textual._xterm_parser"]}


def test_the_tui_uses_no_private_textual_module():
    private = {name: [m for m in imported_modules(tree) if m.startswith("textual._") or "._" in m]
               for name, tree in tui_sources().items()}
    found = {name: modules for name, modules in private.items() if modules}
    assert found == {name: modules for name, modules in FENCED.items() if name in found}
    assert {name for name in found} == set(FENCED)


class Answer(ModalScreen[str]):
    def on_mount(self) -> None:
        self.dismiss("yes")


async def test_dialog_callbacks_of_every_shape_get_their_answer_and_a_store_failure_is_told(store):
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    heard: list = []

    async def later(result: str) -> None:
        heard.append(("async", result))

    def refused(_result: str) -> None:
        raise sqlite3.OperationalError("database is locked")

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for callback in (lambda: heard.append("no argument"), lambda result: heard.append(result), later, refused):
            await app.push_screen(Answer(), callback)
            await pilot.pause()
        assert await wait_for(pilot, lambda: any(n.get("title") == "Not saved" for n in app.notes))
        assert sorted(map(str, heard)) == sorted(map(str, ["no argument", "yes", ("async", "yes")]))
        assert app.is_running


async def test_screens_hear_of_another_connections_writes_by_a_data_changed_message(store):
    """The screen shown gets a DataChanged at once; a mode's screen hidden meanwhile gets one
    when it is shown again, with the same store version."""
    from cmtui.store import Store
    from cmtui.tui.messages import DataChanged
    from cmtui.tui.widgets.inbox_list import InboxList

    heard: list[tuple[str, int]] = []
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)

    def hook(message) -> None:
        if isinstance(message, DataChanged):
            heard.append((app.current_mode, message.version))

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        inbox = app.screen.query_one(InboxList)
        first = inbox.current_row["id"]
        await pilot.press("1")
        await pilot.pause()
        other = Store.open(store.path)
        other.inbox.set_state(first, "done")
        other.close()
        assert await wait_for(pilot, lambda: heard)
        assert heard == [("calendar", 1)] and app.store_version == 1
        await pilot.press("2")
        assert await wait_for(pilot, lambda: len(heard) == 2)
        assert heard[1] == ("inbox", 1) and inbox.current_row["id"] != first


def test_the_tui_runs_no_sql_of_its_own():
    """Every statement lives in cmtui/store: no connection used from the TUI."""
    found = {}
    for name, tree in tui_sources().items():
        uses = [node.attr for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and node.attr in ("conn", "execute", "executemany", "executescript")]
        if uses:
            found[name] = uses
    assert found == {}


def test_no_import_cycle_inside_the_tui():
    """Lazy imports count too (grimp reads every import statement); only imports for the
    type checker are left out."""
    import grimp

    graph = grimp.build_graph("cmtui", exclude_type_checking_imports=True)
    tui = sorted(m for m in graph.modules if m.startswith("cmtui.tui"))
    cycles = {tuple(sorted((module, imported))) for module in tui
              for imported in graph.find_modules_directly_imported_by(module)
              if imported.startswith("cmtui.tui") and graph.find_shortest_chain(importer=imported, imported=module)}
    assert cycles == set()


def test_screens_get_storage_json_decoded_from_the_repositories():
    found = {}
    for name, tree in tui_sources().items():
        calls = [node.func for node in ast.walk(tree) if isinstance(node, ast.Call)]
        decoding = [ast.unparse(f) for f in calls if ast.unparse(f) in ("loads", "json.loads")]
        if decoding:
            found[name] = decoding
    assert found == {}


def test_the_repositories_decode_labels_matched_words_and_attached_posts(store):
    store.conn.execute("UPDATE inbox_items SET labels = '[\"bug\",\"vip\"]' WHERE id = 1")
    store.conn.execute("UPDATE inbox_items SET labels = 'not json' WHERE id = 2")
    assert store.inbox.labels(1) == ["bug", "vip"] and store.inbox.labels(2) == [] == store.inbox.labels(10**9)
    flag = store.moderation.add_flag(3, "a word", rule="words", matched=["spam", "scam"])
    assert store.moderation.matched(flag) == ["spam", "scam"] and store.moderation.matched(10**9) == []
    account = store.accounts.list()[0].id
    store.conn.execute("INSERT INTO platform_reports (account_id, remote_id, target_acct, status_ids, created_at)"
                       " VALUES (?, 'r1', 'troll', '[\"11\",\"12\"]', '2026-11-20T10:00:00Z')", (account,))
    report = store.conn.execute("SELECT id FROM platform_reports WHERE remote_id = 'r1'").fetchone()[0]
    assert store.reports.status_ids(report) == ["11", "12"] and store.reports.status_ids(10**9) == []


CMTUI = TUI.parent


def typed_layer_sources() -> dict[str, ast.Module]:
    """The TUI and the core packages that read the store for it (metrics, triage)."""
    paths = [*TUI.rglob("*.py"), *(CMTUI / "metrics").rglob("*.py"), *(CMTUI / "triage").rglob("*.py"),
             CMTUI / "saved_replies.py", CMTUI / "model.py", CMTUI / "config.py"]
    return {str(p.relative_to(CMTUI)): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(paths)}


def test_store_and_settings_parameters_are_annotated():
    expected = {"store": "Store", "reader": "Store", "settings": "Settings"}
    bare = [f"{name}:{node.lineno} {node.name}({arg.arg})" for name, tree in typed_layer_sources().items()
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for arg in [*node.args.args, *node.args.kwonlyargs]
            if arg.arg in expected and (arg.annotation is None or expected[arg.arg] not in ast.unparse(arg.annotation))]
    assert bare == []


def test_each_constant_has_one_copy():
    """A module-level constant (a tuple, a string) is written once; the others import it."""
    copies: dict[str, list[str]] = {}
    for name, tree in typed_layer_sources().items():
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.Constant)):
                value = ast.unparse(node.value)
                if len(value) > 8:
                    copies.setdefault(value, []).append(f"{name}:{ast.unparse(node.targets[0])}")
    assert {value: where for value, where in copies.items() if len(where) > 1} == {}


def test_screens_and_dialogs_take_their_look_from_stylesheets():
    """DEFAULT_CSS only for self-contained widgets (and the frame every dialog shares); a screen
    or dialog has its rules in app.tcss or in the stylesheet beside its module."""
    own_css = [f"{name}: {node.name}" for name, tree in tui_sources().items()
               if name.startswith(("screens/", "dialogs/"))
               for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name != "Dialog"
               and any(isinstance(s, ast.Assign) and ast.unparse(s.targets[0]) == "DEFAULT_CSS" for s in node.body)]
    assert own_css == []


def test_each_stylesheet_beside_a_module_is_read_by_its_screens():
    """A .tcss beside a screen's or dialog's module is its CSS_PATH (read when the screen is
    first shown), it exists, and every class it styles names it."""
    import importlib
    import re

    from textual.screen import Screen

    for sheet in [*TUI.glob("screens/*.tcss"), *TUI.glob("dialogs/*.tcss")]:
        module = importlib.import_module(f"cmtui.tui.{sheet.parent.name}.{sheet.stem}")
        styled = set(re.findall(r"(?m)^([A-Z][A-Za-z]+)[ .>#]", sheet.read_text()))
        assert styled, sheet
        for name in styled:
            cls = getattr(module, name)
            assert issubclass(cls, Screen) and Path(cls.CSS_PATH) == sheet, (sheet, name)


def test_every_enum_of_the_model_is_used():
    import enum

    import cmtui.model

    enums = [name for name, value in vars(cmtui.model).items()
             if isinstance(value, type) and issubclass(value, enum.Enum) and value.__module__ == "cmtui.model"]
    sources = [p.read_text(encoding="utf-8") for p in CMTUI.rglob("*.py") if p.name != "model.py"]
    assert [name for name in enums if not any(name in source for source in sources)] == []
