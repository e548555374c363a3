"""The directory's queries through its ASGI app, on a real database."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from network.demo import description as demo
from network.demo.directory import seed_demo
from saathi.peers import Peers
from saathi.service.internal.contracts import AvailabilityRequest, GroupSeats, SeatsOfSession
from saathi.tokens import Role, TokenVerifier
from services.directory.app import create_app
from services.directory.domain import availability
from services.directory.domain.records import Point
from tests.services.directory.conftest import (
    Bearer,
    Gql,
    MakeCentre,
    MakeGroup,
    MakeSupporter,
    SessionsDouble,
    database_settings,
)

PUNE = {"lat": 18.52, "lng": 73.85}

NEARBY = """
query Nearby(
  $near: GeoPointInput!, $radiusKm: Float, $filter: GroupFilter, $first: Int, $after: String
) {
  nearbyGroups(near: $near, radiusKm: $radiusKm, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      distanceKm
      node {
        id name kind focus format languages
        centre { id name city }
        schedule { summary timezone }
      }
    }
  }
}
"""

GROUP = """
query Group($id: ID!) {
  group(id: $id) {
    id name description kind focus format languages audience accessibility capacity onlineJoinUrl
    address { line1 city postcode }
    location { lat lng }
    centre { id name city phone website }
    facilitator { id displayName trainedIn }
    schedule { rrule timezone durationMinutes startsOn summary }
  }
}
"""

CENTRES = """
query Centres($city: String, $first: Int, $after: String) {
  centres(city: $city, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name city location { lat lng } languages isPartner } }
  }
}
"""


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _ids(body: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in body["data"]["nearbyGroups"]["edges"]]


def _km(a: Point, b: Point) -> float:
    """Haversine written again, so the test does not trust the code it checks."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(b.lng - a.lng) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --- health and transport -----------------------------------------------------------------------


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "The request body is not JSON."),
        (b"[]", "Send a JSON object with a 'query' string."),
        (b'{"query": 1}', "Send a JSON object with a 'query' string."),
        (b'{"query": "{ __typename }", "variables": []}', "'variables' must be a JSON object."),
        (b'{"query": "{ __typename }", "operationName": 1}', "'operationName' must be a string."),
    ],
)
async def test_a_malformed_request_is_a_400_shaped_like_graphql(
    client: httpx.AsyncClient, content: bytes, message: str
) -> None:
    response = await client.post(
        "/graphql", content=content, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]
    }


