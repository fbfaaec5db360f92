"""Settings, paths and the credentials file."""

from __future__ import annotations

import os
import stat

import pytest

from cmtui.config import Credentials, Settings, config_dir, default_db_path, load_settings
from cmtui.errors import ConfigError


def test_defaults_without_a_settings_file(tmp_path):
    settings = load_settings(tmp_path)
    assert settings == Settings()
    assert settings.response_target_minutes == 120 and settings.sync_interval_seconds == 60
    assert settings.posting_slots["mon"] == ["09:30", "13:00", "17:30"] and settings.posting_slots["sun"] == []


def test_settings_file_is_read(tmp_path):
    (tmp_path / "settings.toml").write_text(
        'timezone = "Europe/Madrid"\nresponse_target_minutes = 60\napproval_required = true\n'
        'approvers = ["ana"]\n[keymap]\n"app.metrics" = "m"\n[posting_slots]\nsat = ["11:00"]\n'
    )
    settings = load_settings(tmp_path)
    assert settings.timezone == "Europe/Madrid" and settings.tzinfo().key == "Europe/Madrid"
    assert settings.approval_required and settings.approvers == ["ana"]
    assert settings.keymap == {"app.metrics": "m"} and settings.posting_slots == {"sat": ["11:00"]}


@pytest.mark.parametrize("content, message", [
    ("timezone = ", "not valid TOML"),
    ("colour = 'blue'", "unknown setting 'colour'"),
    ("response_target_minutes = 'soon'", "must be int"),
    ("approval_required = 1", "must be bool"),
    ("timezone = 'Mars/Olympus'", "unknown timezone"),
    ("a = 1\nb = 2", "unknown settings 'a', 'b'"),
    ("http_timeout_seconds = -5", "must be a positive number"),
    ("[keymap]\n'inbox.done' = 4", "keymap"),
    ("[posting_slots]\nmon = ['25:00']", "HH:MM"),
    ("default_language = 'english'", "two or three letters"),
    ("response_target_minutes = \n", "line 1"),
])
def test_bad_settings_give_a_clear_error(tmp_path, content, message):
    (tmp_path / "settings.toml").write_text(content)
    with pytest.raises(ConfigError, match=message) as exc:
        load_settings(tmp_path)
    assert str(tmp_path / "settings.toml") in str(exc.value)


def test_a_new_post_s_language_is_the_setting_else_the_system_s(tmp_path, monkeypatch):
    (tmp_path / "settings.toml").write_text("default_language = 'SL'")
    assert load_settings(tmp_path).post_language() == "sl"
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "de_AT.UTF-8")
    assert Settings().post_language() == "de"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert Settings().post_language() is None  # no language: the field stays empty


def test_credentials_file_has_mode_0600_and_round_trips(tmp_path):
    creds = Credentials(tmp_path / "cfg")
    creds.set("main", "s3cret-token")
    mode = stat.S_IMODE(os.stat(creds.path).st_mode)
    assert mode == 0o600
    assert Credentials(tmp_path / "cfg").get("main") == "s3cret-token"
    creds.remove("main")
    assert creds.get("main") is None


def test_bad_credentials_file_does_not_echo_its_content(tmp_path):
    path = tmp_path / "credentials.toml"
    path.write_text('[accounts.main]\ntoken = "abc123secret\n')
    with pytest.raises(ConfigError) as exc:
        Credentials(tmp_path).get("main")
    assert "abc123secret" not in str(exc.value)


def test_paths_follow_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CMTUI_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("CMTUI_DB", str(tmp_path / "x.db"))
    assert config_dir() == tmp_path / "c" and default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("CMTUI_DB")
    assert default_db_path().name == "cmtui.db"


def test_credentials_readable_by_others_are_fixed_and_reported(tmp_path):
    told = []
    creds = Credentials(tmp_path, warn=told.append)
    creds.set("main", "s3cret-token")
    os.chmod(creds.path, 0o640)
    assert creds.get("main") == "s3cret-token"
    assert stat.S_IMODE(os.stat(creds.path).st_mode) == 0o600
    assert len(told) == 1 and "0640" in told[0] and "fixed to 0600" in told[0] and "s3cret" not in told[0]
    creds.get("main")
    assert len(told) == 1  # once fixed, quiet


