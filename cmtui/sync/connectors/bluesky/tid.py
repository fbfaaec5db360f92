"""Record keys made from outbox idempotency keys, so that a send retried after a time-out or
a crash finds the post it already made instead of making a second one.

A TID (timestamp identifier) is 64 bits: a zero bit, 53 bits of microseconds since the Unix
epoch, 10 bits of clock id; written as 13 characters of base32-sortable. Ours take both
parts from a hash of the key: the same key always gives the same record key, different keys
practically never collide (2^55 values), and the timestamps fall inside one past year, so
they sort as ordinary old TIDs and never claim to be from the future.
"""

from __future__ import annotations

import hashlib
import re

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable: order of text = order of value
LENGTH = 13
_SPAN_START = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z in microseconds
_SPAN = 365 * 24 * 3600 * 1_000_000  # one year of microseconds
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def encode(value: int) -> str:
    """value (0 <= value < 2^63) as 13 base32-sortable characters."""
    if not 0 <= value < 1 << 63:
        raise ValueError("a TID is a 63-bit value")  # i18n: not shown (a bug, never a user's input)
    chars = []
    for _ in range(LENGTH):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def decode(tid: str) -> int:
    if not TID.match(tid):
        raise ValueError(f"not a TID: {tid!r}")  # i18n: not shown (callers say their own)
    value = 0
    for char in tid:
        value = value * 32 + ALPHABET.index(char)
    return value


def make(micros: int, clock_id: int) -> str:
    return encode((micros << 10) | (clock_id & 0x3FF))


def from_key(key: str) -> str:
    """The record key of the post an outbox operation makes (deterministic per key)."""
    digest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    return make(_SPAN_START + (digest >> 10) % _SPAN, digest & 0x3FF)


def is_tid(value: str) -> bool:
    return bool(TID.match(value))
