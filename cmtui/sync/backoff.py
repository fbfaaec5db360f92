"""How long to wait before trying again: the outbox's retries and the live feeds' reconnects."""

from __future__ import annotations

import random

BACKOFF_BASE = 5.0  # seconds before the first retry
BACKOFF_CAP = 15 * 60.0  # never wait longer than this between two tries


def backoff(attempts: int, rng: random.Random = random.Random()) -> float:
    """Exponential backoff with jitter: 5 s, 10 s, 20 s ... capped at 15 minutes."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return delay * rng.uniform(0.5, 1.0)
