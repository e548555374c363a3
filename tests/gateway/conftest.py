"""Fixtures for gateway tests: the composed test supergraph and gateway clients over it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
import pytest

from gateway import AsgiTransport, GatewaySettings, Supergraph, compose, create_gateway_app
from gateway.hooks import GatewayHooks
from gateway.operation import Operation
from gateway.planner import QueryPlan, build
from gateway.planner.check import plan_problems
from tests.gateway.subgraphs import CALLS, LOG, SCHEMAS, asgi_app, specs


@pytest.fixture(autouse=True)
def every_plan_is_valid_in_its_subgraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every plan any gateway test builds sends each subgraph only operations its schema
    (extracted from the supergraph) accepts, and its fetches depend on one another as a DAG."""
    plan_operation = build.plan_operation

    def checked(supergraph: Supergraph, operation: Operation) -> QueryPlan:
        plan = plan_operation(supergraph, operation)
        assert plan_problems(supergraph, plan) == []
        return plan

    monkeypatch.setattr(build, "plan_operation", checked)


@cache
def supergraph_sdl() -> str:
    return compose(specs())


@pytest.fixture
def supergraph() -> Supergraph:
    return Supergraph(supergraph_sdl())


@dataclass
class RecordingTransport:
    """Wraps a transport and records every subgraph request."""

    inner: Any
    calls: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.calls.append((service, body, dict(headers)))
        result: dict[str, Any] = await self.inner.send(service, body, headers)
        return result

    def services(self) -> list[str]:
        return [service for service, _, _ in self.calls]


@pytest.fixture(autouse=True)
def _reset_counters() -> None:
    CALLS.clear()
    LOG.clear()


@pytest.fixture
def asgi_transport() -> RecordingTransport:
    return RecordingTransport(AsgiTransport({name: asgi_app(s) for name, s in SCHEMAS.items()}))


ClientFactory = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def make_client(asgi_transport: RecordingTransport) -> AsyncIterator[ClientFactory]:
    clients: list[httpx.AsyncClient] = []

    def make(
        settings: GatewaySettings | None = None,
        transport: Any = None,
        hooks: tuple[GatewayHooks, ...] = (),
        fallbacks: Mapping[str, Callable[[dict[str, Any]], Any]] | None = None,
    ) -> httpx.AsyncClient:
        app = create_gateway_app(
            supergraph_sdl(),
            transport or asgi_transport,
            settings=settings,
            hooks=hooks,
            fallbacks=fallbacks,
        )
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
    await asgi_transport.inner.aclose()


@pytest.fixture
def client(make_client: ClientFactory) -> httpx.AsyncClient:
    return make_client()
