"""createGroup and updateGroup through the ASGI app: who may, every rule, what sessions is told."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from saathi.tokens import Role
from services.directory import repository
from services.directory.domain.records import Centre
from tests.conftest import operation
from tests.services.directory.conftest import (
    Bearer,
    Gql,
    MakeCentre,
    MakeGroup,
    MakeSupporter,
    SessionsDouble,
)

CREATE = operation("directory", "CreateGroup")
UPDATE = operation("directory", "UpdateGroup")
AS_WRITTEN = operation("directory", "GroupAsWritten")
RULE = "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0"


def circle(centre: Centre, **overrides: Any) -> dict[str, Any]:
    """A valid CreateGroupInput for an in-person support group of ``centre``."""
    value: dict[str, Any] = {
        "centreId": centre.id,
        "name": "Tuesday Recovery Circle",
        "description": "Peer support for people in recovery.",
        "kind": "SUPPORT_GROUP",
        "focus": ["ADDICTION_RECOVERY"],
        "format": "IN_PERSON",
        "languages": ["mr", "en"],
        "audience": ["EVERYONE"],
        "accessibility": ["WHEELCHAIR"],
        "capacity": 12,
        "schedule": {
            "rrule": RULE,
            "timezone": "Asia/Kolkata",
            "startsOn": "2025-03-04",
            "durationMinutes": 90,
        },
        "address": {"line1": "1 Test Road", "city": "Pune", "postcode": "411001"},
        "location": {"lat": 18.53, "lng": 73.86},
    }
    value.update(overrides)
    return value


def schedule(**overrides: Any) -> dict[str, Any]:
    return {
        "rrule": RULE,
        "timezone": "Asia/Kolkata",
        "startsOn": "2025-03-04",
        "durationMinutes": 90,
        **overrides,
    }


# --- createGroup --------------------------------------------------------------------------------


async def test_a_centre_admin_creates_a_group_and_sessions_gets_its_timetable(
    gql: Gql, make_supporter: MakeSupporter, bearer: Bearer, sessions: SessionsDouble
) -> None:
    supporter = await make_supporter()
    centre_id = supporter.centre_id
    admin = bearer(Role.CENTRE_ADMIN, centre_id)
    centre = (await repository.centres_by_ids([centre_id]))[centre_id]

    body = await gql(CREATE, admin, input=circle(centre, facilitatorId=supporter.id))

    payload = body["data"]["createGroup"]
    assert payload["error"] is None
    group_id = payload["group"]["id"]
    assert payload["group"] == {
        "id": group_id,
        "name": "Tuesday Recovery Circle",
        "kind": "SUPPORT_GROUP",
        "format": "IN_PERSON",
        "schedule": {
            "rrule": RULE,
            "timezone": "Asia/Kolkata",
            "summary": "Every Tuesday, 6:00 pm to 7:30 pm",
        },
        "centre": {"id": centre_id},
    }
    assert sessions.series == [
        {
            "groupId": group_id,
            "centreId": centre_id,
            "groupName": "Tuesday Recovery Circle",
            "rrule": RULE,
            "timezone": "Asia/Kolkata",
            "startsOn": "2025-03-04",
            "durationMinutes": 90,
            "capacity": 12,
        }
    ]
    assert await repository.count_pending_pushes() == 0
    stored = await gql(AS_WRITTEN, id=group_id)
    assert stored["data"]["group"] == {
        "id": group_id,
        "name": "Tuesday Recovery Circle",
        "description": "Peer support for people in recovery.",
        "kind": "SUPPORT_GROUP",
        "focus": ["ADDICTION_RECOVERY"],
        "format": "IN_PERSON",
        "languages": ["mr", "en"],
        "audience": ["EVERYONE"],
        "accessibility": ["WHEELCHAIR"],
        "capacity": 12,
        "onlineJoinUrl": None,
        "address": {"line1": "1 Test Road", "city": "Pune", "postcode": "411001"},
        "location": {"lat": 18.53, "lng": 73.86},
        "centre": {"id": centre_id},
        "facilitator": {"id": supporter.id},
        "schedule": {
            "rrule": RULE,
            "timezone": "Asia/Kolkata",
            "durationMinutes": 90,
            "startsOn": "2025-03-04",
            "summary": "Every Tuesday, 6:00 pm to 7:30 pm",
        },
    }


async def test_an_online_mentoring_group_is_anchored_at_its_centre_with_capacity_one(
    gql: Gql, make_centre: MakeCentre, bearer: Bearer, sessions: SessionsDouble
) -> None:
    centre = await make_centre()
    online = circle(
        centre,
        kind="MENTORING",
        format="ONLINE",
        capacity=None,
        onlineJoinUrl="https://meet.example.org/mentor",
        address=None,
        location=None,
        languages=None,
    )

    body = await gql(CREATE, bearer(Role.CENTRE_ADMIN, centre.id), input=online)

    group_id = body["data"]["createGroup"]["group"]["id"]
    group = (await repository.groups_by_ids([group_id]))[group_id]
    assert (group.capacity, group.location, group.anchor) == (1, None, centre.location)
    assert group.languages == centre.languages
    assert group.online_join_url == "https://meet.example.org/mentor"
    assert sessions.series[0]["capacity"] == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "AA"}, "name must be 3 to 120 characters, got 2."),
        ({"name": "x" * 121}, "name must be 3 to 120 characters, got 121."),
        ({"capacity": 0}, "capacity must be between 1 and 500, got 0."),
        ({"capacity": 501}, "capacity must be between 1 and 500, got 501."),
        ({"capacity": None}, "capacity is required for a SUPPORT_GROUP group."),
        (
            {"kind": "MENTORING", "capacity": 4},
            "A MENTORING group is one-on-one: capacity must be 1, got 4.",
        ),
        (
            {"schedule": schedule(durationMinutes=14)},
            "schedule.durationMinutes must be between 15 and 480, got 14.",
        ),
        (
            {"schedule": schedule(durationMinutes=481)},
            "schedule.durationMinutes must be between 15 and 480, got 481.",
        ),
        (
            {"schedule": schedule(timezone="Asia/Pune")},
            "schedule.timezone 'Asia/Pune' is not an IANA time zone (e.g. Asia/Kolkata).",
        ),
        (
            {"schedule": schedule(rrule="every tuesday")},
            "schedule.rrule 'every tuesday' is not an RFC 5545 RRULE "
            "(e.g. FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0).",
        ),
        (
            {"schedule": schedule(rrule="FREQ=HOURLY")},
            "schedule.rrule 'FREQ=HOURLY' must repeat no more often than daily, not FREQ=HOURLY.",
        ),
        (
            {"schedule": schedule(rrule="FREQ=DAILY;BYHOUR=9,18;BYMINUTE=0")},
            "schedule.rrule 'FREQ=DAILY;BYHOUR=9,18;BYMINUTE=0' must repeat no more often than "
            "daily (one BYHOUR and one BYMINUTE).",
        ),
        (
            {"schedule": schedule(rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20240101T000000Z")},
            "schedule.rrule 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20240101T000000Z' has no occurrence on "
            "or after startsOn.",
        ),
        (
            {"languages": ["english"]},
            "languages: 'english' is not an ISO 639-1 code (two letters: en, hi, mr, ...).",
        ),
        (
            {"languages": ["xx"]},
            "languages: 'xx' is not an ISO 639-1 code (two letters: en, hi, mr, ...).",
        ),
        (
            {"format": "ONLINE", "onlineJoinUrl": "http://meet.example.org/x"},
            "onlineJoinUrl must be an https:// address, got 'http://meet.example.org/x'.",
        ),
        ({"format": "ONLINE"}, "A ONLINE group needs onlineJoinUrl (an https:// address)."),
        (
            {"format": "HYBRID", "onlineJoinUrl": "https://meet.example.org/x", "location": None},
            "A HYBRID group needs address and location.",
        ),
        ({"address": None}, "A IN_PERSON group needs address and location."),
        ({"location": None}, "A IN_PERSON group needs address and location."),
        ({"address": {"city": "Pune"}}, "address needs line1 and city."),
        (
            {"location": {"lat": 91, "lng": 73.86}},
            "location.lat must be between -90 and 90, got 91.0.",
        ),
        ({"facilitatorId": "sup_nobody"}, "facilitatorId 'sup_nobody' names no peer supporter."),
    ],
)
async def test_create_refuses_what_breaks_a_rule(
    gql: Gql,
    make_centre: MakeCentre,
    bearer: Bearer,
    sessions: SessionsDouble,
    overrides: dict[str, Any],
    message: str,
) -> None:
    centre = await make_centre()

    body = await gql(
        CREATE, bearer(Role.CENTRE_ADMIN, centre.id), input=circle(centre, **overrides)
    )

    assert body["data"]["createGroup"] == {
        "group": None,
        "error": {"code": "BAD_USER_INPUT", "message": message},
    }
    assert await repository.count_rows() == {"centres": 1, "supporters": 0, "groups": 0}
    assert sessions.series == []


async def test_a_facilitator_of_another_centre_is_refused(
    gql: Gql, make_centre: MakeCentre, make_supporter: MakeSupporter, bearer: Bearer
) -> None:
    centre = await make_centre()
    stranger = await make_supporter()

    body = await gql(
        CREATE,
        bearer(Role.CENTRE_ADMIN, centre.id),
        input=circle(centre, facilitatorId=stranger.id),
    )

    assert body["data"]["createGroup"]["error"] == {
        "code": "BAD_USER_INPUT",
        "message": f"facilitatorId {stranger.id!r} is not a peer supporter of this centre.",
    }


@pytest.mark.parametrize(
    ("who", "code", "message"),
    [
        ("anonymous", "UNAUTHENTICATED", "Sign in first: this needs an access token."),
        ("participant", "FORBIDDEN", "Your role may not do this."),
        ("facilitator", "FORBIDDEN", "Your role may not do this."),
        ("other admin", "FORBIDDEN", "You may only manage groups of your own centre."),
    ],
)
async def test_only_a_centre_admin_of_that_centre_creates(
    gql: Gql,
    make_centre: MakeCentre,
    bearer: Bearer,
    sessions: SessionsDouble,
    who: str,
    code: str,
    message: str,
) -> None:
    centre, other = await make_centre(), await make_centre()
    authorization = {
        "anonymous": None,
        "participant": bearer(Role.PARTICIPANT, subject="par_test"),
        "facilitator": bearer(Role.FACILITATOR, centre.id),
        "other admin": bearer(Role.CENTRE_ADMIN, other.id),
    }[who]

    body = await gql(CREATE, authorization, input=circle(centre))

    assert body["data"]["createGroup"] == {
        "group": None,
        "error": {"code": code, "message": message},
    }
    assert (await repository.count_rows())["groups"] == 0
    assert sessions.series == []


async def test_a_centre_that_does_not_exist_is_not_found(
    gql: Gql, make_centre: MakeCentre, bearer: Bearer
) -> None:
    ghost = replace(await make_centre(), id="ctr_ghost")

    body = await gql(CREATE, bearer(Role.CENTRE_ADMIN, ghost.id), input=circle(ghost))

    assert body["data"]["createGroup"]["error"] == {
        "code": "NOT_FOUND",
        "message": "No centre has the id 'ctr_ghost'.",
    }


# --- updateGroup --------------------------------------------------------------------------------


async def test_a_centre_admin_changes_capacity_and_sessions_gets_the_new_timetable(
    gql: Gql, make_group: MakeGroup, bearer: Bearer, sessions: SessionsDouble
) -> None:
    group = await make_group()

    body = await gql(
        UPDATE, bearer(Role.CENTRE_ADMIN, group.centre_id), id=group.id, input={"capacity": 20}
    )

    assert body["data"]["updateGroup"] == {
        "group": {"id": group.id, "name": "Recovery Circle", "capacity": 20},
        "error": None,
    }
    assert sessions.series == [
        {
            "groupId": group.id,
            "centreId": group.centre_id,
            "groupName": "Recovery Circle",
            "rrule": "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0",
            "timezone": "Asia/Kolkata",
            "startsOn": "2025-01-07",
            "durationMinutes": 90,
            "capacity": 20,
        }
    ]
    stored = (await repository.groups_by_ids([group.id]))[group.id]
    assert stored.capacity == 20
    assert (stored.name, stored.languages, stored.location) == (
        group.name,
        group.languages,
        group.location,
    )


async def test_an_update_is_checked_whole(
    gql: Gql, make_group: MakeGroup, bearer: Bearer, sessions: SessionsDouble
) -> None:
    group = await make_group()  # capacity 12

    body = await gql(
        UPDATE,
        bearer(Role.CENTRE_ADMIN, group.centre_id),
        id=group.id,
        input={"kind": "MENTORING", "capacity": 12},
    )

    assert body["data"]["updateGroup"] == {
        "group": None,
        "error": {
            "code": "BAD_USER_INPUT",
            "message": "A MENTORING group is one-on-one: capacity must be 1, got 12.",
        },
    }
    assert (await repository.groups_by_ids([group.id]))[group.id] == group
    assert sessions.series == []


async def test_going_online_needs_a_join_url(
    gql: Gql, make_group: MakeGroup, bearer: Bearer
) -> None:
    group = await make_group()

    body = await gql(
        UPDATE,
        bearer(Role.CENTRE_ADMIN, group.centre_id),
        id=group.id,
        input={"format": "ONLINE"},
    )

    assert body["data"]["updateGroup"]["error"] == {
        "code": "BAD_USER_INPUT",
        "message": "A ONLINE group needs onlineJoinUrl (an https:// address).",
    }


@pytest.mark.parametrize(
    ("who", "code", "message"),
    [
        ("anonymous", "UNAUTHENTICATED", "Sign in first: this needs an access token."),
        ("participant", "FORBIDDEN", "Your role may not do this."),
        ("other admin", "FORBIDDEN", "You may only manage groups of your own centre."),
    ],
)
async def test_only_a_centre_admin_of_the_groups_centre_updates(
    gql: Gql,
    make_centre: MakeCentre,
    make_group: MakeGroup,
    bearer: Bearer,
    who: str,
    code: str,
    message: str,
) -> None:
    group, other = await make_group(), await make_centre()
    authorization = {
        "anonymous": None,
        "participant": bearer(Role.PARTICIPANT, subject="par_test"),
        "other admin": bearer(Role.CENTRE_ADMIN, other.id),
    }[who]

    body = await gql(UPDATE, authorization, id=group.id, input={"capacity": 3})

    assert body["data"]["updateGroup"] == {
        "group": None,
        "error": {"code": code, "message": message},
    }
    assert (await repository.groups_by_ids([group.id]))[group.id].capacity == 12


async def test_a_group_cannot_move_to_another_centre(
    gql: Gql, make_centre: MakeCentre, make_group: MakeGroup, bearer: Bearer
) -> None:
    group, other = await make_group(), await make_centre()

    body = await gql(
        UPDATE,
        bearer(Role.CENTRE_ADMIN, group.centre_id),
        id=group.id,
        input={"centreId": other.id},
    )

    assert body["data"]["updateGroup"]["error"] == {
        "code": "BAD_USER_INPUT",
        "message": "centreId cannot change: a group stays with its centre.",
    }


async def test_updating_a_group_that_does_not_exist_is_not_found(
    gql: Gql, make_centre: MakeCentre, bearer: Bearer
) -> None:
    centre = await make_centre()

    body = await gql(
        UPDATE, bearer(Role.CENTRE_ADMIN, centre.id), id="grp_nothing", input={"capacity": 3}
    )

    assert body["data"]["updateGroup"]["error"] == {
        "code": "NOT_FOUND",
        "message": "No group has the id 'grp_nothing'.",
    }
