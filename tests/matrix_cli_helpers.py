"""What the Matrix end-to-end tests share: cmtui's command line run in-process on a test
database, and what it left behind (the accounts, the credentials file, the inbox)."""

from __future__ import annotations

import io
import json
import os
import tomllib
from pathlib import Path

import pytest

from cmtui.cli import main


class Cli:
    def __init__(self, db: Path, capsys, monkeypatch):
        self.db, self.capsys, self.monkeypatch = db, capsys, monkeypatch

    def __call__(self, *argv: str, stdin: str = "", env: dict | None = None) -> tuple[int, str, str]:
        self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        for name, value in (env or {}).items():
            self.monkeypatch.setenv(name, value)
        self.capsys.readouterr()
        code = main([*argv, "--db", str(self.db)])
        out, err = self.capsys.readouterr()
        return code, out, err

    def add(self, name: str, server, user, *flags: str) -> tuple[int, str, str]:
        """`account add matrix NAME` with the user's access token in a variable."""
        return self("account", "add", "matrix", name, "--instance", server.base_url, "--user", user.user_id,
                    "--token-env", "CMTUI_MATRIX_TOKEN", *flags, env={"CMTUI_MATRIX_TOKEN": user.access_token})

    def json(self, *argv: str):
        code, out, err = self(*argv, "--json")
        assert code == 0, err
        return json.loads(out)

    def inbox(self) -> list[dict]:
        return self.json("inbox", "list", "--state", "all")


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> Cli:
    return Cli(tmp_path / "matrix.db", capsys, monkeypatch)


def credentials() -> dict:
    path = Path(os.environ["CMTUI_CONFIG_DIR"]) / "credentials.toml"
    return tomllib.loads(path.read_text()).get("accounts", {}) if path.exists() else {}
