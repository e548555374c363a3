"""The internal API: one contract, the server adapter and the client, end to end in process."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from saathi.errors import NotFound
from saathi.peers import Peers, PeerUnavailable
from saathi.service.internal import contracts as api
from saathi.service.internal.client import PeerAnswerUnreadable, call
from saathi.service.internal.server import route
from saathi.service.internal.wire import decode, encode
from saathi.service_trust import SERVICE_TOKEN_HEADER, ServiceTokens, ServiceTrust

PAR = "par_01JD3ABCDEFGHJKMNPQRSTVWXY"
Trusts = Callable[[str, set[str]], ServiceTrust]
Tokens = Callable[[str], ServiceTokens]


def _consent(trust: ServiceTrust, told: list[api.NotifyRequest]) -> Starlette:
    async def tell(request: api.NotifyRequest) -> api.Notified:
        if request.kind == "missing":
            raise NotFound("Nobody to tell.")
        told.append(request)
        return api.Notified(delivered=len(request.participant_ids), skipped=0)

    return Starlette(routes=[route(trust, api.NOTIFY, tell)])


def _peers(app: Starlette, caller: ServiceTokens) -> Peers:
    peers = Peers(credentials=caller)
    peers.attach_app("consent", app)
    return peers


async def test_a_typed_call_reaches_the_typed_handler(trust_for: Trusts, tokens_of: Tokens) -> None:
    told: list[api.NotifyRequest] = []
    peers = _peers(_consent(trust_for("consent", {"sessions"}), told), tokens_of("sessions"))

    request = api.NotifyRequest(participant_ids=[PAR], kind="session_cancelled", message="Off.")
    answer = await call(peers, api.NOTIFY, request)

    assert answer == api.Notified(delivered=1, skipped=0)
    assert told == [request]
    await peers.aclose()


async def test_a_caller_the_endpoint_does_not_name_is_forbidden(
    trust_for: Trusts, tokens_of: Tokens
) -> None:
    app = _consent(trust_for("consent", {"sessions", "directory"}), [])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://consent") as client:
        directory = await client.post(
            "/internal/notify", json={}, headers=tokens_of("directory").headers("consent")
        )
        anonymous = await client.post("/internal/notify", json={})

    assert directory.status_code == 403
    assert directory.json()["error"]["code"] == "FORBIDDEN"
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{nope", "Send a JSON body."),
        (b"[]", "Send a JSON object."),
        (
            json.dumps({"participantIds": ["par_x"], "kind": "k", "message": "m"}).encode(),
            "participantIds must be a list of at most 1000 ids starting par_.",
        ),
        (
            json.dumps({"participantIds": [PAR], "kind": "   ", "message": "m"}).encode(),
            "kind must be a non-empty string of at most 64 characters.",
        ),
        (
            json.dumps({"participantIds": [PAR], "kind": "k"}).encode(),
            "message must be a non-empty string of at most 1000 characters.",
        ),
    ],
)
async def test_a_body_that_does_not_fit_is_a_400_naming_the_field(
    trust_for: Trusts, tokens_of: Tokens, body: bytes, message: str
) -> None:
    app = _consent(trust_for("consent", {"sessions"}), [])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://consent") as client:
        response = await client.post(
            "/internal/notify", content=body, headers=tokens_of("sessions").headers("consent")
        )

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "BAD_USER_INPUT", "message": message}}


async def test_an_expected_error_of_the_handler_is_its_code_and_status(
    trust_for: Trusts, tokens_of: Tokens
) -> None:
    peers = _peers(_consent(trust_for("consent", {"sessions"}), []), tokens_of("sessions"))

    with pytest.raises(PeerUnavailable) as refused:
        await call(
            peers, api.NOTIFY, api.NotifyRequest(participant_ids=[], kind="missing", message="m")
        )

    assert "404" in refused.value.message
    assert not isinstance(refused.value, PeerAnswerUnreadable)
    await peers.aclose()


async def test_an_answer_outside_the_contract_is_unreadable(tokens_of: Tokens) -> None:
    async def stand_in(request: Request) -> JSONResponse:
        assert SERVICE_TOKEN_HEADER in request.headers
        return JSONResponse({"delivered": "all"})

    app = Starlette(routes=[Route("/internal/notify", stand_in, methods=["POST"])])
    peers = _peers(app, tokens_of("sessions"))

    with pytest.raises(PeerAnswerUnreadable) as refused:
        await call(peers, api.NOTIFY, api.NotifyRequest(participant_ids=[], kind="k", message="m"))

    assert refused.value.message == (
        "The consent service gave an answer this service cannot read (/internal/notify)."
    )
    await peers.aclose()


async def test_an_unreachable_peer_is_unavailable() -> None:
    peers = Peers({"consent": "http://127.0.0.1:9"}, timeout=0.5)

    with pytest.raises(PeerUnavailable):
        await call(peers, api.NOTIFY, api.NotifyRequest(participant_ids=[], kind="k", message="m"))
    await peers.aclose()


def test_the_wire_is_camel_case_and_a_refusal_names_no_purpose() -> None:
    refused = api.ReadAuthorised(consent_id=None, categories=[])

    assert json.loads(encode(refused)) == {"consentId": None, "categories": []}
    assert decode(b'{"consentId": null, "categories": []}', api.ReadAuthorised) == refused
