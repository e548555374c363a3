"""Community programmes, kinds of centre and navigation resources, through the gateway."""

from __future__ import annotations

from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import demo_staff_id
from saathi.tokens import Role
from tests.saathi.conftest import PUNE, Network

CENTRE = next(c for c in demo.CENTRES if c.city == "Pune")
OTHER = next(c for c in demo.CENTRES if c.city == "Delhi")


def _admin(network: Network, centre: demo.DemoCentre = CENTRE) -> str:
    return network.token(demo_staff_id(centre.id, Role.CENTRE_ADMIN), Role.CENTRE_ADMIN, centre.id)


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def _programme_group(network: Network, kind: str = "COMMUNITY_PROGRAMME") -> str:
    created = await network.run(
        "centre",
        "CreateGroup",
        _admin(network),
        input={
            "centreId": CENTRE.id,
            "name": "Stress and exams: a peer circle",
            "description": "For college students, run with the college's counselling cell.",
            "kind": kind,
            "focus": ["ANXIETY"],
            "format": "IN_PERSON",
            "languages": ["mr", "en"],
            "audience": ["YOUTH"],
            "accessibility": [],
            "capacity": 20,
            "schedule": {
                "rrule": "FREQ=WEEKLY;BYDAY=SA;BYHOUR=10;BYMINUTE=0",
                "timezone": "Asia/Kolkata",
                "startsOn": "2026-01-03",
                "durationMinutes": 60,
            },
            "address": {"line1": "Fergusson College Road", "city": "Pune", "postcode": "411004"},
            "location": {"lat": 18.5236, "lng": 73.8406},
        },
    )
    assert created["data"]["createGroup"]["error"] is None, created
    return str(created["data"]["createGroup"]["group"]["id"])


def _programme(group_ids: list[str]) -> dict[str, Any]:
    return {
        "centreId": CENTRE.id,
        "name": "Campus Saathi",
        "description": "Peer circles on campus.",
        "partnerOrganisation": "Fergusson College",
        "partnerKind": "COLLEGE",
        "audience": ["YOUTH"],
        "groupIds": group_ids,
    }


async def test_a_programme_with_a_partner_is_listed_and_its_groups_found_nearby(
    network: Network,
) -> None:
    group_id = await _programme_group(network)

    created = await network.run(
        "community", "CreateProgramme", _admin(network), input=_programme([group_id])
    )
    listed = await network.run("community", "Programmes", city="pune")
    nearby = await network.run("community", "NearbyProgrammes", near=PUNE)

    programme = created["data"]["createProgramme"]["programme"]
    assert created["data"]["createProgramme"]["error"] is None
    assert programme["partnerOrganisation"] == "Fergusson College"
    assert programme["groups"] == [{"id": group_id, "kind": "COMMUNITY_PROGRAMME"}]
    # (beside the demo's programmes of the two Pune centres)
    listed_ids = [e["node"]["id"] for e in listed["data"]["programmes"]["edges"]]
    assert programme["id"] in listed_ids
    assert len(listed_ids) == 3
    assert listed["data"]["programmes"]["totalCount"] == 3
    nodes = {e["node"]["id"]: e["node"] for e in nearby["data"]["nearbyGroups"]["edges"]}
    assert nodes[group_id]["programme"] == {
        "id": programme["id"],
        "partnerOrganisation": "Fergusson College",
    }
    assert {n["kind"] for n in nodes.values()} == {"COMMUNITY_PROGRAMME"}
    assert all(n["programme"] is not None for n in nodes.values())  # the demo's have partners
    assert nodes[group_id]["codeOfConduct"]


async def test_programmes_are_a_connection_paged_by_name(network: Network) -> None:
    # every demo centre runs a programme
    everything = await network.run("community", "Programmes", first=50)
    names = [e["node"]["name"] for e in everything["data"]["programmes"]["edges"]]
    pages: list[str] = []
    after = None
    for _ in range(len(names)):
        page = (await network.run("community", "Programmes", first=2, after=after))["data"][
            "programmes"
        ]
        pages += [e["node"]["name"] for e in page["edges"]]
        assert page["totalCount"] == len(names)
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    of_centre = await network.run("community", "Programmes", centreId=CENTRE.id, first=50)
    forged = await network.run("community", "Programmes", after="bm90LWEtY3Vyc29y")
    too_many = await network.run("community", "Programmes", first=51)

    assert len(names) == len(demo.CENTRES)
    assert names == sorted(names)
    assert pages == names
    assert len(of_centre["data"]["programmes"]["edges"]) == 1
    assert of_centre["data"]["programmes"]["totalCount"] == 1
    assert [e["extensions"]["code"] for e in forged["errors"]] == ["BAD_USER_INPUT"]
    assert [e["extensions"]["code"] for e in too_many["errors"]] == ["BAD_USER_INPUT"]


