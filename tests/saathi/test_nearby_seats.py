"""The seats nearby search filters on follow bookings: sessions pushes them to the directory
after every change (docs/nearby-search.md, "Availability")."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime
from typing import Any

from network.demo import description as demo
from saathi.tokens import Role
from services.sessions.domain.seats import push_seats
from tests.saathi.conftest import PUNE, Network

NEARBY_OPEN = """
query Open($near: GeoPointInput!, $filter: GroupFilter) {
  nearbyGroups(near: $near, radiusKm: 25, filter: $filter, first: 50) {
    totalCount
    edges { node { id } }
  }
}
"""


async def _open_ids(network: Network, hours: int) -> list[str]:
    response = await network.client.post(
        "/graphql",
        json={
            "query": NEARBY_OPEN,
            "variables": {
                "near": PUNE,
                "filter": {
                    "openSeatsOnly": True,
                    "startsWithinHours": hours,
                    "kinds": ["MENTORING"],
                },
            },
        },
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return [edge["node"]["id"] for edge in body["data"]["nearbyGroups"]["edges"]]


async def _until(network: Network, hours: int, present: bool, group_id: str) -> list[str]:
    """The open groups once the background push has been delivered (at most 5 s)."""
    for _ in range(100):
        ids = await _open_ids(network, hours)
        if (group_id in ids) == present:
            return ids
        await asyncio.sleep(0.05)
    return ids


async def test_booking_the_last_seat_drops_the_group_from_open_seats_and_cancelling_restores_it(
    network: Network,
) -> None:
    participant = network.token(demo.PARTICIPANTS[0].id, Role.PARTICIPANT)
    suggested = await network.run(
        "mentors", "SuggestMentors", participant, preferences={"languages": ["mr"], "near": PUNE}
    )
    first = suggested["data"]["suggestMentors"]["edges"][0]["node"]
    group_id, session = first["group"]["id"], first["freeSession"]
    # A window that holds this session (a mentoring group's one seat) and no later one.
    starts = datetime.fromisoformat(session["startsAt"])
    hours = max(1, math.ceil((starts - datetime.now(UTC)).total_seconds() / 3600))
    assert group_id in await _open_ids(network, hours)

    booked = await network.run(
        "mobile", "BookSession", participant, sessionId=session["id"], idempotencyKey="last-seat"
    )
    assert booked["data"]["bookSession"]["booking"]["status"] == "CONFIRMED"
    after_booking = await _until(network, hours, False, group_id)
    nothing_left = await push_seats(network.peers["sessions"])

    cancelled = await network.run(
        "mobile",
        "CancelBooking",
        participant,
        bookingId=booked["data"]["bookSession"]["booking"]["id"],
    )
    assert cancelled["data"]["cancelBooking"]["error"] is None
    after_cancelling = await _until(network, hours, True, group_id)

    assert group_id not in after_booking
    assert nothing_left.pending == 0
    assert group_id in after_cancelling
