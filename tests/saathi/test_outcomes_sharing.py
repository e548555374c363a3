"""Goals and wellbeing check-ins are the participant's own, seen by a centre only under a live
consent that covers them, for the purpose asked; attacked through the gateway, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import demo_staff_id
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


async def test_a_booked_peer_mentor_sees_goals_only_under_the_consent(network: Network) -> None:
    # given a participant who booked a mentoring session, and a goal
    person = await _person(network)
    token = person.token
    detail = await network.run("mobile", "GroupDetail", id=MENTORING.id)
    session = detail["data"]["group"]["upcomingSessions"][0]
    booked = await network.run(
        "mobile", "BookSession", token, sessionId=session["id"], idempotencyKey="mentor"
    )
    assert booked["data"]["bookSession"]["error"] is None
    await _goal(network, token, title="Stay sober through the festival")
    centre = MENTORING.centre_id
    mentor = network.token(demo_staff_id(centre, Role.FACILITATOR), Role.FACILITATOR, centre)

    # when the mentor asks before and after a GOALS consent to their centre
    without = await network.run(
        "wellbeing",
        "SharedOutcomes",
        mentor,
        participantId=person.id,
        categories=["GOALS"],
        purpose="CARE_CONTINUITY",
    )
    await _grant(network, token, centre, ["GOALS"], "CARE_CONTINUITY")
    with_consent = await network.run(
        "wellbeing",
        "SharedOutcomes",
        mentor,
        participantId=person.id,
        categories=["GOALS"],
        purpose="CARE_CONTINUITY",
    )

    # then the booking alone shows nothing; the consent shows the goals
    assert without["data"]["sharedRecord"]["error"]["code"] == "CONSENT_REQUIRED"
    assert without["data"]["sharedRecord"]["goals"] is None
    goals = with_consent["data"]["sharedRecord"]["goals"]
    assert [g["title"] for g in goals] == ["Stay sober through the festival"]


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
