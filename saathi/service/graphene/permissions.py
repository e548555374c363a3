"""Graphene field wrappers over ``saathi.service.permissions``: declared on the resolver,
inside ``errors_as_payload`` on mutations, so a refusal is the payload's ``error``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from saathi.service import permissions
from saathi.service.graphene.errors import Resolver
from saathi.tokens import Role


def _viewer(info: GraphQLResolveInfo) -> Any:
    return info.context.viewer


def acts_for(*roles: Role) -> Callable[[Resolver], Resolver]:
    """A field for tokens of ``roles`` (any staff role when none): no token is
    ``UNAUTHENTICATED``, any other role ``FORBIDDEN``. Which centre they may act on is checked
    where the record is read (their own alone)."""

    def decorate(resolve: Resolver) -> Resolver:
        @functools.wraps(resolve)
        async def resolver(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
            permissions.acts_for(_viewer(info), roles)
            return await resolve(root, info, **arguments)

        return resolver

    return decorate
