"""``deleteMyAccount``: erase everything the network holds about the signed-in participant."""

from __future__ import annotations

from typing import Self

import strawberry

from saathi.errors import SaathiError
from saathi.service.strawberry import MutationError
from services.consent.api.context import Context
from services.consent.domain import erasure


@strawberry.type
class DeleteMyAccountPayload:
    deleted: bool
    error: MutationError | None = None

    @classmethod
    def from_error(cls, error: SaathiError) -> Self:
        return cls(deleted=False, error=MutationError.of(error))


async def delete_my_account(info: strawberry.Info[Context]) -> DeleteMyAccountPayload:
    context = info.context
    await erasure.erase_account(context.deps, context.viewer.participant())
    return DeleteMyAccountPayload(deleted=True)
