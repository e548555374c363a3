"""Community programmes, navigation resources and centres by kind, as GraphQL."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.connections import Page
from saathi.service.graphene import MutationError, PayloadResult, acts_for, errors_as_payload
from saathi.service.graphene.connections import connection_of
from saathi.tokens import Role
from services.directory.api.context import context_of
from services.directory.api.enums import Audience
from services.directory.api.inputs import names
from services.directory.api.practice_enums import enum_name
from services.directory.api.types import Centre, PeerGroup
from services.directory.domain import community, cursors, lookups, records

PartnerKind = type(
    "PartnerKind", (graphene.Enum,), {"Meta": type("Meta", (), {"enum": records.PartnerKind})}
)
ResourceCategory = type(
    "ResourceCategory",
    (graphene.Enum,),
    {"Meta": type("Meta", (), {"enum": records.ResourceCategory})},
)


class Programme(graphene.ObjectType):
    """A community programme a centre runs with a partner organisation."""

    class Meta:
        possible_types = (records.ProgrammeRecord,)

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    partner_organisation = graphene.String(required=True)
    partner_kind = graphene.Field(PartnerKind, required=True)
    audience = graphene.List(graphene.NonNull(Audience), required=True)
    centre = graphene.Field(Centre, required=True)
    groups = graphene.List(graphene.NonNull(PeerGroup), required=True)

    @staticmethod
    def resolve_partner_organisation(
        parent: records.ProgrammeRecord, info: GraphQLResolveInfo
    ) -> str:
        return parent.partner_name

    @staticmethod
    def resolve_partner_kind(parent: records.ProgrammeRecord, info: GraphQLResolveInfo) -> str:
        return parent.partner_kind.value

    @staticmethod
    def resolve_centre(
        parent: records.ProgrammeRecord, info: GraphQLResolveInfo
    ) -> Awaitable[records.Centre | None]:
        return context_of(info).loaders.centres.load(parent.centre_id)

    @staticmethod
    async def resolve_groups(
        parent: records.ProgrammeRecord, info: GraphQLResolveInfo
    ) -> list[records.Group]:
        loaders = context_of(info).loaders
        found = [await loaders.groups.load(group_id) for group_id in parent.group_ids]
        return [group for group in found if group is not None]


ProgrammeConnection = connection_of("Programme", Programme, "programme")


class NavigationResource(graphene.ObjectType):
    """Help finding one's way: legal aid, rights, de-addiction helplines, government schemes."""

    class Meta:
        possible_types = (records.Resource,)

    name = graphene.String(required=True)
    description = graphene.String(required=True)
    category = graphene.Field(ResourceCategory, required=True)
    phone = graphene.String()
    website = graphene.String()
    languages = graphene.List(graphene.NonNull(graphene.String), required=True)
    city = graphene.String(description="Null for a national resource.")
    centre = graphene.Field(Centre, description="The centre that lists it; null if national.")

    @staticmethod
    def resolve_category(parent: records.Resource, info: GraphQLResolveInfo) -> str:
        return parent.category.value

    @staticmethod
    def resolve_centre(
        parent: records.Resource, info: GraphQLResolveInfo
    ) -> Awaitable[records.Centre | None] | None:
        return context_of(info).loaders.centres.load(parent.centre_id) if parent.centre_id else None


@dataclass(frozen=True)
class ProgrammeResult(PayloadResult):
    programme: records.ProgrammeRecord | None = None


@dataclass(frozen=True)
class ResourceResult(PayloadResult):
    resource: records.Resource | None = None


class CreateProgrammePayload(graphene.ObjectType):
    class Meta:
        possible_types = (ProgrammeResult,)

    programme = graphene.Field(Programme)
    error = graphene.Field(MutationError)


class AddNavigationResourcePayload(graphene.ObjectType):
    class Meta:
        possible_types = (ResourceResult,)

    resource = graphene.Field(NavigationResource)
    error = graphene.Field(MutationError)


class CreateProgrammeInput(graphene.InputObjectType):
    centre_id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String()
    partner_organisation = graphene.String(required=True)
    partner_kind = graphene.Field(PartnerKind, required=True)
    audience = graphene.List(graphene.NonNull(Audience), required=True)
    group_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        required=True,
        description="COMMUNITY_PROGRAMME groups of the centre.",
    )


