"""The consent subgraph's federation schema and its SDL."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError

from services.consent.api.mutations import Mutation
from services.consent.api.queries import Query
from services.consent.api.types import Centre


class _Schema(strawberry.federation.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Errors are logged once, when the response is formatted (``format_error``)."""


schema = _Schema(query=Query, mutation=Mutation, types=[Centre], federation_version="2.5")


def sdl() -> str:
    """The subgraph's SDL, as the gateway composes it."""
    return schema.as_str()
