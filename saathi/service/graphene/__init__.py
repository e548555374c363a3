"""The toolkit as graphene wants it: ``MutationError``, the payload wrapper, permission
wrappers, the ``/graphql`` endpoint."""

from __future__ import annotations

from saathi.service.graphene.connections import Connection, PageInfo
from saathi.service.graphene.errors import (
    ErrorCode,
    MutationError,
    PayloadResult,
    Resolver,
    errors_as_payload,
)
from saathi.service.graphene.permissions import acts_for
from saathi.service.graphene.view import DocumentCache, GrapheneGraphQL

__all__ = [
    "Connection",
    "DocumentCache",
    "ErrorCode",
    "GrapheneGraphQL",
    "MutationError",
    "PageInfo",
    "PayloadResult",
    "Resolver",
    "acts_for",
    "errors_as_payload",
]
