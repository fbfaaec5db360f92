"""Matrix live: /sync as a long poll, against a real Synapse on loopback. While the engine
runs, a mention, a direct message and a reply reach the store within two seconds, once each
(the pass's pull and the long poll may both bring them), the cursor moves, the feed says
PUSH, and stopping ends a 30 s long poll at once. The connector alone: the long poll's read
time-out, a token the homeserver refuses, a cut connection, a homeserver that never waits."""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import datetime, timezone

import httpx
import pytest

from cmtui.sync.connectors.base import TimedOut
from cmtui.sync.connectors.matrix import long_poll
from cmtui.sync.connectors.matrix.connector import MatrixConnector
from cmtui.sync.live import PUSH, LiveStatus
from matrix_cli_helpers import cli  # noqa: F401 (a fixture)
from test_matrix_sync import engine

@pytest.fixture(scope="module")
def people(matrix_server):
    return {"ada": matrix_server.register("ada"), "bob": matrix_server.register("bob")}


@pytest.fixture
def scene(matrix_server, people):
    """A new account `me` in ada's lounge (with bob) and in a direct room with ada; me said
    something in the lounge. (me, room ids, our message's id)"""
    m, ada, bob = matrix_server, people["ada"], people["bob"]
    me = m.register("me")
    rooms = {"lounge": m.create_room(ada.access_token, name="Lounge", preset="public_chat")}
    m.join(me.access_token, rooms["lounge"])
    m.join(bob.access_token, rooms["lounge"])
    rooms["dm"] = m.create_room(ada.access_token, invite=[me.user_id], is_direct=True, preset="trusted_private_chat")
    m.join(me.access_token, rooms["dm"])
    ours = m.send_message(me.access_token, rooms["lounge"], "Welcome to the lounge")
    return me, rooms, ours


async def until(predicate, timeout: float = 10.0) -> float:
    """Seconds until predicate() holds (AssertionError after timeout)."""
    began = time.monotonic()
    while not predicate():
        if time.monotonic() - began > timeout:
            raise AssertionError("not within %s s" % timeout)
        await asyncio.sleep(0.005)
    return time.monotonic() - began


def kinds(store, text: str) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT kind FROM inbox_items WHERE text = ?", (text,))]


def test_messages_arrive_live_once_each_and_stop_is_prompt(cli, matrix_server, people, scene):
    me, rooms, ours = scene
    m, ada, bob = matrix_server, people["ada"], people["bob"]
    assert cli.add("team", matrix_server, me)[0] == 0
    store, sync = engine(cli.db)
    passes: list = []

    async def main() -> None:
        stop, wake = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(sync.run_forever(stop, wake, on_pass=passes.append))
        await until(lambda: sync.live is not None and sync.live.status.get("team") == LiveStatus(PUSH))
        account = store.accounts.get("team")
        await asyncio.sleep(0.3)  # the first page stored, after the gap fill
        first = store.accounts.cursor(account.id, "notifications")
        assert first

        async def arrives(room: str, text: str, sender=bob, **content) -> float:
            began = time.monotonic()
            await asyncio.to_thread(m.send_message, sender.access_token, room, text, **content)
            await until(lambda: kinds(store, text), timeout=5)
            return time.monotonic() - began

        mention = {"m.mentions": {"user_ids": [me.user_id]}}
        seconds = [await arrives(rooms["lounge"], f"have a look {i}", **mention) for i in range(4)]
        assert statistics.median(seconds) < 2.0, seconds
        assert await arrives(rooms["dm"], "a private question", sender=ada) < 2.0
        assert await arrives(rooms["lounge"], "thanks!", **{"m.relates_to": {"m.in_reply_to": {"event_id": ours}}}) < 2.0
        assert kinds(store, "a private question") == ["direct"] and kinds(store, "thanks!") == ["reply"]
        assert all(kinds(store, f"have a look {i}") == ["mention"] for i in range(4))
        assert store.accounts.cursor(account.id, "notifications") != first  # a long poll is a pull

        # Answered from another client: the live feed leaves that to the next pass (it stores
        # our own posts), so the cursor does not move past the answer.
        answered = store.accounts.cursor(account.id, "notifications")
        [question] = [r[0] for r in store.conn.execute("SELECT remote_id FROM inbox_items WHERE text = 'have a look 0'")]
        await asyncio.to_thread(m.send_message, me.access_token, rooms["lounge"], "on it", **{
            "m.relates_to": {"m.in_reply_to": {"event_id": question.split("/")[1]}}})
        await asyncio.to_thread(m.send_message, bob.access_token, rooms["lounge"], "after", **mention)
        await until(lambda: kinds(store, "after"), timeout=5)
        assert store.accounts.cursor(account.id, "notifications") == answered
        wake.set()
        await until(lambda: len(passes) == 2)
        assert store.conn.execute("SELECT answered_at FROM inbox_items WHERE remote_id = ?",
                                  (question,)).fetchone()[0]

        # The pass's pull and the long poll both bring this one: it is stored once.
        await asyncio.to_thread(m.send_message, bob.access_token, rooms["lounge"], "both ways", **mention)
        wake.set()
        await until(lambda: len(passes) == 3 and kinds(store, "both ways"))
        await asyncio.sleep(0.3)
        assert kinds(store, "both ways") == ["mention"]
        assert sync.live.status["team"] == LiveStatus(PUSH)

        await asyncio.sleep(0.5)  # in the middle of a quiet 30 s long poll
        began = time.monotonic()
        stop.set()
        await asyncio.wait_for(task, 5)
        assert time.monotonic() - began < 1.0

    try:
        asyncio.run(main())
        assert store.conn.execute("SELECT COUNT(*) FROM inbox_items").fetchone()[0] == 8  # nothing doubled
    finally:
        store.close()


