"""nearbyGroups answers from the spatial index: measured against a brute-force scan of every
group in the same test, best of several timings, so that a noisy machine does not decide. The
bound is generous (the full benchmark, bench/nearby.py, measures far more than this)."""

from __future__ import annotations

import pytest

from bench.nearby import FIRST, RADIUS_KM, compare, reference_nearby
from services.directory.domain.synthetic import SyntheticPlan, seed_synthetic

pytestmark = pytest.mark.timing  # a ratio of times: run with `pytest -m timing`


async def test_the_indexed_search_beats_a_full_scan_by_five_times(database: None) -> None:
    plan = SyntheticPlan(groups=5_000, cities=10)
    await seed_synthetic(plan)
    pune = plan.city(7)[1]
    assert len(await reference_nearby(pune, RADIUS_KM, FIRST)) == FIRST

    app_time, reference_time = await compare(pune, rounds=5, repeat=2)

    assert reference_time / app_time >= 5.0, (app_time, reference_time)
