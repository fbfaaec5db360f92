"""A read on a second, read-only connection in a worker thread, its result handed to the UI
thread: counts the status line shows never hold up a key press on a big database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

if TYPE_CHECKING:
    from cmtui.store import Store

T = TypeVar("T")


def read_in_thread(app, reader: Store, read: Callable[[Store], T], done: Callable[[T], None], *, group: str,
                   failed: Callable[[], None] | None = None) -> None:
    """read(reader) in a worker of `group` (a newer one replaces it), then done(result) on the
    UI thread; the reader is closed either way. A failed read (a busy or closing database)
    calls `failed` if given: the next change reads again."""
    def work() -> None:
        try:
            result = read(reader)
        except Exception:
            if failed is not None:
                failed()
            return
        finally:
            reader.close()
        try:
            app.call_from_thread(done, result)
        except RuntimeError:  # the app closed meanwhile
            pass

    app.run_worker(work, thread=True, exclusive=True, group=group, exit_on_error=False)
