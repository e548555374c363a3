"""Concerns through the gateway: a report reaches its centre's queue and supervisors and
nobody else, the reporter follows its status, anonymity holds, and who may do what."""

from __future__ import annotations

import json
from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import demo_staff_id
from network.worker import rounds_for
from saathi.tokens import Role
from services.sessions.models import Concern
from tests.saathi.conftest import Network

GROUP = demo.GROUPS[0]
HOME = next(c for c in demo.CENTRES if c.id == GROUP.centre_id)
ELSEWHERE = next(c for c in demo.CENTRES if c.id != GROUP.centre_id)
PARTICIPANT = demo.PARTICIPANTS[0]
DESCRIPTION = "The facilitator shared what I said in the group with my employer."


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _staff(network: Network, role: Role, centre: demo.DemoCentre = HOME) -> str:
    return network.token(demo_staff_id(centre.id, role), role, centre.id)


def _participant(network: Network, participant: demo.DemoParticipant = PARTICIPANT) -> str:
    return network.token(participant.id, Role.PARTICIPANT)


async def _a_session_id(network: Network) -> str:
    detail = await network.run("mobile", "GroupDetail", id=GROUP.id)
    return str(detail["data"]["group"]["upcomingSessions"][0]["id"])


async def _report(network: Network, **about: Any) -> dict[str, Any]:
    body = await network.run(
        "concerns",
        "ReportConcern",
        _participant(network),
        input={"category": "BOUNDARIES", "description": DESCRIPTION, **about},
    )
    return dict(body["data"]["reportConcern"])


def _outbox(network: Network) -> list[dict[str, Any]]:
    path = network.settings.outbox_path
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]


async def test_a_concern_reaches_its_centres_supervisors_and_nobody_else(network: Network) -> None:
    session_id = await _a_session_id(network)

    reported = await _report(network, sessionId=session_id)
    queue = await network.run(
        "concerns", "Concerns", _staff(network, Role.SUPERVISOR), centreId=HOME.id
    )
    elsewhere = await network.run(
        "concerns",
        "Concerns",
        _staff(network, Role.SUPERVISOR, ELSEWHERE),
        centreId=ELSEWHERE.id,
    )

    concern = reported["concern"]
    assert reported["error"] is None
    assert (concern["status"], concern["about"], concern["aboutId"], concern["centreId"]) == (
        "OPEN",
        "SESSION",
        session_id,
        HOME.id,
    )
    (edge,) = queue["data"]["concerns"]["edges"]
    assert edge["node"]["id"] == concern["id"]
    assert edge["node"]["description"] == DESCRIPTION
    assert edge["node"]["anonymous"] is True
    assert edge["node"]["reporterId"] is None
    assert elsewhere["data"]["concerns"]["totalCount"] == 0
    told = [line for line in _outbox(network) if line["kind"] == "concern_reported"]
    assert [line["to"] for line in told] == [demo_staff_id(HOME.id, Role.SUPERVISOR)]
    assert DESCRIPTION not in json.dumps(told)
    assert PARTICIPANT.id not in json.dumps(told)


async def test_the_reporter_follows_the_status_from_open_to_resolved(network: Network) -> None:
    concern_id = (await _report(network, groupId=GROUP.id))["concern"]["id"]
    supervisor = _staff(network, Role.SUPERVISOR)

    opened = await network.run("concerns", "MyConcerns", _participant(network))
    acknowledged = await network.run("concerns", "AcknowledgeConcern", supervisor, id=concern_id)
    seen = await network.run("concerns", "MyConcerns", _participant(network))
    resolved = await network.run(
        "concerns", "ResolveConcern", _staff(network, Role.CENTRE_ADMIN), id=concern_id
    )
    again = await network.run("concerns", "AcknowledgeConcern", supervisor, id=concern_id)
    done = await network.run("concerns", "MyConcerns", _participant(network))
    by_status = await network.run(
        "concerns", "Concerns", supervisor, centreId=HOME.id, status="RESOLVED"
    )

    assert [c["status"] for c in opened["data"]["me"]["concerns"]] == ["OPEN"]
    assert acknowledged["data"]["acknowledgeConcern"]["concern"]["acknowledgedAt"]
    assert [c["status"] for c in seen["data"]["me"]["concerns"]] == ["ACKNOWLEDGED"]
    assert resolved["data"]["resolveConcern"]["concern"]["status"] == "RESOLVED"
    assert again["data"]["acknowledgeConcern"]["error"] == {
        "code": "BAD_USER_INPUT",
        "message": "The concern is RESOLVED; it cannot become ACKNOWLEDGED.",
    }
    (mine,) = done["data"]["me"]["concerns"]
    assert mine["status"] == "RESOLVED"
    assert mine["acknowledgedAt"]
    assert mine["resolvedAt"]
    assert [e["node"]["id"] for e in by_status["data"]["concerns"]["edges"]] == [concern_id]


async def test_a_named_concern_about_a_supporter_goes_to_the_supporters_centre(
    network: Network,
) -> None:
    supporter = next(s for s in demo.SUPPORTERS if s.centre_id == ELSEWHERE.id)

    reported = await _report(network, supporterId=supporter.id, anonymous=False)
    queue = await network.run(
        "concerns", "Concerns", _staff(network, Role.CENTRE_ADMIN, ELSEWHERE), centreId=ELSEWHERE.id
    )

    assert reported["concern"]["centreId"] == ELSEWHERE.id
    (edge,) = queue["data"]["concerns"]["edges"]
    assert edge["node"]["reporterId"] == PARTICIPANT.id
    assert edge["node"]["about"] == "SUPPORTER"


