"""The toolkit as strawberry wants it: ``MutationError``, the payload wrapper, permission
classes, the ``/graphql`` view base."""

from __future__ import annotations

from saathi.service.strawberry.connections import PageInfo
from saathi.service.strawberry.errors import (
    ErrorCodeEnum,
    ErrorsAsPayload,
    MutationError,
    error_payload,
    mutation,
    mutation_extensions,
)
from saathi.service.strawberry.permissions import (
    ActsFor,
    IsParticipant,
    IsSelf,
    centre_argument,
    parent_centre,
    parent_id,
)
from saathi.service.strawberry.view import ServiceGraphQL

__all__ = [
    "ActsFor",
    "ErrorCodeEnum",
    "ErrorsAsPayload",
    "IsParticipant",
    "IsSelf",
    "MutationError",
    "PageInfo",
    "ServiceGraphQL",
    "centre_argument",
    "error_payload",
    "mutation",
    "mutation_extensions",
    "parent_centre",
    "parent_id",
]