async def test_a_syntax_error_is_a_400_parse_failure(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ centres {"})

    assert response.status_code == 400
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["GRAPHQL_PARSE_FAILED"]


async def test_an_invalid_document_is_a_400_validation_failure(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ centres { nope } }"})

    assert response.status_code == 400
    body = response.json()
    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert body["errors"][0]["message"] == "Cannot query field 'nope' on type 'CentreConnection'."


async def test_the_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"x-request-id": "req-42"}
    )

    assert response.headers["x-request-id"] == "req-42"
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_an_unexpected_failure_is_masked_with_the_request_id(
    client: httpx.AsyncClient,
) -> None:
    # No database fixture: the query fails inside tortoise, which the caller must not see.
    response = await client.post(
        "/graphql", json={"query": "{ centres { totalCount } }"}, headers={"x-request-id": "req-7"}
    )

    body = response.json()
    assert body["data"] is None
    assert body["errors"] == [
        {
            "message": "Internal server error",
            "locations": [{"line": 1, "column": 3}],
            "path": ["centres"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-7"},
        }
    ]


# --- crisis lines -------------------------------------------------------------------------------


async def test_crisis_resources_answer_without_a_database(gql: Gql) -> None:
    body = await gql(
        """query($city: String) {
          crisisResources(city: $city) { name phone hours languages description }
        }""",
        city="Nagpur",
    )

    resources = body["data"]["crisisResources"]
    assert [r["phone"] for r in resources] == ["14416", "112", "14446"]
    assert resources[0]["hours"] == "24 hours, every day"
    assert "hi" in resources[0]["languages"]


@pytest.mark.parametrize("authorization", ["Bearer garbage", "Bearer a.b.c", "Basic dXNlcg=="])
async def test_crisis_resources_answer_whatever_the_token(gql: Gql, authorization: str) -> None:
    body = await gql("{ crisisResources { phone } }", authorization)

    assert "errors" not in body
    assert [r["phone"] for r in body["data"]["crisisResources"]] == ["14416", "112", "14446"]


# --- centres ------------------------------------------------------------------------------------


async def test_centres_are_listed_by_name_and_paged(gql: Gql, make_centre: MakeCentre) -> None:
    made = [await make_centre(name=name) for name in ("Saathi C", "Saathi A", "Saathi B")]

    first = await gql(CENTRES, first=2)
    page = first["data"]["centres"]
    second = await gql(CENTRES, first=2, after=page["pageInfo"]["endCursor"])

    assert page["totalCount"] == 3
    assert [e["node"]["name"] for e in page["edges"]] == ["Saathi A", "Saathi B"]
    assert page["pageInfo"] == {"hasNextPage": True, "endCursor": page["edges"][1]["cursor"]}
    rest = second["data"]["centres"]
    assert [e["node"]["id"] for e in rest["edges"]] == [made[0].id]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["totalCount"] == 3


async def test_centres_of_a_city_in_any_case(gql: Gql, make_centre: MakeCentre) -> None:
    pune = await make_centre(city="Pune", name="Saathi Kothrud", is_partner=True)
    await make_centre(city="Delhi", name="Saathi Lajpat Nagar")

    body = await gql(CENTRES, city="pune")

    assert body["data"]["centres"]["totalCount"] == 1
    assert body["data"]["centres"]["edges"][0]["node"] == {
        "id": pune.id,
        "name": "Saathi Kothrud",
        "city": "Pune",
        "location": {"lat": 18.52, "lng": 73.85},
        "languages": ["mr", "en"],
        "isPartner": True,
    }


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 0}, "first must be between 1 and 50, got 0."),
        ({"first": 51}, "first must be between 1 and 50, got 51."),
        ({"after": "bogus"}, "after is not a cursor from this list."),
    ],
)
async def test_centres_refuse_bad_paging(
    gql: Gql, database: None, variables: dict[str, Any], message: str
) -> None:
    body = await gql(CENTRES, **variables)

    assert body["data"] is None
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == message


async def test_a_centre_by_id(gql: Gql, make_centre: MakeCentre) -> None:
    centre = await make_centre()

    body = await gql(
        "query($id: ID!) { centre(id: $id) { id address { line1 city postcode } phone website } }",
        id=centre.id,
    )

    assert body == {
        "data": {
            "centre": {
                "id": centre.id,
                "address": {"line1": "1 Test Road", "city": "Pune", "postcode": "411001"},
                "phone": "+91 20 0000 0000",
                "website": "https://saathi.example.org/centres/test",
            }
        }
    }


@pytest.mark.parametrize(
    ("field", "id_"),
    [
        ("centre", "ctr_00000000000000000000000000"),
        ("group", "grp_00000000000000000000000000"),
        ("group", "x"),
    ],
)
async def test_an_unknown_id_is_null_and_not_found(
    gql: Gql, database: None, field: str, id_: str
) -> None:
    body = await gql(f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}", id=id_)

    assert body["data"] == {field: None}
    assert _codes(body) == ["NOT_FOUND"]
    assert body["errors"][0]["path"] == [field]
    assert body["errors"][0]["message"] == f"No {field} has the id {id_!r}."


# --- a group ------------------------------------------------------------------------------------


async def test_group_detail(
    gql: Gql, make_centre: MakeCentre, make_supporter: MakeSupporter, make_group: MakeGroup
) -> None:
    centre = await make_centre()
    supporter = await make_supporter(centre, trained_in=("active listening", "boundaries"))
    group = await make_group(
        centre,
        facilitator_id=supporter.id,
        audience=("WOMEN", "NEWCOMERS"),
        accessibility=("WHEELCHAIR", "QUIET_SPACE"),
        location=Point(18.53, 73.86),
    )

    body = await gql(GROUP, id=group.id)

    assert body == {
        "data": {
            "group": {
                "id": group.id,
                "name": "Recovery Circle",
                "description": "A weekly circle for people in recovery.",
                "kind": "SUPPORT_GROUP",
                "focus": ["ADDICTION_RECOVERY"],
                "format": "IN_PERSON",
                "languages": ["mr", "en"],
                "audience": ["WOMEN", "NEWCOMERS"],
                "accessibility": ["WHEELCHAIR", "QUIET_SPACE"],
                "capacity": 12,
                "onlineJoinUrl": None,
                "address": {"line1": "1 Test Road", "city": "Pune", "postcode": "411001"},
                "location": {"lat": 18.53, "lng": 73.86},
                "centre": {
                    "id": centre.id,
                    "name": "Saathi Test",
                    "city": "Pune",
                    "phone": "+91 20 0000 0000",
                    "website": "https://saathi.example.org/centres/test",
                },
                "facilitator": {
                    "id": supporter.id,
                    "displayName": "Asha (Pune)",
                    "trainedIn": ["active listening", "boundaries"],
                },
                "schedule": {
                    "rrule": "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0",
                    "timezone": "Asia/Kolkata",
                    "durationMinutes": 90,
                    "startsOn": "2025-01-07",
                    "summary": "Every Tuesday, 6:00 pm to 7:30 pm",
                },
            }
        }
    }


