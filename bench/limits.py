"""What a fragment bomb costs now: refusal time by depth, and crisis lines under bomb load.

Run: `.venv/bin/python -m bench.limits [--repeat 5]`

The one-process network (`saathi up` without the demo data, in a temporary data dir) through its
ASGI app. Reference: a warm `crisisResources` request (median). Each bomb is a query of fragments
that each spread the next one twice (2^depth fields once expanded), with a unique comment so no
cache answers it; its figure is the fastest of `--repeat` refusals. Before `gateway.limits`
measured documents in linear time, 22 levels held the event loop for about 52 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from network.assembly import EmbeddedNetwork, build_subgraph
from saathi.runtime import service_tokens
from saathi.service_trust import GATEWAY
from saathi.settings import load_settings

CRISIS = {
    "query": "query Crisis($city: String) { crisisResources(city: $city) { name phone } }",
    "variables": {"city": "Nagpur"},
}
DEPTHS = (10, 20, 22, 30, 40, 60)


class SocketPaced:
    """ASGI middleware that suspends at every message, as reading and writing a socket does.

    In process (httpx's ASGI transport) a request runs start to finish without letting another
    task in, so nothing would be concurrent; a server such as uvicorn yields at these points.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def paced_receive() -> Message:
            await asyncio.sleep(0)
            return await receive()

        async def paced_send(message: Message) -> None:
            await asyncio.sleep(0)
            await send(message)

        await self.app(scope, paced_receive, paced_send)


def fragment_bomb(levels: int, salt: str, width: int = 0) -> str:
    aliases = " ".join(f"a{i}: __typename" for i in range(width))
    fragments = [
        f"fragment F{i} on Query {{ __typename {aliases} ...F{i + 1} ...F{i + 1} }}"
        for i in range(levels)
    ]
    fragments.append(f"fragment F{levels} on Query {{ __typename }}")
    return f"# {salt}\nquery {{ ...F0 }}\n" + "\n".join(fragments)


async def _post(client: httpx.AsyncClient, body: Any) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = await client.post("/graphql", json=body)
    return time.perf_counter() - started, response.json()


@dataclass(frozen=True)
class Results:
    reference: float
    refusals: dict[int, float]
    subgraph_refusal: float
    one_attacker: tuple[float, int]  # crisis median latency, bombs refused meanwhile
    four_attackers: tuple[float, int]

    def rows(self) -> list[tuple[str, str]]:
        rows = [("reference: crisisResources (median)", f"{self.reference * 1e3:.2f} ms  1.00x")]
        for depth, seconds in self.refusals.items():
            rows.append(
                (
                    f"refuse a {depth}-level bomb (2^{depth} fields)",
                    f"{seconds * 1e3:.2f} ms  {seconds / self.reference:.2f}x",
                )
            )
        rows.append(
            (
                "refuse a 22-level bomb on the directory's own port",
                f"{self.subgraph_refusal * 1e3:.2f} ms  "
                f"{self.subgraph_refusal / self.reference:.2f}x",
            )
        )
        for count, (latency, bombs) in ((1, self.one_attacker), (4, self.four_attackers)):
            rows.append(
                (
                    f"crisisResources, {count} attacker(s) sending bombs "
                    f"({bombs} refused meanwhile)",
                    f"{latency * 1e3:.2f} ms  {latency / self.reference:.2f}x",
                )
            )
        return rows


async def measure(repeat: int = 5) -> Results:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = load_settings({}, data_dir=Path(data_dir))
        embedded = EmbeddedNetwork(settings, demo=False)
        app = embedded.build()
        async with app.router.lifespan_context(app):
            directory = build_subgraph(
                "directory", settings, peers=embedded.peers["directory"], manage_database=False
            )
            async with (
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=SocketPaced(app)), base_url="http://saathi"
                ) as client,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=SocketPaced(directory)),
                    base_url="http://directory",
                    # past the door with the gateway's credential: the limits still hold there
                    headers=service_tokens(settings, GATEWAY).headers("directory"),
                ) as subgraph,
            ):
                return await _measure(client, subgraph, repeat)


async def _measure(client: httpx.AsyncClient, subgraph: httpx.AsyncClient, repeat: int) -> Results:
    for _ in range(5):
        await _post(client, CRISIS)
    reference = statistics.median([(await _post(client, CRISIS))[0] for _ in range(30)])
    refusals: dict[int, float] = {}
    for depth in DEPTHS:
        times = []
        for run in range(repeat):
            seconds, body = await _post(client, {"query": fragment_bomb(depth, f"{depth}-{run}")})
            assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX", body
            times.append(seconds)
        refusals[depth] = min(times)
    on_port = []
    for run in range(repeat):
        seconds, body = await _post(subgraph, {"query": fragment_bomb(22, f"port-{run}", 4)})
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX", body
        on_port.append(seconds)

    one = await _under_attack(client, 1)
    four = await _under_attack(client, 4)
    return Results(reference, refusals, min(on_port), one, four)


async def _under_attack(client: httpx.AsyncClient, attackers: int) -> tuple[float, int]:
    """Median crisisResources latency while `attackers` clients send bombs back to back."""
    stop = asyncio.Event()
    refused = 0

    async def attacker(index: int) -> None:
        nonlocal refused
        count = 0
        while not stop.is_set():
            query = fragment_bomb(22, f"attacker-{index}-{count}", 4)
            _, body = await _post(client, {"query": query})
            assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX", body
            refused += 1
            count += 1

    tasks = [asyncio.create_task(attacker(i)) for i in range(attackers)]
    try:
        await asyncio.sleep(0.05)
        before = refused
        latencies = [(await _post(client, CRISIS))[0] for _ in range(30)]
        during = refused - before
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    return statistics.median(latencies), during


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="refusals per bomb figure")
    arguments = parser.parse_args()
    results = asyncio.run(measure(arguments.repeat))
    width = max(len(label) for label, _ in results.rows())
    for label, figure in results.rows():
        print(f"{label.ljust(width)}  {figure}")


if __name__ == "__main__":
    main()
