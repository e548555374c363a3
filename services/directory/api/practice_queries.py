"""Staff queries of the practice records: ``supporters`` and ``supportersNeedingAttention`` for
the admins and supervisors of the centre (another centre's staff: ``FORBIDDEN``)."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.graphene import acts_for
from saathi.tokens import Role
from services.directory.api.context import context_of
from services.directory.api.practice_types import SupporterAttention, SupporterRecord
from services.directory.domain import practice_editing as editing
from services.directory.domain import records as practice

OVERSEERS = (Role.CENTRE_ADMIN, Role.SUPERVISOR)


class PracticeQuery(graphene.ObjectType):
    supporters = graphene.List(
        graphene.NonNull(SupporterRecord),
        required=True,
        centre_id=graphene.ID(required=True),
        description="centre_admin or supervisor of the centre: its peer supporters, by name.",
    )
    supporters_needing_attention = graphene.List(
        graphene.NonNull(SupporterAttention),
        required=True,
        centre_id=graphene.ID(required=True),
        description="centre_admin or supervisor of the centre: supporters whose certification "
        "ends within 30 days (or has ended), or whose last supervision is older than the "
        "centre's interval (30 days by default), each with the reasons.",
    )

    @staticmethod
    @acts_for(*OVERSEERS)
    async def resolve_supporters(
        root: None, info: GraphQLResolveInfo, centre_id: str
    ) -> list[practice.Profile]:
        return await editing.centre_profiles(context_of(info).viewer.required(), centre_id)

    @staticmethod
    @acts_for(*OVERSEERS)
    async def resolve_supporters_needing_attention(
        root: None, info: GraphQLResolveInfo, centre_id: str
    ) -> list[practice.Attention]:
        return await editing.needing_attention(context_of(info).viewer.required(), centre_id)
