"""Trust between components: service keys, service tokens, the door in front of each subgraph."""

from __future__ import annotations

import asyncio
import json
import socket
import stat
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from network.assembly import build_subgraph
from network.cli import UVICORN
from saathi.errors import Unauthenticated
from saathi.peers import Peers
from saathi.runtime import peers_for, trust_for
from saathi.service_trust import (
    SERVICE_TOKEN_HEADER,
    ServiceDoor,
    ServiceKeys,
    ServiceTokens,
    ServiceTrust,
    mint_service_token,
)
from saathi.settings import Settings


def test_a_service_key_is_private_to_its_owner_and_publishes_its_public_half(
    tmp_path: Path,
) -> None:
    keys = ServiceKeys(tmp_path / "keys")

    key = keys.own("sessions")

    assert stat.S_IMODE(keys.private_path("sessions").stat().st_mode) == 0o600
    assert keys.public("sessions") == key.public_jwk()
    assert "d" not in json.loads(keys.public_path("sessions").read_text())  # no private part


def test_a_token_is_accepted_by_its_audience_from_a_trusted_caller(tmp_path: Path) -> None:
    keys = ServiceKeys(tmp_path)
    tokens = ServiceTokens("gateway", keys.own("gateway"))

    caller = ServiceTrust("sessions", keys, {"gateway"}).caller(tokens("sessions"))

    assert caller == "gateway"
    assert tokens("sessions") == tokens("sessions")  # reused, not minted per request


def _refused(trust: ServiceTrust, token: str | None) -> str:
    with pytest.raises(Unauthenticated) as refused:
        trust.caller(token)
    return refused.value.message


def test_a_token_for_another_audience_is_refused(tmp_path: Path) -> None:
    keys = ServiceKeys(tmp_path)
    for_sessions = ServiceTokens("gateway", keys.own("gateway"))("sessions")

    message = _refused(ServiceTrust("consent", keys, {"gateway"}), for_sessions)

    assert message == "The service token is not valid for this service."


def test_a_token_naming_one_caller_signed_by_another_is_refused(tmp_path: Path) -> None:
    keys = ServiceKeys(tmp_path)
    keys.own("gateway")
    claims_gateway = ServiceTokens("gateway", keys.own("directory"))("sessions")

    message = _refused(ServiceTrust("sessions", keys, {"gateway", "directory"}), claims_gateway)

    assert message == "The service token is not valid for this service."


def test_a_caller_not_trusted_at_all_is_refused(tmp_path: Path) -> None:
    keys = ServiceKeys(tmp_path)
    from_directory = ServiceTokens("directory", keys.own("directory"))("consent")

    message = _refused(ServiceTrust("consent", keys, {"gateway", "sessions"}), from_directory)

    assert message == "The service token is not valid for this service."


@pytest.mark.parametrize(
    ("ttl", "issued_ago"),
    [(60, 120), (3600, 0)],
    ids=["expired", "too-long-lived"],
)
def test_expired_and_long_lived_tokens_are_refused(
    tmp_path: Path, ttl: int, issued_ago: int
) -> None:
    keys = ServiceKeys(tmp_path)
    token = mint_service_token(
        keys.own("gateway"),
        caller="gateway",
        audience="sessions",
        ttl_seconds=ttl,
        now=time.time() - issued_ago,
    )

    _refused(ServiceTrust("sessions", keys, {"gateway"}), token)


def test_a_token_signed_with_no_algorithm_is_refused(tmp_path: Path) -> None:
    keys = ServiceKeys(tmp_path)
    keys.own("gateway")
    now = int(time.time())
    claims = {"iss": "gateway", "sub": "gateway", "aud": "sessions", "iat": now}
    unsigned = jwt.encode({**claims, "exp": now + 60, "jti": "svc_1"}, "", algorithm="none")

    _refused(ServiceTrust("sessions", keys, {"gateway"}), unsigned)


def test_a_caller_that_made_its_key_after_the_target_started_is_recognised(
    tmp_path: Path,
) -> None:
    keys = ServiceKeys(tmp_path)
    trust = ServiceTrust("sessions", keys, {"gateway"})
    assert _refused(trust, "a.b.c")  # the gateway has no key yet

    token = ServiceTokens("gateway", ServiceKeys(tmp_path).own("gateway"))("sessions")

    assert trust.caller(token) == "gateway"


