"""Cursor pagination: one cursor format, one ``first`` rule, one page shape."""

from __future__ import annotations

import base64

import pytest

from saathi.errors import BadUserInput
from saathi.service.connections import (
    MAX_CURSOR_INT,
    decode_cursor,
    encode_cursor,
    page_of,
    page_size,
)


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_cursor_round_trips_its_kind_and_sort_key() -> None:
    cursor = encode_cursor("nearby", 2.5, "grp_1")

    assert decode_cursor(cursor, "nearby", (float, str)) == [2.5, "grp_1"]
    assert decode_cursor(encode_cursor("log", 7), "log", (int,)) == [7]


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor("centre", "a", "b"),  # another list's cursor
        encode_cursor("log", 1, 2),  # the wrong shape
        _raw('["log",true]'),  # a boolean is not a sequence number
        _raw('["log",-1]'),
        _raw(f'["log",{MAX_CURSOR_INT + 1}]'),  # wider than the column
        _raw('["log", 1]'),  # not the exact encoding the list gives out
        _raw('["log",NaN]'),
        "x" * 3000,
        "",
        "not base64!",
        "é",
    ],
)
def test_anything_but_a_cursor_the_list_gave_out_is_refused(cursor: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        decode_cursor(cursor, "log", (int,))

    assert refused.value.message == "after is not a cursor from this list."


def test_a_text_part_with_control_characters_is_refused() -> None:
    with pytest.raises(BadUserInput):
        decode_cursor(encode_cursor("centre", "a\nb"), "centre", (str,))


def test_first_has_a_default_and_bounds() -> None:
    assert page_size(None, default=20, maximum=100) == 20
    assert page_size(0, default=20, maximum=100, minimum=0) == 0
    with pytest.raises(BadUserInput) as refused:
        page_size(101, default=20, maximum=100)
    assert refused.value.message == "first must be between 1 and 100, got 101."


def test_a_page_is_read_with_one_extra_row_that_says_more_follow() -> None:
    page = page_of([1, 2, 3], 2, lambda n: n * 10, lambda edge: f"c{edge}", total_count=9)

    assert page.edges == [10, 20]
    assert page.has_next_page is True
    assert page.end_cursor == "c20"
    assert page.total_count == 9
    last = page_of([1], 2, lambda n: n, str)
    assert (last.has_next_page, last.end_cursor, last.total_count) == (False, "1", None)
    assert page_of([], 2, lambda n: n, str).end_cursor is None
