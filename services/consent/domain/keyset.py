"""Positions in the participant's own lists (check-ins, goals): (time, id), newest first, so a
page stays stable while new rows arrive at the top. The cursor, the ``first`` rule and the page
are the toolkit's (``saathi.service.connections``); this adds the (time, id) shape and the
check that the id is one of the list's own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from saathi.errors import BadUserInput
from saathi.ids import is_id
from saathi.service import connections
from saathi.service.connections import NOT_OURS, Page, decode_cursor, encode_cursor

R = TypeVar("R")
T = TypeVar("T")

DEFAULT_PAGE = 20
MAX_PAGE = 100


def encode(kind: str, at: datetime, row_id: str) -> str:
    return encode_cursor(kind, at.isoformat(), row_id)


def decode(kind: str, prefix: str, cursor: str | None) -> tuple[datetime, str] | None:
    """The position ``cursor`` names in a ``kind`` list; anything this list did not give out
    is ``BAD_USER_INPUT``."""
    if cursor is None:
        return None
    at, row_id = decode_cursor(cursor, kind, (str, str))
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise BadUserInput(NOT_OURS) from None
    if when.tzinfo is None or not is_id(row_id, prefix):
        raise BadUserInput(NOT_OURS)
    return when, row_id


def page_size(first: int | None) -> int:
    return connections.page_size(first, default=DEFAULT_PAGE, maximum=MAX_PAGE, minimum=0)


def page(
    rows: Sequence[R],
    size: int,
    cursor_of: Callable[[R], str],
    opened: Callable[[list[R]], list[T]],
) -> Page[T]:
    """The page of ``rows`` read with a limit of ``size + 1`` (``connections.page_of``), only the
    shown rows unsealed."""
    read = connections.page_of(rows, size, lambda row: row, cursor_of)
    return Page(opened(read.edges), read.has_next_page, read.end_cursor)
