"""The synthetic directory: deterministic, sized as asked, and adding nothing the second time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from bench.nearby import FIRST, RADIUS_KM, app_client, app_nearby, reference_nearby
from network.cli import app
from services.directory import repository
from services.directory.domain import geometry
from services.directory.domain.synthetic import SyntheticPlan, seed_synthetic


async def test_seeding_writes_groups_centres_and_supporters_to_match(database: None) -> None:
    plan = SyntheticPlan(groups=260, cities=4)
    chunks: list[int] = []

    added = await seed_synthetic(plan, chunk_size=100, progress=chunks.append)

    assert added == {"centres": 11, "supporters": 22, "groups": 260}
    assert await repository.count_rows() == added
    assert chunks == [100, 100, 60]
    cities = {c.city for c in await repository.all_centres()}
    assert cities == {"Mumbai", "Delhi", "Bengaluru", "Hyderabad"}


async def test_groups_lie_near_their_centre(database: None) -> None:
    await seed_synthetic(SyntheticPlan(groups=200, cities=3))
    centres = {c.id: c for c in await repository.all_centres()}

    groups = await repository.all_groups()

    assert len(groups) == 200
    for group in groups:
        centre_point = centres[group.centre_id].location
        assert centre_point is not None
        assert geometry.haversine_km(group.anchor, centre_point) <= 12.01


async def test_the_spatial_index_built_at_the_end_of_a_seed_answers_exactly(
    database: None,
) -> None:
    # The seed builds the spatial index once, at the end (bulk_load): every search after it,
    # and after a second seed that adds to it, must equal a brute-force scan.
    for groups in (600, 900):
        await seed_synthetic(SyntheticPlan(groups=groups, cities=3), chunk_size=250)
        async with app_client() as client:
            for city in range(3):
                near = SyntheticPlan(groups=groups, cities=3).city(city)[1]
                expected = await reference_nearby(near, RADIUS_KM, FIRST)
                assert expected
                assert await app_nearby(client, near) == expected


async def test_seeding_again_with_the_same_parameters_adds_nothing(database: None) -> None:
    plan = SyntheticPlan(groups=150, cities=2)
    await seed_synthetic(plan)
    before = await repository.all_groups()

    added = await seed_synthetic(plan)

    assert added == {"centres": 0, "supporters": 0, "groups": 0}
    assert await repository.all_groups() == before


def test_the_command_seeds_and_reports(tmp_path: Path) -> None:
    runner = CliRunner()
    arguments = [
        "seed",
        "--synthetic",
        "--groups",
        "60",
        "--cities",
        "2",
        "--data-dir",
        str(tmp_path),
    ]

    first = runner.invoke(app, arguments)
    second = runner.invoke(app, arguments)

    assert first.exit_code == 0, first.output
    assert "added 3 centres, 6 supporters, 60 groups" in first.output
    assert "added 0 centres, 0 supporters, 0 groups" in second.output


def test_the_command_materialises_each_synthetic_groups_sessions(tmp_path: Path) -> None:
    arguments = ["seed", "--synthetic", "--groups", "40", "--cities", "2"]
    arguments += ["--data-dir", str(tmp_path)]

    first = CliRunner().invoke(app, arguments)
    second = CliRunner().invoke(app, arguments)

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "materialised 200 sessions" in first.output  # weekly rules, five weeks ahead
    with sqlite3.connect(tmp_path / "sessions.sqlite3") as db:
        series = db.execute("SELECT count(*), count(DISTINCT group_id) FROM sessions_series")
        assert series.fetchone() == (40, 40)
        per_group = db.execute(
            "SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM sessions_session "
            "WHERE status = 'SCHEDULED' GROUP BY group_id)"
        )
        assert per_group.fetchone() == (5, 5)
    with sqlite3.connect(tmp_path / "directory.sqlite3") as db:
        groups = {row[0] for row in db.execute("SELECT id FROM directory_peer_group")}
    with sqlite3.connect(tmp_path / "sessions.sqlite3") as db:
        timetabled = {row[0] for row in db.execute("SELECT group_id FROM sessions_series")}
    assert timetabled == groups
