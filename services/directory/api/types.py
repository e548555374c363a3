"""The directory's object types. Each reads a ``records`` value; fields that need another
record go through the request's loaders, so a page of groups costs one query per type."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from collections.abc import Awaitable

import graphene
from graphene_federation import key, shareable
from graphql import GraphQLResolveInfo

from services.directory.api.context import context_of
from services.directory.api.enums import AccessibilityFeature, Audience, Focus, Format, GroupKind
from services.directory.api.practice_enums import CentreKind
from services.directory.domain import records, recurrence, visibility
from services.directory.domain.practice import DEFAULT_CODE_OF_CONDUCT


@shareable
class GeoPoint(graphene.ObjectType):
    """A WGS84 position in decimal degrees."""

    lat = graphene.Float(required=True)
    lng = graphene.Float(required=True)


class Address(graphene.ObjectType):
    line1 = graphene.String()
    city = graphene.String()
    postcode = graphene.String()


@key(fields="id")
class Centre(graphene.ObjectType):
    """A peer-support centre of the network."""

    class Meta:
        possible_types = (records.Centre,)

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    city = graphene.String(required=True)
    phone = graphene.String()
    website = graphene.String()
    address = graphene.Field(Address)
    location = graphene.Field(GeoPoint)
    languages = graphene.List(graphene.NonNull(graphene.String), required=True)
    is_partner = graphene.Boolean(required=True)
    kind = graphene.Field(CentreKind, required=True, description="COMMUNITY unless set.")
    code_of_conduct = graphene.String(
        required=True, description="The centre's own, or the network's default."
    )

    def __resolve_reference(self, info: GraphQLResolveInfo) -> Awaitable[records.Centre | None]:
        return context_of(info).loaders.centres.load(str(self.id))

    @staticmethod
    async def resolve_kind(parent: records.Centre, info: GraphQLResolveInfo) -> str:
        practice = await context_of(info).loaders.practices.load(parent.id)
        return practice.kind.value if practice else "COMMUNITY"

    @staticmethod
    async def resolve_code_of_conduct(parent: records.Centre, info: GraphQLResolveInfo) -> str:
        return await code_of_conduct(info, parent.id)


async def code_of_conduct(info: GraphQLResolveInfo, centre_id: str) -> str:
    """A centre's code of conduct: its own, or the default every new centre starts with."""
    practice = await context_of(info).loaders.practices.load(centre_id)
    return (practice.code_of_conduct if practice else None) or DEFAULT_CODE_OF_CONDUCT


@key(fields="id")
class PeerSupporter(graphene.ObjectType):
    """A trained peer supporter. The directory holds no contact details for them."""

    class Meta:
        possible_types = (records.Supporter,)

    id = graphene.ID(required=True)
    display_name = graphene.String(required=True)
    trained_in = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Training modules completed (active listening, crisis management, ...).",
    )

    def __resolve_reference(self, info: GraphQLResolveInfo) -> Awaitable[records.Supporter | None]:
        return context_of(info).loaders.supporters.load(str(self.id))


class Schedule(graphene.ObjectType):
    """When a group meets: an RFC 5545 RRULE in the group's IANA time zone."""

    rrule = graphene.String(required=True)
    timezone = graphene.String(required=True)
    duration_minutes = graphene.Int(required=True)
    starts_on = graphene.Date(required=True)
    summary = graphene.String(
        required=True, description='For people: "Every Tuesday, 6:00 pm to 7:30 pm".'
    )

    @staticmethod
    def resolve_summary(parent: records.Schedule, info: GraphQLResolveInfo) -> str:
        return recurrence.schedule_summary(parent)


@key(fields="id")
class PeerGroup(graphene.ObjectType):
    """A recurring peer group of one centre."""

    class Meta:
        possible_types = (records.Group,)

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    kind = graphene.Field(GroupKind, required=True)
    focus = graphene.List(graphene.NonNull(Focus), required=True)
    format = graphene.Field(Format, required=True)
    languages = graphene.List(graphene.NonNull(graphene.String), required=True)
    audience = graphene.List(graphene.NonNull(Audience), required=True)
    accessibility = graphene.List(graphene.NonNull(AccessibilityFeature), required=True)
    address = graphene.Field(Address)
    location = graphene.Field(GeoPoint)
    centre = graphene.Field(Centre, required=True)
    facilitator = graphene.Field(PeerSupporter)
    capacity = graphene.Int(required=True)
    online_join_url = graphene.String(
        description="Only for the centre's staff and participants with a confirmed booking "
        "ahead at this group; null for everyone else."
    )
    schedule = graphene.Field(Schedule, required=True)
    code_of_conduct = graphene.String(
        required=True, description="The code of conduct of the group's centre."
    )
    programme = graphene.Field(
        "services.directory.api.community.Programme",
        description="The community programme the group is part of, if any.",
    )

    def __resolve_reference(self, info: GraphQLResolveInfo) -> Awaitable[records.Group | None]:
        return context_of(info).loaders.groups.load(str(self.id))

    @staticmethod
    def resolve_centre(
        parent: records.Group, info: GraphQLResolveInfo
    ) -> Awaitable[records.Centre | None]:
        return context_of(info).loaders.centres.load(parent.centre_id)

    @staticmethod
    async def resolve_online_join_url(
        parent: records.Group, info: GraphQLResolveInfo
    ) -> str | None:
        context = context_of(info)
        principal = context.viewer.optional()
        access = visibility.join_link_access(principal, parent)
        if access is visibility.JoinLinkAccess.SHOWN:
            return parent.online_join_url
        if access is visibility.JoinLinkAccess.IF_BOOKED and principal is not None:
            booked = await context.loaders.booked.load(context.peers, principal.subject, parent.id)
            return parent.online_join_url if booked else None
        return None

    @staticmethod
    async def resolve_code_of_conduct(parent: records.Group, info: GraphQLResolveInfo) -> str:
        return await code_of_conduct(info, parent.centre_id)

    @staticmethod
    async def resolve_programme(parent: records.Group, info: GraphQLResolveInfo) -> object:
        from services.directory.api.community import programme_of_group

        return await programme_of_group(parent, info)

    @staticmethod
    def resolve_facilitator(
        parent: records.Group, info: GraphQLResolveInfo
    ) -> Awaitable[records.Supporter | None] | None:
        if parent.facilitator_id is None:
            return None
        return context_of(info).loaders.supporters.load(parent.facilitator_id)


@shareable
class CrisisResource(graphene.ObjectType):
    """A helpline to call now. Shareable: consent lists the directory's lines (asked of the
    directory) with a low wellbeing check-in."""

    name = graphene.String(required=True)
    phone = graphene.String(required=True)
    hours = graphene.String(required=True)
    languages = graphene.List(graphene.NonNull(graphene.String), required=True)
    description = graphene.String(required=True)
