"""Who sees what, attacked through the gateway: join links, feeds, booking ids, cursors.

Each test plays an attacker with what the threat model gives them (no token, a participant's
token, another centre's staff token) against the one-process network seeded with the demo data.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any

import icalendar
import pytest

from network.demo import description as demo
from saathi.tokens import Role
from services.directory import repository as directory_repository
from tests.saathi.conftest import PUNE, Network

ONLINE = next(g for g in demo.GROUPS if g.format == "ONLINE")
HOME = next(c for c in demo.CENTRES if c.id == ONLINE.centre_id)
ELSEWHERE = next(c for c in demo.CENTRES if c.id != ONLINE.centre_id)
INJECTED = "https://meet.example.org/x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@attacker"


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _online_group_input(join_url: str) -> dict[str, Any]:
    return {
        "centreId": HOME.id,
        "name": "Evening check-in online",
        "description": "An online circle.",
        "kind": "SUPPORT_GROUP",
        "format": "ONLINE",
        "capacity": 8,
        "schedule": {
            "rrule": "FREQ=WEEKLY;BYDAY=WE;BYHOUR=19;BYMINUTE=0",
            "timezone": "Asia/Kolkata",
            "durationMinutes": 60,
        },
        "onlineJoinUrl": join_url,
    }


async def _join_url(network: Network, token: str | None, group_id: str = ONLINE.id) -> Any:
    body = await network.run("directory", "GroupAsWritten", token, id=group_id)
    assert "errors" not in body, body
    return body["data"]["group"]["onlineJoinUrl"]


# --- 1. a join link cannot carry iCalendar lines ------------------------------------------------


@pytest.mark.parametrize(
    "join_url",
    [
        INJECTED,
        "https://meet.example.org/a\rb",
        "https://meet.example.org/a\nb",
        "https://meet.example.org/a\tb",
        "https://meet.example.org/a\x00b",
        "https://meet.example.org/a\x7fb",
        "https://meet.example.org/" + "a" * 400,
        "http://meet.example.org/x",
        "javascript:alert(1)",
        "https:///no-host",
        "https://user:secret@meet.example.org/x",
    ],
)
async def test_a_join_url_that_is_not_a_plain_https_address_is_refused(
    network: Network, join_url: str
) -> None:
    admin = network.token("stf_admin", Role.CENTRE_ADMIN, HOME.id)

    created = await network.run(
        "directory", "CreateGroup", admin, input=_online_group_input(join_url)
    )
    updated = await network.run(
        "directory", "UpdateGroup", admin, id=ONLINE.id, input={"onlineJoinUrl": join_url}
    )

    for payload in (created["data"]["createGroup"], updated["data"]["updateGroup"]):
        assert payload["group"] is None
        assert payload["error"]["code"] == "BAD_USER_INPUT"
        assert payload["error"]["message"].startswith("onlineJoinUrl ")


async def test_text_with_line_breaks_cannot_add_events_to_a_groups_calendar(
    network: Network,
) -> None:
    # Given a group whose stored text holds iCalendar lines (written before the input rules, or
    # by someone with the database)
    stored = (await directory_repository.groups_by_ids([ONLINE.id]))[ONLINE.id]
    await directory_repository.save_group(
        replace(
            stored,
            name="Circle\rEND:VEVENT\rBEGIN:VEVENT\rUID:evil-name@attacker",
            description="Hello\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil-text@attacker",
            online_join_url=INJECTED,
        )
    )

    # When anyone fetches its calendar
    answer = await network.client.get(f"/feeds/groups/{ONLINE.id}.ics")

    # Then it holds the group's sessions and nothing else, and no join link
    assert answer.status_code == 200
    calendar = icalendar.Calendar.from_ical(answer.text)
    events = list(calendar.walk("VEVENT"))
    assert events
    assert all(str(event["UID"]).startswith("ses_") for event in events)
    lines = answer.text.splitlines()
    assert [line for line in lines if line.startswith("UID:")] == [
        f"UID:{event['UID']}" for event in events
    ]
    assert sum(line == "BEGIN:VEVENT" for line in lines) == len(events)
    assert "meet.example.org" not in answer.text
    assert all("URL" not in event for event in events)


# --- 2. a join link is for those booked, and the centre's staff ---------------------------------


async def test_a_join_link_is_not_public(network: Network) -> None:
    anonymous = await _join_url(network, None)
    feed = (await network.client.get("/feeds/meetings.json")).text
    calendar = (await network.client.get(f"/feeds/groups/{ONLINE.id}.ics")).text

    assert ONLINE.online_join_url is not None
    assert anonymous is None
    assert "meet.saathi.example.org" not in feed
    assert "conference_url" not in feed
    assert "meet.saathi.example.org" not in calendar
    assert "join link in the app after booking" in calendar.lower()


async def test_a_join_link_is_for_a_participant_with_a_confirmed_booking(
    network: Network,
) -> None:
    token = (await network.sign_in("join-link@example.org"))["accessToken"]
    detail = await network.run("mobile", "GroupDetail", id=ONLINE.id)
    session = detail["data"]["group"]["upcomingSessions"][0]

    before = await _join_url(network, token)
    booked = await network.run(
        "mobile", "BookSession", token=token, sessionId=session["id"], idempotencyKey="join-1"
    )
    during = await _join_url(network, token)
    booking = booked["data"]["bookSession"]["booking"]
    await network.run("mobile", "CancelBooking", token=token, bookingId=booking["id"])
    after = await _join_url(network, token)

    assert booking["status"] == "CONFIRMED"
    assert (before, during, after) == (None, ONLINE.online_join_url, None)


async def test_a_booked_participant_finds_the_link_through_their_bookings(
    network: Network,
) -> None:
    token = (await network.sign_in("my-bookings@example.org"))["accessToken"]
    detail = await network.run("mobile", "GroupDetail", id=ONLINE.id)
    session = detail["data"]["group"]["upcomingSessions"][0]
    await network.run(
        "mobile", "BookSession", token=token, sessionId=session["id"], idempotencyKey="mine-1"
    )
    query = "{ me { bookings(upcoming: true) { session { group { id onlineJoinUrl } } } } }"

    answer = await network.client.post(
        "/graphql", json={"query": query}, headers={"authorization": f"Bearer {token}"}
    )

    body = answer.json()
    assert "errors" not in body, body
    assert [b["session"]["group"] for b in body["data"]["me"]["bookings"]] == [
        {"id": ONLINE.id, "onlineJoinUrl": ONLINE.online_join_url}
    ]


async def test_a_booking_at_another_group_does_not_open_this_groups_link(
    network: Network,
) -> None:
    token = (await network.sign_in("other-group@example.org"))["accessToken"]
    other = next(g for g in demo.GROUPS if g.online_join_url and g.id != ONLINE.id)
    detail = await network.run("mobile", "GroupDetail", id=other.id)
    session = detail["data"]["group"]["upcomingSessions"][0]
    await network.run(
        "mobile", "BookSession", token=token, sessionId=session["id"], idempotencyKey="other-1"
    )

    assert await _join_url(network, token, other.id) == other.online_join_url
    assert await _join_url(network, token, ONLINE.id) is None


async def test_a_join_link_is_for_the_centres_staff_only(network: Network) -> None:
    own = network.token("stf_own", Role.FACILITATOR, HOME.id)
    other = network.token("stf_other", Role.CENTRE_ADMIN, ELSEWHERE.id)
    partner = network.token("ptn_home", Role.PARTNER, HOME.id)

    assert await _join_url(network, own) == ONLINE.online_join_url
    assert await _join_url(network, other) is None
    assert await _join_url(network, partner) is None


async def test_nearby_groups_never_show_join_links_to_a_participant_without_bookings(
    network: Network,
) -> None:
    token = (await network.sign_in("nearby@example.org"))["accessToken"]
    query = """
    query($near: GeoPointInput!) {
      nearbyGroups(near: $near, radiusKm: 2000, first: 50) { edges { node { id onlineJoinUrl } } }
    }
    """
    answer = await network.client.post(
        "/graphql",
        json={"query": query, "variables": {"near": PUNE}},
        headers={"authorization": f"Bearer {token}"},
    )

    body = answer.json()
    assert "errors" not in body, body
    nodes = [edge["node"] for edge in body["data"]["nearbyGroups"]["edges"]]
    assert len(nodes) > 5
    assert {node["onlineJoinUrl"] for node in nodes} == {None}


# --- 4. another person's booking looks exactly like no booking ----------------------------------


async def test_cancelling_someone_elses_booking_is_indistinguishable_from_a_missing_one(
    network: Network,
) -> None:
    owner = (await network.sign_in("owner@example.org"))["accessToken"]
    intruder = (await network.sign_in("intruder@example.org"))["accessToken"]
    detail = await network.run("mobile", "GroupDetail", id=demo.GROUPS[0].id)
    session = detail["data"]["group"]["upcomingSessions"][0]
    booked = await network.run(
        "mobile", "BookSession", token=owner, sessionId=session["id"], idempotencyKey="own-1"
    )
    real = booked["data"]["bookSession"]["booking"]["id"]
    missing = "bkg_00000000000000000000000000"

    theirs = await network.run("mobile", "CancelBooking", token=intruder, bookingId=real)
    nothing = await network.run("mobile", "CancelBooking", token=intruder, bookingId=missing)

    error = theirs["data"]["cancelBooking"]["error"]
    assert error["code"] == "NOT_FOUND"
    assert error == {
        "code": "NOT_FOUND",
        "message": nothing["data"]["cancelBooking"]["error"]["message"].replace(missing, real),
    }
    me = await network.run("mobile", "Me", token=owner)
    assert [b["status"] for b in me["data"]["me"]["bookings"]] == ["CONFIRMED"]


# --- 5. every bad cursor is bad input -----------------------------------------------------------


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


BAD_CURSORS = [
    "",
    "!!!",
    "not a cursor",
    "é",
    "\x00",
    _cursor("[]"),
    _cursor('["nearby"]'),
    _cursor('{"a":1}'),
    _cursor('["centre","a","b"]'),  # another list's cursor
    _cursor('["nearby","x","grp_1"]'),  # a wrong type
    _cursor('["nearby",-1,"grp_1"]'),  # a negative distance
    _cursor('["nearby",NaN,"grp_1"]'),
    _cursor('["nearby",Infinity,"grp_1"]'),
    _cursor('["nearby",1e400,"grp_1"]'),
    _cursor('["nearby",true,"grp_1"]'),
    _cursor('["nearby",1,"' + "g" * 5000 + '"]'),  # an id no id column holds
    _cursor('["nearby",' + "9" * 5000 + ',"grp_1"]'),
    _cursor("[" * 100_000),  # deeper than any parser should follow
    _cursor('["nearby",1,"grp_1"]' + " " * 200_000),  # huge
    "A" * 300_000,
]


@pytest.mark.parametrize("cursor", BAD_CURSORS, ids=range(len(BAD_CURSORS)))
async def test_every_bad_nearby_cursor_is_bad_user_input(network: Network, cursor: str) -> None:
    body = await network.run("mobile", "NearbyGroups", near=PUNE, first=5, after=cursor)

    assert _codes(body) == ["BAD_USER_INPUT"], json.dumps(body)[:400]
    assert body["data"] is None


BAD_CENTRE_CURSORS = [
    _cursor('["centre","\\u0000","ctr_1"]'),  # NUL: PostgreSQL refuses it in a text column
    _cursor('["centre",1,"ctr_1"]'),
    _cursor('["centre","' + "n" * 5000 + '","ctr_1"]'),
    _cursor('["nearby",1,"grp_1"]'),
    _cursor("[" * 100_000),
]


@pytest.mark.parametrize("cursor", BAD_CENTRE_CURSORS, ids=range(len(BAD_CENTRE_CURSORS)))
async def test_every_bad_centre_cursor_is_bad_user_input(network: Network, cursor: str) -> None:
    body = await network.run("mobile", "Centres", first=5, after=cursor)

    assert _codes(body) == ["BAD_USER_INPUT"], json.dumps(body)[:400]
    assert body["data"] is None


def _log_cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


BAD_LOG_CURSORS = [
    "",
    "!!!",
    _log_cursor("log:-1"),  # a negative offset
    _log_cursor("log:99999999999999999999"),  # wider than the column
    _log_cursor("log:" + "9" * 5000),
    _log_cursor("log:1.5"),
    _log_cursor("log: 1"),
    _log_cursor("log:\uff11"),  # a digit, but not an ASCII one
    _log_cursor("nearby:1"),
    "A" * 300_000,
]


@pytest.mark.parametrize("cursor", BAD_LOG_CURSORS, ids=range(len(BAD_LOG_CURSORS)))
async def test_every_bad_access_log_cursor_is_bad_user_input(network: Network, cursor: str) -> None:
    participant = network.token(demo.PARTICIPANTS[0].id, Role.PARTICIPANT)

    body = await network.run("consent", "MyDataAccessLog", participant, first=5, after=cursor)

    assert _codes(body) == ["BAD_USER_INPUT"], json.dumps(body)[:400]
