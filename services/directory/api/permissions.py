"""Permissions declared on a field: the resolver runs only for the roles named."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from saathi.tokens import Role
from services.directory.api.context import context_of
from services.directory.api.errors import Resolver


def staff_only(*roles: Role) -> Callable[[Resolver], Resolver]:
    """A field for staff of ``roles``: no token is ``UNAUTHENTICATED``, any other role
    ``FORBIDDEN``. Which centre they may act on is the domain's rule (their own alone)."""

    def decorate(resolve: Resolver) -> Resolver:
        @functools.wraps(resolve)
        async def resolver(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
            context_of(info).viewer.staff(*roles)
            return await resolve(root, info, **arguments)

        return resolver

    return decorate
