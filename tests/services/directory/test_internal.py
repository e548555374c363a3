"""``POST /internal/centres/known``: which of some centre ids exist; service tokens only."""

from __future__ import annotations

import httpx

from saathi.tokens import Role
from tests.services.directory.conftest import Bearer, MakeCentre

MISSING = "ctr_01JD3ZZZZZZZZZZZZZZZZZZZZZ"


async def test_only_the_centres_that_exist_come_back(
    client: httpx.AsyncClient, bearer: Bearer, make_centre: MakeCentre
) -> None:
    centre = await make_centre()

    response = await client.post(
        "/internal/centres/known",
        json={"centreIds": [MISSING, centre.id]},
        headers={"authorization": bearer(Role.SERVICE)},
    )

    assert response.status_code == 200
    assert response.json() == {"centreIds": [centre.id]}


async def test_a_staff_token_may_not_ask(
    client: httpx.AsyncClient, bearer: Bearer, make_centre: MakeCentre
) -> None:
    centre = await make_centre()

    response = await client.post(
        "/internal/centres/known",
        json={"centreIds": [centre.id]},
        headers={"authorization": bearer(Role.CENTRE_ADMIN, centre.id)},
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
