"""Peer supporters' training, certification and supervision, through the gateway: who may
facilitate, who needs attention, what is sealed, and who may do what (a table per operation)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import demo_staff_id
from saathi.tokens import Role
from services.directory.domain.attention_notices import tell_admins_weekly
from tests.saathi.conftest import Network

CENTRE = demo.CENTRES[0]
OTHER = demo.CENTRES[1]
TODAY = datetime.now(UTC).date()


def _every_file(data_dir: Path) -> list[tuple[Path, bytes]]:
    """Every file of the data dir (databases, their -wal and -shm, key stores) and its bytes."""
    return [(p, p.read_bytes()) for p in sorted(data_dir.rglob("*")) if p.is_file()]


def _nodes(body: dict[str, Any], field: str) -> list[dict[str, Any]]:
    return [edge["node"] for edge in body["data"][field]["edges"]]


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _caller(network: Network, who: str) -> str | None:
    """A token for ``who``: staff of ``CENTRE`` by role, or of ``OTHER``, or a participant."""
    if who == "anonymous":
        return None
    if who == "participant":
        return network.token(demo.PARTICIPANTS[0].id, Role.PARTICIPANT)
    centre = OTHER if who.startswith("other ") else CENTRE
    role = Role(who.removeprefix("other ").replace(" ", "_"))
    return network.token(demo_staff_id(centre.id, role), role, centre.id)


def _admin(network: Network, centre: demo.DemoCentre = CENTRE) -> str:
    return network.token(demo_staff_id(centre.id, Role.CENTRE_ADMIN), Role.CENTRE_ADMIN, centre.id)


def _supervisor(network: Network) -> str:
    return network.token(demo_staff_id(CENTRE.id, Role.SUPERVISOR), Role.SUPERVISOR, CENTRE.id)


async def _add(network: Network, name: str = "Kiran", statement: str | None = None) -> str:
    body = await network.run(
        "practice",
        "AddPeerSupporter",
        _admin(network),
        input={
            "centreId": CENTRE.id,
            "displayName": name,
            "languages": ["mr", "en"],
            "livedExperience": statement,
        },
    )
    payload = body["data"]["addPeerSupporter"]
    assert payload["error"] is None, payload
    return str(payload["supporter"]["supporter"]["id"])


async def _train(network: Network, supporter_id: str, *modules: str) -> None:
    for module in modules:
        body = await network.run(
            "practice",
            "RecordTraining",
            _admin(network),
            input={"supporterId": supporter_id, "module": module, "completedOn": "2025-06-01"},
        )
        assert body["data"]["recordTraining"]["error"] is None, body


async def _certify(network: Network, supporter_id: str, until: date) -> dict[str, Any]:
    body = await network.run(
        "practice",
        "CertifySupporter",
        _admin(network),
        input={"supporterId": supporter_id, "validUntil": until.isoformat()},
    )
    return dict(body["data"]["certifySupporter"])


def _group(facilitator_id: str, starts_on: date) -> dict[str, Any]:
    return {
        "centreId": CENTRE.id,
        "name": "Thursday sharing circle",
        "description": "A weekly circle for people in recovery.",
        "kind": "SUPPORT_GROUP",
        "focus": ["ADDICTION_RECOVERY"],
        "format": "IN_PERSON",
        "languages": ["mr", "en"],
        "audience": ["EVERYONE"],
        "accessibility": [],
        "capacity": 10,
        "schedule": {
            "rrule": "FREQ=WEEKLY;BYDAY=TH;BYHOUR=18;BYMINUTE=0",
            "timezone": "Asia/Kolkata",
            "startsOn": starts_on.isoformat(),
            "durationMinutes": 90,
        },
        "facilitatorId": facilitator_id,
        "address": {"line1": CENTRE.line1, "city": CENTRE.city, "postcode": CENTRE.postcode},
        "location": {"lat": CENTRE.lat, "lng": CENTRE.lng},
    }


# --- who may facilitate -------------------------------------------------------------------------


async def test_a_group_is_refused_for_an_uncertified_facilitator_until_they_are_certified(
    network: Network,
) -> None:
    supporter_id = await _add(network)
    await _train(network, supporter_id, "CRISIS_MANAGEMENT", "BOUNDARIES")

    refused = await network.run(
        "centre", "CreateGroup", _admin(network), input=_group(supporter_id, TODAY)
    )
    certified = await _certify(network, supporter_id, TODAY + timedelta(days=90))
    created = await network.run(
        "centre", "CreateGroup", _admin(network), input=_group(supporter_id, TODAY)
    )

    error = refused["data"]["createGroup"]["error"]
    assert refused["data"]["createGroup"]["group"] is None
    assert error["code"] == "BAD_USER_INPUT"
    assert error["message"] == (
        f"facilitatorId {supporter_id!r} cannot facilitate: Kiran is not certified on "
        f"{TODAY.isoformat()}, the date of the group's next session."
    )
    assert certified["error"] is None
    assert certified["supporter"]["certifiedOn"] == TODAY.isoformat()
    assert created["data"]["createGroup"]["error"] is None


async def test_a_group_starting_after_the_certification_ends_is_refused(network: Network) -> None:
    supporter_id = await _add(network)
    await _train(network, supporter_id, "CRISIS_MANAGEMENT", "BOUNDARIES")
    await _certify(network, supporter_id, TODAY + timedelta(days=10))
    later = TODAY + timedelta(days=11)

    body = await network.run(
        "centre", "CreateGroup", _admin(network), input=_group(supporter_id, later)
    )

    error = body["data"]["createGroup"]["error"]
    assert error["code"] == "BAD_USER_INPUT"
    assert f"is not certified on {later.isoformat()}" in error["message"]


async def test_update_group_refuses_an_uncertified_facilitator(network: Network) -> None:
    group = next(g for g in demo.GROUPS if g.centre_id == CENTRE.id)
    supporter_id = await _add(network)

    body = await network.run(
        "centre",
        "UpdateGroup",
        _admin(network),
        id=group.id,
        input={"facilitatorId": supporter_id},
    )

    assert body["data"]["updateGroup"]["group"] is None
    assert body["data"]["updateGroup"]["error"]["code"] == "BAD_USER_INPUT"
    assert "cannot facilitate" in body["data"]["updateGroup"]["error"]["message"]


async def test_certification_needs_crisis_management_and_boundaries(network: Network) -> None:
    supporter_id = await _add(network)
    await _train(network, supporter_id, "ACTIVE_LISTENING", "CRISIS_MANAGEMENT")

    refused = await _certify(network, supporter_id, TODAY + timedelta(days=90))

    assert refused["supporter"] is None
    assert refused["error"] == {
        "code": "BAD_USER_INPUT",
        "message": "Kiran cannot be certified before completing boundaries training.",
    }


async def test_training_shows_in_the_public_group_detail_and_nothing_else_private(
    network: Network,
) -> None:
    supporter_id = await _add(network, statement="I drank for twelve years.")
    await _train(network, supporter_id, "CRISIS_MANAGEMENT", "BOUNDARIES", "ACTIVE_LISTENING")
    await _certify(network, supporter_id, TODAY + timedelta(days=90))
    created = await network.run(
        "centre", "CreateGroup", _admin(network), input=_group(supporter_id, TODAY)
    )
    group_id = created["data"]["createGroup"]["group"]["id"]

    detail = await network.run("practice", "GroupPractice", id=group_id)
    fields = await network.client.post(
        "/graphql", json={"query": '{ __type(name: "PeerSupporter") { fields { name } } }'}
    )

    facilitator = detail["data"]["group"]["facilitator"]
    assert facilitator["trainedIn"] == ["crisis management", "boundaries", "active listening"]
    assert {f["name"] for f in fields.json()["data"]["__type"]["fields"]} == {
        "id",
        "displayName",
        "trainedIn",
    }
    assert detail["data"]["group"]["codeOfConduct"].startswith("We keep what is shared here")
    assert detail["data"]["group"]["centre"]["kind"] == "COMMUNITY"


# --- attention and supervision ------------------------------------------------------------------


async def test_supporters_needing_attention_give_their_reasons_and_supervision_clears_one(
    network: Network,
) -> None:
    supporter_id = await _add(network, "Ravi")
    await _train(network, supporter_id, "CRISIS_MANAGEMENT", "BOUNDARIES")
    ends = TODAY + timedelta(days=20)
    await _certify(network, supporter_id, ends)

    before = await network.run(
        "practice", "SupportersNeedingAttention", _supervisor(network), centreId=CENTRE.id
    )
    supervised = await network.run(
        "practice",
        "RecordSupervision",
        _supervisor(network),
        input={"supporterId": supporter_id, "heldOn": TODAY.isoformat(), "minutes": 45},
    )
    after = await network.run(
        "practice", "SupportersNeedingAttention", _admin(network), centreId=CENTRE.id
    )

    (row,) = [
        r
        for r in _nodes(before, "supportersNeedingAttention")
        if r["supporter"]["id"] == supporter_id
    ]
    assert row["reasons"] == ["CERTIFICATION_ENDING", "SUPERVISION_OVERDUE"]
    assert row["explanation"] == f"Certification ends on {ends.isoformat()}; never supervised."
    assert supervised["data"]["recordSupervision"]["error"] is None
    (row,) = [
        r
        for r in _nodes(after, "supportersNeedingAttention")
        if r["supporter"]["id"] == supporter_id
    ]
    assert row["reasons"] == ["CERTIFICATION_ENDING"]
    assert row["lastSupervisedOn"] == TODAY.isoformat()


@pytest.mark.parametrize("field", ["supporters", "supportersNeedingAttention"])
async def test_a_centres_supporters_are_a_connection_paged_by_name(
    network: Network, field: str
) -> None:
    for name in ("Zoya", "Aarti", "Meena"):
        await _add(network, name)  # never supervised: each needs attention too
    operation = "Supporters" if field == "supporters" else "SupportersNeedingAttention"

    async def page(first: int, after: str | None = None) -> dict[str, Any]:
        body = await network.run(
            "practice", operation, _admin(network), centreId=CENTRE.id, first=first, after=after
        )
        assert "errors" not in body, body
        connection: dict[str, Any] = body["data"][field]
        return connection

    whole = await page(50)
    names = [e["node"]["supporter"]["displayName"] for e in whole["edges"]]
    paged: list[str] = []
    after = None
    while True:
        part = await page(2, after)
        assert part["totalCount"] == len(names)
        paged += [e["node"]["supporter"]["displayName"] for e in part["edges"]]
        after = part["pageInfo"]["endCursor"]
        if not part["pageInfo"]["hasNextPage"]:
            break
    other_list = await network.run(
        "practice",
        "Supporters" if field != "supporters" else "SupportersNeedingAttention",
        _admin(network),
        centreId=CENTRE.id,
        first=1,
    )
    foreign = other_list["data"][
        "supporters" if field != "supporters" else "supportersNeedingAttention"
    ]["pageInfo"]["endCursor"]
    forged = await network.run(
        "practice", operation, _admin(network), centreId=CENTRE.id, after=foreign
    )

    assert {"Zoya", "Aarti", "Meena"} <= set(names)
    assert paged == names
    assert whole["totalCount"] == len(names)
    assert _codes(forged) == ["BAD_USER_INPUT"]  # a cursor of the other list is not this one's


async def test_a_centres_own_supervision_interval_decides_overdue(network: Network) -> None:
    supporter_id = await _add(network)
    held = TODAY - timedelta(days=10)
    await network.run(
        "practice",
        "RecordSupervision",
        _supervisor(network),
        input={"supporterId": supporter_id, "heldOn": held.isoformat(), "minutes": 30},
    )

    def reasons(body: dict[str, Any]) -> list[str]:
        rows = _nodes(body, "supportersNeedingAttention")
        return next((r["reasons"] for r in rows if r["supporter"]["id"] == supporter_id), [])

    default = await network.run(
        "practice", "SupportersNeedingAttention", _admin(network), centreId=CENTRE.id
    )
    changed = await network.run(
        "practice",
        "UpdateCentrePractice",
        _admin(network),
        centreId=CENTRE.id,
        input={"supervisionIntervalDays": 7},
    )
    weekly = await network.run(
        "practice", "SupportersNeedingAttention", _admin(network), centreId=CENTRE.id
    )

    assert reasons(default) == []
    assert changed["data"]["updateCentrePractice"]["practice"]["supervisionIntervalDays"] == 7
    assert reasons(weekly) == ["SUPERVISION_OVERDUE"]


async def test_statement_and_supervision_notes_are_sealed_and_shown_only_to_overseers(
    network: Network,
) -> None:
    statement, notes = "CANARY-STATEMENT-5b1e", "CANARY-NOTES-9c3a"
    supporter_id = await _add(network, statement=statement)
    await network.run(
        "practice",
        "RecordSupervision",
        _supervisor(network),
        input={
            "supporterId": supporter_id,
            "heldOn": TODAY.isoformat(),
            "minutes": 60,
            "notes": notes,
        },
    )

    read = await network.run("practice", "Supporters", _supervisor(network), centreId=CENTRE.id)
    by_facilitator = await network.run(
        "practice", "Supporters", _caller(network, "facilitator"), centreId=CENTRE.id
    )

    (record,) = [r for r in _nodes(read, "supporters") if r["supporter"]["id"] == supporter_id]
    assert record["livedExperience"] == statement
    assert [s["notes"] for s in record["supervisions"]] == [notes]
    assert record["supervisorId"] == demo_staff_id(CENTRE.id, Role.SUPERVISOR)
    assert _codes(by_facilitator) == ["FORBIDDEN"]
    for path, data in _every_file(network.settings.data_dir):
        assert statement.encode() not in data, path
        assert notes.encode() not in data, path


async def test_the_centres_admins_are_told_once_a_week(network: Network) -> None:
    # given the network's start, which told each centre's admins about its supporters (the demo
    # network's have never been supervised)
    admin = demo_staff_id(CENTRE.id, Role.CENTRE_ADMIN)

    def told() -> list[dict[str, Any]]:
        lines = network.settings.outbox_path.read_text().splitlines()
        entries = [json.loads(line) for line in lines]
        return [e for e in entries if e["kind"] == "supporters_need_attention"]

    at_start = [e["to"] for e in told()].count(admin)
    now = datetime.now(UTC)

    # when the round runs again this week, and then next week
    again = await tell_admins_weekly(network.peers["directory"], now)
    next_week = await tell_admins_weekly(network.peers["directory"], now + timedelta(days=7))

    # then the admins heard once a week, by staff id, and the notice names no supporter
    assert at_start == 1
    assert again == 0
    assert next_week == len(demo.CENTRES)
    assert [e["to"] for e in told()].count(admin) == 2
    assert {e["to"] for e in told()} == {
        demo_staff_id(c.id, Role.CENTRE_ADMIN) for c in demo.CENTRES
    }
    assert not any(s.id in json.dumps(told()) for s in demo.SUPPORTERS)


# --- who may do what ----------------------------------------------------------------------------

_ANYONE_BUT_STAFF = [("anonymous", "UNAUTHENTICATED"), ("participant", "FORBIDDEN")]
ADMIN_ONLY = [
    *_ANYONE_BUT_STAFF,
    ("facilitator", "FORBIDDEN"),
    ("supervisor", "FORBIDDEN"),
    ("other centre admin", "FORBIDDEN"),
]
SUPERVISOR_ONLY = [
    *_ANYONE_BUT_STAFF,
    ("facilitator", "FORBIDDEN"),
    ("centre admin", "FORBIDDEN"),
    ("other supervisor", "FORBIDDEN"),
]
OVERSEERS_ONLY = [
    *_ANYONE_BUT_STAFF,
    ("facilitator", "FORBIDDEN"),
    ("other centre admin", "FORBIDDEN"),
    ("other supervisor", "FORBIDDEN"),
]
SUPPORTER = demo.SUPPORTERS[0]


def _variables(operation: str) -> dict[str, Any]:
    variables: dict[str, dict[str, Any]] = {
        "AddPeerSupporter": {
            "input": {"centreId": CENTRE.id, "displayName": "Kiran", "languages": ["en"]}
        },
        "RecordTraining": {
            "input": {
                "supporterId": SUPPORTER.id,
                "module": "BOUNDARIES",
                "completedOn": "2025-01-01",
            }
        },
        "CertifySupporter": {"input": {"supporterId": SUPPORTER.id, "validUntil": "2027-01-01"}},
        "UpdateCentrePractice": {"centreId": CENTRE.id, "input": {"supervisionIntervalDays": 14}},
        "RecordSupervision": {
            "input": {"supporterId": SUPPORTER.id, "heldOn": "2025-01-01", "minutes": 30}
        },
        "Supporters": {"centreId": CENTRE.id},
        "SupportersNeedingAttention": {"centreId": CENTRE.id},
    }
    return variables[operation]


_FIELDS = {
    "AddPeerSupporter": "addPeerSupporter",
    "RecordTraining": "recordTraining",
    "CertifySupporter": "certifySupporter",
    "UpdateCentrePractice": "updateCentrePractice",
    "RecordSupervision": "recordSupervision",
}


@pytest.mark.parametrize(
    ("operation", "who", "code"),
    [
        *[
            (op, who, code)
            for op in ("AddPeerSupporter", "RecordTraining")
            for who, code in ADMIN_ONLY
        ],
        *[
            (op, who, code)
            for op in ("CertifySupporter", "UpdateCentrePractice")
            for who, code in ADMIN_ONLY
        ],
        *[("RecordSupervision", who, code) for who, code in SUPERVISOR_ONLY],
        *[
            (op, who, code)
            for op in ("Supporters", "SupportersNeedingAttention")
            for who, code in OVERSEERS_ONLY
        ],
    ],
)
async def test_who_may_do_what(network: Network, operation: str, who: str, code: str) -> None:
    SUPPORTER_CENTRE = CENTRE.id
    assert SUPPORTER.centre_id == SUPPORTER_CENTRE

    body = await network.run("practice", operation, _caller(network, who), **_variables(operation))

    if operation in _FIELDS:
        payload = body["data"][_FIELDS[operation]]
        assert payload["error"]["code"] == code
        assert len(payload) == 2
        assert next(v for k, v in payload.items() if k != "error") is None
    else:
        assert body["data"] is None
        assert _codes(body) == [code]


async def test_a_supporter_id_that_names_no_one_is_not_found(network: Network) -> None:
    body = await network.run(
        "practice",
        "RecordTraining",
        _admin(network),
        input={
            "supporterId": "sup_00000000000000000000000000",
            "module": "BOUNDARIES",
            "completedOn": "2025-01-01",
        },
    )

    assert body["data"]["recordTraining"]["error"] == {
        "code": "NOT_FOUND",
        "message": "No peer supporter has the id 'sup_00000000000000000000000000'.",
    }
