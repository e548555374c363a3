"""Goals and wellbeing check-ins are the participant's own, seen by a centre only under a live
consent that covers them, for the purpose asked; attacked through the gateway, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import demo_staff_id, demo_supporter_staff_id
from saathi.tokens import Role
from tests.saathi.conftest import Network
from tests.saathi.people import Person, new_person

CENTRE = demo.CENTRES[2].id
OTHER_CENTRE = demo.CENTRES[3].id
MENTORING = next(g for g in demo.GROUPS if g.kind == "MENTORING")


async def _person(network: Network) -> Person:
    """A participant with no goals or check-ins yet."""
    return await new_person(network)


async def _goal(network: Network, token: str, **input: Any) -> dict[str, Any]:
    body = await network.run("wellbeing", "SetGoal", token, input=input)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["setGoal"]
    return payload


async def _grant(
    network: Network, token: str, centre: str, categories: list[str], purpose: str
) -> str:
    body = await network.run(
        "wellbeing",
        "GrantOutcomes",
        token,
        input={
            "granteeCentreId": centre,
            "categories": categories,
            "purpose": purpose,
            "validUntil": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
        },
    )
    assert body["data"]["grantConsent"]["error"] is None, body
    consent_id: str = body["data"]["grantConsent"]["consent"]["id"]
    return consent_id


async def _shared(
    network: Network,
    token: str | None,
    person: Person,
    categories: list[str],
    purpose: str = "CARE_CONTINUITY",
) -> dict[str, Any]:
    body = await network.run(
        "wellbeing",
        "SharedOutcomes",
        token,
        participantId=person.id,
        categories=categories,
        purpose=purpose,
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["sharedRecord"]
    return payload


async def test_goals_are_set_updated_and_listed_by_their_owner(network: Network) -> None:
    person = await _person(network)
    token = person.token

    made = await _goal(network, token, title="Walk every morning", targetDate="2027-01-31")
    other = await _goal(network, token, title="Call my sister weekly")
    goal_id = made["goal"]["id"]
    renamed = await _goal(network, token, goalId=goal_id, title="Walk 30 minutes every morning")
    progressed = await network.run(
        "wellbeing",
        "UpdateGoalProgress",
        token,
        input={"goalId": goal_id, "progress": 100, "note": "Did it for 6 weeks"},
    )
    mine = await network.run("wellbeing", "MyGoals", token)

    assert made["error"] is None
    assert made["goal"]["progress"] == 0
    assert renamed["goal"]["targetDate"] is None
    assert progressed["data"]["updateGoalProgress"]["goal"] == {
        "id": goal_id,
        "title": "Walk 30 minutes every morning",
        "targetDate": None,
        "progress": 100,
        "progressNote": "Did it for 6 weeks",
        "achieved": True,
    }
    connection = mine["data"]["myGoals"]
    assert connection["totalCount"] == 2
    assert [e["node"]["id"] for e in connection["edges"]] == [other["goal"]["id"], goal_id]


@pytest.mark.parametrize(
    ("input", "code"),
    [
        ({"title": "   "}, "BAD_USER_INPUT"),
        ({"title": "x" * 201}, "BAD_USER_INPUT"),
        ({"title": "Fine", "goalId": "gol_01JD3Z0000000000000000000Q"}, "NOT_FOUND"),
        ({"title": "Fine", "goalId": "not-an-id"}, "NOT_FOUND"),
    ],
)
async def test_a_goal_that_is_not_well_formed_or_not_mine_is_refused(
    network: Network, input: dict[str, Any], code: str
) -> None:
    person = await _person(network)
    token = person.token

    refused = await _goal(network, token, **input)

    assert refused == {"goal": None, "error": refused["error"]}
    assert refused["error"]["code"] == code


async def test_another_participants_goal_is_answered_as_a_missing_one(network: Network) -> None:
    person = await _person(network)
    token = person.token
    goal_id = (await _goal(network, token, title="Mine"))["goal"]["id"]
    stranger = {"accessToken": (await new_person(network)).token}
    missing = "gol_01JD3Z0000000000000000000Q"

    attempts = [
        await network.run(
            "wellbeing",
            "UpdateGoalProgress",
            stranger["accessToken"],
            input={"goalId": gid, "progress": 50},
        )
        for gid in (goal_id, missing)
    ]
    renamed = await _goal(network, stranger["accessToken"], goalId=goal_id, title="Theirs")
    progress = await network.run(
        "wellbeing", "UpdateGoalProgress", token, input={"goalId": goal_id, "progress": 101}
    )

    errors = [a["data"]["updateGoalProgress"]["error"] for a in attempts]
    assert [e["code"] for e in errors] == ["NOT_FOUND", "NOT_FOUND"]
    assert errors[0]["message"].replace(goal_id, missing) == errors[1]["message"]
    assert renamed["error"]["code"] == "NOT_FOUND"
    assert progress["data"]["updateGoalProgress"]["error"]["code"] == "BAD_USER_INPUT"
    mine = await network.run("wellbeing", "MyGoals", token)
    assert mine["data"]["myGoals"]["edges"][0]["node"]["title"] == "Mine"


# Who reads a participant's goals and check-ins through sharedRecord: (reader, consent granted
# to the reader's centre: categories and purpose, or none; categories asked; purpose asked;
# what comes back).
RULES = [
    (
        "staff",
        ("GOALS", "WELLBEING"),
        "CARE_CONTINUITY",
        ["GOALS", "WELLBEING"],
        "CARE_CONTINUITY",
        "both",
    ),
    ("staff", ("GOALS",), "CARE_CONTINUITY", ["GOALS", "WELLBEING"], "CARE_CONTINUITY", "goals"),
    (
        "staff",
        ("WELLBEING",),
        "CARE_CONTINUITY",
        ["GOALS", "WELLBEING"],
        "CARE_CONTINUITY",
        "wellbeing",
    ),
    ("staff", None, None, ["GOALS", "WELLBEING"], "CARE_CONTINUITY", "CONSENT_REQUIRED"),
    ("staff", ("ATTENDANCE",), "CARE_CONTINUITY", ["GOALS"], "CARE_CONTINUITY", "CONSENT_REQUIRED"),
    ("staff", ("GOALS", "WELLBEING"), "CARE_CONTINUITY", ["GOALS"], "RESEARCH", "CONSENT_REQUIRED"),
    (
        "other centre",
        ("GOALS", "WELLBEING"),
        "CARE_CONTINUITY",
        ["GOALS"],
        "CARE_CONTINUITY",
        "CONSENT_REQUIRED",
    ),
    (
        "participant",
        ("GOALS", "WELLBEING"),
        "CARE_CONTINUITY",
        ["GOALS"],
        "CARE_CONTINUITY",
        "FORBIDDEN",
    ),
    (
        "anonymous",
        ("GOALS", "WELLBEING"),
        "CARE_CONTINUITY",
        ["GOALS"],
        "CARE_CONTINUITY",
        "UNAUTHENTICATED",
    ),
]


@pytest.mark.parametrize(
    ("reader", "granted", "granted_for", "asked", "purpose", "expected"), RULES
)
async def test_a_centre_reads_goals_and_checkins_only_under_a_consent_that_covers_them(
    network: Network,
    reader: str,
    granted: tuple[str, ...] | None,
    granted_for: str | None,
    asked: list[str],
    purpose: str,
    expected: str,
) -> None:
    # given a participant with a goal and a check-in, and perhaps a consent to CENTRE
    person = await _person(network)
    token = person.token
    goal = (await _goal(network, token, title="Back to work part-time"))["goal"]
    checkin = await network.run(
        "wellbeing",
        "RecordWellbeingCheckin",
        token,
        input={"who5": [3, 3, 2, 3, 3], "barc10": [4] * 10, "note": "private note"},
    )
    assert checkin["data"]["recordWellbeingCheckin"]["error"] is None
    if granted is not None and granted_for is not None:
        await _grant(network, token, CENTRE, list(granted), granted_for)
    readers = {
        "staff": network.token(demo_staff_id(CENTRE, Role.CENTRE_ADMIN), Role.CENTRE_ADMIN, CENTRE),
        "other centre": network.token(
            demo_staff_id(OTHER_CENTRE, Role.CENTRE_ADMIN), Role.CENTRE_ADMIN, OTHER_CENTRE
        ),
        "participant": token,
        "anonymous": None,
    }

    # when the reader asks
    shared = await _shared(network, readers[reader], person, asked, purpose)

    # then exactly what the consent covers comes back, and nothing else
    if expected in {"CONSENT_REQUIRED", "FORBIDDEN", "UNAUTHENTICATED"}:
        assert shared["error"]["code"] == expected
        assert shared["wellbeing"] is None
        assert shared["goals"] is None
        return
    assert shared["error"] is None
    if expected in {"both", "goals"}:
        assert shared["goals"] == [
            {
                "id": goal["id"],
                "title": "Back to work part-time",
                "targetDate": None,
                "progress": 0,
                "achieved": False,
            }
        ]
    else:
        assert shared["goals"] is None
    if expected in {"both", "wellbeing"}:
        assert [
            (c["who5Total"], c["who5Percent"], c["barc10Total"]) for c in shared["wellbeing"]
        ] == [(14, 56, 40)]
    else:
        assert shared["wellbeing"] is None


async def test_a_revoked_consent_closes_goals_at_once(network: Network) -> None:
    person = await _person(network)
    token = person.token
    await _goal(network, token, title="Sleep by eleven")
    consent_id = await _grant(network, token, CENTRE, ["GOALS"], "CARE_CONTINUITY")
    staff = network.token(demo_staff_id(CENTRE, Role.CENTRE_ADMIN), Role.CENTRE_ADMIN, CENTRE)
    before = await _shared(network, staff, person, ["GOALS"])

    revoked = await network.run("consent", "RevokeConsent", token, id=consent_id)
    after = await _shared(network, staff, person, ["GOALS"])

    assert [g["title"] for g in before["goals"]] == ["Sleep by eleven"]
    assert revoked["data"]["revokeConsent"]["error"] is None
    assert after["error"]["code"] == "CONSENT_REQUIRED"
    assert after["goals"] is None


MENTOR = next(s for s in demo.SUPPORTERS if s.id == MENTORING.facilitator_id)
FELLOW = next(
    s for s in demo.SUPPORTERS if s.centre_id == MENTORING.centre_id and s.id != MENTOR.id
)
FAR_MENTORING = next(
    g for g in demo.GROUPS if g.kind == "MENTORING" and g.centre_id != MENTORING.centre_id
)
FAR_MENTOR = next(s for s in demo.SUPPORTERS if s.id == FAR_MENTORING.facilitator_id)


def _reader_token(network: Network, reader: str) -> str:
    """A staff token for each kind of reader of a participant's goals."""
    centre = MENTORING.centre_id
    if reader == "centre admin":
        return network.token(demo_staff_id(centre, Role.CENTRE_ADMIN), Role.CENTRE_ADMIN, centre)
    if reader == "facilitator who is no supporter":
        return network.token(demo_staff_id(centre, Role.FACILITATOR), Role.FACILITATOR, centre)
    supporter, bound_to = {
        "booked mentor": (MENTOR, centre),
        "another supporter of the centre": (FELLOW, centre),
        "a mentor never booked": (FAR_MENTOR, FAR_MENTOR.centre_id),
        # a token that names the booked mentor's record but is bound to another centre
        "the mentor's record on another centre's token": (MENTOR, FAR_MENTOR.centre_id),
    }[reader]
    return network.token(
        demo_supporter_staff_id(supporter.id), Role.FACILITATOR, bound_to, supporter.id
    )


