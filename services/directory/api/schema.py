"""The directory's Federation v2 schema, and the SDL it gives the gateway (``_service { sdl }``)."""

from __future__ import annotations

from functools import cache

from graphene_federation import FederationVersion, build_schema
from graphql import graphql_sync

from services.directory.api.mutations import Mutation
from services.directory.api.queries import Query

FEDERATION_VERSION = FederationVersion.VERSION_2_5

schema = build_schema(query=Query, mutation=Mutation, federation_version=FEDERATION_VERSION)


@cache
def sdl() -> str:
    """The subgraph's SDL, exactly as ``{ _service { sdl } }`` answers it."""
    result = graphql_sync(schema.graphql_schema, "{ _service { sdl } }")
    if result.errors or result.data is None:
        raise RuntimeError(f"the directory schema cannot print its SDL: {result.errors}")
    return str(result.data["_service"]["sdl"])
