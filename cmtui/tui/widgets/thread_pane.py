"""The thread pane under the inbox list: the conversation around an item, from the store.
When a sync engine is at hand the missing posts are fetched in a worker, so the screen
never waits on the network.

The pane is built once with the screen and refilled for each item, and the conversation
is one Text in one Static: mounting a widget per post made enter cost ~70 ms."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from cmtui.i18n import N_, _

MARK_THIS, MARK_OURS, MARK_OTHER = "▶ ", "◆ ", "  "


class ThreadPosts(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j,down", "scroll_down", N_("Down"), show=False, id="thread.down"),
        Binding("k,up", "scroll_up", N_("Up"), show=False, id="thread.up"),
    ]


class ThreadPane(Vertical):
    DEFAULT_CSS = """
    ThreadPane { height: 1fr; }
    ThreadPane #thread-title { height: 1; padding: 0 1; background: $boost; }
    ThreadPane ThreadPosts { height: 1fr; padding: 0 1; }
    ThreadPane #thread-status { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, cmtui_app, *, id: str | None = None):
        super().__init__(id=id)
        self.cmtui = cmtui_app
        self.item = None
        self.posts: list = []  # what is shown, oldest first (tests and the scroll read it)
        self.fetching = False

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble((_("Conversation"), "bold"),
                                   ("   " + _("j/k scroll · r reply · esc back to the list"), "dim")),
                     id="thread-title")
        with ThreadPosts(id="thread-posts"):
            yield Static(id="thread-text")
        yield Static(id="thread-status")

    def show(self, item, focus: bool = True) -> None:
        """Fill the pane with item's conversation (and fetch the rest when syncing)."""
        self.item = item
        self._status("")
        self.show_posts()
        if focus:
            self.query_one(ThreadPosts).focus()
        if self.cmtui.engine is not None:
            self.fetching = True
            self._status(_("fetching the conversation…"))
            self.run_worker(self._fetch(item["id"]), exclusive=True, group="thread")
        elif not self.cmtui.store.inbox.thread(item):
            self._status(_("Only this post is stored; the conversation is fetched when the account syncs."))

    def _status(self, message: str) -> None:
        self.query_one("#thread-status", Static).update(Text(message))

    async def _fetch(self, item_id: int) -> None:
        from cmtui.errors import CmtuiError
        from cmtui.sync.connectors.base import ConnectorError

        try:
            await self.cmtui.engine.fetch_thread(item_id)
        except (ConnectorError, CmtuiError) as exc:
            if self.item is not None and self.item["id"] == item_id:
                self._status(_("could not fetch the conversation: {reason}").format(reason=exc))
            return
        finally:
            self.fetching = False
        if self.item is None or self.item["id"] != item_id:
            return  # the pane moved on to another item meanwhile
        self.item = self.cmtui.store.inbox.get(item_id)
        self._status("")
        self.show_posts()

    def show_posts(self) -> None:
        item = self.item
        posts = self.cmtui.store.inbox.thread(item)
        if not posts:  # the item alone
            posts = [{"remote_id": item["remote_id"], "author": item["author"],
                      "author_name": item["author_name"], "text": item["text"],
                      "created_at": item["created_at"], "ours": 0}]
        self.posts = posts
        text = Text()
        this_line = 0
        for post in posts:
            this = post["remote_id"] == item["remote_id"]
            mark, style = (MARK_THIS, "bold reverse") if this else \
                (MARK_OURS, "bold green") if post["ours"] else (MARK_OTHER, "bold")
            if this:
                this_line = text.plain.count("\n")
            if text:
                text.append("\n\n")
                this_line += 2 if this else 0
            text.append(mark, style="bold")
            text.append(post["author_name"] or post["author"], style=style)
            text.append(f"  {post['author']} · {self.cmtui.format_time(post['created_at'])}\n", style="dim")
            text.append(post["text"])  # remote text: plain, never markup
        self.query_one("#thread-text", Static).update(text)
        box = self.query_one(ThreadPosts)
        # The item answered is what matters: bring it near the top (lines before it are an
        # estimate when long posts wrap; close enough to land on it).
        self.call_after_refresh(box.scroll_to, 0, max(0, this_line - 1), animate=False)
        if item["deleted_at"]:
            self._status(_("this post was deleted on the platform"))
