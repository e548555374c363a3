"""``MutationError`` and the errors-as-payload field extension, for strawberry subgraphs.

``mutation(resolver, payload, *permissions)`` is a mutation field whose permissions run inside
``ErrorsAsPayload``: strawberry's own ``permission_classes`` sit outermost, where a refusal
would escape as a GraphQL error instead of the payload's ``error``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, Self

import strawberry
from strawberry.extensions.field_extension import AsyncExtensionResolver, FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from saathi.errors import ErrorCode, SaathiError
from saathi.service.payload import Failure, payload_or_error

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")


# Shareable: every subgraph defines this same type, and the gateway composes them into one.
@strawberry.federation.type(name="MutationError", shareable=True)
class MutationError:
    """Why a mutation did nothing: a stable code and a message safe to show."""

    code: ErrorCode
    message: str

    @classmethod
    def of(cls, error: SaathiError) -> Self:
        failure = Failure.of(error)
        return cls(code=failure.code, message=failure.message)


class PayloadWithError(Protocol):
    """A payload class that says itself how it answers an error (extra fields, say)."""

    @classmethod
    def from_error(cls, error: SaathiError) -> Any: ...


OnError = Callable[[SaathiError], Any]


def error_payload(payload: Callable[..., Any]) -> OnError:
    """How ``payload`` answers an error: its own ``from_error`` when it has one, else
    ``payload(error=MutationError.of(error))``."""
    own = getattr(payload, "from_error", None)
    if callable(own):
        return own  # type: ignore[no-any-return]
    return lambda error: payload(error=MutationError.of(error))


class ErrorsAsPayload(FieldExtension):
    """Answer the payload's ``error`` when the mutation (or a permission inside) raises."""

    def __init__(self, payload: Callable[..., Any]) -> None:
        self.on_error = error_payload(payload)

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: strawberry.Info, **kwargs: Any
    ) -> Any:
        return await payload_or_error(next_(source, info, **kwargs), self.on_error)


def mutation_extensions(
    payload: Callable[..., Any], *permissions: BasePermission
) -> list[FieldExtension]:
    """A mutation field's extensions: its permissions, wrapped by ``ErrorsAsPayload``."""
    if not permissions:
        return [ErrorsAsPayload(payload)]
    return [PermissionExtension(list(permissions), use_directives=False), ErrorsAsPayload(payload)]


def mutation(
    resolver: Callable[..., Any],
    payload: Callable[..., Any],
    *permissions: BasePermission,
    description: str | None = None,
) -> Any:
    """A mutation field: ``resolver`` behind ``permissions``, errors as ``payload``."""
    return strawberry.mutation(
        resolver=resolver,
        description=description,
        extensions=mutation_extensions(payload, *permissions),
    )
