"""The distributed topology: each component its own process, the gateway reaching them over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from saathi import demo
from saathi.network import EmbeddedNetwork
from saathi.settings import load_settings
from tests.conftest import operation


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not become healthy")


@pytest.fixture(scope="module")
def distributed(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, subprocess.Popen[bytes] | str]]:
    data_dir = tmp_path_factory.mktemp("distributed")

    async def seed() -> None:
        app = EmbeddedNetwork(load_settings({}, data_dir=data_dir)).build()
        async with app.router.lifespan_context(app):
            pass

    asyncio.run(seed())
    ports = {name: _free_port() for name in ("directory", "sessions", "consent", "gateway")}
    env = {**os.environ, "SAATHI_DATA_DIR": str(data_dir)}
    for name in ("directory", "sessions", "consent"):
        env[f"SAATHI_{name.upper()}_URL"] = f"http://127.0.0.1:{ports[name]}"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name in ("directory", "sessions", "consent", "gateway"):
            log = data_dir / f"{name}.log"
            with log.open("wb") as sink:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        "from saathi.cli import main; main()",
                        "serve",
                        name,
                        "--port",
                        str(ports[name]),
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=sink,
                )
            processes.append(process)
            _wait_healthy(f"http://127.0.0.1:{ports[name]}", process, log)
        urls: dict[str, subprocess.Popen[bytes] | str] = {
            name: f"http://127.0.0.1:{port}" for name, port in ports.items()
        }
        yield {**urls, "sessions-process": processes[1], "data-dir": str(data_dir)}
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            process.wait(timeout=20)


Distributed = dict[str, "subprocess.Popen[bytes] | str"]


def test_the_gateway_answers_over_http_across_processes(distributed: Distributed) -> None:
    group = demo.GROUPS[0]

    body = httpx.post(
        f"{distributed['gateway']}/graphql",
        json={"query": operation("mobile", "GroupDetail"), "variables": {"id": group.id}},
        timeout=10,
    ).json()

    assert "errors" not in body, body
    assert body["data"]["group"]["centre"]["id"] == group.centre_id
    assert len(body["data"]["group"]["upcomingSessions"]) == 5


def test_a_signed_out_token_is_refused_by_the_served_gateway(distributed: Distributed) -> None:
    # given a participant signed in through the gateway process
    gateway = f"{distributed['gateway']}/graphql"
    contact = "+919876500099"

    def run(name: str, token: str | None = None, **variables: str) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body: dict[str, Any] = httpx.post(
            gateway,
            json={"query": operation("mobile", name), "variables": variables},
            headers=headers,
            timeout=10,
        ).json()
        return body

    assert run("RequestLoginCode", contact=contact)["data"]["requestLoginCode"]["sent"] is True
    outbox = Path(str(distributed["data-dir"])) / "outbox.jsonl"
    code = [json.loads(line) for line in outbox.read_text().splitlines()][-1]["code"]
    token = run("VerifyLoginCode", contact=contact, code=code)["data"]["verifyLoginCode"][
        "accessToken"
    ]
    assert "errors" not in run("Me", token)

    # when they sign out
    assert run("SignOut", token)["data"]["signOut"]["signedOut"] is True

    # then the gateway (asking consent over HTTP with a service token) refuses the token
    refused = run("Me", token)
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["UNAUTHENTICATED"]
    assert "data" not in refused


def test_a_stopped_subgraph_leaves_a_partial_answer(distributed: Distributed) -> None:
    gateway = distributed["gateway"]
    query = operation("mobile", "NearbyGroups")
    variables = {"near": {"lat": 18.52, "lng": 73.85}, "radiusKm": 10}
    sessions = distributed["sessions-process"]
    assert isinstance(sessions, subprocess.Popen)
    sessions.send_signal(signal.SIGINT)
    sessions.wait(timeout=20)

    body = httpx.post(
        f"{gateway}/graphql", json={"query": query, "variables": variables}, timeout=10
    ).json()

    edges = body["data"]["nearbyGroups"]["edges"]
    assert edges
    assert all(edge["node"]["centre"]["city"] == "Pune" for edge in edges)
    assert all(edge["node"]["nextSession"] is None for edge in edges)
    assert {error["extensions"]["code"] for error in body["errors"]} == {"SUBGRAPH_UNAVAILABLE"}
    assert {error["extensions"]["service"] for error in body["errors"]} == {"sessions"}
    ready = httpx.get(f"{gateway}/ready", timeout=10)
    assert ready.status_code == 503
    assert ready.json()["subgraphs"] == {"directory": True, "sessions": False, "consent": True}
