"""What command-line tests share: run cmtui's main() and collect what it printed."""

from __future__ import annotations

from cmtui.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
