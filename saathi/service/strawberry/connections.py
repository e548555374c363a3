"""``PageInfo`` for strawberry connections, filled from a ``saathi.service.connections.Page``."""

from __future__ import annotations

from typing import Any, Self

import strawberry

from saathi.service.connections import Page


# Shareable: the directory defines the same type, and the gateway composes them into one.
@strawberry.federation.type(name="PageInfo", shareable=True)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None

    @classmethod
    def of(cls, page: Page[Any]) -> Self:
        return cls(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
