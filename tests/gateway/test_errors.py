"""Every error the gateway sends carries a code from the contract's list (or a standard one)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.requests import Request

from gateway import GatewayHooks, GatewaySettings, OperationContext
from gateway.errors import GATEWAY_CODES, GatewayError, Unauthenticated
from gateway.executor.run import default_code
from gateway.planner import QueryPlan
from tests.gateway.conftest import ClientFactory, RecordingTransport


def codes(body: Any) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("Variable '$day' got invalid value 'x'; Value cannot represent a Date.", "BAD_USER_INPUT"),
        ("Variable '$id' of required type 'ID!' was not provided.", "BAD_USER_INPUT"),
        ("Argument 'first' has invalid value \"ten\".", "BAD_USER_INPUT"),
        ("Expected value of type 'Int!', found \"ten\"; Int cannot represent", "BAD_USER_INPUT"),
        ("Field 'GeoPointInput.lat' of required type 'Float!' was not provided.", "BAD_USER_INPUT"),
        ("Field 'x' is not defined by type 'GroupFilter'.", "BAD_USER_INPUT"),
        ("flaky is broken", "DOWNSTREAM_SERVICE_ERROR"),
        ("Cannot return null for non-nullable field Query.x.", "DOWNSTREAM_SERVICE_ERROR"),
    ],
)
def test_a_subgraph_error_without_a_code_gets_one(message: str, code: str) -> None:
    assert default_code(message) == code


async def test_a_value_only_the_subgraph_can_check_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "query($d: Date!) { sessionsOn(day: $d) { id } }", "variables": {"d": "x"}},
    )

    body = response.json()
    assert body["data"] is None
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["service"] == "sessions"


async def test_a_subgraph_error_with_a_code_passes_through_unchanged(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ staffOnly }"})

    assert response.json() == {
        "data": {"staffOnly": None},
        "errors": [
            {
                "message": "Staff only.",
                "path": ["staffOnly"],
                "extensions": {"code": "FORBIDDEN", "service": "consent"},
            }
        ],
    }


class _Refuse(GatewayHooks):
    """Refuses at one stage with UNAUTHENTICATED."""

    def __init__(self, stage: str) -> None:
        self.stage = stage

    def _check(self, stage: str) -> None:
        if stage == self.stage:
            raise Unauthenticated(f"refused at {stage}")

    async def on_request(self, request: Request) -> None:
        self._check("request")

    async def on_operation(self, context: OperationContext) -> None:
        self._check("operation")

    async def on_plan(self, plan: QueryPlan, context: OperationContext) -> None:
        self._check("plan")

    async def on_subgraph_request(
        self, service: str, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        self._check("subgraph")


@pytest.mark.parametrize("stage", ["request", "operation", "plan"])
async def test_a_gateway_error_raised_by_a_hook_is_answered_with_its_code(
    make_client: ClientFactory, asgi_transport: RecordingTransport, stage: str
) -> None:
    client = make_client(hooks=(_Refuse(stage),))

    response = await client.post("/graphql", json={"query": "{ topRatedSlug }"})

    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": f"refused at {stage}", "extensions": {"code": "UNAUTHENTICATED"}}]
    }
    assert asgi_transport.calls == []


async def test_a_hook_refusing_one_subgraph_request_fails_only_that_fetch(
    make_client: ClientFactory,
) -> None:
    client = make_client(hooks=(_Refuse("subgraph"),))

    response = await client.post("/graphql", json={"query": '{ group(id: "g1") { id } }'})

    assert response.json() == {
        "data": {"group": None},
        "errors": [
            {
                "message": "refused at subgraph",
                "extensions": {"code": "UNAUTHENTICATED", "service": "directory"},
            }
        ],
    }


async def test_a_hook_error_in_a_batch_answers_each_operation(
    make_client: ClientFactory,
) -> None:
    client = make_client(hooks=(_Refuse("operation"),))

    response = await client.post("/graphql", json=[{"query": "{ topRatedSlug }"}] * 2)

    assert [codes(item) for item in response.json()] == [["UNAUTHENTICATED"]] * 2


async def test_a_custom_code_from_a_hook_is_kept(make_client: ClientFactory) -> None:
    class _Closed(GatewayHooks):
        async def on_request(self, request: Request) -> None:
            raise GatewayError("Closed for maintenance.", code="SUBGRAPH_UNAVAILABLE")

    client = make_client(hooks=(_Closed(),))

    response = await client.post("/graphql", json={"query": "{ topRatedSlug }"})

    assert codes(response.json()) == ["SUBGRAPH_UNAVAILABLE"]


BAD_REQUESTS: list[dict[str, Any]] = [
    {"content": b"{not json"},
    {"json": [1]},
    {"json": {"query": ""}},
    {"json": {"query": "{ topRatedSlug }", "variables": 5}},
    {"json": {"query": "{ topRatedSlug }", "operationName": 3}},
    {"json": {"query": "{ topRatedSlug }", "extensions": "x"}},
    {"json": {"query": "{ topRatedSlug }", "extensions": {"persistedQuery": {"version": 1}}}},
    {"json": {"query": "{ topRatedSlug"}},
    {"json": {"query": "{ nope }"}},
    {"json": {"query": "query A { topRatedSlug } query B { topRatedSlug }"}},
    {"json": {"query": "query A { topRatedSlug }", "operationName": "B"}},
    {"json": {"query": "subscription { topRatedSlug }"}},
    {"json": {"query": "query($id: ID!) { group(id: $id) { id } }"}},
    {"json": {"query": "{ a: topRatedSlug b: topRatedSlug c: topRatedSlug d: topRatedSlug }"}},
    {"json": {"query": "{ groups { nextSession { group { nextSession { id } } } } }"}},
    {"json": [{"query": "{ topRatedSlug }"}] * 4},
    {"json": {"query": "{ topRatedSlug }" + " " * 2000}},
    {"json": {"query": "{ __schema { queryType { name } } }"}},
    {"json": {"query": '{ group(id: "g2") { nextSession { flaky } } }'}},
    {"json": {"query": "{ staffOnly }"}},
    {"params": {"query": 'mutation { requestLoginCode(email: "a") }'}},
    {"params": {"query": "{ topRatedSlug }", "variables": "{"}},
    {"params": {"query": "{ topRatedSlug }", "extensions": "{"}},
    {"params": {}, "headers": {"accept": "text/html"}},
]


@pytest.mark.parametrize("request_", BAD_REQUESTS)
async def test_every_error_carries_a_known_code(
    make_client: ClientFactory, request_: dict[str, Any]
) -> None:
    client = make_client(
        GatewaySettings(
            max_aliases=3, max_depth=4, max_batch=3, max_body_bytes=1000, introspection=False
        )
    )

    if "params" in request_:
        response = await client.get(
            "/graphql", params=request_["params"], headers=request_.get("headers")
        )
    else:
        response = await client.post(
            "/graphql",
            **request_,
            headers={"content-type": "application/json"},
        )

    body = response.json()
    items = body if isinstance(body, list) else [body]
    found = [code for item in items for code in codes(item)]
    assert found
    assert set(found) <= GATEWAY_CODES | {"FORBIDDEN"}