# Who reads a participant's goals as their peer mentor: (reader, the participant's booking of
# the mentor's MENTORING session, their GOALS consent to the reader's centre, what comes back).
MENTOR_RULES = [
    ("booked mentor", "confirmed", "live", "goals"),
    ("booked mentor", "confirmed", "none", "CONSENT_REQUIRED"),
    ("booked mentor", "confirmed", "revoked", "CONSENT_REQUIRED"),
    ("booked mentor", "cancelled", "live", "FORBIDDEN"),
    ("booked mentor", "none", "live", "FORBIDDEN"),
    ("another supporter of the centre", "confirmed", "live", "FORBIDDEN"),
    ("a mentor never booked", "confirmed", "live", "FORBIDDEN"),
    ("the mentor's record on another centre's token", "confirmed", "live", "FORBIDDEN"),
    ("facilitator who is no supporter", "confirmed", "live", "FORBIDDEN"),
    ("centre admin", "none", "live", "goals"),
]


@pytest.mark.parametrize(("reader", "booking", "consent", "expected"), MENTOR_RULES)
async def test_a_peer_mentor_sees_goals_only_when_booked_and_under_the_consent(
    network: Network, reader: str, booking: str, consent: str, expected: str
) -> None:
    # given a participant with a goal, perhaps a booking of MENTOR's mentoring session, and
    # perhaps a GOALS consent to the mentor's centre (and to the far mentor's centre too)
    person = await _person(network)
    token = person.token
    await _goal(network, token, title="Stay sober through the festival")
    if booking != "none":
        detail = await network.run("mobile", "GroupDetail", id=MENTORING.id)
        session = next(s for s in detail["data"]["group"]["upcomingSessions"] if s["seatsLeft"] > 0)
        booked = await network.run(
            "mobile", "BookSession", token, sessionId=session["id"], idempotencyKey="mentor"
        )
        assert booked["data"]["bookSession"]["booking"]["status"] == "CONFIRMED", booked
        if booking == "cancelled":
            cancelled = await network.run(
                "mobile",
                "CancelBooking",
                token,
                bookingId=booked["data"]["bookSession"]["booking"]["id"],
            )
            assert cancelled["data"]["cancelBooking"]["error"] is None
    if consent != "none":
        consent_id = await _grant(network, token, MENTORING.centre_id, ["GOALS"], "CARE_CONTINUITY")
        await _grant(network, token, FAR_MENTOR.centre_id, ["GOALS"], "CARE_CONTINUITY")
        if consent == "revoked":
            revoked = await network.run("consent", "RevokeConsent", token, id=consent_id)
            assert revoked["data"]["revokeConsent"]["error"] is None

    # when the reader asks for the participant's goals
    shared = await _shared(network, _reader_token(network, reader), person, ["GOALS"])

    # then only the booked mentor (and the centre's admin) under a live consent sees them
    if expected == "goals":
        assert shared["error"] is None
        assert [g["title"] for g in shared["goals"]] == ["Stay sober through the festival"]
    else:
        assert shared["error"]["code"] == expected
        assert shared["goals"] is None


