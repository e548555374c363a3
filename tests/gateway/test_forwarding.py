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


async def test_a_trusted_proxy_keeps_the_chain_and_adds_itself(
    make_client: ClientFactory, asgi_transport: RecordingTransport
) -> None:
    client = make_client(GatewaySettings(trusted_proxies=frozenset({"127.0.0.1"})))

    await client.post("/graphql", json=QUERY, headers={"x-forwarded-for": "203.0.113.9"})

    ((_, _, headers),) = asgi_transport.calls
    assert headers["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"


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
