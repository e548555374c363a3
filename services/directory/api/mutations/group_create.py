"""``createGroup``: a centre_admin adds a group to their own centre."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.graphene import acts_for, errors_as_payload
from saathi.tokens import Role
from services.directory.api.context import context_of
from services.directory.api.group_inputs import CreateGroupInput, group_fields
from services.directory.api.mutations.payloads import CreateGroupPayload, GroupResult
from services.directory.domain import editing


class CreateGroup(graphene.ObjectType):
    create_group = graphene.Field(
        CreateGroupPayload,
        required=True,
        input=CreateGroupInput(required=True),
        description="centre_admin of the input's centre. Its timetable goes to sessions.",
    )

    @staticmethod
    @errors_as_payload(GroupResult.failed)
    @acts_for(Role.CENTRE_ADMIN)
    async def resolve_create_group(root: None, info: GraphQLResolveInfo, input: Any) -> GroupResult:
        context = context_of(info)
        principal = context.viewer.required()
        group = await editing.create_group(
            principal, group_fields(input), context.peers, context.clock()
        )
        return GroupResult(group=group)
