"""nearbyGroups narrows by a bounding box in SQL: measured against a brute-force scan of every
group in the same test, best of several timings, so that a noisy machine does not decide."""

from __future__ import annotations

from bench.nearby import compare, reference_nearby
from services.directory.synthetic import SyntheticPlan, seed_synthetic


async def test_the_bounding_box_query_beats_a_full_scan_by_three_times(database: None) -> None:
    plan = SyntheticPlan(groups=5_000, cities=10)
    await seed_synthetic(plan)
    pune = plan.city(7)[1]
    assert len(await reference_nearby(pune, 25.0, 20)) == 20

    app_time, reference_time = await compare(pune, rounds=5, repeat=2)

    assert reference_time / app_time >= 3.0, (app_time, reference_time)
