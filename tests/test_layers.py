"""The import contracts in pyproject.toml ([tool.importlinter]) hold for the whole package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In a process of its own: import-linter configures logging with dictConfig, which would
# silence the loggers of the tests that run after it in the same worker.
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True))")


def test_the_layers_import_contracts_hold():
    result = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_store_is_forbidden_every_domain_package():
    """The contract that keeps the store a store names every domain package of the tree (a new
    one must be added to it), so a store module importing one breaks the run above."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    store = [c for c in contracts if c["type"] == "forbidden" and c["source_modules"] == ["cmtui.store"]]
    assert len(store) == 1
    domain = {"cmtui.moderation", "cmtui.planning", "cmtui.metrics", "cmtui.sync", "cmtui.compose",
              "cmtui.triage", "cmtui.saved_replies"}
    packages = {f"cmtui.{p.name}" for p in (ROOT / "cmtui").iterdir() if (p / "__init__.py").exists()}
    modules = packages | {f"cmtui.{p.stem}" for p in (ROOT / "cmtui").glob("*.py")}
    assert domain <= modules
    # Every package but the store and the layers above the core (checked by the other contract).
    assert packages - {"cmtui.store", "cmtui.tui", "cmtui.commands"} <= set(store[0]["forbidden_modules"])
    assert domain <= set(store[0]["forbidden_modules"])


def test_sql_lives_in_the_store():
    """No module outside cmtui/store touches the connection: the domain (moderation actions,
    the calendar lifecycle, the sync engine and what it records), the commands, the CLI, the
    demo and the screens go through repository methods."""
    import ast

    offenders = []
    for path in sorted((ROOT / "cmtui").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        parts = path.relative_to(ROOT / "cmtui").parts
        if parts[0] == "store":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("conn", "execute", "executemany", "executescript"):
                offenders.append(f"{relative}:{node.lineno} .{node.attr}")
    assert offenders == []


def test_every_module_outside_the_connectors_is_kept_from_the_platform_packages():
    """The contract that keeps a platform's package behind the registry lists every module of
    the tree outside sync/connectors (a new one must be added to it), and every platform
    package of the registry."""
    import tomllib

    from cmtui.sync.connectors import REGISTRY

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    [contract] = [c for c in contracts if c["name"].startswith("a platform's package")]
    top = {f"cmtui.{p.name}" for p in (ROOT / "cmtui").iterdir() if (p / "__init__.py").exists()} - {"cmtui.sync"}
    top |= {f"cmtui.{p.stem}" for p in (ROOT / "cmtui").glob("*.py")} - {"cmtui.__init__"}
    top |= {f"cmtui.sync.{p.stem}" for p in (ROOT / "cmtui/sync").glob("*.py")} - {"cmtui.sync.__init__"}
    assert top <= set(contract["source_modules"]), top - set(contract["source_modules"])
    # "cmtui.sync.connectors.<platform>[.module]:Class" -> the platform's package
    packages = {".".join(target.partition(":")[0].split(".")[:4]) for target in REGISTRY.values()}
    assert packages <= set(contract["forbidden_modules"]), packages
