"""The directory's mutations, one a module, gathered on ``Mutation``."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

import graphene

from services.directory.api.community import CommunityMutations
from services.directory.api.mutations.group_create import CreateGroup
from services.directory.api.mutations.group_update import UpdateGroup
from services.directory.api.mutations.practice import PracticeMutations


class Mutation(
    CommunityMutations, PracticeMutations, UpdateGroup, CreateGroup, graphene.ObjectType
):
    pass
