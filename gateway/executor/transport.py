"""The transport seam: how the executor reaches subgraphs. The only module with HTTP clients:
httpx for subgraph apps in process (ASGI), aiohttp for subgraphs over the network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp
import httpx
import orjson

from gateway.errors import SubgraphUnavailable

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
    """Calls subgraphs over HTTP/1.1 with one pooled aiohttp session (keep-alive connections
    reused across requests); failures become SUBGRAPH_UNAVAILABLE.

    aiohttp rather than httpx on this path: it costs about a fifth of httpx's CPU per request
    (bench/gateway_vs_apollo.py), and a subgraph fetch is most of what a cached operation costs
    the gateway. The session is opened on first use, inside the event loop that serves.
    """

    def __init__(
        self,
        urls: Mapping[str, str],
        *,
        timeout: float = 10.0,
        connect_timeout: float = 2.0,
        max_connections: int = 100,
        keepalive_seconds: float = 30.0,
    ) -> None:
        self._urls = dict(urls)
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=connect_timeout)
        self._max_connections = max_connections
        self._keepalive_seconds = keepalive_seconds
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            limit_per_host=self._max_connections,
            keepalive_timeout=self._keepalive_seconds,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            # no cookies kept between callers, no environment proxies, no redirects (below)
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
            skip_auto_headers=("User-Agent",),
        )
        return self._session

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        url = self._urls.get(service)
        if url is None:
            raise SubgraphUnavailable(f'No URL for subgraph "{service}"')
        session = self._session if self._session is not None else self._open()
        try:
            async with session.post(
                url,
                data=orjson.dumps(body),
                headers={**headers, "content-type": "application/json"},
                allow_redirects=False,
            ) as response:
                raw = await response.read()
                status = response.status
        except TimeoutError as error:
            raise SubgraphUnavailable(f'Subgraph "{service}" timed out') from error
        except aiohttp.ClientError as error:
            raise SubgraphUnavailable(f'Subgraph "{service}" is unavailable') from error
        return _decode_bytes(service, raw, status)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
