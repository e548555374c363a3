"""Connections (cursor pagination) over centres and nearby groups.

Each reads a ``saathi.service.connections.Page`` through the toolkit's ``Connection``."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.graphene.connections import Connection, connection_of
from services.directory.api.types import Centre, PeerGroup
from services.directory.domain import nearby, records

CentreConnection = connection_of("Centre", Centre, "centre")


class NearbyGroupEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    distance_km = graphene.Float(
        required=True, description="Great-circle distance from the search point, in km."
    )
    node = graphene.Field(PeerGroup, required=True)

    @staticmethod
    def resolve_node(parent: nearby.NearbyEdge, info: GraphQLResolveInfo) -> records.Group:
        return parent.group


class NearbyGroupConnection(Connection):
    edges = graphene.List(graphene.NonNull(NearbyGroupEdge), required=True)
