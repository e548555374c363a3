"""What automatic persisted queries save: request bytes, and gateway CPU per request.

Run: `.venv/bin/python -m bench.gateway_apq [--repeat 500]`

The same two-subgraph query through the gateway's ASGI app with canned subgraph answers, sent
(a) as a full query over POST, (b) as its APQ hash only over POST, (c) as its hash over GET (the
cacheable form). Every request hits the document and plan caches; the figures are the HTTP
handling and the pipeline, not the subgraphs.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from bench.gateway_overhead import (
    SCHEMAS,
    CannedTransport,
    RecordingTransport,
    async_cpu_per_call,
    subgraph_app,
    supergraph_sdl,
)
from gateway import AsgiTransport, create_gateway_app
from gateway.pipeline import Gateway
from gateway.settings import GatewaySettings

# The two-subgraph query as client apps send it: named and pretty-printed.
QUERY = "query Items {\n  items {\n    id\n    name\n    price\n    stockLevel\n  }\n}\n"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
EXTENSIONS = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}


@dataclass(frozen=True)
class Results:
    full_bytes: int
    hash_bytes: int
    full_cpu: float
    hash_cpu: float
    get_cpu: float

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("request body, full query", f"{self.full_bytes} bytes"),
            ("request body, APQ hash only", f"{self.hash_bytes} bytes"),
            ("CPU per request, full query (POST)", f"{self.full_cpu * 1e3:.3f} ms"),
            ("CPU per request, APQ hash (POST)", f"{self.hash_cpu * 1e3:.3f} ms"),
            ("CPU per request, APQ hash (GET)", f"{self.get_cpu * 1e3:.3f} ms"),
        ]


async def measure(repeat: int = 500) -> Results:
    sdl = supergraph_sdl()
    settings = GatewaySettings()
    live = AsgiTransport({name: subgraph_app(name) for name in SCHEMAS})
    recorder = RecordingTransport(live, {})
    try:
        answer = await Gateway(sdl, recorder, settings).run(
            {"query": QUERY}, method="POST", headers={}, request_id="bench"
        )
        assert "errors" not in answer, answer
    finally:
        await live.aclose()
    app = create_gateway_app(sdl, CannedTransport(recorder.answers), settings=settings)
    full = {"query": QUERY, "extensions": EXTENSIONS}
    by_hash = {"extensions": EXTENSIONS}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway"
    ) as client:

        def post(body: object) -> Callable[[], Awaitable[object]]:
            async def call() -> object:
                return (await client.post("/graphql", json=body)).json()

            return call

        async def get() -> object:
            params = {"extensions": json.dumps(EXTENSIONS)}
            return (await client.get("/graphql", params=params)).json()

        assert await post(full)() == answer  # registers the query
        assert await post(by_hash)() == answer
        assert await get() == answer
        full_cpu = await async_cpu_per_call(post(full), repeat)
        hash_cpu = await async_cpu_per_call(post(by_hash), repeat)
        get_cpu = await async_cpu_per_call(get, repeat)
    return Results(len(json.dumps(full)), len(json.dumps(by_hash)), full_cpu, hash_cpu, get_cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=500, help="requests per figure")
    arguments = parser.parse_args()
    results = asyncio.run(measure(arguments.repeat))
    width = max(len(label) for label, _ in results.rows())
    for label, figure in results.rows():
        print(f"{label.ljust(width)}  {figure}")


if __name__ == "__main__":
    main()
