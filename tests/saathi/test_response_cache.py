"""The shared cache of anonymous nearby searches: served again with an ETag and 304, and never
one person's answer to another (attacks on the cache, through the whole network)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from saathi.response_cache import AnonymousGetCache
from saathi.tokens import Role
from tests.saathi.conftest import PUNE, Network

NEARBY = """
query NearbyGroups($near: GeoPointInput!) {
  nearbyGroups(near: $near, radiusKm: 50, first: 50) {
    totalCount
    edges { node { id centre { id } onlineJoinUrl } }
  }
}
"""


def _params(query: str = NEARBY, **variables: Any) -> dict[str, str]:
    return {"query": query, "variables": json.dumps({"near": PUNE, **variables})}


async def _get(
    network: Network, headers: dict[str, str] | None = None, params: dict[str, str] | None = None
) -> Any:
    return await network.client.get("/graphql", params=params or _params(), headers=headers)


def _links(response: httpx.Response) -> dict[str, str | None]:
    edges = response.json()["data"]["nearbyGroups"]["edges"]
    return {edge["node"]["id"]: edge["node"]["onlineJoinUrl"] for edge in edges}


async def _staff_with_links(network: Network) -> tuple[str, dict[str, str | None]]:
    """A staff token of a centre whose online groups come up near Pune, and what it sees."""
    anonymous = (await _get(network)).json()["data"]["nearbyGroups"]["edges"]
    for edge in anonymous:
        centre = edge["node"]["centre"]["id"]
        token = network.token("sup_cache_probe", Role.CENTRE_ADMIN, centre)
        response = await _get(
            network, {"authorization": f"Bearer {token}"}, params=_params(first=1)
        )
        links = _links(response)
        if any(links.values()):
            return token, links
    pytest.fail("the demo network has no online group with a join link near Pune")


async def test_a_repeated_anonymous_search_is_served_again_with_an_etag_and_a_304(
    network: Network,
) -> None:
    first = await _get(network)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = await _get(network)
    assert again.status_code == 200
    assert again.headers["etag"] == etag
    assert again.content == first.content
    unchanged = await _get(network, {"if-none-match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    other = await _get(network, {"if-none-match": '"something-else"'})
    assert other.status_code == 200
    assert other.content == first.content


async def test_an_answer_with_credentials_is_never_stored_for_the_anonymous(
    network: Network,
) -> None:
    # Attack: a staff member (who sees join links) asks first; an anonymous caller then sends
    # the very same URL. A cache keyed only by the URL would hand over the join links.
    token, _ = await _staff_with_links(network)
    staff = await _get(network, {"authorization": f"Bearer {token}"})
    assert any(_links(staff).values())
    assert "etag" not in staff.headers
    assert "public" not in staff.headers["cache-control"]
    anonymous = await _get(network)
    assert not any(_links(anonymous).values())


async def test_a_stored_anonymous_answer_is_never_served_to_a_caller_with_credentials(
    network: Network,
) -> None:
    # Attack the other way: the anonymous answer is stored first; a staff member must still get
    # their own answer (with the links), so nobody can be shown less, or someone else's view.
    token, _ = await _staff_with_links(network)
    anonymous = await _get(network)
    assert not any(_links(anonymous).values())
    for headers in (
        {"authorization": f"Bearer {token}"},
        {"Authorization": f"Bearer {token}"},
    ):
        staff = await _get(network, headers)
        assert any(_links(staff).values())
        assert "etag" not in staff.headers
        # Even naming the anonymous answer's ETag gets the caller's own answer, not a 304.
        named = await _get(network, {**headers, "if-none-match": anonymous.headers["etag"]})
        assert named.status_code == 200
        assert any(_links(named).values())


async def test_a_bad_token_or_a_cookie_is_not_answered_from_the_store(network: Network) -> None:
    await _get(network)  # stored
    refused = await _get(network, {"authorization": "Bearer not-a-token"})
    assert "etag" not in refused.headers
    empty = await _get(network, {"authorization": ""})
    assert "etag" not in empty.headers
    cookie = await _get(network, {"cookie": "session=abc"})
    assert "etag" not in cookie.headers


async def test_only_nearby_searches_without_errors_are_kept(network: Network) -> None:
    other = await network.client.get("/graphql", params={"query": "{ __typename }"})
    assert other.status_code == 200
    assert "etag" not in other.headers
    mixed = (
        "query($near: GeoPointInput!) "
        "{ nearbyGroups(near: $near) { totalCount } centres { totalCount } }"
    )
    assert "etag" not in (await _get(network, params=_params(mixed))).headers
    bad = await _get(network, params=_params(NEARBY.replace("radiusKm: 50", "radiusKm: -1")))
    assert bad.json().get("errors")
    assert "etag" not in bad.headers
    post = await network.client.post(
        "/graphql", json={"query": NEARBY, "variables": {"near": PUNE}}
    )
    assert "etag" not in post.headers


async def test_entries_expire_and_the_store_is_bounded() -> None:
    calls: list[str] = []
    now = [0.0]

    async def gateway(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append(scope["query_string"].decode())
        body = json.dumps({"data": {"n": len(calls)}}).encode()
        headers = [
            (b"cache-control", b"public, max-age=60"),
            (b"content-type", b"application/json"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    cache = AnonymousGetCache(gateway, max_age=10, max_entries=2, clock=lambda: now[0])

    async def get(query: str) -> Message:
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        async def receive() -> Message:
            return {"type": "http.request", "body": b""}

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/graphql",
            "headers": [],
            "query_string": f"query={{nearbyGroups{{totalCount}}}}&x={query}".encode(),
        }
        await cache(scope, receive, send)
        return sent[1]

    assert (await get("a"))["body"] == (await get("a"))["body"]
    assert len(calls) == 1
    now[0] = 10.0  # max-age capped at 10 s
    await get("a")
    assert len(calls) == 2
    await get("b")
    await get("c")
    assert len(cache) == 2