class AddNavigationResourceInput(graphene.InputObjectType):
    centre_id = graphene.ID(required=True)
    category = graphene.Field(ResourceCategory, required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    phone = graphene.String()
    website = graphene.String()
    languages = graphene.List(graphene.NonNull(graphene.String))


class CommunityMutations(graphene.ObjectType):
    create_programme = graphene.Field(
        CreateProgrammePayload,
        required=True,
        input=CreateProgrammeInput(required=True),
        description="centre_admin of the input's centre.",
    )
    add_navigation_resource = graphene.Field(
        AddNavigationResourcePayload,
        required=True,
        input=AddNavigationResourceInput(required=True),
        description="centre_admin of the input's centre; listed for the centre's city.",
    )

    @staticmethod
    @errors_as_payload(ProgrammeResult.failed)
    @acts_for(Role.CENTRE_ADMIN)
    async def resolve_create_programme(
        root: None, info: GraphQLResolveInfo, input: Any
    ) -> ProgrammeResult:
        given = community.NewProgramme(
            centre_id=str(input["centre_id"]),
            name=str(input["name"]),
            description=str(input.get("description") or ""),
            partner_name=str(input["partner_organisation"]),
            partner_kind=records.PartnerKind[enum_name(input["partner_kind"])],
            audience=names(input["audience"]),
            group_ids=tuple(str(g) for g in input["group_ids"]),
        )
        record = await community.create_programme(context_of(info).viewer.required(), given)
        return ProgrammeResult(record)

    @staticmethod
    @errors_as_payload(ResourceResult.failed)
    @acts_for(Role.CENTRE_ADMIN)
    async def resolve_add_navigation_resource(
        root: None, info: GraphQLResolveInfo, input: Any
    ) -> ResourceResult:
        given = community.NewResource(
            centre_id=str(input["centre_id"]),
            category=records.ResourceCategory[enum_name(input["category"])],
            name=str(input["name"]),
            description=str(input["description"]),
            phone=input.get("phone"),
            website=input.get("website"),
            languages=tuple(str(v).strip().lower() for v in input.get("languages") or ()),
        )
        resource = await community.add_resource(context_of(info).viewer.required(), given)
        return ResourceResult(resource)


class CommunityQuery(graphene.ObjectType):
    programmes = graphene.Field(
        ProgrammeConnection,
        required=True,
        centre_id=graphene.ID(),
        city=graphene.String(),
        first=graphene.Int(default_value=cursors.DEFAULT_PAGE_SIZE),
        after=graphene.String(),
        description="Community programmes, of a centre or a city (any case), by name.",
    )
    programme = graphene.Field(Programme, id=graphene.ID(required=True))
    navigation_resources = graphene.List(
        graphene.NonNull(NavigationResource),
        required=True,
        city=graphene.String(),
        language=graphene.String(description="An ISO 639-1 code."),
        category=graphene.Argument(ResourceCategory),
        description="The national resources always, then those centres list for the city.",
    )

    @staticmethod
    async def resolve_programmes(
        root: None,
        info: GraphQLResolveInfo,
        centre_id: str | None = None,
        city: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Page[community.ProgrammeEdge]:
        return await community.programmes(centre_id, city, first, after)

    @staticmethod
    async def resolve_programme(
        root: None, info: GraphQLResolveInfo, id: str
    ) -> records.ProgrammeRecord:
        found = (await community.programmes_by_ids([id])).get(id)
        return lookups.found(found, "programme", id)

    @staticmethod
    async def resolve_navigation_resources(
        root: None,
        info: GraphQLResolveInfo,
        city: str | None = None,
        language: str | None = None,
        category: Any = None,
    ) -> list[records.Resource]:
        wanted = records.ResourceCategory[enum_name(category)] if category is not None else None
        return await community.navigation_resources(city, language, wanted)


def programme_of_group(
    group: records.Group, info: GraphQLResolveInfo
) -> Awaitable[records.ProgrammeRecord | None]:
    """``PeerGroup.programme``: the programme a group belongs to, batched for the request."""
    return context_of(info).loaders.programmes_of_groups.load(group.id)
