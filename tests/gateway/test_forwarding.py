"""What the gateway passes on to subgraphs about the caller."""

from __future__ import annotations

from gateway import GatewaySettings
from tests.gateway.conftest import ClientFactory, RecordingTransport

QUERY = {"query": '{ group(id: "g3") { title } }'}


async def test_a_made_up_forwarded_for_is_replaced_by_the_callers_address(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client()

    await client.post("/graphql", json=QUERY, headers={"x-forwarded-for": "203.0.113.9"})

    ((_, _, headers),) = asgi_transport.calls
    assert headers["x-forwarded-for"] == "127.0.0.1"


async def test_behind_a_trusted_proxy_the_address_it_saw_is_the_clients(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client(GatewaySettings(trusted_proxies=frozenset({"127.0.0.1"})))

    await client.post("/graphql", json=QUERY, headers={"x-forwarded-for": "203.0.113.9"})

    ((_, _, headers),) = asgi_transport.calls
    assert headers["x-forwarded-for"] == "203.0.113.9"


async def test_entries_a_client_put_before_the_proxys_own_count_for_nothing(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    # given a client that sent "X-Forwarded-For: 198.51.100.1" to a proxy, which appended the
    # address it saw, 203.0.113.9, behind a second trusted proxy 10.0.0.5
    trusted = frozenset({"127.0.0.1", "10.0.0.5"})
    client = make_client(GatewaySettings(trusted_proxies=trusted))

    await client.post(
        "/graphql",
        json=QUERY,
        headers={"x-forwarded-for": "198.51.100.1, 203.0.113.9, 10.0.0.5"},
    )

    ((_, _, headers),) = asgi_transport.calls
    assert headers["x-forwarded-for"] == "203.0.113.9"


async def test_the_authorization_header_is_forwarded_and_cookies_are_not(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client()

    await client.post(
        "/graphql", json=QUERY, headers={"authorization": "Bearer abc", "cookie": "session=1"}
    )

    ((_, _, headers),) = asgi_transport.calls
    assert headers["authorization"] == "Bearer abc"
    assert "cookie" not in headers
