from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from saathi.service.internal import contracts
from tests.services.sessions.conftest import ServiceHeaders

Call = Callable[[str, Any], Awaitable[httpx.Response]]


@pytest.fixture
def call(client: httpx.AsyncClient, service_headers: ServiceHeaders) -> Call:
    """POST to an internal endpoint with a service token, as the directory would."""

    async def post(path: str, body: Any) -> httpx.Response:
        return await client.post(path, json=body, headers=service_headers("directory"))

    return post


async def free_sessions(call: Call, body: Any) -> httpx.Response:
    return await call("/internal/groups/free-sessions", body)


async def test_the_retired_open_groups_endpoint_is_gone(call: Call, database: None) -> None:
    # the directory reads the seats sessions pushes to it; nobody asks sessions any more
    response = await call(
        "/internal/groups/open",
        {"groupIds": ["grp_1"], "withinHours": None, "openSeatsOnly": False},
    )

    assert response.status_code == 404
    assert not hasattr(contracts, "OPEN_GROUPS")
    assert not hasattr(contracts, "OpenGroupsRequest")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "Send a JSON object."),
        (
            {"groupIds": "grp_1", "withinHours": 6},
            "groupIds must be a list of at most 500 group ids.",
        ),
        ({"groupIds": [1], "withinHours": 6}, "groupIds must be a list of at most 500 group ids."),
        (
            {"groupIds": [], "withinHours": 0},
            "withinHours must be a whole number of hours, 1 to 672.",
        ),
        (
            {"groupIds": [], "withinHours": 1.5},
            "withinHours must be a whole number of hours, 1 to 672.",
        ),
        (
            {"groupIds": [], "withinHours": True},
            "withinHours must be a whole number of hours, 1 to 672.",
        ),
        (
            {"groupIds": ["g"] * 501, "withinHours": 6},
            "groupIds must be a list of at most 500 group ids.",
        ),
    ],
)
async def test_bad_input_is_a_400_with_a_message(
    call: Call, database: None, body: Any, message: str
) -> None:
    response = await free_sessions(call, body)

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "BAD_USER_INPUT", "message": message}}


async def test_body_that_is_not_json_is_a_400(
    client: httpx.AsyncClient, service_headers: ServiceHeaders, database: None
) -> None:
    response = await client.post(
        "/internal/groups/free-sessions",
        content=b"{nope",
        headers=service_headers("directory"),
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Send a JSON body."
