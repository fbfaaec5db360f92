"""The key bindings the TUI defines, by id, so a user's keymap can be checked before the
app starts (config.keymap_problem decides what is wrong with it)."""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding


def default_bindings() -> dict[str, tuple[str, str]]:
    """Every binding id of every screen, widget and dialog: id -> (keys, description).
    Imports the whole TUI package: called only when the settings carry a keymap."""
    import cmtui.tui

    found: dict[str, tuple[str, str]] = {}
    for info in pkgutil.walk_packages(cmtui.tui.__path__, "cmtui.tui."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if not (isinstance(obj, type) and obj.__module__ == module.__name__):
                continue
            for binding in obj.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    found.setdefault(binding.id, (binding.key, binding.description or binding.action))
    return found
