"""Our gateway beside @apollo/gateway, over the same running subgraphs, in one run.

    .venv/bin/python bench/gateway_vs_apollo.py [--seconds 5] [--clients 1,10,50] [--groups 300]
        [--rounds 3] [--ports FIRST]

Seeds a small synthetic directory into a scratch data dir, starts the directory, sessions and
consent subgraphs as `saathi serve <component>` processes over HTTP, then two gateways over
them: ours (`saathi serve gateway`, exactly as deployed, with its service credentials, crisis
fallbacks and edge) and @apollo/gateway (`.ci/apollo/serve.mjs`, Node, on the same supergraph,
given the same service tokens). A load generator in this process (raw HTTP/1.1 keep-alive
connections, one per client, so the client costs as little CPU as possible) sends, at each
concurrency:

- NearbyGroups, the mobile app's operation (directory, then sessions for `nextSession`);
- Centres, a one-subgraph query (directory only), through each gateway and straight to the
  directory subgraph (with the gateway's service token, as a gateway would send it).

For each: requests/s, p50, p99, our throughput over Apollo's, and our p50 overhead over the
direct call. Then our gateway's plan-cache hit rate, read from its `/metrics`. Both gateways'
first answers must be equal, and every answer must be HTTP 200 without errors.

On a shared machine the figures move from run to run; the ratios, measured in one run over the
same subgraphs and the same client, are what to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from saathi.keys import SigningKey  # noqa: E402
from saathi.service_trust import SERVICE_TOKEN_HEADER, ServiceKeys, mint_service_token  # noqa: E402

APOLLO = ROOT / ".ci" / "apollo"
SUBGRAPHS = ("consent", "directory", "sessions")
GATEWAY = "gateway"
TOKEN_TTL = 300  # the longest a service token may live; renewed before every measurement

# The mobile app's operations (the first line of NearbyGroups wrapped).
NEARBY = """
query NearbyGroups(
  $near: GeoPointInput!, $radiusKm: Float, $filter: GroupFilter, $first: Int, $after: String
) {
  nearbyGroups(near: $near, radiusKm: $radiusKm, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      distanceKm
      node {
        id
        name
        kind
        focus
        format
        languages
        centre { id name city }
        schedule { summary timezone }
        nextSession { id startsAt seatsLeft }
      }
    }
  }
}
"""
CENTRES = """
query Centres($city: String, $first: Int, $after: String) {
  centres(city: $city, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name city location { lat lng } languages isPartner } }
  }
}
"""


_PORTS: list[int] = []  # --ports FIRST: take ports from FIRST upwards (a lane's own range)


def free_port() -> int:
    """A port nobody listens on: the next free one from `--ports`, else one the kernel picks."""
    while _PORTS:
        candidate = _PORTS[0]
        _PORTS[0] += 1
        with socket.socket() as sock, contextlib.suppress(OSError):
            sock.bind(("127.0.0.1", candidate))
            return candidate
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- the load generator --------------------------------------------------------------------------


@dataclass
class Cell:
    """One measurement: a target at a concurrency."""

    target: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    failures: int = 0
    cpu: float = 0.0  # CPU seconds the serving process spent during the measurement

    @property
    def cpu_per_request(self) -> float:
        return self.cpu / len(self.latencies) if self.latencies else 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def request_bytes(port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    head = [
        f"POST {path} HTTP/1.1",
        f"host: 127.0.0.1:{port}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if length is not None:
        return status, await reader.readexactly(length)
    assert chunked, "a response without a length"
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, bytes(body)
        body.extend(chunk[:-2])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(
    port: int,
    path: str,
    payload: bytes,
    headers: dict[str, str],
    clients: int,
    seconds: float,
    pid: int,
) -> Cell:
    """`clients` connections, each sending the request again as soon as it is answered; and the
    CPU time the serving process `pid` spent meanwhile (warm-up excluded)."""
    raw = request_bytes(port, path, payload, headers)
    cell = Cell(f"{port}{path}", clients)
    warmed = asyncio.Barrier(clients)
    window: list[float] = []
    cpu: list[float] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)

        async def exchange() -> tuple[int, bytes]:
            """One request and its answer; a keep-alive connection the server closed while
            this client waited for the others is opened again (not counted as a failure)."""
            nonlocal reader, writer
            try:
                writer.write(raw)
                return await read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(raw)
                return await read_response(reader)

        try:
            for _ in range(3):  # the connection, and the gateway's caches
                await exchange()
            await warmed.wait()
            if not window:
                window.append(time.perf_counter() + seconds)
                cpu.append(cpu_seconds(pid))
            stop = window[0]
            while time.perf_counter() < stop:
                started = time.perf_counter()
                status, body = await exchange()
                elapsed = time.perf_counter() - started
                if status != 200 or b'"errors"' in body:
                    cell.failures += 1
                else:
                    cell.latencies.append(elapsed)
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    cell.cpu = cpu_seconds(pid) - cpu[0]
    # from the common start to the last answer (a request started before the end is finished)
    cell.seconds = time.perf_counter() - (window[0] - seconds)
    return cell


# --- the processes -------------------------------------------------------------------------------


@contextlib.contextmanager
def process(
    command: list[str], env: dict[str, str], log: Path, **kwargs: Any
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, **kwargs)
        try:
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def wait_for(url: str, child: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"{url} exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not start: {log.read_text()[-2000:]}")


def saathi(*arguments: str) -> list[str]:
    return [str(Path(sys.executable).parent / "saathi"), *arguments]


@dataclass
class Network:
    ports: dict[str, int]
    key: SigningKey  # the gateway's service key, for the tokens Apollo's gateway sends
    apollo_config: Path
    supergraph: str
    apollo_port: int
    pids: dict[str, int] = field(default_factory=dict)  # ours, apollo, directory

    def tokens(self) -> dict[str, str]:
        """Fresh service tokens, handed to Apollo's gateway too (it re-reads its config)."""
        tokens = {
            name: mint_service_token(self.key, caller=GATEWAY, audience=name, ttl_seconds=TOKEN_TTL)
            for name in SUBGRAPHS
        }
        self.apollo_config.write_text(
            json.dumps(
                {
                    "port": self.apollo_port,
                    "supergraphSdl": self.supergraph,
                    "subgraphHeaders": {n: {SERVICE_TOKEN_HEADER: t} for n, t in tokens.items()},
                }
            )
        )
        return tokens


