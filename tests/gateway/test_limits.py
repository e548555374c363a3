"""gateway.limits: every figure exact, every limit refused with its code, bombs measured without
expanding them."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLError, build_schema, get_introspection_query

from gateway import GatewaySettings
from gateway.errors import GatewayError, OperationError, QueryTooComplex
from gateway.limits import DocumentLimits, DocumentMeasure, measure_document, parse_document
from tests.gateway.conftest import ClientFactory

SCHEMA = build_schema(
    """
    type Query {
      groups(first: Int = 10): [Group!]!
      group(id: ID): Group
      nearby(first: Int = 20): GroupConnection!
      lines: [Line!]!
      entities(representations: [String!]!): [Group]!
    }
    type GroupConnection { edges: [GroupEdge!]! }
    type GroupEdge { node: Group! }
    type Group { id: ID! name: String members: [Member!]! }
    type Member { id: ID! }
    type Line { phone: String }
    """
)
LIMITS = DocumentLimits()


def _measure(
    query: str, limits: DocumentLimits = LIMITS, variables: dict[str, Any] | None = None
) -> DocumentMeasure:
    return measure_document(parse_document(query, limits), limits, SCHEMA, variables)


def _refusal(query: str, limits: DocumentLimits = LIMITS) -> GatewayError:
    with pytest.raises(GatewayError) as raised:
        _measure(query, limits)
    return raised.value


def fragment_bomb(levels: int) -> str:
    fragments = [
        f"fragment F{i} on Query {{ __typename ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    ]
    fragments.append(f"fragment F{levels} on Query {{ __typename }}")
    return "query { ...F0 }\n" + "\n".join(fragments)


def test_a_plain_query_is_measured_exactly() -> None:
    measure = _measure("{ group(id: 1) { id name } a: lines { phone } }")

    assert measure == DocumentMeasure(
        depth=2, selections=5, aliases=1, directives=0, root_fields=2, cost=1 + 2 + 1 + 20
    )


def test_a_fragment_bomb_is_measured_without_expanding_it() -> None:
    # F22 selects 1; each Fi selects 3 plus twice F(i+1); the operation adds its spread.
    error = _refusal(fragment_bomb(22))

    assert isinstance(error, QueryTooComplex)
    assert error.code == "QUERY_TOO_COMPLEX"
    assert error.message == (
        "Query selects 16777214 fields and fragments (fragments expanded), more than the "
        "limit of 500."
    )


def test_a_bomb_beyond_any_integer_limit_saturates() -> None:
    limits = DocumentLimits(max_tokens=10_000, max_fragments=1000)

    error = _refusal(fragment_bomb(200), limits)

    assert error.message == (
        "Query selects more than 10^18 fields and fragments (fragments expanded), more than "
        "the limit of 500."
    )


def test_aliases_are_counted_through_every_spread() -> None:
    query = "{ ...A ...A ...A } fragment A on Query { x: lines { phone } y: lines { phone } }"

    assert _measure(query).aliases == 6


def test_too_many_tokens_stop_the_parser() -> None:
    with pytest.raises(QueryTooComplex) as raised:
        parse_document("{ " + "lines { phone } " * 100 + "}", DocumentLimits(max_tokens=50))

    assert raised.value.message == "Query has more than 50 tokens, the limit."


def test_a_syntax_error_stays_a_syntax_error() -> None:
    with pytest.raises(GraphQLError):
        parse_document("{ lines { phone }", LIMITS)


def test_a_fragment_cycle_is_refused() -> None:
    query = "{ ...A } fragment A on Query { ...B } fragment B on Query { lines { phone } ...A }"

    error = _refusal(query)

    assert isinstance(error, OperationError)
    assert error.code == "GRAPHQL_VALIDATION_FAILED"
    assert error.message == 'Cannot spread fragment "A" within itself.'


def test_an_unused_fragment_is_refused() -> None:
    error = _refusal("{ lines { phone } } fragment Unused on Query { lines { phone } }")

    assert error.code == "GRAPHQL_VALIDATION_FAILED"
    assert error.message == 'Fragment "Unused" is never used.'


@pytest.mark.parametrize(
    ("limits", "query", "message"),
    [
        (
            DocumentLimits(max_depth=2),
            "{ group { members { id } } }",
            "Query depth 3 exceeds the limit of 2.",
        ),
        (
            DocumentLimits(max_aliases=1),
            "{ a: lines { phone } b: lines { phone } }",
            "Query uses 2 aliases, more than the limit of 1.",
        ),
        (
            DocumentLimits(max_root_fields=1),
            "{ lines { phone } group { id } }",
            "Query selects 2 root fields, more than the limit of 1.",
        ),
        (
            DocumentLimits(max_directives=1),
            "{ lines @skip(if: false) { phone @include(if: true) } }",
            "Query uses 2 directives, more than the limit of 1.",
        ),
        (
            DocumentLimits(max_field_repeats=2),
            "{ group { id ...G ...H } } fragment G on Group { id } fragment H on Group { id }",
            'Query selects "id" 3 times on one path, more than the limit of 2.',
        ),
        (
            DocumentLimits(max_field_repeats=2),
            "{ group { members { id } } group { members { id } } group { members { id } } }",
            'Query selects "group" 3 times on one path, more than the limit of 2.',
        ),
        (
            DocumentLimits(max_fragments=1),
            "{ ...A ...B } fragment A on Query { lines { phone } } "
            "fragment B on Query { lines { phone } }",
            "Query defines 2 fragments, more than the limit of 1.",
        ),
        (
            DocumentLimits(max_cost=100),
            "{ groups(first: 50) { members { id } } }",
            "Query cost 1051 exceeds the limit of 100.",
        ),
        (
            DocumentLimits(max_depth=3),
            "{ " + "... on Query { " * 7 + "lines { phone }" + " }" * 7 + " }",
            "Query depth exceeds the limit of 3.",
        ),
    ],
)
def test_each_limit_is_refused_with_query_too_complex(
    limits: DocumentLimits, query: str, message: str
) -> None:
    error = _refusal(query, limits)

    assert error.code == "QUERY_TOO_COMPLEX"
    assert error.message == message


def test_repeats_on_one_path_are_counted_across_parents() -> None:
    # each `group` alone repeats `id` twice; merged on group.id it is four times
    query = "{ group { id id } group { id id } }"

    with pytest.raises(QueryTooComplex) as raised:
        _measure(query, DocumentLimits(max_field_repeats=3))

    assert (
        raised.value.message == 'Query selects "id" 4 times on one path, more than the limit of 3.'
    )


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("{ lines { phone } }", None, 1 + 20 * 1),
        ("{ groups { id } }", None, 1 + 10 * 1),  # the argument's default in the schema
        ("{ groups(first: 3) { id } }", None, 1 + 3 * 1),
        ("{ groups(first: 10000) { id } }", None, 1 + 100 * 1),  # counted as max_list_size
        ("query($n: Int) { groups(first: $n) { id } }", {"n": 7}, 1 + 7 * 1),
        ("query($n: Int = 4) { groups(first: $n) { id } }", None, 1 + 4 * 1),
        # a connection's edges take the connection's size
        ("{ nearby(first: 5) { edges { node { id } } } }", None, 1 + 5 * (1 + (1 + 1))),
        ("{ groups(first: 2) { members { id } } }", None, 1 + 2 * (1 + 20 * 1)),
        ("query($r: [String!]!) { entities(representations: $r) { id } }", {"r": ["a"] * 500}, 501),
    ],
)
def test_cost_weighs_fields_by_list_sizes(
    query: str, variables: dict[str, Any] | None, cost: int
) -> None:
    assert _measure(query, variables=variables).cost == cost


def test_without_a_schema_only_size_arguments_weigh() -> None:
    document = parse_document("{ groups(first: 3) { id } lines { phone } }", LIMITS)

    assert measure_document(document, LIMITS).cost == (1 + 3) + (1 + 1)


def test_the_standard_introspection_query_passes() -> None:
    query = get_introspection_query(descriptions=True, directive_is_repeatable=True)

    measure = _measure(query)

    assert measure.depth <= LIMITS.max_depth
    assert measure.cost <= LIMITS.max_cost


async def test_sizes_in_variables_are_measured_for_each_new_size(
    make_client: ClientFactory,
) -> None:
    # given a cost limit that `first: 2` keeps and `first: 50` breaks, one document for both
    client = make_client(GatewaySettings(max_cost=60))
    query = "query($n: Int) { nearbyGroups(first: $n) { edges { node { id } } } }"

    def ask(n: int, place: str) -> Any:
        return client.post("/graphql", json={"query": query, "variables": {"n": n, "place": place}})

    small = await ask(2, "a")
    large = await ask(50, "a")
    large_elsewhere = await ask(50, "b")  # a string is no size: the same measure, still refused
    small_again = await ask(2, "b")

    assert "errors" not in small.json()
    for refused in (large, large_elsewhere):
        assert refused.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert (
        small_again.json()["data"]["nearbyGroups"]["edges"]
        == small.json()["data"]["nearbyGroups"]["edges"]
    )