async def test_a_programme_is_made_of_the_centres_community_programme_groups(
    network: Network,
) -> None:
    support_group = await _programme_group(network, kind="SUPPORT_GROUP")
    elsewhere = next(g for g in demo.GROUPS if g.centre_id == OTHER.id)

    wrong_kind = await network.run(
        "community", "CreateProgramme", _admin(network), input=_programme([support_group])
    )
    not_ours = await network.run(
        "community", "CreateProgramme", _admin(network), input=_programme([elsewhere.id])
    )

    assert wrong_kind["data"]["createProgramme"]["error"] == {
        "code": "BAD_USER_INPUT",
        "message": f"groupIds: {support_group!r} is not a COMMUNITY_PROGRAMME group.",
    }
    assert not_ours["data"]["createProgramme"]["error"]["code"] == "BAD_USER_INPUT"


async def test_centres_can_be_filtered_by_kind(network: Network) -> None:
    changed = await network.run(
        "practice",
        "UpdateCentrePractice",
        _admin(network),
        centreId=CENTRE.id,
        input={"kind": "RESIDENTIAL"},
    )

    residential = await network.run("community", "CentresOfKind", kind="RESIDENTIAL")
    community = await network.run("community", "CentresOfKind", kind="COMMUNITY", city="Pune")
    every = await network.run("community", "CentresOfKind")

    assert changed["data"]["updateCentrePractice"]["practice"]["kind"] == "RESIDENTIAL"
    ids = [e["node"]["id"] for e in residential["data"]["centres"]["edges"]]
    assert CENTRE.id in ids
    assert {e["node"]["kind"] for e in residential["data"]["centres"]["edges"]} == {"RESIDENTIAL"}
    assert CENTRE.id not in [e["node"]["id"] for e in community["data"]["centres"]["edges"]]
    assert every["data"]["centres"]["totalCount"] >= len(demo.CENTRES)


async def test_navigation_resources_are_national_then_the_citys_by_language(
    network: Network,
) -> None:
    added = await network.run(
        "community",
        "AddNavigationResource",
        _admin(network),
        input={
            "centreId": CENTRE.id,
            "category": "LEGAL_AID",
            "name": "Pune District Legal Services Authority",
            "description": "Free legal aid clinic, Shivajinagar court, weekdays.",
            "phone": "+91 20 2553 0000",
            "languages": ["mr", "en"],
        },
    )

    in_pune = await network.run("community", "NavigationResources", city="Pune")
    marathi = await network.run("community", "NavigationResources", city="Pune", language="mr")
    in_delhi = await network.run("community", "NavigationResources", city="Delhi")
    helplines = await network.run(
        "community", "NavigationResources", category="DE_ADDICTION_HELPLINE"
    )

    assert added["data"]["addNavigationResource"]["error"] is None
    names = [r["name"] for r in in_pune["data"]["navigationResources"]]
    assert names[-1] == "Pune District Legal Services Authority"
    assert any("Mental Healthcare Act 2017" in n for n in names)
    assert [r["name"] for r in marathi["data"]["navigationResources"]] == [names[-1]]
    assert names[-1] not in [r["name"] for r in in_delhi["data"]["navigationResources"]]
    assert [r["phone"] for r in helplines["data"]["navigationResources"]] == ["14446"]


@pytest.mark.parametrize("operation", ["CreateProgramme", "AddNavigationResource"])
@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("participant", "FORBIDDEN"),
        ("facilitator", "FORBIDDEN"),
        ("supervisor", "FORBIDDEN"),
        ("other centre_admin", "FORBIDDEN"),
    ],
)
async def test_only_the_centres_admin_manages_its_programmes_and_resources(
    network: Network, operation: str, who: str, code: str
) -> None:
    if who == "anonymous":
        token = None
    elif who == "participant":
        token = network.token(demo.PARTICIPANTS[0].id, Role.PARTICIPANT)
    else:
        centre = OTHER if who.startswith("other ") else CENTRE
        role = Role(who.removeprefix("other "))
        token = network.token(demo_staff_id(centre.id, role), role, centre.id)
    given = (
        _programme([])
        if operation == "CreateProgramme"
        else {
            "centreId": CENTRE.id,
            "category": "OTHER",
            "name": "A resource",
            "description": "Something useful to know.",
        }
    )

    body = await network.run("community", operation, token, input=given)

    payload = next(iter(body["data"].values()))
    assert payload["error"]["code"] == code


