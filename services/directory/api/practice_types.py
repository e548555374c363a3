"""The practice records as GraphQL types: a supporter's record for their centre's admins and
supervisors, supervisions, attention, and a centre's practice. None of these is reachable by
the public: ``PeerSupporter`` (public) still shows only ``id``, ``displayName``, ``trainedIn``."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from collections.abc import Awaitable

import graphene
from graphql import GraphQLResolveInfo

from services.directory.api.context import context_of
from services.directory.api.practice_enums import AttentionReason, CentreKind, TrainingModule
from services.directory.api.types import PeerSupporter
from services.directory.domain import practice as rules
from services.directory.domain import practice_editing, records
from services.directory.domain import records as practice


class TrainingCompletion(graphene.ObjectType):
    class Meta:
        possible_types = (practice.Training,)

    module = graphene.Field(TrainingModule, required=True)
    completed_on = graphene.Date(required=True)

    @staticmethod
    def resolve_module(parent: practice.Training, info: GraphQLResolveInfo) -> str:
        return parent.module.value


class Supervision(graphene.ObjectType):
    """A supervision session; its notes are for the centre's supervisors and admins alone."""

    class Meta:
        possible_types = (practice.SupervisionRecord,)

    id = graphene.ID(required=True)
    supervisor_id = graphene.ID(required=True, description="The staff member who supervised.")
    held_on = graphene.Date(required=True)
    minutes = graphene.Int(required=True)
    notes = graphene.String()

    @staticmethod
    def resolve_notes(parent: practice.SupervisionRecord, info: GraphQLResolveInfo) -> str | None:
        keys = context_of(info).keys
        return rules.open_for(keys, parent.supporter_id, rules.NOTES_FIELD, parent.notes_sealed)


class SupporterRecord(graphene.ObjectType):
    """A peer supporter as their own centre's admins and supervisors see them."""

    class Meta:
        possible_types = (practice.Profile,)

    supporter = graphene.Field(PeerSupporter, required=True)
    languages = graphene.List(graphene.NonNull(graphene.String), required=True)
    lived_experience = graphene.String(description="In the supporter's own words.")
    training = graphene.List(graphene.NonNull(TrainingCompletion), required=True)
    certified_on = graphene.Date()
    certified_until = graphene.Date()
    supervisor_id = graphene.ID(description="The supervisor who last supervised them.")
    last_supervised_on = graphene.Date()
    supervisions = graphene.List(
        graphene.NonNull(Supervision), required=True, description="Newest first."
    )

    @staticmethod
    def resolve_supporter(
        parent: practice.Profile, info: GraphQLResolveInfo
    ) -> Awaitable[records.Supporter | None]:
        return context_of(info).loaders.supporters.load(parent.supporter_id)

    @staticmethod
    def resolve_lived_experience(parent: practice.Profile, info: GraphQLResolveInfo) -> str | None:
        keys = context_of(info).keys
        return rules.open_for(
            keys, parent.supporter_id, rules.STATEMENT_FIELD, parent.statement_sealed
        )

    @staticmethod
    async def resolve_supervisions(
        parent: practice.Profile, info: GraphQLResolveInfo
    ) -> list[practice.SupervisionRecord]:
        return await practice_editing.supervisions(parent.supporter_id)


class SupporterAttention(graphene.ObjectType):
    class Meta:
        possible_types = (practice.Attention,)

    supporter = graphene.Field(PeerSupporter, required=True)
    reasons = graphene.List(graphene.NonNull(AttentionReason), required=True)
    explanation = graphene.String(required=True, description="The reasons as a sentence.")
    certified_until = graphene.Date()
    last_supervised_on = graphene.Date()

    @staticmethod
    def resolve_supporter(
        parent: practice.Attention, info: GraphQLResolveInfo
    ) -> Awaitable[records.Supporter | None]:
        return context_of(info).loaders.supporters.load(parent.supporter_id)

    @staticmethod
    def resolve_reasons(parent: practice.Attention, info: GraphQLResolveInfo) -> list[str]:
        return [reason.value for reason in parent.reasons]


class CentrePractice(graphene.ObjectType):
    class Meta:
        possible_types = (practice.Practice,)

    kind = graphene.Field(CentreKind, required=True)
    code_of_conduct = graphene.String(required=True)
    supervision_interval_days = graphene.Int(required=True)

    @staticmethod
    def resolve_kind(parent: practice.Practice, info: GraphQLResolveInfo) -> str:
        return parent.kind.value

    @staticmethod
    def resolve_code_of_conduct(parent: practice.Practice, info: GraphQLResolveInfo) -> str:
        return parent.code_of_conduct or rules.DEFAULT_CODE_OF_CONDUCT
