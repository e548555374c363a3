"""The transport seam: how the executor reaches subgraphs. The only module importing httpx."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import httpx

from gateway.errors import SubgraphUnavailable

ASGIApp = Any  # an ASGI callable; httpx.ASGITransport checks it at run time


class Transport(Protocol):
    """Sends one GraphQL request to a subgraph and returns its JSON response."""

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]: ...


def _decode(service: str, response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError as error:
        raise SubgraphUnavailable(
            f'Subgraph "{service}" returned a non-JSON response (HTTP {response.status_code})'
        ) from error
    if not isinstance(payload, dict):
        raise SubgraphUnavailable(f'Subgraph "{service}" returned a malformed response')
    return payload


class AsgiTransport:
    """Calls subgraph ASGI apps in process (`POST /graphql`), one httpx client per app."""

    def __init__(self, apps: Mapping[str, ASGIApp]) -> None:
        self._clients = {
            name: httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=f"http://{name}"
            )
            for name, app in apps.items()
        }

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        client = self._clients.get(service)
        if client is None:
            raise SubgraphUnavailable(f'No application for subgraph "{service}"')
        response = await client.post("/graphql", json=body, headers=dict(headers))
        return _decode(service, response)

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()


class HttpTransport:
    """Calls subgraphs over HTTP with one pooled client; failures become SUBGRAPH_UNAVAILABLE."""

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        timeout: float = 10.0,
        connect_timeout: float = 2.0,
        max_connections: int = 100,
    ) -> None:
        self._urls = dict(urls)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
        )

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        url = self._urls.get(service)
        if url is None:
            raise SubgraphUnavailable(f'No URL for subgraph "{service}"')
        try:
            response = await self._client.post(url, json=body, headers=dict(headers))
        except httpx.TimeoutException as error:
            raise SubgraphUnavailable(f'Subgraph "{service}" timed out') from error
        except httpx.TransportError as error:
            raise SubgraphUnavailable(f'Subgraph "{service}" is unavailable') from error
        return _decode(service, response)

    async def aclose(self) -> None:
        await self._client.aclose()
