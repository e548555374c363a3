"""Federation entities: ``_entities`` resolves in batches, and list fields cost no N+1."""

from __future__ import annotations

from typing import Any

from services.directory.domain import community
from services.directory.domain.records import PartnerKind, Point, ProgrammeRecord
from tests.services.directory.conftest import (
    Gql,
    MakeCentre,
    MakeGroup,
    MakeSupporter,
    StatementLog,
)

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Centre { id city }
    ... on PeerSupporter { id displayName }
    ... on PeerGroup { id name }
  }
}
"""

ENTITIES_DEEP = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on PeerGroup { id centre { id name } facilitator { id displayName } }
  }
}
"""

NEARBY = """
query($near: GeoPointInput!) {
  nearbyGroups(near: $near, first: 20) {
    totalCount
    edges { distanceKm node { id centre { id name } facilitator { id displayName } } }
  }
}
"""


def _rep(typename: str, id_: str) -> dict[str, Any]:
    return {"__typename": typename, "id": id_}


async def test_entities_are_resolved_in_order_with_one_query_per_type(
    gql: Gql,
    make_centre: MakeCentre,
    make_supporter: MakeSupporter,
    make_group: MakeGroup,
    sql: StatementLog,
) -> None:
    centres = [await make_centre(city=f"City {i}") for i in range(5)]
    supporters = [await make_supporter(centres[i], display_name=f"Peer {i}") for i in range(5)]
    groups = [await make_group(centres[i % 5], name=f"Group {i}") for i in range(30)]
    representations = [
        *(_rep("PeerGroup", g.id) for g in groups),
        _rep("PeerGroup", "grp_00000000000000000000000000"),
        *(_rep("Centre", c.id) for c in reversed(centres)),
        *(_rep("PeerSupporter", s.id) for s in supporters),
        _rep("PeerGroup", groups[0].id),
    ]
    sql.clear()

    body = await gql(ENTITIES, representations=representations)

    assert "errors" not in body
    entities = body["data"]["_entities"]
    assert entities == [
        *({"__typename": "PeerGroup", "id": g.id, "name": g.name} for g in groups),
        None,
        *({"__typename": "Centre", "id": c.id, "city": c.city} for c in reversed(centres)),
        *(
            {"__typename": "PeerSupporter", "id": s.id, "displayName": s.display_name}
            for s in supporters
        ),
        {"__typename": "PeerGroup", "id": groups[0].id, "name": groups[0].name},
    ]
    assert len(sql.statements) == 3
    assert sorted(s.split(" FROM ")[1].split()[0].strip('"`') for s in sql.statements) == [
        "directory_centre",
        "directory_peer_group",
        "directory_peer_supporter",
    ]


async def test_entity_groups_load_their_centres_and_facilitators_in_one_query_each(
    gql: Gql,
    make_centre: MakeCentre,
    make_supporter: MakeSupporter,
    make_group: MakeGroup,
    sql: StatementLog,
) -> None:
    centres = [await make_centre(name=f"Centre {i}") for i in range(4)]
    supporters = [await make_supporter(c) for c in centres]
    groups = [
        await make_group(centres[i % 4], facilitator_id=supporters[i % 4].id) for i in range(40)
    ]
    sql.clear()

    body = await gql(ENTITIES_DEEP, representations=[_rep("PeerGroup", g.id) for g in groups])

    assert "errors" not in body
    assert [e["centre"]["id"] for e in body["data"]["_entities"]] == [g.centre_id for g in groups]
    assert [e["facilitator"]["id"] for e in body["data"]["_entities"]] == [
        g.facilitator_id for g in groups
    ]
    assert len(sql.statements) == 3


async def test_a_page_of_twenty_nearby_groups_costs_three_statements(
    gql: Gql,
    make_centre: MakeCentre,
    make_supporter: MakeSupporter,
    make_group: MakeGroup,
    sql: StatementLog,
) -> None:
    centres = [await make_centre(name=f"Centre {i}") for i in range(10)]
    supporters = [await make_supporter(c) for c in centres]
    for i in range(60):
        await make_group(
            centres[i % 10],
            facilitator_id=supporters[i % 10].id if i % 3 else None,
            location=Point(18.52 + i * 0.001, 73.85),
        )
    sql.clear()

    body = await gql(NEARBY, near={"lat": 18.52, "lng": 73.85})

    assert "errors" not in body
    assert body["data"]["nearbyGroups"]["totalCount"] == 60
    assert len(body["data"]["nearbyGroups"]["edges"]) == 20
    assert all(
        e["node"]["centre"]["name"].startswith("Centre")
        for e in body["data"]["nearbyGroups"]["edges"]
    )
    # the page with its count (residents-only groups left out in the same statement), their
    # centres, their facilitators: one statement each.
    assert len(sql.statements) == 3


NEARBY_PROGRAMMES = """
query($near: GeoPointInput!) {
  nearbyGroups(near: $near, first: 30) {
    edges { node { id programme { id partnerOrganisation centre { id } } } }
  }
}
"""


async def test_the_programmes_of_a_page_of_groups_cost_two_statements_and_a_lookup(
    gql: Gql, make_centre: MakeCentre, make_group: MakeGroup, sql: StatementLog
) -> None:
    # given 30 community-programme groups in 6 programmes of 3 centres
    centres = [await make_centre(name=f"Centre {i}") for i in range(3)]
    groups = [
        await make_group(
            centres[i % 3], kind="COMMUNITY_PROGRAMME", location=Point(18.52 + i * 0.001, 73.85)
        )
        for i in range(30)
    ]
    for p in range(6):
        members = tuple(g.id for g in groups[p::6])
        await community.save_programme(
            ProgrammeRecord(
                f"prg_{p:026d}",
                groups[p].centre_id,
                f"Programme {p}",
                "",
                f"Partner {p}",
                PartnerKind.SCHOOL,
                ("YOUTH",),
                members,
            )
        )
    sql.clear()

    # when one page of nearby groups asks each group's programme
    body = await gql(NEARBY_PROGRAMMES, near={"lat": 18.52, "lng": 73.85})

    # then every group has its programme, and the programmes cost three statements however
    # many groups there are: which group is in which programme, the programmes, their groups
    assert "errors" not in body
    edges = body["data"]["nearbyGroups"]["edges"]
    assert len(edges) == 30
    expected = {g.id: f"prg_{i % 6:026d}" for i, g in enumerate(groups)}
    assert {e["node"]["id"]: e["node"]["programme"]["id"] for e in edges} == expected
    tables = sorted(s.split(" FROM ")[1].split()[0].strip('"`') for s in sql.statements)
    assert tables.count("directory_programme_group") == 2
    assert tables.count("directory_programme") == 1
    # the page with its count, the programmes' centres, and the three above
    assert len(sql.statements) == 5
