"""What a group mutation answers: the group, or why nothing was done."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from dataclasses import dataclass

import graphene

from saathi.service.graphene import MutationError, PayloadResult
from services.directory.api.types import PeerGroup
from services.directory.domain import records


@dataclass(frozen=True)
class GroupResult(PayloadResult):
    group: records.Group | None = None


class CreateGroupPayload(graphene.ObjectType):
    class Meta:
        possible_types = (GroupResult,)

    group = graphene.Field(PeerGroup, description="The new group; null when error is set.")
    error = graphene.Field(MutationError)


class UpdateGroupPayload(graphene.ObjectType):
    class Meta:
        possible_types = (GroupResult,)

    group = graphene.Field(PeerGroup, description="The group as changed; null when error is set.")
    error = graphene.Field(MutationError)
