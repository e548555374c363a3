"""Every served subgraph: /health, /ready, Prometheus /metrics, request ids, JSON logs without
personal data, and a graceful shutdown on SIGTERM that finishes the request in flight."""

from __future__ import annotations

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
from typer.testing import CliRunner

from network.cli import app
from saathi.observability import JsonFormatter, Observed, request_id, route_family
from saathi.service_trust import ServiceKeys, ServiceTokens
from tests.running import make_instance

COMPONENTS = ("directory", "sessions", "consent")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(data_dir: Path, component: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SAATHI_DATA_DIR": str(data_dir)}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from network.cli import main; main()",
                "serve",
                component,
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(log.read_text())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    data_dir = make_instance(tmp_path_factory.mktemp("ops"))
    result = CliRunner().invoke(app, ["migrate", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    ports = {name: _free_port() for name in COMPONENTS}
    processes = {
        name: _serve(data_dir, name, ports[name], data_dir / f"{name}.log") for name in COMPONENTS
    }
    try:
        yield {"data_dir": data_dir, "ports": ports, "processes": processes}
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            process.wait(timeout=30)


def _url(served: dict[str, object], component: str) -> str:
    ports = served["ports"]
    assert isinstance(ports, dict)
    return f"http://127.0.0.1:{ports[component]}"


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_subgraph_answers_health_ready_and_metrics(
    served: dict[str, object], component: str
) -> None:
    url = _url(served, component)
    assert httpx.get(f"{url}/health").status_code == 200
    ready = httpx.get(f"{url}/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}
    httpx.get(f"{url}/graphql?query=%7B__typename%7D")  # refused (no service token): counted

    metrics = httpx.get(f"{url}/metrics")

    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert (
        f'saathi_http_requests_total{{component="{component}",method="GET",route="/health",status="200"}}'
        in text
    )
    assert f'saathi_ready{{component="{component}"}} 1.0' in text
    assert "saathi_http_request_duration_seconds_bucket" in text
    assert "__typename" not in text  # no query string in any label
    if component != "consent":  # directory and sessions run a worker loop; its first round ran
        assert f'saathi_worker_rounds_total{{component="{component}",outcome="cleared"}}' in text


def test_request_ids_are_kept_when_well_formed_and_made_otherwise(
    served: dict[str, object],
) -> None:
    url = _url(served, "directory")

    kept = httpx.get(f"{url}/health", headers={"x-request-id": "req-abc-12345"})
    injected = httpx.get(f"{url}/health", headers={"x-request-id": 'x" "level":"fake'})
    made = httpx.get(f"{url}/health")

    assert kept.headers["x-request-id"] == "req-abc-12345"
    assert injected.headers["x-request-id"] != 'x" "level":"fake'
    assert len(made.headers["x-request-id"]) == 16


def test_logs_are_json_lines_with_request_ids_and_no_query_strings(
    served: dict[str, object],
) -> None:
    url = _url(served, "sessions")
    secret = "participant-phone-919800000001"
    httpx.get(f"{url}/graphql?query={secret}", headers={"x-request-id": "trace-me-123456"})
    time.sleep(0.3)

    data_dir = served["data_dir"]
    assert isinstance(data_dir, Path)
    lines = [line for line in (data_dir / "sessions.log").read_text().splitlines() if line]
    entries = [json.loads(line) for line in lines]  # every line is JSON
    mine = [entry for entry in entries if entry.get("request_id") == "trace-me-123456"]
    assert mine
    assert mine[-1]["route"] == "/graphql"
    assert mine[-1]["component"] == "sessions"
    assert secret not in (data_dir / "sessions.log").read_text()


def test_sigterm_finishes_the_request_in_flight_then_exits(tmp_path: Path) -> None:
    # given a served directory and a request whose body is still arriving
    make_instance(tmp_path)
    result = CliRunner().invoke(
        app, ["migrate", "--component", "directory", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    port = _free_port()
    process = _serve(tmp_path, "directory", port, tmp_path / "directory.log")
    headers = ServiceTokens("gateway", ServiceKeys(tmp_path / "keys").own("gateway")).headers(
        "directory"
    )
    # the directory must know the gateway's public key: serve made its own keys dir
    answer: dict[str, object] = {}
    started = threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield b'{"query": "{ __typename '
        started.set()
        time.sleep(1.5)
        yield b'}"}'

    def post() -> None:
        try:
            response = httpx.post(
                f"http://127.0.0.1:{port}/graphql",
                content=slow_body(),
                headers={**headers, "content-type": "application/json"},
                timeout=20,
            )
            answer["status"] = response.status_code
            answer["body"] = response.text
        except httpx.HTTPError as exc:
            answer["error"] = repr(exc)

    client = threading.Thread(target=post)
    client.start()
    assert started.wait(10)
    time.sleep(0.2)

    # when the process is told to stop
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    # then it accepts no new connection
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
    # and the request in flight is answered in full, and the process exits cleanly
    client.join(20)
    assert answer.get("status") == 200, answer
    assert json.loads(str(answer["body"]))["data"] == {"__typename": "Query"}
    # (uvicorn re-raises the SIGTERM it caught once it has shut down, as a process should)
    assert process.wait(timeout=20) in (0, -signal.SIGTERM)
    messages = [
        json.loads(line)["message"]
        for line in (tmp_path / "directory.log").read_text().splitlines()
    ]
    assert "Application shutdown complete." in messages


async def test_ready_says_503_when_the_database_cannot_answer() -> None:
    async def inner(scope: object, receive: object, send: object) -> None:
        raise AssertionError("not reached")

    async def broken() -> bool:
        raise ConnectionError("database down")

    observed = Observed(inner, "directory", broken)
    transport = httpx.ASGITransport(app=observed)
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
        ready = await client.get("/ready")
        metrics = await client.get("/metrics")
    assert ready.status_code == 503
    assert 'saathi_ready{component="directory"} 0.0' in metrics.text


def test_route_families_keep_ids_out_of_labels() -> None:
    assert route_family("/feeds/centres/cen_123.ics") == "/feeds"
    assert route_family("/internal/series") == "/internal"
    assert route_family("/par_01H/secret") == "other"


def test_the_json_formatter_adds_the_request_id_of_the_request_being_answered() -> None:
    record = logging.LogRecord("saathi.x", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    token = request_id.set("abcdef123456")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "hello there"
    assert line["request_id"] == "abcdef123456"
    assert line["level"] == "info"


def test_subgraphs_and_the_gateway_write_one_log_format() -> None:
    """An operator's log pipeline parses one format: the same keys for the same record, with
    the subgraphs' extras limited to the access log's fields (nothing else a caller passes)."""
    from gateway.logs import JsonFormatter as GatewayFormatter

    record = logging.LogRecord("saathi.access", logging.INFO, __file__, 1, "request", (), None)
    record.status = 200
    record.contact = "+91 98xxxxxx"  # not an access-log field: never written by a subgraph
    gateway_line = json.loads(GatewayFormatter().format(record))
    subgraph_line = json.loads(JsonFormatter().format(record))
    assert set(subgraph_line) == {"time", "level", "logger", "message", "status"}
    assert {key: gateway_line[key] for key in subgraph_line} == subgraph_line
