"""`/health` (the process answers) and `/ready` (and so do its subgraphs) for orchestrators.

Readiness sends every subgraph of the supergraph `{ __typename }` through the gateway's own
transport, with the gateway's subgraph-request hooks (so a subgraph that wants the gateway's
service credentials gets them): a subgraph is reachable when it answers with JSON, whatever the
JSON says. The answer is kept for `ready_cache_seconds`, so frequent probes, or anyone calling
`/ready`, cost the subgraphs at most one request each per interval.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.errors import GatewayError
from gateway.pipeline import Gateway

PROBE = {"query": "query Ready { __typename }"}


async def health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


class Readiness:
    """Whether every subgraph of a gateway can be reached, checked at most once per interval."""

    def __init__(self, gateway: Gateway, timeout: float = 2.0) -> None:
        self.gateway = gateway
        self.timeout = timeout
        self._checked_at = float("-inf")
        self._last: dict[str, bool] = {}
        self._lock = asyncio.Lock()

    async def _reachable(self, service: str) -> bool:
        headers: dict[str, str] = {}
        body: dict[str, Any] = dict(PROBE)
        try:
            async with asyncio.timeout(self.timeout):
                for hook in self.gateway.hooks:
                    await hook.on_subgraph_request(service, body, headers)
                await self.gateway.transport.send(service, body, headers)
        except (GatewayError, TimeoutError):
            return False
        except Exception:  # any failure to reach it is exactly what this reports
            return False
        return True

    async def subgraphs(self) -> dict[str, bool]:
        async with self._lock:
            interval = self.gateway.settings.ready_cache_seconds
            if time.monotonic() - self._checked_at >= interval:
                names = sorted(self.gateway.supergraph.graph_urls)
                answers = await asyncio.gather(*(self._reachable(name) for name in names))
                self._last = dict(zip(names, answers, strict=True))
                self._checked_at = time.monotonic()
            return dict(self._last)

    async def endpoint(self, _: Request) -> Response:
        subgraphs = await self.subgraphs()
        ready = all(subgraphs.values())
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "subgraphs": subgraphs},
            status_code=200 if ready else 503,
            headers={"cache-control": "no-store"},
        )
