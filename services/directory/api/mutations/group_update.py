"""``updateGroup``: a centre_admin changes a group of their own centre."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.graphene import acts_for, errors_as_payload
from saathi.tokens import Role
from services.directory.api.context import context_of
from services.directory.api.group_inputs import UpdateGroupInput, group_fields
from services.directory.api.mutations.payloads import GroupResult, UpdateGroupPayload
from services.directory.domain import editing


class UpdateGroup(graphene.ObjectType):
    update_group = graphene.Field(
        UpdateGroupPayload,
        required=True,
        id=graphene.ID(required=True),
        input=UpdateGroupInput(required=True),
        description="centre_admin of the group's centre. Fields left out keep their value.",
    )

    @staticmethod
    @errors_as_payload(GroupResult.failed)
    @acts_for(Role.CENTRE_ADMIN)
    async def resolve_update_group(
        root: None, info: GraphQLResolveInfo, id: str, input: Any
    ) -> GroupResult:
        context = context_of(info)
        principal = context.viewer.required()
        group = await editing.update_group(
            principal, id, group_fields(input), context.peers, context.clock()
        )
        return GroupResult(group=group)
