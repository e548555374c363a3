"""Clients for a component's internal calls to other components.

In one process (``saathi up``) a peer is called through its ASGI app directly; in the
distributed topology over HTTP at ``SAATHI_<NAME>_URL``. Either way the caller sees one
``httpx.AsyncClient`` per peer, so the code that makes the call does not know which. Every
call carries this component's service token for that peer (``saathi.service_trust``). Calls are
made through ``saathi.service.internal.client.call``, typed by the contracts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from saathi.errors import ErrorCode, SaathiError
from saathi.service_trust import SERVICE_TOKEN_HEADER

ASGIApp = Any


class PeerUnavailable(SaathiError):
    """A peer component could not be reached or answered with an error status."""

    code = ErrorCode.SUBGRAPH_UNAVAILABLE


class Peers:
    """Lazily built clients keyed by component name."""

    def __init__(
        self,
        urls: Mapping[str, str] | None = None,
        timeout: float = 5.0,
        *,
        credentials: Callable[[str], str] | None = None,
    ) -> None:
        self._urls = dict(urls or {})
        self._credentials = credentials
        self._apps: dict[str, ASGIApp] = {}
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._timeout = timeout

    def attach_app(self, name: str, app: ASGIApp) -> None:
        """Call ``name`` in process through ``app`` (used by ``saathi up`` and tests)."""
        self._apps[name] = app

    def client(self, name: str) -> httpx.AsyncClient:
        if name not in self._clients:
            if name in self._apps:
                transport = httpx.ASGITransport(app=self._apps[name])
                self._clients[name] = httpx.AsyncClient(
                    transport=transport, base_url=f"http://{name}.internal", timeout=self._timeout
                )
            elif name in self._urls:
                self._clients[name] = httpx.AsyncClient(
                    base_url=self._urls[name], timeout=self._timeout
                )
            else:
                raise PeerUnavailable(f"No address is configured for the {name} service.")
        return self._clients[name]

    def credential_headers(self, name: str) -> dict[str, str]:
        """The header proving to ``name`` who is calling (none for an anonymous client)."""
        return {SERVICE_TOKEN_HEADER: self._credentials(name)} if self._credentials else {}

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
