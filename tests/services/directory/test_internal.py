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
from services.directory.domain import lookups
from tests.services.directory.conftest import (
    Bearer,
    MakeCentre,
    MakeGroup,
    MakeSupporter,
    database_settings,
)

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


CRISIS = "/internal/crisis-lines"


async def test_consent_gets_the_crisis_lines_for_a_city(
    internal_client: httpx.AsyncClient, keys: ServiceKeys
) -> None:
    response = await internal_client.post(
        CRISIS, json={"city": "Pune"}, headers=_as(keys, "consent")
    )
    national = await internal_client.post(CRISIS, json={"city": None}, headers=_as(keys, "consent"))

    assert response.status_code == 200
    lines = response.json()["lines"]
    assert [line["phone"] for line in lines] == ["14416", "112", "14446"]
    assert set(lines[0]) == {"name", "phone", "hours", "languages", "description"}
    assert national.json() == response.json()


@pytest.mark.parametrize("city", [42, "x" * 101, ["Pune"]])
async def test_a_city_that_is_not_a_short_string_is_refused(
    internal_client: httpx.AsyncClient, keys: ServiceKeys, city: object
) -> None:
    response = await internal_client.post(CRISIS, json={"city": city}, headers=_as(keys, "consent"))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"


async def test_only_consent_may_ask_for_crisis_lines_internally(
    internal_client: httpx.AsyncClient, keys: ServiceKeys
) -> None:
    gateway = await internal_client.post(
        CRISIS, json={"city": "Pune"}, headers=_as(keys, "gateway")
    )
    anonymous = await internal_client.post(CRISIS, json={"city": "Pune"})

    assert gateway.status_code == 403
    assert anonymous.status_code == 401


MENTOR_GROUPS = "/internal/supporters/mentoring-groups"


async def test_sessions_learns_a_mentors_groups_at_their_own_centre_only(
    keys: ServiceKeys,
    peers: Peers,
    verifier: TokenVerifier,
    make_supporter: MakeSupporter,
    make_group: MakeGroup,
) -> None:
    # given a mentor with a MENTORING group and a support group at their centre
    mentor = await make_supporter()
    centre = (await lookups.centres_by_ids([mentor.centre_id]))[mentor.centre_id]
    mentoring = await make_group(centre, kind="MENTORING", facilitator_id=mentor.id)
    await make_group(centre, kind="SUPPORT_GROUP", facilitator_id=mentor.id)
    elsewhere = await make_supporter()
    trust = ServiceTrust("directory", keys, {"gateway", "sessions", "consent"})
    app = create_app(
        database_settings(), peers=peers, manage_database=False, verifier=verifier, trust=trust
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://directory"
    ) as client:

        async def ask(caller: str, supporter_id: str, centre_id: str) -> httpx.Response:
            body = {"supporterId": supporter_id, "centreId": centre_id}
            return await client.post(MENTOR_GROUPS, json=body, headers=_as(keys, caller))

        own = await ask("sessions", mentor.id, mentor.centre_id)
        other_centre = await ask("sessions", mentor.id, elsewhere.centre_id)
        by_consent = await ask("consent", mentor.id, mentor.centre_id)
        garbled = await ask("sessions", "stf_not-a-supporter", mentor.centre_id)

    # then only the MENTORING groups of the supporter's own centre, and only to sessions
    assert own.json() == {"groupIds": [mentoring.id]}
    assert other_centre.json() == {"groupIds": []}
    assert by_consent.status_code == 403
    assert garbled.status_code == 400


AVAILABILITY = "/internal/groups/availability"


async def test_only_sessions_may_push_seats(
    keys: ServiceKeys, peers: Peers, verifier: TokenVerifier
) -> None:
    """Seats decide which groups public search shows with `openSeatsOnly`: a host holding
    consent's or the gateway's key, or a staff token, must not be able to hide or show groups."""
    trust = ServiceTrust("directory", keys, {"gateway", "sessions", "consent"})
    app = create_app(
        database_settings(), peers=peers, manage_database=False, verifier=verifier, trust=trust
    )
    body: dict[str, list[object]] = {"groups": []}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://directory"
    ) as client:
        answers = {
            caller: (await client.post(AVAILABILITY, json=body, headers=_as(keys, caller)))
            for caller in ("sessions", "consent", "gateway")
        }
        anonymous = await client.post(AVAILABILITY, json=body)

    assert answers["sessions"].json() == {"applied": 0}
    assert answers["consent"].status_code == 403
    assert answers["gateway"].status_code == 403
    assert anonymous.status_code == 401
