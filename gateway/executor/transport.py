"""The transport seam: how the executor reaches subgraphs. The only modules with HTTP clients:
httpx for subgraph apps in process (ASGI), `gateway.executor.http1` for subgraphs over the
network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import orjson

from gateway.errors import SubgraphUnavailable
from gateway.executor.http1 import Http1Timeout, HttpError, Origin, request_bytes

ASGIApp = Any  # an ASGI callable; httpx.ASGITransport checks it at run time


class Transport(Protocol):
    """Sends one GraphQL request to a subgraph and returns its JSON response."""

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]: ...


def _decode(service: str, response: httpx.Response) -> dict[str, Any]:
    return _decode_bytes(service, response.content, response.status_code)


def _decode_bytes(service: str, raw: bytes, status: int) -> dict[str, Any]:
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise SubgraphUnavailable(
            f'Subgraph "{service}" returned a non-JSON response (HTTP {status})'
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
    """Calls subgraphs over HTTP/1.1 with pooled keep-alive connections (`gateway.executor.
    http1`, a lean client on httptools); failures become SUBGRAPH_UNAVAILABLE.

    Not a general-purpose client (httpx, aiohttp) on this path: a subgraph fetch is most of what
    a cached operation costs the gateway, and the lean client spends a fraction of their CPU on
    it (bench/gateway_vs_apollo.py). Each subgraph's request head is written once. Connections
    are opened on first use, inside the event loop that serves.
    """

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        timeout: float = 10.0,
        connect_timeout: float = 2.0,
        max_connections: int = 100,
        idle_seconds: float = 4.0,
        max_body_bytes: int = 32 << 20,
    ) -> None:
        self._urls = dict(urls)
        self._max_body_bytes = max_body_bytes
        self._timeouts = (timeout, connect_timeout, idle_seconds)
        self._max_connections = max_connections
        self._origins: dict[str, tuple[Origin, bytes]] = {}

    def _origin(self, service: str) -> tuple[Origin, bytes]:
        url = self._urls.get(service)
        if url is None:
            raise SubgraphUnavailable(f'No URL for subgraph "{service}"')
        timeout, connect_timeout, idle_seconds = self._timeouts
        origin = Origin(
            url,
            timeout=timeout,
            connect_timeout=connect_timeout,
            max_connections=self._max_connections,
            idle_seconds=idle_seconds,
            max_body_bytes=self._max_body_bytes,
        )
        path = urlsplit(url)
        target = (path.path or "/") + (f"?{path.query}" if path.query else "")
        self._origins[service] = found = (origin, origin.head(target))
        return found

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        origin, head = self._origins.get(service) or self._origin(service)
        try:
            status, raw = await origin.post(request_bytes(head, headers, orjson.dumps(body)))
        except Http1Timeout as error:
            raise SubgraphUnavailable(f'Subgraph "{service}" timed out') from error
        except HttpError as error:
            raise SubgraphUnavailable(f'Subgraph "{service}" is unavailable') from error
        return _decode_bytes(service, raw, status)

    async def aclose(self) -> None:
        for origin, _ in self._origins.values():
            origin.close()
        self._origins.clear()
