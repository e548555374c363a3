"""Automatic persisted queries (Apollo's APQ protocol) and HTTP caching of GET answers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx

from gateway import GatewaySettings
from tests.gateway.conftest import ClientFactory, RecordingTransport

QUERY = 'query Title { group(id: "g3") { title } }'
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


def persisted(digest: str = HASH, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def get_params(query: str | None = None, digest: str = HASH) -> dict[str, str]:
    params = {"extensions": json.dumps(persisted(digest))}
    if query is not None:
        params["query"] = query
    return params


async def test_an_unknown_hash_is_persisted_query_not_found(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    response = await client.post("/graphql", json={"extensions": persisted()})

    assert response.status_code == 200
    assert response.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert response.headers["cache-control"] == "no-store"
    assert asgi_transport.calls == []


async def test_a_query_with_its_hash_registers_it_for_later_hash_only_requests(
    client: httpx.AsyncClient,
) -> None:
    registered = await client.post("/graphql", json={"query": QUERY, "extensions": persisted()})
    by_hash = await client.post("/graphql", json={"extensions": persisted()})

    assert registered.json() == {"data": {"group": {"title": "Family Support"}}}
    assert by_hash.json() == {"data": {"group": {"title": "Family Support"}}}


async def test_the_hash_is_matched_case_insensitively(client: httpx.AsyncClient) -> None:
    await client.post("/graphql", json={"query": QUERY, "extensions": persisted()})

    response = await client.post("/graphql", json={"extensions": persisted(HASH.upper())})

    assert response.json() == {"data": {"group": {"title": "Family Support"}}}


async def test_a_hash_that_is_not_the_querys_is_refused_and_not_registered(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    wrong = hashlib.sha256(b"something else").hexdigest()

    refused = await client.post("/graphql", json={"query": QUERY, "extensions": persisted(wrong)})
    lookup = await client.post("/graphql", json={"extensions": persisted(wrong)})

    assert refused.status_code == 400
    assert refused.json() == {
        "errors": [
            {
                "message": "provided sha does not match query",
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }
    assert lookup.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert asgi_transport.calls == []


async def test_an_invalid_query_is_not_registered(client: httpx.AsyncClient) -> None:
    query = "{ group { nope } }"
    digest = hashlib.sha256(query.encode()).hexdigest()

    first = await client.post("/graphql", json={"query": query, "extensions": persisted(digest)})
    lookup = await client.post("/graphql", json={"extensions": persisted(digest)})

    assert first.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert lookup.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_an_unsupported_version_is_bad_user_input(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": QUERY, "extensions": persisted(version=2)}
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "Unsupported persisted query version.",
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }


async def test_apq_over_get_registers_then_answers_by_hash_and_is_cacheable(
    client: httpx.AsyncClient,
) -> None:
    missing = await client.get("/graphql", params=get_params())
    registered = await client.get("/graphql", params=get_params(QUERY))
    by_hash = await client.get("/graphql", params=get_params())

    assert missing.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert missing.headers["cache-control"] == "no-store"
    assert registered.json() == by_hash.json() == {"data": {"group": {"title": "Family Support"}}}
    assert by_hash.headers["cache-control"] == "public, max-age=60"
    assert by_hash.headers["vary"] == "authorization"


async def test_get_with_variables_and_operation_name_by_hash(client: httpx.AsyncClient) -> None:
    query = "query Q($id: ID!) { group(id: $id) { slug } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    await client.post("/graphql", json={"query": query, "extensions": persisted(digest)})

    response = await client.get(
        "/graphql",
        params={
            **get_params(digest=digest),
            "variables": json.dumps({"id": "g2"}),
            "operationName": "Q",
        },
    )

    assert response.json() == {"data": {"group": {"slug": "evening-circle"}}}


async def test_a_mutation_registered_by_post_is_refused_over_get_by_hash(
    client: httpx.AsyncClient, asgi_transport: RecordingTransport
) -> None:
    mutation = 'mutation { requestLoginCode(email: "a") }'
    digest = hashlib.sha256(mutation.encode()).hexdigest()
    posted = await client.post(
        "/graphql", json={"query": mutation, "extensions": persisted(digest)}
    )
    calls = len(asgi_transport.calls)

    response = await client.get("/graphql", params=get_params(digest=digest))

    assert posted.headers["cache-control"] == "no-store"
    assert response.status_code == 405
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert response.headers["cache-control"] == "no-store"
    assert len(asgi_transport.calls) == calls


async def test_get_cache_seconds_is_configurable(make_client: ClientFactory) -> None:
    client = make_client(GatewaySettings(get_cache_seconds=300))

    response = await client.get("/graphql", params={"query": QUERY})

    assert response.headers["cache-control"] == "public, max-age=300"


async def test_a_get_with_authorization_is_private(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": QUERY}, headers={"authorization": "Bearer good"}
    )

    assert response.json() == {"data": {"group": {"title": "Family Support"}}}
    assert response.headers["cache-control"] == "private, no-store"


async def test_a_get_answer_with_errors_is_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": '{ group(id: "g2") { nextSession { flaky } } }'}
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "DOWNSTREAM_SERVICE_ERROR"
    assert response.headers["cache-control"] == "no-store"


async def test_post_answers_are_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": QUERY})

    assert response.headers["cache-control"] == "no-store"


async def test_the_store_keeps_only_the_most_recent_registrations(
    make_client: ClientFactory,
) -> None:
    client = make_client(GatewaySettings(persisted_query_cache_size=1))
    other = "{ topRatedSlug }"
    other_hash = hashlib.sha256(other.encode()).hexdigest()
    await client.post("/graphql", json={"query": QUERY, "extensions": persisted()})
    await client.post("/graphql", json={"query": other, "extensions": persisted(other_hash)})

    evicted = await client.post("/graphql", json={"extensions": persisted()})
    kept = await client.post("/graphql", json={"extensions": persisted(other_hash)})

    assert evicted.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert kept.json() == {"data": {"topRatedSlug": "morning-circle"}}


async def test_a_batch_mixes_persisted_and_full_queries(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json=[
            {"extensions": persisted()},
            {"query": QUERY, "extensions": persisted()},
            {"extensions": persisted()},
        ],
    )

    found = {"data": {"group": {"title": "Family Support"}}}
    assert response.json() == [
        {
            "errors": [
                {
                    "message": "PersistedQueryNotFound",
                    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
                }
            ]
        },
        found,
        found,
    ]
