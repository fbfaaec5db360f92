"""The public JSON shape of a calendar entry (the rows are cmtui.store.entries')."""

from __future__ import annotations

from cmtui.store.entries import EntryRepo


def entry_json(row) -> dict:
    """The public JSON shape of a calendar entry (command-line contract)."""
    return {
        "id": row["id"],
        "account": row["account"],
        "text": row["text"],
        "status": row["status"],
        "scheduled_at": row["scheduled_at"],
        "published_at": row["published_at"],
        "remote_id": row["remote_id"],
        "url": row["url"],
        "language": row["language"],
        "visibility": row["visibility"],
        "content_warning": row["content_warning"],
        "campaign": row["campaign"],
        "notes": row["notes"],
        "rrule": row["rrule"],
        "last_error": row["last_error"],
        "media": _media(row),
        "thread": bool(row["thread"]),  # its text holds parts split by `---` lines
    }


def _media(row) -> list[dict]:
    """The images an entry carries: their file names in the media folder and alt texts."""
    return [{"file": str(a.get("file") or ""), "alt": str(a.get("alt") or "")} for a in EntryRepo.media(row)]