async def test_an_online_group_has_no_place_and_no_facilitator_when_none_is_set(
    gql: Gql, make_group: MakeGroup, bearer: Bearer
) -> None:
    group = await make_group(
        format="ONLINE", location=None, online_join_url="https://meet.example.org/x"
    )

    body = await gql(GROUP, bearer(Role.FACILITATOR, group.centre_id), id=group.id)

    detail = body["data"]["group"]
    assert (detail["address"], detail["location"], detail["facilitator"]) == (None, None, None)
    assert detail["onlineJoinUrl"] == "https://meet.example.org/x"


# --- join links ---------------------------------------------------------------------------------

JOIN_URLS = """
query($near: GeoPointInput!) {
  nearbyGroups(near: $near, first: 50) { edges { node { id onlineJoinUrl } } }
}
"""


def _links(body: dict[str, Any]) -> dict[str, str | None]:
    edges = body["data"]["nearbyGroups"]["edges"]
    return {edge["node"]["id"]: edge["node"]["onlineJoinUrl"] for edge in edges}


async def test_a_join_link_is_shown_to_whom_it_is_for(
    gql: Gql,
    make_centre: MakeCentre,
    make_group: MakeGroup,
    bearer: Bearer,
    sessions: SessionsDouble,
) -> None:
    centre, other_centre = await make_centre(), await make_centre()
    group = await make_group(
        centre, format="ONLINE", location=None, online_join_url="https://meet.example.org/x"
    )
    sessions.booked = {"par_booked": {group.id}}

    seen = {
        who: (await gql(GROUP, authorization, id=group.id))["data"]["group"]["onlineJoinUrl"]
        for who, authorization in {
            "anonymous": None,
            "booked participant": bearer(Role.PARTICIPANT, subject="par_booked"),
            "other participant": bearer(Role.PARTICIPANT, subject="par_other"),
            "own staff": bearer(Role.FACILITATOR, centre.id),
            "other centre's staff": bearer(Role.CENTRE_ADMIN, other_centre.id),
            "own partner": bearer(Role.PARTNER, centre.id, subject="ptn_x"),
        }.items()
    }

    assert seen == {
        "anonymous": None,
        "booked participant": "https://meet.example.org/x",
        "other participant": None,
        "own staff": "https://meet.example.org/x",
        "other centre's staff": None,
        "own partner": None,
    }
    assert sorted(call["participantId"] for call in sessions.booked_calls) == [
        "par_booked",
        "par_other",
    ]


async def test_a_page_of_groups_asks_sessions_once_for_the_participants_bookings(
    gql: Gql,
    make_centre: MakeCentre,
    make_group: MakeGroup,
    bearer: Bearer,
    sessions: SessionsDouble,
) -> None:
    centre = await make_centre()
    online = [
        await make_group(centre, format="ONLINE", online_join_url=f"https://meet.example.org/{n}")
        for n in range(6)
    ]
    await make_group(centre)  # in person: nothing to ask
    sessions.booked = {"par_1": {online[2].id, online[4].id}}

    body = await gql(JOIN_URLS, bearer(Role.PARTICIPANT, subject="par_1"), near=PUNE)

    assert "errors" not in body, body
    shown = {id_: url for id_, url in _links(body).items() if url is not None}
    assert shown == {
        online[2].id: "https://meet.example.org/2",
        online[4].id: "https://meet.example.org/4",
    }
    assert len(sessions.booked_calls) == 1
    assert sorted(sessions.booked_calls[0]["groupIds"]) == sorted(g.id for g in online)