async def test_a_mentor_refused_goals_may_still_read_other_categories_under_consent(
    network: Network,
) -> None:
    # the mentor rule is about goals: a supporter of the centre reads attendance as before
    person = await _person(network)
    await _grant(network, person.token, MENTORING.centre_id, ["ATTENDANCE"], "CARE_CONTINUITY")

    shared = await _shared(
        network, _reader_token(network, "another supporter of the centre"), person, ["ATTENDANCE"]
    )
    asked_goals_too = await _shared(
        network,
        _reader_token(network, "another supporter of the centre"),
        person,
        ["ATTENDANCE", "GOALS"],
    )

    assert shared["error"] is None
    assert shared["consentId"] is not None
    assert asked_goals_too["error"]["code"] == "FORBIDDEN"
    assert asked_goals_too["consentId"] is None


async def test_every_release_is_in_the_participants_access_log(network: Network) -> None:
    person = await _person(network)
    token = person.token
    await _goal(network, token, title="Cook at home")
    consent_id = await _grant(network, token, CENTRE, ["GOALS", "WELLBEING"], "CARE_CONTINUITY")
    staff = network.token(demo_staff_id(CENTRE, Role.CENTRE_ADMIN), Role.CENTRE_ADMIN, CENTRE)

    await _shared(network, staff, person, ["GOALS", "WELLBEING"])
    log = await network.run("consent", "MyDataAccessLog", token, first=1)

    node = log["data"]["me"]["dataAccessLog"]["edges"][0]["node"]
    assert node["consentId"] == consent_id
    assert sorted(node["categories"]) == ["GOALS", "WELLBEING"]
