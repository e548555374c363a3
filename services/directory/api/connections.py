"""Connections (cursor pagination) over centres and nearby groups.

Each reads a ``cursors.Page``; ``pageInfo`` is the page itself."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from services.directory.api.types import Centre, PeerGroup
from services.directory.domain import centres, cursors, nearby, records


# Not decorated: graphene-federation's build_schema marks any type named PageInfo @shareable
# itself and refuses a second @shareable. The SDL test checks that it is printed shareable.
class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String()


class _Connection(graphene.ObjectType):
    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Every match, not only this page.")
    page_info = graphene.Field(PageInfo, required=True)

    @staticmethod
    def resolve_page_info(parent: cursors.Page[Any], info: GraphQLResolveInfo) -> cursors.Page[Any]:
        return parent


class CentreEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    node = graphene.Field(Centre, required=True)

    @staticmethod
    def resolve_node(parent: centres.CentreEdge, info: GraphQLResolveInfo) -> records.Centre:
        return parent.centre


class CentreConnection(_Connection):
    edges = graphene.List(graphene.NonNull(CentreEdge), required=True)


class NearbyGroupEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    distance_km = graphene.Float(
        required=True, description="Great-circle distance from the search point, in km."
    )
    node = graphene.Field(PeerGroup, required=True)

    @staticmethod
    def resolve_node(parent: nearby.NearbyEdge, info: GraphQLResolveInfo) -> records.Group:
        return parent.group


class NearbyGroupConnection(_Connection):
    edges = graphene.List(graphene.NonNull(NearbyGroupEdge), required=True)