async def test_staff_of_another_centre_and_other_participants_learn_nothing(
    network: Network,
) -> None:
    concern_id = (await _report(network, groupId=GROUP.id))["concern"]["id"]
    other = _staff(network, Role.SUPERVISOR, ELSEWHERE)

    queue = await network.run("concerns", "Concerns", other, centreId=HOME.id)
    moved = await network.run("concerns", "AcknowledgeConcern", other, id=concern_id)
    missing = await network.run(
        "concerns", "AcknowledgeConcern", other, id="cnc_00000000000000000000000000"
    )
    someone_else = await network.run(
        "concerns", "MyConcerns", _participant(network, demo.PARTICIPANTS[1])
    )

    assert queue["data"] is None
    assert _codes(queue) == ["FORBIDDEN"]
    assert moved["data"]["acknowledgeConcern"]["error"]["code"] == "NOT_FOUND"
    assert moved["data"]["acknowledgeConcern"]["error"]["message"].replace(
        concern_id, "ID"
    ) == missing["data"]["acknowledgeConcern"]["error"]["message"].replace(
        "cnc_00000000000000000000000000", "ID"
    )
    assert someone_else["data"]["me"]["concerns"] == []


@pytest.mark.parametrize(
    ("about", "message"),
    [
        ({}, "Name exactly one of sessionId, groupId and supporterId."),
        (
            {"groupId": GROUP.id, "supporterId": demo.SUPPORTERS[0].id},
            "Name exactly one of sessionId, groupId and supporterId.",
        ),
        (
            {"groupId": "grp_00000000000000000000000000"},
            "No group has the id 'grp_00000000000000000000000000'.",
        ),
        (
            {"supporterId": "sup_00000000000000000000000000"},
            "No supporter has the id 'sup_00000000000000000000000000'.",
        ),
    ],
)
async def test_a_concern_must_be_about_one_thing_that_exists(
    network: Network, about: dict[str, str], message: str
) -> None:
    reported = await _report(network, **about)

    assert reported["concern"] is None
    assert reported["error"]["message"] == message


# --- who may do what ----------------------------------------------------------------------------

QUEUE = [
    ("anonymous", "UNAUTHENTICATED"),
    ("participant", "FORBIDDEN"),
    ("facilitator", "FORBIDDEN"),  # the supporter a concern is about never sees it
    ("other supervisor", "FORBIDDEN"),
    ("other centre_admin", "FORBIDDEN"),
    ("partner", "FORBIDDEN"),
]
MOVE = [
    ("anonymous", "UNAUTHENTICATED"),
    ("participant", "FORBIDDEN"),
    ("facilitator", "FORBIDDEN"),
    ("other supervisor", "NOT_FOUND"),
    ("other centre_admin", "NOT_FOUND"),
    ("partner", "FORBIDDEN"),
]
REPORT = [
    ("anonymous", "UNAUTHENTICATED"),
    ("facilitator", "FORBIDDEN"),
    ("supervisor", "FORBIDDEN"),
    ("centre_admin", "FORBIDDEN"),
]


def _caller(network: Network, who: str) -> str | None:
    if who == "anonymous":
        return None
    if who == "participant":
        return _participant(network, demo.PARTICIPANTS[1])
    if who == "partner":
        return network.token("prt_01J0000000000000000000000", Role.PARTNER, HOME.id)
    centre = ELSEWHERE if who.startswith("other ") else HOME
    return _staff(network, Role(who.removeprefix("other ")), centre)


@pytest.mark.parametrize(("who", "code"), QUEUE)
async def test_who_may_read_the_queue(network: Network, who: str, code: str) -> None:
    body = await network.run("concerns", "Concerns", _caller(network, who), centreId=HOME.id)

    assert body["data"] is None
    assert _codes(body) == [code]


@pytest.mark.parametrize("operation", ["AcknowledgeConcern", "ResolveConcern"])
@pytest.mark.parametrize(("who", "code"), MOVE)
async def test_who_may_move_a_concern(
    network: Network, operation: str, who: str, code: str
) -> None:
    concern_id = (await _report(network, groupId=GROUP.id))["concern"]["id"]

    body = await network.run("concerns", operation, _caller(network, who), id=concern_id)

    payload = next(iter(body["data"].values()))
    assert payload["concern"] is None
    assert payload["error"]["code"] == code


@pytest.mark.parametrize(("who", "code"), REPORT)
async def test_who_may_report(network: Network, who: str, code: str) -> None:
    body = await network.run(
        "concerns",
        "ReportConcern",
        _caller(network, who),
        input={"category": "SAFETY", "description": DESCRIPTION, "groupId": GROUP.id},
    )

    assert body["data"]["reportConcern"]["concern"] is None
    assert body["data"]["reportConcern"]["error"]["code"] == code


async def test_a_concern_left_untold_reaches_the_supervisors_from_the_served_worker(
    network: Network,
) -> None:
    # given a concern whose supervisors could not be told when it was reported (consent away)
    reported = await _report(network, groupId=GROUP.id)
    concern_id = reported["concern"]["id"]
    await Concern.filter(id=concern_id).update(supervisors_told_at=None)
    before = [line for line in _outbox(network) if line["kind"] == "concern_reported"]

    # when a served sessions process runs a round of its worker, with no new report
    round_ = rounds_for("sessions", network.peers["sessions"], network.keys)
    assert round_ is not None
    cleared = await round_()

    # then the supervisors are told again, and the concern is marked told
    after = [line for line in _outbox(network) if line["kind"] == "concern_reported"]
    assert cleared is True
    assert len(after) == len(before) + 1
    assert concern_id in after[-1]["message"]
    assert after[-1]["to"] == demo_staff_id(HOME.id, Role.SUPERVISOR)
    assert await Concern.filter(id=concern_id, supervisors_told_at=None).count() == 0
