"""Nearby search through the spatial index gives exactly what a brute-force scan gives: the same
groups, distances, order, totals and pages, on random data (run it on SQLite and PostgreSQL).

The data has what breaks approximations: groups at the same spot (equal distances, ranked by
id), groups a metre apart (equal shown distances, unequal exact ones), groups just inside and
just outside the radius, and groups on both sides of the antimeridian.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from saathi.database import close_databases, open_databases
from saathi.errors import BadUserInput
from saathi.ids import new_id, stable_id
from saathi.peers import Peers
from saathi.service import connections
from saathi.settings import Settings
from services.directory import repository
from services.directory.domain import geometry, nearby
from services.directory.domain.records import Address, Centre, Group, Point, Schedule
from tests.database import TEST_DATABASE_URL

KINDS = ("SUPPORT_GROUP", "MENTORING", "COMMUNITY_PROGRAMME")
FORMATS = ("IN_PERSON", "ONLINE", "HYBRID")
FOCUS = ("ADDICTION_RECOVERY", "DEPRESSION", "ANXIETY")
PLACES = (Point(18.52, 73.85), Point(28.61, 77.21), Point(-16.5, 179.9), Point(-16.5, -179.95))


def a_centre(index: int) -> Centre:
    return Centre(
        id=stable_id("ctr", f"exact:{index}"),
        name=f"Centre {index}",
        city="Pune",
        address=Address("1 Road", "Pune", "411001"),
        location=PLACES[index % len(PLACES)],
        phone=None,
        website=None,
        languages=("en",),
        is_partner=False,
    )


def a_group(rng: random.Random, centre: Centre, anchor: Point) -> Group:
    return Group(
        id=new_id("grp"),
        centre_id=centre.id,
        facilitator_id=None,
        name="Circle",
        description="",
        kind=rng.choice(KINDS),
        format=rng.choice(FORMATS),
        focus=(rng.choice(FOCUS),),
        languages=("en",),
        audience=("EVERYONE",),
        accessibility=(),
        capacity=10,
        schedule=Schedule("FREQ=WEEKLY;BYDAY=TU", "Asia/Kolkata", 60, date(2025, 1, 7)),
        online_join_url=None,
        address=None,
        location=anchor,
        anchor=anchor,
    )


def random_groups(rng: random.Random, centres: list[Centre], count: int) -> list[Group]:
    groups: list[Group] = []
    for _ in range(count):
        centre = rng.choice(centres)
        assert centre.location is not None
        roll = rng.random()
        if roll < 0.15 and groups:  # the very same spot as another group
            anchor = rng.choice(groups).anchor
        elif roll < 0.25 and groups:  # a few metres from another group
            other = rng.choice(groups).anchor
            anchor = Point(other.lat + rng.uniform(-2e-5, 2e-5), other.lng)
        else:
            anchor = Point(
                centre.location.lat + rng.uniform(-0.15, 0.15),
                centre.location.lng + rng.uniform(-0.15, 0.15),
            )
        if not -180.0 <= anchor.lng <= 180.0:
            anchor = replace(anchor, lng=anchor.lng - 360.0 * (1 if anchor.lng > 0 else -1))
        groups.append(a_group(rng, centre, anchor))
    return groups


def brute_force(groups: list[Group], search: nearby.NearbySearch) -> list[tuple[float, str]]:
    """Every group measured in Python, filtered, ranked by (shown distance, id)."""
    radius = geometry.check_radius(search.radius_km)
    ranked = []
    for group in groups:
        distance = round(geometry.haversine_km(search.near, group.anchor), 3)
        if distance <= radius and search.filter.matches(group):
            ranked.append((distance, group.id))
    return sorted(ranked)


async def every_page(
    search: nearby.NearbySearch,
) -> tuple[list[int | None], list[tuple[float, str]]]:
    """Walks the list by cursor: the totalCount of each page and every (distance, id)."""
    totals, seen, after = [], [], None
    while True:
        page = await nearby.nearby_groups(replace(search, after=after), Peers())
        totals.append(page.total_count)
        seen += [(edge.distance_km, edge.group.id) for edge in page.edges]
        if not page.has_next_page:
            return totals, seen
        after = page.end_cursor


@pytest.fixture
async def stored(database: None) -> list[Group]:
    rng = random.Random(20261129)
    centres = [a_centre(i) for i in range(8)]
    groups = random_groups(rng, centres, 1500)
    await repository.insert_missing(centres, [], groups)
    return groups


async def test_random_searches_equal_a_brute_force_scan_page_by_page(stored: list[Group]) -> None:
    rng = random.Random(7)
    for _ in range(40):
        place = rng.choice(PLACES)
        near = Point(place.lat + rng.uniform(-0.1, 0.1), place.lng + rng.uniform(-0.1, 0.1))
        if near.lng > 180.0:
            near = replace(near, lng=near.lng - 360.0)
        if near.lng < -180.0:
            near = replace(near, lng=near.lng + 360.0)
        search = nearby.NearbySearch(
            near, radius_km=rng.choice((0.5, 2.0, 5.0, 10.0, 12.345)), first=rng.randint(1, 50)
        )
        expected = brute_force(stored, search)

        totals, seen = await every_page(search)

        assert seen == expected
        assert set(totals) == {len(expected)}


async def test_searches_filtered_by_kind_and_by_focus_equal_a_brute_force_scan(
    stored: list[Group],
) -> None:
    for wanted in (
        nearby.GroupFilter(kinds=("MENTORING",)),
        nearby.GroupFilter(formats=("ONLINE", "HYBRID"), kinds=("SUPPORT_GROUP",)),
        nearby.GroupFilter(focus=("ANXIETY",)),
    ):
        search = nearby.NearbySearch(PLACES[0], radius_km=15.0, filter=wanted, first=7)
        expected = brute_force(stored, search)

        totals, seen = await every_page(search)

        assert len(expected) > 7
        assert seen == expected
        assert set(totals) == {len(expected)}


async def test_groups_at_one_spot_are_ranked_by_id_across_a_page_boundary(
    database: None,
) -> None:
    centre = a_centre(0)
    rng = random.Random(3)
    spot = Point(18.53, 73.86)
    groups = [a_group(rng, centre, spot) for _ in range(9)]
    groups += [a_group(rng, centre, Point(18.53 + n * 1e-6, 73.86)) for n in range(1, 6)]
    await repository.insert_missing([centre], [], groups)
    search = nearby.NearbySearch(PLACES[0], radius_km=5.0, first=4)

    totals, seen = await every_page(search)

    assert seen == brute_force(groups, search)
    assert len({distance for distance, _ in seen}) < len(seen)  # shown distances are shared
    assert totals == [14, 14, 14, 14]


async def test_a_cursor_that_is_not_a_number_is_the_callers_error(stored: list[Group]) -> None:
    cursor = connections.encode_cursor("nearby", float("nan"), "grp_x")

    with pytest.raises(BadUserInput):
        await nearby.nearby_groups(nearby.NearbySearch(PLACES[0], after=cursor), Peers())


async def test_a_group_moved_is_found_at_its_new_place_only(database: None) -> None:
    centre = a_centre(0)
    rng = random.Random(5)
    group = a_group(rng, centre, Point(18.52, 73.85))
    await repository.save_centre(centre)
    await repository.save_group(group)
    delhi_point = Point(28.61, 77.21)
    await repository.save_group(replace(group, location=delhi_point, anchor=delhi_point))

    pune = await nearby.nearby_groups(nearby.NearbySearch(Point(18.52, 73.85)), Peers())
    delhi = await nearby.nearby_groups(nearby.NearbySearch(Point(28.61, 77.21)), Peers())

    assert (pune.total_count, delhi.total_count) == (0, 1)
    assert delhi.edges[0].group.id == group.id


@pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="a SQLite data dir; tortoise takes one backend per process"
)
async def test_a_data_dir_without_the_index_gets_it_built_at_start(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    await open_databases(settings, ["directory"])
    centre = a_centre(0)
    group = a_group(random.Random(1), centre, Point(18.52, 73.85))
    await repository.insert_missing([centre], [], [group])
    await close_databases()
    with sqlite3.connect(tmp_path / "directory.sqlite3") as db:  # as an older version left it
        db.execute(f"DROP TABLE {repository.RTREE}")
        db.execute(f"DROP TABLE {repository.ANCHORS}")
        for trigger in ("insert", "update", "delete"):
            db.execute(f"DROP TRIGGER {repository.ANCHORS}_{trigger}")

    await open_databases(settings, ["directory"])
    try:
        page = await nearby.nearby_groups(nearby.NearbySearch(Point(18.52, 73.85)), Peers())
    finally:
        await close_databases()

    assert [edge.group.id for edge in page.edges] == [group.id]


async def test_the_page_reads_the_same_records_as_the_orm(database: None) -> None:
    """The nearby page converts plain rows by hand (``repository._group_from_row``): every
    field equals what the ORM reads, with and without an address, edited or not."""
    centre = a_centre(0)
    rng = random.Random(3)
    here = Point(18.52, 73.85)
    plain = a_group(rng, centre, here)
    online = replace(a_group(rng, centre, here), address=None, location=None, format="ONLINE")
    edited = replace(
        a_group(rng, centre, Point(18.53, 73.85)),
        languages=("hi", "mr"),
        accessibility=("WHEELCHAIR",),
        online_join_url="https://meet.example.org/x",
        source_ref="tsml:1",
        updated_at=datetime(2026, 1, 2, 3, 4, 5, 678900, tzinfo=UTC),
    )
    await repository.save_centre(centre)
    for group in (plain, online, edited):
        await repository.save_group(group)

    page = await nearby.nearby_groups(nearby.NearbySearch(here), Peers())
    stored = await repository.groups_by_ids([plain.id, online.id, edited.id])

    assert {edge.group.id for edge in page.edges} == set(stored)
    for edge in page.edges:
        assert edge.group == stored[edge.group.id]
