"""Cursor pagination for every list that can grow: one cursor format, one ``first`` rule, one
page shape (``edges``, ``pageInfo { hasNextPage endCursor }``, ``totalCount`` where the list
counts).

A cursor is opaque to clients: base64url (unpadded) of a compact JSON array, a kind naming the
list, then the sort key of the last edge. Only what ``encode_cursor`` made is accepted back: a
bounded size, the exact encoding, the parts of the declared shape (finite non-negative numbers,
integers that fit a 32-bit column, short printable strings). Anything else is ``BadUserInput``,
never a query with a value nobody checked.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from saathi.errors import BadUserInput

E = TypeVar("E")
T = TypeVar("T")

MAX_CURSOR = 2048
MAX_CURSOR_TEXT = 500
MAX_CURSOR_INT = 2**31 - 1
NOT_OURS = "after is not a cursor from this list."


def page_size(first: int | None, *, default: int, maximum: int, minimum: int = 1) -> int:
    """``first`` (``default`` when absent) when within ``minimum..maximum``."""
    size = default if first is None else first
    if not minimum <= size <= maximum:
        raise BadUserInput(f"first must be between {minimum} and {maximum}, got {size}.")
    return size


def encode_cursor(kind: str, *parts: str | float) -> str:
    """An opaque cursor: clients hand it back as ``after`` and never read it."""
    raw = json.dumps([kind, *parts], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number a cursor holds")


def _is(value: object, type_: type) -> bool:
    if isinstance(value, bool):
        return False
    if type_ is int:
        return isinstance(value, int) and 0 <= value <= MAX_CURSOR_INT
    if type_ is float:
        return isinstance(value, int | float) and math.isfinite(value) and value >= 0
    if type_ is str:
        return (
            isinstance(value, str)
            and 0 < len(value) <= MAX_CURSOR_TEXT
            and not any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value)
        )
    return False


def decode_cursor(cursor: str, kind: str, shape: tuple[type, ...]) -> list[Any]:
    """The parts of a cursor made by ``encode_cursor(kind, ...)``; ``BadUserInput`` otherwise."""
    value: Any = None
    if 0 < len(cursor) <= MAX_CURSOR and cursor.isascii():
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            value = json.loads(raw, parse_constant=_no_constant)
        except (binascii.Error, ValueError, RecursionError):
            value = None
    if (
        isinstance(value, list)
        and len(value) == len(shape) + 1
        and value[0] == kind
        and all(_is(part, type_) for part, type_ in zip(value[1:], shape, strict=True))
        and encode_cursor(kind, *value[1:]) == cursor
    ):
        return value[1:]
    raise BadUserInput(NOT_OURS)


@dataclass(frozen=True)
class Page(Generic[E]):
    """One page of a list: its edges, whether more follow, and (where the list counts) how
    many match in all."""

    edges: list[E]
    has_next_page: bool
    end_cursor: str | None
    total_count: int | None = None


def page_of(
    rows: Sequence[T],
    size: int,
    edge: Callable[[T], E],
    cursor_of: Callable[[E], str],
    total_count: int | None = None,
) -> Page[E]:
    """The page of ``rows`` read with a limit of ``size + 1``: the extra row says whether a next
    page exists, and is not shown."""
    edges = [edge(row) for row in rows[:size]]
    end = cursor_of(edges[-1]) if edges else None
    return Page(edges, len(rows) > size, end, total_count)
