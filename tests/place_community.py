"""A chat-room account in the store for tests of the screens and decisions (no network): the
account, its places (rooms) as its connector would report them, and items said in them."""

from __future__ import annotations

from cmtui.model import Place
from cmtui.sync.connectors.base import Person, RemoteItem
from cmtui.triage import is_question

SERVER = "https://matrix.fernleaf.example"
SUPPORT = Place("!support:fernleaf.example", "#support", members=120, support=True)
NEWS = Place("!news:fernleaf.example", "#announcements", members=340,
             refused={"kick": "kick needs power level 50 in #announcements; yours is 0",
                      "ban": "ban needs power level 50 in #announcements; yours is 0",
                      "unban": "unban needs power level 50 in #announcements; yours is 0",
                      "hide": "hide needs power level 50 in #announcements; yours is 0"})
DM = Place("!dm:fernleaf.example", "Marta Kovač", members=2, direct=True)
PLACES = (SUPPORT, NEWS, DM)


def add_room_account(store, name: str = "fernleaf-chat", places=PLACES, is_admin: bool = False):
    account = store.accounts.add(name, "matrix", SERVER, handle="@fernleaf:fernleaf.example",
                                 display_name="Fernleaf", remote_account_id="@fernleaf:fernleaf.example",
                                 is_admin=is_admin)
    store.accounts.set_places(account.id, list(places))
    return store.accounts.get(name)


def add_room_items(store, account, specs) -> list[int]:
    """specs: (place, author localpart, text, kind, created_at); returns the new items' ids, in order."""
    items = [RemoteItem(remote_id=f"{place.id}/$ev{n}", kind=kind, text=text, created_at=created,
                        author=Person(f"@{who}:fernleaf.example", who.capitalize(), remote_id=f"@{who}:fernleaf.example"),
                        url=f"https://matrix.to/#/{place.id}/$ev{n}", place=place.id)
             for n, (place, who, text, kind, created) in enumerate(specs)]
    store.ingest.page(account.id, "matrix", items, question=is_question)
    ids = [store.conn.execute("SELECT id FROM inbox_items WHERE account_id = ? AND remote_id = ?",
                              (account.id, item.remote_id)).fetchone()[0] for item in items]
    return ids


def room_snap_app(tmp_path, prepare):
    """(A fixture's body) the test community with prepare(store) done, in an app for a
    snapshot; the store is closed afterwards."""
    from cmtui.config import Settings
    from cmtui.tui.app import CmtuiApp
    from factory import NOW, build_store

    store = build_store(tmp_path / "snap.db")
    prepare(store)
    yield CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    store.close()