async def test_anonymous_and_staff_never_cost_a_call_to_sessions(
    gql: Gql,
    make_centre: MakeCentre,
    make_group: MakeGroup,
    bearer: Bearer,
    sessions: SessionsDouble,
) -> None:
    centre = await make_centre()
    await make_group(centre, format="ONLINE", online_join_url="https://meet.example.org/a")

    anonymous = await gql(JOIN_URLS, near=PUNE)
    staff = await gql(JOIN_URLS, bearer(Role.CENTRE_ADMIN, centre.id), near=PUNE)

    assert set(_links(anonymous).values()) == {None}
    assert set(_links(staff).values()) == {"https://meet.example.org/a"}
    assert sessions.booked_calls == []


async def test_when_sessions_cannot_say_the_link_stays_hidden_with_an_error(
    gql: Gql, make_group: MakeGroup, bearer: Bearer, sessions: SessionsDouble
) -> None:
    group = await make_group(format="ONLINE", online_join_url="https://meet.example.org/a")
    sessions.fail = True

    body = await gql(GROUP, bearer(Role.PARTICIPANT, subject="par_1"), id=group.id)

    assert body["data"]["group"]["onlineJoinUrl"] is None
    assert body["data"]["group"]["name"] == group.name
    assert _codes(body) == ["SUBGRAPH_UNAVAILABLE"]
    assert body["errors"][0]["path"] == ["group", "onlineJoinUrl"]


# --- nearby groups ------------------------------------------------------------------------------


async def test_nearby_groups_near_pune_on_the_demo_network(gql: Gql, database: None) -> None:
    await seed_demo()
    centres = {c.id: c for c in demo.CENTRES}

    def anchor(g: demo.DemoGroup) -> Point:
        centre = centres[g.centre_id]
        return (
            Point(centre.lat, centre.lng) if g.lat is None or g.lng is None else Point(g.lat, g.lng)
        )

    pune = [g for g in demo.GROUPS if centres[g.centre_id].city == "Pune"]
    expected = sorted((round(_km(Point(18.52, 73.85), anchor(g)), 3), g.id) for g in pune)

    body = await gql(NEARBY, near=PUNE, radiusKm=25, first=50)

    assert "errors" not in body
    connection = body["data"]["nearbyGroups"]
    assert connection["totalCount"] == 10
    assert connection["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": connection["edges"][-1]["cursor"],
    }
    assert [e["node"]["id"] for e in connection["edges"]] == [id_ for _, id_ in expected]
    assert [e["distanceKm"] for e in connection["edges"]] == pytest.approx(
        [d for d, _ in expected], abs=0.01
    )
    for edge in connection["edges"]:
        group = next(g for g in demo.GROUPS if g.id == edge["node"]["id"])
        assert edge["node"]["centre"] == {
            "id": group.centre_id,
            "name": centres[group.centre_id].name,
            "city": "Pune",
        }
        assert edge["node"]["schedule"]["timezone"] == "Asia/Kolkata"
    # The online group and the mentoring at the same centre tie; the id decides.
    assert expected[1][0] == expected[2][0]


async def test_nearby_distances_and_order(
    gql: Gql, make_centre: MakeCentre, make_group: MakeGroup
) -> None:
    centre = await make_centre(location=Point(18.52, 73.85))
    far = await make_group(centre, id="grp_C", location=Point(18.62, 73.85))
    tie_b = await make_group(centre, id="grp_B", location=Point(18.53, 73.85))
    tie_a = await make_group(centre, id="grp_A", location=Point(18.51, 73.85))
    online = await make_group(centre, id="grp_D", format="ONLINE", location=None)
    await make_group(centre, id="grp_E", location=Point(18.80, 73.85))  # 31 km: outside

    body = await gql(NEARBY, near=PUNE, radiusKm=25)

    edges = body["data"]["nearbyGroups"]["edges"]
    assert [e["node"]["id"] for e in edges] == [online.id, tie_a.id, tie_b.id, far.id]
    assert [e["distanceKm"] for e in edges] == pytest.approx([0.0, 1.11, 1.11, 11.12], abs=0.01)
    assert body["data"]["nearbyGroups"]["totalCount"] == 4


