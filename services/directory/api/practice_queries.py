"""Staff queries of the practice records: ``supporters`` and ``supportersNeedingAttention`` for
the admins and supervisors of the centre (another centre's staff: ``FORBIDDEN``)."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.connections import Page
from saathi.service.graphene import acts_for
from saathi.service.graphene.connections import connection_of
from saathi.tokens import Role
from services.directory.api.context import context_of
from services.directory.api.practice_types import SupporterAttention, SupporterRecord
from services.directory.domain import cursors
from services.directory.domain import practice_editing as editing

OVERSEERS = (Role.CENTRE_ADMIN, Role.SUPERVISOR)


SupporterRecordConnection = connection_of("SupporterRecord", SupporterRecord, "profile")
SupporterAttentionConnection = connection_of("SupporterAttention", SupporterAttention, "attention")


class PracticeQuery(graphene.ObjectType):
    supporters = graphene.Field(
        SupporterRecordConnection,
        required=True,
        centre_id=graphene.ID(required=True),
        first=graphene.Int(default_value=cursors.DEFAULT_PAGE_SIZE),
        after=graphene.String(),
        description="centre_admin or supervisor of the centre: its peer supporters, by name.",
    )
    supporters_needing_attention = graphene.Field(
        SupporterAttentionConnection,
        required=True,
        centre_id=graphene.ID(required=True),
        first=graphene.Int(default_value=cursors.DEFAULT_PAGE_SIZE),
        after=graphene.String(),
        description="centre_admin or supervisor of the centre: supporters whose certification "
        "ends within 30 days (or has ended), or whose last supervision is older than the "
        "centre's interval (30 days by default), each with the reasons, by name.",
    )

    @staticmethod
    @acts_for(*OVERSEERS)
    async def resolve_supporters(
        root: None,
        info: GraphQLResolveInfo,
        centre_id: str,
        first: int | None = None,
        after: str | None = None,
    ) -> Page[editing.SupporterEdge]:
        principal = context_of(info).viewer.required()
        return await editing.centre_profiles(principal, centre_id, first, after)

    @staticmethod
    @acts_for(*OVERSEERS)
    async def resolve_supporters_needing_attention(
        root: None,
        info: GraphQLResolveInfo,
        centre_id: str,
        first: int | None = None,
        after: str | None = None,
    ) -> Page[editing.AttentionEdge]:
        principal = context_of(info).viewer.required()
        return await editing.needing_attention(principal, centre_id, first, after)