class Recorder(httpx.AsyncBaseTransport):
    """Forwards to the homeserver; remembers each /sync's timeout and read time-out. never_wait:
    asks the homeserver for timeout=0 whatever we asked (a homeserver that never holds)."""

    def __init__(self, never_wait: bool = False):
        self.inner = httpx.AsyncHTTPTransport()
        self.never_wait = never_wait
        self.syncs: list[tuple[str, float]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync"):
            self.syncs.append((request.url.params.get("timeout"), request.extensions["timeout"]["read"]))
            if self.never_wait:
                request.url = request.url.copy_set_param("timeout", "0")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def connector(m, me, transport=None, timeout: float = 5.0) -> MatrixConnector:
    return MatrixConnector(m.base_url, me.access_token, timeout=timeout, transport=transport)


async def cursor_now(client: MatrixConnector) -> str:
    """A pass's pull, from now: the cursor, and the client knows the rooms as a pass leaves them."""
    pages = [p async for p in client.pull(None, datetime.now(timezone.utc))]
    return pages[-1].cursor


def test_the_long_poll_waits_longer_than_the_time_out_and_brings_each_answer(matrix_server, people, scene):
    me, rooms, _ours = scene
    recorder = Recorder()

    async def main() -> list:
        client = connector(matrix_server, me, recorder, timeout=5.0)
        cursor = await cursor_now(client)
        recorder.syncs.clear()
        feed = client.live(cursor)
        opened = await feed.__anext__()  # at once, with nothing new
        assert (opened.items, opened.cursor, opened.final) == ([], cursor, True)
        await asyncio.to_thread(matrix_server.send_message, people["ada"].access_token, rooms["lounge"], "psst",
                                **{"m.mentions": {"user_ids": [me.user_id]}})
        page = await asyncio.wait_for(feed.__anext__(), 5)
        await feed.aclose()
        await client.close()
        return [opened, page]

    _opened, page = asyncio.run(main())
    assert [(i.kind, i.text) for i in page.items] == [("mention", "psst")] and page.final and page.cursor
    assert recorder.syncs[0] == ("0", 5.0)
    assert recorder.syncs[1] == (str(long_poll.WAIT_MS), 5.0 + long_poll.WAIT_MS / 1000)


def test_a_refused_token_opens_from_now_without_moving_the_cursor(matrix_server, scene):
    me, _rooms, _ours = scene

    async def main():
        client = connector(matrix_server, me)
        feed = client.live("s_not_a_token")
        page = await feed.__anext__()
        await feed.aclose()
        await client.close()
        return page

    page = asyncio.run(main())
    assert (page.items, page.cursor, page.final) == ([], None, False)  # the gap fill reads back


def test_a_homeserver_that_never_waits_does_not_make_us_spin(matrix_server, scene, monkeypatch):
    me, _rooms, _ours = scene
    monkeypatch.setattr(long_poll, "QUIET_GAP", 0.3)
    recorder = Recorder(never_wait=True)

    async def main():
        client = connector(matrix_server, me, recorder)
        cursor = await cursor_now(client)
        recorder.syncs.clear()

        async def drain():
            async for _page in client.live(cursor):
                pass

        try:
            await asyncio.wait_for(drain(), 1.5)
        except TimeoutError:
            pass
        await client.close()

    asyncio.run(main())
    assert 3 <= len(recorder.syncs) <= 7  # ~1 + 1.5 / 0.3, not hundreds


class Replaying(Recorder):
    """A caching proxy that ignores `since`: every long poll after the first gets the first
    one's answer again, at once."""

    def __init__(self):
        super().__init__(never_wait=True)
        self.kept: tuple[int, dict, bytes] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not (request.url.path.endswith("/sync") and request.url.params.get("timeout") == str(long_poll.WAIT_MS)):
            return await super().handle_async_request(request)
        if self.kept is None:
            response = await super().handle_async_request(request)
            self.kept = (response.status_code, dict(response.headers), await response.aread())
            await response.aclose()
        else:
            self.syncs.append((request.url.params.get("timeout"), request.extensions["timeout"]["read"]))
            await asyncio.sleep(0)  # (as the network would: the test's own timer gets its turn)
        status, headers, body = self.kept
        headers.pop("content-encoding", None)
        headers.pop("transfer-encoding", None)
        headers["content-length"] = str(len(body))
        return httpx.Response(status, headers=headers, content=body)


def test_a_proxy_repeating_one_answer_that_brings_something_does_not_make_us_spin(
        matrix_server, people, scene, monkeypatch):
    me, rooms, _ours = scene
    monkeypatch.setattr(long_poll, "QUIET_GAP", 0.3)
    recorder = Replaying()

    async def main() -> list:
        client = connector(matrix_server, me, recorder)
        cursor = await cursor_now(client)
        feed = client.live(cursor)
        await feed.__anext__()
        await asyncio.to_thread(matrix_server.send_message, people["ada"].access_token, rooms["lounge"], "again",
                                **{"m.mentions": {"user_ids": [me.user_id]}})
        recorder.syncs.clear()
        pages = []

        async def drain():
            async for page in feed:
                pages[1:] = [page]  # the first and the last

        try:
            await asyncio.wait_for(drain(), 1.5)
        except TimeoutError:
            pass
        await client.close()
        return pages

    pages = asyncio.run(main())
    assert pages and all(p.items for p in pages)  # the same mention, over and over
    assert 3 <= len(recorder.syncs) <= 7, len(recorder.syncs)  # ~1 + 1.5 / 0.3, not thousands


class CuttingProxy:
    """A TCP proxy on loopback in front of the homeserver; cut() closes every connection."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.writers += [writer, up_writer]

        async def pipe(source, sink):
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        for writer in self.writers:
            writer.transport.abort()

    async def close(self) -> None:
        self.cut()
        self.server.close()


def test_a_connection_cut_during_the_long_poll_is_timed_out(matrix_server, scene):
    me, _rooms, _ours = scene

    async def main():
        proxy = CuttingProxy(matrix_server.server.port)
        port = await proxy.start()
        client = MatrixConnector(f"http://127.0.0.1:{port}", me.access_token, timeout=5.0)
        cursor = await cursor_now(client)
        feed = client.live(cursor)
        await feed.__anext__()
        waiting = asyncio.ensure_future(feed.__anext__())
        await asyncio.sleep(0.3)
        proxy.cut()
        try:
            with pytest.raises(TimedOut):
                await asyncio.wait_for(waiting, 5)
        finally:
            await client.close()
            await proxy.close()

    asyncio.run(main())