async def test_nearby_groups_page_by_cursor(
    gql: Gql, make_centre: MakeCentre, make_group: MakeGroup
) -> None:
    centre = await make_centre()
    for index in range(7):
        await make_group(centre, id=f"grp_{index}", location=Point(18.52 + index * 0.01, 73.85))

    pages, after = [], None
    while True:
        body = await gql(NEARBY, near=PUNE, first=3, after=after)
        connection = body["data"]["nearbyGroups"]
        pages.append([e["node"]["id"] for e in connection["edges"]])
        assert connection["totalCount"] == 7
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert pages == [["grp_0", "grp_1", "grp_2"], ["grp_3", "grp_4", "grp_5"], ["grp_6"]]


async def test_a_cursor_past_the_end_gives_an_empty_page(gql: Gql, make_group: MakeGroup) -> None:
    await make_group()
    last = (await gql(NEARBY, near=PUNE))["data"]["nearbyGroups"]["pageInfo"]["endCursor"]

    body = await gql(NEARBY, near=PUNE, after=last)

    assert body["data"]["nearbyGroups"] == {
        "totalCount": 1,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"near": {"lat": 91.0, "lng": 73.85}}, "near.lat must be between -90 and 90, got 91.0."),
        (
            {"near": {"lat": 18.52, "lng": -180.5}},
            "near.lng must be between -180 and 180, got -180.5.",
        ),
        ({"near": PUNE, "radiusKm": -1.0}, "radiusKm must be between 0 and 2000, got -1."),
        ({"near": PUNE, "radiusKm": 2000.5}, "radiusKm must be between 0 and 2000, got 2000.5."),
        ({"near": PUNE, "first": 0}, "first must be between 1 and 50, got 0."),
        ({"near": PUNE, "first": 51}, "first must be between 1 and 50, got 51."),
        ({"near": PUNE, "after": "WyJuZWFyYnkiXQ"}, "after is not a cursor from this list."),
        ({"near": PUNE, "after": "%%%"}, "after is not a cursor from this list."),
        (
            {"near": PUNE, "filter": {"startsWithinHours": -3}},
            "filter.startsWithinHours must be between 1 and 8760, got -3.",
        ),
    ],
)
async def test_nearby_groups_refuse_bad_input(
    gql: Gql, database: None, sessions: SessionsDouble, variables: dict[str, Any], message: str
) -> None:
    body = await gql(NEARBY, **variables)

    assert body["data"] is None
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == message
    assert sessions.calls == []


async def test_the_largest_radius_and_page_are_accepted(gql: Gql, database: None) -> None:
    await seed_demo()

    body = await gql(NEARBY, near=PUNE, radiusKm=2000, first=50)

    assert "errors" not in body
    assert body["data"]["nearbyGroups"]["totalCount"] == 35
    assert len(body["data"]["nearbyGroups"]["edges"]) == 35


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({}, ["grp_1", "grp_2", "grp_3", "grp_4"]),
        ({"kinds": ["MENTORING"]}, ["grp_2"]),
        ({"formats": ["ONLINE", "HYBRID"]}, ["grp_3", "grp_4"]),
        ({"focus": ["ANXIETY", "BIPOLAR"]}, ["grp_3"]),
        ({"audience": ["WOMEN"]}, ["grp_4"]),
        ({"languages": ["hi", "ta"]}, ["grp_3", "grp_4"]),
        ({"languages": []}, ["grp_1", "grp_2", "grp_3", "grp_4"]),
        ({"text": "MIND"}, ["grp_3"]),
        ({"text": "circle"}, ["grp_1", "grp_4"]),
        ({"kinds": ["SUPPORT_GROUP"], "languages": ["hi"], "text": "circle"}, ["grp_4"]),
        ({"kinds": ["COMMUNITY_PROGRAMME"]}, []),
    ],
)
async def test_nearby_filters(
    gql: Gql,
    make_centre: MakeCentre,
    make_group: MakeGroup,
    sessions: SessionsDouble,
    filter_: dict[str, Any],
    expected: list[str],
) -> None:
    centre = await make_centre()
    await make_group(centre, id="grp_1", name="Recovery Circle", languages=("mr",))
    await make_group(
        centre, id="grp_2", name="Mentoring", kind="MENTORING", description="One to one."
    )
    await make_group(
        centre,
        id="grp_3",
        name="Mind Matters",
        format="ONLINE",
        location=None,
        focus=("DEPRESSION", "ANXIETY"),
        languages=("hi", "en"),
        description="Online.",
    )
    await make_group(
        centre,
        id="grp_4",
        name="Women's circle",
        format="HYBRID",
        audience=("WOMEN",),
        languages=("hi",),
        description="Mood and stress.",
    )

    body = await gql(NEARBY, near=PUNE, filter=filter_)

    assert "errors" not in body
    assert sorted(_ids(body)) == expected
    assert body["data"]["nearbyGroups"]["totalCount"] == len(expected)
    assert sessions.calls == []


