"""Reading any supergraph: what the gateway refuses at start (named), and each subgraph's
schema read back from the join directives."""

from __future__ import annotations

import re
from functools import cache

import pytest
from graphql import GraphQLEnumType, parse, print_schema, validate

from gateway import Supergraph, api_schema, compose
from gateway.composition import SupergraphError
from gateway.composition.extract import subgraph_schema, validate_fetch
from gateway.documents import OperationCache
from tests.gateway import shapes


@cache
def shapes_sdl() -> str:
    return compose(shapes.specs())


def test_a_supergraph_without_saathis_fields_is_read() -> None:
    supergraph = Supergraph(shapes_sdl())

    assert supergraph.graph_urls == {
        "catalog": "http://catalog.test/graphql",
        "extras": "http://extras.test/graphql",
        "stock": "http://stock.test/graphql",
    }


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (('graph: CATALOG, key: "id")', 'graph: CATALOG, key: "nope")'), 'has no field "nope"'),
        (('requires: "stock"', 'requires: "stock { deep }"'), 'unknown type "Int"'),
        (
            ("https://specs.apollo.dev/join/v0.3", "https://specs.apollo.dev/join/v9.9"),
            '@link(url: "https://specs.apollo.dev/join/v9.9", for: EXECUTION)',
        ),
        (('url: "http://stock.test/graphql"', 'url: ""'), 'Subgraph "stock" has no URL'),
    ],
)
def test_what_cannot_be_served_is_refused_naming_the_element(
    change: tuple[str, str], named: str
) -> None:
    old, new = change
    sdl = shapes_sdl()
    assert old in sdl

    with pytest.raises(SupergraphError, match=re.escape(named)):
        Supergraph(sdl.replace(old, new, 1))


def test_each_subgraph_schema_has_its_own_types_and_members() -> None:
    supergraph = Supergraph(shapes_sdl())

    extras = print_schema(subgraph_schema(supergraph, "extras"))
    catalog = print_schema(subgraph_schema(supergraph, "catalog"))

    assert "union Result = Book\n" in extras
    assert "union Result = Book | Film\n" in catalog
    assert "  name: String\n" in extras.split("type Info")[1].split("}")[0]
    assert "  name: String!\n" in catalog.split("type Info")[1].split("}")[0]
    assert "SECRET" in catalog  # an @inaccessible value is still the subgraph's own
    assert "delivery" not in catalog


def test_an_operation_a_subgraph_would_refuse_is_found() -> None:
    supergraph = Supergraph(shapes_sdl())

    assert validate_fetch(supergraph, "extras", "{ picks { ... on Book { pages } } }") == []
    assert validate_fetch(supergraph, "extras", "{ picks { ... on Film { title } } }") != []


@pytest.mark.parametrize(
    "query",
    [
        "{ products(hidden: true) { id } }",
        "query($h: Boolean) { products(hidden: $h) { id } }",
        "{ productsOfTier(tier: SECRET) { id } }",
        "query($t: Tier! = SECRET) { productsOfTier(tier: $t) { id } }",
    ],
)
def test_inaccessible_arguments_and_enum_values_fail_validation_against_the_api_schema(
    query: str,
) -> None:
    # given the client-facing schema, and catalog's own, which still has both
    sdl = shapes_sdl()
    supergraph = Supergraph(sdl)
    schema = api_schema(sdl)
    catalog = subgraph_schema(supergraph, "catalog")

    # when a client sends them
    parsed = OperationCache(supergraph, schema, 10, 10).load_document(query)

    # then it is a validation error, before any plan, though catalog would take the operation
    assert parsed.document is None
    assert [e["extensions"]["code"] for e in parsed.errors] == ["GRAPHQL_VALIDATION_FAILED"]
    assert validate(catalog, parse(query)) == []
    tier = schema.get_type("Tier")
    assert isinstance(tier, GraphQLEnumType)
    assert list(tier.values) == ["GOLD"]
    assert schema.query_type is not None
    assert list(schema.query_type.fields["products"].args) == []
    assert list(schema.query_type.fields["productsOfTier"].args) == ["tier"]
