"""The one wrapper that turns a raised ``SaathiError`` into a mutation payload's ``error``.

Anything else propagates, and is masked as ``INTERNAL_SERVER_ERROR`` with the request id.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol, Self, TypeVar

from saathi.errors import SaathiError


class Payload(Protocol):
    @classmethod
    def from_error(cls, error: SaathiError) -> Self: ...


P = TypeVar("P", bound=Payload)


async def payload_or_error(payload: type[P], action: Awaitable[P]) -> P:
    try:
        return await action
    except SaathiError as error:
        return payload.from_error(error)