def _seats(group_id: str, version: int, *sessions: tuple[float, int]) -> GroupSeats:
    """A group's seats as sessions pushes them: (starts in hours, seats left) per session."""
    now = datetime.now(UTC)
    return GroupSeats(
        group_id=group_id,
        version=version,
        sessions=[
            SeatsOfSession(f"ses_{group_id}_{n}", now + timedelta(hours=hours), left)
            for n, (hours, left) in enumerate(sessions)
        ],
    )


async def test_seat_and_time_filters_answer_from_the_pushed_seats_without_a_call(
    gql: Gql, make_centre: MakeCentre, make_group: MakeGroup, sessions: SessionsDouble
) -> None:
    centre = await make_centre()
    for id_ in ("grp_1", "grp_2", "grp_3", "grp_4"):
        await make_group(centre, id=id_)
    await make_group(centre, id="grp_5", kind="MENTORING")
    applied = await availability.apply(
        AvailabilityRequest(
            groups=[
                _seats("grp_1", 1, (2, 3)),
                _seats("grp_2", 1, (2, 0)),
                _seats("grp_3", 1, (100, 5)),
                _seats("grp_4", 1),  # its only session was cancelled: sessions sends none
                _seats("grp_5", 1, (1, 1), (-1, 4)),  # one under way: not "coming"
            ]
        )
    )

    open_seats = await gql(NEARBY, near=PUNE, filter={"openSeatsOnly": True})
    soon = await gql(NEARBY, near=PUNE, filter={"startsWithinHours": 24})
    both = await gql(
        NEARBY,
        near=PUNE,
        filter={"startsWithinHours": 24, "openSeatsOnly": True, "kinds": ["SUPPORT_GROUP"]},
    )
    with_text = await gql(NEARBY, near=PUNE, filter={"openSeatsOnly": True, "text": "circle"})

    assert applied == 5
    assert sorted(_ids(open_seats)) == ["grp_1", "grp_3", "grp_5"]
    assert sorted(_ids(soon)) == ["grp_1", "grp_2", "grp_5"]
    assert _ids(both) == ["grp_1"]
    assert both["data"]["nearbyGroups"]["totalCount"] == 1
    assert sorted(_ids(with_text)) == sorted(_ids(open_seats))
    assert sessions.calls == []


async def test_an_older_push_arriving_late_is_ignored(
    gql: Gql, make_group: MakeGroup, sessions: SessionsDouble
) -> None:
    await make_group(id="grp_1")
    await availability.apply(AvailabilityRequest(groups=[_seats("grp_1", 2, (2, 0))]))
    late = await availability.apply(AvailabilityRequest(groups=[_seats("grp_1", 1, (2, 3))]))

    body = await gql(NEARBY, near=PUNE, filter={"openSeatsOnly": True})

    assert late == 0
    assert _ids(body) == []


async def test_seat_filters_answer_while_sessions_is_down(
    gql: Gql, make_group: MakeGroup, sessions: SessionsDouble
) -> None:
    await make_group(id="grp_1")
    await availability.apply(AvailabilityRequest(groups=[_seats("grp_1", 1, (2, 3))]))
    sessions.fail = True

    body = await gql(NEARBY, near=PUNE, filter={"openSeatsOnly": True, "startsWithinHours": 6})

    assert _ids(body) == ["grp_1"]
    assert sessions.calls == []


async def test_without_seat_or_time_filters_sessions_is_never_needed(
    make_group: MakeGroup, verifier: TokenVerifier
) -> None:
    group = await make_group()
    app = create_app(database_settings(), peers=Peers(), manage_database=False, verifier=verifier)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://d"
    ) as client:
        response = await client.post(
            "/graphql",
            json={"query": NEARBY, "variables": {"near": PUNE, "filter": {"openSeatsOnly": False}}},
        )

    assert [e["node"]["id"] for e in response.json()["data"]["nearbyGroups"]["edges"]] == [group.id]
