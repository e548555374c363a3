from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from gateway import GatewayHooks, GatewaySettings, OperationContext
from gateway.planner import QueryPlan
from tests.gateway.conftest import ClientFactory, RecordingTransport


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_get_runs_a_query(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": "query($id: ID!) { group(id: $id) { title } }",
            "variables": json.dumps({"id": "g3"}),
        },
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"group": {"title": "Family Support"}}}


async def test_get_refuses_mutations(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    response = await client.get(
        "/graphql", params={"query": 'mutation { requestLoginCode(email: "a") }'}
    )

    assert response.status_code == 405
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert asgi_transport.calls == []


async def test_graphiql_is_served_to_browsers_in_development(make_client: ClientFactory) -> None:
    client = make_client(GatewaySettings(development=True))

    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text


async def test_graphiql_is_not_served_in_production(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_unparseable_json_is_a_400_with_a_graphql_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"message": "Request body is not valid JSON.", "extensions": {"code": "BAD_USER_INPUT"}}
        ]
    }


async def test_a_body_over_the_limit_is_a_413(make_client: ClientFactory) -> None:
    client = make_client(GatewaySettings(max_body_bytes=100))

    response = await client.post("/graphql", json={"query": "{ centres { id } }" + " " * 200})

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_a_syntax_error_is_graphql_parse_failed(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ centres { id }"})

    assert response.status_code == 200
    assert response.json() == {
        "errors": [
            {
                "message": "Syntax Error: Expected Name, found <EOF>.",
                "locations": [{"line": 1, "column": 17}],
                "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
            }
        ]
    }


async def test_an_invalid_query_is_graphql_validation_failed(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    response = await client.post("/graphql", json={"query": "{ centres { nope } }"})

    assert response.json() == {
        "errors": [
            {
                "message": "Cannot query field 'nope' on type 'Centre'.",
                "locations": [{"line": 1, "column": 13}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert asgi_transport.calls == []


async def test_federation_internals_are_not_queryable(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ _service { sdl } }"})

    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_bad_variables_are_bad_user_input(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "query($id: ID!) { group(id: $id) { id } }", "variables": {}},
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_query_deeper_than_the_limit_is_refused(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client(GatewaySettings(max_depth=3))

    response = await client.post(
        "/graphql", json={"query": "{ groups { nextSession { group { title } } } }"}
    )

    assert response.json() == {
        "errors": [
            {
                "message": "Query depth 4 exceeds the limit of 3.",
                "extensions": {"code": "QUERY_TOO_COMPLEX"},
            }
        ]
    }
    assert asgi_transport.calls == []


async def test_too_many_aliases_are_refused(make_client: ClientFactory) -> None:
    client = make_client(GatewaySettings(max_aliases=2))
    query = "{ a: centres { id } b: centres { id } c: centres { id } }"

    response = await client.post("/graphql", json={"query": query})

    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_a_batch_runs_each_operation(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json=[{"query": "{ topRatedSlug }"}, {"query": '{ group(id: "g1") { slug } }'}],
    )

    assert response.json() == [
        {"data": {"topRatedSlug": "morning-circle"}},
        {"data": {"group": {"slug": "morning-circle"}}},
    ]


async def test_a_batch_over_the_limit_is_refused(make_client: ClientFactory) -> None:
    client = make_client(GatewaySettings(max_batch=2))

    response = await client.post("/graphql", json=[{"query": "{ topRatedSlug }"}] * 3)

    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_introspection_is_answered_by_the_gateway(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    query = '{ __type(name: "PeerGroup") { fields { name } } }'

    response = await client.post("/graphql", json={"query": query})

    names = [f["name"] for f in response.json()["data"]["__type"]["fields"]]
    assert names == [
        "id",
        "title",
        "slug",
        "size",
        "centre",
        "rating",
        "seatsLeft",
        "nextSession",
        "upcomingSessions",
    ]
    assert asgi_transport.calls == []


async def test_introspection_and_data_in_one_operation(client: httpx.AsyncClient) -> None:
    query = "{ topRatedSlug __schema { queryType { name } } __typename }"

    response = await client.post("/graphql", json={"query": query})

    assert response.json() == {
        "data": {
            "topRatedSlug": "morning-circle",
            "__schema": {"queryType": {"name": "Query"}},
            "__typename": "Query",
        }
    }


@pytest.mark.parametrize(
    "query",
    [
        "{ ... on Query { __schema { queryType { name } } } topRatedSlug }",
        "{ ...Schema topRatedSlug } fragment Schema on Query { __schema { queryType { name } } }",
    ],
)
async def test_a_fragment_wrapped_schema_is_answered_like_a_bare_one(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await client.post("/graphql", json={"query": query})

    assert response.json() == {
        "data": {"__schema": {"queryType": {"name": "Query"}}, "topRatedSlug": "morning-circle"}
    }


@pytest.mark.parametrize(
    "query",
    [
        "{ __schema { types { name } } }",
        "{ ... on Query { __schema { types { name } } } }",
        '{ ...T } fragment T on Query { __type(name: "Query") { name } }',
    ],
)
async def test_introspection_can_be_disabled(make_client: ClientFactory, query: str) -> None:
    client = make_client(GatewaySettings(introspection=False))

    response = await client.post("/graphql", json={"query": query})

    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


class _Recorder(GatewayHooks):
    def __init__(self) -> None:
        self.stages: list[str] = []

    async def on_request(self, request: Request) -> None:
        self.stages.append("request")

    async def on_operation(self, context: OperationContext) -> None:
        self.stages.append(f"operation {context.operation_name}")
        context.headers["x-tenant"] = "c1"

    async def on_plan(self, plan: QueryPlan, context: OperationContext) -> None:
        self.stages.append("plan")

    async def on_subgraph_request(
        self, service: str, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        self.stages.append(f"subgraph {service} {headers['x-tenant']}")


async def test_hooks_run_at_each_stage(make_client: ClientFactory) -> None:
    recorder = _Recorder()
    client = make_client(hooks=(recorder,))

    await client.post(
        "/graphql", json={"query": "query Q { groups { seatsLeft } }", "operationName": "Q"}
    )

    assert recorder.stages == [
        "request",
        "operation Q",
        "plan",
        "subgraph directory c1",
        "subgraph sessions c1",
    ]


class _Broken(GatewayHooks):
    async def on_plan(self, plan: QueryPlan, context: OperationContext) -> None:
        raise RuntimeError("secret detail")


async def test_unexpected_errors_are_masked_and_logged(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(hooks=(_Broken(),))

    with caplog.at_level(logging.ERROR, logger="gateway"):
        response = await client.post(
            "/graphql", json={"query": "{ topRatedSlug }"}, headers={"x-request-id": "r-1"}
        )

    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {
                "message": "Internal server error",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "r-1"},
            }
        ]
    }
    assert "secret detail" not in response.text
    assert "r-1" in caplog.text


async def test_documents_and_plans_are_cached(make_client: ClientFactory) -> None:
    client = make_client()
    app_gateway = client._transport.app.state.gateway  # type: ignore[attr-defined]

    for _ in range(3):
        await client.post("/graphql", json={"query": "{ groups { seatsLeft } }"})

    assert len(app_gateway.cache.documents) == 1
    assert len(app_gateway.cache.prepared) == 1


async def test_operation_name_picks_the_operation(client: httpx.AsyncClient) -> None:
    query = 'query A { topRatedSlug } query B { group(id: "g2") { slug } }'

    response = await client.post("/graphql", json={"query": query, "operationName": "B"})

    assert response.json() == {"data": {"group": {"slug": "evening-circle"}}}


async def test_several_operations_without_a_name_are_refused(client: httpx.AsyncClient) -> None:
    query = "query A { topRatedSlug } query B { topRatedSlug }"

    response = await client.post("/graphql", json={"query": query})

    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_kept_coerced_variables_answer_only_their_own_values(
    client: httpx.AsyncClient,
) -> None:
    # the same operation with the same, other and invalid values, then again
    query = "query($first: Int) { nearbyGroups(first: $first) { edges { node { title } } } }"

    async def titles(variables: dict[str, object]) -> object:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        if "errors" in body:
            return [e["extensions"]["code"] for e in body["errors"]]
        return len(body["data"]["nearbyGroups"]["edges"])

    answers = [
        await titles(v)
        for v in ({"first": 1}, {"first": 2}, {"first": "two"}, {"first": 1}, {"first": "two"})
    ]

    assert answers == [1, 2, ["BAD_USER_INPUT"], 1, ["BAD_USER_INPUT"]]
