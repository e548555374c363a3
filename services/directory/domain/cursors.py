"""Pages of a list: the ``first`` limit, opaque cursors and the page a list returns.

A cursor is made here and nothing else is accepted: a bounded size, the exact encoding
``encode_cursor`` gives, finite non-negative numbers and short printable strings.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from saathi.errors import BadUserInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50

E = TypeVar("E")


def check_first(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE_SIZE}, got {size}.")
    return size


@dataclass(frozen=True)
class Page(Generic[E]):
    """One page of a list: its edges, how many match in all and whether more follow."""

    total_count: int
    edges: list[E]
    has_next_page: bool
    end_cursor: str | None


def encode_cursor(kind: str, *parts: str | float) -> str:
    """An opaque cursor: clients hand it back as ``after`` and never read it."""
    raw = json.dumps([kind, *parts], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Cursors are made here and nothing else is accepted: a bounded size, the exact encoding
# ``encode_cursor`` gives, finite non-negative numbers and short printable strings.
MAX_CURSOR = 2048
MAX_CURSOR_TEXT = 500


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
    raise BadUserInput("after is not a cursor from this list.")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number a cursor holds")


def _is(value: object, type_: type) -> bool:
    if type_ is float:
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        )
    if type_ is str:
        return (
            isinstance(value, str)
            and 0 < len(value) <= MAX_CURSOR_TEXT
            and not any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value)
        )
    return isinstance(value, type_)
