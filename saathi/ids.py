"""Identifiers: a short type prefix and a ULID body (time-ordered, 128 bits, Crockford base32).

``new_id("grp")`` → ``grp_01JD3...``. ``stable_id`` derives the same id from the same name every
time, which the demo network and materialised sessions use so that re-running is idempotent.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterable

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PATTERN = re.compile(r"^[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}$")


# Every pair of digits, by the 10 bits it spells: an id is 13 look-ups instead of 26 steps (a
# seed of 100,000 groups makes over 800,000 ids).
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)


def _encode(value: int) -> str:
    """26 Crockford base32 digits of ``value`` (below 2**130), most significant first."""
    pairs = _PAIRS
    return "".join(pairs[(value >> shift) & 1023] for shift in range(120, -10, -10))


def new_id(prefix: str) -> str:
    """A fresh id: 48 bits of milliseconds then 80 random bits."""
    millis = time.time_ns() // 1_000_000
    value = (millis << 80) | int.from_bytes(os.urandom(10), "big")
    return f"{prefix}_{_encode(value)}"


def stable_id(prefix: str, name: str) -> str:
    """The same id for the same ``(prefix, name)``, in every process and on every machine."""
    digest = hashlib.sha256(f"{prefix}:{name}".encode()).digest()
    return f"{prefix}_{_encode(int.from_bytes(digest[:16], 'big'))}"


def is_id(value: str, prefix: str | None = None) -> bool:
    """Whether ``value`` is shaped like one of our ids (and has ``prefix``, when given)."""
    if not _PATTERN.match(value):
        return False
    return prefix is None or value.startswith(prefix + "_")


MAX_ID_LENGTH = 40
"""Every id column is this wide; a longer value cannot name a record (and tortoise refuses it)."""


def storable(ids: Iterable[str]) -> list[str]:
    """The ids that could name a stored record; the rest simply match nothing."""
    return [value for value in ids if len(value) <= MAX_ID_LENGTH]
