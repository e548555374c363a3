"""Root-field fallbacks: a failed root field is answered from the gateway itself."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import pytest

from gateway import HttpTransport, create_gateway_app
from tests.gateway.conftest import ClientFactory, RecordingTransport, supergraph_sdl

CENTRES = [{"id": "c9", "title": "Helpline", "city": "Everywhere"}]


class _Down:
    """Sends `down` services to a closed port and the rest to the in-process subgraphs."""

    def __init__(self, main: RecordingTransport, down: set[str]) -> None:
        self.main = main
        self.down = down
        self.closed = HttpTransport({name: "http://127.0.0.1:9/graphql" for name in down})

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        if service in self.down:
            return await self.closed.send(service, body, headers)
        result: dict[str, Any] = await self.main.send(service, body, headers)
        return result


@pytest.fixture
async def directory_down(asgi_transport: RecordingTransport) -> AsyncIterator[_Down]:
    transport = _Down(asgi_transport, {"directory"})
    yield transport
    await transport.closed.aclose()


async def post(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_root_field_of_a_subgraph_that_is_down_comes_from_its_fallback(
    make_client: ClientFactory, directory_down: _Down
) -> None:
    # given directory is down and centres has a fallback
    client = make_client(transport=directory_down, fallbacks={"centres": lambda _: CENTRES})

    # when
    body = await post(client, "{ centres { id title } topRatedSlug }")

    # then
    assert body == {
        "data": {"centres": [{"id": "c9", "title": "Helpline"}], "topRatedSlug": "morning-circle"},
        "extensions": {"fallback": ["centres"]},
    }


async def test_the_fallback_gets_the_fields_arguments_and_answers_under_the_alias(
    make_client: ClientFactory, directory_down: _Down
) -> None:
    seen: list[dict[str, Any]] = []

    def group(arguments: dict[str, Any]) -> dict[str, Any]:
        seen.append(arguments)
        return {"id": arguments["id"], "title": "From the fallback"}

    client = make_client(transport=directory_down, fallbacks={"group": group})

    body = await post(client, "query($id: ID!) { mine: group(id: $id) { id title } }", id="g2")

    assert body == {
        "data": {"mine": {"id": "g2", "title": "From the fallback"}},
        "extensions": {"fallback": ["mine"]},
    }
    assert seen == [{"id": "g2"}]


async def test_an_async_fallback_is_awaited(
    make_client: ClientFactory, directory_down: _Down
) -> None:
    async def centres(_: dict[str, Any]) -> list[dict[str, Any]]:
        return CENTRES

    client = make_client(transport=directory_down, fallbacks={"centres": centres})

    body = await post(client, "{ centres { city } }")

    assert body["data"] == {"centres": [{"city": "Everywhere"}]}


async def test_a_fallback_is_not_used_while_the_subgraph_answers(
    make_client: ClientFactory,
) -> None:
    calls: list[dict[str, Any]] = []
    client = make_client(fallbacks={"centres": lambda a: calls.append(a) or CENTRES})

    body = await post(client, "{ centres { id } }")

    assert body == {"data": {"centres": [{"id": "c1"}, {"id": "c2"}]}}
    assert calls == []


async def test_other_fields_of_the_failed_fetch_keep_their_error(
    make_client: ClientFactory, directory_down: _Down
) -> None:
    client = make_client(transport=directory_down, fallbacks={"centres": lambda _: CENTRES})

    body = await post(client, '{ centres { id } group(id: "g1") { id } }')

    assert body == {
        "data": {"centres": [{"id": "c9"}], "group": None},
        "errors": [
            {
                "message": 'Subgraph "directory" is unavailable',
                "extensions": {"code": "SUBGRAPH_UNAVAILABLE", "service": "directory"},
            }
        ],
        "extensions": {"fallback": ["centres"]},
    }


async def test_an_error_at_the_field_is_replaced_by_the_fallback(
    make_client: ClientFactory,
) -> None:
    # given sessions refuses the argument (an error for the whole fetch serving sessionsOn)
    client = make_client(
        fallbacks={"sessionsOn": lambda args: [{"id": "fallback", "startsAt": args["day"]}]}
    )

    body = await post(client, '{ sessionsOn(day: "not a date") { id startsAt } }')

    assert body == {
        "data": {"sessionsOn": [{"id": "fallback", "startsAt": "not a date"}]},
        "extensions": {"fallback": ["sessionsOn"]},
    }


async def test_an_error_below_the_field_is_replaced_by_the_fallback(
    make_client: ClientFactory,
) -> None:
    client = make_client(fallbacks={"group": lambda _: {"title": "Safe copy"}})

    body = await post(client, '{ group(id: "g2") { title nextSession { flaky } } }')

    assert body == {
        "data": {"group": {"title": "Safe copy", "nextSession": None}},
        "extensions": {"fallback": ["group"]},
    }


async def test_a_fallback_that_raises_leaves_the_original_error(
    make_client: ClientFactory, directory_down: _Down
) -> None:
    def broken(_: dict[str, Any]) -> Any:
        raise RuntimeError("no copy either")

    client = make_client(transport=directory_down, fallbacks={"centres": broken})

    body = await post(client, "{ centres { id } }")

    assert body["data"] is None  # centres is non-null
    assert [e["extensions"]["code"] for e in body["errors"]] == ["SUBGRAPH_UNAVAILABLE"]
    assert "extensions" not in body


async def test_a_get_answered_from_a_fallback_is_not_cached(
    make_client: ClientFactory, directory_down: _Down
) -> None:
    client = make_client(transport=directory_down, fallbacks={"centres": lambda _: CENTRES})

    response = await client.get("/graphql", params={"query": "{ centres { id } }"})

    assert response.json()["data"] == {"centres": [{"id": "c9"}]}
    assert response.headers["cache-control"] == "no-store"


def test_a_fallback_attaches_only_where_the_schema_has_its_field(
    asgi_transport: RecordingTransport,
) -> None:
    # given a supergraph with `centres` but no `crisisLines`
    app = create_gateway_app(
        supergraph_sdl(),
        asgi_transport,
        fallbacks={"crisisLines": lambda _: [], "centres": lambda _: CENTRES},
    )

    # then the gateway serves it, with the one fallback its schema can use
    assert set(app.state.gateway.fallbacks) == {"centres"}
