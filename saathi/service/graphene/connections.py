"""``PageInfo`` and the connection base for graphene subgraphs, read from a
``saathi.service.connections.Page``: a connection type adds only its ``edges``."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.connections import Page


# Not decorated: graphene-federation's build_schema marks any type named PageInfo @shareable
# itself and refuses a second @shareable.
class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String()


class Connection(graphene.ObjectType):
    """A page of a list that counts its matches; ``pageInfo`` is the page itself."""

    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Every match, not only this page.")
    page_info = graphene.Field(PageInfo, required=True)

    @staticmethod
    def resolve_page_info(parent: Page[Any], info: GraphQLResolveInfo) -> Page[Any]:
        return parent


def connection_of(name: str, node: type[graphene.ObjectType], attribute: str) -> type[Connection]:
    """``<name>Edge { cursor node }`` and ``<name>Connection`` for a page whose edges hold their
    node in ``attribute``: the usual connection, written once. A connection whose edges carry
    more than a cursor (nearby groups' ``distanceKm``) declares its edge by hand."""

    def resolve_node(parent: Any, info: GraphQLResolveInfo) -> Any:
        return getattr(parent, attribute)

    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {
            "cursor": graphene.String(required=True),
            "node": graphene.Field(node, required=True),
            "resolve_node": staticmethod(resolve_node),
        },
    )
    return type(
        f"{name}Connection",
        (Connection,),
        {"edges": graphene.List(graphene.NonNull(edge), required=True)},
    )
