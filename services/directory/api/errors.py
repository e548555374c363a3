"""Mutation errors as the directory sends them, identical to the other subgraphs'.

``errors_as_payload`` is the one wrapper that turns a raised ``SaathiError`` (a refusal by the
field's permission check included, which runs inside it) into the payload's ``error``.
"""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import graphene
from graphene_federation import shareable
from graphql import GraphQLResolveInfo

from saathi.errors import ErrorCode as ErrorCodes
from saathi.errors import SaathiError

# Built by hand rather than with ``Enum.from_enum``, which would print the Python docstring: the
# enum must print exactly as in the other subgraphs, which give it no description.
ErrorCode = type("ErrorCode", (graphene.Enum,), {"Meta": type("Meta", (), {"enum": ErrorCodes})})

Resolver = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Failure:
    """A ``SaathiError`` as a plain value: graphql-core would raise an exception it is handed."""

    code: ErrorCodes
    message: str

    @classmethod
    def of(cls, error: SaathiError) -> Failure:
        return cls(error.code, error.message)


# Why a mutation did nothing: a stable code and a message safe to show. (A comment, not a
# docstring: the type prints without a description, as in the other subgraphs.)
@shareable
class MutationError(graphene.ObjectType):
    class Meta:
        possible_types = (Failure,)

    code = graphene.Field(ErrorCode, required=True)
    message = graphene.String(required=True)


def errors_as_payload(payload: Callable[[SaathiError], Any]) -> Callable[[Resolver], Resolver]:
    """Answer ``payload(error)`` when the resolver (or its permission check) raises."""

    def decorate(resolve: Resolver) -> Resolver:
        @functools.wraps(resolve)
        async def resolver(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
            try:
                return await resolve(root, info, **arguments)
            except SaathiError as error:
                return payload(error)

        return resolver

    return decorate
