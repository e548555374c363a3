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
import jwt
import pytest

from network.assembly import EmbeddedNetwork
from network.demo import description as demo
from saathi.keys import load_or_create_signing_key
from saathi.service_trust import ServiceKeys, ServiceTokens
from saathi.settings import load_settings
from saathi.tokens import Role, mint_access_token
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
                        "from network.cli import main; main()",
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

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Booking { id status participant { id } } }
}
"""


def _url(distributed: Distributed, name: str) -> str:
    url = distributed[name]
    assert isinstance(url, str)
    return url


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _participant_token(distributed: Distributed, participant_id: str) -> str:
    """A participant's token as consent signs it (the test holds consent's data dir)."""
    key = load_or_create_signing_key(Path(_url(distributed, "data-dir")))
    return mint_access_token(
        key,
        subject=participant_id,
        role=Role.PARTICIPANT,
        issuer="saathi",
        audience="saathi-network",
        ttl_seconds=600,
    )


def _a_booking_of(distributed: Distributed, participant_id: str) -> str:
    token = _participant_token(distributed, participant_id)
    body = httpx.post(
        f"{_url(distributed, 'gateway')}/graphql",
        json={"query": "{ me { bookings { id } } }"},
        headers={"authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    bookings = body["data"]["me"]["bookings"]
    assert bookings, body
    return str(bookings[0]["id"])


@pytest.mark.parametrize("service", ["directory", "sessions", "consent"])
@pytest.mark.parametrize("query", ["{ _service { sdl } }", "{ __schema { queryType { name } } }"])
def test_a_subgraph_port_refuses_a_caller_without_a_service_credential(
    distributed: Distributed, service: str, query: str
) -> None:
    response = httpx.post(f"{_url(distributed, service)}/graphql", json={"query": query})

    assert response.status_code == 401
    assert _codes(response.json()) == ["UNAUTHENTICATED"]


def test_anonymous_entities_on_the_sessions_port_reveal_no_booking(
    distributed: Distributed,
) -> None:
    booking = _a_booking_of(distributed, demo.PARTICIPANTS[0].id)

    response = httpx.post(
        f"{_url(distributed, 'sessions')}/graphql",
        json={
            "query": ENTITIES,
            "variables": {"representations": [{"__typename": "Booking", "id": booking}]},
        },
    )

    assert response.status_code == 401
    assert "data" not in response.json()


def test_a_network_key_service_token_no_longer_opens_internal_endpoints(
    distributed: Distributed,
) -> None:
    # given a token of the old kind: role "service", signed with the network's one key
    key = load_or_create_signing_key(Path(_url(distributed, "data-dir")))
    now = int(time.time())
    claims = {"iss": "saathi", "aud": "saathi-network", "sub": "service:directory", "iat": now}
    claims |= {"exp": now + 60, "jti": "tok_1", "role": "service"}
    token = jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid})

    # when it asks sessions to erase a participant
    response = httpx.post(
        f"{_url(distributed, 'sessions')}/internal/participants/erase",
        json={"participantId": demo.PARTICIPANTS[5].id},
        headers={"authorization": f"Bearer {token}"},
    )

    # then
    assert response.status_code == 401


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_crisis_lines_answer_whatever_the_token_over_http(
    distributed: Distributed, token: str
) -> None:
    body = httpx.post(
        f"{_url(distributed, 'gateway')}/graphql",
        json={"query": operation("mobile", "CrisisResources"), "variables": {"city": "Pune"}},
        headers={"authorization": f"Bearer {token}"},
        timeout=10,
    ).json()

    assert "errors" not in body, body
    assert {"14416", "112"} <= {line["phone"] for line in body["data"]["crisisResources"]}


def test_serve_closes_introspection_and_graphiql_by_default(distributed: Distributed) -> None:
    gateway = _url(distributed, "gateway")

    introspection = httpx.post(
        f"{gateway}/graphql", json={"query": "{ __schema { queryType { name } } }"}, timeout=10
    ).json()
    graphiql = httpx.get(f"{gateway}/graphql", headers={"accept": "text/html"}, timeout=10)

    assert introspection.get("data") is None
    assert _codes(introspection) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "text/html" not in graphiql.headers.get("content-type", "")


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

    # then the gateway (asking consent over HTTP with a service token) no longer passes it on
    refused = run("Me", token)
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["UNAUTHENTICATED"]
    assert not (refused.get("data") or {}).get("me")


def _credential(distributed: Distributed, caller: str, audience: str) -> dict[str, str]:
    """A service token as ``caller`` would sign it (the test holds the shared keys dir)."""
    keys = ServiceKeys(Path(_url(distributed, "data-dir")) / "keys")
    return ServiceTokens(caller, keys.own(caller)).headers(audience)


def test_x_forwarded_for_from_localhost_does_not_reset_the_sign_in_limit(
    distributed: Distributed,
) -> None:
    # given the sign-in limit per address is used up from 127.0.0.1
    gateway = _url(distributed, "gateway")
    request = "mutation($c: String!) { requestLoginCode(contact: $c) { sent error { code } } }"

    def ask(number: int, headers: dict[str, str]) -> dict[str, Any]:
        body = httpx.post(
            f"{gateway}/graphql",
            json={"query": request, "variables": {"c": f"+9198000300{number:02d}"}},
            headers=headers,
            timeout=10,
        ).json()
        answer: dict[str, Any] = body["data"]["requestLoginCode"]
        return answer

    answers = [ask(number, {}) for number in range(25)]
    assert answers[-1]["error"]["code"] == "RATE_LIMITED"

    # when the next one claims to come from somewhere else
    spoofed = ask(99, {"x-forwarded-for": "198.51.100.77"})

    # then it counts against 127.0.0.1 all the same
    assert spoofed["error"]["code"] == "RATE_LIMITED"


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


def test_entities_through_the_gateways_credential_still_check_the_caller(
    distributed: Distributed,
) -> None:
    # given the gateway's own credential (say, a compromised gateway host) and a booking
    owner, other = demo.PARTICIPANTS[0].id, demo.PARTICIPANTS[1].id
    booking = _a_booking_of(distributed, owner)
    sessions = f"{_url(distributed, 'sessions')}/graphql"
    payload = {
        "query": ENTITIES,
        "variables": {"representations": [{"__typename": "Booking", "id": booking}]},
    }

    def ask(user: str | None) -> dict[str, Any]:
        headers = _credential(distributed, "gateway", "sessions")
        if user is not None:
            headers["authorization"] = f"Bearer {_participant_token(distributed, user)}"
        body: dict[str, Any] = httpx.post(sessions, json=payload, headers=headers).json()
        return body

    # when
    anonymous, stranger, themselves = ask(None), ask(other), ask(owner)

    # then
    assert _codes(anonymous) == ["UNAUTHENTICATED"]
    assert anonymous["data"]["_entities"] == [None]
    assert "errors" not in stranger  # another's booking resolves exactly as a missing one
    assert stranger["data"]["_entities"] == [None]
    assert "errors" not in themselves
    assert themselves["data"]["_entities"][0]["participant"] == {"id": owner}


def test_a_service_token_for_another_audience_is_refused(distributed: Distributed) -> None:
    for_sessions = _credential(distributed, "gateway", "sessions")

    response = httpx.post(
        f"{_url(distributed, 'consent')}/graphql",
        json={"query": "{ _service { sdl } }"},
        headers=for_sessions,
    )

    assert response.status_code == 401
    assert _codes(response.json()) == ["UNAUTHENTICATED"]


def test_a_token_naming_the_gateway_but_signed_by_the_directory_is_refused(
    distributed: Distributed,
) -> None:
    keys = ServiceKeys(Path(_url(distributed, "data-dir")) / "keys")
    forged = ServiceTokens("gateway", keys.own("directory")).headers("sessions")

    response = httpx.post(
        f"{_url(distributed, 'sessions')}/graphql",
        json={"query": "{ _service { sdl } }"},
        headers=forged,
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("caller", "service", "path", "body"),
    [
        ("directory", "sessions", "/internal/participants/erase", {"participantId": "par_x"}),
        ("directory", "sessions", "/graphql", {"query": "{ _service { sdl } }"}),
        ("consent", "sessions", "/internal/series", {}),
        ("sessions", "consent", "/graphql", {"query": "{ _service { sdl } }"}),
    ],
)
def test_a_peer_may_call_only_what_its_name_is_allowed(
    distributed: Distributed, caller: str, service: str, path: str, body: dict[str, Any]
) -> None:
    response = httpx.post(
        f"{_url(distributed, service)}{path}",
        json=body,
        headers=_credential(distributed, caller, service),
    )

    assert response.status_code == 403


def test_health_stays_open_and_the_gateway_reaches_the_jwks(distributed: Distributed) -> None:
    health = httpx.get(f"{_url(distributed, 'sessions')}/health")
    jwks = httpx.get(f"{_url(distributed, 'gateway')}/.well-known/jwks.json", timeout=10)

    assert health.status_code == 200
    assert jwks.status_code == 200
    assert [key["kty"] for key in jwks.json()["keys"]] == ["OKP"]


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