def test_credentials_symlink_is_refused(tmp_path):
    target = tmp_path / "target.toml"
    target.write_text('[accounts.main]\ntoken = "abc"\n')
    (tmp_path / "credentials.toml").symlink_to(target)
    creds = Credentials(tmp_path)
    with pytest.raises(ConfigError, match="symbolic link"):
        creds.get("main")
    with pytest.raises(ConfigError, match="symbolic link"):
        creds.check()


def test_a_database_carries_settings_laid_over_the_users_own(tmp_path, capsys):
    """The demo's team and approvers live in its database: every command on that file sees
    them, and the user's settings file is neither needed nor written."""
    from cli_helpers import run
    from cmtui.config import with_database_settings
    from cmtui.store import Store

    mine = Settings(timezone="UTC", teammates=["ana"])
    layered = with_database_settings(mine, {"user": "nina", "teammates": ["nina", "jure"]}, "x.db")
    assert (layered.user, layered.teammates, layered.timezone) == ("nina", ["nina", "jure"], "UTC")
    assert mine.teammates == ["ana"]  # a copy
    with pytest.raises(ConfigError, match="x.db.*approvers"):
        with_database_settings(mine, {"approvers": "nina"}, "x.db")
    with pytest.raises(ConfigError, match="unknown setting"):
        with_database_settings(mine, {"colour": "red"}, "x.db")

    path = tmp_path / "team.db"
    store = Store.open(path)
    store.accounts.add("tidewater", "mastodon", "https://social.tidewater.example", offline=True)
    store.set_database_settings({"user": "nina"})
    store.close()
    code, _, err = run(capsys, "post", "add", "hello", "--account", "tidewater", "--draft", "--db", str(path))
    assert code == 0, err
    store = Store.open(path)
    assert store.conn.execute("SELECT created_by FROM calendar_entries").fetchone()[0] == "nina"
    store.close()
    assert not (config_dir() / "settings.toml").exists()


# -- the keymap ----------------------------------------------------------------------------------
BINDINGS = {"app.metrics": ("4", "Metrics"), "inbox.done": ("e", "Done"), "inbox.snooze": ("s", "Snooze"),
            "moderation.mute": ("m", "Mute"), "composer.keep": ("escape", "Keep draft"),
            "inbox.back": ("escape", "Back"), "calendar.approve": ("a", "Approve")}


@pytest.mark.parametrize("keymap, problem", [
    ({"inbox.done": "d"}, None),
    ({"inbox.done": "d,x", "calendar.approve": "d"}, None),  # two screens: never active at once
    ({"inbox.done": "s"}, "key 's' is bound to both inbox.done (Done) and inbox.snooze (Snooze)"),
    ({"inbox.done": "d", "inbox.snooze": "x,d"}, "key 'd' is bound to both inbox.done (Done) and inbox.snooze"),
    ({"app.metrics": "m"}, "key 'm' is bound to both app.metrics (Metrics) and moderation.mute (Mute)"),
    ({"composer.keep": "e"}, "key 'e' is bound to both composer.keep (Keep draft) and inbox.done (Done)"),
    ({"inbox.dnoe": "d"}, "unknown binding id 'inbox.dnoe'"),
])
def test_a_keymap_giving_one_key_two_actions_is_refused(keymap, problem):
    from cmtui.config import keymap_problem

    found = keymap_problem(keymap, BINDINGS)
    assert (found is None) if problem is None else problem in found
    assert keymap_problem({}, BINDINGS) is None  # defaults that shadow on purpose (escape) are fine


def test_the_tui_refuses_a_conflicting_keymap_at_start_in_one_line(db, tmp_path):
    import subprocess
    import sys

    config = tmp_path / "home" / "config" / "cmtui"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.toml").write_text('[keymap]\n"inbox.done" = "s"\n')
    env = {**os.environ, "CMTUI_CONFIG_DIR": str(config), "TERM": "dumb"}
    done = subprocess.run([sys.executable, "-m", "cmtui", "--db", db], env=env, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(config / "settings.toml") in lines[0] and "'s'" in lines[0]
    assert "inbox.done (Done)" in lines[0] and "inbox.snooze (Snooze)" in lines[0]
    assert done.stdout == ""  # refused before the screen was taken


def test_a_keymap_may_keep_a_key_two_bindings_share_by_default():
    from cmtui.config import keymap_problem

    bindings = {"inbox.down": ("j,down", "Down"), "thread.down": ("j,down", "Down"), "inbox.select": ("x", "Select")}
    assert keymap_problem({"inbox.down": "j,down,n"}, bindings) is None
    assert "key 'x'" in keymap_problem({"thread.down": "j,x"}, bindings)
