"""The gateway process: JSON logs on stderr, and a graceful shutdown on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import strawberry

from gateway import SubgraphSpec, compose
from gateway.__main__ import main as gateway_main
from tests.gateway.serving import serve_subgraphs

ARRIVED = threading.Event()  # set when a slow request reaches the subgraph


@strawberry.type
class SlowQuery:
    @strawberry.field
    async def slow(self, seconds: float) -> str:
        ARRIVED.set()
        await asyncio.sleep(seconds)
        return "done"


SLOW = strawberry.federation.Schema(query=SlowQuery, federation_version="2.5")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def gateway_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    with serve_subgraphs({"slow": SLOW}) as urls:
        sdl = SLOW.execute_sync("{ _service { sdl } }").data["_service"]["sdl"]  # type: ignore[index]
        supergraph = tmp_path / "supergraph.graphql"
        supergraph.write_text(compose([SubgraphSpec("slow", urls["slow"], sdl)]))
        port = free_port()
        child = subprocess.Popen(
            [sys.executable, "-m", "gateway", "--supergraph", str(supergraph), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                assert child.poll() is None, child.stderr.read()  # type: ignore[union-attr]
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the gateway did not start"
                time.sleep(0.1)
            yield child, base
        finally:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=10)
            child.stderr.close()  # type: ignore[union-attr]


def test_sigterm_stops_accepting_and_finishes_requests_in_flight(
    gateway_process: tuple[subprocess.Popen[bytes], str],
) -> None:
    child, base = gateway_process
    answers: list[httpx.Response] = []
    query = {"query": "{ slow(seconds: 3) }"}
    in_flight = threading.Thread(
        target=lambda: answers.append(httpx.post(f"{base}/graphql", json=query, timeout=20))
    )
    ARRIVED.clear()

    in_flight.start()
    assert ARRIVED.wait(timeout=10)  # the request is with the subgraph now
    child.send_signal(signal.SIGTERM)
    refused_at = None
    deadline = time.monotonic() + 2.5  # well before the subgraph answers
    while refused_at is None and time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/health", timeout=0.5)
            time.sleep(0.05)
        except httpx.ConnectError:
            refused_at = time.monotonic()
        except (httpx.RemoteProtocolError, httpx.ReadError):
            pass  # accepted as the listener closed, then closed unanswered: try again
    in_flight.join(timeout=20)
    code = child.wait(timeout=10)

    assert refused_at is not None, "new connections were still accepted"
    assert code == 0
    (answer,) = answers
    assert answer.status_code == 200
    assert answer.json() == {"data": {"slow": "done"}}


def test_the_process_logs_one_json_line_per_request_without_the_query(
    gateway_process: tuple[subprocess.Popen[bytes], str],
) -> None:
    child, base = gateway_process

    httpx.post(
        f"{base}/graphql",
        json={"query": "query Nap($s: Float!) { slow(seconds: $s) }", "variables": {"s": 0.01}},
        headers={"x-request-id": "r-123"},
    )
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=10)

    stderr = child.stderr.read().decode()  # type: ignore[union-attr]
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    (request,) = [line for line in lines if line["message"] == "request"]
    assert request["request_id"] == "r-123"
    assert request["operation"] == "Nap"
    assert request["status"] == 200
    assert set(request["stages_ms"]) >= {"parse", "validate", "plan", "fetch.slow", "shape"}
    assert "slow(seconds" not in stderr
    assert "0.01" not in json.dumps([line for line in lines if line is not request])


def test_python_m_gateway_serves_until_sigterm_and_exits_zero_in_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # given `python -m gateway` run in this very process (its main thread, where signals land)
    with serve_subgraphs({"slow": SLOW}) as urls:
        sdl = SLOW.execute_sync("{ _service { sdl } }").data["_service"]["sdl"]  # type: ignore[index]
        supergraph = tmp_path / "supergraph.graphql"
        supergraph.write_text(compose([SubgraphSpec("slow", urls["slow"], sdl)]))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        answers: list[httpx.Response] = []

        def client() -> None:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            answers.append(httpx.post(f"{base}/graphql", json={"query": "{ slow(seconds: 0) }"}))
            os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's handler is in place by now

        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        saved = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
        argv = sys.argv
        sys.argv = ["gateway", "--supergraph", str(supergraph), "--port", str(port)]
        thread = threading.Thread(target=client, daemon=True)
        thread.start()
        try:
            # when
            with pytest.raises(SystemExit) as exited:
                gateway_main()
        finally:
            sys.argv = argv
            for number, handler in saved.items():
                signal.signal(number, handler)
            root.handlers[:] = handlers
            root.setLevel(level)
            thread.join(timeout=10)

    # then it answered, and a clean stop is status 0
    assert exited.value.code == 0
    (answer,) = answers
    assert answer.json() == {"data": {"slow": "done"}}
