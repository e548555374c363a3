"""The pieces of bench/gateway_vs_apollo.py that decide its figures: the load generator (counts,
failures, CPU of the serving process, a connection closed by the server) and the supergraph
pointed at the run's own ports. The full run needs Node and several processes: it is run by
hand (`python bench/gateway_vs_apollo.py`), with its figures in docs/observability.md."""

from __future__ import annotations

import os
import re

import strawberry

from bench.gateway_vs_apollo import SUBGRAPHS, load, supergraph_for
from tests.gateway.serving import serve_subgraphs


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, fail: bool = False) -> str:
        if fail:
            raise ValueError("asked to fail")
        return "hi"


SCHEMA = strawberry.federation.Schema(query=Query, federation_version="2.5")


def _port(url: str) -> int:
    match = re.search(r":(\d+)/", url)
    assert match is not None
    return int(match.group(1))


async def test_the_load_generator_counts_answers_and_the_servers_cpu() -> None:
    with serve_subgraphs({"hello": SCHEMA}) as urls:
        port = _port(urls["hello"])
        good = b'{"query": "{ hello }"}'
        bad = b'{"query": "{ hello(fail: true) }"}'

        answered = await load(port, "/hello/graphql", good, {}, 3, 0.3, os.getpid())
        failed = await load(port, "/hello/graphql", bad, {}, 2, 0.2, os.getpid())

    assert answered.failures == 0
    assert len(answered.latencies) > 3
    assert answered.rps > 0
    assert answered.cpu > 0  # the server runs in this process's thread
    assert failed.latencies == []
    assert failed.failures > 0


def test_the_supergraph_points_at_this_runs_subgraphs() -> None:
    ports = {name: 50000 + n for n, name in enumerate(SUBGRAPHS)}

    sdl = supergraph_for(ports)

    found = dict(re.findall(r'@join__graph\(name: "([^"]+)", url: "([^"]+)"\)', sdl))
    assert found == {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
