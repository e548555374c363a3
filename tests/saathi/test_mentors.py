"""Mentor matching through the gateway: certified supporters with a free mentoring session in
two weeks, ranked by language, focus, distance, and bookable; nothing private shown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from network.demo import description as demo
from network.demo.consent import demo_staff_id
from saathi.tokens import Role
from services.directory.repository import practice
from tests.conftest import operation
from tests.saathi.conftest import PUNE, Network

MENTORING = [g for g in demo.GROUPS if g.kind == "MENTORING"]
CHENNAI = next(g for g in MENTORING if "ta" in g.languages)


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _participant(network: Network) -> str:
    return network.token(demo.PARTICIPANTS[0].id, Role.PARTICIPANT)


async def _suggest(
    network: Network,
    token: str | None = None,
    first: int | None = None,
    after: str | None = None,
    **preferences: Any,
) -> Any:
    return await network.run(
        "mentors",
        "SuggestMentors",
        token if token is not None else _participant(network),
        preferences=preferences,
        first=first,
        after=after,
    )


def _nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in body["data"]["suggestMentors"]["edges"]]


async def test_mentors_are_ranked_by_shared_language_with_reasons_and_a_free_session(
    network: Network,
) -> None:
    body = await _suggest(network, languages=["ta"], focus=["DUAL_DIAGNOSIS"], first=3)

    suggestions = _nodes(body)
    assert len(suggestions) == 3
    first = suggestions[0]
    assert first["group"]["id"] == CHENNAI.id
    assert first["mentor"]["id"] == CHENNAI.facilitator_id
    assert first["reasons"][:2] == ["speaks ta", "mentors on dual diagnosis"]
    assert all("speaks" not in " ".join(s["reasons"]) for s in suggestions[1:])
    now = datetime.now(UTC)
    for suggestion in suggestions:
        starts = datetime.fromisoformat(suggestion["freeSession"]["startsAt"])
        assert now < starts <= now + timedelta(days=14)
        assert "crisis management" in suggestion["mentor"]["trainedIn"]


async def test_near_pune_the_nearest_mentor_comes_first_and_can_be_booked(
    network: Network,
) -> None:
    body = await _suggest(network, languages=["mr"], near=PUNE)
    first = _nodes(body)[0]

    booked = await network.run(
        "mobile",
        "BookSession",
        _participant(network),
        sessionId=first["freeSession"]["id"],
        idempotencyKey="mentor-1",
    )

    assert first["group"]["centre"]["city"] == "Pune"
    distances = [s["distanceKm"] for s in _nodes(body) if "mr" in s["reasons"][0]]
    assert distances == sorted(distances)
    assert booked["data"]["bookSession"]["error"] is None
    assert booked["data"]["bookSession"]["booking"]["status"] == "CONFIRMED"


async def test_suggestions_are_a_connection_that_pages_through_the_ranking(
    network: Network,
) -> None:
    whole = await _suggest(network, languages=["mr"], near=PUNE, first=20)
    ranking = [s["mentor"]["id"] for s in _nodes(whole)]
    paged: list[str] = []
    after = None
    for _ in range(len(ranking)):
        page = (await _suggest(network, languages=["mr"], near=PUNE, first=2, after=after))["data"][
            "suggestMentors"
        ]
        assert page["totalCount"] == len(ranking)
        paged += [e["node"]["mentor"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    default = await _suggest(network, languages=["mr"], near=PUNE)
    too_many = await _suggest(network, first=21)
    forged = await _suggest(network, after="WyJjZW50cmUiLCJhIiwiYiJd")

    assert len(ranking) == len(MENTORING) == whole["data"]["suggestMentors"]["totalCount"]
    assert paged == ranking
    assert [s["mentor"]["id"] for s in _nodes(default)] == ranking[:5]
    assert _codes(too_many) == ["BAD_USER_INPUT"]
    assert _codes(forged) == ["BAD_USER_INPUT"]


async def test_a_supporter_whose_certification_lapsed_is_not_suggested(network: Network) -> None:
    profile = (await practice.profiles([CHENNAI.facilitator_id or ""]))[
        CHENNAI.facilitator_id or ""
    ]
    await practice.save_profile(
        profile.supporter_id, profile.centre_id, certified=(date(2024, 1, 1), date(2025, 1, 1))
    )

    body = await _suggest(network, languages=["ta"], first=20)

    ids = [s["mentor"]["id"] for s in _nodes(body)]
    assert CHENNAI.facilitator_id not in ids
    assert len(ids) == len(MENTORING) - 1


async def test_a_mentor_shows_nothing_but_name_languages_training_and_statement(
    network: Network,
) -> None:
    response = await network.client.post(
        "/graphql", json={"query": '{ __type(name: "Mentor") { fields { name } } }'}
    )

    fields = {f["name"] for f in response.json()["data"]["__type"]["fields"]}
    assert fields == {"id", "displayName", "languages", "trainedIn", "livedExperience"}


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", "UNAUTHENTICATED"), ("facilitator", "FORBIDDEN"), ("centre_admin", "FORBIDDEN")],
)
async def test_only_a_signed_in_participant_gets_suggestions(
    network: Network, who: str, code: str
) -> None:
    centre = demo.CENTRES[0]
    token = (
        None
        if who == "anonymous"
        else network.token(demo_staff_id(centre.id, Role(who)), Role(who), centre.id)
    )
    response = await network.client.post(
        "/graphql",
        json={"query": operation("mentors", "SuggestMentors"), "variables": {"preferences": {}}},
        headers={"authorization": f"Bearer {token}"} if token else {},
    )

    assert _codes(response.json()) == [code]


async def test_preferences_out_of_range_are_refused(network: Network) -> None:
    body = await _suggest(network, first=100)

    assert _codes(body) == ["BAD_USER_INPUT"]
