"""Errors as the sessions subgraph sends them.

Queries: a ``SaathiError`` goes out as a GraphQL error with ``extensions.code`` (formatted by
``saathi.graphql_errors.format_error`` in the view). Mutations: ``ErrorsAsPayload`` is the one
wrapper that turns a raised ``SaathiError`` into the payload's ``error``, including a refusal by
the field's permissions, which run inside it (see ``participant_mutation``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.extensions.field_extension import AsyncExtensionResolver, FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from saathi.errors import ErrorCode, SaathiError

ErrorCodeEnum = strawberry.enum(ErrorCode)


@strawberry.federation.type(name="MutationError", shareable=True)
class MutationError:
    """Why a mutation did nothing: a stable code and a message safe to show."""

    code: ErrorCode
    message: str

    @classmethod
    def from_error(cls, error: SaathiError) -> MutationError:
        return cls(code=error.code, message=error.message)


class ErrorsAsPayload(FieldExtension):
    """Answer ``payload(error=...)`` when the mutation (or its permission check) raises."""

    def __init__(self, payload: Callable[..., Any]) -> None:
        self.payload = payload

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: strawberry.Info, **kwargs: Any
    ) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except SaathiError as error:
            return self.payload(error=MutationError.from_error(error))


def participant_mutation(
    payload: Callable[..., Any], *permissions: BasePermission
) -> list[FieldExtension]:
    """A mutation field's extensions: its permissions, wrapped by ``ErrorsAsPayload``.

    These are what ``permission_classes`` would add, but placed inside the payload wrapper:
    strawberry appends ``permission_classes`` outermost, where a refusal would escape as a
    GraphQL error instead of the payload's ``error``.
    """
    return [PermissionExtension(list(permissions), use_directives=False), ErrorsAsPayload(payload)]
