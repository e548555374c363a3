"""Seeding the directory's part of the demo network, idempotently."""

from __future__ import annotations

from network.demo import description as demo
from network.demo.directory import seed_demo
from services.directory import repository
from services.directory.domain.records import Point
from tests.services.directory.conftest import StatementLog


async def _everything() -> tuple[object, ...]:
    return (
        await repository.centres_by_ids([c.id for c in demo.CENTRES]),
        await repository.supporters_by_ids([s.id for s in demo.SUPPORTERS]),
        await repository.groups_by_ids([g.id for g in demo.GROUPS]),
    )


async def test_seeding_writes_the_demo_directory(database: None) -> None:
    await seed_demo()

    assert await repository.count_rows() == {"centres": 7, "supporters": 21, "groups": 35}
    centres, supporters, groups = await _everything()
    assert set(centres) == {c.id for c in demo.CENTRES}  # type: ignore[call-overload]
    assert set(supporters) == {s.id for s in demo.SUPPORTERS}  # type: ignore[call-overload]
    assert set(groups) == {g.id for g in demo.GROUPS}  # type: ignore[call-overload]


async def test_seeding_twice_changes_nothing(database: None, sql: StatementLog) -> None:
    await seed_demo()
    before = await _everything()
    sql.clear()

    await seed_demo()

    assert await _everything() == before
    assert await repository.count_rows() == {"centres": 7, "supporters": 21, "groups": 35}
    assert [s for s in sql.statements if s.lstrip().upper().startswith("INSERT")] == []


async def test_a_seeded_online_group_is_anchored_at_its_centre(database: None) -> None:
    await seed_demo()
    online = next(g for g in demo.GROUPS if g.format == "ONLINE")
    centre = next(c for c in demo.CENTRES if c.id == online.centre_id)

    group = (await repository.groups_by_ids([online.id]))[online.id]

    assert group.location is None
    assert group.address is None
    assert group.anchor == Point(centre.lat, centre.lng)
    assert group.online_join_url == online.online_join_url


async def test_a_seeded_in_person_group_keeps_its_place(database: None) -> None:
    await seed_demo()
    circle = demo.GROUPS[0]
    centre = next(c for c in demo.CENTRES if c.id == circle.centre_id)

    group = (await repository.groups_by_ids([circle.id]))[circle.id]

    assert group.location == group.anchor == Point(circle.lat, circle.lng)  # type: ignore[arg-type]
    assert group.address is not None
    assert (group.address.line1, group.address.city, group.address.postcode) == (
        centre.line1,
        centre.city,
        centre.postcode,
    )
    assert group.schedule.rrule == circle.rrule
    assert group.facilitator_id == circle.facilitator_id
    assert group.languages == circle.languages