def supergraph_for(ports: dict[str, int]) -> str:
    """The committed supergraph, its subgraph URLs pointed at this run's processes."""
    sdl = (ROOT / "schema" / "supergraph.graphql").read_text()

    def url(match: re.Match[str]) -> str:
        name = match.group(1)
        return f'@join__graph(name: "{name}", url: "http://127.0.0.1:{ports[name]}/graphql")'

    return re.sub(r'@join__graph\(name: "([^"]+)", url: "[^"]+"\)', url, sdl)


# --- the run -------------------------------------------------------------------------------------


def body(query: str, variables: dict[str, Any], name: str) -> bytes:
    return json.dumps({"query": query, "variables": variables, "operationName": name}).encode()


def first_answer(port: int, payload: bytes, headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        content=payload,
        headers={"content-type": "application/json", **headers},
        timeout=30,
    )
    answer: dict[str, Any] = response.json()
    assert response.status_code == 200, answer
    assert "errors" not in answer, answer
    return answer


def plan_cache_hits(port: int) -> tuple[float, float]:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text

    def value(name: str) -> float:
        match = re.search(rf"^{name} (\S+)$", text, re.MULTILINE)
        return float(match.group(1)) if match else 0.0

    return value("gateway_plan_cache_hits_total"), value("gateway_plan_cache_misses_total")


async def run(
    network: Network, clients: list[int], seconds: float, rounds: int
) -> list[tuple[str, str, Cell]]:
    ours, apollo = network.ports[GATEWAY], network.apollo_port
    directory = network.ports["directory"]
    near = {"lat": 19.0760, "lng": 72.8777}  # Mumbai, the first synthetic city
    nearby = body(NEARBY, {"near": near, "radiusKm": 25.0, "first": 20}, "NearbyGroups")
    centres = body(CENTRES, {"first": 20}, "Centres")

    for payload in (nearby, centres):
        mine = first_answer(ours, payload, {})
        theirs = first_answer(apollo, payload, {})
        assert json.dumps(mine) == json.dumps(theirs), (mine, theirs)
    edges = first_answer(ours, nearby, {})["data"]["nearbyGroups"]["edges"]
    assert len(edges) == 20, edges
    assert any(e["node"]["nextSession"] for e in edges), edges

    cells: list[tuple[str, str, Cell]] = []
    for count in clients:
        for query, payload in (("NearbyGroups", nearby), ("Centres", centres)):
            # Ours and Apollo's in turn, `rounds` times, the best round of each: a neighbour's
            # burst of CPU on a shared machine should not decide the ratio.
            best: dict[str, Cell] = {}
            for _ in range(rounds):
                for name, port in (("ours", ours), ("apollo", apollo)):
                    network.tokens()
                    pid = network.pids[name]
                    cell = await load(port, "/graphql", payload, {}, count, seconds, pid)
                    if name not in best or cell.rps > best[name].rps:
                        best[name] = cell
            cells += [(query, "ours", best["ours"]), (query, "apollo", best["apollo"])]
            if query == "Centres":
                direct_headers = {SERVICE_TOKEN_HEADER: network.tokens()["directory"]}
                direct = await load(
                    directory, "/graphql", payload, direct_headers, count, seconds,
                    network.pids["direct"],
                )  # fmt: skip
                cells.append((query, "direct", direct))
    return cells


