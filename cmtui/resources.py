"""Finding the files shipped in data/ (demo community, saved replies, rule lists)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from cmtui.errors import CmtuiError
from cmtui.i18n import _


def data_dir() -> Path:
    candidates = [
        os.environ.get("CMTUI_DATA_DIR"),
        Path(__file__).resolve().parent.parent / "data",  # a source checkout or an editable install
        Path(sys.prefix) / "share" / "cmtui" / "data",  # a wheel install (data-files)
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "demo").is_dir():
            return Path(candidate)
    raise CmtuiError(_("cannot find cmtui's data folder (demo community); reinstall cmtui or set CMTUI_DATA_DIR"))


def load_json(relative: str):
    path = data_dir() / relative
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CmtuiError(_("cannot read {path}: {reason}").format(path=path, reason=exc)) from None
