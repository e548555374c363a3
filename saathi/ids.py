"""Identifiers: a short type prefix and a ULID body (time-ordered, 128 bits, Crockford base32).

``new_id("grp")`` → ``grp_01JD3...``. ``stable_id`` derives the same id from the same name every
time, which the demo network and materialised sessions use so that re-running is idempotent.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from ulid import ULID

_PATTERN = re.compile(r"^[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}$")


def new_id(prefix: str) -> str:
    """A fresh id: 48 bits of milliseconds then 80 random bits (a ULID)."""
    return f"{prefix}_{ULID()}"


def stable_id(prefix: str, name: str) -> str:
    """The same id for the same ``(prefix, name)``, in every process and on every machine: the
    first 128 bits of a SHA-256, written as a ULID is."""
    digest = hashlib.sha256(f"{prefix}:{name}".encode()).digest()
    return f"{prefix}_{ULID.from_bytes(digest[:16])}"


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
