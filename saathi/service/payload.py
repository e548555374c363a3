"""Errors as payload: the one core under both GraphQL flavours.

A mutation's domain code raises ``SaathiError``; the caller gets the payload's
``error { code message }`` instead of a GraphQL error. Anything else propagates, and the view
masks it as ``INTERNAL_SERVER_ERROR`` with the request id (``saathi.graphql_errors``).
``saathi.service.strawberry`` and ``saathi.service.graphene`` wrap a field with this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from saathi.errors import ErrorCode, SaathiError

P = TypeVar("P")


@dataclass(frozen=True)
class Failure:
    """Why a mutation did nothing, as a plain value (``MutationError`` in either flavour)."""

    code: ErrorCode
    message: str

    @classmethod
    def of(cls, error: SaathiError) -> Failure:
        return cls(error.code, error.message)


async def payload_or_error(action: Awaitable[P], on_error: Callable[[SaathiError], P]) -> P:
    """``action``'s answer, or ``on_error(error)`` when it raises an expected error."""
    try:
        return await action
    except SaathiError as error:
        return on_error(error)