def test_a_new_key_of_a_caller_replaces_its_old_one(tmp_path: Path) -> None:
    keys = ServiceKeys(tmp_path)
    trust = ServiceTrust("sessions", keys, {"gateway"})
    old = ServiceTokens("gateway", keys.own("gateway"))("sessions")
    assert trust.caller(old) == "gateway"

    keys.private_path("gateway").unlink()
    time.sleep(0.01)  # a distinct modification time for the new public key file
    new = ServiceTokens("gateway", keys.own("gateway"))("sessions")

    assert trust.caller(new) == "gateway"


# --- the door, in process, in front of the real subgraph apps ------------------------------


def _subgraph(settings: Settings, component: str) -> ServiceDoor:
    return build_subgraph(component, settings, peers=Peers(), manage_database=False)


async def _post(
    app: Any, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://subgraph") as client:
        return await client.post(path, json=body, headers=headers or {})


@pytest.mark.parametrize("component", ["directory", "sessions", "consent"])
async def test_the_door_refuses_graphql_without_the_gateways_token(
    tmp_path: Path, component: str
) -> None:
    settings = Settings(data_dir=tmp_path)
    app = _subgraph(settings, component)
    keys = ServiceKeys(settings.keys_dir)
    gateway = ServiceTokens("gateway", keys.own("gateway")).headers(component)

    anonymous = await _post(app, "/graphql", {"query": "{ _service { sdl } }"})
    admitted = await _post(app, "/graphql", {"query": "{ _service { sdl } }"}, gateway)
    health = await _post(app, "/health", {})

    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "errors": [
            {
                "message": "Only the gateway and the network's own services may call this.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }
    assert admitted.status_code == 200
    assert "type Query" in admitted.json()["data"]["_service"]["sdl"]
    assert health.status_code == 405  # past the door: /health is GET only


async def test_the_door_drops_forwarded_addresses_unless_the_gateway_sent_them(
    tmp_path: Path,
) -> None:
    # given an app that echoes what it was told about the client, behind sessions' door
    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"forwarded": request.headers.get("x-forwarded-for")})

    settings = Settings(data_dir=tmp_path)
    inner = Starlette(routes=[Route("/internal/echo", echo, methods=["POST"])])
    door = ServiceDoor(inner, trust_for(settings, "sessions"))
    keys = ServiceKeys(settings.keys_dir)

    def headers(caller: str) -> dict[str, str]:
        token = ServiceTokens(caller, keys.own(caller))("sessions")
        return {SERVICE_TOKEN_HEADER: token, "x-forwarded-for": "198.51.100.9"}

    # when
    from_gateway = await _post(door, "/internal/echo", {}, headers("gateway"))
    from_directory = await _post(door, "/internal/echo", {}, headers("directory"))

    # then
    assert from_gateway.json() == {"forwarded": "198.51.100.9"}
    assert from_directory.json() == {"forwarded": None}


def test_serve_processes_other_than_consent_never_touch_the_token_signing_key(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path)

    for component in ("directory", "sessions"):
        build_subgraph(
            component, settings, peers=peers_for(settings, component), manage_database=True
        )

    assert not (tmp_path / "signing-key.pem").exists()
    assert sorted(p.name for p in settings.keys_dir.iterdir()) == [
        "directory.jwk.json",
        "directory.pem",
        "sessions.jwk.json",
        "sessions.pem",
    ]


# --- uvicorn as `saathi up` and `saathi serve` run it ----------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_uvicorn_as_saathi_runs_it_ignores_x_forwarded_for_from_localhost() -> None:
    # given an app that reports the peer address uvicorn gave it
    async def peer(request: Request) -> JSONResponse:
        return JSONResponse({"peer": request.client.host if request.client else None})

    port = _free_port()
    config = uvicorn.Config(
        Starlette(routes=[Route("/", peer)]),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        **UVICORN,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)

        # when a local caller claims another address
        answer = httpx.get(f"http://127.0.0.1:{port}/", headers={"x-forwarded-for": "192.0.2.1"})
    finally:
        server.should_exit = True
        thread.join(timeout=10)

    # then the peer is still the socket's
    assert answer.json() == {"peer": "127.0.0.1"}
