"""``MutationError`` and the errors-as-payload wrapper, for graphene subgraphs.

The same type as the strawberry subgraphs print (``saathi.service.strawberry``), over the same
core (``saathi.service.payload``): a resolver wrapped by ``errors_as_payload(payload)`` answers
``payload(error)`` when it, or a permission wrapper inside it, raises ``SaathiError``; the
payload's ``error`` field holds ``Failure.of(error)``, which ``MutationError`` resolves.
"""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Self

import graphene
from graphene_federation import shareable
from graphql import GraphQLResolveInfo

from saathi.errors import ErrorCode as ErrorCodes
from saathi.errors import SaathiError
from saathi.service.payload import Failure, payload_or_error

# Built by hand rather than with ``Enum.from_enum``, which would print the Python docstring: the
# enum must print exactly as in the other subgraphs, which give it no description.
ErrorCode = type("ErrorCode", (graphene.Enum,), {"Meta": type("Meta", (), {"enum": ErrorCodes})})

Resolver = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class PayloadResult:
    """The value behind a graphene payload: a subclass adds what the mutation made (positional,
    ``GroupResult(group)``); ``failed`` is the ``errors_as_payload`` argument that says why it
    made nothing."""

    error: Failure | None = field(default=None, kw_only=True)

    @classmethod
    def failed(cls, error: SaathiError) -> Self:
        return cls(error=Failure.of(error))


# Why a mutation did nothing: a stable code and a message safe to show. (A comment, not a
# docstring: the type prints without a description, as in the other subgraphs.) Shareable: every
# subgraph defines it, and the gateway composes them into one.
@shareable
class MutationError(graphene.ObjectType):
    class Meta:
        possible_types = (Failure,)

    code = graphene.Field(ErrorCode, required=True)
    message = graphene.String(required=True)


def errors_as_payload(payload: Callable[[SaathiError], Any]) -> Callable[[Resolver], Resolver]:
    """Answer ``payload(error)`` when the resolver (or its permission) raises."""

    def decorate(resolve: Resolver) -> Resolver:
        @functools.wraps(resolve)
        async def resolver(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
            return await payload_or_error(resolve(root, info, **arguments), payload)

        return resolver

    return decorate
