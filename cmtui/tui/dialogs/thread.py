"""`enter`: the conversation around an item, from the store; when a sync engine is at hand
the missing posts are fetched in a worker (the screen never waits on the network)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from cmtui.tui.dialogs.base import Dialog


class ThreadDialog(Dialog):
    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Back", id="thread.back"),
        Binding("r", "dismiss('reply')", "Reply", id="thread.reply"),
    ]

    DEFAULT_CSS = """
    ThreadDialog > Vertical { width: 100; max-width: 95%; max-height: 90%; }
    ThreadDialog VerticalScroll { height: auto; max-height: 30; }
    ThreadDialog .post { margin-bottom: 1; }
    ThreadDialog .post.-ours { border-left: thick $success; padding-left: 1; }
    ThreadDialog .post.-this { border-left: thick $accent; padding-left: 1; }
    ThreadDialog #thread-status { color: $text-muted; }
    """

    def __init__(self, app_, item):
        super().__init__()
        self.cmtui = app_
        self.item = item

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Conversation", style="bold"))
            yield VerticalScroll(id="thread-posts")
            yield Static(id="thread-status")

    def on_mount(self) -> None:
        self.show_posts()
        if self.cmtui.engine is not None:
            self.query_one("#thread-status", Static).update(Text("fetching the conversation…"))
            self.run_worker(self._fetch(), exclusive=True, group="thread")
        elif not self.cmtui.store.inbox.thread(self.item):
            self.query_one("#thread-status", Static).update(
                Text("Only this post is stored; the conversation is fetched when the account syncs."))

    async def _fetch(self) -> None:
        from cmtui.errors import CmtuiError
        from cmtui.sync.connectors.base import ConnectorError

        try:
            await self.cmtui.engine.fetch_thread(self.item["id"])
        except (ConnectorError, CmtuiError) as exc:
            self.query_one("#thread-status", Static).update(Text(f"could not fetch the conversation: {exc}"))
            return
        self.item = self.cmtui.store.inbox.get(self.item["id"])
        self.query_one("#thread-status", Static).update(Text(""))
        self.show_posts()

    def show_posts(self) -> None:
        box = self.query_one("#thread-posts", VerticalScroll)
        box.remove_children()
        posts = self.cmtui.store.inbox.thread(self.item)
        if not posts:  # the item alone
            posts = [{"remote_id": self.item["remote_id"], "author": self.item["author"],
                      "author_name": self.item["author_name"], "text": self.item["text"],
                      "created_at": self.item["created_at"], "ours": 0}]
        widgets = []
        for post in posts:
            text = Text()
            text.append(post["author_name"] or post["author"], style="bold")
            text.append(f"  {post['author']} · {self.cmtui.format_time(post['created_at'])}\n", style="dim")
            text.append(post["text"])  # remote text: plain, never markup
            classes = "post -ours" if post["ours"] else "post"
            if post["remote_id"] == self.item["remote_id"]:
                classes += " -this"
            widgets.append(Static(text, classes=classes))
        box.mount_all(widgets)
        if self.item["deleted_at"]:
            self.query_one("#thread-status", Static).update(Text("this post was deleted on the platform"))
