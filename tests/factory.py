"""A small, fixed community for tests: known counts, fixed times, no randomness."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from cmtui.model import iso
from cmtui.store import Store

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
ITEMS = 250
LANGS = ["en", "es", "fr", "sl"]
TEXTS = [
    "How do I export my notes to Markdown?",
    "¿Cómo sincronizo mis notas entre el móvil y el portátil?",
    "Merci pour la nouvelle version, elle est géniale !",
    "Sinhronizacija ne deluje od včeraj, kaj naj naredim?",
]


def build_store(path: Path, items: int = ITEMS) -> Store:
    store = Store.open(path)
    main = store.accounts.add("tidewater", "mastodon", "https://social.tidewater.example",
                              handle="tidewater@social.tidewater.example", display_name="Tidewater Notes")
    es = store.accounts.add("tidewater_es", "mastodon", "https://social.tidewater.example",
                            handle="tidewater_es@social.tidewater.example", display_name="Tidewater en español")
    with store.transaction():
        for n in range(items):
            account = main if n % 3 else es
            created = NOW - timedelta(minutes=37 * n + 5)
            state = "done" if n >= items * 0.6 else ("open" if n % 5 == 0 else "new")
            answered = iso(created + timedelta(minutes=30 + n % 200)) if state == "done" and n % 2 else None
            store.inbox.insert(
                account.id, kind=("mention", "reply", "direct")[n % 3], remote_id=str(100000 + n),
                url=f"https://fedi.example/@user{n % 40}/{100000 + n}", author=f"user{n % 40}@fedi.example",
                author_name=f"User {n % 40}", text=f"{TEXTS[n % 4]} (#{n})", language=LANGS[n % 4],
                created_at=iso(created), state=state, answered_at=answered,
                labels=["sync"] if n % 7 == 0 else [], assignee="ana" if n % 11 == 0 else None,
                is_question=int(n % 4 != 2),
            )
        for n in range(12):
            status = ["idea", "draft", "needs_approval", "approved", "scheduled", "published"][n % 6]
            when = NOW + timedelta(days=n - 5, hours=n % 3)
            store.entries.add(main.id if n % 2 else es.id, f"Post number {n}: tips for note takers", status,
                               who="ana", scheduled_at=iso(when) if status != "idea" else None,
                               published_at=iso(when) if status == "published" else None,
                               language=LANGS[n % 4])
        # Fixed history times (the repository stamps real "now"), so screens that show them
        # look the same on every run.
        store.conn.execute("UPDATE entry_transitions SET at = ?", (iso(NOW - timedelta(days=7)),))
        store.conn.execute("UPDATE calendar_entries SET created_at = ?, updated_at = ?",
                           (iso(NOW - timedelta(days=7)), iso(NOW - timedelta(days=7))))
        for day in range(30, -1, -1):
            for account, base in ((main, 4000), (es, 900)):
                store.metrics.add_snapshot(account.id, base + (30 - day) * 5,
                                           taken_at=iso(NOW - timedelta(days=day)))
    for item_id, reason, rule in ((3, "link farm", "Spam links"), (8, "insult", "Vulgarity"),
                                  (15, "same text 5 times", "Flood")):
        store.moderation.add_flag(item_id, reason, rule, matched=["crypto"] if rule == "Spam links" else [],
                                  created_at=iso(NOW - timedelta(hours=item_id)))
    store.metrics.add_goal("Grow followers 10%", "followers_growth_pct", 10, "up",
                           (NOW - timedelta(days=30)).date().isoformat(), (NOW + timedelta(days=60)).date().isoformat())
    store.metrics.add_goal("Median response under 2 h", "median_response_minutes", 120, "down",
                           (NOW - timedelta(days=30)).date().isoformat(), (NOW + timedelta(days=30)).date().isoformat())
    return store
