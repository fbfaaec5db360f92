"""Keep the developer's own config and data out of every test."""

from __future__ import annotations

import pytest

from factory import NOW, build_store


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("CMTUI_CONFIG_DIR", str(home / "config" / "cmtui"))
    monkeypatch.delenv("CMTUI_DB", raising=False)
    monkeypatch.delenv("CMTUI_USER", raising=False)  # who is working: the test's settings say
    monkeypatch.setenv("TZ", "UTC")
    for name in ("LC_ALL", "LC_MESSAGES"):  # a new post's language comes from LANG: the same everywhere
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    from cmtui import i18n

    i18n.set_language("en")  # the interface in English unless a test chooses (cli.main chooses again)
    yield
    i18n.set_language("en")


@pytest.fixture
def language():
    """language("es"): the interface in that language for the rest of the test."""
    from cmtui import i18n

    return i18n.set_language


@pytest.fixture(autouse=True)
def steady_cursors(monkeypatch):
    """Text cursors stay drawn: a blinking one is on or off by the clock, which made snapshots
    of dialogs with an input flaky on a loaded machine."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture
def store(tmp_path):
    s = build_store(tmp_path / "community.db")
    yield s
    s.close()


@pytest.fixture
def db(store, tmp_path):
    """The test community as a closed file, for the command line to open."""
    store.close()
    return str(tmp_path / "community.db")


@pytest.fixture
def now():
    return NOW


@pytest.fixture(scope="session")
def peer_server():
    """mastodon_mock with its demo users (ada is our admin account), on loopback."""
    from mastodon_mock.config import DatabaseConfig, MastodonMockConfig, demo_config
    from mastodon_mock.testing.server import MockServer

    from peer import Peer

    server = MockServer(config=demo_config(MastodonMockConfig(database=DatabaseConfig(path=":memory:"))))
    server.start()
    assert server.base_url.startswith("http://127.0.0.1:")
    yield Peer(server.base_url)
    server.stop()


@pytest.fixture
def peer(peer_server):
    peer_server.reset()
    yield peer_server
    peer_server.clear_faults()


@pytest.fixture(scope="session")
def matrix_server(tmp_path_factory):
    """Synapse on loopback, started once per session (per xdist worker); tests bring their own
    users and rooms, so it is never reset."""
    from matrix_peer import MatrixPeer, SynapseServer

    server = SynapseServer(tmp_path_factory.mktemp("synapse"))
    try:
        server.start()
        yield MatrixPeer(server)
    finally:
        server.stop()


@pytest.fixture
def sync_env(tmp_path, peer):
    """A store with one account, ada on the peer, its token in the credentials file:
    (store, settings, credentials)."""
    from cmtui.config import Credentials, Settings
    from cmtui.store import Store

    store = Store.open(tmp_path / "sync.db")
    credentials = Credentials(tmp_path / "config")
    credentials.set("ada", "ada_token")
    me = peer.me("ada_token")
    store.accounts.add("ada", "mastodon", peer.base_url, handle=f"ada@{peer.base_url.split('//')[1]}",
                       remote_account_id=me["id"])
    yield store, Settings(timezone="UTC", backfill_days=30), credentials
    store.close()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    """Every test that uses the Bluesky network runs on one xdist worker (`--dist loadgroup` in
    pyproject.toml), so a run starts one network (~15 s, ~500 MB) rather than one per worker."""
    for item in items:
        if "bluesky_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("bluesky"))


@pytest.fixture(scope="session")
def bluesky_server(tmp_path_factory):
    """The AT Protocol reference network (PLC, PDS, AppView, bsync, ozone, with PostgreSQL and
    Redis) on loopback, started once per session (per xdist worker) by the first test that asks;
    tests bring their own accounts, so it is never reset. See tests/bluesky_peer.py."""
    from bluesky_peer import BlueskyNetwork, BlueskyPeer

    network = BlueskyNetwork(tmp_path_factory.mktemp("bluesky"))
    try:
        network.start()
        peer = BlueskyPeer(network)
        yield peer
        peer.close()
    finally:
        network.stop()
