"""The thread pane under the inbox list: the conversation around an item, from the store.
When a sync engine is at hand the missing posts are fetched in a worker, so the screen
never waits on the network."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static


class ThreadPosts(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="thread.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="thread.up"),
    ]


class ThreadPane(Vertical):
    DEFAULT_CSS = """
    ThreadPane { height: 1fr; }
    ThreadPane #thread-title { height: 1; padding: 0 1; background: $boost; }
    ThreadPane ThreadPosts { height: 1fr; padding: 0 1; }
    ThreadPane .post { margin-bottom: 1; }
    ThreadPane .post.-ours { border-left: thick $success; padding-left: 1; }
    ThreadPane .post.-this { border-left: thick $accent; padding-left: 1; }
    ThreadPane #thread-status { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, cmtui_app, item, *, focus: bool = True, id: str | None = None):
        super().__init__(id=id)
        self.focus_on_mount = focus
        self.cmtui = cmtui_app
        self.item = item
        self.fetching = False

    def compose(self) -> ComposeResult:
        yield Static(id="thread-title")
        yield ThreadPosts(id="thread-posts")
        yield Static(id="thread-status")

    def on_mount(self) -> None:
        self.query_one("#thread-title", Static).update(Text.assemble(
            ("Conversation", "bold"), ("   j/k scroll · r reply · esc back to the list", "dim")))
        self.show_posts()
        if self.focus_on_mount:
            self.query_one(ThreadPosts).focus()
        if self.cmtui.engine is not None:
            self.fetching = True
            self._status("fetching the conversation…")
            self.run_worker(self._fetch(), exclusive=True, group="thread")
        elif not self.cmtui.store.inbox.thread(self.item):
            self._status("Only this post is stored; the conversation is fetched when the account syncs.")

    def _status(self, message: str) -> None:
        self.query_one("#thread-status", Static).update(Text(message))

    async def _fetch(self) -> None:
        from cmtui.errors import CmtuiError
        from cmtui.sync.connectors.base import ConnectorError

        try:
            await self.cmtui.engine.fetch_thread(self.item["id"])
        except (ConnectorError, CmtuiError) as exc:
            self._status(f"could not fetch the conversation: {exc}")
            return
        finally:
            self.fetching = False
        self.item = self.cmtui.store.inbox.get(self.item["id"])
        self._status("")
        self.show_posts()

    def show_posts(self) -> None:
        box = self.query_one(ThreadPosts)
        box.remove_children()
        posts = self.cmtui.store.inbox.thread(self.item)
        if not posts:  # the item alone
            posts = [{"remote_id": self.item["remote_id"], "author": self.item["author"],
                      "author_name": self.item["author_name"], "text": self.item["text"],
                      "created_at": self.item["created_at"], "ours": 0}]
        widgets = []
        this = None
        for post in posts:
            text = Text()
            text.append(post["author_name"] or post["author"], style="bold")
            text.append(f"  {post['author']} · {self.cmtui.format_time(post['created_at'])}\n", style="dim")
            text.append(post["text"])  # remote text: plain, never markup
            classes = "post -ours" if post["ours"] else "post"
            if post["remote_id"] == self.item["remote_id"]:
                classes += " -this"
            widget = Static(text, classes=classes)
            if post["remote_id"] == self.item["remote_id"]:
                this = widget
            widgets.append(widget)
        box.mount_all(widgets)
        if this is not None:  # the item answered is what matters: bring it into view
            self.call_after_refresh(box.scroll_to_widget, this, animate=False, top=False)
        if self.item["deleted_at"]:
            self._status("this post was deleted on the platform")
