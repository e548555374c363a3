"""Clients for a component's internal calls to other components.

In one process (``saathi up``) a peer is called through its ASGI app directly; in the
distributed topology over HTTP at ``SAATHI_<NAME>_URL``. Either way the caller sees one
``httpx.AsyncClient`` per peer, so the code that makes the call does not know which.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from saathi.errors import ErrorCode, SaathiError

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
        credentials: Callable[[], str] | None = None,
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

    async def post_json(self, name: str, path: str, body: Mapping[str, Any]) -> Any:
        """POST ``body`` to ``path`` on ``name`` and return the decoded JSON answer."""
        headers = {"authorization": f"Bearer {self._credentials()}"} if self._credentials else {}
        try:
            response = await self.client(name).post(path, json=dict(body), headers=headers)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise PeerUnavailable(f"The {name} service did not answer: {exc}") from exc

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


class ServiceCredentials:
    """Short-lived service tokens for internal calls, minted with the network key and reused.

    Internal endpoints accept only ``Role.SERVICE`` tokens, so a participant's or a partner's
    token can never reach them, whatever network path a request takes.
    """

    def __init__(self, mint: Callable[[int], str], ttl_seconds: int = 300) -> None:
        self._mint = mint
        self._ttl = ttl_seconds
        self._token = ""
        self._renew_at = 0.0

    def __call__(self) -> str:
        now = time.monotonic()
        if now >= self._renew_at:
            self._token = self._mint(self._ttl)
            self._renew_at = now + self._ttl / 2
        return self._token
