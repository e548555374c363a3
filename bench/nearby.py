"""nearbyGroups (radius 25 km, first 20) through the directory's ASGI app, against a reference:
the same answer from a brute-force scan of every group in Python, in the same process.

    .venv/bin/python bench/nearby.py [--groups 20000] [--cities 20] [--rounds 7]

Seeds a synthetic directory in a temporary SQLite file, then prints ops/s of each and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from saathi.database import close_databases, open_databases
from saathi.keys import generate_signing_key
from saathi.peers import Peers
from saathi.settings import Settings
from saathi.tokens import TokenVerifier
from services.directory import domain, repository
from services.directory.app import create_app
from services.directory.records import Point
from services.directory.synthetic import SyntheticPlan, seed_synthetic

RADIUS_KM = 25.0
FIRST = 20
QUERY = """
query Nearby($near: GeoPointInput!, $radiusKm: Float, $first: Int) {
  nearbyGroups(near: $near, radiusKm: $radiusKm, first: $first) {
    totalCount
    edges { distanceKm node { id } }
  }
}
"""


async def reference_nearby(near: Point, radius_km: float, first: int) -> list[str]:
    """Every group read and measured: the answer ``nearbyGroups`` must give, found slowly."""
    ranked = []
    for group in await repository.all_groups():
        distance = round(domain.haversine_km(near, group.anchor), 3)
        if distance <= radius_km:
            ranked.append((distance, group.id))
    ranked.sort()
    return [id_ for _, id_ in ranked[:first]]


def app_client() -> httpx.AsyncClient:
    verifier = TokenVerifier(
        issuer="saathi", audience="saathi-network", jwks=generate_signing_key().jwks()
    )
    app = create_app(Settings(), peers=Peers(), manage_database=False, verifier=verifier)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://directory")


async def app_nearby(
    client: httpx.AsyncClient, near: Point, radius_km: float, first: int
) -> list[str]:
    variables: dict[str, Any] = {
        "near": {"lat": near.lat, "lng": near.lng},
        "radiusKm": radius_km,
        "first": first,
    }
    response = await client.post("/graphql", json={"query": QUERY, "variables": variables})
    body = response.json()
    return [edge["node"]["id"] for edge in body["data"]["nearbyGroups"]["edges"]]


async def best_of(rounds: int, run: Callable[[], Awaitable[object]], repeat: int = 1) -> float:
    """The fastest of ``rounds`` timings of ``repeat`` calls, in seconds a call."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            await run()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


async def compare(near: Point, rounds: int, repeat: int = 3) -> tuple[float, float]:
    """(seconds a call through the app, seconds a call of the reference), best of ``rounds``;
    checks first that both give the same answer."""
    async with app_client() as client:
        answer = await app_nearby(client, near, RADIUS_KM, FIRST)
        expected = await reference_nearby(near, RADIUS_KM, FIRST)
        if answer != expected:
            raise AssertionError(f"the app and the reference disagree: {answer} != {expected}")
        app_time = await best_of(rounds, lambda: app_nearby(client, near, RADIUS_KM, FIRST), repeat)
        reference_time = await best_of(
            rounds, lambda: reference_nearby(near, RADIUS_KM, FIRST), repeat
        )
    return app_time, reference_time


async def main(groups: int, cities: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(data_dir=Path(scratch))
        await open_databases(settings, ["directory"])
        try:
            start = time.perf_counter()
            await seed_synthetic(SyntheticPlan(groups=groups, cities=cities))
            print(
                f"seeded {groups} groups in {cities} cities in {time.perf_counter() - start:.1f} s"
            )
            pune = SyntheticPlan(groups=groups, cities=cities).city(7)[1]
            app_time, reference_time = await compare(pune, rounds)
        finally:
            await close_databases()
    print(f"nearbyGroups via the ASGI app: {1 / app_time:8.1f} ops/s")
    print(f"brute-force reference scan:    {1 / reference_time:8.1f} ops/s")
    print(f"ratio (app / reference):       {reference_time / app_time:8.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=20_000)
    parser.add_argument("--cities", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    asyncio.run(main(options.groups, options.cities, options.rounds))
