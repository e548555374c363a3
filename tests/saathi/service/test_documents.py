"""The document cache behind a graphene subgraph's ``/graphql``."""

from __future__ import annotations

# mypy: disallow-subclassing-any=False
from typing import Any

import graphene
from graphql import DocumentNode, GraphQLResolveInfo

from saathi.service.graphene import DocumentCache


class Query(graphene.ObjectType):
    crisis_resources = graphene.List(graphene.String)

    @staticmethod
    def resolve_crisis_resources(root: Any, info: GraphQLResolveInfo) -> list[str]:
        return ["112"]


schema = graphene.Schema(query=Query)


def test_a_query_is_parsed_and_validated_once() -> None:
    cache = DocumentCache(schema.graphql_schema)

    first = cache.get("{ crisisResources }")
    again = cache.get("{ crisisResources }")

    assert isinstance(first, DocumentNode)
    assert again is first
    assert len(cache) == 1


def test_a_bad_query_is_cached_with_its_errors() -> None:
    cache = DocumentCache(schema.graphql_schema)

    errors = cache.get("{ nope }")

    assert isinstance(errors, list)
    assert [e.message for e in errors] == ["Cannot query field 'nope' on type 'Query'."]
    assert cache.get("{ nope }") is errors


def test_the_least_recently_used_query_is_dropped_first() -> None:
    cache = DocumentCache(schema.graphql_schema, maxsize=2)
    a = cache.get("{ a: __typename }")
    cache.get("{ b: __typename }")
    cache.get("{ a: __typename }")  # a is now the most recent

    cache.get("{ c: __typename }")

    assert len(cache) == 2
    assert cache.get("{ a: __typename }") is a
