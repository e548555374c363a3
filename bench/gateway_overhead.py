"""What the gateway costs on top of its subgraphs, measured in one process.

Run: `.venv/bin/python bench/gateway_overhead.py [--seconds 2]`

(a) a strawberry subgraph called directly (httpx ASGITransport), 20 items x 3 fields;
(b) the same query through our gateway (AsgiTransport to that subgraph);
(c) a two-subgraph query through our gateway (one `_entities` hop for 20 items);
then the gateway's own CPU per request with canned subgraph answers (document and plan cache
hits), a cold parse + validate + plan for comparison, and our response shaper against
graphql-core's `execute` shaping the same merged data.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import strawberry
from graphql import ExecutionResult, execute, parse, validate
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

from gateway import AsgiTransport, GatewaySettings, SubgraphSpec, compose, create_gateway_app
from gateway.documents import OperationCache, ParsedDocument
from gateway.operation import Operation
from gateway.pipeline import Gateway
from gateway.planner import build_plan

ITEMS = 20
ONE_GRAPH = "{ items { id name price } }"
TWO_GRAPHS = "{ items { id name price stockLevel } }"


@strawberry.federation.type(keys=["id"])
class Item:
    id: strawberry.ID
    name: str
    price: int


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def items(self) -> list[Item]:
        return [
            Item(id=strawberry.ID(f"i{n}"), name=f"Item {n}", price=n * 10) for n in range(ITEMS)
        ]


@strawberry.federation.type(keys=["id"], name="Item")
class StockItem:
    id: strawberry.ID

    @strawberry.field
    def stock_level(self) -> int:
        return len(self.id)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> StockItem:
        return cls(id=id)


@strawberry.type
class StockQuery:
    @strawberry.field
    def warehouses(self) -> int:
        return 1


SCHEMAS = {
    "catalog": strawberry.federation.Schema(query=CatalogQuery, federation_version="2.5"),
    "stock": strawberry.federation.Schema(
        query=StockQuery, types=[StockItem], federation_version="2.5"
    ),
}


def subgraph_app(name: str) -> Starlette:
    return Starlette(routes=[Route("/graphql", GraphQL(SCHEMAS[name]), methods=["POST"])])


def supergraph_sdl() -> str:
    specs = []
    for name, schema in SCHEMAS.items():
        result = schema.execute_sync("{ _service { sdl } }")
        assert result.data is not None
        specs.append(SubgraphSpec(name, f"http://{name}/graphql", result.data["_service"]["sdl"]))
    return compose(specs)


@dataclass
class CannedTransport:
    """Answers each subgraph request from a recording: the gateway's cost alone."""

    answers: dict[tuple[str, str], dict[str, Any]]

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        return self.answers[(service, body["query"])]


