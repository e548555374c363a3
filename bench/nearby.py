"""NearbyGroups through the gateway over HTTP, against the gateway's own floor and a brute-force
scan of the same data, measured in one run.

    .venv/bin/python bench/nearby.py [--groups 100000] [--cities 50] [--points 300]
        [--database-url postgres://postgres@127.0.0.1:5432/nearby_bench] [--data-dir DIR]
        [--no-seed]

Seeds a synthetic directory (groups, centres, supporters and every group's sessions; a data dir
or database that already holds the same plan gains nothing), starts ``saathi up --no-demo`` in a
child process on a free port (the directory and sessions on ``--database-url`` when given,
else SQLite in the data dir), then for ``--points`` random points near the synthetic cities
sends, in turn, ``{ __typename }`` (the floor: what the gateway costs with no subgraph),
NearbyGroups (radius 10 km, first 20) and NearbyGroups with ``nextSession`` (the hop to
sessions). Prints p50 and p95 of each, their distance above the floor, and the speed-up over
a brute-force scan (every group read and measured in Python) for a few of the points, whose
answers must equal the scan's.
Last, anonymous GETs of the same searches twice over: the second is answered by the edge's
HTTP cache (``saathi.response_cache``), and once more with ``If-None-Match`` (a 304).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from network.synthetic import seed_network
from saathi.database import close_databases, open_databases
from saathi.keys import generate_signing_key
from saathi.peers import Peers
from saathi.settings import Settings
from saathi.tokens import TokenVerifier
from services.directory import repository
from services.directory.app import create_app
from services.directory.domain import geometry
from services.directory.domain.records import Point
from services.directory.domain.synthetic import SyntheticPlan

RADIUS_KM = 10.0
FIRST = 20
NEARBY = """
query NearbyGroups($near: GeoPointInput!, $radiusKm: Float, $first: Int) {
  nearbyGroups(near: $near, radiusKm: $radiusKm, first: $first) {
    totalCount
    edges { distanceKm node { id name format } }
  }
}
"""
NEARBY_NEXT = """
query NearbyGroupsNext($near: GeoPointInput!, $radiusKm: Float, $first: Int) {
  nearbyGroups(near: $near, radiusKm: $radiusKm, first: $first) {
    totalCount
    edges { distanceKm node { id name format nextSession { startsAt seatsLeft } } }
  }
}
"""
NEARBY_OPEN = """
query NearbyGroupsOpen($near: GeoPointInput!, $radiusKm: Float, $first: Int) {
  nearbyGroups(
    near: $near, radiusKm: $radiusKm, first: $first
    filter: { openSeatsOnly: true, startsWithinHours: 72 }
  ) {
    totalCount
    edges { distanceKm node { id name format } }
  }
}
"""
FLOOR = "{ __typename }"


# --- the reference: a brute-force scan ------------------------------------------------------------


async def reference_nearby(near: Point, radius_km: float, first: int) -> list[tuple[float, str]]:
    """Every group read and measured: the page ``nearbyGroups`` must give, found slowly."""
    ranked = []
    for group in await repository.all_groups():
        distance = round(geometry.haversine_km(near, group.anchor), 3)
        if distance <= radius_km:
            ranked.append((distance, group.id))
    ranked.sort()
    return ranked[:first]


# --- in process (the bounded version the test suite runs) ----------------------------------------


def app_client() -> httpx.AsyncClient:
    verifier = TokenVerifier(
        issuer="saathi", audience="saathi-network", jwks=generate_signing_key().jwks()
    )
    app = create_app(Settings(), peers=Peers(), manage_database=False, verifier=verifier)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://directory")


def _variables(near: Point) -> dict[str, Any]:
    return {"near": {"lat": near.lat, "lng": near.lng}, "radiusKm": RADIUS_KM, "first": FIRST}


def _page(body: dict[str, Any]) -> list[tuple[float, str]]:
    edges = body["data"]["nearbyGroups"]["edges"]
    return [(edge["distanceKm"], edge["node"]["id"]) for edge in edges]


async def app_nearby(client: httpx.AsyncClient, near: Point) -> list[tuple[float, str]]:
    response = await client.post("/graphql", json={"query": NEARBY, "variables": _variables(near)})
    return _page(response.json())


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
    """(seconds a call through the directory's app, seconds a brute-force scan), best of
    ``rounds``; checks first that both give the same page."""
    async with app_client() as client:
        answer = await app_nearby(client, near)
        expected = await reference_nearby(near, RADIUS_KM, FIRST)
        if answer != expected:
            raise AssertionError(f"the app and the reference disagree: {answer} != {expected}")
        app_time = await best_of(rounds, lambda: app_nearby(client, near), repeat)
        reference_time = await best_of(
            rounds, lambda: reference_nearby(near, RADIUS_KM, FIRST), repeat
        )
    return app_time, reference_time


# --- through the gateway over HTTP ---------------------------------------------------------------


def random_points(plan: SyntheticPlan, count: int, seed: int = 11) -> list[Point]:
    """Points within about 8 km of the plan's cities (where people look from)."""
    rng = random.Random(seed)
    points = []
    for _ in range(count):
        city = plan.city(rng.randrange(plan.cities))[1]
        points.append(
            Point(city.lat + rng.uniform(-0.07, 0.07), city.lng + rng.uniform(-0.07, 0.07))
        )
    return points


async def seed(plan: SyntheticPlan, settings: Settings) -> float:
    """Seeds the plan with its sessions; returns the seconds it took."""
    start = time.perf_counter()
    await open_databases(settings, ["directory", "sessions"])
    try:
        await seed_network(plan, datetime.now(UTC))
    finally:
        await close_databases()
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def network(data_dir: Path, database_url: str | None) -> Iterator[tuple[str, int]]:
    """``saathi up --no-demo`` in a child process; yields its /graphql URL once it answers,
    and its process id."""
    port = free_port()
    env = dict(os.environ)
    if database_url:
        env["SAATHI_DIRECTORY_DATABASE_URL"] = database_url
        env["SAATHI_SESSIONS_DATABASE_URL"] = database_url
    command = [sys.executable, "-c", "from network.cli import main; main()", "up", "--no-demo"]
    child = subprocess.Popen(
        [*command, "--port", str(port), "--data-dir", str(data_dir)],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.post(url, json={"query": FLOOR}, timeout=5).status_code == 200:
                    break
            if child.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("saathi up did not start")
            time.sleep(0.2)
        yield url, child.pid
    finally:
        child.terminate()
        child.wait(30)


@dataclass(frozen=True)
class Timings:
    name: str
    seconds: list[float]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)


def _timed(client: httpx.Client, url: str, query: str, variables: dict[str, Any]) -> float:
    start = time.perf_counter()
    response = client.post(url, json={"query": query, "variables": variables})
    elapsed = time.perf_counter() - start
    body = response.json()
    if response.status_code != 200 or "errors" in body:
        raise RuntimeError(f"the gateway answered {response.status_code}: {body}")
    return elapsed


def measure(url: str, points: list[Point]) -> tuple[Timings, Timings, Timings, Timings]:
    """Floor, NearbyGroups, NearbyGroups with nextSession and NearbyGroups with the seat and
    time filters, interleaved point by point so that they share the machine's noise."""
    floor, nearby, nearby_next, nearby_open = [], [], [], []
    with httpx.Client(timeout=30) as client:
        for near in points[:20]:  # warm up: connections, plan cache, SQLite page cache
            _timed(client, url, NEARBY_NEXT, _variables(near))
            _timed(client, url, NEARBY_OPEN, _variables(near))
        for near in points:
            floor.append(_timed(client, url, FLOOR, {}))
            nearby.append(_timed(client, url, NEARBY, _variables(near)))
            nearby_next.append(_timed(client, url, NEARBY_NEXT, _variables(near)))
            nearby_open.append(_timed(client, url, NEARBY_OPEN, _variables(near)))
    return (
        Timings("{ __typename } (floor)", floor),
        Timings("NearbyGroups", nearby),
        Timings("NearbyGroups + nextSession", nearby_next),
        Timings("NearbyGroups open seats, 72h", nearby_open),
    )


async def scan(settings: Settings, url: str, points: list[Point]) -> tuple[float, int]:
    """Median seconds of a brute-force scan for ``points``, each checked against the gateway's
    answer; returns (seconds, how many sessions the gateway's pages showed)."""
    times, shown = [], 0
    await open_databases(settings, ["directory"])
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            for near in points:
                response = await client.post(
                    url, json={"query": NEARBY_NEXT, "variables": _variables(near)}
                )
                body = response.json()
                start = time.perf_counter()
                expected = await reference_nearby(near, RADIUS_KM, FIRST)
                times.append(time.perf_counter() - start)
                if _page(body) != expected:
                    raise AssertionError(f"gateway and scan disagree near {near}")
                edges = body["data"]["nearbyGroups"]["edges"]
                shown += sum(1 for edge in edges if edge["node"]["nextSession"] is not None)
    finally:
        await close_databases()
    return statistics.median(times), shown


def measure_cached(url: str, points: list[Point]) -> tuple[Timings, Timings]:
    """Anonymous GETs of the searches already made once: answered from the edge's cache, then
    revalidated with the ETag (304, no body)."""
    hits, revalidated = [], []
    with httpx.Client(timeout=30) as client:
        for near in points:
            params = {"query": NEARBY, "variables": json.dumps(_variables(near))}
            first = client.get(url, params=params)
            start = time.perf_counter()
            again = client.get(url, params=params)
            hits.append(time.perf_counter() - start)
            start = time.perf_counter()
            unchanged = client.get(
                url, params=params, headers={"if-none-match": first.headers["etag"]}
            )
            revalidated.append(time.perf_counter() - start)
            if again.content != first.content or unchanged.status_code != 304:
                raise RuntimeError("the HTTP cache did not answer a repeated anonymous GET")
    return Timings("GET again (HTTP cache)", hits), Timings("GET If-None-Match (304)", revalidated)


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU the process has used so far (Linux ``/proc``), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_cpu(url: str, points: list[Point], pid: int) -> dict[str, float]:
    """The network's own CPU a request (milliseconds), each kind of request sent alone for
    every point: on a machine shared with other work, wall-clock times grow with the load while
    this does not (much)."""
    spent: dict[str, float] = {}
    with httpx.Client(timeout=30) as client:
        for name, query in (
            ("floor", FLOOR),
            ("nearby", NEARBY),
            ("next", NEARBY_NEXT),
            ("open", NEARBY_OPEN),
        ):
            before = cpu_seconds(pid)
            for near in points:
                _timed(client, url, query, {} if query == FLOOR else _variables(near))
            after = cpu_seconds(pid)
            if before is not None and after is not None:
                spent[name] = (after - before) / len(points) * 1e3
    return spent


def report(timings: tuple[Timings, ...], scan_seconds: float) -> None:
    floor = timings[0]
    print(f"{'':30} {'p50 ms':>8} {'p95 ms':>8} {'p50-floor':>10} {'p95-floor':>10}")
    for t in timings:
        print(
            f"{t.name:30} {t.p50 * 1e3:8.2f} {t.p95 * 1e3:8.2f} "
            f"{(t.p50 - floor.p50) * 1e3:10.2f} {(t.p95 - floor.p50) * 1e3:10.2f}"
        )
    print("(the floor columns subtract the floor's p50 from each figure)")
    nearby, nearby_next = timings[1], timings[2]
    print(f"brute-force scan (median): {scan_seconds * 1e3:.1f} ms a query")
    print(f"speed-up of NearbyGroups (p50) over the scan: {scan_seconds / nearby.p50:.0f}x")
    print(
        "speed-up of NearbyGroups + nextSession (p50) over the scan: "
        f"{scan_seconds / nearby_next.p50:.0f}x"
    )


async def main(options: argparse.Namespace) -> None:
    plan = SyntheticPlan(groups=options.groups, cities=options.cities)
    with contextlib.ExitStack() as stack:
        data_dir = options.data_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        urls = (
            {"directory": options.database_url, "sessions": options.database_url}
            if options.database_url
            else {}
        )
        settings = Settings(data_dir=data_dir, database_urls=urls)
        where = options.database_url or "SQLite"
        if not options.no_seed:
            seconds = await seed(plan, settings)
            print(
                f"seeded {options.groups} groups in {options.cities} cities ({where}): "
                f"{seconds:.1f} s"
            )
        points = random_points(plan, options.points)
        load_before = _load_average()
        with network(data_dir, options.database_url) as (url, pid):
            timings = measure(url, points)
            scan_seconds, shown = await scan(settings, url, points[: options.scan_points])
            cached = measure_cached(url, points[: options.cached_points])
            cpu = measure_cpu(url, points, pid)
    print(f"{options.groups} groups in {options.cities} cities on {where}, {options.points} points")
    print(f"load average before / after: {load_before} / {_load_average()}")
    report((*timings, *cached), scan_seconds)
    print(f"sessions shown on the {options.scan_points} checked pages: {shown}")
    if cpu:
        print(
            "the network's CPU a request (ms): "
            + ", ".join(f"{name} {ms:.2f}" for name, ms in cpu.items())
            + f"; above the floor: NearbyGroups {cpu['nearby'] - cpu['floor']:.2f}, with "
            f"nextSession {cpu['next'] - cpu['floor']:.2f}, with the seat filters "
            f"{cpu['open'] - cpu['floor']:.2f}"
        )


def _load_average() -> str:
    """The 1-minute load average (Linux), which says how far wall-clock figures can be trusted."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--cities", type=int, default=50)
    parser.add_argument("--points", type=int, default=300)
    parser.add_argument("--scan-points", type=int, default=5)
    parser.add_argument("--cached-points", type=int, default=50)
    parser.add_argument(
        "--no-seed", action="store_true", help="the data dir or database already holds the plan"
    )
    parser.add_argument("--database-url", default=None, help="the directory on PostgreSQL")
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse a seeded data dir")
    asyncio.run(main(parser.parse_args()))
