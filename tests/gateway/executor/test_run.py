from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from gateway import HttpTransport
from tests.gateway.conftest import ClientFactory, RecordingTransport
from tests.gateway.subgraphs import CALLS, LOG


async def post(client: httpx.AsyncClient, query: str, **variables: object) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def entity_calls(transport: RecordingTransport, service: str) -> list[dict[str, Any]]:
    return [
        body
        for name, body, _ in transport.calls
        if name == service and "_entities" in body["query"]
    ]


async def test_entity_jump_over_a_list_path(client: httpx.AsyncClient) -> None:
    # given a connection owned by directory whose nodes sessions extends
    query = "{ nearbyGroups(first: 2) { edges { node { title nextSession { startsAt } } } } }"

    # when
    result = await post(client, query)

    # then
    assert result == {
        "data": {
            "nearbyGroups": {
                "edges": [
                    {
                        "node": {
                            "title": "Morning Circle",
                            "nextSession": {"startsAt": "2026-01-05T09:00"},
                        }
                    },
                    {
                        "node": {
                            "title": "Evening Circle",
                            "nextSession": {"startsAt": "2026-01-06T18:00"},
                        }
                    },
                ]
            }
        }
    }


async def test_a_list_makes_one_entities_call_with_deduplicated_representations(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    # given three sessions of which two belong to the same group
    query = "{ sessions { id group { title } } }"

    # when
    result = await post(client, query)

    # then
    assert result["data"]["sessions"] == [
        {"id": "s1", "group": {"title": "Morning Circle"}},
        {"id": "s2", "group": {"title": "Evening Circle"}},
        {"id": "s3", "group": {"title": "Morning Circle"}},
    ]
    calls = entity_calls(asgi_transport, "directory")
    assert len(calls) == 1
    assert calls[0]["variables"]["representations"] == [
        {"__typename": "PeerGroup", "id": "g1"},
        {"__typename": "PeerGroup", "id": "g2"},
    ]
    assert CALLS["directory.PeerGroup"] == 2


async def test_nested_jumps_go_back_to_the_first_graph(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    result = await post(client, '{ group(id: "g1") { nextSession { group { title } } } }')

    assert result == {"data": {"group": {"nextSession": {"group": {"title": "Morning Circle"}}}}}
    assert asgi_transport.services() == ["directory", "sessions", "directory"]


async def test_requires_sends_the_required_field_in_the_representation(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    result = await post(client, "{ groups { seatsLeft } }")

    assert result == {"data": {"groups": [{"seatsLeft": 7}, {"seatsLeft": 0}, {"seatsLeft": 10}]}}
    representations = entity_calls(asgi_transport, "sessions")[0]["variables"]["representations"]
    assert representations[0] == {"__typename": "PeerGroup", "id": "g1", "size": 12}


async def test_provided_fields_come_from_the_providing_graph(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    result = await post(client, "{ featuredGroup { id title } }")

    assert result == {"data": {"featuredGroup": {"id": "g1", "title": "Morning Circle"}}}
    assert asgi_transport.services() == ["sessions"]


async def test_a_second_key_reached_through_another_graph(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    # given ratings knows PeerGroup only by slug and sessions only by id
    result = await post(client, "{ sessions { id group { rating } } }")

    assert result["data"]["sessions"] == [
        {"id": "s1", "group": {"rating": 4.5}},
        {"id": "s2", "group": {"rating": 3.0}},
        {"id": "s3", "group": {"rating": 4.5}},
    ]
    assert asgi_transport.services() == ["sessions", "directory", "ratings"]


async def test_fragments_on_an_interface_jump_per_concrete_type(client: httpx.AsyncClient) -> None:
    query = """{ search(text: "a") {
        __typename title ... on PeerGroup { nextSession { id } } ... on Centre { city } } }"""

    result = await post(client, query)

    assert result == {
        "data": {
            "search": [
                {"__typename": "Centre", "title": "Asha Centre", "city": "Pune"},
                {"__typename": "Centre", "title": "Bandhan House", "city": "Delhi"},
                {"__typename": "PeerGroup", "title": "Family Support", "nextSession": None},
            ]
        }
    }


async def test_union_members_are_shaped_by_their_typename(client: httpx.AsyncClient) -> None:
    query = "{ activity { __typename ... on Session { group { title } } ... on Booking { id } } }"

    result = await post(client, query)

    assert result == {
        "data": {
            "activity": [
                {"__typename": "Session", "group": {"title": "Morning Circle"}},
                {"__typename": "Booking", "id": "b1"},
            ]
        }
    }


async def test_aliases_fragments_and_typename_are_kept_and_keys_dropped(
    client: httpx.AsyncClient,
) -> None:
    query = """
        query { g: group(id: "g1") { __typename name: title ...Next } }
        fragment Next on PeerGroup { next: nextSession { when: startsAt } }
    """

    result = await post(client, query)

    assert result == {
        "data": {
            "g": {
                "__typename": "PeerGroup",
                "name": "Morning Circle",
                "next": {"when": "2026-01-05T09:00"},
            }
        }
    }
    assert list(result["data"]["g"]) == ["__typename", "name", "next"]


async def test_skip_and_include_follow_variables(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    query = """query($withSessions: Boolean!, $first: Int!) {
        nearbyGroups(first: $first) { edges { node {
            id nextSession @include(if: $withSessions) { id } } } } }"""

    result = await post(client, query, withSessions=False, first=1)

    assert result == {"data": {"nearbyGroups": {"edges": [{"node": {"id": "g1"}}]}}}
    assert [
        body.get("variables", {}).keys() - {"representations"}
        for _, body, _ in asgi_transport.calls
    ] == [{"first"}, {"withSessions"}]


async def test_subgraph_errors_get_real_paths_and_the_service(client: httpx.AsyncClient) -> None:
    result = await post(client, '{ group(id: "g2") { title nextSession { flaky } } }')

    assert result == {
        "data": {"group": {"title": "Evening Circle", "nextSession": {"flaky": None}}},
        "errors": [
            {
                "message": "flaky is broken",
                "path": ["group", "nextSession", "flaky"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "service": "sessions"},
            }
        ],
    }


class _SplitTransport:
    """Routes one service to another transport (here: a closed port)."""

    def __init__(self, main: Any, down: str, other: HttpTransport) -> None:
        self.main, self.down, self.other = main, down, other

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        transport = self.other if service == self.down else self.main
        result: dict[str, Any] = await transport.send(service, body, headers)
        return result


async def test_a_subgraph_that_is_down_leaves_partial_results(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    # given ratings listens nowhere
    http = HttpTransport({"ratings": "http://127.0.0.1:9/graphql"}, timeout=2.0)
    client = make_client(transport=_SplitTransport(asgi_transport, "ratings", http))

    # when
    result = await post(client, "{ groups { title rating } }")
    await http.aclose()

    # then
    assert result == {
        "data": {
            "groups": [
                {"title": "Morning Circle", "rating": None},
                {"title": "Evening Circle", "rating": None},
                {"title": "Family Support", "rating": None},
            ]
        },
        "errors": [
            {
                "message": 'Subgraph "ratings" is unavailable',
                "extensions": {"code": "SUBGRAPH_UNAVAILABLE", "service": "ratings"},
            }
        ],
    }


async def test_mutations_run_in_document_order(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    query = """mutation {
        first: requestLoginCode(email: "a@example.org")
        bookSession(sessionId: "s1") { id session { group { title } } }
        cancelBooking(bookingId: "b-s1")
        last: requestLoginCode(email: "b@example.org")
    }"""

    result = await post(client, query)

    assert result == {
        "data": {
            "first": True,
            "bookSession": {"id": "b-s1", "session": {"group": {"title": "Morning Circle"}}},
            "cancelBooking": True,
            "last": True,
        }
    }
    assert LOG == ["code a@example.org", "book s1", "cancel b-s1", "code b@example.org"]
    assert asgi_transport.services() == ["consent", "sessions", "directory", "consent"]


async def test_authorization_and_request_id_are_forwarded(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ me { displayName } echoHeaders }"},
        headers={"Authorization": "Bearer good", "x-request-id": "req-42"},
    )

    assert response.json() == {
        "data": {
            "me": {"displayName": "Meera"},
            "echoHeaders": ["authorization=Bearer good", "x-request-id=req-42"],
        }
    }
    assert response.headers["x-request-id"] == "req-42"


async def test_a_request_id_is_generated_when_absent(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    response = await client.post("/graphql", json={"query": "{ echoHeaders }"})

    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32
    assert asgi_transport.calls[0][2]["x-request-id"] == request_id


class _Exploding:
    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        raise RuntimeError("boom")


async def test_a_subgraph_that_raises_is_a_fetch_error_not_a_failed_request(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client(transport=_SplitTransport(asgi_transport, "sessions", _Exploding()))  # type: ignore[arg-type]

    result = await post(client, '{ group(id: "g1") { title nextSession { id } } }')

    assert result == {
        "data": {"group": {"title": "Morning Circle", "nextSession": None}},
        "errors": [
            {
                "message": 'Subgraph "sessions" failed',
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "service": "sessions"},
            }
        ],
    }
