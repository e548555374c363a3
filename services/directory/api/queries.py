"""The directory's root query fields: each decodes its arguments and makes one domain call."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.connections import Page
from services.directory.api.community import CommunityQuery
from services.directory.api.connections import CentreConnection, NearbyGroupConnection
from services.directory.api.context import context_of
from services.directory.api.inputs import GeoPointInput, GroupFilter, group_filter, point
from services.directory.api.mentors import MentorQuery
from services.directory.api.practice_enums import CentreKind, enum_name
from services.directory.api.practice_queries import PracticeQuery
from services.directory.api.types import Centre, CrisisResource, PeerGroup
from services.directory.domain import centres as centre_list
from services.directory.domain import community, crisis, cursors, geometry, lookups, nearby, records
from services.directory.domain.records import CentreKind as Kind


class Query(CommunityQuery, MentorQuery, PracticeQuery, graphene.ObjectType):
    centres = graphene.Field(
        CentreConnection,
        required=True,
        city=graphene.String(),
        first=graphene.Int(default_value=cursors.DEFAULT_PAGE_SIZE),
        after=graphene.String(),
        kind=graphene.Argument(CentreKind),
    )
    centre = graphene.Field(Centre, id=graphene.ID(required=True))
    group = graphene.Field(PeerGroup, id=graphene.ID(required=True))
    nearby_groups = graphene.Field(
        NearbyGroupConnection,
        required=True,
        near=GeoPointInput(required=True),
        radius_km=graphene.Float(default_value=geometry.DEFAULT_RADIUS_KM),
        filter=GroupFilter(),
        first=graphene.Int(default_value=cursors.DEFAULT_PAGE_SIZE),
        after=graphene.String(),
        description="Groups nearest first (ties by id). An online group counts as at its centre.",
    )
    crisis_resources = graphene.List(
        graphene.NonNull(CrisisResource),
        required=True,
        city=graphene.String(),
        description="The national lines always, then any for the city.",
    )

    @staticmethod
    async def resolve_centres(
        root: None,
        info: GraphQLResolveInfo,
        city: str | None = None,
        first: int | None = None,
        after: str | None = None,
        kind: Any = None,
    ) -> Page[centre_list.CentreEdge]:
        if kind is not None:
            return await community.centres_of_kind(Kind[enum_name(kind)], city, first, after)
        return await centre_list.centres(city, first, after)

    @staticmethod
    async def resolve_centre(root: None, info: GraphQLResolveInfo, id: str) -> records.Centre:
        found = await context_of(info).loaders.centres.load(id)
        return lookups.found(found, "centre", id)

    @staticmethod
    async def resolve_group(root: None, info: GraphQLResolveInfo, id: str) -> records.Group:
        found = await context_of(info).loaders.groups.load(id)
        return lookups.found(found, "group", id)

    @staticmethod
    async def resolve_nearby_groups(
        root: None,
        info: GraphQLResolveInfo,
        near: Any,
        radius_km: float | None = None,
        filter: Any | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page[nearby.NearbyEdge]:
        search = nearby.NearbySearch(point(near), radius_km, group_filter(filter), first, after)
        return await nearby.nearby_groups(search, context_of(info).peers)

    @staticmethod
    def resolve_crisis_resources(
        root: None, info: GraphQLResolveInfo, city: str | None = None
    ) -> list[records.CrisisResource]:
        return crisis.crisis_resources(city)
