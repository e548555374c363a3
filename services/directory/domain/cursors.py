"""The directory's page limits; cursors and pages are the toolkit's
(``saathi.service.connections``), the same in every service."""

from __future__ import annotations

from saathi.service.connections import page_size

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50


def check_first(first: int | None) -> int:
    return page_size(first, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
