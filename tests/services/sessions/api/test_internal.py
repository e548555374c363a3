from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.sessions import repository
from services.sessions.domain.records import (
    BookingRecord,
    BookingStatus,
    SessionRecord,
    SessionStatus,
)
from tests.services.sessions.conftest import ServiceHeaders, utc_now

MakeSession = Callable[..., Awaitable[SessionRecord]]
Call = Callable[[str, Any], Awaitable[httpx.Response]]


async def fill(session: SessionRecord) -> None:
    bookings = [
        BookingRecord(
            f"bkg_{session.id}_{n}", session.id, f"par_{n}", BookingStatus.CONFIRMED, None, "k"
        )
        for n in range(session.capacity)
    ]
    await repository.insert_history([(b, utc_now()) for b in bookings], [], [])


@pytest.fixture
def call(client: httpx.AsyncClient, service_headers: ServiceHeaders) -> Call:
    """POST to an internal endpoint with a service token, as the directory would."""

    async def post(path: str, body: Any) -> httpx.Response:
        return await client.post(path, json=body, headers=service_headers("directory"))

    return post


async def open_groups(call: Call, body: Any) -> httpx.Response:
    return await call("/internal/groups/open", body)


async def test_open_groups_by_window_and_open_seats(
    call: Call, make_session: MakeSession, sql_statements: Callable[..., Any]
) -> None:
    now = utc_now()
    await make_session(group_id="grp_soon", starts_at=now + timedelta(hours=3))
    await make_session(group_id="grp_later", starts_at=now + timedelta(days=3))
    full = await make_session(group_id="grp_full", starts_at=now + timedelta(hours=2), capacity=2)
    await fill(full)
    await make_session(
        group_id="grp_off", starts_at=now + timedelta(hours=1), status=SessionStatus.CANCELLED
    )
    await make_session(group_id="grp_past", starts_at=now - timedelta(hours=1))
    everyone = ["grp_later", "grp_soon", "grp_full", "grp_off", "grp_past", "grp_unknown"]

    within_day = await open_groups(
        call, {"groupIds": everyone, "withinHours": 24, "openSeatsOnly": False}
    )
    with sql_statements() as log:
        open_seats = await open_groups(
            call, {"groupIds": everyone, "withinHours": None, "openSeatsOnly": True}
        )
    any_time = await open_groups(
        call, {"groupIds": everyone, "withinHours": None, "openSeatsOnly": False}
    )

    assert within_day.json() == {"groupIds": ["grp_soon", "grp_full"]}
    assert open_seats.status_code == 200
    assert open_seats.json() == {"groupIds": ["grp_later", "grp_soon"]}
    assert any_time.json() == {"groupIds": ["grp_later", "grp_soon", "grp_full"]}
    assert len(log.statements) == 2  # the series (none here to materialise), the sessions


async def test_open_groups_materialises_timetables_first(
    call: Call, make_series: Callable[..., Awaitable[object]]
) -> None:
    await make_series(group_id="grp_weekly")

    response = await open_groups(
        call, {"groupIds": ["grp_weekly"], "withinHours": 24 * 8, "openSeatsOnly": True}
    )

    assert response.json() == {"groupIds": ["grp_weekly"]}


async def test_empty_group_list_answers_empty(call: Call) -> None:
    response = await open_groups(
        call, {"groupIds": [], "withinHours": None, "openSeatsOnly": False}
    )

    assert response.json() == {"groupIds": []}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "Send a JSON object."),
        ({"groupIds": "grp_1"}, "groupIds must be a list of group ids."),
        ({"groupIds": [1]}, "groupIds must be a list of group ids."),
        (
            {"groupIds": [], "withinHours": 0},
            "withinHours must be a positive whole number of hours, or null.",
        ),
        (
            {"groupIds": [], "withinHours": 1.5},
            "withinHours must be a positive whole number of hours, or null.",
        ),
        (
            {"groupIds": [], "withinHours": True},
            "withinHours must be a positive whole number of hours, or null.",
        ),
        ({"groupIds": [], "openSeatsOnly": "yes"}, "openSeatsOnly must be true or false."),
        ({"groupIds": ["g"] * 5001}, "Send at most 5000 groupIds at a time."),
    ],
)
async def test_bad_input_is_a_400_with_a_message(call: Call, body: Any, message: str) -> None:
    response = await open_groups(call, body)

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "BAD_USER_INPUT", "message": message}}


async def test_body_that_is_not_json_is_a_400(
    client: httpx.AsyncClient, service_headers: ServiceHeaders
) -> None:
    response = await client.post(
        "/internal/groups/open",
        content=b"{nope",
        headers=service_headers("directory"),
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Send a JSON body."
