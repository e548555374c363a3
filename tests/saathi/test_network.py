"""End to end: the contract's operations through the gateway of the one-process network."""

from __future__ import annotations

import json
from typing import Any

import pytest

from saathi import demo
from saathi.keys import generate_signing_key
from saathi.tokens import Role, mint_access_token
from tests.saathi.conftest import PUNE, Network


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_nearby_groups_near_pune_are_sorted_with_centre_and_next_session(
    network: Network,
) -> None:
    body = await network.run("mobile", "NearbyGroups", near=PUNE, radiusKm=25, first=50)

    assert "errors" not in body
    connection = body["data"]["nearbyGroups"]
    edges = connection["edges"]
    pune_groups = [
        g for g in demo.GROUPS if g.centre_id in {c.id for c in demo.CENTRES if c.city == "Pune"}
    ]
    assert connection["totalCount"] == len(pune_groups) == len(edges)
    keys = [(edge["distanceKm"], edge["node"]["id"]) for edge in edges]
    assert keys == sorted(keys)
    assert {edge["node"]["centre"]["city"] for edge in edges} == {"Pune"}
    assert all(edge["node"]["nextSession"]["seatsLeft"] >= 1 for edge in edges)
    assert all(edge["node"]["schedule"]["timezone"] == "Asia/Kolkata" for edge in edges)


async def test_nearby_groups_pages_follow_the_cursor(network: Network) -> None:
    first = await network.run("mobile", "NearbyGroups", near=PUNE, radiusKm=25, first=4)
    page = first["data"]["nearbyGroups"]
    second = await network.run(
        "mobile",
        "NearbyGroups",
        near=PUNE,
        radiusKm=25,
        first=4,
        after=page["pageInfo"]["endCursor"],
    )

    ids = [edge["node"]["id"] for edge in page["edges"] + second["data"]["nearbyGroups"]["edges"]]
    everything = await network.run("mobile", "NearbyGroups", near=PUNE, radiusKm=25, first=8)
    assert page["pageInfo"]["hasNextPage"] is True
    assert ids == [edge["node"]["id"] for edge in everything["data"]["nearbyGroups"]["edges"]]


@pytest.mark.parametrize(
    "variables",
    [
        {"near": {"lat": 91.0, "lng": 73.85}},
        {"near": {"lat": 18.52, "lng": -180.5}},
        {"near": PUNE, "radiusKm": -1.0},
        {"near": PUNE, "radiusKm": 1e9},
        {"near": PUNE, "first": 10_000},
    ],
)
async def test_nearby_groups_refuses_bad_input(network: Network, variables: dict[str, Any]) -> None:
    body = await network.run("mobile", "NearbyGroups", **variables)

    assert _codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"]
    assert "Traceback" not in json.dumps(body)


async def test_group_detail_joins_directory_and_sessions(network: Network) -> None:
    group = demo.GROUPS[0]

    body = await network.run("mobile", "GroupDetail", id=group.id)

    assert "errors" not in body
    detail = body["data"]["group"]
    assert detail["name"] == group.name
    assert detail["schedule"]["rrule"] == group.rrule
    assert detail["schedule"]["summary"] == "Every Tuesday, 18:00 to 19:30"
    assert detail["facilitator"]["id"] == group.facilitator_id
    sessions = detail["upcomingSessions"]
    assert len(sessions) == 5
    assert [s["startsAt"] for s in sessions] == sorted(s["startsAt"] for s in sessions)
    assert {s["capacity"] for s in sessions} == {group.capacity}


async def test_an_unknown_group_is_not_found(network: Network) -> None:
    body = await network.run("mobile", "GroupDetail", id="grp_00000000000000000000000000")

    assert body["data"]["group"] is None
    assert _codes(body) == ["NOT_FOUND"]


async def test_centres_in_pune(network: Network) -> None:
    body = await network.run("mobile", "Centres", city="Pune")

    connection = body["data"]["centres"]
    assert connection["totalCount"] == 2
    assert {edge["node"]["city"] for edge in connection["edges"]} == {"Pune"}


async def test_crisis_resources_list_the_national_lines(network: Network) -> None:
    body = await network.run("mobile", "CrisisResources", city="Nagpur")

    phones = {resource["phone"] for resource in body["data"]["crisisResources"]}
    assert {"14416", "112", "14446"} <= phones


async def test_sign_up_then_me_then_refresh(network: Network) -> None:
    signed_in = await network.sign_in("+91 98765 43210")
    assert signed_in["error"] is None

    me = await network.run("mobile", "Me", token=signed_in["accessToken"])
    refreshed = await network.run(
        "mobile", "RefreshSession", refreshToken=signed_in["refreshToken"]
    )

    assert me["data"]["me"]["id"] == signed_in["participant"]["id"]
    assert me["data"]["me"]["bookings"] == []
    assert me["data"]["me"]["consents"] == []
    rotated = refreshed["data"]["refreshSession"]
    assert rotated["error"] is None
    assert rotated["refreshToken"] != signed_in["refreshToken"]


async def test_me_needs_a_valid_token(network: Network) -> None:
    forged = mint_access_token(
        generate_signing_key(),
        subject=demo.PARTICIPANTS[0].id,
        role=Role.PARTICIPANT,
        issuer="saathi",
        audience="saathi-network",
        ttl_seconds=600,
    )

    anonymous = await network.run("mobile", "Me")
    refused = await network.run("mobile", "Me", token=forged)

    assert _codes(anonymous) == ["UNAUTHENTICATED"]
    assert _codes(refused) == ["UNAUTHENTICATED"]
    assert refused["data"] is None or refused["data"]["me"] is None


async def test_book_retry_cancel_and_me_across_three_subgraphs(network: Network) -> None:
    token = (await network.sign_in("asha@example.org"))["accessToken"]
    group = demo.GROUPS[0]
    detail = await network.run("mobile", "GroupDetail", id=group.id)
    session = detail["data"]["group"]["upcomingSessions"][1]

    booked = await network.run(
        "mobile", "BookSession", token=token, sessionId=session["id"], idempotencyKey="k-1"
    )
    retried = await network.run(
        "mobile", "BookSession", token=token, sessionId=session["id"], idempotencyKey="k-1"
    )
    me = await network.run("mobile", "Me", token=token)

    booking = booked["data"]["bookSession"]["booking"]
    assert booked["data"]["bookSession"]["error"] is None
    assert booking["status"] == "CONFIRMED"
    assert booking["session"]["seatsLeft"] == session["seatsLeft"] - 1
    assert retried["data"]["bookSession"]["booking"]["id"] == booking["id"]
    (mine,) = me["data"]["me"]["bookings"]
    assert mine["session"]["group"]["name"] == group.name
    assert mine["session"]["group"]["centre"]["id"] == group.centre_id

    cancelled = await network.run("mobile", "CancelBooking", token=token, bookingId=booking["id"])

    assert cancelled["data"]["cancelBooking"]["booking"] == {
        "id": booking["id"],
        "status": "CANCELLED",
    }


async def test_booking_needs_a_token(network: Network) -> None:
    body = await network.run(
        "mobile", "BookSession", sessionId="ses_00000000000000000000000000", idempotencyKey="k"
    )

    payload = (body.get("data") or {}).get("bookSession")
    codes = _codes(body) or [payload["error"]["code"]]
    assert codes == ["UNAUTHENTICATED"]
