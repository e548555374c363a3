"""The document cache behind ``POST /graphql``."""

from __future__ import annotations

from graphql import DocumentNode

from services.directory.api.endpoint import DocumentCache
from services.directory.api.schema import schema


def test_a_query_is_parsed_and_validated_once() -> None:
    cache = DocumentCache(schema.graphql_schema)

    first = cache.get("{ crisisResources { phone } }")
    again = cache.get("{ crisisResources { phone } }")

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
