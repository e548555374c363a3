"""``POST /internal/centres/known``: which of some centre ids exist; consent alone may ask."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from saathi.peers import Peers
from saathi.service_trust import ServiceKeys, ServiceTokens, ServiceTrust
from saathi.tokens import Role, TokenVerifier
from services.directory.app import create_app
from tests.services.directory.conftest import Bearer, MakeCentre, database_settings

MISSING = "ctr_01JD3ZZZZZZZZZZZZZZZZZZZZZ"
KNOWN = "/internal/centres/known"


@pytest.fixture
def keys(tmp_path: Path) -> ServiceKeys:
    return ServiceKeys(tmp_path / "keys")


@pytest.fixture
async def internal_client(
    peers: Peers, verifier: TokenVerifier, keys: ServiceKeys
) -> AsyncIterator[httpx.AsyncClient]:
    trust = ServiceTrust("directory", keys, {"gateway", "consent"})
    app = create_app(
        database_settings(), peers=peers, manage_database=False, verifier=verifier, trust=trust
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://directory") as client:
        yield client


def _as(keys: ServiceKeys, caller: str) -> dict[str, str]:
    return ServiceTokens(caller, keys.own(caller)).headers("directory")


async def test_only_the_centres_that_exist_come_back(
    internal_client: httpx.AsyncClient, keys: ServiceKeys, make_centre: MakeCentre
) -> None:
    centre = await make_centre()

    response = await internal_client.post(
        KNOWN, json={"centreIds": [MISSING, centre.id]}, headers=_as(keys, "consent")
    )

    assert response.status_code == 200
    assert response.json() == {"centreIds": [centre.id]}


async def test_a_staff_token_or_another_service_may_not_ask(
    internal_client: httpx.AsyncClient,
    keys: ServiceKeys,
    bearer: Bearer,
    make_centre: MakeCentre,
) -> None:
    centre = await make_centre()
    body = {"centreIds": [centre.id]}

    staff = await internal_client.post(
        KNOWN, json=body, headers={"authorization": bearer(Role.CENTRE_ADMIN, centre.id)}
    )
    gateway = await internal_client.post(KNOWN, json=body, headers=_as(keys, "gateway"))

    assert staff.status_code == 401
    assert gateway.status_code == 403
    assert gateway.json()["error"]["code"] == "FORBIDDEN"