async def test_a_residents_only_group_is_out_of_public_search_and_booked_only_by_residents(
    network: Network,
) -> None:
    group = next(g for g in demo.GROUPS if g.centre_id == CENTRE.id and g.format == "IN_PERSON")
    admin = _admin(network)
    refused = await network.run(
        "community", "SetResidentsOnly", admin, groupId=group.id, residentsOnly=True
    )
    await network.run(
        "practice",
        "UpdateCentrePractice",
        admin,
        centreId=CENTRE.id,
        input={"kind": "RESIDENTIAL"},
    )
    kept = await network.run(
        "community", "SetResidentsOnly", admin, groupId=group.id, residentsOnly=True
    )
    resident, visitor = demo.PARTICIPANTS[0], demo.PARTICIPANTS[1]
    admitted = await network.run(
        "community", "AdmitResident", admin, centreId=CENTRE.id, participantId=resident.id
    )
    detail = await network.run("mobile", "GroupDetail", id=group.id)
    session_id = detail["data"]["group"]["upcomingSessions"][0]["id"]

    nearby = await network.run("mobile", "NearbyGroups", near=PUNE, radiusKm=50, first=50)
    feed = (await network.client.get("/feeds/meetings.json")).json()
    by_visitor = await network.run(
        "mobile",
        "BookSession",
        network.token(visitor.id, Role.PARTICIPANT),
        sessionId=session_id,
        idempotencyKey="visitor",
    )
    by_resident = await network.run(
        "mobile",
        "BookSession",
        network.token(resident.id, Role.PARTICIPANT),
        sessionId=session_id,
        idempotencyKey="resident",
    )

    assert refused["data"]["setResidentsOnly"]["error"] == {
        "code": "BAD_USER_INPUT",
        "message": "Only a RESIDENTIAL centre keeps groups for its residents.",
    }
    assert kept["data"]["setResidentsOnly"] == {"residentsOnly": True, "error": None}
    assert admitted["data"]["admitResident"]["done"] is True
    ids = [e["node"]["id"] for e in nearby["data"]["nearbyGroups"]["edges"]]
    assert group.id not in ids
    assert len(ids) == nearby["data"]["nearbyGroups"]["totalCount"] > 0
    # nor in the public Meeting Guide feed, which lists the other groups
    slugs = {meeting["slug"].split("-")[0] for meeting in feed}
    assert group.id not in slugs
    assert slugs
    assert by_visitor["data"]["bookSession"]["error"] == {
        "code": "FORBIDDEN",
        "message": "This group is for the residents of its centre only.",
    }
    assert by_resident["data"]["bookSession"]["error"] is None


@pytest.mark.parametrize("operation", ["SetResidentsOnly", "AdmitResident"])
@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "UNAUTHENTICATED"),
        ("participant", "FORBIDDEN"),
        ("facilitator", "FORBIDDEN"),
        ("supervisor", "FORBIDDEN"),
        ("other centre_admin", "FORBIDDEN"),
    ],
)
async def test_only_the_centres_admin_keeps_groups_for_residents(
    network: Network, operation: str, who: str, code: str
) -> None:
    if who == "anonymous":
        token = None
    elif who == "participant":
        token = network.token(demo.PARTICIPANTS[0].id, Role.PARTICIPANT)
    else:
        centre = OTHER if who.startswith("other ") else CENTRE
        role = Role(who.removeprefix("other "))
        token = network.token(demo_staff_id(centre.id, role), role, centre.id)
    group = next(g for g in demo.GROUPS if g.centre_id == CENTRE.id)
    variables: dict[str, Any] = (
        {"groupId": group.id, "residentsOnly": True}
        if operation == "SetResidentsOnly"
        else {"centreId": CENTRE.id, "participantId": demo.PARTICIPANTS[0].id}
    )

    body = await network.run("community", operation, token, **variables)

    payload = next(iter(body["data"].values()))
    assert payload["error"]["code"] == code
