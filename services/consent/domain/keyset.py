"""Opaque cursors for the participant's own lists (check-ins, goals): a position in
(time, id) order, newest first, so a page stays stable while new rows arrive at the top."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from saathi.errors import BadUserInput
from saathi.ids import is_id

DEFAULT_PAGE = 20
MAX_PAGE = 100
_MAX_CURSOR = 120
NOT_A_CURSOR = "after is not a cursor from this list."


def encode(kind: str, at: datetime, row_id: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}|{at.isoformat()}|{row_id}".encode()).decode()


def decode(kind: str, prefix: str, cursor: str | None) -> tuple[datetime, str] | None:
    """The position ``cursor`` names in a ``kind`` list; anything this list did not give out
    is ``BAD_USER_INPUT``."""
    if cursor is None:
        return None
    if len(cursor) <= _MAX_CURSOR:
        try:
            text = base64.b64decode(cursor, altchars=b"-_", validate=True).decode("ascii")
            named, at, row_id = text.split("|")
            when = datetime.fromisoformat(at)
        except (binascii.Error, UnicodeError, ValueError):
            named, when, row_id = "", None, ""
        if named == kind and when is not None and when.tzinfo is not None and is_id(row_id, prefix):
            return when, row_id
    raise BadUserInput(NOT_A_CURSOR)


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE}.")
    return size