def report(cells: list[tuple[str, str, Cell]], hits: float, misses: float) -> None:
    print(
        f"{'query':<13}{'clients':>8}  {'target':<7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/req':>12}{'failed':>8}"
    )
    for query, target, cell in cells:
        print(
            f"{query:<13}{cell.clients:>8}  {target:<7}{cell.rps:>9.0f}"
            f"{cell.percentile(0.5) * 1e3:>9.2f}{cell.percentile(0.99) * 1e3:>9.2f}"
            f"{cell.cpu_per_request * 1e3:>12.2f}{cell.failures:>8}"
        )
    print(
        "(CPU ms/req: the serving process's own CPU, the gateway's or, for direct, the "
        "subgraph's; failed: answers not HTTP 200 or with errors, left out of the figures)"
    )
    print()
    print(f"{'query':<13}{'clients':>8}  {'ours/apollo req/s':>18}  {'p50 over direct':>16}")
    table = {(q, t, c.clients): c for q, t, c in cells}
    for query, target, cell in cells:
        if target != "ours":
            continue
        apollo = table[(query, "apollo", cell.clients)]
        direct = table.get((query, "direct", cell.clients))
        overhead = (
            f"{(cell.percentile(0.5) - direct.percentile(0.5)) * 1e3:>+14.2f} ms" if direct else ""
        )
        print(f"{query:<13}{cell.clients:>8}  {cell.rps / apollo.rps:>17.2f}x  {overhead:>16}")
    total = hits + misses
    rate = hits / total if total else 0.0
    print()
    print(f"plan cache (ours): {hits:.0f} hits, {misses:.0f} misses, hit rate {rate:.4%}")


@contextlib.contextmanager
def running_network(node: str, groups: int) -> Iterator[Network]:
    """Subgraphs, our gateway and Apollo's, each its own process, on a seeded scratch data dir."""
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        data_dir = Path(scratch)
        ports = {name: free_port() for name in (*SUBGRAPHS, GATEWAY)}
        pids: dict[str, int] = {}
        env = {
            **os.environ,
            "SAATHI_DATA_DIR": str(data_dir),
            "SAATHI_ENV": "production",
            **{f"SAATHI_{n.upper()}_URL": f"http://127.0.0.1:{ports[n]}" for n in SUBGRAPHS},
        }
        subprocess.run(
            saathi("seed", "--synthetic", "--groups", str(groups), "--cities", "2"),
            env=env,
            check=True,
            capture_output=True,
        )
        # serve never changes a schema: the one migration step of a deployment comes first
        subprocess.run(saathi("migrate"), env=env, check=True, capture_output=True)
        supergraph = supergraph_for(ports)
        (data_dir / "supergraph.graphql").write_text(supergraph)
        for name in SUBGRAPHS:
            log = data_dir / f"{name}.log"
            child = stack.enter_context(
                process(saathi("serve", name, "--port", str(ports[name])), env, log)
            )
            wait_for(f"http://127.0.0.1:{ports[name]}/health", child, log)
            pids[name] = child.pid
        log = data_dir / "gateway.log"
        command = saathi(
            "serve", GATEWAY, "--port", str(ports[GATEWAY]),
            "--supergraph", str(data_dir / "supergraph.graphql"),
        )  # fmt: skip
        gateway = stack.enter_context(process(command, env, log))
        wait_for(f"http://127.0.0.1:{ports[GATEWAY]}/health", gateway, log)

        key: SigningKey = ServiceKeys(data_dir / "keys").own(GATEWAY)
        config = data_dir / "apollo.json"
        network = Network(ports, key, config, supergraph, free_port(), {"ours": gateway.pid})
        network.tokens()
        log = data_dir / "apollo.log"
        child = stack.enter_context(process([node, "serve.mjs", str(config)], env, log, cwd=APOLLO))
        wait_for(f"http://127.0.0.1:{network.apollo_port}/graphql", child, log)
        network.pids.update(apollo=child.pid, direct=pids["directory"], sessions=pids["sessions"])
        yield network


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument("--clients", default="1,10,50", help="concurrencies, comma-separated")
    parser.add_argument("--groups", type=int, default=300, help="synthetic groups to seed")
    parser.add_argument("--rounds", type=int, default=3, help="turns per gateway, best kept")
    parser.add_argument("--ports", type=int, help="first port to use (default: any free ports)")
    arguments = parser.parse_args()
    if arguments.ports:
        _PORTS.append(arguments.ports)
    node = shutil.which("node")
    if node is None or not (APOLLO / "node_modules" / "@apollo" / "gateway").is_dir():
        raise SystemExit("needs node and .ci/apollo/node_modules (npm ci --prefix .ci/apollo)")
    clients = [int(n) for n in arguments.clients.split(",")]

    with running_network(node, arguments.groups) as network:
        cells = asyncio.run(run(network, clients, arguments.seconds, arguments.rounds))
        hits, misses = plan_cache_hits(network.ports[GATEWAY])
    print(
        f"{' '.join(sys.argv)}: {arguments.seconds:g} s a measurement, the gateways' best of "
        f"{arguments.rounds} turns each, {os.cpu_count()} CPUs, load average "
        + " ".join(f"{n:.1f}" for n in os.getloadavg())
    )
    report(cells, hits, misses)


if __name__ == "__main__":
    main()
