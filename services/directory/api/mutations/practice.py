"""The practice mutations: ``addPeerSupporter``, ``recordTraining``, ``certifySupporter``
(centre_admin), ``recordSupervision`` (supervisor) and ``updateCentrePractice`` (centre_admin),
each on the caller's own centre alone."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.graphene import MutationError, PayloadResult, acts_for, errors_as_payload
from saathi.tokens import Role
from services.directory.api.context import context_of
from services.directory.api.practice_enums import CentreKind, TrainingModule, enum_name
from services.directory.api.practice_types import CentrePractice, Supervision, SupporterRecord
from services.directory.domain import practice_editing as editing
from services.directory.domain import records as practice


@dataclass(frozen=True)
class SupporterResult(PayloadResult):
    supporter: practice.Profile | None = None


@dataclass(frozen=True)
class SupervisionResult(PayloadResult):
    supervision: practice.SupervisionRecord | None = None


@dataclass(frozen=True)
class PracticeResult(PayloadResult):
    practice: practice.Practice | None = None


class SupporterPayload(graphene.ObjectType):
    class Meta:
        possible_types = (SupporterResult,)

    supporter = graphene.Field(SupporterRecord, description="Null when error is set.")
    error = graphene.Field(MutationError)


class RecordSupervisionPayload(graphene.ObjectType):
    class Meta:
        possible_types = (SupervisionResult,)

    supervision = graphene.Field(Supervision, description="Null when error is set.")
    error = graphene.Field(MutationError)


class CentrePracticePayload(graphene.ObjectType):
    class Meta:
        possible_types = (PracticeResult,)

    practice = graphene.Field(CentrePractice, description="Null when error is set.")
    error = graphene.Field(MutationError)


class AddPeerSupporterInput(graphene.InputObjectType):
    centre_id = graphene.ID(required=True)
    display_name = graphene.String(required=True)
    languages = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="ISO 639-1 codes."
    )
    lived_experience = graphene.String(
        description="Optional, in the supporter's own words; stored sealed."
    )


class RecordTrainingInput(graphene.InputObjectType):
    supporter_id = graphene.ID(required=True)
    module = graphene.Field(TrainingModule, required=True)
    completed_on = graphene.Date(required=True)


class CertifySupporterInput(graphene.InputObjectType):
    supporter_id = graphene.ID(required=True)
    valid_until = graphene.Date(required=True)


class RecordSupervisionInput(graphene.InputObjectType):
    supporter_id = graphene.ID(required=True)
    held_on = graphene.Date(required=True)
    minutes = graphene.Int(required=True)
    notes = graphene.String(
        description="Stored sealed; read only by the centre's supervisors and admins."
    )


class CentrePracticeInput(graphene.InputObjectType):
    kind = graphene.Field(CentreKind)
    code_of_conduct = graphene.String()
    supervision_interval_days = graphene.Int()


@dataclass(frozen=True)
class ResidentsOnlyResult(PayloadResult):
    residents_only: bool | None = None


class SetResidentsOnlyPayload(graphene.ObjectType):
    class Meta:
        possible_types = (ResidentsOnlyResult,)

    residents_only = graphene.Boolean(description="As now set; null when error is set.")
    error = graphene.Field(MutationError)


class PracticeMutations(graphene.ObjectType):
    set_residents_only = graphene.Field(
        SetResidentsOnlyPayload,
        required=True,
        group_id=graphene.ID(required=True),
        residents_only=graphene.Boolean(required=True),
        description="centre_admin of a RESIDENTIAL centre: keep the group for its residents "
        "(out of public search, bookable only by residents admitted with admitResident).",
    )
    add_peer_supporter = graphene.Field(
        SupporterPayload,
        required=True,
        input=AddPeerSupporterInput(required=True),
        description="centre_admin of the input's centre.",
    )
    record_training = graphene.Field(
        SupporterPayload,
        required=True,
        input=RecordTrainingInput(required=True),
        description="centre_admin of the supporter's centre.",
    )
    certify_supporter = graphene.Field(
        SupporterPayload,
        required=True,
        input=CertifySupporterInput(required=True),
        description="centre_admin of the supporter's centre; from today until validUntil, "
        "once crisis management and boundaries training are completed.",
    )
    record_supervision = graphene.Field(
        RecordSupervisionPayload,
        required=True,
        input=RecordSupervisionInput(required=True),
        description="supervisor of the supporter's centre, who becomes their supervisor.",
    )
    update_centre_practice = graphene.Field(
        CentrePracticePayload,
        required=True,
        centre_id=graphene.ID(required=True),
        input=CentrePracticeInput(required=True),
        description="centre_admin of the centre. Fields left out keep their value.",
    )

    @staticmethod
    @errors_as_payload(SupporterResult.failed)
    @acts_for(Role.CENTRE_ADMIN)
    async def resolve_add_peer_supporter(
        root: None, info: GraphQLResolveInfo, input: Any
    ) -> SupporterResult:
        context = context_of(info)
        given = editing.NewSupporter(
            centre_id=str(input["centre_id"]),
            display_name=str(input["display_name"]),
            languages=tuple(str(v) for v in input["languages"]),
            lived_experience=input.get("lived_experience"),
        )
        profile = await editing.add_supporter(context.viewer.required(), given, context.keys)
        return SupporterResult(profile)

    @staticmethod
    @errors_as_payload(SupporterResult.failed)
    @acts_for(Role.CENTRE_ADMIN)
    async def resolve_record_training(
        root: None, info: GraphQLResolveInfo, input: Any
    ) -> SupporterResult:
        module = practice.TrainingModule[enum_name(input["module"])]
        completed_on: date = input["completed_on"]
        profile = await editing.record_training(
            context_of(info).viewer.required(), str(input["supporter_id"]), module, completed_on
        )
        return SupporterResult(profile)

    @staticmethod
    @errors_as_payload(SupporterResult.failed)
    @acts_for(Role.CENTRE_ADMIN)
    async def resolve_certify_supporter(
        root: None, info: GraphQLResolveInfo, input: Any
    ) -> SupporterResult:
        profile = await editing.certify(
            context_of(info).viewer.required(), str(input["supporter_id"]), input["valid_until"]
        )
        return SupporterResult(profile)

    @staticmethod
    @errors_as_payload(SupervisionResult.failed)
    @acts_for(Role.SUPERVISOR)
    async def resolve_record_supervision(
        root: None, info: GraphQLResolveInfo, input: Any
    ) -> SupervisionResult:
        context = context_of(info)
        given = editing.NewSupervision(
            supporter_id=str(input["supporter_id"]),
            held_on=input["held_on"],
            minutes=int(input["minutes"]),
            notes=input.get("notes"),
        )
        record = await editing.record_supervision(context.viewer.required(), given, context.keys)
        return SupervisionResult(record)

    @staticmethod
    @errors_as_payload(ResidentsOnlyResult.failed)
    @acts_for(Role.CENTRE_ADMIN)
    async def resolve_set_residents_only(
        root: None, info: GraphQLResolveInfo, group_id: str, residents_only: bool
    ) -> ResidentsOnlyResult:
        context = context_of(info)
        now = await editing.set_residents_only(
            context.viewer.required(), group_id, residents_only, context.peers
        )
        return ResidentsOnlyResult(now)

    @staticmethod
    @errors_as_payload(PracticeResult.failed)
    @acts_for(Role.CENTRE_ADMIN)
    async def resolve_update_centre_practice(
        root: None, info: GraphQLResolveInfo, centre_id: str, input: Any
    ) -> PracticeResult:
        kind = input.get("kind")
        change = editing.PracticeChange(
            kind=practice.CentreKind[enum_name(kind)] if kind is not None else None,
            code_of_conduct=input.get("code_of_conduct"),
            supervision_interval_days=input.get("supervision_interval_days"),
        )
        updated = await editing.update_practice(
            context_of(info).viewer.required(), centre_id, change
        )
        return PracticeResult(updated)