@dataclass
class RecordingTransport:
    inner: AsgiTransport
    answers: dict[tuple[str, str], dict[str, Any]]

    async def send(
        self, service: str, body: dict[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        answer = await self.inner.send(service, body, headers)
        self.answers[(service, body["query"])] = answer
        return answer


def only_operation(parsed: ParsedDocument) -> Operation:
    (operation,) = parsed.operations.values()
    return operation


async def rate(call: Callable[[], Awaitable[object]], seconds: float) -> float:
    """Sequential calls (one client) per second of wall time."""
    await call()  # warm caches and connections
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        await call()
        count += 1
    return count / elapsed


def cpu_per_call(call: Callable[[], object], repeat: int) -> float:
    """Mean CPU seconds of a synchronous call."""
    call()
    started = time.process_time()
    for _ in range(repeat):
        call()
    return (time.process_time() - started) / repeat


async def async_cpu_per_call(call: Callable[[], Awaitable[object]], repeat: int) -> float:
    """Mean CPU seconds of an awaited call; like ``timeit``, with the cyclic garbage collector
    off while timing, so one figure does not carry a collection of the whole heap (which grows
    with whatever else the process holds, a test session for instance)."""
    await call()
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        for _ in range(repeat):
            await call()
        return (time.process_time() - started) / repeat
    finally:
        gc.enable()


@dataclass
class Results:
    direct_rps: float
    gateway_rps: float
    two_graphs_rps: float
    cached_cpu: float  # seconds per request, canned subgraph answers, caches hit
    cold_cpu: float  # seconds: parse + validate + plan + shaper compile of the same query
    shaper_cpu: float
    graphql_core_cpu: float

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("(a) direct subgraph, 20 items x 3 fields", f"{self.direct_rps:,.0f} req/s"),
            ("(b) through the gateway", f"{self.gateway_rps:,.0f} req/s"),
            ("(c) two subgraphs, one _entities hop", f"{self.two_graphs_rps:,.0f} req/s"),
            ("(b)/(a)", f"{self.gateway_rps / self.direct_rps:.2f}"),
            ("(c)/(a)", f"{self.two_graphs_rps / self.direct_rps:.2f}"),
            ("gateway CPU per request, cache hit, (c)", f"{self.cached_cpu * 1e3:.3f} ms"),
            ("cold parse + validate + plan, (c)", f"{self.cold_cpu * 1e3:.3f} ms"),
            ("cached / cold", f"{self.cached_cpu / self.cold_cpu:.2f}"),
            ("shaper, merged data of (c)", f"{self.shaper_cpu * 1e3:.3f} ms"),
            ("graphql-core execute, same data", f"{self.graphql_core_cpu * 1e3:.3f} ms"),
            ("shaper / graphql-core", f"{self.shaper_cpu / self.graphql_core_cpu:.2f}"),
        ]


async def measure(seconds: float = 2.0, repeat: int = 300) -> Results:
    sdl = supergraph_sdl()
    settings = GatewaySettings()
    direct = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=subgraph_app("catalog")), base_url="http://catalog"
    )
    transport = AsgiTransport({name: subgraph_app(name) for name in SCHEMAS})
    headers = {"x-request-id": "bench"}

    async def call_direct() -> object:
        return (await direct.post("/graphql", json={"query": ONE_GRAPH})).json()

    def through(gateway: Gateway, query: str) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            return await gateway.run(
                {"query": query}, method="POST", headers=headers, request_id="bench"
            )

        return call

    # (b) and (c) go through the gateway's ASGI app, with the same client as (a)
    app = create_gateway_app(sdl, transport, settings=settings)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")

    def over_http(query: str) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            return (await client.post("/graphql", json={"query": query})).json()

        return call

    try:
        direct_rps = await rate(call_direct, seconds)
        gateway_rps = await rate(over_http(ONE_GRAPH), seconds)
        two_graphs_rps = await rate(over_http(TWO_GRAPHS), seconds)

        recorder = RecordingTransport(transport, {})
        answer: Any = await through(Gateway(sdl, recorder, settings), TWO_GRAPHS)()
        assert "errors" not in answer, answer
        canned = Gateway(sdl, CannedTransport(recorder.answers), settings)
        cached_cpu = await async_cpu_per_call(through(canned, TWO_GRAPHS), repeat)
    finally:
        await client.aclose()
        await direct.aclose()
        await transport.aclose()

    def cold() -> object:
        cache = OperationCache(canned.supergraph, canned.schema, 1, 1)
        parsed = cache.document(TWO_GRAPHS)
        assert parsed.document is not None
        return cache.prepare(parsed, only_operation(parsed))

    cold_cpu = cpu_per_call(cold, max(repeat // 10, 10))

    # the merged data the shaper receives for (c), keys and __typename included
    document = parse(TWO_GRAPHS)
    assert not validate(canned.schema, document)
    parsed = canned.cache.document(TWO_GRAPHS)
    assert parsed.document is not None
    prepared = canned.cache.prepare(parsed, only_operation(parsed))
    merged = {"items": [dict(item, __typename="Item") for item in answer["data"]["items"]]}
    shaper_cpu = cpu_per_call(lambda: prepared.shaper.shape(merged, {}), repeat)
    graphql_core_cpu = cpu_per_call(
        lambda: execute(canned.schema, document, root_value=merged), max(repeat // 3, 10)
    )
    executed = execute(canned.schema, document, root_value=merged)
    assert isinstance(executed, ExecutionResult)
    assert executed.data == answer["data"]
    assert build_plan(canned.supergraph, document).node is not None
    return Results(
        direct_rps,
        gateway_rps,
        two_graphs_rps,
        cached_cpu,
        cold_cpu,
        shaper_cpu,
        graphql_core_cpu,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per throughput figure")
    arguments = parser.parse_args()
    results = asyncio.run(measure(arguments.seconds))
    width = max(len(label) for label, _ in results.rows())
    print(f"{'what'.ljust(width)}  figure")
    print(f"{'-' * width}  ------")
    for label, figure in results.rows():
        print(f"{label.ljust(width)}  {figure}")


if __name__ == "__main__":
    main()
