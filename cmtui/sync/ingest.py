"""Ingest: a pulled page is stored, then the enabled rules run on its new items, in one
transaction (the items and the flags, labels and operations the rules decided land together
or not at all). The store only stores; the rules are the moderation engine's."""

from __future__ import annotations

from cmtui.moderation.engine import IngestState, run_on_new_items
from cmtui.store import Store
from cmtui.store.ingest import Stored
from cmtui.triage import is_question


class Ingest:
    def __init__(self, store: Store):
        self.store = store
        self.rules = IngestState()  # rules compiled once per change, flood memory kept between pages

    def page(self, account_id: int, platform: str, items, events=(), *, stream: str | None = None,
             cursor: str | None = None, deleted=()) -> Stored:
        """Store a page of items and events (and the stream's cursor), mark the items the
        platform removed (after the page: one made and removed within it ends deleted) and
        run the rules on what was new; return what was new."""
        try:
            with self.store.transaction():
                stored = self.store.ingest.page(account_id, platform, items, events, question=is_question,
                                                stream=stream, cursor=cursor)
                for remote_id in deleted:
                    self.store.ingest.mark_deleted(account_id, remote_id)
                if stored.items:
                    run_on_new_items(self.store, stored.after_id, self.rules, stored.new_items)
        except BaseException:
            self.store.ingest.forget()  # the people it wrote were rolled back with the page
            self.rules = IngestState()  # and so were the texts the flood memory took in
            raise
        return stored

    def items(self, account_id: int, platform: str, items, events=(), *, stream: str | None = None,
              cursor: str | None = None) -> int:
        """page(), returning how many items are new."""
        return self.page(account_id, platform, items, events, stream=stream, cursor=cursor).items
